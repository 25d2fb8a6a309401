// The verifier's Web Worker starts here, inside verify/, because a dedicated worker is served
// by the service worker (verify/sw.js) only when the worker's own URL is inside its scope; the
// code is assets/verifier/worker.mjs (its import goes through the service worker too, so the
// page works offline after the first visit). See docs/adr/0009-start-up-snapshot-and-offline.md.
import "../assets/verifier/worker.mjs";
