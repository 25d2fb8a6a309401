// The verifier page's service worker (published as verify/sw.js; scope: verify/). The build
// (build_tools/sitebuild/offline.py) writes `const BUILD = {...}` above this code:
//   BUILD.id     a hash of every file listed below: the cache of this build is
//                "credsite-verify-<id>", and a new build (a new sw.js) replaces the old cache;
//   BUILD.files  {site path: SHA-256 hex} of the verify page, its scripts and styles, the
//                verifier's runtime, the registry, its status lists and the samples;
//   BUILD.fresh  the paths fetched network-first (registry.json and the status lists).
//
// Every listed file is stored when this worker installs (checked against its SHA-256, so a
// half-deployed site is not stored; runtime files from a host that does not compress come from
// their .gz copies, see docs/adr/0011-runtime-transfer.md; an unchanged file is copied
// from the previous build's cache instead of downloaded again). Then:
//   - the registry and the status lists: from the network, and stored with the time they were
//     fetched; from the stored copy only when the network fails, with the header
//     `X-Credsite-Offline-Copy: <that time>` so that the page can say how old it is;
//   - every other listed file: from this build's cache (one consistent build per visit: the
//     page, scripts and runtime of one build; a new build is used from the visit after the
//     browser installed its service worker);
//   - anything else (other pages, search): not touched, as if there were no service worker.
// Nothing is ever sent anywhere but to this site. See docs/adr/0009-start-up-snapshot-and-offline.md.

// One cache per build of each language's verify page ("credsite-verify-<id>" for the default
// language, "credsite-verify-lv-<id>" for another): a worker replaces only its own page's
// older caches, never another language's.
const CACHE_PREFIX = "credsite-verify-" + BUILD.key;
const CACHE = CACHE_PREFIX + BUILD.id;
const ours = (name) => name.startsWith(CACHE_PREFIX) && /^[0-9a-f]{20}$/.test(name.slice(CACHE_PREFIX.length));
const LIST_KEY = "credsite-build.json"; // stored in each cache: {files} of its build
const SITE_ROOT = new URL(BUILD.root, self.location.href); // the site root, from this folder
const FRESH_TIMEOUT_MS = 6000;

const sitePath = (url) => {
  const u = new URL(url);
  if (u.origin !== SITE_ROOT.origin || !u.pathname.startsWith(SITE_ROOT.pathname)) return null;
  return decodeURIComponent(u.pathname.slice(SITE_ROOT.pathname.length));
};
const siteUrl = (path) => new URL(path, SITE_ROOT).href;
const listKey = () => new URL(LIST_KEY, self.registration.scope).href;

// A response to store: the body and type of `response`, plus when it was fetched.
// With `sha256`, the copy was checked against it when stored (`X-Credsite-Checked`): the page's
// worker then need not hash it again.
async function stamped(response, sha256) {
  const headers = new Headers();
  for (const name of ["Content-Type", "Last-Modified"]) {
    const value = response.headers.get(name);
    if (value) headers.set(name, value);
  }
  headers.set("X-Credsite-Fetched", new Date().toISOString());
  if (sha256) headers.set("X-Credsite-Checked", sha256);
  return new Response(await response.blob(), { status: 200, headers });
}

async function previousCopies() {
  const out = [];
  for (const name of await caches.keys()) {
    if (!ours(name) || name === CACHE) continue;
    const cache = await caches.open(name);
    const list = await cache.match(listKey());
    if (!list) continue;
    try {
      out.push({ cache, files: (await list.json()).files || {} });
    } catch {
      /* an unreadable list: nothing reused from that cache */
    }
  }
  return out;
}

async function sha256Hex(bytes) {
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
}

// A listed file, checked against its SHA-256, ready to store. The verifier's runtime files are
// large: a host that does not compress them (no Content-Encoding) is asked for the `.gz` copy
// the build writes beside each, which is unpacked here (as the page's worker does).
// `plain`: the host sent the runtime's manifest uncompressed, so a runtime file's `.gz` copy is
// asked for first.
async function download(path, url, sha256, plain) {
  const runtime = path.startsWith("verify/runtime/");
  let bytes = runtime && plain ? await fromGz(url) : null;
  let response = null;
  if (bytes === null) {
    response = await fetch(url, { cache: "no-cache" });
    if (!response.ok) throw new Error(`${path}: HTTP ${response.status}`);
    if (runtime && !response.headers.get("Content-Encoding")) {
      if (response.body) response.body.cancel().catch(() => {});
      bytes = await fromGz(url);
      if (bytes === null) response = await fetch(url, { cache: "no-cache" });
    }
  }
  if (bytes === null) bytes = new Uint8Array(await response.arrayBuffer());
  if ((await sha256Hex(bytes)) !== sha256) throw new Error(`${path}: does not match its checksum`);
  const type = response ? response.headers.get("Content-Type") : null;
  return stamped(new Response(bytes, { headers: type ? { "Content-Type": type } : {} }), sha256);
}

// The file at `url` from its `.gz` copy, unpacked; null without one.
async function fromGz(url) {
  const packed = await fetch(`${url}.gz`, { cache: "no-cache" }).catch(() => null);
  if (!packed || !packed.ok) return null;
  let bytes = new Uint8Array(await packed.arrayBuffer());
  // A host that marks .gz files as gzip-encoded has had the browser unpack it already.
  if (bytes[0] === 0x1f && bytes[1] === 0x8b) {
    const stream = new Blob([bytes]).stream().pipeThrough(new DecompressionStream("gzip"));
    bytes = new Uint8Array(await new Response(stream).arrayBuffer());
  }
  return bytes;
}

async function install() {
  const cache = await caches.open(CACHE);
  const previous = await previousCopies();
  const probe = await fetch(siteUrl("verify/runtime/manifest.json"), { cache: "no-cache" }).catch(() => null);
  const plain = Boolean(probe && probe.ok && !probe.headers.get("Content-Encoding"));
  await Promise.all(
    Object.entries(BUILD.files).map(async ([path, sha256]) => {
      const url = siteUrl(path);
      for (const old of previous) {
        if (old.files[path] !== sha256) continue;
        const copy = await old.cache.match(url);
        if (copy) return cache.put(url, copy);
      }
      return cache.put(url, await download(path, url, sha256, plain));
    }),
  );
  await cache.put(listKey(), new Response(JSON.stringify({ id: BUILD.id, files: BUILD.files }), {
    headers: { "Content-Type": "application/json" },
  }));
}

async function activate() {
  for (const name of await caches.keys()) {
    if (ours(name) && name !== CACHE) await caches.delete(name);
  }
  await self.clients.claim();
}

self.addEventListener("install", (event) => event.waitUntil(install()));
self.addEventListener("activate", (event) => event.waitUntil(activate()));

// Network first, for the registry and the status lists.
async function fresh(request, url) {
  const cache = await caches.open(CACHE);
  try {
    const response = await Promise.race([
      fetch(request),
      new Promise((_, reject) => setTimeout(() => reject(new Error("no answer")), FRESH_TIMEOUT_MS)),
    ]);
    if (response.ok) {
      const copy = await stamped(response.clone());
      await cache.put(url, copy);
    }
    return response;
  } catch (err) {
    const stored = await cache.match(url);
    if (!stored) throw err;
    const headers = new Headers(stored.headers);
    headers.set("X-Credsite-Offline-Copy", stored.headers.get("X-Credsite-Fetched") || "");
    return new Response(await stored.blob(), { status: 200, headers });
  }
}

// This build's copy first, for everything else listed.
async function stored(request, url) {
  const cache = await caches.open(CACHE);
  const hit = await cache.match(url);
  return hit || fetch(request);
}

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  let path = sitePath(request.url);
  if (path === null) return;
  if (request.mode === "navigate" && (path === "verify/index.html" || path === "verify")) path = "verify/";
  if (!Object.prototype.hasOwnProperty.call(BUILD.files, path)) return;
  const url = siteUrl(path);
  event.respondWith(BUILD.fresh.includes(path) ? fresh(request, url) : stored(request, url));
});
