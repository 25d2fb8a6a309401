"""Issuing speed: 1,000 credentials of each format from a generated CSV, in one run.

    .venv/bin/python bench/issue_batch.py [--count 1000]

Works on a temporary copy of the demo catalogue with the public demo keys (EDC: University of
Latvia ES256 seal; OB3: its EdDSA key). For each format it prints credentials per second and
how the time splits between building (credential data; for EDC also the rendered PNG page) and
signing (EDC: serialising the payload + the JAdES signature; OB3: RDFC-1.0 canonicalisation of
proof config and document, hashing and the Ed25519 signature). For OB3 it also splits signing
into canonicalisation versus the signature itself, on a sample of the same credentials.
Prints figures only; exits 0 unless issuing failed.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from build_tools.catalogue.loader import load_catalogue  # noqa: E402
from build_tools.issuing.dataintegrity import hash_data, proof_options  # noqa: E402
from build_tools.issuing.issue import (  # noqa: E402
    Timing,
    issue_credentials,
    list_signer,
    signing_key_for,
)
from build_tools.issuing.keys import load_private_key  # noqa: E402
from build_tools.issuing.learners import load_learners  # noqa: E402
from build_tools.issuing.statuslist import StatusStore  # noqa: E402

OFFER = "lu-data-ethics-practice"
ISSUED = dt.datetime(2026, 10, 15, 9, 0, tzinfo=dt.UTC)
GIVEN = ["Anna", "Jānis", "Matti", "Łucja", "Ștefan", "Ingrid", "Lucía", "Élodie", "Giulia"]
FAMILY = ["Bērziņa", "Ozols", "Meikäläinen", "Kowalska", "Popescu", "Hansen", "García"]


def write_csv(path: Path, count: int, rng: random.Random) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(
            [
                "given_name",
                "family_name",
                "date_of_birth",
                "identifier_scheme",
                "identifier",
                "email",
                "grade",
                "completion_date",
            ]
        )
        for n in range(count):
            writer.writerow(
                [
                    rng.choice(GIVEN),
                    rng.choice(FAMILY),
                    f"{rng.randint(1985, 2005)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    "Student ID",
                    f"BENCH-{n:06d}",
                    f"learner{n}@example.org",
                    str(rng.randint(4, 10)),
                    "2026-06-30",
                ]
            )


def run(count: int) -> int:
    rng = random.Random(1)
    with tempfile.TemporaryDirectory() as temp:
        work = Path(temp)
        shutil.copytree(ROOT / "catalogue", work / "catalogue")
        batch = work / "learners.csv"
        write_csv(batch, count, rng)
        started = time.perf_counter()
        learners = load_learners(batch, today=dt.date(2026, 11, 28))
        load_seconds = time.perf_counter() - started
        catalogue = load_catalogue(work / "catalogue", rules=False).catalogue
        assert catalogue is not None
        offer = catalogue.offers[OFFER]
        print(f"learners: {len(learners)} from CSV in {load_seconds * 1000:.0f} ms; offer {OFFER}")
        print(
            f"{'format':<6} {'credentials/s':>13} {'total s':>8} {'building':>9} "
            f"{'signing':>8} {'status files s':>15}"
        )
        ob3_docs = []
        for fmt, key_file in (("edc", "lu-2026-es256-1.pem"), ("ob3", "lu-2026-eddsa-1.pem")):
            signing = signing_key_for(
                catalogue, load_private_key(ROOT / "examples" / "demo-keys" / key_file), at=ISSUED
            )
            store = StatusStore(
                work / "catalogue",
                slug="lu",
                site_url=catalogue.alliance.site_url,
                issuer_did=signing.verification_method.split("#")[0],
            )
            timing = Timing()
            started = time.perf_counter()
            items = issue_credentials(
                catalogue,
                offer,
                learners,
                signing,
                fmt=fmt,  # type: ignore[arg-type]
                issued=ISSUED,
                store=store,
                rng=rng,
                timing=timing,
                now=ISSUED + dt.timedelta(days=1),
            )
            total = time.perf_counter() - started
            list_started = time.perf_counter()
            eddsa = signing_key_for(
                catalogue,
                load_private_key(ROOT / "examples" / "demo-keys" / "lu-2026-eddsa-1.pem"),
                at=ISSUED,
            )
            store.save(list_signer(eddsa), now=ISSUED)
            list_seconds = time.perf_counter() - list_started
            measured = timing.building + timing.signing
            print(
                f"{fmt:<6} {len(items) / total:>13.1f} {total:>8.2f} "
                f"{timing.building / measured:>8.0%} {timing.signing / measured:>8.0%} "
                f"{list_seconds:>15.2f}"
            )
            if fmt == "ob3":
                ob3_docs = [item.document for item in items[:100]]
        # OB3 signing split: canonicalisation + hashing versus the Ed25519 signature
        canon = sign = 0.0
        key = signing_key_for(
            catalogue,
            load_private_key(ROOT / "examples" / "demo-keys" / "lu-2026-eddsa-1.pem"),
            at=ISSUED,
        ).private_key
        for document in ob3_docs:
            unsecured = {k: v for k, v in document.items() if k != "proof"}
            options = proof_options(
                cryptosuite="eddsa-rdfc-2022", created=ISSUED, verification_method="did:web:x#k"
            )
            started = time.perf_counter()
            digest, _, _ = hash_data(unsecured, options)
            canon += time.perf_counter() - started
            started = time.perf_counter()
            key.sign(digest)  # type: ignore[call-arg]
            sign += time.perf_counter() - started
        if ob3_docs:
            print(
                f"ob3 signing, {len(ob3_docs)} credentials: canonicalisation and hashing "
                f"{canon / (canon + sign):.1%}, Ed25519 signature {sign / (canon + sign):.1%} "
                f"({canon / len(ob3_docs) * 1000:.1f} ms vs {sign / len(ob3_docs) * 1000:.3f} "
                "ms per credential)"
            )
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Issuing speed for EDC and OB3 batches.")
    parser.add_argument("--count", type=int, default=1000)
    args = parser.parse_args(argv)
    return run(args.count)


if __name__ == "__main__":
    sys.exit(main())
