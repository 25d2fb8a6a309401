// Test page script of test_webcrypto.py: runs the shipped WebCrypto backend in Pyodide.
import { loadPyodide } from "./verify/runtime/pyodide.mjs";
const manifest = await (await fetch("./verify/runtime/manifest.json")).json();
const py = await loadPyodide({
  indexURL: new URL("./verify/runtime/", location.href).href,
  lockFileContents: { info: manifest.pyodide.lock_info, packages: {} },
});
const zip = new Uint8Array(await (await fetch("./verify/runtime/verifier.zip")).arrayBuffer());
py.unpackArchive(zip, "zip", { extractDir: py.runPython("import sysconfig; sysconfig.get_path('purelib')") });
const vectors = await (await fetch("./vectors.json")).text();
py.globals.set("VECTORS", vectors);
const out = await py.runPythonAsync(`
import base64, json
from build_tools.verifier.webcrypto import WebCryptoBackend
backend = WebCryptoBackend()
answers = {}
def b(s):
    return base64.urlsafe_b64decode(s + "=" * (-len(s) % 4))
for v in json.loads(VECTORS):
    for attempt in (1, 2):  # the second run goes through the imported-key cache
        try:
            ok = await backend.verify_signature(jwk=v["jwk"], alg=v["alg"], message=b(v["message"]), signature=b(v["signature"]))
            answer = "true" if ok is True else ("false" if ok is False else repr(ok))
        except ValueError:
            answer = "ValueError"
        except Exception as exc:
            answer = "raised " + type(exc).__name__ + ": " + str(exc)
        answers[v["name"] + (" (cached)" if attempt == 2 else "")] = answer
json.dumps(answers)
`);
document.body.dataset.answers = out;
