"""7 catalogue: the credential matches the offer it refers to in the published catalogue."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ...messages import Message, msg
from ...model import CheckId, CheckResult, Status
from .. import facts as _facts
from ..nodes import lang_text, lang_values
from ..state import State
from .base import result


def _compare(facts: _facts.Facts, title: Any, ects: Any, eqf: Any, outcomes: Any) -> list[Message]:
    diffs: list[Message] = []
    cred_titles = lang_values(facts.title)
    pub_titles = lang_values(title)
    if cred_titles and pub_titles and not cred_titles & pub_titles:
        diffs.append(
            msg(
                "the title “{credential}” where the offer has “{published}”",
                credential=lang_text(facts.title),
                published=lang_text(title),
            )
        )
    if facts.ects is not None and ects is not None:
        try:
            if float(ects) != facts.ects:
                diffs.append(
                    msg(
                        "{credential} ECTS where the offer has {published}",
                        credential=f"{facts.ects:g}",
                        published=ects,
                    )
                )
        except (TypeError, ValueError):
            diffs.append(msg("ECTS that the published offer does not state readably"))
    if facts.eqf is not None and eqf is not None and str(eqf) != str(facts.eqf):
        diffs.append(
            msg(
                "EQF level {credential} where the offer has {published}",
                credential=facts.eqf,
                published=eqf,
            )
        )
    if facts.outcomes and isinstance(outcomes, (list, tuple)):
        published = [lang_values(o) for o in outcomes]
        missing = [p for p in published if not any(p & c for c in facts.outcomes)]
        extra = [c for c in facts.outcomes if not any(p & c for p in published)]
        if missing or extra or len(published) != len(facts.outcomes):
            diffs.append(
                msg(
                    "other learning outcomes ({credential} in the credential, {published} "
                    "published, {missing} of them not found)",
                    credential=len(facts.outcomes),
                    published=len(published),
                    missing=len(missing),
                )
            )
    return diffs


class CatalogueCheck:
    id = CheckId.CATALOGUE

    async def run(self, st: State) -> CheckResult:
        assert st.doc is not None
        facts = st.trust.facts = _facts.extract(st.doc)
        offer = None
        for ref in facts.offer_refs:
            offer = st.inputs.registry.offer_for(specification_id=ref, iri=ref)
            if offer:
                break
        if offer is None:
            return result(
                self.id,
                Status.SKIP,
                "CATALOGUE_NOT_LINKED",
                "The credential does not refer to an offer published in this catalogue.",
                "references: " + ", ".join(r[:80] for r in facts.offer_refs[:3])
                if facts.offer_refs
                else "no offer reference",
            )
        # st.trust.offer (the report's offer) is set only for a credential that matches it.
        slug = st.trust.issuer.slug if st.trust.issuer else None
        if slug is None or slug not in offer.awarding_bodies:
            return result(
                self.id,
                Status.FAIL,
                "CATALOGUE_NOT_AWARDING_BODY",
                msg(
                    "The credential refers to the offer “{offer}”, but its signer does not "
                    "award that offer.",
                    offer=offer.id,
                ),
                f"signer {slug or 'not registered'}; awarding bodies "
                f"{', '.join(offer.awarding_bodies)}",
            )
        diffs = _compare(facts, offer.title, offer.ects, offer.eqf, offer.learning_outcomes)
        where = f"offer {offer.id} version {offer.version or '?'} ({offer.page or offer.iri or ''})"
        if not diffs:
            st.trust.offer = offer
            return result(
                self.id,
                Status.PASS,
                "CATALOGUE_MATCH",
                "The credential matches the published offer.",
                where,
            )
        for prev in offer.previous_versions:
            if not _compare(
                facts,
                prev.get("title"),
                prev.get("ects"),
                prev.get("eqf"),
                prev.get("learning_outcomes"),
            ):
                st.trust.offer = replace(offer, version=str(prev.get("version") or "") or None)
                return result(
                    self.id,
                    Status.WARN,
                    "CATALOGUE_OLDER_VERSION",
                    msg(
                        "The credential matches an earlier version ({version}) of the "
                        "published offer; the offer has changed since.",
                        version=prev.get("version"),
                    ),
                    f"{where}; current differences: " + "; ".join(diffs),
                )
        return result(
            self.id,
            Status.FAIL,
            "CATALOGUE_MISMATCH",
            msg(
                "The credential does not match the published offer: {differences}.",
                differences=diffs,
            ),
            where,
        )
