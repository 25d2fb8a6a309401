// Makes the browser verifier's start-up snapshot, for build_tools/outputs/verifier_bundle.py:
//
//   node snapshot.mjs PYODIDE_DIR STDLIB_ZIP ARCHIVE_ZIP LOCK_INFO_JSON OUT REST_JSON
//
// Starts the pinned Pyodide the way the worker (site_src/assets/verifier/worker.mjs) does, with
// the same standard library and lock-file info, unpacks the verifier's zip into site-packages,
// imports the verifier and calls `build_tools.verifier.browser.preload()` (the modules that
// verification imports lazily and the bundled JSON-LD contexts), then writes Pyodide's memory
// snapshot to OUT in its transport form (snapshot.mjs beside the worker: the memory image
// XORed with the wasm binary's data segments, stored without its all-zero pages), uncompressed.
// Nothing from JavaScript may stay referenced by Python at that point (Pyodide cannot serialise
// it), so nothing is called that keeps a JavaScript object.
//
// REST_JSON receives the names of the archive's entries that Python has not loaded by then (data
// files, modules never imported, their bytecode): they make a smaller zip, which a page that
// starts from this snapshot downloads only if something imports one of those modules
// (browser.py: `remember_rest`, `ArchiveOnDemand`).
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [pyodideDir, stdlibZip, archiveZip, lockInfoJson, out, restJson] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const shared = path.join(here, "..", "..", "site_src", "assets", "verifier", "snapshot.mjs");
const { packPages, xorDataSegments } = await import(pathToFileURL(shared).href);
const indexURL = pyodideDir + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL,
  packageBaseUrl: indexURL,
  stdLibURL: stdlibZip,
  lockFileContents: { info: JSON.parse(readFileSync(lockInfoJson, "utf-8")), packages: {} },
  _makeSnapshot: true,
  // Code objects without column positions (only tracebacks' carets use them): a smaller image.
  env: { PYTHONNODEBUGRANGES: "1" },
  stdout: () => {},
  stderr: (text) => process.stderr.write(text + "\n"),
});
const sitePackages = pyodide.runPython("import sysconfig; sysconfig.get_path('purelib')");
pyodide.unpackArchive(new Uint8Array(readFileSync(archiveZip)), "zip", { extractDir: sitePackages });
pyodide.FS.writeFile("/tmp/archive.zip", new Uint8Array(readFileSync(archiveZip)));
const rest = pyodide.runPython(`
def _rest():
    import json, os, sys, zipfile
    import build_tools.verifier.browser as browser

    browser.preload()
    loaded = set()
    for module in list(sys.modules.values()):
        name = getattr(module, "__file__", None)
        if isinstance(name, str):
            loaded.add(os.path.realpath(name))
    site = "${sitePackages}"
    rest = []
    with zipfile.ZipFile("/tmp/archive.zip") as archive:
        for name in archive.namelist():
            source = name
            if "/__pycache__/" in name and name.endswith(".pyc"):
                folder, _, pyc = name.rpartition("/__pycache__/")
                source = folder + "/" + pyc.split(".", 1)[0] + ".py"
            if os.path.realpath(os.path.join(site, source)) not in loaded:
                rest.append(name)
    os.remove("/tmp/archive.zip")
    browser.remember_rest(rest)
    return json.dumps(sorted(rest))
_rest()
`);
// The page that starts from the snapshot mounts no standard library up front (the snapshot has
// already imported what the verifier uses; browser.py fetches the library if anything else is
// ever imported): forget the directory of the one read here. Leave out what a page never uses
// (a large standard-input buffer, TLS, archive codecs other than deflate). Then make the code
// Python holds smaller (browser.compact_code); the warm-up verification must give the same
// verdict on the new code as before, or no snapshot is written (and the page takes the
// standard start).
pyodide.runPython(`
def _forget():
    import gc, linecache, sys, zipfile, zipimport
    import build_tools.verifier.browser as browser
    del globals()["_rest"]
    library = [p for p in sys.path if p.endswith(".zip")][0]
    with zipfile.ZipFile(library) as archive:
        browser.remember_library(archive.namelist())
    linecache.clearcache()
    zipimport._zip_directory_cache.clear()
    for path in [p for p in sys.path_importer_cache if p.startswith(library)]:
        del sys.path_importer_cache[path]
    _small_stdin()
    _without_tls_and_archive_codecs()
    gc.collect()
    before = browser._warm_up()
    after = browser.compact_code()
    if after != before:
        raise RuntimeError(f"the warm-up gave {after!r} after compact_code(), {before!r} before")
    gc.collect()

def _without_tls_and_archive_codecs():
    # A page has no sockets, so TLS never runs there, and the verifier opens deflated zips only.
    # asyncio and zipfile import ssl and the other codecs only where present (their
    # "except ImportError: ... = None"): they are left as if the modules were absent, and the
    # modules are freed (about 35 kB of Brotli).
    import asyncio.base_events, asyncio.selector_events, asyncio.sslproto, compression, sys, zipfile
    for module in (asyncio.base_events, asyncio.selector_events, asyncio.sslproto):
        module.ssl = None
    zipfile.bz2 = zipfile.lzma = zipfile.zstd = None
    vars(compression).pop("zstd", None)
    gone = ("ssl", "_ssl", "bz2", "_bz2", "lzma", "_lzma", "_zstd", "compression.zstd")
    for name in [n for n in sys.modules if n in gone or n.startswith("compression.zstd.")]:
        del sys.modules[name]

def _small_stdin():
    # Nothing reads standard input in the page, yet its reader holds a 128 KiB buffer that was
    # never written: it still holds the bytes that memory held before (the standard library's
    # zip), about 130 kB of Brotli in the snapshot. A reader with a 256-byte buffer instead.
    import io, sys
    old = sys.stdin
    raw = io.FileIO(old.fileno(), "r", closefd=False)
    sys.stdin = sys.__stdin__ = io.TextIOWrapper(
        io.BufferedReader(raw, buffer_size=256),
        encoding=old.encoding,
        errors=old.errors,
        line_buffering=old.line_buffering,
    )

_forget()
del _forget, _small_stdin, _without_tls_and_archive_codecs
`);
writeFileSync(restJson, rest);
const heap = heapBounds(pyodide._module);
const stack = unusedStack(pyodide._module);
const snapshot = pyodide.makeMemorySnapshot();
xorDataSegments(snapshot, new Uint8Array(readFileSync(path.join(pyodideDir, "pyodide.asm.wasm"))));
const memory = snapshot.subarray(new DataView(snapshot.buffer, snapshot.byteOffset, 48).getUint32(4, true));
const zeroed = (heap ? zeroFreeChunks(memory, heap) : 0) + (stack ? zeroSpan(memory, stack) : 0);
const packed = packPages(snapshot);
process.stderr.write(
  `snapshot: ${snapshot.length} bytes, ${zeroed} bytes of unused memory zeroed, ${packed.length} stored\n`,
);
writeFileSync(out, packed);

// Where malloc's heap starts and ends (the sbrk pointer), or null if the runtime does not say.
function heapBounds(module) {
  const base = module.___heap_base;
  if (typeof base !== "number" || typeof module._emscripten_get_sbrk_ptr !== "function") return null;
  return { base, end: module.HEAPU32[module._emscripten_get_sbrk_ptr() >>> 2] };
}

// The part of the C stack below the stack pointer (the stack grows down): what the start-up's
// deepest calls left there, never read again (no frame lives below the pointer), or null if the
// runtime does not say. Called from JavaScript, outside any Python call.
function unusedStack(module) {
  if (typeof module._emscripten_stack_get_end !== "function") return null;
  if (typeof module._emscripten_stack_get_current !== "function") return null;
  return { from: module._emscripten_stack_get_end(), to: module._emscripten_stack_get_current() };
}

// Zero [from, to) of the snapshot's memory; returns the number of bytes zeroed.
function zeroSpan(memory, { from, to }) {
  if (!(from < to && to <= memory.length)) return 0;
  memory.fill(0, from, to);
  return to - from;
}

// Zero the unused bytes of every free malloc chunk in the snapshot's memory image: memory that
// Python freed during start-up still holds whatever it held, which compresses badly, and a
// program never reads free memory before writing it. The heap is walked as dlmalloc lays it out
// on wasm32 (a chunk: the previous chunk's 4-byte footer, a 4-byte head = size | CINUSE 2 |
// PINUSE 1; 8-byte alignment); the first 24 bytes of a free chunk's payload (its free-list
// links) and every head and footer are kept. If the walk does not end exactly at the heap's end,
// or a head contradicts its neighbour, nothing is changed. Returns the number of bytes zeroed.
function zeroFreeChunks(memory, { base, end }) {
  const view = new DataView(memory.buffer, memory.byteOffset, memory.byteLength);
  if (end > memory.length || base >= end) return 0;
  const spans = [];
  let p = base + ((8 - ((base + 8) % 8)) % 8);
  let previousInUse = 1;
  while (p + 8 <= end) {
    const head = view.getUint32(p + 4, true);
    const size = head & ~7;
    if (size < 16 || p + size > end || (head & 1) !== previousInUse) return 0;
    previousInUse = (head & 2) >> 1;
    if (!previousInUse) spans.push([p + 32, p + size]);
    p += size;
  }
  if (p !== end) return 0;
  return spans.reduce((zeroed, [from, to]) => zeroed + zeroSpan(memory, { from, to }), 0);
}
