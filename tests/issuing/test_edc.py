"""EDC: Annex I elements, official SHACL shapes, JAdES seal like the EU sample, round trip."""

from __future__ import annotations

import base64
import copy
import dataclasses
import datetime as dt
import hashlib
import io
import json
import random
from typing import Any

import pytest
import rdflib
from cryptography import x509
from PIL import Image
from pyshacl import validate

from build_tools.catalogue.elm import vc_keys
from build_tools.issuing.edc import EdcInput, build_edc
from build_tools.issuing.issue import issue_credentials, signing_key_for
from build_tools.issuing.jades import issuer_serial_kid, payload_text, seal
from build_tools.issuing.keys import cert_sha256, load_private_key
from build_tools.issuing.learners import Learner
from build_tools.issuing.statuslist import StatusEntry, StatusStore
from build_tools.outputs import elm as elm_output
from build_tools.verifier.codec import b64url_decode
from build_tools.verifier.jsonld import canonize, expand_strict

from ._world import ISSUED, NOW, VECTORS, IssuingWorld, failing, verify_report

SHAPES = VECTORS / "shacl" / "edc"
LEARNER = Learner(
    "Anna",
    "Bērziņa",
    dt.date(2026, 6, 30),
    dt.date(2001, 3, 14),
    "Student ID",
    "AA-0001",
    "anna@example.org",
    "9",
)
UID = "0b9c4f6e-1f0c-4a8b-9d55-111111111111"


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    graph = rdflib.Graph()
    for name in ("EDC-generic-no-cv.ttl", "EDC-generic-full.ttl"):
        graph.parse(SHAPES / name, format="turtle")
    return graph


def shacl(credential: dict[str, Any], shapes: rdflib.Graph) -> tuple[bool, str]:
    """Validate with the official shapes; the data graph comes from the bundled contexts only
    (canonize() refuses any other context and any dropped term)."""
    data = rdflib.Graph()
    data.parse(data=canonize(credential), format="nt")
    conforms, _, text = validate(data, shacl_graph=shapes, inference="none", advanced=True)
    return bool(conforms), str(text)


def _entry() -> StatusEntry:
    url = "https://example.org/credentials/issuers/aa/status/revocation-1.json"
    return StatusEntry("revocation-1", url, 4242, "revocation")


def _build(world: IssuingWorld, offer: str = "aa-one", **changes: Any) -> dict[str, Any]:
    catalogue = world.load()
    data = EdcInput(
        catalogue,
        catalogue.offers[offer],
        changes.pop("learner", LEARNER),
        catalogue.issuers["aa"],
        UID,
        ISSUED,
        changes.pop("valid_until", None),
        changes.pop("status", _entry()),
    )
    return build_edc(data)


@pytest.mark.parametrize("offer", ["aa-one", "aa-passfail", "bb-joint"])
def test_edc_carries_every_annex_i_mandatory_element(
    world_template: IssuingWorld, offer: str
) -> None:
    learner = (
        LEARNER
        if offer != "aa-passfail"
        else Learner("Jānis", "Ozols", dt.date(2026, 6, 30), None, "Student ID", "AA-2")
    )
    catalogue = world_template.load()
    signing = signing_key_for(
        catalogue, load_private_key(world_template.key("aa-es256")), at=ISSUED
    )
    assert signing.certificate is not None
    sealed = seal(
        _build(world_template, offer, learner=learner),
        private_key=signing.private_key,
        certificate=signing.certificate,
        signing_time=ISSUED,
    )
    report = verify_report(catalogue, json.dumps(sealed).encode(), now=NOW)
    eu = next(c for c in report["checks"] if c["id"] == "eu_elements")
    assert (eu["status"], eu["code"]) == ("pass", "EU_ELEMENTS_COMPLETE"), eu


def test_edc_structure(world_template: IssuingWorld) -> None:
    credential = _build(world_template, valid_until=dt.datetime(2031, 1, 1, tzinfo=dt.UTC))
    assert credential["@context"] == [
        "https://www.w3.org/2018/credentials/v1",
        "http://data.europa.eu/snb/model/context/edc-ap",
        "https://www.w3.org/ns/credentials/status/v1",
    ]
    assert credential["type"] == ["VerifiableCredential", "EuropeanDigitalCredential"]
    assert credential["credentialSchema"] == {
        "id": "http://data.europa.eu/snb/model/ap/edc-generic-full",
        "type": "ShaclValidator2017",
    }
    assert (
        credential["credentialProfiles"]["id"] == "http://data.europa.eu/snb/credential/e34929035b"
    )
    assert (
        credential["issued"]
        == credential["issuanceDate"]
        == credential["validFrom"]
        == "2026-10-01T09:00:00Z"
    )
    assert credential["validUntil"] == credential["expirationDate"] == "2031-01-01T00:00:00Z"
    claim = credential["credentialSubject"]["hasClaim"]
    # the specification is the offer's own ELM node (docs/interfaces.md)
    assert (
        claim["specifiedBy"]["id"]
        == "https://example.org/credentials/offers/aa-one/elm.jsonld#specification"
    )
    assert claim["specifiedBy"]["learningOutcome"][0]["id"].endswith("elm.jsonld#outcome-1")
    assert (
        claim["awardedBy"]["awardingBody"][0]["id"]
        == "https://example.org/credentials/issuers/aa/#org"
    )
    assert claim["provenBy"]["grade"]["noteLiteral"] == {"en": "9"}
    assert credential["issuer"]["eIDASIdentifier"]["notation"] == "LV AAAA01"
    assert credential["credentialStatus"]["statusListIndex"] == "4242"
    image = credential["displayParameter"]["individualDisplay"]["displayDetail"]["image"]
    png = base64.b64decode(image["content"])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    assert Image.open(io.BytesIO(png)).size == (1240, 877)


def test_edc_building_is_deterministic(world_template: IssuingWorld) -> None:
    assert payload_text(_build(world_template)) == payload_text(_build(world_template))


@pytest.mark.parametrize("offer", ["aa-one", "aa-passfail", "bb-joint"])
def test_edc_conforms_to_the_official_edc_generic_full_shapes(
    world_template: IssuingWorld, shapes: rdflib.Graph, offer: str
) -> None:
    learner = (
        LEARNER
        if offer != "aa-passfail"
        else Learner("Jānis", "Ozols", dt.date(2026, 6, 30), dt.date(2000, 1, 1))
    )
    credential = _build(world_template, offer, learner=learner)
    expand_strict(credential)  # no term lost on expansion
    conforms, text = shacl(credential, shapes)
    assert conforms, text


def test_the_shapes_do_reject_a_broken_edc(
    world_template: IssuingWorld, shapes: rdflib.Graph
) -> None:
    credential = _build(world_template)
    del credential["issued"]
    credential["displayParameter"]["individualDisplay"]["displayDetail"].pop("image")
    conforms, text = shacl(credential, shapes)
    assert not conforms
    assert "issued" in text and "image" in text


def test_edc_without_status_has_no_status_context(
    world_template: IssuingWorld, shapes: rdflib.Graph
) -> None:
    credential = _build(world_template, status=None)
    assert "credentialStatus" not in credential
    assert len(credential["@context"]) == 2
    assert shacl(credential, shapes)[0]


# --------------------------------------------------------------------------------------------
# The seal


def _sample_header() -> dict[str, Any]:
    data = json.loads(
        (VECTORS / "issuing/europass-edc/sample-mc-annex1-protected-header.json").read_text()
    )
    return data


@pytest.mark.parametrize("key_name", ["aa-es256", "aa-eddsa", "aa-rs256"])
def test_seal_has_the_shape_of_the_eu_sample(world_template: IssuingWorld, key_name: str) -> None:
    catalogue = world_template.load()
    signing = signing_key_for(catalogue, load_private_key(world_template.key(key_name)), at=ISSUED)
    credential = _build(world_template)
    assert signing.certificate is not None
    sealed = seal(
        credential,
        private_key=signing.private_key,
        certificate=signing.certificate,
        signing_time=ISSUED,
    )
    sample = _sample_header()
    assert sorted(sealed) == sample["document_members"]
    assert sorted(sealed["signatures"][0]) == ["protected", "signature"]  # no unprotected etsiU
    header = json.loads(b64url_decode(sealed["signatures"][0]["protected"]))
    expected_order = [k for k in sample["protected_header"] if k != "adoTst"]
    assert list(header) == expected_order
    assert (
        header["alg"] == {"aa-es256": "ES256", "aa-eddsa": "EdDSA", "aa-rs256": "RS256"}[key_name]
    )
    for same in ("cty", "typ", "b64"):
        assert header[same] == sample["protected_header"][same]
    assert header["crit"] == ["b64", "sigT"]
    assert header["sigT"] == "2026-10-01T09:00:00Z"
    cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    assert cert == signing.certificate
    assert header["kid"] == issuer_serial_kid(cert)
    assert b64url_decode(header["x5t#S256"]).hex() == cert_sha256(cert)
    # the payload is the credential text itself (unencoded, RFC 7797)
    assert json.loads(sealed["payload"]) == credential
    assert _signature_check(catalogue, sealed) == ("pass", "SIGNATURE_VALID")


def test_issuer_serial_kid_matches_the_eu_sample() -> None:
    header = _sample_header()["protected_header"]
    cert = x509.load_der_x509_certificate(base64.b64decode(header["x5c"][0]))
    assert issuer_serial_kid(cert) == header["kid"]


def _signature_check(catalogue: Any, sealed: dict[str, Any]) -> tuple[str, str]:
    """The project verifier's signature check of a sealed document."""
    report = verify_report(catalogue, json.dumps(sealed).encode(), now=NOW)
    check = next(c for c in report["checks"] if c["id"] == "signature")
    return check["status"], check["code"]


def test_the_verifier_rejects_changes_to_a_seal(world_template: IssuingWorld) -> None:
    catalogue = world_template.load()
    signing = signing_key_for(
        catalogue, load_private_key(world_template.key("aa-es256")), at=ISSUED
    )
    assert signing.certificate is not None
    sealed = seal(
        _build(world_template),
        private_key=signing.private_key,
        certificate=signing.certificate,
        signing_time=ISSUED,
    )
    changed = copy.deepcopy(sealed)
    changed["payload"] = changed["payload"].replace('"9"', '"10"', 1)
    assert _signature_check(catalogue, sealed) == ("pass", "SIGNATURE_VALID")
    assert _signature_check(catalogue, changed) == ("fail", "SIGNATURE_INVALID")
    reserialised = copy.deepcopy(sealed)
    reserialised["payload"] = json.dumps(json.loads(sealed["payload"]), indent=1)
    # the stored payload text is what is signed
    assert _signature_check(catalogue, reserialised) == ("fail", "SIGNATURE_INVALID")


# --------------------------------------------------------------------------------------------
# Round trip through the project's verifier


def _issue(world: IssuingWorld, key: str, **kwargs: Any) -> tuple[Any, Any]:
    catalogue = world.load()
    signing = signing_key_for(catalogue, load_private_key(world.key(key)), at=ISSUED)
    store = StatusStore(
        world.catalogue_dir,
        slug="aa",
        site_url=catalogue.alliance.site_url,
        issuer_did=signing.verification_method.split("#")[0],
    )
    eddsa = signing_key_for(catalogue, load_private_key(world.key("aa-eddsa")), at=ISSUED)
    from build_tools.issuing.issue import list_signer

    items = issue_credentials(
        catalogue,
        catalogue.offers["aa-one"],
        [LEARNER],
        signing,
        fmt="edc",
        issued=ISSUED,
        store=store,
        rng=random.Random(5),
        now=NOW,
        **kwargs,
    )
    store.save(list_signer(eddsa), now=ISSUED)
    return world.load(), items[0]


@pytest.mark.parametrize("key", ["aa-es256", "aa-eddsa", "aa-rs256"])
def test_round_trip_valid_with_the_project_verifier(world: IssuingWorld, key: str) -> None:
    catalogue, item = _issue(world, key)
    report = verify_report(catalogue, item.content)
    assert report["format"] == "edc-jades"
    assert report["verdict"] == "valid", failing(report)


def test_round_trip_revoked_and_tampered(world: IssuingWorld) -> None:
    catalogue, item = _issue(world, "aa-es256")
    tampered = copy.deepcopy(item.document)
    tampered["payload"] = tampered["payload"].replace('"Anna"', '"Anne"')
    report = verify_report(catalogue, json.dumps(tampered).encode())
    assert report["verdict"] == "invalid"
    assert "signature:fail:SIGNATURE_INVALID" in failing(report)
    code = world.cli(
        "status",
        "revoke",
        "--issuer",
        "aa",
        "--credential",
        item.credential_id,
        "--key",
        str(world.key("aa-eddsa")),
        "--catalogue",
        str(world.catalogue_dir),
    )
    assert code == 0
    report = verify_report(world.load(), item.content)
    assert report["verdict"] == "invalid"
    assert "revocation:fail:REVOCATION_REVOKED" in failing(report)


def test_payload_hash_is_stable_across_reruns(world_template: IssuingWorld) -> None:
    first = payload_text(_build(world_template))
    assert (
        hashlib.sha256(first.encode()).hexdigest()
        == hashlib.sha256(payload_text(_build(world_template)).encode()).hexdigest()
    )


# --------------------------------------------------------------------------------------------
# The offer's specification: the same node in the credential and on the site


def _without_skill_scheme(spec: dict[str, Any]) -> dict[str, Any]:
    """The node less the one triple only credentials state (see catalogue/elm.py)."""
    spec = copy.deepcopy(spec)
    for outcome in spec["learningOutcome"]:
        for skill in outcome.get("relatedESCOSkill", []):
            assert skill.pop("inScheme")["id"] == "http://data.europa.eu/esco/concept-scheme/skills"
    return spec


@pytest.mark.parametrize("offer", ["aa-one", "aa-passfail", "bb-joint"])
def test_the_credential_and_the_site_say_the_same_about_the_specification(
    world_template: IssuingWorld, offer: str
) -> None:
    catalogue = world_template.load()
    hours = dataclasses.replace(catalogue.offers[offer], workload_hours=37.5)
    catalogue.offers[offer] = hours
    data = EdcInput(catalogue, hours, LEARNER, catalogue.issuers["aa"], UID, ISSUED)
    in_credential = build_edc(data, image_png=b"png")["credentialSubject"]["hasClaim"][
        "specifiedBy"
    ]
    on_site = next(
        node
        for node in elm_output.offer_document(catalogue, hours)["@graph"]
        if node["@id"].endswith("#specification")
    )
    assert _without_skill_scheme(in_credential) == vc_keys(on_site)
    # the points where the two used to differ
    assert in_credential["type"] == "Qualification" == on_site["@type"]
    framework = in_credential["creditPoint"]["framework"]
    assert (
        framework["id"]
        == on_site["creditPoint"]["framework"]["@id"]
        == "http://data.europa.eu/snb/education-credit/6fcec5c5af"
    )
    assert (
        framework["prefLabel"]
        == on_site["creditPoint"]["framework"]["prefLabel"]
        == {"en": "European Credit Transfer System"}
    )
    accreditation = in_credential["accreditation"]
    assert accreditation["dcType"]["id"] == on_site["accreditation"]["dcType"]["@id"]
    assert not any("Quality assurance" in str(n) for n in on_site["additionalNote"])
    assert in_credential["volumeOfLearning"] == on_site["volumeOfLearning"] == "PT37H30M"
    # the awarded assessment is specified by the offer's assessment specification
    claim = build_edc(data, image_png=b"png")["credentialSubject"]["hasClaim"]
    assert claim["provenBy"]["specifiedBy"] == in_credential["provenBy"]


def test_an_offer_without_a_national_level_states_its_eqf_level_in_both(
    world_template: IssuingWorld,
) -> None:
    # Annex I "level": ELM states it on a Qualification, so the EDC and the site carry the EQF
    # level even where the awarding country's framework has no single level for it.
    catalogue = world_template.load()
    offer = dataclasses.replace(catalogue.offers["bb-joint"], eqf=6)  # Norway: no NKR level 6
    catalogue.offers[offer.id] = offer
    data = EdcInput(catalogue, offer, LEARNER, catalogue.issuers["aa"], UID, ISSUED)
    spec = build_edc(data, image_png=b"png")["credentialSubject"]["hasClaim"]["specifiedBy"]
    on_site = elm_output.offer_document(catalogue, offer)["@graph"][1]
    assert spec["type"] == on_site["@type"] == "Qualification"
    assert spec["eqfLevel"]["id"] == on_site["eqfLevel"]["@id"]
    # The national level is given for the countries whose framework has one, never for Norway.
    levels = [level["id"] for level in spec.get("nqfLevel", [])]
    assert levels == [level["@id"] for level in on_site.get("nqfLevel", [])]
    assert all("NKR" not in level["prefLabel"]["en"] for level in spec.get("nqfLevel", []))


def test_organisations_are_the_sites_nodes(world_template: IssuingWorld) -> None:
    """The credential and the site's elm.jsonld say the same things about each awarding body's
    IRI; only the sealer's eIDAS identifier, which the EDC shapes require, is the credential's
    own."""
    catalogue = world_template.load()
    offer = catalogue.offers["bb-joint"]
    data = EdcInput(catalogue, offer, LEARNER, catalogue.issuers["aa"], UID, ISSUED)
    credential = build_edc(data, image_png=b"png")
    on_site = {
        node["@id"]: vc_keys(node)
        for node in elm_output.offer_document(catalogue, offer)["@graph"]
        if node["@type"] == "Organisation"
    }
    bodies = credential["credentialSubject"]["hasClaim"]["awardedBy"]["awardingBody"]
    assert len(bodies) == len(offer.awarding_bodies) > 1
    for body in [*bodies, credential["issuer"]]:
        sealer = body["id"] == elm_output.organisation_id(catalogue.alliance.site_url, "aa")
        site_node = on_site[body["id"]]
        assert "eIDASIdentifier" not in site_node
        assert ("eIDASIdentifier" in body) == sealer
        assert {k: v for k, v in body.items() if k != "eIDASIdentifier"} == site_node
    # the points where the two used to differ
    issuer = credential["issuer"]
    assert issuer["registration"]["type"] == "LegalIdentifier"
    assert issuer["registration"]["notation"] == issuer["eIDASIdentifier"]["notation"]
    assert issuer["registration"]["schemeName"] == issuer["eIDASIdentifier"]["schemeName"]
    assert issuer["location"]["id"] == f"{issuer['id']}-location"
