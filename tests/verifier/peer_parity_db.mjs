// Differential peer for tests/verifier/test_peer_parity.py: Digital Bazaar's verifier
// (@digitalbazaar/vc with DataIntegrityProof + each cryptosuite installed in node_modules),
// fully offline. Input (JSON file named by argv[2]):
//   {contexts: {url: document}, registries: {name: {url: document}},
//    cases: [{id, path, now, registry}]}
// `contexts` are the project's bundled, pinned contexts; `registries` hold, per registry file,
// the controller documents and verification methods of its did:web (and other non-did:key)
// keys, and a case sees only its own registry's; did:key is resolved locally by
// did-method-key. Anything else fails closed. Output (stdout): {suites: [...], results: {id: {...}}}.
import { readFileSync } from "node:fs";
import * as vc from "@digitalbazaar/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022 } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import * as DidKey from "@digitalbazaar/did-method-key";
import jsigs from "jsonld-signatures";

const {
  purposes: { AssertionProofPurpose },
} = jsigs;

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const didKeyDriver = DidKey.driver();
didKeyDriver.use({ multibaseMultikeyHeader: "z6Mk", fromMultibase: Ed25519Multikey.from });

const own = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);
const loaded = [];
let methods = {};

async function documentLoader(url) {
  if (own(input.contexts, url)) {
    return { contextUrl: null, documentUrl: url, document: input.contexts[url], tag: "static" };
  }
  if (own(methods, url)) {
    return { contextUrl: null, documentUrl: url, document: methods[url] };
  }
  if (url.startsWith("did:key:")) {
    const document = await didKeyDriver.get({ url });
    return { contextUrl: null, documentUrl: url, document };
  }
  loaded.push(url);
  throw new Error(`document not available offline: ${url}`);
}

// Only the suites whose packages are installed; the Python side lists the rest as not compared.
const suites = { "eddsa-rdfc-2022": eddsaRdfc2022 };
const suite = Object.values(suites).map((cryptosuite) => new DataIntegrityProof({ cryptosuite }));

// This project checks status against the registry's lists separately from the signature; DB's
// vc refuses any credential with `credentialStatus` unless a checkStatus function is given.
// The stub keeps status out of the signature comparison and is reported as such.
const checkStatus = async () => ({ verified: true });

function summary(error) {
  if (!error) return null;
  const errors = Array.isArray(error.errors) ? error.errors : [error];
  return errors.map((e) => String((e && e.message) || e)).join(" | ");
}

const results = {};
for (const c of input.cases) {
  loaded.length = 0;
  methods = (c.registry && input.registries[c.registry]) || {};
  let credential;
  try {
    credential = JSON.parse(readFileSync(c.path, "utf8"));
  } catch (e) {
    results[c.id] = { verified: false, stage: "parse", error: String(e.message || e) };
    continue;
  }
  let out;
  try {
    out = await vc.verifyCredential({
      credential,
      suite,
      documentLoader,
      checkStatus,
      now: c.now,
      purpose: new AssertionProofPurpose(),
    });
  } catch (e) {
    out = { verified: false, error: e };
  }
  const proofs = Array.isArray(out.results) ? out.results : [];
  const proofError = proofs.map((r) => summary(r.error)).filter(Boolean).join(" | ");
  const reachedProofs = proofs.some((r) => r.proof);
  let signature = Boolean(out.verified);
  let signatureError = null;
  if (!reachedProofs) {
    // vc's own model checks (_checkCredential: dates, required members) refused the
    // credential before any proof was looked at; the signature verdict is then the one of
    // jsonld-signatures' verify, the call vc makes next, with the same suites and purpose.
    try {
      const sig = await jsigs.verify(credential, {
        suite,
        documentLoader,
        purpose: new AssertionProofPurpose(),
      });
      signature = Boolean(sig.verified);
      signatureError = summary(sig.error);
    } catch (e) {
      signature = false;
      signatureError = String(e.message || e);
    }
  }
  results[c.id] = {
    verified: Boolean(out.verified),
    signature,
    // "proof" when vc got to the proofs, "credential" when its model checks refused first.
    stage: reachedProofs ? "proof" : "credential",
    error: summary(out.error) || proofError || null,
    signatureError,
    offline: [...loaded],
  };
}
process.stdout.write(JSON.stringify({ suites: Object.keys(suites), results }));
