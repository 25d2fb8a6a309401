"""SD-JWT (RFC 9901, formerly draft-ietf-oauth-selective-disclosure-jwt) and SD-JWT VC
(`dc+sd-jwt`, formerly `vc+sd-jwt`): the issuer-signed JWT, its disclosures, the key binding.

Reading here needs no key: each disclosure is hashed with the `_sd_alg` of the issuer's JWT
(default sha-256) and put in place of its digest; a disclosure whose digest the JWT does not
hold, or one given twice, refuses the file (it was changed or assembled from other
credentials). A key-binding JWT is matched to the presentation by `sd_hash` here; its signature,
by the holder key the issuer put in `cnf`, is checked with the issuer's, by the signature check.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..codec import b64url_decode, b64url_encode
from ..messages import msg
from .errors import InputError
from .strict_json import strict_json

_DIGESTS = {"sha-256": hashlib.sha256, "sha-384": hashlib.sha384, "sha-512": hashlib.sha512}
_ISSUER_TYPS = {
    None,
    "JWT",
    "jwt",
    "vc+sd-jwt",
    "dc+sd-jwt",
    "application/vc+sd-jwt",
    "application/dc+sd-jwt",
}
_RESERVED = {"_sd", "..."}
# Claims an SD-JWT VC must carry in clear (draft-ietf-oauth-sd-jwt-vc, "Registered JWT
# Claims"): a holder could withhold the disclosure of an expiry or a revocation entry.
_NEVER_DISCLOSED = {"iss", "nbf", "exp", "cnf", "vct", "vct#integrity", "status"}
_MAX_DISCLOSURES = 500
_B64URL = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")


def _fail(code: str, message: str, detail: str) -> InputError:
    return InputError(code, message, detail)


def looks_like_sd_jwt(text: str) -> str | None:
    """The SD-JWT in `text` with line breaks removed (some publish it folded), or None."""
    compact = "".join(text.split())
    if "~" not in compact or set(compact) - _B64URL - {".", "~"}:
        return None
    first = compact.split("~", 1)[0]
    return compact if first.count(".") == 2 and not first.startswith(".") else None


@dataclass
class KeyBinding:
    header: dict[str, Any]
    claims: dict[str, Any]
    signing_input: bytes
    signature: bytes


@dataclass
class SdJwt:
    header: dict[str, Any]
    payload: dict[str, Any]  # as signed, with its digests
    claims: dict[str, Any]  # the disclosed claims in place, without `_sd`, `_sd_alg`
    signing_input: bytes
    signature: bytes
    disclosures: int
    key_binding: KeyBinding | None
    typ: str | None


def _jws_parts(token: str, damaged: str) -> tuple[dict[str, Any], dict[str, Any], bytes, bytes]:
    """The parts of a compact JWS; `damaged`: the message when it cannot be read."""
    parts = token.split(".")
    if len(parts) != 3 or not parts[0]:
        raise _fail("FORMAT_INVALID_JWS", damaged, "not a compact JWS")
    try:
        header = strict_json(b64url_decode(parts[0]))
        payload = strict_json(b64url_decode(parts[1]))
        signature = b64url_decode(parts[2])
    except ValueError as exc:
        raise _fail("FORMAT_INVALID_JWS", damaged, "not base64url JSON") from exc
    if not isinstance(header, dict) or not isinstance(payload, dict):
        raise _fail("FORMAT_INVALID_JWS", damaged, "header or payload is not an object")
    return header, payload, (parts[0] + "." + parts[1]).encode("ascii"), signature


def _decode_disclosure(text: str) -> list[Any]:
    try:
        value = strict_json(b64url_decode(text))
    except ValueError as exc:
        raise _fail(
            "FORMAT_SDJWT_DISCLOSURE_INVALID",
            "A disclosed claim is damaged.",
            "disclosure is not base64url JSON",
        ) from exc
    if (
        not isinstance(value, list)
        or len(value) not in (2, 3)
        or not isinstance(value[0], str)
        or (len(value) == 3 and (not isinstance(value[1], str) or value[1] in _RESERVED))
    ):
        raise _fail(
            "FORMAT_SDJWT_DISCLOSURE_INVALID",
            "A disclosed claim is damaged.",
            "a disclosure must be [salt, name, value] or [salt, value]",
        )
    return value


def decode_sd_jwt(compact: str) -> SdJwt:
    parts = compact.split("~")
    issuer_jwt, disclosed, last = parts[0], parts[1:-1], parts[-1]
    header, payload, signing_input, signature = _jws_parts(
        issuer_jwt, msg("The selective-disclosure credential is damaged.")
    )
    typ = header.get("typ")
    if typ not in _ISSUER_TYPS:
        raise _fail(
            "FORMAT_JWT_TYPE",
            "The token declares a type that is not a credential, so it is refused.",
            f"typ {str(typ)[:40]!r}",
        )
    if len(disclosed) > _MAX_DISCLOSURES or any(not d for d in disclosed):
        raise _fail(
            "FORMAT_SDJWT_DISCLOSURE_INVALID",
            "A disclosed claim is damaged.",
            "empty or too many disclosures",
        )
    alg_name = payload.get("_sd_alg", "sha-256")
    digest = _DIGESTS.get(alg_name) if isinstance(alg_name, str) else None
    if digest is None:
        raise _fail(
            "FORMAT_SDJWT_DISCLOSURE_INVALID",
            "The credential hashes its disclosed claims with a method this verifier does not know.",
            f"_sd_alg {str(alg_name)[:30]!r}",
        )
    by_digest: dict[str, list[Any]] = {}
    for text in disclosed:
        key = b64url_encode(digest(text.encode("ascii")).digest())
        if key in by_digest:
            raise _fail(
                "FORMAT_SDJWT_DISCLOSURE_REPEATED",
                "The same disclosed claim is given twice; the file was assembled by hand.",
                f"disclosure digest {key[:20]}… repeated",
            )
        by_digest[key] = _decode_disclosure(text)
    used: set[str] = set()
    seen: set[str] = set()
    claims = _place(payload, by_digest, used, seen, top=True)
    unknown = [k for k in by_digest if k not in used]
    if unknown:
        raise _fail(
            "FORMAT_SDJWT_DISCLOSURE_UNKNOWN",
            "A disclosed claim does not belong to this credential: it was changed, or added "
            "from somewhere else.",
            f"{len(unknown)} disclosure(s) whose digest the issuer did not sign, "
            f"first {unknown[0][:20]}…",
        )
    key_binding = None
    if last:
        kb_header, kb_claims, kb_input, kb_signature = _jws_parts(
            last, "The key binding is damaged."
        )
        if kb_header.get("typ") != "kb+jwt":
            raise _fail(
                "FORMAT_SDJWT_KEY_BINDING",
                "The holder's key binding is damaged.",
                "typ is not kb+jwt",
            )
        presented = compact[: len(compact) - len(last)]
        expected = b64url_encode(digest(presented.encode("ascii")).digest())
        if kb_claims.get("sd_hash") != expected:
            raise _fail(
                "FORMAT_SDJWT_KEY_BINDING",
                "The holder's key binding belongs to another presentation of this credential.",
                "sd_hash does not match the SD-JWT and disclosures presented",
            )
        if not isinstance(payload.get("cnf"), dict) or not isinstance(
            payload["cnf"].get("jwk"), dict
        ):
            raise _fail(
                "FORMAT_SDJWT_KEY_BINDING",
                "The presentation is bound to a holder key the issuer did not name.",
                "key binding JWT without cnf.jwk in the issuer's JWT",
            )
        key_binding = KeyBinding(kb_header, kb_claims, kb_input, kb_signature)
    return SdJwt(
        header,
        payload,
        claims,
        signing_input,
        signature,
        len(disclosed),
        key_binding,
        typ if isinstance(typ, str) else None,
    )


def _place(
    value: Any,
    by_digest: dict[str, list[Any]],
    used: set[str],
    seen: set[str],
    *,
    top: bool = False,
) -> Any:
    """The value with every disclosed claim put in place of its digest (RFC 9901 §7.1)."""
    if isinstance(value, list):
        out_list: list[Any] = []
        for item in value:
            if isinstance(item, dict) and set(item) == {"..."}:
                found = _take(item["..."], by_digest, used, seen)
                if found is None:
                    continue  # undisclosed array element
                if len(found) != 2:
                    raise _fail(
                        "FORMAT_SDJWT_DISCLOSURE_INVALID",
                        "A disclosed claim is damaged.",
                        "an array element's disclosure has a claim name",
                    )
                out_list.append(_place(found[1], by_digest, used, seen))
            else:
                out_list.append(_place(item, by_digest, used, seen))
        return out_list
    if not isinstance(value, dict):
        return value
    out: dict[str, Any] = {}
    for key, item in value.items():
        if key == "_sd" or (top and key == "_sd_alg"):
            continue
        out[key] = _place(item, by_digest, used, seen)
    digests = value.get("_sd", [])
    if not isinstance(digests, list):
        raise _fail(
            "FORMAT_SDJWT_DISCLOSURE_INVALID", "A disclosed claim is damaged.", "_sd is not a list"
        )
    for entry in digests:
        found = _take(entry, by_digest, used, seen)
        if found is None:
            continue
        if len(found) != 3:
            raise _fail(
                "FORMAT_SDJWT_DISCLOSURE_INVALID",
                "A disclosed claim is damaged.",
                "an object property's disclosure has no claim name",
            )
        name = found[1]
        if top and name in _NEVER_DISCLOSED:
            raise _fail(
                "FORMAT_SDJWT_DISCLOSURE_INVALID",
                "A claim that must be readable by everyone (such as the expiry date) is "
                "hidden in a disclosure, which the holder may leave out.",
                f"claim {name!r} selectively disclosable",
            )
        if name in out:
            raise _fail(
                "FORMAT_SDJWT_DISCLOSURE_INVALID",
                "A disclosed claim would overwrite one the issuer wrote in clear.",
                f"claim {name[:40]!r} disclosed twice",
            )
        out[name] = _place(found[2], by_digest, used, seen)
    return out


def _take(
    digest: Any, by_digest: dict[str, list[Any]], used: set[str], seen: set[str]
) -> list[Any] | None:
    if not isinstance(digest, str):
        raise _fail(
            "FORMAT_SDJWT_DISCLOSURE_INVALID",
            "A disclosed claim is damaged.",
            "digest is not a string",
        )
    if digest in seen:
        raise _fail(
            "FORMAT_SDJWT_DISCLOSURE_REPEATED",
            "The credential lists the same hidden claim twice.",
            f"digest {digest[:20]}… appears twice in the signed JWT",
        )
    seen.add(digest)
    found = by_digest.get(digest)
    if found is not None:
        used.add(digest)
    return found


def describe(token: SdJwt) -> str:
    kb = "; key binding JWT" if token.key_binding else ""
    return f"SD-JWT (typ {token.typ or 'absent'}; {token.disclosures} disclosures{kb})"
