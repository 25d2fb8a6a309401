"""Rules that run on the loaded model: policy, references, recognition, dates, keys.

Each rule is a small named function registered with `@rule`; it yields findings located with
`Located.where(path)`. `run_rules()` runs them all and collects every finding, so a
maintainer sees all problems at once. The structural checks (unknown keys, types, vocabulary
codes, English text) happen in the loader, which still has the YAML nodes.

`CODES` lists every stable code the loader and the rules can emit, with one line each; the
maintainers' guide is rendered from it.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import re
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path

from build_tools.catalogue import elm, vocab
from build_tools.catalogue import model as m
from build_tools.catalogue.findings import Finding, Severity, finding
from build_tools.catalogue.secrets import (
    find_private_key_material,
    public_thumbprints,
    repository_root,
)
from build_tools.verifier.codec import did_web, ed25519_small_order, jwk_thumbprint

# --------------------------------------------------------------------------------------------
# Every code, with what it means (shown in the maintainers' guide)

CODES: dict[str, str] = {
    # files and YAML
    "CATALOGUE_NOT_FOUND": "The catalogue folder does not exist.",
    "ALLIANCE_MISSING": "catalogue/alliance.yaml is missing.",
    "FILE_TOO_LARGE": "A file is larger than the limit (1 MB); it is refused unread.",
    "FILE_UNREADABLE": "A file cannot be read.",
    "FILE_SYMLINK": "Symbolic links are not followed.",
    "FILE_NOT_UTF8": "A file is not UTF-8 text.",
    "FILE_EMPTY": "A file is empty.",
    "FILE_CONTROL_CHARACTER": "A file contains a control character that YAML does not allow.",
    "FILE_UNEXPECTED": "A YAML file sits where the catalogue does not read it (warning).",
    "FILE_EXTENSION": "A catalogue file ends in .yml instead of .yaml.",
    "YAML_SYNTAX": "The file is not valid YAML (indentation, quoting).",
    "YAML_TAB": "A tab is used for indentation.",
    "YAML_DUPLICATE_KEY": "The same key appears twice in one mapping.",
    "YAML_ALIAS": "YAML anchors and aliases are not allowed.",
    "YAML_TAG": "A YAML tag such as !!python/object is not allowed.",
    "YAML_TOO_DEEP": "Lists or mappings are nested too deeply.",
    "YAML_COMPLEX_KEY": "A key is a list or mapping.",
    "YAML_MULTIPLE_DOCUMENTS": "A file holds more than one YAML document.",
    "YAML_TOO_COMPLEX": "The file cannot be parsed within the limits.",
    # structure and types
    "UNKNOWN_KEY": "A key that the format does not know (with a 'did you mean').",
    "MISSING_KEY": "A required key is missing or empty.",
    "TYPE_MAPPING": "A mapping was expected.",
    "TYPE_LIST": "A list was expected.",
    "TYPE_SCALAR": "A single value was expected.",
    "TYPE_BOOLEAN": "true or false was expected.",
    "TYPE_INTEGER": "A whole number was expected.",
    "TYPE_NUMBER": "A number was expected.",
    "TYPE_DATE": "A date YYYY-MM-DD was expected.",
    "TYPE_DATETIME": "A date and time with time zone was expected.",
    "VALUE_NOT_ALLOWED": "A value outside the allowed list.",
    "VOCAB_UNKNOWN_CODE": "A code that is not in its vocabulary (with a 'did you mean').",
    "LANGMAP_NOT_MAPPING": "A text field is not a language map.",
    "TEXT_ENGLISH_MISSING": "A language map has no English text.",
    "TEXT_EMPTY": "A text is empty.",
    "ID_FILE_NAME_MISMATCH": "An id, slug or kid differs from its file name.",
    "SLUG_INVALID": "An id or slug is not lower-case letters, digits and single hyphens.",
    "DUPLICATE_ID": "Two files declare the same id.",
    "DUPLICATE_REFERENCE": "A list names the same item twice.",
    # Annex I elements
    "ANNEX1_TITLE_MISSING": "Annex I: the title is missing.",
    "ANNEX1_COUNTRY_MISSING": "Annex I: the country of the issuer is missing.",
    "ANNEX1_AWARDING_BODY_MISSING": "Annex I: no awarding body.",
    "ANNEX1_LEARNING_OUTCOMES_MISSING": "Annex I: no learning outcomes.",
    "ANNEX1_WORKLOAD_MISSING": "Annex I: workload in ECTS or hours is missing.",
    "ANNEX1_EQF_MISSING": "Annex I: the EQF level is missing.",
    "ANNEX1_ASSESSMENT_MISSING": "Annex I: the type of assessment is missing.",
    "ANNEX1_MODE_MISSING": "Annex I: the form of participation (mode) is missing.",
    "ANNEX1_QA_MISSING": "Annex I: no quality assurance, neither on the offer nor its lead issuer.",
    "LEARNING_OUTCOMES_FEW": "Only one learning outcome (warning; at least two recommended).",
    "TRANSLATION_MISSING": "An offer's title or description is not written in the national "
    "language of its lead university (warning).",
    # policy
    "POLICY_ECTS_BELOW_MIN": "ECTS below the alliance minimum.",
    "POLICY_ECTS_ABOVE_MAX": "ECTS at or above the alliance maximum.",
    "POLICY_EQF_NOT_ALLOWED": "EQF level not allowed by the alliance policy.",
    "POLICY_HOURS_PER_ECTS": "Hours per ECTS outside the policy range (warning).",
    "POLICY_INVALID": "The alliance policy contradicts itself.",
    "CYCLE_EQF_MISMATCH": "The study cycle does not match the EQF level.",
    # references and graph
    "REF_UNKNOWN_ISSUER": "An issuer slug that has no issuers/<slug>.yaml.",
    "REF_UNKNOWN_OFFER": "An offer id that does not exist.",
    "OFFER_FOLDER_NOT_AWARDING_BODY": "The offer's folder is not one of its awarding bodies.",
    "PATHWAY_CYCLE": "Prerequisites and pathway order form a cycle.",
    "PATHWAY_TOO_FEW_OFFERS": "A pathway has fewer than two offers.",
    "PATHWAY_REQUIRED_NOT_MEMBER": "A required offer is not a member of the pathway.",
    "PATHWAY_RIGID_NOT_ALL_REQUIRED": "A rigid pathway must require all its members.",
    "PATHWAY_MIN_ECTS_UNREACHABLE": "The members do not add up to the pathway's min_ects.",
    "STACKABLE_NOT_IN_PATHWAY": "A stackable offer is in no pathway.",
    "STANDALONE_IN_PATHWAY": "A pathway member is marked standalone.",
    # recognition
    "RECOGNITION_AUTOMATIC_NOT_RIGID": "Automatic recognition outside a rigid pathway.",
    "RECOGNITION_AGREEMENT_MISSING": "Automatic recognition without an agreement reference.",
    "RECOGNITION_FACILITATED_NO_PARTNERS": "Facilitated recognition without partner universities.",
    "RECOGNITION_SUPERVISION_REQUIRED": "Recognised offers need supervised assessment with ID.",
    # dates and schedule
    "DATE_END_BEFORE_START": "The end date is before the start date.",
    "DATE_DEADLINE_AFTER_START": "The application deadline is after the start date.",
    "SCHEDULE_START_MISSING": "A scheduled (not self-paced) offer has no start date.",
    "SCHEDULE_TYPE_HOURS_MISMATCH": "Weekly hours do not fit the schedule type (warning).",
    "REVIEW_OVERDUE": "last_reviewed is older than the policy allows (warning).",
    "DATE_IN_FUTURE": "last_reviewed is in the future (warning).",
    # identifiers and formats
    "URL_INVALID": "A URL is not an absolute http(s) URL.",
    "SITE_URL_INVALID": "site_url must be an absolute https URL ending with '/'.",
    "EMAIL_INVALID": "An e-mail address is malformed.",
    "ESCO_URI_INVALID": "An ESCO skill URI does not have the official form.",
    "ERASMUS_CODE_INVALID": "An Erasmus code does not have the official form.",
    "SCHAC_INVALID": "A SCHAC code is not a domain name.",
    "DEQAR_ID_INVALID": "A DEQAR id is not DEQARINST followed by digits.",
    "IDENTIFIER_UNSET": "An identifier is unset without a todo note (warning).",
    "IDENTIFIER_TO_CONFIRM": "An issuer's todo note: an identifier still to confirm (warning).",
    "APPLICATION_URL_HOMEPAGE": "The application URL is a home page, not a form (warning).",
    "FEE_INVALID": "A fee is negative or the currency is not a 3-letter code.",
    "VERSION_DUPLICATE": "A previous version repeats a version number.",
    "LANGUAGES_MISSING": "An alliance or offer lists no languages.",
    # keys and status lists
    "PRIVATE_KEY_MATERIAL": "Private key material anywhere under catalogue/.",
    "KEY_INVALID": "A key file's JWK cannot be used.",
    "KEY_ALG_MISMATCH": "The alg does not match the key type.",
    "KEY_CERTIFICATE_INVALID": "A key file's certificate cannot be parsed.",
    "KEY_CERTIFICATE_MISMATCH": "The certificate holds a different public key than the JWK.",
    "KEY_MATERIAL_MISSING": "A signing key without jwk, or an eSeal key without certificate.",
    "KEY_VALIDITY_INVALID": "valid_until is not after valid_from, or a retired key lacks it.",
    "ISSUER_NO_ACTIVE_KEY": "An issuer that awards offers has no active signing key valid now.",
    "KEY_SHARED_BETWEEN_ISSUERS": "The same public key or certificate is listed for two issuers.",
    "KEY_PRIVATE_HALF_PUBLISHED": "A production catalogue (demo: false) lists a key whose "
    "private half is in the repository (e.g. examples/demo-keys/).",
    "KEY_SMALL_ORDER": "An Ed25519 key of small order, with which anyone can sign.",
    "STATUS_LIST_INVALID": "A status list file is not valid JSON.",
    # internal
    "RULE_FAILED": "A check failed on unexpected data (please report it).",
}


# --------------------------------------------------------------------------------------------
# Registry

Check = Callable[["_Ctx"], Iterable[Finding]]


@dataclass(frozen=True, slots=True)
class Rule:
    name: str
    check: Check


RULES: list[Rule] = []


def rule(name: str) -> Callable[[Check], Check]:
    def register(fn: Check) -> Check:
        RULES.append(Rule(name, fn))
        return fn

    return register


@dataclass(frozen=True, slots=True)
class _Ctx:
    cat: m.Catalogue
    now: dt.datetime
    # Looked up once per offer or issuer: indexed once, so that the rules stay linear in the
    # size of the catalogue (`Catalogue.pathways_of` scans every pathway).
    member_of: Mapping[str, list[m.Pathway]]
    awarding: frozenset[str]
    # Offer ids whose files exist but could not be read or parsed (reported already): they
    # count as existing, so references to them raise nothing more.
    unreadable: frozenset[str] = frozenset()

    @property
    def policy(self) -> m.Policy:
        return self.cat.alliance.policy

    def pathways_of(self, offer_id: str) -> list[m.Pathway]:
        """Pathways that list the offer as a member, as `Catalogue.pathways_of` gives them."""
        return self.member_of.get(offer_id, [])


def _index_members(catalogue: m.Catalogue) -> dict[str, list[m.Pathway]]:
    out: dict[str, list[m.Pathway]] = {}
    for pathway in catalogue.pathways.values():
        for offer_id in dict.fromkeys(pathway.offers):  # a pathway once, even if listed twice
            out.setdefault(offer_id, []).append(pathway)
    return out


def run_rules(
    catalogue: m.Catalogue, *, now: dt.datetime, unreadable: Iterable[str] = ()
) -> list[Finding]:
    """Run every rule; a rule that crashes on odd data becomes a finding, never a traceback.
    `unreadable`: ids of offer files that failed to load; references to them are not errors."""
    ctx = _Ctx(
        catalogue,
        now,
        _index_members(catalogue),
        frozenset(s for o in catalogue.offers.values() for s in o.awarding_bodies),
        frozenset(unreadable),
    )
    out: list[Finding] = []
    for r in RULES:
        try:
            out.extend(r.check(ctx))
        except Exception as exc:  # pragma: no cover - a bug in a rule must not hide the others
            out.append(
                Finding(
                    "RULE_FAILED",
                    "error",
                    f"The check '{r.name}' failed on this catalogue ({type(exc).__name__}: {exc}). "
                    "Please report this.",
                )
            )
    return out


def _f(
    code: str, message: str, where: m.Location, *, severity: Severity = "error", hint: str = ""
) -> Finding:
    return finding(code, message, where, severity=severity, hint=hint)


# --------------------------------------------------------------------------------------------
# Patterns

SLUG = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KID = re.compile(r"^[A-Za-z0-9]+([._-][A-Za-z0-9]+)*$")
ESCO_SKILL = re.compile(
    r"^http://data\.europa\.eu/esco/skill/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$"
)
# Erasmus (ECHE) institution code: country prefix padded to 3 characters ("D  MAINZ01",
# "SF JYVASKY01"); the form EQAR's tooling validates (EQAR/deqar-tools, fetchEwpRegistry.py).
ERASMUS = re.compile(r"^(?:[A-Z]  |[A-Z]{2} |[A-Z]{3})[A-Z-]{1,8}[0-9]{2}$")
SCHAC = re.compile(r"^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)+$")
DEQAR = re.compile(r"^DEQARINST\d{4,}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
URL = re.compile(r"^https?://[^\s/$.?#][^\s]*$", re.IGNORECASE)
CURRENCY = re.compile(r"^[A-Z]{3}$")

# Learning schedule types by weekly hours (definitions in the ELM vocabulary): part time light
# < 8 h, part time intensive 8-30 h, full time > 30 h.
_SCHEDULE_HOURS = {
    "part-time-light": (0.0, 8.0),
    "part-time-intensive": (8.0, 30.0),
    "full-time": (30.0, 168.0),
}


def _url(value: str, where: m.Location, what: str) -> Iterator[Finding]:
    if value and not URL.match(value):
        yield _f(
            "URL_INVALID",
            f"{what} '{value}' is not an absolute web address. Start it with https://.",
            where,
        )


def _contact(contact: m.Contact, obj: m.Located, path: str) -> Iterator[Finding]:
    if contact.email and not EMAIL.match(contact.email):
        yield _f(
            "EMAIL_INVALID",
            f"'{contact.email}' is not an e-mail address.",
            obj.where(f"{path}.email"),
        )
    yield from _url(contact.url, obj.where(f"{path}.url"), "The contact URL")


def _slug(value: str, where: m.Location, what: str) -> Iterator[Finding]:
    if value and not SLUG.match(value):
        suggestion = re.sub(r"[^a-z0-9]+", "-", value.lower()).strip("-")
        yield _f(
            "SLUG_INVALID",
            f"The {what} '{value}' must use only lower-case letters, digits and single hyphens "
            "(it becomes part of web addresses and must never change once published).",
            where,
            hint=f"For example '{suggestion}'." if suggestion and suggestion != value else "",
        )


def _dupes(values: Iterable[str]) -> list[tuple[int, str]]:
    seen: set[str] = set()
    out = []
    for i, v in enumerate(values):
        if v in seen:
            out.append((i, v))
        seen.add(v)
    return out


# --------------------------------------------------------------------------------------------
# Alliance


def _has_did_web(site_url: str) -> bool:
    """Whether the issuers' did:web can be made from `site_url` (e.g. not with a bad port)."""
    try:
        did_web(site_url)
    except ValueError:
        return False
    return True


@rule("alliance")
def _alliance(ctx: _Ctx) -> Iterator[Finding]:
    a = ctx.cat.alliance
    if a.site_url and (
        not a.site_url.startswith("https://")
        or not a.site_url.endswith("/")
        or not URL.match(a.site_url)
        or not _has_did_web(a.site_url)
    ):
        yield _f(
            "SITE_URL_INVALID",
            f"The site_url '{a.site_url}' must be an absolute https address ending with '/', "
            "e.g. https://forthem-alliance.github.io/credentials/.",
            a.where("site_url"),
        )
    yield from _url(a.homepage, a.where("homepage"), "The homepage")
    yield from _contact(a.contact, a, "contact")

    if a.source.line and "en" not in a.languages:
        yield _f(
            "LANGUAGES_MISSING",
            "The alliance languages must include 'en' (English texts are required everywhere).",
            a.where("languages"),
        )
    for i, lang in _dupes(a.languages):
        yield _f(
            "DUPLICATE_REFERENCE",
            f"The language '{lang}' is listed twice.",
            a.where(f"languages.{i}"),
        )
    p = a.policy
    if p.ects_min <= 0 or p.ects_min >= p.ects_max_exclusive:
        yield _f(
            "POLICY_INVALID",
            f"Policy ects_min ({p.ects_min}) must be above 0 and below ects_max_exclusive "
            f"({p.ects_max_exclusive}).",
            p.where("ects_min"),
        )
    if p.hours_per_ects_min <= 0 or p.hours_per_ects_min > p.hours_per_ects_max:
        yield _f(
            "POLICY_INVALID",
            f"Policy hours_per_ects_min ({p.hours_per_ects_min}) must be above 0 and not above "
            f"hours_per_ects_max ({p.hours_per_ects_max}).",
            p.where("hours_per_ects_min"),
        )
    if not p.eqf_levels:
        yield _f(
            "POLICY_INVALID",
            "Policy eqf_levels must list at least one level.",
            p.where("eqf_levels"),
        )
    if p.review_max_age_days <= 0:
        yield _f(
            "POLICY_INVALID",
            "Policy review_max_age_days must be above 0.",
            p.where("review_max_age_days"),
        )


# --------------------------------------------------------------------------------------------
# Issuers and keys


@rule("issuers")
def _issuers(ctx: _Ctx) -> Iterator[Finding]:
    for slug, issuer in ctx.cat.issuers.items():
        yield from _slug(slug, issuer.where("slug"), "issuer slug")
        yield from _url(issuer.homepage, issuer.where("homepage"), "The homepage")
        yield from _contact(issuer.contact, issuer, "contact")
        if issuer.erasmus_code is not None and not ERASMUS.match(issuer.erasmus_code):
            yield _f(
                "ERASMUS_CODE_INVALID",
                f"'{issuer.erasmus_code}' is not an Erasmus code. The country part is padded "
                "with spaces to three characters, then the city part and two digits.",
                issuer.where("erasmus_code"),
                hint="For example 'LV RIGA01', 'D  MAINZ01', 'SF JYVASKY01'.",
            )
        if issuer.schac is not None and not SCHAC.match(issuer.schac):
            yield _f(
                "SCHAC_INVALID",
                f"'{issuer.schac}' is not a SCHAC code; it is the institution's domain name in "
                "lower case, e.g. 'lu.lv'.",
                issuer.where("schac"),
            )
        if issuer.deqar_id is not None and not DEQAR.match(issuer.deqar_id):
            yield _f(
                "DEQAR_ID_INVALID",
                f"'{issuer.deqar_id}' is not a DEQAR institution id; it reads DEQARINST followed "
                "by at least four digits, e.g. DEQARINST0123. Leave it null with a todo note "
                "if unknown.",
                issuer.where("deqar_id"),
            )
        unset = [
            k
            for k, v in (
                ("erasmus_code", issuer.erasmus_code),
                ("schac", issuer.schac),
                ("deqar_id", issuer.deqar_id),
            )
            if v is None
        ]
        for i, note in enumerate(issuer.todo):
            yield _f(
                "IDENTIFIER_TO_CONFIRM",
                f"To confirm for {issuer.name}: {note.rstrip('.')}.",
                issuer.where(f"todo.{i}"),
                severity="warning",
                hint="Todo notes are for maintainers and are not published; remove the note "
                "once the identifier is confirmed.",
            )
        if unset and not issuer.todo:
            yield _f(
                "IDENTIFIER_UNSET",
                f"The identifier{'s' * (len(unset) > 1)} {', '.join(unset)} "
                f"{'is' if len(unset) == 1 else 'are'} not set. Add a todo note saying what is "
                "missing and who confirms it.",
                issuer.where(unset[0]),
                severity="warning",
            )
        qa = issuer.quality_assurance
        if qa is not None:
            yield from _url(
                qa.agency_url, issuer.where("quality_assurance.agency_url"), "The agency URL"
            )


_ALG_FOR = {("EC", "P-256"): "ES256", ("OKP", "Ed25519"): "EdDSA", ("RSA", ""): "RS256"}
_PRIVATE_MEMBERS = ("d", "p", "q", "dp", "dq", "qi", "k")


@rule("keys")
def _keys(ctx: _Ctx) -> Iterator[Finding]:
    owners: dict[str, tuple[str, m.IssuerKey]] = {}
    for slug, issuer in ctx.cat.issuers.items():
        for key in issuer.keys:
            yield from _check_key(key)
            for identity, field in _key_identities(key):
                first = owners.setdefault(identity, (slug, key))
                if first[0] != slug:
                    yield _f(
                        "KEY_SHARED_BETWEEN_ISSUERS",
                        f"This key is already listed for issuer '{first[0]}' "
                        f"({first[1].source.file}:{first[1].source.line}). A key belongs to one "
                        "issuer: listed for two, every credential it signed is ambiguous and "
                        "fails to verify.",
                        key.where(field),
                        hint="Remove this file if it was copied from another issuer; each "
                        "issuer makes its own key with `credsite keys new`.",
                    )
        awards = slug in ctx.awarding
        if awards and not any(_usable_signing_key(k, ctx.now) for k in issuer.keys):
            yield _f(
                "ISSUER_NO_ACTIVE_KEY",
                f"Issuer '{slug}' awards offers but has no active signing key valid now, so it "
                "cannot issue credentials and verifiers cannot check them. Run "
                f"`credsite keys new --issuer {slug} --alg ES256 --private-out <a path outside "
                f"the repository>` and commit the public key file it writes to "
                f"catalogue/issuers/{slug}/keys/.",
                issuer.where("slug"),
            )


def _key_identities(key: m.IssuerKey) -> Iterator[tuple[str, str]]:
    """What identifies a listed key, with the field it comes from: the RFC 7638 thumbprint of
    its JWK and of its certificate's key, and the certificate's SHA-256."""
    if key.jwk:
        with contextlib.suppress(ValueError):
            yield "jwk:" + jwk_thumbprint(key.jwk), "jwk"
    if key.certificate_pem:
        try:
            from cryptography import x509
            from cryptography.hazmat.primitives import hashes

            cert = x509.load_pem_x509_certificate(key.certificate_pem.encode("utf-8"))
        except ValueError:
            return
        yield "cert:" + cert.fingerprint(hashes.SHA256()).hex(), "certificate"
        for thumbprint in public_thumbprints(cert):
            yield "jwk:" + thumbprint, "certificate"


@rule("published-private-keys")
def _published_private_keys(ctx: _Ctx) -> Iterator[Finding]:
    """With demo: false, no listed key may have its private half anywhere in the repository
    (the demo keys of examples/demo-keys/ above all): anyone could sign with it."""
    if ctx.cat.alliance.demo or not ctx.cat.issuers:
        return
    catalogue = Path(ctx.cat.root)
    root = repository_root(catalogue) or catalogue.resolve().parent
    published: dict[str, str] = {}
    for found in find_private_key_material(root):
        for thumbprint in found.public_thumbprints:
            published.setdefault("jwk:" + thumbprint, f"{found.file}:{found.line}")
    for issuer in ctx.cat.issuers.values():
        for key in issuer.keys:
            where = next((published[i] for i, _ in _key_identities(key) if i in published), None)
            if where is not None:
                yield _f(
                    "KEY_PRIVATE_HALF_PUBLISHED",
                    f"The private half of key '{key.kid}' is in the repository ({where}), so "
                    "anyone can sign with it, and this catalogue is not a demo (demo: false).",
                    key.where("jwk" if key.jwk else "certificate"),
                    hint="Make a new key with `credsite keys new` (its private half stays "
                    "outside the repository) and remove this one; demo keys belong only in "
                    "catalogues with demo: true.",
                )


def _usable_signing_key(key: m.IssuerKey, now: dt.datetime) -> bool:
    if key.use != "signing" or key.status != "active" or not key.jwk:
        return False
    if key.valid_from is None or key.valid_from > now:
        return False
    return key.valid_until is None or key.valid_until > now


def _check_key(key: m.IssuerKey) -> Iterator[Finding]:
    if key.kid and not KID.match(key.kid):
        yield _f(
            "SLUG_INVALID",
            f"The kid '{key.kid}' must use only letters, digits, '.', '_' and '-'.",
            key.where("kid"),
        )
    if key.alg not in ("ES256", "EdDSA", "RS256"):
        yield _f(
            "KEY_ALG_MISMATCH",
            f"The alg '{key.alg}' is not supported; use ES256, EdDSA or RS256.",
            key.where("alg"),
        )
    if key.valid_from and key.valid_until and key.valid_until <= key.valid_from:
        yield _f(
            "KEY_VALIDITY_INVALID",
            "The valid_until time must be after valid_from.",
            key.where("valid_until"),
        )
    if key.status == "retired" and key.valid_until is None:
        yield _f(
            "KEY_VALIDITY_INVALID",
            "A retired key needs valid_until (the moment it stopped signing). "
            "Use `credsite keys retire --at ...`.",
            key.where("status"),
        )
    if key.use == "signing" and not key.jwk:
        yield _f("KEY_MATERIAL_MISSING", "A signing key needs its public jwk.", key.where())
    if key.use == "eseal" and not key.certificate_pem:
        yield _f("KEY_MATERIAL_MISSING", "An eSeal key needs its certificate (PEM).", key.where())
    public = None
    if key.jwk:
        private = [name for name in _PRIVATE_MEMBERS if name in key.jwk]
        if private:
            yield _f(
                "PRIVATE_KEY_MATERIAL",
                f"The jwk contains the private member '{private[0]}'. Only public keys belong "
                "in the catalogue: delete this file, treat the key as compromised and create a "
                "new one with `credsite keys new`.",
                key.where(f"jwk.{private[0]}"),
            )
        else:
            public, problem = _load_jwk(key.jwk)
            if problem:
                yield _f("KEY_INVALID", f"The jwk cannot be used: {problem}", key.where("jwk"))
            elif ed25519_small_order(key.jwk):
                yield _f(
                    "KEY_SMALL_ORDER",
                    "This Ed25519 key is a point of small order: signatures verify with it "
                    "without any private key, so verifiers refuse it.",
                    key.where("jwk.x"),
                    hint="Make a real key with `credsite keys new`.",
                )
            else:
                expected = _ALG_FOR.get((key.jwk.get("kty", ""), key.jwk.get("crv", "")))
                if expected and key.alg in ("ES256", "EdDSA", "RS256") and key.alg != expected:
                    yield _f(
                        "KEY_ALG_MISMATCH",
                        f"The alg '{key.alg}' does not match the key type "
                        f"({key.jwk.get('kty')} {key.jwk.get('crv', '')}); "
                        f"it should be {expected}.",
                        key.where("alg"),
                    )
                elif expected is None:
                    yield _f(
                        "KEY_ALG_MISMATCH",
                        f"The key type {key.jwk.get('kty')} {key.jwk.get('crv', '')} is not "
                        "supported; use EC P-256, Ed25519 or RSA.",
                        key.where("jwk"),
                    )
    if key.certificate_pem:
        cert_key, problem = _load_certificate(key.certificate_pem)
        if problem:
            yield _f(
                "KEY_CERTIFICATE_INVALID",
                f"The certificate cannot be read: {problem}. Paste the whole PEM block, "
                "including the BEGIN and END lines.",
                key.where("certificate"),
            )
        elif public is not None and cert_key is not None and not _same_public_key(public, cert_key):
            yield _f(
                "KEY_CERTIFICATE_MISMATCH",
                "The certificate holds a different public key than the jwk. Both must belong "
                "to the same key pair.",
                key.where("certificate"),
            )


def _load_jwk(data: object) -> tuple[object | None, str]:
    try:
        from jwcrypto import jwk

        key = jwk.JWK(**dict(data))  # type: ignore[call-overload]
        return key.get_op_key("verify"), ""
    except Exception as exc:  # jwcrypto raises several types for bad members
        return None, str(exc) or type(exc).__name__


def _load_certificate(pem: str) -> tuple[object | None, str]:
    try:
        from cryptography import x509

        cert = x509.load_pem_x509_certificate(pem.encode("utf-8"))
        return cert.public_key(), ""
    except Exception as exc:
        return None, str(exc).split("\n")[0] or type(exc).__name__


def _same_public_key(a: object, b: object) -> bool:
    from cryptography.hazmat.primitives import serialization

    try:
        enc = serialization.Encoding.DER
        fmt = serialization.PublicFormat.SubjectPublicKeyInfo
        return bool(a.public_bytes(enc, fmt) == b.public_bytes(enc, fmt))  # type: ignore[attr-defined]
    except Exception:
        return False


# --------------------------------------------------------------------------------------------
# Offers


@rule("offer-identity")
def _offer_identity(ctx: _Ctx) -> Iterator[Finding]:
    for offer in ctx.cat.offers.values():
        yield from _slug(offer.id, offer.where("id"), "offer id")
        if offer.awarding_bodies and offer.issuer_folder not in offer.awarding_bodies:
            yield _f(
                "OFFER_FOLDER_NOT_AWARDING_BODY",
                f"This offer is in the folder offers/{offer.issuer_folder}/ but "
                f"'{offer.issuer_folder}' is not one of its awarding bodies "
                f"({', '.join(offer.awarding_bodies)}). Move the file to "
                f"offers/{offer.awarding_bodies[0]}/ or fix awarding_bodies.",
                offer.where("awarding_bodies"),
            )
        versions = [p.version for p in offer.previous_versions] + [offer.version]
        for i, v in _dupes(versions):
            idx = i if i < len(offer.previous_versions) else None
            where = (
                offer.where(f"previous_versions.{idx}")
                if idx is not None
                else offer.where("version")
            )
            yield _f(
                "VERSION_DUPLICATE",
                f"The version '{v}' appears more than once; each published version needs its "
                "own number.",
                where,
            )


@rule("offer-references")
def _offer_references(ctx: _Ctx) -> Iterator[Finding]:
    issuers = ctx.cat.issuers
    for offer in ctx.cat.offers.values():
        for i, slug in enumerate(offer.awarding_bodies):
            if slug not in issuers:
                yield _unknown_issuer(slug, offer.where(f"awarding_bodies.{i}"), issuers)
        for i, slug in _dupes(offer.awarding_bodies):
            yield _f(
                "DUPLICATE_REFERENCE",
                f"'{slug}' is listed twice.",
                offer.where(f"awarding_bodies.{i}"),
            )
        for i, slug in enumerate(offer.recognition.partners):
            if slug not in issuers:
                yield _unknown_issuer(slug, offer.where(f"recognition.partners.{i}"), issuers)
        for i, ref in enumerate(offer.prerequisite_offers):
            if ref not in ctx.cat.offers and ref not in ctx.unreadable:
                yield _unknown_offer(ref, offer.where(f"prerequisite_offers.{i}"), ctx.cat.offers)


def _unknown_issuer(slug: str, where: m.Location, issuers: Iterable[str]) -> Finding:
    from build_tools.catalogue.findings import did_you_mean

    return _f(
        "REF_UNKNOWN_ISSUER",
        f"There is no issuer '{slug}' (no catalogue/issuers/{slug}.yaml).",
        where,
        hint=did_you_mean(slug, issuers),
    )


def _unknown_offer(ref: str, where: m.Location, offers: Iterable[str]) -> Finding:
    from build_tools.catalogue.findings import did_you_mean

    return _f(
        "REF_UNKNOWN_OFFER",
        f"There is no offer with the id '{ref}'.",
        where,
        hint=did_you_mean(ref, offers),
    )


@rule("annex1")
def _annex1(ctx: _Ctx) -> Iterator[Finding]:
    for offer in ctx.cat.offers.values():
        if "awarding_bodies" in offer.positions and not offer.awarding_bodies:
            yield _f(
                "ANNEX1_AWARDING_BODY_MISSING",
                "The list awarding_bodies is empty; list at least one issuer slug "
                "(the first is the lead).",
                offer.where("awarding_bodies"),
            )
        if "learning_outcomes" in offer.positions and not offer.learning_outcomes:
            yield _f(
                "ANNEX1_LEARNING_OUTCOMES_MISSING",
                "The list learning_outcomes is empty; list what a learner knows or can do "
                "afterwards.",
                offer.where("learning_outcomes"),
            )
        elif len(offer.learning_outcomes) == 1:
            yield _f(
                "LEARNING_OUTCOMES_FEW",
                "Only one learning outcome is listed; at least two are recommended.",
                offer.where("learning_outcomes"),
                severity="warning",
            )
        if "assessment.types" in offer.positions and not offer.assessment.types:
            yield _f(
                "ANNEX1_ASSESSMENT_MISSING",
                "The list assessment.types is empty; list at least one type of assessment.",
                offer.where("assessment.types"),
            )
        if "languages.teaching" in offer.positions and not offer.languages.teaching:
            yield _f(
                "LANGUAGES_MISSING",
                "The list languages.teaching is empty; name the teaching languages.",
                offer.where("languages.teaching"),
            )
        if "languages.assessment" in offer.positions and not offer.languages.assessment:
            yield _f(
                "LANGUAGES_MISSING",
                "The list languages.assessment is empty; name the assessment languages.",
                offer.where("languages.assessment"),
            )
        lead = ctx.cat.issuers.get(offer.lead_issuer)
        if lead is not None and ctx.cat.qa_of(offer) is None:
            yield _f(
                "ANNEX1_QA_MISSING",
                f"No quality assurance applies: the offer has no quality_assurance and its lead "
                f"issuer '{lead.slug}' has none either. Add quality_assurance to "
                f"issuers/{lead.slug}.yaml (or to this offer).",
                offer.where("quality_assurance")
                if "quality_assurance" in offer.positions
                else offer.where(),
            )
        # Annex I "country of the issuer" comes from the awarding bodies; a missing country
        # is reported once, at the issuer file, by the loader (ANNEX1_COUNTRY_MISSING).


def national_language(country: str, languages: Iterable[str]) -> str | None:
    """The first official language of `country` that the site has (NO -> nb), or None."""
    from babel.languages import get_official_languages

    site = set(languages)
    return next((x for x in get_official_languages(country) if x in site), None)


@rule("translations")
def _translations(ctx: _Ctx) -> Iterator[Finding]:
    languages = ctx.cat.alliance.languages
    for offer in ctx.cat.offers.values():
        lead = ctx.cat.issuers.get(offer.lead_issuer)
        if lead is None or not lead.country:
            continue
        lang = national_language(lead.country, languages)
        if lang is None or lang == "en":
            continue
        missing = [
            name
            for name, text in (("title", offer.title), ("description", offer.description))
            if text and not text.get(lang)
        ]
        if missing:
            both = " and ".join(missing)
            yield _f(
                "TRANSLATION_MISSING",
                f"The {both} of this offer {'are' if len(missing) > 1 else 'is'} not written in "
                f"'{lang}', the national language of its lead university {lead.name}; readers of "
                f"the site in that language see the English text.",
                offer.where(missing[0]),
                severity="warning",
                hint=f"Add a `{lang}:` entry under {both}.",
            )


@rule("policy")
def _policy(ctx: _Ctx) -> Iterator[Finding]:
    p = ctx.policy
    for offer in ctx.cat.offers.values():
        has_ects = "ects" in offer.positions
        if has_ects and offer.ects < p.ects_min:
            yield _f(
                "POLICY_ECTS_BELOW_MIN",
                f"{offer.ects} ECTS is below the alliance minimum of {_n(p.ects_min)} ECTS.",
                offer.where("ects"),
            )
        if has_ects and offer.ects >= p.ects_max_exclusive:
            yield _f(
                "POLICY_ECTS_ABOVE_MAX",
                f"{offer.ects} ECTS is not below the alliance maximum of "
                f"{_n(p.ects_max_exclusive)} ECTS (exclusive): an offer this large is a "
                "programme, not a micro-credential.",
                offer.where("ects"),
            )
        if offer.eqf is not None and p.eqf_levels and offer.eqf not in p.eqf_levels:
            yield _f(
                "POLICY_EQF_NOT_ALLOWED",
                f"EQF level {offer.eqf} is not allowed by the alliance policy "
                f"(allowed: {', '.join(map(str, p.eqf_levels))}).",
                offer.where("eqf"),
            )
        if has_ects and offer.ects > 0 and "workload_hours" in offer.positions:
            per = offer.workload_hours / offer.ects
            if not p.hours_per_ects_min <= per <= p.hours_per_ects_max:
                low = _n(offer.ects * p.hours_per_ects_min)
                high = _n(offer.ects * p.hours_per_ects_max)
                yield _f(
                    "POLICY_HOURS_PER_ECTS",
                    f"{_n(offer.workload_hours)} hours for {_n(offer.ects)} ECTS is "
                    f"{per:.1f} h per ECTS; the policy expects {_n(p.hours_per_ects_min)}–"
                    f"{_n(p.hours_per_ects_max)} h per ECTS ({low}–{high} hours).",
                    offer.where("workload_hours"),
                    severity="warning",
                )
        unknown = elm.nqf_unknown(ctx.cat, offer)
        if unknown:
            yield _f(
                "QDR_NQF_LEVEL_UNKNOWN",
                f"The national framework of {', '.join(unknown)} has no single level referenced "
                f"to EQF level {offer.eqf}, so this offer cannot be sent to Europass's "
                "Qualification Dataset Register, which needs one. The site and the credentials "
                "show the EQF level as usual.",
                offer.where("eqf"),
                severity="warning",
                hint="Nothing to change for the site. To publish this offer in the register, "
                "agree its national level with your country's EQF national coordination point.",
            )
        if offer.cycle is not None and offer.eqf is not None:
            expected = vocab.eqf_cycle(offer.eqf)
            if expected != offer.cycle:
                yield _f(
                    "CYCLE_EQF_MISMATCH",
                    f"The cycle '{offer.cycle}' does not match EQF level {offer.eqf}"
                    + (
                        f" (which is the {expected} cycle)."
                        if expected
                        else " (no higher-education cycle)."
                    )
                    + " Fix one of them or remove cycle.",
                    offer.where("cycle"),
                )


def _n(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


@rule("offer-formats")
def _offer_formats(ctx: _Ctx) -> Iterator[Finding]:
    for offer in ctx.cat.offers.values():
        for i, skill in enumerate(offer.esco_skills):
            if not ESCO_SKILL.match(skill.uri):
                yield _f(
                    "ESCO_URI_INVALID",
                    f"'{skill.uri}' is not an ESCO skill URI. Copy the URI from the ESCO portal; "
                    "it reads http://data.europa.eu/esco/skill/ followed by a UUID.",
                    offer.where(f"esco_skills.{i}.uri"),
                )
        for i, code in _dupes(offer.isced):
            yield _f(
                "DUPLICATE_REFERENCE",
                f"ISCED code '{code}' is listed twice.",
                offer.where(f"isced.{i}"),
            )
        for i, code in _dupes(offer.assessment.types):
            yield _f(
                "DUPLICATE_REFERENCE",
                f"Assessment type '{code}' is listed twice.",
                offer.where(f"assessment.types.{i}"),
            )
        fee = offer.fee
        for name, amount in (("alliance_students", fee.alliance_students), ("others", fee.others)):
            if amount < 0:
                yield _f(
                    "FEE_INVALID",
                    f"The fee for {name} cannot be negative.",
                    offer.where(f"fee.{name}"),
                )
        if not CURRENCY.match(fee.currency):
            yield _f(
                "FEE_INVALID",
                f"'{fee.currency}' is not a currency code; use three capital letters such as EUR.",
                offer.where("fee.currency"),
            )
        yield from _url(
            offer.application.url, offer.where("application.url"), "The application URL"
        )
        if offer.application.url and not ctx.cat.application_form(offer):
            yield _f(
                "APPLICATION_URL_HOMEPAGE",
                f"The application URL '{offer.application.url}' is a home page, not an "
                "application form, so the offer page shows no Apply button.",
                offer.where("application.url"),
                severity="warning",
                hint="Link the application form itself, or leave `url` out while no "
                "application is open and say so in `note`.",
            )
        yield from _contact(offer.contact, offer, "contact")
        if offer.quality_assurance is not None:
            yield from _url(
                offer.quality_assurance.agency_url,
                offer.where("quality_assurance.agency_url"),
                "The agency URL",
            )


@rule("dates")
def _dates(ctx: _Ctx) -> Iterator[Finding]:
    today = ctx.now.date()
    max_age = ctx.policy.review_max_age_days
    for offer in ctx.cat.offers.values():
        s = offer.schedule
        if s.start and s.end and s.end < s.start:
            yield _f(
                "DATE_END_BEFORE_START",
                f"The end date {s.end} is before the start date {s.start}.",
                offer.where("schedule.end"),
            )
        if s.start and s.application_deadline and s.application_deadline > s.start:
            yield _f(
                "DATE_DEADLINE_AFTER_START",
                f"The application deadline {s.application_deadline} is after the start date "
                f"{s.start}; it must be on or before the start.",
                offer.where("schedule.application_deadline"),
            )
        if (
            not s.self_paced
            and s.start is None
            and "schedule" in offer.positions
            and "schedule.start:refused" not in offer.positions  # reported as TYPE_DATE
        ):
            yield _f(
                "SCHEDULE_START_MISSING",
                "The offer is not self-paced but has no start date. Add schedule.start, or set "
                "schedule.self_paced: true.",
                offer.where("schedule"),
            )
        if s.schedule_type and s.weekly_hours is not None:
            low, high = _SCHEDULE_HOURS[s.schedule_type]
            if not low <= s.weekly_hours <= high:
                yield _f(
                    "SCHEDULE_TYPE_HOURS_MISMATCH",
                    f"{_n(s.weekly_hours)} hours a week does not fit '{s.schedule_type}' "
                    f"({_n(low)}–{_n(high)} h a week).",
                    offer.where("schedule.weekly_hours"),
                    severity="warning",
                )
        if offer.last_reviewed:
            age = (today - offer.last_reviewed).days
            if age > max_age:
                yield _f(
                    "REVIEW_OVERDUE",
                    f"The offer was last reviewed {age} days ago ({offer.last_reviewed}); the "
                    f"policy asks for a review every {max_age} days. Check the content and update "
                    "last_reviewed.",
                    offer.where("last_reviewed"),
                    severity="warning",
                )
            elif age < 0:
                yield _f(
                    "DATE_IN_FUTURE",
                    f"The last_reviewed date {offer.last_reviewed} is in the future; use the date "
                    "of the review.",
                    offer.where("last_reviewed"),
                    severity="warning",
                )


@rule("recognition")
def _recognition(ctx: _Ctx) -> Iterator[Finding]:
    rp = ctx.policy.recognition
    for offer in ctx.cat.offers.values():
        rec = offer.recognition
        pathways = ctx.pathways_of(offer.id)
        if rec.scenario == "automatic":
            rigid = [p for p in pathways if p.type == "rigid"]
            if rp.automatic_requires_rigid_pathway and not rigid:
                yield _f(
                    "RECOGNITION_AUTOMATIC_NOT_RIGID",
                    "Automatic recognition is only possible for an offer in a rigid pathway "
                    "(all members required, agreed in advance). Add the offer to a rigid pathway "
                    "or use the scenario 'facilitated'.",
                    offer.where("recognition.scenario"),
                )
            if not rec.agreement.strip():
                yield _f(
                    "RECOGNITION_AGREEMENT_MISSING",
                    "Automatic recognition needs the reference of the recognition agreement in "
                    "recognition.agreement.",
                    offer.where("recognition"),
                )
        if rec.scenario == "facilitated" and rp.facilitated_requires_partners and not rec.partners:
            yield _f(
                "RECOGNITION_FACILITATED_NO_PARTNERS",
                "Facilitated recognition needs the partner universities that recognise the "
                "credential: list their slugs in recognition.partners.",
                offer.where("recognition"),
            )
        if (
            rec.scenario in ("facilitated", "automatic")
            and rp.recognition_requires_supervised_id
            and offer.assessment.supervision != "supervised-with-id"
        ):
            yield _f(
                "RECOGNITION_SUPERVISION_REQUIRED",
                f"The alliance policy recognises credentials ({rec.scenario}) only when the "
                "assessment is supervised with identity verification. Set "
                "assessment.supervision: supervised-with-id, or use the scenario 'standard'.",
                offer.where("assessment.supervision")
                if "assessment.supervision" in offer.positions
                else offer.where("assessment"),
            )
    for pathway in ctx.cat.pathways.values():
        rec = pathway.recognition
        if rec.scenario == "automatic":
            if rp.automatic_requires_rigid_pathway and pathway.type != "rigid":
                yield _f(
                    "RECOGNITION_AUTOMATIC_NOT_RIGID",
                    "Automatic recognition needs a rigid pathway, but this one is "
                    f"'{pathway.type}'.",
                    pathway.where("recognition.scenario"),
                )
            if not rec.agreement.strip():
                yield _f(
                    "RECOGNITION_AGREEMENT_MISSING",
                    "Automatic recognition needs the reference of the recognition agreement in "
                    "recognition.agreement.",
                    pathway.where("recognition"),
                )
        if rec.scenario == "facilitated" and rp.facilitated_requires_partners and not rec.partners:
            yield _f(
                "RECOGNITION_FACILITATED_NO_PARTNERS",
                "Facilitated recognition needs partner universities in recognition.partners.",
                pathway.where("recognition"),
            )


# --------------------------------------------------------------------------------------------
# Pathways and the prerequisite graph


@rule("pathways")
def _pathways(ctx: _Ctx) -> Iterator[Finding]:
    offers = ctx.cat.offers
    issuers = ctx.cat.issuers
    for pathway in ctx.cat.pathways.values():
        yield from _slug(pathway.id, pathway.where("id"), "pathway id")
        for i, ref in enumerate(pathway.offers):
            if ref not in offers and ref not in ctx.unreadable:
                yield _unknown_offer(ref, pathway.where(f"offers.{i}"), offers)
        for i, ref in _dupes(pathway.offers):
            yield _f(
                "DUPLICATE_REFERENCE", f"'{ref}' is listed twice.", pathway.where(f"offers.{i}")
            )
        if "offers" in pathway.positions and len(set(pathway.offers)) < 2:
            yield _f(
                "PATHWAY_TOO_FEW_OFFERS",
                "A pathway stacks at least two offers; list them in offers.",
                pathway.where("offers"),
            )
        for i, ref in enumerate(pathway.required):
            if ref not in pathway.offers:
                yield _f(
                    "PATHWAY_REQUIRED_NOT_MEMBER",
                    f"'{ref}' is required but not listed in offers.",
                    pathway.where(f"required.{i}"),
                )
        if pathway.type == "rigid" and set(pathway.required) != set(pathway.offers):
            missing = [o for o in pathway.offers if o not in pathway.required]
            yield _f(
                "PATHWAY_RIGID_NOT_ALL_REQUIRED",
                "In a rigid pathway every member is required; add "
                f"{', '.join(missing) or 'all members'} to required "
                "(or make the pathway 'elective').",
                pathway.where("required")
                if "required" in pathway.positions
                else pathway.where("type"),
            )
        if pathway.min_ects is not None and not ctx.unreadable & set(pathway.offers):
            total = sum(offers[o].ects for o in set(pathway.offers) if o in offers)
            if pathway.min_ects > total:
                yield _f(
                    "PATHWAY_MIN_ECTS_UNREACHABLE",
                    f"The pathway needs min_ects {_n(pathway.min_ects)} but all members "
                    f"together give only {_n(total)} ECTS.",
                    pathway.where("min_ects"),
                )
        for i, slug in enumerate(pathway.stacks_into.awarded_by):
            if slug not in issuers:
                yield _unknown_issuer(slug, pathway.where(f"stacks_into.awarded_by.{i}"), issuers)
        for i, slug in enumerate(pathway.recognition.partners):
            if slug not in issuers:
                yield _unknown_issuer(slug, pathway.where(f"recognition.partners.{i}"), issuers)
        yield from _url(pathway.stacks_into.url, pathway.where("stacks_into.url"), "The URL")
    # stackable <=> member of a pathway
    for offer in offers.values():
        member_of = ctx.pathways_of(offer.id)
        if offer.stackability.integration == "stackable" and not member_of:
            yield _f(
                "STACKABLE_NOT_IN_PATHWAY",
                "The offer is marked stackable but no pathway lists it. Add it to a pathway's "
                "offers, or set stackability.integration: standalone.",
                offer.where("stackability.integration")
                if "stackability.integration" in offer.positions
                else offer.where("stackability"),
            )
        if offer.stackability.integration == "standalone" and member_of:
            yield _f(
                "STANDALONE_IN_PATHWAY",
                f"The offer is in the pathway '{member_of[0].id}' but marked standalone. Set "
                "stackability.integration: stackable.",
                offer.where("stackability.integration")
                if "stackability.integration" in offer.positions
                else offer.where(),
            )


@rule("graph")
def _graph(ctx: _Ctx) -> Iterator[Finding]:
    """Prerequisites (a before b) and vertical pathway order must form no cycle."""
    edges: dict[str, list[tuple[str, m.Location]]] = {}
    for offer in ctx.cat.offers.values():
        for i, pre in enumerate(offer.prerequisite_offers):
            if pre in ctx.cat.offers:
                edges.setdefault(pre, []).append(
                    (offer.id, offer.where(f"prerequisite_offers.{i}"))
                )
    for pathway in ctx.cat.pathways.values():
        if pathway.direction != "vertical":
            continue
        seq = [o for o in pathway.offers if o in ctx.cat.offers]
        for i in range(len(seq) - 1):
            if seq[i] != seq[i + 1]:
                edges.setdefault(seq[i], []).append((seq[i + 1], pathway.where(f"offers.{i + 1}")))
    # Iterative DFS (no recursion limit on large catalogues); report each cycle once.
    white, grey, black = 0, 1, 2
    colour = dict.fromkeys(ctx.cat.offers, white)
    reported: set[frozenset[str]] = set()
    for start in ctx.cat.offers:
        if colour[start] != white:
            continue
        stack: list[tuple[str, int]] = [(start, 0)]
        path: list[str] = [start]
        colour[start] = grey
        while stack:
            node, idx = stack[-1]
            out = edges.get(node, [])
            if idx < len(out):
                stack[-1] = (node, idx + 1)
                nxt, where = out[idx]
                if colour.get(nxt) == grey:
                    cycle = [*path[path.index(nxt) :], nxt]
                    key = frozenset(cycle)
                    if key not in reported:
                        reported.add(key)
                        yield _f(
                            "PATHWAY_CYCLE",
                            "Prerequisites and pathway order go round in a circle: "
                            + " → ".join(cycle)
                            + ". No learner could ever start; remove one of these links.",
                            where,
                        )
                elif colour.get(nxt) == white:
                    colour[nxt] = grey
                    stack.append((nxt, 0))
                    path.append(nxt)
            else:
                colour[node] = black
                stack.pop()
                path.pop()
