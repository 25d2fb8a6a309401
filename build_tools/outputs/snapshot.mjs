// Makes the browser verifier's start-up snapshot, for build_tools/outputs/verifier_bundle.py:
//
//   node snapshot.mjs PYODIDE_DIR STDLIB_ZIP ARCHIVE_ZIP LOCK_INFO_JSON OUT REST_JSON
//
// Starts the pinned Pyodide the way the worker (site_src/assets/verifier/worker.mjs) does, with
// the same standard library and lock-file info, unpacks the verifier's zip into site-packages,
// imports the verifier and calls `build_tools.verifier.browser.preload()` (the modules that
// verification imports lazily and the bundled JSON-LD contexts), then writes Pyodide's memory
// snapshot to OUT in its transport form (snapshot.mjs beside the worker: the memory image
// XORed with the wasm binary's data segments), uncompressed. Nothing from JavaScript may stay
// referenced by Python at that point (Pyodide cannot serialise it), so nothing is called that
// keeps a JavaScript object.
//
// REST_JSON receives the names of the archive's entries that Python has not loaded by then (data
// files, modules never imported, their bytecode): a page that starts from this snapshot needs
// only those on disk, so it downloads and unpacks a smaller zip of them.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const [pyodideDir, stdlibZip, archiveZip, lockInfoJson, out, restJson] = process.argv.slice(2);
const here = path.dirname(fileURLToPath(import.meta.url));
const shared = path.join(here, "..", "..", "site_src", "assets", "verifier", "snapshot.mjs");
const { xorDataSegments } = await import(pathToFileURL(shared).href);
const indexURL = pyodideDir + path.sep;
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL,
  packageBaseUrl: indexURL,
  stdLibURL: stdlibZip,
  lockFileContents: { info: JSON.parse(readFileSync(lockInfoJson, "utf-8")), packages: {} },
  _makeSnapshot: true,
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
    return json.dumps(sorted(rest))
_rest()
`);
pyodide.runPython("del _rest; import gc; gc.collect()");
writeFileSync(restJson, rest);
const snapshot = pyodide.makeMemorySnapshot();
xorDataSegments(snapshot, new Uint8Array(readFileSync(path.join(pyodideDir, "pyodide.asm.wasm"))));
writeFileSync(out, snapshot);
