"""The JSON Schemas: committed files are up to date, valid, generated from the model."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest
import yaml

from build_tools.catalogue import model as m
from build_tools.catalogue import spec, vocab
from build_tools.catalogue.fieldref import render_field_reference
from build_tools.catalogue.rules import CODES
from build_tools.catalogue.schema import FILES, render_schemas, schema_for

from .factory import CatalogueFactory

REPO = Path(__file__).resolve().parents[2]


def test_committed_schemas_are_up_to_date() -> None:
    for name, content in render_schemas().items():
        committed = REPO / "schema" / name
        assert committed.is_file(), f"schema/{name} missing: run `credsite schema`"
        assert committed.read_bytes() == content, f"schema/{name} is stale: run `credsite schema`"


def test_rendering_is_deterministic() -> None:
    assert render_schemas() == render_schemas()


@pytest.mark.parametrize("cls", list(FILES.values()), ids=list(FILES))
def test_schema_is_valid_draft_2020_12(cls: type) -> None:
    jsonschema.Draft202012Validator.check_schema(schema_for(cls))


def test_every_yaml_key_is_in_the_schema_with_a_description() -> None:
    schemas = {cls: schema_for(cls) for cls in FILES.values()}
    for cls, doc in schemas.items():
        for fs in spec.fields_of(cls):
            prop = doc["properties"][fs.key]
            assert prop.get("description"), (cls.__name__, fs.key)
        assert doc["additionalProperties"] is False


def test_every_model_field_has_a_description() -> None:
    classes = set(spec.REQUIRED)
    missing = [
        (c.__name__, f.name)
        for c in classes
        for f in spec.fields_of(c)
        if not spec.description(c, f.name)
    ]
    assert missing == []
    assert all(spec.CLASS_DESCRIPTIONS.get(c) for c in classes)


def test_enums_come_from_the_vocabularies() -> None:
    offer = schema_for(m.Offer)
    assert offer["properties"]["mode"]["enum"] == list(vocab.codes("mode"))
    assert offer["properties"]["isced"]["items"]["enum"] == list(vocab.codes("isced"))
    assert offer["properties"]["eqf"]["enum"] == list(range(1, 9))  # required: null not allowed
    assert offer["properties"]["cycle"]["anyOf"][1] == {"type": "null"}
    assessment = offer["$defs"]["Assessment"]["properties"]
    assert assessment["types"]["items"]["enum"] == list(vocab.codes("assessment"))
    langmap = offer["$defs"]["LangMap"]
    assert langmap["required"] == ["en"]
    assert langmap["propertyNames"]["enum"] == list(vocab.codes("language"))
    issuer = schema_for(m.Issuer)
    assert issuer["properties"]["country"]["enum"] == list(vocab.codes("country"))


def _plain(value: Any) -> Any:
    """YAML as an editor's language server sees it (dates are strings)."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, dt.date | dt.datetime):
        return value.isoformat()
    return value


def _validator(cls: type) -> jsonschema.protocols.Validator:
    return jsonschema.Draft202012Validator(
        schema_for(cls), format_checker=jsonschema.FormatChecker()
    )


def test_valid_catalogue_files_pass_the_schema(factory: CatalogueFactory) -> None:
    root = factory.write()
    for pattern, cls in (
        ("offers/*/*.yaml", m.Offer),
        ("issuers/*.yaml", m.Issuer),
        ("pathways/*.yaml", m.Pathway),
        ("alliance.yaml", m.Alliance),
    ):
        files = sorted(root.glob(pattern))
        assert files
        for path in files:
            errors = list(
                _validator(cls).iter_errors(_plain(yaml.safe_load(path.read_text("utf-8"))))
            )
            assert errors == [], (path, [e.message for e in errors])


@pytest.mark.parametrize(
    ("change", "fragment"),
    [
        ({"ectz": 3}, "Additional properties"),
        ({"mode": "onlien"}, "is not one of"),
        ({"title": {"lv": "x"}}, "'en' is a required property"),
        ({"id": "Bad_Id"}, "does not match"),
        ({"ects": "three"}, "is not of type"),
    ],
)
def test_schema_flags_mistakes(
    factory: CatalogueFactory, change: dict[str, Any], fragment: str
) -> None:
    root = factory.write()
    data = _plain(yaml.safe_load((root / "offers/aa/aa-one.yaml").read_text("utf-8")))
    data.update(change)
    messages = [e.message for e in _validator(m.Offer).iter_errors(data)]
    assert any(fragment in msg for msg in messages), messages


def test_field_reference_lists_every_key_and_code() -> None:
    text = render_field_reference()
    for _title, cls in (("offer", m.Offer), ("issuer", m.Issuer), ("pathway", m.Pathway)):
        for fs in spec.fields_of(cls):
            assert f"| `{fs.key}` |" in text
    assert "| `schedule.start` |" in text
    assert "| `esco_skills[].uri` |" in text
    for code in CODES:
        assert f"| `{code}` |" in text
    assert "`written-exam`" in text
    assert "ISCED-F 2013 field code (220 codes)" in text


def test_schema_modeline_relative_path() -> None:
    """The modeline documented in CONTRIBUTING.md points at the committed schema."""
    contributing = (REPO / "CONTRIBUTING.md").read_text("utf-8")
    assert "# yaml-language-server: $schema=../../../schema/offer.schema.json" in contributing
    offer_dir = REPO / "catalogue" / "offers" / "lu"
    assert (offer_dir / "../../../schema/offer.schema.json").resolve() == (
        REPO / "schema" / "offer.schema.json"
    )
    assert json.loads((REPO / "schema" / "offer.schema.json").read_text("utf-8"))["title"]
