"""Learner data for issuing: one learner from YAML or JSON, a batch from CSV (or a YAML list).

One learner (`examples/learner.yaml`):

```yaml
given_name: Anna
family_name: Bērziņa
date_of_birth: 2002-05-14        # date of birth, or an identifier below, or both
identifier: {scheme: Student ID, value: "LU-2027-0042"}
email: anna.berzina@example.org  # optional
grade: "8"                       # optional; required by graded offers
completion_date: 2027-04-30      # when the learner completed the offer
```

A batch (`examples/learners.csv`): a header row with the same names, the identifier split into
`identifier_scheme` and `identifier`:

```
given_name,family_name,date_of_birth,identifier_scheme,identifier,email,grade,completion_date
```

Errors name the file, the line (and column for YAML) and what to do; all problems of a file
are collected before failing (`LearnerFileError.errors`).
"""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from build_tools.catalogue.model import Issuer, Offer

from ._common import IssuingError

__all__ = ["Learner", "LearnerFileError", "check_award", "check_grade", "load_learners"]

_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "identifier",
    "email",
    "grade",
    "completion_date",
)
_CSV_FIELDS = (
    "given_name",
    "family_name",
    "date_of_birth",
    "identifier_scheme",
    "identifier",
    "email",
    "grade",
    "completion_date",
)
_EMAIL_RE = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
MAX_LEARNERS = 100_000


@dataclass(frozen=True, slots=True)
class Learner:
    given_name: str
    family_name: str
    completion_date: dt.date
    date_of_birth: dt.date | None = None
    identifier_scheme: str = ""
    identifier: str = ""
    email: str = ""
    grade: str = ""
    file: str = ""
    line: int = 0

    @property
    def full_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def where(self) -> str:
        return f"{self.file}:{self.line}" if self.line else self.file


class LearnerFileError(IssuingError):
    """Every problem found in a learner file (each an IssuingError with file and line)."""

    def __init__(self, errors: list[IssuingError]) -> None:
        first = errors[0]
        super().__init__(
            first.message,
            file=first.file,
            line=first.line,
            column=first.column,
            hint=first.hint,
            code="LEARNER_INVALID",
        )
        self.errors = errors

    def __str__(self) -> str:
        return "\n".join(str(e) for e in self.errors)


def load_learners(path: Path, *, today: dt.date | None = None) -> list[Learner]:
    """Read one learner (YAML/JSON mapping) or a batch (CSV, or a YAML/JSON list)."""
    label = str(path)
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise IssuingError(
            "The learner file does not exist.", file=label, code="LEARNER_FILE_MISSING"
        ) from None
    except OSError as exc:
        raise IssuingError(
            f"The learner file cannot be read ({exc.strerror}).",
            file=label,
            code="LEARNER_FILE_UNREADABLE",
        ) from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        raise IssuingError(
            "The learner file is not UTF-8 text.",
            file=label,
            line=line,
            hint="Save it as UTF-8 (spreadsheet programs: 'CSV UTF-8').",
            code="LEARNER_FILE_ENCODING",
        ) from None
    if path.suffix.lower() == ".csv":
        return _from_csv(text, label, today)
    if path.suffix.lower() in (".yaml", ".yml", ".json"):
        return _from_yaml(text, label, today)
    raise IssuingError(
        "Unknown learner file type.",
        file=label,
        code="LEARNER_FILE_TYPE",
        hint="Use .yaml or .json for one learner, .csv for a batch.",
    )


# --------------------------------------------------------------------------------------------


class _Collector:
    def __init__(self, label: str) -> None:
        self.label = label
        self.errors: list[IssuingError] = []

    def add(self, message: str, line: int = 0, column: int = 0, hint: str = "") -> None:
        self.errors.append(
            IssuingError(
                message,
                file=self.label,
                line=line,
                column=column,
                hint=hint,
                code="LEARNER_INVALID",
            )
        )

    def raise_if_any(self) -> None:
        if self.errors:
            raise LearnerFileError(self.errors)


def _from_yaml(text: str, label: str, today: dt.date | None) -> list[Learner]:
    errors = _Collector(label)
    try:
        node = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or "syntax error"
        raise IssuingError(
            f"The learner file is not valid YAML/JSON ({problem}).",
            file=label,
            line=mark.line + 1 if mark else 0,
            column=mark.column + 1 if mark else 0,
            code="LEARNER_FILE_SYNTAX",
        ) from None
    if node is None:
        raise IssuingError("The learner file is empty.", file=label, code="LEARNER_FILE_EMPTY")
    items: list[yaml.Node]
    if isinstance(node, yaml.SequenceNode):
        items = list(node.value)
    elif isinstance(node, yaml.MappingNode) and any(
        isinstance(k, yaml.ScalarNode) and k.value == "learners" for k, _ in node.value
    ):
        items = []
        for key, value in node.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "learners":
                if isinstance(value, yaml.SequenceNode):
                    items = list(value.value)
                else:
                    errors.add(
                        "'learners' must be a list of learners.",
                        value.start_mark.line + 1,
                        value.start_mark.column + 1,
                    )
    else:
        items = [node]
    if len(items) > MAX_LEARNERS:
        raise IssuingError(f"The file lists more than {MAX_LEARNERS} learners.", file=label)
    learners: list[Learner] = []
    for item in items:
        line = item.start_mark.line + 1
        if not isinstance(item, yaml.MappingNode):
            errors.add(
                "A learner must be a mapping of fields (given_name: …).",
                line,
                item.start_mark.column + 1,
            )
            continue
        values: dict[str, Any] = {}
        positions: dict[str, tuple[int, int]] = {}
        for key_node, value_node in item.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else "?"
            pos = (key_node.start_mark.line + 1, key_node.start_mark.column + 1)
            if key not in _FIELDS:
                errors.add(f"Unknown field '{key}'.", *pos, hint=_hint(key, _FIELDS))
                continue
            values[key] = _plain(value_node)
            positions[key] = (value_node.start_mark.line + 1, value_node.start_mark.column + 1)
        ident = values.get("identifier")
        scheme, ident_value = "", ""
        if isinstance(ident, dict):
            scheme = str(ident.get("scheme") or "").strip()
            ident_value = str(ident.get("value") or "").strip()
            extra = sorted(set(map(str, ident)) - {"scheme", "value"})
            if extra:
                errors.add(
                    f"Unknown field '{extra[0]}' in identifier.",
                    *positions["identifier"],
                    hint="Use scheme and value.",
                )
        elif ident not in (None, ""):
            errors.add(
                "identifier must be a mapping with scheme and value.",
                *positions["identifier"],
                hint='Write identifier: {scheme: Student ID, value: "12345"}.',
            )
        learner = _make(values, scheme, ident_value, label, line, positions, errors, today)
        if learner:
            learners.append(learner)
    errors.raise_if_any()
    if not learners:
        raise IssuingError(
            "The learner file lists no learner.", file=label, code="LEARNER_FILE_EMPTY"
        )
    return learners


def _from_csv(text: str, label: str, today: dt.date | None) -> list[Learner]:
    errors = _Collector(label)
    reader = csv.reader(io.StringIO(text, newline=""))
    try:
        header = next(reader)
    except StopIteration:
        raise IssuingError(
            "The CSV file is empty.", file=label, line=1, code="LEARNER_FILE_EMPTY"
        ) from None
    except csv.Error as exc:
        raise IssuingError(
            f"The CSV header cannot be read ({exc}).",
            file=label,
            line=1,
            code="LEARNER_FILE_SYNTAX",
        ) from None
    names = [h.strip() for h in header]
    for col, name in enumerate(names, start=1):
        if name not in _CSV_FIELDS:
            errors.add(f"Unknown column '{name}'.", 1, col, hint=_hint(name, _CSV_FIELDS))
    for required in ("given_name", "family_name", "completion_date"):
        if required not in names:
            errors.add(
                f"The column '{required}' is missing.",
                1,
                hint="The header needs: " + ",".join(_CSV_FIELDS),
            )
    errors.raise_if_any()
    learners: list[Learner] = []
    try:
        for row in reader:
            line = reader.line_num
            if not any(cell.strip() for cell in row):
                continue
            if len(learners) >= MAX_LEARNERS:
                raise IssuingError(
                    f"The file lists more than {MAX_LEARNERS} learners.", file=label, line=line
                )
            if len(row) != len(names):
                errors.add(
                    f"This row has {len(row)} cells; the header has {len(names)}.",
                    line,
                    hint="Check for a missing or extra comma.",
                )
                continue
            values: dict[str, Any] = {
                n: (c.strip() or None) for n, c in zip(names, row, strict=True)
            }
            positions = {n: (line, col) for col, n in enumerate(names, start=1)}
            positions["identifier"] = positions.get("identifier", (line, 0))
            scheme = str(values.pop("identifier_scheme", None) or "")
            ident = str(values.pop("identifier", None) or "")
            learner = _make(values, scheme, ident, label, line, positions, errors, today)
            if learner:
                learners.append(learner)
    except csv.Error as exc:
        errors.add(f"The CSV file cannot be read ({exc}).", reader.line_num)
    errors.raise_if_any()
    if not learners:
        raise IssuingError("The CSV file lists no learner.", file=label, code="LEARNER_FILE_EMPTY")
    return learners


def _make(
    values: dict[str, Any],
    scheme: str,
    ident: str,
    label: str,
    line: int,
    positions: dict[str, tuple[int, int]],
    errors: _Collector,
    today: dt.date | None,
) -> Learner | None:
    before = len(errors.errors)

    def pos(name: str) -> tuple[int, int]:
        return positions.get(name, (line, 0))

    given = _text(values.get("given_name"))
    family = _text(values.get("family_name"))
    if not given:
        errors.add("given_name is missing.", *pos("given_name"))
    if not family:
        errors.add("family_name is missing.", *pos("family_name"))
    for name, value in (("given_name", given), ("family_name", family)):
        if value and (len(value) > 200 or any(ord(c) < 32 for c in value)):
            errors.add(f"{name} is too long or contains control characters.", *pos(name))
    dob = _date(values.get("date_of_birth"), "date_of_birth", pos("date_of_birth"), errors)
    completion = _date(
        values.get("completion_date"), "completion_date", pos("completion_date"), errors
    )
    if values.get("completion_date") in (None, ""):
        errors.add(
            "completion_date is missing.",
            *pos("completion_date"),
            hint="Write the date the learner completed the offer, YYYY-MM-DD.",
        )
    if bool(scheme) != bool(ident):
        errors.add(
            "An identifier needs both a scheme and a value.",
            *pos("identifier"),
            hint="For example scheme 'Student ID' and value 'LU-2027-0042'.",
        )
    if dob is None and not ident and values.get("date_of_birth") in (None, ""):
        errors.add(
            "The learner needs a date of birth or an identifier.",
            line,
            hint="The credential must identify its holder (Annex I element 1).",
        )
    now = today or dt.datetime.now(dt.UTC).date()
    if dob and not (dt.date(1900, 1, 1) <= dob < now):
        errors.add("date_of_birth is not a plausible date of birth.", *pos("date_of_birth"))
    if completion and completion > now:
        errors.add("completion_date is in the future.", *pos("completion_date"))
    if dob and completion and completion <= dob:
        errors.add("completion_date is before the date of birth.", *pos("completion_date"))
    email = _text(values.get("email"))
    if email and not _EMAIL_RE.match(email):
        errors.add(f"email {email!r} is not an e-mail address.", *pos("email"))
    grade = _text(values.get("grade"))
    if len(grade) > 50:
        errors.add("grade is longer than 50 characters.", *pos("grade"))
    if len(errors.errors) > before or completion is None:
        return None
    return Learner(
        given_name=given,
        family_name=family,
        completion_date=completion,
        date_of_birth=dob,
        identifier_scheme=scheme,
        identifier=ident,
        email=email,
        grade=grade,
        file=label,
        line=line,
    )


def _plain(node: yaml.Node) -> Any:
    """Scalars as the text written (no YAML 1.1 surprises: 0042 stays "0042", no octal)."""
    if isinstance(node, yaml.ScalarNode):
        if node.style is None and node.value in ("", "~", "null", "Null", "NULL"):
            return None
        return node.value
    if isinstance(node, yaml.MappingNode):
        return {str(k.value): _plain(v) for k, v in node.value if isinstance(k, yaml.ScalarNode)}
    if isinstance(node, yaml.SequenceNode):
        return [_plain(v) for v in node.value]
    return None


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(str(value).split())


def _date(value: Any, name: str, where: tuple[int, int], errors: _Collector) -> dt.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value).strip())
    except ValueError:
        errors.add(f"{name} {value!r} is not a date.", *where, hint="Write it as YYYY-MM-DD.")
        return None


def _hint(word: str, choices: tuple[str, ...]) -> str:
    close = difflib.get_close_matches(word, choices, n=1, cutoff=0.6)
    if close:
        return f"Did you mean '{close[0]}'?"
    return "Known fields: " + ", ".join(choices) + "."


def check_award(offer: Offer, issuer: Issuer, learner: Learner) -> None:
    """Refuse a credential that `issuer` may not award, or that would lack the learner's grade
    (the same rule for every credential format)."""
    if issuer.slug not in offer.awarding_bodies:
        raise IssuingError(
            f"{issuer.name or issuer.slug} is not an awarding body of the offer '{offer.id}'.",
            code="ISSUER_NOT_AWARDING_BODY",
            hint="Sign with a key of one of: " + ", ".join(offer.awarding_bodies),
        )
    check_grade(offer, learner)


def check_grade(offer: Offer, learner: Learner) -> None:
    """Refuse a learner without a grade for a graded offer."""
    if offer.assessment.grading == "graded" and not learner.grade:
        raise IssuingError(
            "The offer is graded, but this learner has no grade.",
            file=learner.file,
            line=learner.line,
            code="LEARNER_GRADE_MISSING",
            hint="Add the learner's grade.",
        )
