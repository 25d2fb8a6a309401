"""Reading a file: detect the format, decode the envelope, check the data model.

Nothing here is trusted yet: the signature stage decides whether the decoded document counts.
Every problem raises `InputError` with a stable code and a plain message.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from ..codec import b64url_decode
from ..messages import msg
from .baked import PNG_SIGNATURE, looks_like_svg, unbake
from .dates import date_out_of_range, numeric_date, parse_datetime
from .errors import InputError
from .nodes import as_list, node_id, types_of
from .sd_jwt import KeyBinding, decode_sd_jwt, describe, looks_like_sd_jwt
from .strict_json import Totals, check_shape, strict_json, strict_json_measured

V1 = "https://www.w3.org/2018/credentials/v1"
V2 = "https://www.w3.org/ns/credentials/v2"

_JWS_CHARACTERS = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_."


def _is_compact_jws(text: str) -> bool:
    r"""`re.match(r"^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*$", text)`: three base64url
    parts, the first not empty (`$` also allows one final newline). Deleting the allowed bytes
    in C is several times faster than the regex on a token of a few kB."""
    body = text[:-1] if text.endswith("\n") else text
    if not body.isascii() or body.count(".") != 2 or body.startswith("."):
        return False
    return not body.encode("ascii").translate(None, _JWS_CHARACTERS)


_JWE = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]*){4}$")

# `typ` values accepted for compact JWS credentials (VC-JOSE-COSE §3.1.1; VCDM 1.1 §6.3.1;
# OB 3.0 §8.2.4.1); anything else is refused (RFC 8725 §3.11 explicit typing).
_VC_TYPS = {"vc+jwt", "application/vc+jwt", "vc+ld+jwt", "application/vc+ld+jwt"}
_VP_TYPS = {"vp+jwt", "application/vp+jwt", "vp+ld+jwt", "application/vp+ld+jwt"}
_PLAIN_TYPS = {"JWT", "jwt", "application/jwt"}


@dataclass
class JwsSignature:
    header: dict[str, Any]
    signing_input: bytes
    signature: bytes
    unprotected: dict[str, Any] | None = None


@dataclass
class Envelope:
    kind: str  # "jades" | "jwt" | "di" | "vp" | "sd-jwt"
    format: str
    document: dict[str, Any]
    signatures: list[JwsSignature] = field(default_factory=list)
    jwt_claims: dict[str, Any] = field(default_factory=dict)
    unsigned: list[str] = field(default_factory=list)
    found: str = ""
    presentation_items: list[Any] = field(default_factory=list)
    holder_secured: bool = False
    key_binding: KeyBinding | None = None  # SD-JWT only
    holder_key: dict[str, Any] | None = None  # SD-JWT `cnf.jwk`, when there is a key binding
    # The totals strict_json's pass found in `document` (large documents only): the JSON-LD
    # size check reads them instead of walking the document again. None when the document is
    # not the value that pass measured (a part of it, or a copy).
    totals: Totals | None = None


def _fail(code: str, message: str, detail: str = "") -> InputError:
    return InputError(code, message, detail)


# --------------------------------------------------------------------------- describe


_MAGIC = (
    (
        b"\x89PNG",
        "a PNG image",
    ),
    (
        b"%PDF",
        "a PDF document (PDF files do not carry a verifiable credential; "
        "upload the credential file)",
    ),
    (b"PK\x03\x04", "a ZIP archive or office document"),
    (b"\xff\xd8\xff", "a JPEG image"),
    (b"GIF8", "a GIF image"),
    (b"\x1f\x8b", "a gzip-compressed file"),
)


def _describe_binary(data: bytes) -> str:
    for magic, text in _MAGIC:
        if data.startswith(magic):
            return text
    return "binary data (first bytes " + data[:8].hex(" ") + ")"


def _safe_snippet(text: str, limit: int = 60) -> str:
    line = text.strip().splitlines()[0] if text.strip() else ""
    cleaned = "".join(ch if ch.isprintable() else "?" for ch in line[:limit])
    return cleaned + ("..." if len(line) > limit else "")


def _unrecognised(found: str) -> InputError:
    return _fail(
        "FORMAT_UNRECOGNISED",
        "This is not a credential file we can read.",
        f"found: {found}",
    )


# --------------------------------------------------------------------------- entry


def read_envelope(data: bytes, *, max_bytes: int) -> Envelope:
    if not isinstance(data, (bytes, bytearray)):
        raise _fail("FORMAT_UNRECOGNISED", "This is not a credential file we can read.", "no bytes")
    data = bytes(data)
    if len(data) > max_bytes:
        raise _fail(
            "FORMAT_TOO_LARGE",
            "The file is much larger than any credential, so it was not read.",
            f"{len(data)} bytes; limit {max_bytes}",
        )
    if not data or data.isspace():  # `not data.strip()`, without copying the file
        raise _fail("FORMAT_EMPTY", "The file is empty.", f"{len(data)} bytes of white space")
    if data.startswith(b"\xef\xbb\xbf"):
        raise _fail(
            "FORMAT_BOM",
            "The file starts with an invisible byte-order mark, which credential files must not "
            "have. It may have been re-saved by an editor; use the original file.",
            "UTF-8 BOM (EF BB BF) at offset 0",
        )
    baked = unbake(data, max_bytes=max_bytes)
    if baked is not None:
        return _from_baked(*baked, max_bytes=max_bytes)
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        head = data.lstrip()[:1]
        if head in (b"{", b"[", b"<") and b"\x00" not in data[:1024]:
            raise _fail(
                "FORMAT_NOT_UTF8",
                "The file is not valid UTF-8 text.",
                f"invalid byte at offset {exc.start}",
            ) from exc
        raise _unrecognised(_describe_binary(data)) from exc
    if "\x00" in text[:4096]:
        raise _unrecognised(_describe_binary(data))
    if (text[:256].lstrip() or text.lstrip())[:1] in ("{", "["):
        # JSON: none of the text-format tests below can match text starting with { or [.
        return _from_json_text(text)
    stripped = text.strip()
    if stripped.startswith("<"):
        raise _xml(stripped)
    sd_jwt = looks_like_sd_jwt(stripped) if "~" in stripped else None
    if sd_jwt is not None:
        return _decode_sd_jwt(sd_jwt)
    if _is_compact_jws(stripped):
        return decode_compact(stripped)
    if _JWE.match(stripped):
        raise _fail(
            "FORMAT_UNSUPPORTED",
            "This is an encrypted token (JWE); it cannot be checked without the recipient's key.",
            "five-part JOSE serialization (JWE)",
        )
    if stripped.startswith(("{", "[")):
        return _from_json_text(text)
    raise _unrecognised("plain text starting with: " + _safe_snippet(stripped))


def _from_json_text(text: str) -> Envelope:
    value, totals = strict_json_measured(text)
    env = from_json(value)
    if env.document is value:
        env.totals = totals
    return env


def _from_baked(container: str, where: str, inner: bytes, *, max_bytes: int) -> Envelope:
    """An Open Badges baked image: the credential inside, read as if it were the file."""
    if inner.startswith(PNG_SIGNATURE) or looks_like_svg(inner):
        raise _fail(
            "FORMAT_BAKED_DAMAGED",
            "The badge image is damaged, so the credential baked into it cannot be read.",
            f"{where} holds another image, not a credential",
        )
    env = read_envelope(inner, max_bytes=max_bytes)
    env.found = f"{env.found}; baked: {env.format} in {where}"
    env.format = container
    return env


def _xml(text: str) -> InputError:
    head = text[:4096]
    if "http://data.europa.eu/snb" in head and (
        "europassCredential" in head or "verifiablePresentation" in head
    ):
        return _fail(
            "FORMAT_LEGACY_EDC_XML",
            "This is an older Europass credential (EDC version 1 or 2, XML). It is recognised, "
            "but not verified here: open it in the Europass viewer, or ask the issuer for the "
            "current format.",
            "XML with root europassCredential/verifiablePresentation in http://data.europa.eu/snb",
        )
    if re.match(r"<(!doctype\s+html|html)", head, re.IGNORECASE):
        return _unrecognised("a web page (HTML)")
    match = re.search(r"<([A-Za-z_][\w.:-]*)", head.replace("<?xml", "").replace("<!--", ""))
    root = match.group(1) if match else "?"
    return _unrecognised(f"an XML document (root element <{_safe_snippet(root, 40)}>)")


# --------------------------------------------------------------------------- JSON shapes


def from_json(obj: Any, *, depth: int = 0) -> Envelope:
    if depth > 2:
        raise _unrecognised("credential wrappers nested inside each other")
    if isinstance(obj, list):
        raise _unrecognised(f"a JSON list of {len(obj)} items")
    if not isinstance(obj, dict):
        raise _unrecognised(f"a single JSON value ({type(obj).__name__})")
    if "payload" in obj and ("signatures" in obj or "signature" in obj):
        return decode_jades(obj)
    if "credential" in obj and "@context" not in obj and "type" not in obj:
        inner = obj["credential"]
        extra = sorted(k for k in obj if k != "credential")
        if isinstance(inner, str):
            stripped = inner.strip()
            if _is_compact_jws(stripped):
                env = decode_compact(stripped)
            else:
                raise _unrecognised("a 'credential' wrapper holding text that is not a JWT")
        else:
            env = from_json(inner, depth=depth + 1)
        env.unsigned.extend(
            msg("wrapper field “{name}” (outside the credential)", name=k) for k in extra
        )
        env.found = "credential wrapper; " + env.found
        return env
    types = types_of(obj)
    if "VerifiablePresentation" in types:
        return _presentation(obj)
    if "EnvelopedVerifiableCredential" in types:
        return _enveloped(obj)
    if "VerifiableCredential" in types or "@context" in obj or "proof" in obj:
        if "proof" not in obj:
            if "EuropeanDigitalCredential" in types:
                raise _fail(
                    "FORMAT_UNSIGNED",
                    "This European Digital Credential has no electronic seal, so nothing in it "
                    "can be verified. Ask the issuer for the sealed file.",
                    "EDC JSON-LD without a JAdES seal",
                )
            raise _fail(
                "FORMAT_UNSIGNED",
                "This credential carries no signature, so nothing in it can be verified.",
                "JSON-LD credential without proof",
            )
        return Envelope(
            kind="di", format=_di_format(obj), document=obj, found="JSON-LD with embedded proof"
        )
    keys = ", ".join(sorted(str(k)[:30] for k in obj)[:8])
    raise _unrecognised(f"a JSON object with fields {keys or '(none)'}")


def _di_format(doc: dict[str, Any]) -> str:
    for proof in as_list(doc.get("proof")):
        if not isinstance(proof, dict):
            continue
        ptype = proof.get("type")
        if ptype == "DataIntegrityProof" and isinstance(proof.get("cryptosuite"), str):
            return "vc-di-" + str(proof["cryptosuite"])[:40]
        if isinstance(ptype, str):
            return "vc-di-" + ptype.lower()[:40]
    return "vc-di"


def _enveloped(obj: dict[str, Any]) -> Envelope:
    ident = obj.get("id")
    prefix = "data:application/vc+jwt,"
    if isinstance(ident, str) and ident.startswith(prefix):
        token = ident[len(prefix) :]
        if _is_compact_jws(token):
            env = decode_compact(token)
            env.found = "enveloped credential; " + env.found
            return env
    raise _fail(
        "FORMAT_UNSUPPORTED",
        "This enveloped credential is in a form this verifier does not read.",
        f"EnvelopedVerifiableCredential id: {str(ident)[:80]!r}",
    )


def _presentation(obj: dict[str, Any]) -> Envelope:
    items = as_list(obj.get("verifiableCredential"))
    env = Envelope(
        kind="vp",
        format="vp",
        document=obj,
        presentation_items=items,
        holder_secured="proof" in obj,
        found="verifiable presentation (JSON-LD)",
    )
    return env


# --------------------------------------------------------------------------- JOSE


def _header(segment: str) -> dict[str, Any]:
    try:
        raw = b64url_decode(segment)
    except ValueError as exc:
        raise _fail(
            "FORMAT_INVALID_JWS", "The signature header is damaged.", "header is not base64url"
        ) from exc
    header = strict_json(raw)
    if not isinstance(header, dict):
        raise _fail(
            "FORMAT_INVALID_JWS", "The signature header is damaged.", "header is not a JSON object"
        )
    return header


def _jades_document(payload: str, *, b64: bool) -> tuple[dict[str, Any], Totals | None]:
    """The credential a JAdES payload holds, and its totals (`Envelope.totals`)."""
    if b64:
        try:
            doc_bytes = b64url_decode(payload)
        except ValueError as exc:
            raise _fail(
                "FORMAT_INVALID_JWS",
                "The sealed credential is damaged.",
                "payload is not base64url",
            ) from exc
        document, totals = strict_json_measured(doc_bytes)
    else:
        # RFC 7797: the payload is the credential JSON exactly as signed; never re-serialised.
        document, totals = strict_json_measured(payload)
    if not isinstance(document, dict):
        raise _fail(
            "FORMAT_INVALID_JWS",
            "The sealed content is not a credential.",
            "payload is not a JSON object",
        )
    return document, totals


def decode_jades(obj: dict[str, Any]) -> Envelope:
    """JWS JSON serialization (RFC 7515 §7.2), as EDC seals it (JAdES, ETSI TS 119 182-1)."""
    payload = obj.get("payload")
    if not isinstance(payload, str):
        raise _fail(
            "FORMAT_INVALID_JWS", "The sealed credential is damaged.", "payload is not a string"
        )
    if "signatures" in obj:
        raw_sigs = obj["signatures"]
        if not isinstance(raw_sigs, list) or not raw_sigs:
            raise _fail(
                "FORMAT_INVALID_JWS",
                "The sealed credential is damaged.",
                "signatures is not a non-empty list",
            )
    else:
        raw_sigs = [{k: obj[k] for k in ("protected", "header", "signature") if k in obj}]
    unsigned = [
        f"field '{k}' beside the seal"
        for k in sorted(obj)
        if k not in ("payload", "signatures", "protected", "header", "signature")
    ]
    sigs: list[JwsSignature] = []
    b64_values: set[bool] = set()
    payload_bytes: bytes | None = None
    for item in raw_sigs[:10]:
        if (
            not isinstance(item, dict)
            or not isinstance(item.get("protected"), str)
            or not isinstance(item.get("signature"), str)
        ):
            raise _fail(
                "FORMAT_INVALID_JWS",
                "The sealed credential is damaged.",
                "a signature lacks 'protected' or 'signature'",
            )
        header = _header(item["protected"])
        try:
            signature = b64url_decode(item["signature"])
        except ValueError as exc:
            raise _fail(
                "FORMAT_INVALID_JWS", "The seal is damaged.", "signature is not base64url"
            ) from exc
        b64 = header.get("b64", True)
        b64_values.add(b64 is not False)
        unprotected = item.get("header")
        if unprotected is not None:
            if not isinstance(unprotected, dict):
                raise _fail(
                    "FORMAT_INVALID_JWS",
                    "The seal is damaged.",
                    "unprotected header is not an object",
                )
            unsigned.append(
                msg(
                    "unprotected seal header ({names})",
                    names=", ".join(sorted(str(k) for k in unprotected)[:5]),
                )
            )
        if payload_bytes is None:
            payload_bytes = payload.encode("utf-8")
        # One copy of the (possibly large) payload per signature, not two.
        signing_input = b".".join((item["protected"].encode("ascii"), payload_bytes))
        sigs.append(JwsSignature(header, signing_input, signature, unprotected))
    if len(b64_values) != 1:
        raise _fail("FORMAT_INVALID_JWS", "The seal is damaged.", "signatures disagree on b64")
    try:
        document, totals = _jades_document(payload, b64=b64_values == {True})
    except InputError as exc:
        exc.seal = tuple(sigs)  # the seal can still tell whether the payload was changed
        raise
    types = types_of(document)
    fmt = "edc-jades" if "EuropeanDigitalCredential" in types else "jades"
    kind = "vp" if "VerifiablePresentation" in types else "jades"
    env = Envelope(
        kind="jades",
        format=fmt,
        document=document,
        signatures=sigs,
        unsigned=unsigned,
        found="JWS JSON serialization (JAdES seal)",
        totals=totals,
    )
    if kind == "vp":
        env.kind, env.format = "vp", "vp"
        env.presentation_items = as_list(document.get("verifiableCredential"))
        env.holder_secured = True
    return env


def decode_compact(token: str) -> Envelope:
    """Compact JWS (RFC 7515 §7.1): vc+jwt (VC-JOSE-COSE) or a VCDM 1.1 / OB 3.0 JWT."""
    head, body, sig = token.split(".")
    header = _header(head)
    try:
        payload_raw = b64url_decode(body)
        signature = b64url_decode(sig)
    except ValueError as exc:
        raise _fail(
            "FORMAT_INVALID_JWS", "The token is damaged.", "payload or signature is not base64url"
        ) from exc
    totals = None
    if header.get("b64") is False:
        payload_text: Any = None
    else:
        payload_text, totals = strict_json_measured(payload_raw)
    if not isinstance(payload_text, dict):
        raise _fail(
            "FORMAT_INVALID_JWS",
            "The token does not hold a credential.",
            "payload is not a JSON object",
        )
    payload: dict[str, Any] = payload_text
    typ = header.get("typ")
    sigs = [JwsSignature(header, (head + "." + body).encode("ascii"), signature)]
    claims: dict[str, Any] = {
        k: payload.get(k) for k in ("iss", "sub", "jti", "nbf", "exp", "iat", "aud") if k in payload
    }
    if typ in _VC_TYPS or typ in _VP_TYPS:
        if "vc" in payload or "vp" in payload:
            raise _fail(
                "FORMAT_JWT_CLAIMS",
                "The token mixes two credential formats and is refused.",
                "typ vc+jwt/vp+jwt with a 'vc' or 'vp' claim (VC-JOSE-COSE §3.1.1)",
            )
        document = payload
        fmt = "vp" if typ in _VP_TYPS else "vc-jwt"
    elif typ is None or typ in _PLAIN_TYPS:
        if "vc" in payload and "vp" in payload:
            # Readers would differ on which one the token carries.
            raise _fail(
                "FORMAT_JWT_CLAIMS",
                "The token mixes two credential formats and is refused.",
                "both a 'vc' and a 'vp' claim",
            )
        if "vc" in payload or "vp" in payload:
            inner = payload.get("vc", payload.get("vp"))
            if not isinstance(inner, dict):
                raise _fail(
                    "FORMAT_JWT_CLAIMS",
                    "The token's credential is damaged.",
                    "'vc'/'vp' claim is not an object",
                )
            document = _map_v11_claims(dict(inner), payload, is_vp="vp" in payload)
            fmt = "vp" if "vp" in payload else "vc-jwt-1.1"
        else:
            document = payload
            fmt = "vp" if "VerifiablePresentation" in types_of(payload) else "vc-jwt"
    else:
        raise _fail(
            "FORMAT_JWT_TYPE",
            "The token declares a type that is not a credential, so it is refused.",
            f"typ {str(typ)[:40]!r}",
        )
    if fmt == "vc-jwt":
        _check_flat_claims(document, claims)
    _check_claim_dates(claims)
    if document is not payload and isinstance(claims.get("sub"), (dict, list)):
        # strict_json bounded the payload, and the document is made of its parts at the same
        # depth or shallower, except a structured `sub` claim moved into credentialSubject.
        check_shape(document)
    env = Envelope(
        kind="jwt",
        format=fmt,
        document=document,
        signatures=sigs,
        jwt_claims=claims,
        found=f"compact JWS (typ {typ or 'absent'})",
        totals=totals if document is payload else None,
    )
    if fmt == "vp":
        env.kind = "vp"
        env.presentation_items = as_list(document.get("verifiableCredential"))
        env.holder_secured = True
    return env


def _decode_sd_jwt(compact: str) -> Envelope:
    """SD-JWT / SD-JWT VC: the disclosed claims in place; no VCDM data model applies."""
    token = decode_sd_jwt(compact)
    names = ("iss", "sub", "jti", "nbf", "exp", "iat", "status")
    claims: dict[str, Any] = {k: token.payload.get(k) for k in names if k in token.payload}
    _check_claim_dates(claims)
    if token.typ in ("dc+sd-jwt", "vc+sd-jwt", "application/dc+sd-jwt", "application/vc+sd-jwt"):
        fmt = token.typ.removeprefix("application/")
    else:
        fmt = "sd-jwt-vc" if "vct" in token.payload else "sd-jwt"
    holder = token.payload.get("cnf", {}).get("jwk") if token.key_binding else None
    return Envelope(
        kind="sd-jwt",
        format=fmt,
        document=token.claims,
        signatures=[JwsSignature(token.header, token.signing_input, token.signature)],
        jwt_claims=claims,
        found=describe(token),
        key_binding=token.key_binding,
        holder_key=holder,
    )


def _same_time(a: Any, b: Any) -> bool:
    ta, tb = numeric_date(a), numeric_date(b)
    return ta is not None and tb is not None and int(ta.timestamp()) == int(tb.timestamp())


def _check_claim_dates(claims: dict[str, Any]) -> None:
    """Refuse `nbf`, `exp` and `iat` claims that are not dates (RFC 7519 §4.1.4-6), rather
    than ignore them: a token whose expiry cannot be read must not pass as unexpiring."""
    for claim in ("nbf", "exp", "iat"):
        if claim not in claims or numeric_date(claims[claim]) is not None:
            continue
        value = claims[claim]
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            raise _fail(
                "FORMAT_DATE_OUT_OF_RANGE",
                "A date in the token lies outside the calendar this verifier can compare "
                "(years 1 to 9999, in UTC).",
                f"JWT claim {claim} {str(value)[:40]} has no UTC date-time",
            )
        raise _fail(
            "FORMAT_INVALID_DATE",
            "A date in the token is malformed.",
            f"JWT claim {claim} is not a NumericDate: {str(value)[:40]!r}",
        )


def _check_flat_claims(vc: dict[str, Any], claims: dict[str, Any]) -> None:
    """VC-JOSE-COSE §3.1.1, OB 3.0 §8.2.4: claims that are present agree with the credential."""
    pairs = (("iss", node_id(vc.get("issuer"))), ("jti", vc.get("id")))
    for claim, value in pairs:
        if claim in claims and value is not None and claims[claim] != value:
            named = "issuer" if claim == "iss" else "id"
            raise _fail(
                "FORMAT_JWT_CLAIMS",
                "The token's claims contradict the credential inside it.",
                f"JWT claim {claim} {str(claims[claim])[:100]!r} disagrees with the "
                f"credential's {named} {str(value)[:100]!r}",
            )
    subject = vc.get("credentialSubject")
    if (
        "sub" in claims
        and isinstance(subject, dict)
        and subject.get("id") not in (None, claims["sub"])
    ):
        raise _fail(
            "FORMAT_JWT_CLAIMS",
            "The token's claims contradict the credential inside it.",
            "JWT claim sub disagrees with credentialSubject.id",
        )


def _map_v11_claims(vc: dict[str, Any], claims: dict[str, Any], *, is_vp: bool) -> dict[str, Any]:
    """VCDM 1.1 §6.3.1 "JWT Decoding": registered claims fill or must agree with the credential."""

    def mismatch(what: str, claim: Any = None, value: Any = None) -> InputError:
        detail = f"JWT claim and credential disagree on {what}"
        if claim is not None:
            detail += f": {str(claim)[:100]!r} vs {str(value)[:100]!r}"
        return _fail(
            "FORMAT_JWT_CLAIMS",
            "The token's claims contradict the credential inside it.",
            detail,
        )

    if is_vp:
        if "iss" in claims:
            holder = node_id(vc.get("holder"))
            if holder is not None and holder != claims["iss"]:
                raise mismatch("iss/holder", claims["iss"], holder)
            vc.setdefault("holder", claims["iss"])
        return vc
    if "iss" in claims:
        issuer = vc.get("issuer")
        if issuer is None:
            vc["issuer"] = claims["iss"]
        elif node_id(issuer) != claims["iss"]:
            raise mismatch("iss/issuer", claims["iss"], node_id(issuer) or issuer)
    if "jti" in claims:
        if vc.get("id") is None:
            vc["id"] = claims["jti"]
        elif vc["id"] != claims["jti"]:
            raise mismatch("jti/id")
    if "sub" in claims:
        subject = vc.get("credentialSubject")
        if isinstance(subject, dict):
            if subject.get("id") is None:
                subject = dict(subject)
                subject["id"] = claims["sub"]
                vc["credentialSubject"] = subject
            elif subject["id"] != claims["sub"]:
                raise mismatch("sub/credentialSubject.id")
    for claim, names in (
        ("nbf", ("issuanceDate", "validFrom")),
        ("exp", ("expirationDate", "validUntil")),
    ):
        if claim not in claims:
            continue
        present = [n for n in names if n in vc]
        if not present:
            moment = numeric_date(claims[claim])
            if moment is None:
                raise mismatch(claim)
            target = names[0] if V1 in as_list(vc.get("@context")) else names[1]
            vc[target] = moment.strftime("%Y-%m-%dT%H:%M:%SZ")
        elif not any(_same_time(vc[n], claims[claim]) for n in present):
            raise mismatch(f"{claim}/{present[0]}")
    return vc


# --------------------------------------------------------------------------- data model


_URL = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:\S+$")


def _is_url(value: Any) -> bool:
    return isinstance(value, str) and bool(_URL.match(value))


def _check_envelope(doc: dict[str, Any], kind: str) -> list[Any]:
    """The standard @context first, the type `kind` and a URL id; the contexts."""
    contexts = as_list(doc.get("@context"))
    if not contexts:
        raise _fail(
            "FORMAT_MISSING_PROPERTY",
            "The credential lacks a required part.",
            "@context is missing",
        )
    if contexts[0] not in (V1, V2):
        raise _fail(
            "FORMAT_INVALID_VALUE",
            "The credential does not start with the standard credentials vocabulary.",
            f"first @context is {str(contexts[0])[:80]!r}, expected {V2} or {V1}",
        )
    if kind not in types_of(doc):
        raise _fail(
            "FORMAT_MISSING_PROPERTY",
            "The credential lacks a required part.",
            f"type does not include {kind}",
        )
    if "id" in doc and not _is_url(doc["id"]):
        raise _fail(
            "FORMAT_INVALID_VALUE", "The credential's identifier is malformed.", "id is not a URL"
        )
    return contexts


def _check_issuer_and_subjects(doc: dict[str, Any]) -> None:
    issuer = doc.get("issuer")
    if not _is_url(node_id(issuer)):
        raise _fail(
            "FORMAT_MISSING_PROPERTY",
            "The credential does not name its issuer properly.",
            "issuer must be a URL or an object with a URL id",
        )
    subjects = as_list(doc.get("credentialSubject"))
    bare = next((s for s in subjects if isinstance(s, str)), None)
    if bare is not None:
        raise _fail(
            "FORMAT_MISSING_PROPERTY",
            "The credential names whom it is about only by an identifier, without saying "
            "anything about them: credentialSubject is a bare IRI string, not an object.",
            f"credentialSubject is the string {bare[:100]!r}",
        )
    if not subjects or not all(isinstance(s, dict) and s for s in subjects):
        raise _fail(
            "FORMAT_MISSING_PROPERTY",
            "The credential does not say whom it is about.",
            "credentialSubject missing or empty",
        )


def _parsed_dates(doc: dict[str, Any]) -> dict[str, datetime]:
    """The credential's dates, parsed; a malformed or reversed validity period is refused."""
    dates: dict[str, datetime] = {}
    for name in ("validFrom", "validUntil", "issuanceDate", "expirationDate", "issued"):
        if name in doc:
            moment = parse_datetime(doc[name])
            if moment is None and date_out_of_range(doc[name]):
                raise _fail(
                    "FORMAT_DATE_OUT_OF_RANGE",
                    "A date in the credential lies outside the calendar this verifier can "
                    "compare (years 1 to 9999, in UTC).",
                    f"{name} {str(doc[name])[:40]!r} has no UTC date-time",
                )
            if moment is None:
                raise _fail(
                    "FORMAT_INVALID_DATE",
                    "A date in the credential is malformed.",
                    f"{name} is not an XML Schema dateTime: {str(doc[name])[:40]!r}",
                )
            dates[name] = moment
    if "validFrom" in dates and "validUntil" in dates and dates["validUntil"] < dates["validFrom"]:
        raise _fail(
            "FORMAT_INVALID_VALUE",
            "The credential ends before it starts.",
            "validUntil is earlier than validFrom",
        )
    return dates


def _check_status_entries(doc: dict[str, Any]) -> None:
    for entry in as_list(doc.get("credentialStatus")):
        if not isinstance(entry, dict) or not isinstance(entry.get("type"), (str, list)):
            raise _fail(
                "FORMAT_INVALID_VALUE",
                "The credential's revocation information is malformed.",
                "credentialStatus entry without type",
            )
        if "id" in entry and not _is_url(entry["id"]):
            raise _fail(
                "FORMAT_INVALID_VALUE",
                "The credential's revocation information is malformed.",
                "credentialStatus id is not a URL",
            )


def check_data_model(
    doc: dict[str, Any], *, presentation: bool = False
) -> dict[str, datetime] | None:
    """VCDM 1.1 / 2.0 required properties and value shapes (VCDM 2.0 §4; 1.1 §4).

    Returns the credential's dates, parsed (None for a presentation), so later checks do not
    parse them again.
    """
    contexts = _check_envelope(
        doc, "VerifiablePresentation" if presentation else "VerifiableCredential"
    )
    if presentation:
        return None
    _check_issuer_and_subjects(doc)
    v1 = contexts[0] == V1
    if v1 and "issuanceDate" not in doc and "issued" not in doc:
        raise _fail(
            "FORMAT_MISSING_PROPERTY",
            "The credential lacks its issue date.",
            "issuanceDate is required (VCDM 1.1)",
        )
    dates = _parsed_dates(doc)
    _check_status_entries(doc)
    return dates
