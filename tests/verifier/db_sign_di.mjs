// Signing peer for tests/verifier/test_canonical_escapes.py: Digital Bazaar's issuer
// (@digitalbazaar/vc with DataIntegrityProof and eddsa-rdfc-2022, a fresh Ed25519 did:key),
// fully offline. Input (JSON file named by argv[2]): {contexts: {url: document}, credential}.
// `contexts` are the project's bundled, pinned contexts; any other URL fails closed.
// Output (stdout): {signed: the credential with its proof, canonical: jsonld's RDFC-1.0
// N-Quads of the unsigned credential (rdf-canonize's canonical form)}.
import { readFileSync } from "node:fs";
import * as vc from "@digitalbazaar/vc";
import jsonld from "jsonld";
import { DataIntegrityProof } from "@digitalbazaar/data-integrity";
import { cryptosuite } from "@digitalbazaar/eddsa-rdfc-2022-cryptosuite";
import * as Ed25519Multikey from "@digitalbazaar/ed25519-multikey";

const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const own = (obj, key) => Object.prototype.hasOwnProperty.call(obj, key);

async function documentLoader(url) {
  if (own(input.contexts, url)) {
    return { contextUrl: null, documentUrl: url, document: input.contexts[url], tag: "static" };
  }
  throw new Error(`document not available offline: ${url}`);
}

const keyPair = await Ed25519Multikey.generate();
const did = `did:key:${keyPair.publicKeyMultibase}`;
keyPair.controller = did;
keyPair.id = `${did}#${keyPair.publicKeyMultibase}`;

const credential = { ...input.credential, issuer: did };
const canonical = await jsonld.canonize(credential, {
  algorithm: "RDFC-1.0",
  format: "application/n-quads",
  documentLoader,
  safe: true,
});
const suite = new DataIntegrityProof({ signer: keyPair.signer(), cryptosuite });
const signed = await vc.issue({ credential, suite, documentLoader });
process.stdout.write(JSON.stringify({ signed, canonical }));
