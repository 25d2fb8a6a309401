"""Validate a synthetic catalogue of 1,000 offers and print the time (goal: under 3 s).

    .venv/bin/python bench/validate_catalogue.py [--offers N] [--repeat R]

The script writes the catalogue into a temporary folder (9 issuers with one public key each,
N offers, N/10 pathways), then loads and validates it R times and prints the best and median
wall time, the time per offer and the ratio to the goal, all measured in this run.
"""

from __future__ import annotations

import argparse
import datetime as dt
import statistics
import sys
import tempfile
import time
from pathlib import Path

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from jwcrypto import jwk

try:
    from build_tools.catalogue.loader import load_catalogue
except ModuleNotFoundError:  # run from a checkout without `pip install -e .`
    sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
    from build_tools.catalogue.loader import load_catalogue

GOAL_SECONDS = 3.0
SLUGS = ("lu", "jgu", "uv", "ube", "unipa", "jyu", "uo", "ulbs", "uia")
COUNTRIES = ("LV", "DE", "ES", "FR", "IT", "FI", "PL", "RO", "NO")
MODES = ("online", "onsite", "blended", "hybrid")
NOW = dt.datetime(2027, 1, 10, tzinfo=dt.UTC)


def _dump(path: Path, data: dict[str, object]) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(yaml.safe_dump(data, sort_keys=False, allow_unicode=True), "utf-8")


def _key(slug: str) -> dict[str, object]:
    private = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, f"Bench {slug}")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(private.public_key())
        .serial_number(1)
        .not_valid_before(dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        .not_valid_after(dt.datetime(2030, 1, 1, tzinfo=dt.UTC))
        .sign(private, hashes.SHA256())
    )
    public = jwk.JWK.from_pyca(private.public_key()).export_public(as_dict=True)
    return {
        "kid": f"{slug}-2026-es256-1",
        "alg": "ES256",
        "use": "signing",
        "status": "active",
        "valid_from": "2026-09-01T00:00:00Z",
        "valid_until": None,
        "jwk": {k: public[k] for k in ("kty", "crv", "x", "y")},
        "certificate": cert.public_bytes(serialization.Encoding.PEM).decode(),
    }


def write_catalogue(root: Path, offers: int) -> None:
    _dump(
        root / "alliance.yaml",
        {
            "name": "BENCH",
            "full_name": {"en": "Bench alliance"},
            "site_url": "https://example.org/credentials/",
            "languages": ["en", "lv", "de"],
            "policy": {"ects_min": 1, "ects_max_exclusive": 60},
        },
    )
    for slug, country in zip(SLUGS, COUNTRIES, strict=True):
        _dump(
            root / "issuers" / f"{slug}.yaml",
            {
                "slug": slug,
                "legal_name": {"en": f"University {slug.upper()}"},
                "country": country,
                "erasmus_code": None,
                "schac": None,
                "deqar_id": None,
                "todo": ["Bench data."],
                "homepage": f"https://{slug}.example.org/",
                "quality_assurance": {"type": "institutional-qa", "agency": {"en": "Agency"}},
            },
        )
        _dump(root / "issuers" / slug / "keys" / f"{slug}-2026-es256-1.yaml", _key(slug))
    ids = []
    for n in range(offers):
        slug = SLUGS[n % len(SLUGS)]
        offer_id = f"{slug}-offer-{n:04d}"
        ids.append(offer_id)
        in_pathway = n < (offers // 10) * 2
        _dump(
            root / "offers" / slug / f"{offer_id}.yaml",
            {
                "id": offer_id,
                "version": "1.0",
                "title": {"en": f"Offer {n}", "lv": f"Piedāvājums {n}", "de": f"Angebot {n}"},
                "description": {"en": "A synthetic offer. It exists to measure validation speed."},
                "opportunity_type": "course",
                "awarding_bodies": [slug],
                "learning_outcomes": [
                    {"en": f"Explain topic {n}."},
                    {"en": f"Apply topic {n}."},
                    {"en": f"Evaluate topic {n}."},
                ],
                "ects": 1 + n % 10,
                "workload_hours": 27 * (1 + n % 10),
                "eqf": 5 + n % 4,
                "isced": ["0613", "0988"],
                "esco_skills": [
                    {
                        "uri": f"http://data.europa.eu/esco/skill/{n:08x}-0000-4000-8000-000000000000",
                        "label": {"en": "a skill"},
                    }
                ],
                "languages": {"teaching": ["en", "lv"], "assessment": ["en"]},
                "mode": MODES[n % len(MODES)],
                "assessment": {
                    "types": ["project-work", "written-exam"],
                    "grading": "graded",
                    "supervision": "supervised-with-id",
                    "description": {"en": "Project."},
                },
                "stackability": {"integration": "stackable" if in_pathway else "standalone"},
                "schedule": {
                    "self_paced": False,
                    "start": dt.date(2027, 2, 1),
                    "end": dt.date(2027, 5, 1),
                    "application_deadline": dt.date(2027, 1, 15),
                    "schedule_type": "part-time-light",
                    "weekly_hours": 6,
                },
                "fee": {"alliance_students": 0, "others": 100, "currency": "EUR"},
                "recognition": {
                    "scenario": "facilitated",
                    "partners": [SLUGS[(n + 1) % len(SLUGS)]],
                },
                "contact": {"email": f"{slug}@example.org"},
                "last_reviewed": dt.date(2026, 11, 1),
            },
        )
    for p in range(offers // 10):
        members = ids[2 * p : 2 * p + 2]
        _dump(
            root / "pathways" / f"bench-path-{p:03d}.yaml",
            {
                "id": f"bench-path-{p:03d}",
                "title": {"en": f"Pathway {p}"},
                "description": {"en": "Two offers."},
                "direction": "vertical",
                "type": "rigid",
                "offers": members,
                "required": list(members),
            },
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--offers", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=5)
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp) / "catalogue"
        write_catalogue(root, args.offers)
        times = []
        result = None
        for _ in range(args.repeat):
            start = time.perf_counter()
            result = load_catalogue(root, now=NOW)
            times.append(time.perf_counter() - start)
        assert result is not None and result.catalogue is not None
        if not result.ok:
            for f in result.errors[:10]:
                print(f, file=sys.stderr)
            print("the synthetic catalogue has errors; the bench is invalid", file=sys.stderr)
            return 1
        files = sum(1 for _ in root.rglob("*") if _.is_file())
    best, median = min(times), statistics.median(times)
    print(
        f"validated {len(result.catalogue.offers)} offers, {files} files, "
        f"{len(result.findings)} findings, {args.repeat} runs"
    )
    print(
        f"best {best:.3f} s, median {median:.3f} s, {1000 * median / args.offers:.2f} ms per offer"
    )
    print(
        f"median / goal ({GOAL_SECONDS:.0f} s) = {median / GOAL_SECONDS:.2f} "
        f"({'within' if median < GOAL_SECONDS else 'OVER'} the goal)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
