"""Write small, valid catalogues into a temporary folder; tests then break one thing each.

`CatalogueFactory` holds the content as plain dicts. A test edits the dicts (or writes a raw
file), calls `write()`, loads, and asserts the finding's code, file and line. `line_of()` finds
the line of a text in a written file, so tests do not hard-code line numbers.
"""

from __future__ import annotations

import copy
import datetime as dt
import functools
from pathlib import Path
from typing import Any

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jwcrypto import jwk

from build_tools.catalogue.loader import LoadResult, load_catalogue

NOW = dt.datetime(2027, 1, 10, 12, 0, tzinfo=dt.UTC)


@functools.cache
def demo_key(slug: str) -> tuple[dict[str, str], str]:
    """A public JWK and a self-signed certificate for a test issuer (cached per slug)."""
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name(
        [
            x509.NameAttribute(NameOID.COMMON_NAME, f"Test issuer {slug}"),
            x509.NameAttribute(NameOID.COUNTRY_NAME, "LV"),
        ]
    )
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2036, 1, 1, tzinfo=dt.UTC))
        .sign(private, hashes.SHA256())
    )
    pem = cert.public_bytes(serialization.Encoding.PEM).decode()
    public = jwk.JWK.from_pyca(private.public_key()).export_public(as_dict=True)
    return {k: str(v) for k, v in public.items() if k in ("kty", "crv", "x", "y")}, pem


def issuer_data(slug: str, name: str, country: str) -> dict[str, Any]:
    return {
        "slug": slug,
        "legal_name": {"en": name},
        "short_name": slug.upper(),
        "country": country,
        "city": "Riga",
        "erasmus_code": f"LV {slug.upper()}01",
        "schac": f"{slug}.example.org",
        "deqar_id": "DEQARINST0001",
        "todo": [],
        "homepage": f"https://{slug}.example.org/",
        "contact": {"email": f"office@{slug}.example.org", "name": "Office"},
        "quality_assurance": {
            "type": "institutional-qa",
            "agency": {"en": "Test Agency"},
            "agency_url": "https://agency.example.org/",
        },
    }


def offer_data(offer_id: str, bodies: list[str], **extra: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "id": offer_id,
        "version": "1.0",
        "title": {"en": f"Offer {offer_id}", "lv": f"Piedāvājums {offer_id}"},
        "description": {
            "en": "A short course. It has two sentences.",
            "lv": "Kurss ar diviem teikumiem. Tas ir ievads.",
        },
        "opportunity_type": "course",
        "awarding_bodies": bodies,
        "learning_outcomes": [{"en": "Explain a thing."}, {"en": "Apply a thing."}],
        "ects": 3,
        "workload_hours": 80,
        "eqf": 6,
        "cycle": "first",
        "isced": ["0613"],
        "esco_skills": [
            {
                "uri": "http://data.europa.eu/esco/skill/0a1b2c3d-0000-4000-8000-000000000001",
                "label": {"en": "data ethics"},
            }
        ],
        "languages": {"teaching": ["en"], "assessment": ["en"]},
        "mode": "online",
        "assessment": {
            "types": ["project-work"],
            "description": {"en": "A project."},
            "grading": "graded",
            "grading_scale": {"en": "0-10"},
            "supervision": "supervised-with-id",
        },
        "stackability": {"integration": "standalone"},
        "schedule": {
            "self_paced": False,
            "start": dt.date(2027, 2, 1),
            "end": dt.date(2027, 4, 30),
            "application_deadline": dt.date(2027, 1, 15),
            "schedule_type": "part-time-light",
            "weekly_hours": 6,
        },
        "fee": {"alliance_students": 0, "others": 120, "currency": "EUR"},
        "recognition": {"scenario": "standard"},
        "contact": {"email": "offer@example.org"},
        "last_reviewed": dt.date(2026, 10, 15),
    }
    data.update(extra)
    return data


class CatalogueFactory:
    """A minimal valid catalogue: 2 issuers, 3 offers (one joint), 1 rigid pathway."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.alliance: dict[str, Any] = {
            "name": "TESTA",
            "full_name": {"en": "Test Alliance"},
            "description": {"en": "A test alliance."},
            "site_url": "https://example.org/credentials/",
            "homepage": "https://example.org/",
            "languages": ["en", "lv"],
            "demo": True,
            "contact": {"email": "office@example.org", "name": "Office"},
            "policy": {
                "ects_min": 1,
                "ects_max_exclusive": 60,
                "eqf_levels": [5, 6, 7, 8],
                "hours_per_ects_min": 25,
                "hours_per_ects_max": 30,
                "review_max_age_days": 365,
                "recognition": {
                    "automatic_requires_rigid_pathway": True,
                    "facilitated_requires_partners": True,
                    "recognition_requires_supervised_id": True,
                },
            },
        }
        self.issuers: dict[str, dict[str, Any]] = {
            "aa": issuer_data("aa", "University A", "LV"),
            "bb": issuer_data("bb", "University B", "NO"),
        }
        self.keys: dict[tuple[str, str], dict[str, Any]] = {}
        for slug in self.issuers:
            public, pem = demo_key(slug)
            kid = f"{slug}-2026-es256-1"
            self.keys[(slug, kid)] = {
                "kid": kid,
                "alg": "ES256",
                "use": "signing",
                "status": "active",
                "valid_from": "2026-09-01T00:00:00Z",
                "valid_until": None,
                "jwk": dict(public),
                "certificate": pem,
            }
        self.offers: dict[str, dict[str, Any]] = {
            "aa-one": offer_data("aa-one", ["aa"]),
            "aa-two": offer_data(
                "aa-two",
                ["aa"],
                stackability={"integration": "stackable"},
                recognition={
                    "scenario": "automatic",
                    "partners": ["bb"],
                    "agreement": "TESTA-REC-1",
                },
            ),
            "bb-joint": offer_data(
                "bb-joint",
                ["bb", "aa"],
                stackability={"integration": "stackable"},
                recognition={"scenario": "facilitated", "partners": ["aa"]},
                eqf=7,
                cycle="second",
            ),
        }
        self.pathways: dict[str, dict[str, Any]] = {
            "testa-path": {
                "id": "testa-path",
                "title": {"en": "Test pathway"},
                "description": {"en": "Two offers that stack."},
                "direction": "vertical",
                "type": "rigid",
                "offers": ["aa-two", "bb-joint"],
                "required": ["aa-two", "bb-joint"],
                "min_ects": 6,
                "stacks_into": {
                    "title": {"en": "Certificate"},
                    "ects": 6,
                    "eqf": 7,
                    "awarded_by": ["aa", "bb"],
                },
                "recognition": {
                    "scenario": "automatic",
                    "partners": ["aa", "bb"],
                    "agreement": "TESTA-REC-1",
                },
            }
        }
        self.raw: dict[str, bytes] = {}  # extra files: relative path -> bytes
        self.folders: dict[str, str] = {}  # offer id -> folder, when not the lead issuer

    # -- paths

    def offer_folder(self, offer_id: str) -> str:
        bodies = self.offers[offer_id].get("awarding_bodies") or ["aa"]
        return self.folders.get(offer_id, bodies[0])

    def offer_path(self, offer_id: str) -> str:
        return f"offers/{self.offer_folder(offer_id)}/{offer_id}.yaml"

    def path_of(self, kind: str, name: str) -> str:
        return {
            "alliance": "alliance.yaml",
            "issuer": f"issuers/{name}.yaml",
            "offer": self.offer_path(name) if name in self.offers else f"offers/aa/{name}.yaml",
            "pathway": f"pathways/{name}.yaml",
        }[kind]

    # -- writing

    def write(self) -> Path:
        self.root.mkdir(parents=True, exist_ok=True)
        self._dump("alliance.yaml", self.alliance)
        for slug, data in self.issuers.items():
            self._dump(f"issuers/{slug}.yaml", data)
        for (slug, kid), data in self.keys.items():
            self._dump(f"issuers/{slug}/keys/{kid}.yaml", data)
        for offer_id, data in self.offers.items():
            self._dump(self.offer_path(offer_id), data)
        for pid, data in self.pathways.items():
            self._dump(f"pathways/{pid}.yaml", data)
        for rel, content in self.raw.items():
            path = self.root / rel
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(content)
        return self.root

    def _dump(self, rel: str, data: dict[str, Any]) -> None:
        path = self.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        text = yaml.safe_dump(data, sort_keys=False, allow_unicode=True, width=1000)
        path.write_text(text, encoding="utf-8")

    def load(self, *, now: dt.datetime = NOW) -> LoadResult:
        self.write()
        return load_catalogue(self.root, now=now)

    def copy(self) -> CatalogueFactory:
        return copy.deepcopy(self)


def line_of(root: Path, rel: str, text: str, *, occurrence: int = 1) -> int:
    """1-based line of the n-th line containing `text` in a written file."""
    seen = 0
    for number, line in enumerate((root / rel).read_text("utf-8").splitlines(), 1):
        if text in line:
            seen += 1
            if seen == occurrence:
                return number
    raise AssertionError(f"{text!r} not found in {rel}")


def codes(result: LoadResult) -> list[str]:
    return [f.code for f in result.findings]
