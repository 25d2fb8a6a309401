"""build_tools/outputs/keys.py: JWKS, did:web documents, status copies, registry key facts."""

from __future__ import annotations

import json
import random

from build_tools.catalogue.secrets import find_private_key_material
from build_tools.issuing.issue import issue_credentials, list_signer, signing_key_for
from build_tools.issuing.keys import (
    cert_sha256,
    load_private_key,
    public_jwk,
    public_key_from_jwk,
)
from build_tools.issuing.statuslist import StatusStore
from build_tools.outputs.keys import key_facts, render_issuer_listings
from build_tools.verifier.codec import b58decode, jwk_thumbprint

from ._signatures import proof_verifies
from ._world import ISSUED, NOW, REPO, IssuingWorld
from .test_learners import TODAY

KEY_FACT_FIELDS = [
    "kid",
    "alg",
    "use",
    "status",
    "valid_from",
    "valid_until",
    "jwk",
    "thumbprint",
    "did_url",
    "cert_sha256",
    "cert_subject",
]


def test_key_facts_have_the_registry_shape(world_template: IssuingWorld) -> None:
    catalogue = world_template.load()
    issuer = catalogue.issuers["aa"]
    for key in issuer.keys:
        facts = key_facts(catalogue, issuer, key)
        assert list(facts) == KEY_FACT_FIELDS
        assert facts["thumbprint"] == jwk_thumbprint(facts["jwk"])
        assert facts["did_url"] == f"did:web:example.org:credentials:issuers:aa#{key.kid}"
        assert facts["valid_from"] == "2026-09-01T00:00:00Z" and facts["valid_until"] is None
        assert facts["cert_sha256"] == cert_sha256(key.certificate_pem)
        assert facts["cert_subject"] == "CN=University A,O=University A,C=LV"
        assert "d" not in facts["jwk"]


def test_jwks_and_did_documents(world_template: IssuingWorld) -> None:
    catalogue = world_template.load()
    files = render_issuer_listings(catalogue)
    jwks = json.loads(files["issuers/aa/jwks.json"])
    assert {k["kid"] for k in jwks["keys"]} == {k.kid for k in catalogue.issuers["aa"].keys}
    for entry in jwks["keys"]:
        assert entry["use"] == "sig" and entry["x5c"] and entry["x5t#S256"]
        public_key_from_jwk(entry)  # usable public key
    did = json.loads(files["issuers/aa/did.json"])
    assert did["id"] == "did:web:example.org:credentials:issuers:aa"
    types = {m["id"].rsplit("#", 1)[1]: m["type"] for m in did["verificationMethod"]}
    assert types["aa-2026-eddsa-1"] == "Multikey"
    assert types["aa-2026-eddsa-1-jwk"] == "JsonWebKey"
    assert types["aa-2026-es256-1"] == "Multikey"
    assert types["aa-2026-rs256-1"] == "JsonWebKey"  # RSA has no Multikey encoding
    assert did["assertionMethod"] == [m["id"] for m in did["verificationMethod"]]
    for method in did["verificationMethod"]:
        assert method["controller"] == did["id"]
    eddsa = next(m for m in did["verificationMethod"] if m["id"].endswith("#aa-2026-eddsa-1"))
    assert eddsa["publicKeyMultibase"].startswith("z6Mk")
    assert b58decode(eddsa["publicKeyMultibase"][1:])[:2] == b"\xed\x01"
    for content in files.values():
        assert find_private_key_material(content, name="x.json") == []


def test_compromised_keys_are_not_published_but_stay_in_the_registry(world: IssuingWorld) -> None:
    assert (
        world.cli(
            "keys",
            "compromised",
            "--issuer",
            "aa",
            "--kid",
            "aa-2026-es256-1",
            "--catalogue",
            str(world.catalogue_dir),
        )
        == 0
    )
    catalogue = world.load()
    files = render_issuer_listings(catalogue)
    assert "aa-2026-es256-1" not in files["issuers/aa/jwks.json"].decode()
    assert "aa-2026-es256-1" not in files["issuers/aa/did.json"].decode()
    issuer = catalogue.issuers["aa"]
    facts = [key_facts(catalogue, issuer, k) for k in issuer.keys]
    assert {f["kid"]: f["status"] for f in facts}["aa-2026-es256-1"] == "compromised"


def test_status_lists_are_published_byte_for_byte(world: IssuingWorld) -> None:
    from build_tools.issuing.learners import load_learners

    catalogue = world.load()
    signing = signing_key_for(catalogue, load_private_key(world.key("aa-eddsa")), at=ISSUED)
    store = StatusStore(
        world.catalogue_dir,
        slug="aa",
        site_url=catalogue.alliance.site_url,
        issuer_did=signing.verification_method.split("#")[0],
    )
    learners = load_learners(REPO / "examples" / "learner.yaml", today=TODAY)
    issue_credentials(
        catalogue,
        catalogue.offers["aa-one"],
        learners,
        signing,
        fmt="ob3",
        issued=NOW,
        store=store,
        rng=random.Random(1),
        now=NOW,
    )
    store.save(list_signer(signing), now=NOW)
    catalogue = world.load()
    files = render_issuer_listings(catalogue)
    committed = (world.catalogue_dir / "issuers/aa/status/revocation-1.json").read_bytes()
    assert files["issuers/aa/status/revocation-1.json"] == committed
    assert not any(path.endswith(".used.json") for path in files)  # bookkeeping stays private
    doc = json.loads(committed)
    public = public_key_from_jwk(public_jwk(signing.private_key))
    assert proof_verifies(doc, public)
