"""Hand-written pages in site_src/: the principles page names real checks; placeholders exist."""

from __future__ import annotations

import re
from pathlib import Path

from outputs._fixtures import make_catalogue

from build_tools.catalogue import rules
from build_tools.sitebuild.tree import PLACEHOLDER, page_blocks

SITE_SRC = Path(__file__).resolve().parents[2] / "site_src"

ANNEX_II = [
    "Quality",
    "Transparency",
    "Relevance",
    "Valid assessment",
    "Learning pathways",
    "Recognition",
    "Portable",
    "Learner-centred",
    "Authentic",
    "Information and guidance",
]


def test_principles_page_covers_the_ten_principles_with_real_checks() -> None:
    text = (SITE_SRC / "principles.md").read_text("utf-8")
    headings = re.findall(r"^## (\d+)\. (.+)$", text, re.M)
    assert headings == [(str(n), name) for n, name in enumerate(ANNEX_II, start=1)]
    sections = re.split(r"^## \d+\. .+$", text, flags=re.M)[1:]
    for name, section in zip(ANNEX_II, sections, strict=True):
        assert "**The site shows**" in section, name
        codes = re.findall(r"`([A-Z][A-Z0-9_]{3,})`", section)
        assert codes, f"{name}: no check named"
        unknown = [c for c in codes if c not in rules.CODES]
        assert unknown == [], f"{name}: not codes of credsite check: {unknown}"


def test_placeholders_in_hand_written_pages_exist() -> None:
    known = set(page_blocks(make_catalogue()))
    used = set()
    for page in SITE_SRC.rglob("*.md"):
        used.update(PLACEHOLDER.findall(page.read_text("utf-8")))
    assert used and used <= known
