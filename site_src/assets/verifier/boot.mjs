// Starts the verifier's worker from the verify page's <head> (loaded `async`), so that its
// download of the runtime and Python's start overlap the page's own loading. app.mjs imports this
// module too (one instance per page) and takes the worker over with `takeWorker()`, then sends it
// the page's settings; the worker reports nothing until then (worker.mjs, `prefetch`).

function makeWorker() {
  // worker.mjs beside the page: inside its service worker's scope.
  return new Worker(new URL("worker.mjs", location.href), { type: "module", name: "credsite-verifier" });
}

let early = null;
let earlyError = "";
try {
  early = makeWorker();
  // A worker whose code cannot load says so before app.mjs listens: kept for it.
  early.addEventListener("error", (event) => {
    earlyError = (event && event.message) || "worker error";
  });
  early.postMessage({ type: "prefetch" });
} catch {
  early = null; // takeWorker() tries again and reports why it cannot
}

// The worker started early (the first time), else a new one (after a restart): {worker, error}
// with `error` what it already reported. Throws where the browser allows no worker.
export function takeWorker() {
  if (early) {
    const worker = early;
    early = null;
    return { worker, error: earlyError };
  }
  return { worker: makeWorker(), error: "" };
}
