"""Strict JSON-LD processing over bundled, pinned contexts.

Everything that turns a credential into RDF goes through this module: the verifier and the
issuing part both use `canonize()` so that what is signed and what is verified are produced by
the same code.

Rules (Data Integrity §2.4 "Validating Contexts", §2.5 "Securing Data Losslessly"):

- contexts are served only from the copies in `contexts/`, each checked against its SHA-256
  pin when first read; any other URL fails closed (no network, ever);
- a property that expansion drops (an undefined term) is an error, not silence;
- relative IRIs are an error: pyld resolves them against a default base, so we pass a sentinel
  base and reject any IRI that carries it;
- an inline context may not redefine a term that a bundled context already defines;
- the facts of a document signed over its RDF dataset are read from the compact form of that
  dataset under its pinned contexts, where every key means what those contexts say
  (`compact_form`, docs/adr/0007);
- canonicalisation work is bounded (quads, blank nodes and RDFC-1.0 steps), because
  RDFC-1.0 has exponential worst cases ("dataset poisoning", RDFC-1.0 §4.4).
"""
