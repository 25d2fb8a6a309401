// Bench-only: Digital Bazaar's JavaScript verifier for eddsa-rdfc-2022, bundled for Chromium by
// bench/browser_verify.py (esbuild, --platform=browser). Same set-up as the JS reference of
// the performance anchor: vc.verifyCredential with DataIntegrityProof + eddsa-rdfc-2022, a
// document loader serving local contexts with `tag: 'static'`, did:key resolved locally and
// AssertionProofPurpose (the W3C vector's issuer is not the key's controller).
import * as vc from "@digitalbazaar/vc";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite as eddsaRdfc2022Cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";
import * as DidKey from "@digitalbazaar/did-method-key";
import jsigs from "jsonld-signatures";

const {
  purposes: { AssertionProofPurpose },
} = jsigs;

const didKeyDriver = DidKey.driver();
didKeyDriver.use({ multibaseMultikeyHeader: "z6Mk", fromMultibase: Ed25519Multikey.from });

function makeVerifier(contexts) {
  const documentLoader = async (url) => {
    if (Object.prototype.hasOwnProperty.call(contexts, url)) {
      return { contextUrl: null, documentUrl: url, document: contexts[url], tag: "static" };
    }
    if (url.startsWith("did:key:")) {
      const document = await didKeyDriver.get({ url });
      return { contextUrl: null, documentUrl: url, document };
    }
    throw new Error(`document not available offline: ${url}`);
  };
  const suite = new DataIntegrityProof({ cryptosuite: eddsaRdfc2022Cryptosuite });
  return (credential) =>
    vc.verifyCredential({ credential, suite, documentLoader, purpose: new AssertionProofPurpose() });
}

async function measure(contexts, credential, warmup, iterations) {
  const verify = makeVerifier(contexts);
  let last = null;
  const times = [];
  for (let i = 0; i < warmup + iterations; i++) {
    const t = performance.now();
    last = await verify(structuredClone(credential));
    if (i >= warmup) times.push(performance.now() - t);
  }
  return { times, verified: Boolean(last && last.verified), error: last && last.error ? String(last.error) : null };
}

globalThis.credsiteBenchDb = { measure };
document.body.dataset.ready = "true";
