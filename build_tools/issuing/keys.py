"""Issuer keys: generation, certificates, fingerprints, DIDs, key files, private-key guards.

Public halves live in the catalogue (`catalogue/issuers/<slug>/keys/<kid>.yaml`, format in
docs/dev/INTERFACES.md); private halves never enter the repository. All key and signature work
goes through `cryptography` and `jwcrypto`; this module only encodes and decides.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

import yaml
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, ed25519, padding, rsa
from cryptography.hazmat.primitives.asymmetric.utils import decode_dss_signature
from cryptography.x509.oid import NameOID
from jwcrypto import jwk as jwcrypto_jwk

from build_tools.catalogue.secrets import repository_root
from build_tools.verifier.codec import b58decode, b58encode, did_web

from ._common import IssuingError, format_utc, parse_utc

__all__ = [
    "ALGORITHMS",
    "KeyRecord",
    "PrivateKey",
    "PublicKey",
    "alg_of",
    "cert_sha256",
    "cert_subject",
    "certificate_pem",
    "check_kid",
    "check_private_key_path",
    "did_url",
    "generate_private_key",
    "issuer_did",
    "key_file_text",
    "load_certificate",
    "load_private_key",
    "multikey",
    "new_kid",
    "private_key_from_multibase",
    "private_key_pem",
    "public_jwk",
    "public_key_from_jwk",
    "read_key_file",
    "self_signed_certificate",
    "sign",
    "write_private_key",
]

Alg = Literal["ES256", "EdDSA", "RS256"]
ALGORITHMS: tuple[str, ...] = ("ES256", "EdDSA", "RS256")

PrivateKey = ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
PublicKey = ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey

# RSA modulus for new keys: 3072 bits (NIST SP 800-57 "through 2030 and beyond").
RSA_BITS = 3072
# Self-signed certificates outlive the key's signing period, so that credentials stay checkable.
CERT_YEARS = 10


# --------------------------------------------------------------------------------------------
# Generation and (de)serialisation


def generate_private_key(alg: str) -> PrivateKey:
    """A new key pair for `alg` (ES256: P-256, EdDSA: Ed25519, RS256: RSA-3072)."""
    if alg == "ES256":
        return ec.generate_private_key(ec.SECP256R1())
    if alg == "EdDSA":
        return ed25519.Ed25519PrivateKey.generate()
    if alg == "RS256":
        return rsa.generate_private_key(public_exponent=65537, key_size=RSA_BITS)
    raise IssuingError(f"Unknown key algorithm {alg!r}.", hint="Use ES256, EdDSA or RS256.")


def alg_of(key: PrivateKey | PublicKey) -> str:
    """The JOSE algorithm a key is used with, derived from the key type (never from input)."""
    if isinstance(key, ed25519.Ed25519PrivateKey | ed25519.Ed25519PublicKey):
        return "EdDSA"
    if isinstance(key, ec.EllipticCurvePrivateKey | ec.EllipticCurvePublicKey):
        if isinstance(key.curve, ec.SECP256R1):
            return "ES256"
        if isinstance(key.curve, ec.SECP384R1):
            return "ES384"
        raise IssuingError(
            f"Unsupported elliptic curve {key.curve.name}.",
            hint="Use a P-256 (ES256) or Ed25519 (EdDSA) key.",
        )
    if isinstance(key, rsa.RSAPrivateKey | rsa.RSAPublicKey):
        return "RS256"
    raise IssuingError("Unsupported key type.", hint="Use an ES256, EdDSA or RS256 key.")


def sign(key: PrivateKey, data: bytes) -> bytes:
    """A signature in the form JOSE (RFC 7518 §3) and Data Integrity (VC-DI-ECDSA §3) both use.

    Ed25519 signs as is. ECDSA is deterministic (RFC 6979, so reruns give the same bytes), with
    SHA-256 on P-256 and SHA-384 on P-384, and `cryptography`'s DER signature is turned into the
    raw r || s of the curve's size (RFC 7518 §3.4). RSA is PKCS#1 v1.5 with SHA-256 (RS256).
    """
    if isinstance(key, ed25519.Ed25519PrivateKey):
        return key.sign(data)
    if isinstance(key, ec.EllipticCurvePrivateKey):
        algorithm = hashes.SHA384() if isinstance(key.curve, ec.SECP384R1) else hashes.SHA256()
        der = key.sign(data, ec.ECDSA(algorithm, deterministic_signing=True))
        r, s = decode_dss_signature(der)
        size = (key.curve.key_size + 7) // 8
        return r.to_bytes(size, "big") + s.to_bytes(size, "big")
    if isinstance(key, rsa.RSAPrivateKey):
        return key.sign(data, padding.PKCS1v15(), hashes.SHA256())
    raise IssuingError(
        "Unsupported key type for signing.", hint="Use an ES256, EdDSA or RS256 key."
    )


def private_key_pem(key: PrivateKey) -> bytes:
    """PKCS#8 PEM of a private key (unencrypted; protect the file itself, mode 0600)."""
    return key.private_bytes(
        serialization.Encoding.PEM,
        serialization.PrivateFormat.PKCS8,
        serialization.NoEncryption(),
    )


def _public(key: PrivateKey | PublicKey) -> PublicKey:
    if isinstance(key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey):
        return key.public_key()
    return key


def load_private_key(source: str | os.PathLike[str] | bytes, *, name: str = "") -> PrivateKey:
    """Read a private key from a PEM (PKCS#8 or traditional) or JWK file, or from bytes.

    The password for an encrypted PEM comes from the CREDSITE_KEY_PASSWORD environment variable.
    """
    if isinstance(source, bytes):
        data, label = source, name or "<key>"
    else:
        path = Path(source)
        label = name or str(path)
        try:
            data = path.read_bytes()
        except FileNotFoundError:
            raise IssuingError(
                "The private key file does not exist.",
                file=label,
                hint="Pass the file written by `credsite keys new --private-out`.",
                code="KEY_FILE_MISSING",
            ) from None
        except OSError as exc:
            raise IssuingError(
                f"The private key file cannot be read ({exc.strerror}).",
                file=label,
                code="KEY_FILE_UNREADABLE",
            ) from None
    stripped = data.strip()
    if stripped.startswith(b"{"):
        return _private_key_from_jwk_bytes(stripped, label)
    password_text = os.environ.get("CREDSITE_KEY_PASSWORD")
    password = password_text.encode("utf-8") if password_text else None
    try:
        key = serialization.load_pem_private_key(data, password=password)
    except TypeError:
        raise IssuingError(
            "The private key is encrypted.",
            file=label,
            hint="Set CREDSITE_KEY_PASSWORD to its password.",
            code="KEY_ENCRYPTED",
        ) from None
    except ValueError:
        try:
            key = serialization.load_der_private_key(data, password=password)
        except (ValueError, TypeError):
            raise IssuingError(
                "The file does not hold a private key in PEM or JWK form.",
                file=label,
                code="KEY_UNREADABLE",
                hint="Use the PEM file written by `credsite keys new`.",
            ) from None
    if not isinstance(
        key, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    ):
        raise IssuingError(
            "Unsupported private key type.",
            file=label,
            code="KEY_UNSUPPORTED",
            hint="Use an ES256, EdDSA or RS256 key.",
        )
    alg_of(key)  # rejects unsupported curves with a plain message
    return key


def _private_key_from_jwk_bytes(data: bytes, label: str) -> PrivateKey:
    try:
        parsed = json.loads(data)
        key = jwcrypto_jwk.JWK(**parsed)
    except Exception:
        raise IssuingError(
            "The JSON file is not a JSON Web Key.", file=label, code="KEY_UNREADABLE"
        ) from None
    if not key.has_private:
        raise IssuingError(
            "The JSON Web Key has no private part.",
            file=label,
            code="KEY_NOT_PRIVATE",
            hint="Pass the private key, not the public JWK from the catalogue.",
        )
    pyca = key.get_op_key("sign")
    if not isinstance(
        pyca, ed25519.Ed25519PrivateKey | ec.EllipticCurvePrivateKey | rsa.RSAPrivateKey
    ):
        raise IssuingError("Unsupported private key type.", file=label, code="KEY_UNSUPPORTED")
    return pyca


# Multicodec headers (varint) of Multikey values (CID 1.0 §2.2.2 "Multikey").
_MULTIKEY_PUBLIC = {"ed25519": b"\xed\x01", "p256": b"\x80\x24", "p384": b"\x81\x24"}
_MULTIKEY_SECRET = {
    b"\x80\x26": "Ed25519",
    b"\x86\x26": "P-256",
    b"\x87\x26": "P-384",
    b"\x85\x26": "RSA",
}


def multikey(key: PrivateKey | PublicKey) -> str | None:
    """`publicKeyMultibase` of a key (z6Mk… Ed25519, zDn… P-256); None for RSA (no Multikey)."""
    pub = _public(key)
    if isinstance(pub, ed25519.Ed25519PublicKey):
        raw = pub.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        return "z" + b58encode(_MULTIKEY_PUBLIC["ed25519"] + raw)
    if isinstance(pub, ec.EllipticCurvePublicKey):
        point = pub.public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.CompressedPoint
        )
        header = _MULTIKEY_PUBLIC["p256" if isinstance(pub.curve, ec.SECP256R1) else "p384"]
        return "z" + b58encode(header + point)
    return None


def private_key_from_multibase(text: str) -> ed25519.Ed25519PrivateKey:
    """An Ed25519 private key from a secret Multikey (`z3u2…`, header 0x8026)."""
    if not text.startswith("z"):
        raise IssuingError("A secret Multikey must start with 'z' (base58btc).")
    raw = b58decode(text[1:])
    if raw[:2] != b"\x80\x26" or len(raw) != 34:
        raise IssuingError("Not an Ed25519 secret Multikey (header 0x8026, 32 bytes).")
    return ed25519.Ed25519PrivateKey.from_private_bytes(raw[2:])


# --------------------------------------------------------------------------------------------
# JWK and thumbprints

_JWK_PUBLIC_MEMBERS = {
    "EC": ("kty", "crv", "x", "y"),
    "OKP": ("kty", "crv", "x"),
    "RSA": ("kty", "n", "e"),
}


def public_jwk(key: PrivateKey | PublicKey) -> dict[str, str]:
    """The public JWK with only its required members (RFC 7517/7518/8037), in a fixed order."""
    exported = jwcrypto_jwk.JWK.from_pyca(_public(key)).export_public(as_dict=True)
    members = _JWK_PUBLIC_MEMBERS[exported["kty"]]
    return {name: str(exported[name]) for name in members}


def public_key_from_jwk(jwk: Mapping[str, Any]) -> PublicKey:
    members = _JWK_PUBLIC_MEMBERS.get(str(jwk.get("kty", "")))
    if members is None or any(name not in jwk for name in members):
        raise IssuingError("The JWK is incomplete or of an unsupported type.")
    pyca = jwcrypto_jwk.JWK(**{name: jwk[name] for name in members}).get_op_key("verify")
    if not isinstance(
        pyca, ed25519.Ed25519PublicKey | ec.EllipticCurvePublicKey | rsa.RSAPublicKey
    ):
        raise IssuingError("Unsupported public key type.")
    return pyca


# --------------------------------------------------------------------------------------------
# Certificates


def self_signed_certificate(
    key: PrivateKey,
    *,
    legal_name: str,
    country: str,
    valid_from: dt.datetime,
    years: int = CERT_YEARS,
    serial: int | None = None,
) -> x509.Certificate:
    """A self-signed certificate for an issuer key: subject CN = O = legal name, C = country.

    It is what EDC's JAdES seal carries in `x5c`; trust comes from the registry pinning its
    SHA-256 fingerprint, not from a CA.
    """
    subject = x509.Name(
        [
            x509.NameAttribute(NameOID.COUNTRY_NAME, country.upper()),
            x509.NameAttribute(NameOID.ORGANIZATION_NAME, legal_name),
            x509.NameAttribute(NameOID.COMMON_NAME, legal_name),
        ]
    )
    not_before = parse_utc(valid_from)
    not_after = not_before.replace(year=not_before.year + years)
    pub = key.public_key()
    builder = (
        x509.CertificateBuilder()
        .subject_name(subject)
        .issuer_name(subject)
        .public_key(pub)
        .serial_number(serial if serial is not None else x509.random_serial_number())
        .not_valid_before(not_before)
        .not_valid_after(not_after)
        .add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        .add_extension(
            x509.KeyUsage(
                digital_signature=True,
                content_commitment=True,
                key_encipherment=False,
                data_encipherment=False,
                key_agreement=False,
                key_cert_sign=False,
                crl_sign=False,
                encipher_only=False,
                decipher_only=False,
            ),
            critical=True,
        )
        .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False)
    )
    algorithm = None if isinstance(key, ed25519.Ed25519PrivateKey) else hashes.SHA256()
    return builder.sign(key, algorithm)


def certificate_pem(cert: x509.Certificate) -> str:
    return cert.public_bytes(serialization.Encoding.PEM).decode("ascii")


def load_certificate(pem: str | bytes, *, name: str = "") -> x509.Certificate:
    data = pem.encode("ascii", "replace") if isinstance(pem, str) else pem
    try:
        if b"-----BEGIN CERTIFICATE-----" in data:
            return x509.load_pem_x509_certificate(data)
        return x509.load_der_x509_certificate(data)
    except ValueError:
        raise IssuingError(
            "The certificate cannot be parsed.",
            file=name,
            code="CERTIFICATE_UNREADABLE",
            hint="Give a PEM certificate (-----BEGIN CERTIFICATE-----).",
        ) from None


def cert_sha256(cert: x509.Certificate | str | bytes) -> str:
    """Lowercase hex SHA-256 of the DER certificate (the registry's `cert_sha256`)."""
    if not isinstance(cert, x509.Certificate):
        cert = load_certificate(cert)
    return hashlib.sha256(cert.public_bytes(serialization.Encoding.DER)).hexdigest()


def cert_subject(cert: x509.Certificate | str | bytes) -> str:
    """RFC 4514 subject, most specific first: `CN=…,O=…,C=LV`."""
    if not isinstance(cert, x509.Certificate):
        cert = load_certificate(cert)
    return cert.subject.rfc4514_string()


# --------------------------------------------------------------------------------------------
# did:web


def issuer_did(site_url: str, slug: str) -> str:
    """`did:web:<host>[:<path segments>]:issuers:<slug>`, the DID of an issuer of the site."""
    try:
        return did_web(site_url, "issuers", slug)
    except ValueError:
        raise IssuingError(
            f"site_url {site_url!r} is not an absolute https URL.",
            file="alliance.yaml",
            hint="Set site_url to https://host/path/.",
        ) from None


def did_url(site_url: str, slug: str, kid: str) -> str:
    """The verification method id `{did}#{kid}`."""
    return f"{issuer_did(site_url, slug)}#{kid}"


# --------------------------------------------------------------------------------------------
# Key files in the catalogue

_KID_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9._-]{0,79}$")


def new_kid(slug: str, alg: str, valid_from: dt.datetime, existing: Iterable[str]) -> str:
    """`<slug>-<year>-<alg>-<n>` with the first free n (e.g. `lu-2026-es256-1`)."""
    taken = set(existing)
    n = 1
    while True:
        kid = f"{slug}-{valid_from.year}-{alg.lower()}-{n}"
        if kid not in taken:
            return kid
        n += 1


def check_kid(kid: str) -> None:
    if not _KID_RE.match(kid):
        raise IssuingError(
            f"The key id {kid!r} is not URL-safe.",
            hint="Use letters, digits, '.', '_' and '-' (at most 80).",
        )


@dataclass(frozen=True, slots=True)
class KeyRecord:
    """The content of `catalogue/issuers/<slug>/keys/<kid>.yaml` (public data only)."""

    kid: str
    alg: str
    use: str  # signing | eseal
    status: str  # active | retired | compromised
    valid_from: dt.datetime
    valid_until: dt.datetime | None
    jwk: Mapping[str, str]
    certificate: str  # PEM
    comment: str = ""


def key_file_text(record: KeyRecord) -> str:
    """The YAML text of a key file, in the INTERFACES.md layout (values quoted where needed)."""
    lines: list[str] = []
    for line in record.comment.splitlines():
        lines.append(f"# {line}".rstrip())
    lines += [
        f"kid: {record.kid}",
        f"alg: {record.alg}",
        f"use: {record.use}",
        f"status: {record.status}",
        f"valid_from: {format_utc(record.valid_from)}",
        f"valid_until: {format_utc(record.valid_until) if record.valid_until else 'null'}",
    ]
    if record.jwk:
        lines.append("jwk:")
        lines += [f"  {name}: {json.dumps(str(value))}" for name, value in record.jwk.items()]
    else:
        lines.append("jwk: {}")
    lines.append("certificate: |")
    lines += [f"  {line}" for line in record.certificate.strip().splitlines()]
    return "\n".join(lines) + "\n"


def read_key_file(path: Path) -> KeyRecord:
    """Parse a key file written by `key_file_text` (or by hand in the same layout)."""
    label = str(path)
    try:
        data = yaml.safe_load(path.read_text("utf-8"))
    except FileNotFoundError:
        raise IssuingError(
            "The key file does not exist.", file=label, code="KEY_FILE_MISSING"
        ) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        raise IssuingError(
            "The key file is not valid YAML.",
            file=label,
            line=(mark.line + 1) if mark else 0,
            code="KEY_FILE_INVALID",
        ) from None
    if not isinstance(data, dict):
        raise IssuingError(
            "The key file must be a YAML mapping.", file=label, code="KEY_FILE_INVALID"
        )
    comment_lines = []
    for line in path.read_text("utf-8").splitlines():
        if not line.startswith("#"):
            break
        comment_lines.append(line[1:].strip())
    try:
        valid_until = data.get("valid_until")
        return KeyRecord(
            kid=str(data["kid"]),
            alg=str(data["alg"]),
            use=str(data.get("use", "signing")),
            status=str(data.get("status", "active")),
            valid_from=parse_utc(data["valid_from"], what="valid_from"),
            valid_until=parse_utc(valid_until, what="valid_until") if valid_until else None,
            jwk={str(k): str(v) for k, v in (data.get("jwk") or {}).items()},
            certificate=str(data.get("certificate") or ""),
            comment="\n".join(comment_lines),
        )
    except KeyError as exc:
        raise IssuingError(
            f"The key file has no {exc.args[0]!r}.", file=label, code="KEY_FILE_INVALID"
        ) from None
    except IssuingError as exc:
        exc.file = label
        raise


# --------------------------------------------------------------------------------------------
# Where private keys may go


def _resolved_target(path: Path) -> Path:
    """The absolute path a new file would get (symlinks in existing parents resolved)."""
    path = path.expanduser()
    parent = path.parent if str(path.parent) else Path(".")
    existing = parent
    missing: list[str] = []
    while not existing.exists():
        missing.append(existing.name)
        if existing.parent == existing:
            break
        existing = existing.parent
    base = existing.resolve()
    for name in reversed(missing):
        base = base / name
    return base / path.name


def check_private_key_path(path: Path, *, catalogue_dir: Path, demo: bool = False) -> Path:
    """Refuse a private-key destination inside the repository of the catalogue.

    The repository is the git work tree around the catalogue (or the catalogue folder itself
    when it is not in git). With `demo=True` a destination inside the repository is allowed
    only in a folder named `demo-keys` (public test keys of a demo catalogue).
    """
    target = _resolved_target(path)
    root = repository_root(catalogue_dir) or catalogue_dir.resolve()
    inside = target == root or root in target.parents
    if inside:
        if demo and target.parent.name == "demo-keys" and not _in_catalogue(target, catalogue_dir):
            return target
        raise IssuingError(
            f"Refusing to write a private key inside the repository ({root}).",
            file=str(path),
            hint="Write it outside the repository, e.g. --private-out ~/credsite-keys/KID.pem; "
            "anything inside the repository could be committed and published.",
            code="PRIVATE_KEY_IN_REPOSITORY",
        )
    return target


def _in_catalogue(target: Path, catalogue_dir: Path) -> bool:
    cat = catalogue_dir.resolve()
    return target == cat or cat in target.parents


def write_private_key(target: Path, pem: bytes) -> None:
    """Create the file with mode 0600 (never overwrite an existing key)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    try:
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        raise IssuingError(
            "A file already exists there; refusing to overwrite a key.",
            file=str(target),
            code="PRIVATE_KEY_EXISTS",
            hint="Choose a new file name.",
        ) from None
    with os.fdopen(fd, "wb") as handle:
        handle.write(pem)
    os.chmod(target, 0o600)  # in case the umask interfered
