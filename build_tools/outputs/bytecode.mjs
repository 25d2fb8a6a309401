// Compiles the Python files of the browser verifier's zip with the Python of the pinned Pyodide
// itself (bytecode is specific to one Python version), for build_tools/outputs/verifier_bundle.py:
//
//   node bytecode.mjs PYODIDE_DIR IN_ZIP OUT_ZIP
//
// OUT_ZIP receives one `__pycache__/<module>.<cache tag>.pyc` per `.py` file of IN_ZIP, in the
// unchecked-hash form (PEP 552): Python then loads it without looking at the source's time
// stamps, which a zip unpacked in the browser does not keep. The code objects carry the file
// names the modules have once the zip is unpacked into Pyodide's site-packages.
import { readFileSync, writeFileSync } from "node:fs";
import path from "node:path";
import { pathToFileURL } from "node:url";

const [pyodideDir, inZip, outZip] = process.argv.slice(2);
const { loadPyodide } = await import(pathToFileURL(path.join(pyodideDir, "pyodide.mjs")).href);
const pyodide = await loadPyodide({
  indexURL: pyodideDir + path.sep,
  stdout: () => {},
  stderr: (text) => process.stderr.write(text + "\n"),
});
pyodide.FS.writeFile("/tmp/in.zip", new Uint8Array(readFileSync(inZip)));
pyodide.runPython(`
import importlib.util, marshal, sys, sysconfig, zipfile

site = sysconfig.get_path("purelib")
tag = sys.implementation.cache_tag
with zipfile.ZipFile("/tmp/in.zip") as source, zipfile.ZipFile("/tmp/out.zip", "w") as out:
    for name in sorted(source.namelist()):
        if not name.endswith(".py"):
            continue
        data = source.read(name)
        code = compile(data, f"{site}/{name}", "exec", dont_inherit=True)
        folder, _, file = name.rpartition("/")
        pyc = (folder + "/" if folder else "") + f"__pycache__/{file[:-3]}.{tag}.pyc"
        flags = (1).to_bytes(4, "little")  # hash-based, source not checked
        out.writestr(pyc, importlib.util.MAGIC_NUMBER + flags
                     + importlib.util.source_hash(data) + marshal.dumps(code))
`);
writeFileSync(outZip, pyodide.FS.readFile("/tmp/out.zip"));
