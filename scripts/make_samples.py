"""Issue the demo site's "try a sample" credentials, in both formats, reproducibly.

    python scripts/make_samples.py [--catalogue catalogue] [--out site_src/samples]

Writes, for EDC (sealed with the University of Latvia's demo ES256 key) and for Open Badges 3.0
(eddsa-rdfc-2022, its demo EdDSA key):

- `*-valid`: a good credential;
- `*-tampered`: the same credential with one signed field changed afterwards;
- `*-revoked`: a credential whose bit is set in the university's revocation list;
- `*-expired`: a credential whose validity ended (validUntil in the past);
- `*-unknown-key`: a credential signed by a key that is not in the registry;

and `index.json` listing file, format, expected verdict and a one-line description.

Reproducible: fixed dates, a seeded random generator (credential ids, status indexes, salts),
deterministic signatures (Ed25519; ECDSA per RFC 6979) and a fixed list signing time, so a
rerun gives byte-identical files. The samples' previous status indexes are released first, so
reruns do not use up the list. Uses the public demo keys in examples/demo-keys/ only.
"""

from __future__ import annotations

import argparse
import copy
import datetime as dt
import hashlib
import json
import random
import sys
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from cryptography.hazmat.primitives.asymmetric import ed25519  # noqa: E402

from build_tools.catalogue.loader import load_catalogue  # noqa: E402
from build_tools.issuing._common import IssuingError  # noqa: E402
from build_tools.issuing.issue import (  # noqa: E402
    issue_credentials,
    list_signer,
    signing_key_for,
    unregistered_signing_key,
)
from build_tools.issuing.jades import payload_text  # noqa: E402
from build_tools.issuing.keys import load_private_key  # noqa: E402
from build_tools.issuing.learners import Learner  # noqa: E402
from build_tools.issuing.statuslist import StatusStore  # noqa: E402

ISSUER = "lu"
OFFER = "lu-data-ethics-practice"
EDC_KEY = "examples/demo-keys/lu-2026-es256-1.pem"
OB3_KEY = "examples/demo-keys/lu-2026-eddsa-1.pem"
SEED = 20261015
ISSUED = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)
EXPIRED_ISSUED = dt.datetime(2026, 9, 15, 9, 0, tzinfo=dt.UTC)
EXPIRED_UNTIL = dt.datetime(2026, 10, 31, 23, 59, 59, tzinfo=dt.UTC)
LIST_SIGNED = dt.datetime(2026, 10, 15, 10, 0, tzinfo=dt.UTC)
COMPLETED = dt.date(2026, 6, 30)

LEARNERS = {
    "valid": Learner(
        "Anna",
        "Bērziņa",
        COMPLETED,
        dt.date(2001, 3, 14),
        "Student ID",
        "LU-DEMO-0001",
        "anna.berzina@example.org",
        "9",
    ),
    "revoked": Learner(
        "Jānis", "Ozols", COMPLETED, dt.date(1999, 11, 2), "Student ID", "LU-DEMO-0002", "", "6"
    ),
    "expired": Learner(
        "Maija", "Kalniņa", COMPLETED, dt.date(2000, 7, 21), "Student ID", "LU-DEMO-0003", "", "8"
    ),
    "unknown-key": Learner(
        "Pēteris", "Liepa", COMPLETED, dt.date(1998, 1, 5), "Student ID", "LU-DEMO-0004", "", "7"
    ),
}

DESCRIPTIONS = {
    "valid": ("valid", "A genuine demo credential from the University of Latvia."),
    "tampered": ("invalid", "The valid credential with its grade changed after signing."),
    "revoked": ("invalid", "Revoked by the university in its published status list."),
    "expired": ("invalid", "Its validity ended on 31 October 2026."),
}
# A forger's key: correctly signed, but the university never registered it.
UNKNOWN_KEY = {
    "edc": (
        "invalid",
        "Claims to come from the University of Latvia, but is sealed with a key "
        "the university never registered.",
    ),
    "ob3": (
        "invalid",
        "Claims to come from the University of Latvia, but is signed with "
        "a key the university never published.",
    ),
}


# What a person knows each format as (the sample buttons' labels), not its signature suite.
KINDS = {"edc": "European Digital Credential", "ob3": "Open Badge"}


def _write(path: Path, document: dict[str, Any], *, indent: int | None) -> None:
    path.write_text(json.dumps(document, indent=indent, ensure_ascii=False) + "\n", "utf-8")


def _tamper_edc(sealed: dict[str, Any]) -> dict[str, Any]:
    """Change the grade inside the sealed payload; the seal no longer matches."""
    payload = json.loads(sealed["payload"])
    grade = payload["credentialSubject"]["hasClaim"]["provenBy"]["grade"]["noteLiteral"]
    grade["en"] = "10"
    tampered = copy.deepcopy(sealed)
    tampered["payload"] = payload_text(payload)
    return tampered


def _tamper_ob3(signed: dict[str, Any]) -> dict[str, Any]:
    tampered = copy.deepcopy(signed)
    tampered["credentialSubject"]["result"][0]["value"] = "10"
    return tampered


def _unregistered_key() -> ed25519.Ed25519PrivateKey:
    seed = hashlib.sha256(b"credsite demo: a key that is not in the registry").digest()
    return ed25519.Ed25519PrivateKey.from_private_bytes(seed)


def make_samples(catalogue_dir: Path, out: Path) -> list[dict[str, str]]:
    result = load_catalogue(catalogue_dir, rules=False)
    if result.catalogue is None:
        raise IssuingError("The catalogue cannot be loaded; run `credsite check`.")
    catalogue = result.catalogue
    offer = catalogue.offers[OFFER]
    issuer = catalogue.issuers[ISSUER]
    edc_key = signing_key_for(catalogue, load_private_key(ROOT / EDC_KEY), at=EXPIRED_ISSUED)
    ob3_key = signing_key_for(catalogue, load_private_key(ROOT / OB3_KEY), at=EXPIRED_ISSUED)
    list_key = list_signer(ob3_key)
    rogue = unregistered_signing_key(
        catalogue, issuer, _unregistered_key(), kid="lu-not-registered", valid_from=ISSUED
    )
    store = StatusStore(
        catalogue_dir,
        slug=ISSUER,
        site_url=catalogue.alliance.site_url,
        issuer_did=ob3_key.verification_method.split("#")[0],
    )

    # Release the status indexes of a previous run, so that this run draws the same ones.
    previous = out / "index.json"
    if previous.exists():
        try:
            for item in json.loads(previous.read_text("utf-8")).get("samples", []):
                if isinstance(item, dict) and isinstance(item.get("credential_id"), str):
                    store.release(item["credential_id"])
        except ValueError:
            pass

    out.mkdir(parents=True, exist_ok=True)
    rng = random.Random(SEED)
    index: list[dict[str, str]] = []
    now = LIST_SIGNED + dt.timedelta(days=1)
    for fmt, signing, ext in (("edc", edc_key, "jsonld"), ("ob3", ob3_key, "json")):

        def one(
            case: str,
            *,
            key: Any = signing,
            issued: dt.datetime = ISSUED,
            until: dt.datetime | None = None,
            with_status: bool = True,
            fmt: str = fmt,
        ) -> dict[str, Any]:
            items = issue_credentials(
                catalogue,
                offer,
                [LEARNERS[case]],
                key,
                fmt=fmt,  # type: ignore[arg-type]
                issued=issued,
                valid_until=until,
                store=store if with_status else None,
                rng=rng,
                now=now,
            )
            return items[0].document

        indent = None if fmt == "edc" else 2
        valid = one("valid")
        revoked_doc = one("revoked")
        expired = one("expired", issued=EXPIRED_ISSUED, until=EXPIRED_UNTIL)
        unknown = one("unknown-key", key=rogue, with_status=False)
        tampered = _tamper_edc(valid) if fmt == "edc" else _tamper_ob3(valid)
        revoked_payload = json.loads(revoked_doc["payload"]) if fmt == "edc" else revoked_doc
        entry = store.locate(revoked_payload["id"])
        assert entry is not None
        store.set_status(entry, True)
        for case, document in (
            ("valid", valid),
            ("tampered", tampered),
            ("revoked", revoked_doc),
            ("expired", expired),
            ("unknown-key", unknown),
        ):
            name = f"{fmt}-{case}.{ext}"
            _write(out / name, document, indent=indent)
            verdict, description = UNKNOWN_KEY[fmt] if case == "unknown-key" else DESCRIPTIONS[case]
            payload = json.loads(document["payload"]) if fmt == "edc" else document
            index.append(
                {
                    "file": name,
                    "format": "edc-jades" if fmt == "edc" else "vc-di-eddsa-rdfc-2022",
                    "kind": KINDS[fmt],
                    "case": case.replace("-", " "),
                    "expected": verdict,
                    "description": description,
                    "credential_id": payload["id"],
                }
            )
    store.save(list_key, now=LIST_SIGNED)
    (out / "index.json").write_text(
        json.dumps(
            {
                "format": "credsite-samples/1",
                "note": "Demo credentials made by scripts/make_samples.py with the public demo "
                "keys in examples/demo-keys/. Expected verdicts assume the published registry and "
                "status lists of the demo site.",
                "samples": index,
            },
            indent=2,
            ensure_ascii=False,
        )
        + "\n",
        "utf-8",
    )
    return index


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--catalogue", default=str(ROOT / "catalogue"))
    parser.add_argument("--out", default=str(ROOT / "site_src" / "samples"))
    args = parser.parse_args(argv)
    try:
        index = make_samples(Path(args.catalogue), Path(args.out))
    except IssuingError as exc:
        print(f"make_samples: error: {exc}", file=sys.stderr)
        return 1
    for item in index:
        print(f"{item['file']:<28} {item['expected']:<20} {item['description']}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
