"""The trusted registry (registry.json) as the verifier reads it: issuers, keys, offers."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from ._internal.dates import from_iso
from .codec import normalize_identifier

__all__ = ["IssuerEntry", "KeyEntry", "OfferEntry", "Registry"]


def _parse_time(value: Any) -> datetime | None:
    if not isinstance(value, str) or not value:
        return None
    return from_iso(value.strip())


@dataclass(frozen=True)
class KeyEntry:
    issuer: str  # issuer slug
    kid: str
    alg: str
    use: str
    status: str  # active | retired | compromised
    valid_from: datetime | None
    valid_until: datetime | None
    jwk: dict[str, Any] | None
    thumbprint: str | None
    did_url: str | None
    cert_sha256: str | None
    cert_subject: str | None


@dataclass(frozen=True)
class IssuerEntry:
    slug: str
    name: str
    country: str | None
    did: str | None
    page: str | None
    legal_name: dict[str, str]
    keys: tuple[KeyEntry, ...]
    status_lists: tuple[dict[str, Any], ...]
    # Registry identifiers other than the DID (Erasmus code, SCHAC, DEQAR id).
    identifiers: tuple[str, ...] = ()


@dataclass(frozen=True)
class OfferEntry:
    id: str
    iri: str | None
    page: str | None
    specification_id: str | None
    awarding_bodies: tuple[str, ...]
    title: dict[str, str]
    ects: Any
    eqf: Any
    learning_outcomes: tuple[Any, ...]
    version: str | None
    previous_versions: tuple[dict[str, Any], ...]


# Cyrillic and Greek letters that look like Latin ones, to the Latin letter (a subset of the
# Unicode confusables data, UTS #39): "Univer\u0455ity" with a Cyrillic dze reads as the real name.
_LOOK_ALIKES = str.maketrans(
    {
        **dict(zip("АВЕЅІЈКМНОРСТХУҮԚԜӀ", "ABESIJKMHOPCTXYYQWI", strict=True)),
        **dict(zip("аеорсухѕіјһԁԛԝӏүгп", "aeopcyxsijhdqwlyrn", strict=True)),
        **dict(zip("ΑΒΕΖΗΙΚΜΝΟΡΤΥΧ", "ABEZHIKMNOPTYX", strict=True)),
        **dict(zip("οαικνρυχγϲϳ", "oaikvpuxycj", strict=True)),
    }
)


def _name_key(name: str) -> str:
    """How a name reads, for comparing names: compatibility forms unfolded (a fullwidth "Ｕ"
    is "U"), invisible format characters (zero-width space, joiners) dropped, Cyrillic and
    Greek look-alikes read as Latin, accents, case and spacing ignored."""
    text = unicodedata.normalize("NFKC", name)
    text = "".join(c for c in text if unicodedata.category(c) != "Cf").translate(_LOOK_ALIKES)
    text = "".join(c for c in unicodedata.normalize("NFD", text) if not unicodedata.combining(c))
    return " ".join(text.casefold().split())


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


def _lang_map(value: Any) -> dict[str, str]:
    if isinstance(value, dict):
        return {str(k): str(v) for k, v in value.items() if isinstance(v, str)}
    if isinstance(value, str):
        return {"en": value}
    return {}


class Registry:
    """The trusted registry (registry.json) plus the status list documents the caller supplies.

    Built defensively: malformed entries are skipped, never raised on.
    """

    def __init__(
        self,
        *,
        issuers: dict[str, IssuerEntry] | None = None,
        offers: dict[str, OfferEntry] | None = None,
        site_url: str | None = None,
        status_lists: dict[str, bytes] | None = None,
        raw: dict[str, Any] | None = None,
        alliance_name: str | None = None,
        fetch_status_list: Callable[[str], bytes | None] | None = None,
    ) -> None:
        self.issuers: dict[str, IssuerEntry] = dict(issuers or {})
        # Asked for a status list not supplied (the CLI's --allow-network): the URL exactly as
        # the revocation check reads it from the signed data, never as the file spells it.
        self._fetch_status_list = fetch_status_list
        self._not_fetched: set[str] = set()
        # The name of the alliance whose universities this registry lists ("FORTHEM"); None
        # for a registry that does not say (written before it did, or built by hand).
        self.alliance_name = alliance_name
        self.offers: dict[str, OfferEntry] = dict(offers or {})
        self.site_url = site_url
        self.status_lists: dict[str, bytes] = dict(status_lists or {})
        self.raw = raw or {}
        self._by_thumbprint: dict[str, list[KeyEntry]] = {}
        self._by_did_url: dict[str, list[KeyEntry]] = {}
        self._by_cert: dict[str, list[KeyEntry]] = {}
        self._by_did: dict[str, str] = {}
        self._by_kid: dict[str, list[KeyEntry]] = {}
        self._ids: dict[str, frozenset[str]] = {}
        self._by_issuer_id: dict[str, list[IssuerEntry]] = {}
        self._by_name: dict[str, list[IssuerEntry]] = {}
        for slug, issuer in self.issuers.items():
            if issuer.did:
                self._by_did[normalize_identifier(issuer.did)] = slug
            for key in issuer.keys:
                if key.thumbprint:
                    self._by_thumbprint.setdefault(key.thumbprint, []).append(key)
                if key.did_url:
                    self._by_did_url.setdefault(normalize_identifier(key.did_url), []).append(key)
                if key.cert_sha256:
                    self._by_cert.setdefault(key.cert_sha256.lower(), []).append(key)
                self._by_kid.setdefault(key.kid, []).append(key)
            ids = self._identifiers(issuer)
            self._ids[slug] = ids
            for ident in ids:
                self._by_issuer_id.setdefault(ident, []).append(issuer)
            claims = {issuer.name, *issuer.legal_name.values(), *issuer.identifiers}
            for claim in {_name_key(c) for c in claims} - {""}:
                self._by_name.setdefault(claim, []).append(issuer)
        # offer_for: the first offer (in registry order) matching a specification id or an IRI.
        self._offer_by_spec: dict[str, int] = {}
        self._offer_by_iri: dict[str, int] = {}
        self._offer_list = list(self.offers.values())
        for index, offer in enumerate(self._offer_list):
            if offer.specification_id:
                self._offer_by_spec.setdefault(offer.specification_id, index)
            if offer.iri:
                self._offer_by_iri.setdefault(offer.iri.rstrip("/"), index)

    def _identifiers(self, issuer: IssuerEntry) -> frozenset[str]:
        """Identifiers an issuer may be named by: its DID, the DIDs that control its listed keys
        (e.g. a registered did:key), and its organisation IRIs on the site; all in the form of
        `codec.normalize_identifier`, in which every lookup compares them."""
        ids = {i for i in (issuer.did,) if i}
        ids |= {k.did_url.split("#", 1)[0] for k in issuer.keys if k.did_url and "#" in k.did_url}
        if self.site_url:
            base = self.site_url
            ids |= {f"{base}issuers/{issuer.slug}/#org", f"{base}issuers/{issuer.slug}/"}
        return frozenset(normalize_identifier(i) for i in ids)

    @classmethod
    def empty(cls) -> Registry:
        return cls()

    @classmethod
    def from_json(
        cls,
        registry: Any,
        status_lists: dict[str, bytes] | None = None,
        fetch_status_list: Callable[[str], bytes | None] | None = None,
    ) -> Registry:
        """From the registry.json dict (or its bytes/str); unusable input gives an empty one.
        `fetch_status_list(url)`: a status list not supplied, or None (kept once fetched)."""
        if isinstance(registry, (bytes, str)):
            try:
                registry = json.loads(registry)
            except (ValueError, UnicodeDecodeError):
                registry = {}
        if not isinstance(registry, dict):
            registry = {}
        issuers: dict[str, IssuerEntry] = {}
        raw_issuers = registry.get("issuers")
        for slug, item in raw_issuers.items() if isinstance(raw_issuers, dict) else []:
            if not isinstance(item, dict):
                continue
            slug = _str(item.get("slug")) or str(slug)
            keys: list[KeyEntry] = []
            for k in item.get("keys") or []:
                if not isinstance(k, dict):
                    continue
                jwk = k.get("jwk")
                keys.append(
                    KeyEntry(
                        issuer=slug,
                        kid=str(k.get("kid") or ""),
                        alg=str(k.get("alg") or ""),
                        use=str(k.get("use") or "signing"),
                        status=str(k.get("status") or "active"),
                        valid_from=_parse_time(k.get("valid_from")),
                        valid_until=_parse_time(k.get("valid_until")),
                        jwk=dict(jwk) if isinstance(jwk, dict) else None,
                        thumbprint=_str(k.get("thumbprint")),
                        did_url=_str(k.get("did_url")),
                        cert_sha256=_str(k.get("cert_sha256")),
                        cert_subject=_str(k.get("cert_subject")),
                    )
                )
            lists = tuple(dict(s) for s in item.get("status_lists") or [] if isinstance(s, dict))
            issuers[slug] = IssuerEntry(
                slug=slug,
                name=_str(item.get("name")) or slug,
                country=_str(item.get("country")),
                did=_str(item.get("did")),
                page=_str(item.get("page")),
                legal_name=_lang_map(item.get("legal_name")),
                keys=tuple(keys),
                status_lists=lists,
                identifiers=tuple(
                    v for v in (item.get("identifiers") or {}).values() if isinstance(v, str) and v
                )
                if isinstance(item.get("identifiers"), dict)
                else (),
            )
        offers: dict[str, OfferEntry] = {}
        raw_offers = registry.get("offers")
        for oid, item in raw_offers.items() if isinstance(raw_offers, dict) else []:
            if not isinstance(item, dict):
                continue
            prev = tuple(
                dict(p) for p in item.get("previous_versions") or [] if isinstance(p, dict)
            )
            outcomes = item.get("learning_outcomes")
            offers[str(oid)] = OfferEntry(
                id=_str(item.get("id")) or str(oid),
                iri=_str(item.get("iri")),
                page=_str(item.get("page")),
                specification_id=_str(item.get("specification_id")),
                awarding_bodies=tuple(
                    str(b) for b in item.get("awarding_bodies") or [] if isinstance(b, str)
                ),
                title=_lang_map(item.get("title")),
                ects=item.get("ects"),
                eqf=item.get("eqf"),
                learning_outcomes=tuple(outcomes) if isinstance(outcomes, list) else (),
                version=_str(item.get("version")),
                previous_versions=prev,
            )
        alliance = registry.get("alliance")
        supplied = {
            str(url): bytes(data) if not isinstance(data, str) else data.encode("utf-8")
            for url, data in (status_lists or {}).items()
            if isinstance(data, (bytes, bytearray, str))
        }
        return cls(
            issuers=issuers,
            offers=offers,
            site_url=_str(registry.get("site_url")),
            status_lists=supplied,
            raw=registry,
            alliance_name=_str(alliance.get("name")) if isinstance(alliance, dict) else None,
            fetch_status_list=fetch_status_list,
        )

    # lookups -----------------------------------------------------------------
    def keys_by_thumbprint(self, thumbprint: str) -> list[KeyEntry]:
        return list(self._by_thumbprint.get(thumbprint, []))

    def keys_by_did_url(self, did_url: str) -> list[KeyEntry]:
        return list(self._by_did_url.get(normalize_identifier(did_url), []))

    def keys_by_cert(self, sha256_hex: str) -> list[KeyEntry]:
        return list(self._by_cert.get(sha256_hex.lower(), []))

    def issuer_by_did(self, did: str) -> IssuerEntry | None:
        slug = self._by_did.get(normalize_identifier(did))
        return self.issuers.get(slug) if slug else None

    def keys_by_kid(self, kid: str) -> list[KeyEntry]:
        """Registered keys whose `kid` is exactly `kid`, in registry order."""
        return list(self._by_kid.get(kid, []))

    def issuer_ids(self, issuer: IssuerEntry) -> frozenset[str]:
        """Identifiers `issuer` may be named by, normalised (see `_identifiers`)."""
        ids = self._ids.get(issuer.slug)
        if ids is None or self.issuers.get(issuer.slug) is not issuer:
            return self._identifiers(issuer)
        return ids

    def issuers_named(self, issuer_id: str | None) -> list[IssuerEntry]:
        """Registry issuers that `issuer_id` names, in registry order."""
        if not issuer_id:
            return []
        return list(self._by_issuer_id.get(normalize_identifier(issuer_id), []))

    def issuers_called(self, name: str) -> list[IssuerEntry]:
        """Registry issuers whose name, legal name (any language) or registry identifier
        (Erasmus code, SCHAC, DEQAR id) reads as `name` (`_name_key`: case, spacing, accents,
        invisible characters and Cyrillic or Greek look-alikes ignored)."""
        return list(self._by_name.get(_name_key(name), []))

    def is_named_by(self, issuer: IssuerEntry, issuer_id: str | None) -> bool:
        """Whether `issuer_id` is one of the identifiers of `issuer` (in any equivalent
        spelling)."""
        return bool(issuer_id) and normalize_identifier(str(issuer_id)) in self.issuer_ids(issuer)

    def status_list(self, url: str) -> bytes | None:
        """The supplied status list at `url`, compared as identifiers (`normalize_identifier`)."""
        found = self.status_lists.get(url)
        if found is not None:
            return found
        wanted = normalize_identifier(url)
        for known, data in self.status_lists.items():
            if normalize_identifier(known) == wanted:
                return data
        if self._fetch_status_list is None or url in self._not_fetched:
            return None
        fetched = self._fetch_status_list(url)
        if fetched is None:
            self._not_fetched.add(url)
        else:
            self.status_lists[url] = fetched
        return fetched

    def served_status_lists(self) -> set[str]:
        urls: set[str] = set()
        for issuer in self.issuers.values():
            for entry in issuer.status_lists:
                url = entry.get("url")
                if isinstance(url, str):
                    urls.add(url)
        return urls

    def offer_for(
        self,
        *,
        specification_id: str | None = None,
        iri: str | None = None,
        offer_id: str | None = None,
    ) -> OfferEntry | None:
        found = [
            index
            for index in (
                self._offer_by_spec.get(specification_id) if specification_id else None,
                self._offer_by_iri.get(iri.rstrip("/")) if iri else None,
            )
            if index is not None
        ]
        if found:
            return self._offer_list[min(found)]
        if offer_id and offer_id in self.offers:
            return self.offers[offer_id]
        return None
