// Test page script of test_parity.py: the shipped worker (assets/verifier/worker.mjs) verifies
// every corpus entry with the entry's registry and time; results go to window.__parity.
const plan = await (await fetch("./plan.json")).json();
const worker = new Worker(new URL("./assets/verifier/worker.mjs", import.meta.url), { type: "module" });
let nextId = 1;
const pending = new Map();
let readyResolve, readyReject;
const ready = new Promise((resolve, reject) => { readyResolve = resolve; readyReject = reject; });
worker.onmessage = (event) => {
  const msg = event.data;
  if (msg.type === "ready") readyResolve(msg.info);
  else if (msg.type === "error") readyReject(new Error(`${msg.code}: ${msg.message} ${msg.detail}`));
  else if (pending.has(msg.id)) {
    pending.get(msg.id)(msg);
    pending.delete(msg.id);
  }
};
const ask = (message, transfer) => new Promise((resolve) => {
  const id = nextId++;
  pending.set(id, resolve);
  worker.postMessage({ ...message, id }, transfer || []);
});
const abs = (path) => new URL(path, location.href).href;
const results = {};
try {
  const first = plan.groups[0];
  worker.postMessage({ type: "start", registryUrl: abs(first.registry), siteRoot: abs(first.root) });
  await ready;
  for (const group of plan.groups) {
    const set = await ask({ type: "registry", registryUrl: abs(group.registry), siteRoot: abs(group.root) });
    if (set.error) throw new Error(`registry ${group.registry}: ${set.error} ${set.detail}`);
    for (const entry of group.entries) {
      const bytes = new Uint8Array(await (await fetch(abs(entry.path))).arrayBuffer());
      const msg = await ask({ type: "verify", bytes: bytes.buffer, at: entry.now }, [bytes.buffer]);
      results[entry.key] = msg.report || { error: msg.error, detail: msg.detail };
    }
  }
  window.__parity = { results };
} catch (err) {
  window.__parity = { error: String(err && err.stack ? err.stack : err), results };
}
document.body.dataset.done = "true";
