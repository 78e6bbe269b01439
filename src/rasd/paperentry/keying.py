"""What a clerk keys in, and how two keyings are compared.

The questions come from the version's field catalogue, numbered exactly as the printed form numbers them
(`rasd.questionnaires.paper.layout.number_fields`), so "5.12" on screen is "5.12" on paper. Not asked: calculations
and metadata, questions the form computes itself (a `calculate` on their bind, e.g. read-only copies of the facility
list), questions inside repeats, and the identity questions (facility, directorate, sector), which come from the
paper form's QR code.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rasd.lib.digits import latin_digits
from rasd.questionnaires.models import FieldKind, QuestionnaireField, QuestionnaireVersion
from rasd.questionnaires.paper.layout import HIDDEN_KINDS, number_fields
from rasd.registry.models import Facility
from rasd.submissions.answers import label_in
from rasd.submissions.instances import form_model

# Names of the identity questions besides the one with the `facility_code` role: the facility list's columns, as
# the simulator fills them (docs/questionnaire.md, "Identification").
IDENTITY_NAMES = frozenset({"directorate", "sector"})
NUMBER_TYPES = frozenset({"integer", "decimal", "range"})
_SPACES = re.compile(r"\s+")


class NotANumber(ValueError):
    pass


@dataclass(frozen=True)
class KeyField:
    """One question the clerk keys in."""

    path: str
    name: str
    number: str  # as printed ("3.4")
    type: str  # the catalogue's base type: integer, decimal, text, date, select_one, select_multiple, geopoint…
    labels: dict[str, str]
    hints: dict[str, str]
    choices: list[dict[str, Any]]
    required: bool
    multiline: bool
    group_path: str

    def label(self, language: str) -> str:
        return label_in(self.labels, language) or self.name

    def choice_label(self, name: str, language: str) -> str:
        for choice in self.choices:
            if choice.get("name") == name:
                return label_in(choice.get("labels", {}), language) or name
        return name


@dataclass
class KeySheet:
    """A version's questions to key, in form order, with the headings of the groups they sit in."""

    fields: list[KeyField] = field(default_factory=list)
    group_labels: dict[str, dict[str, str]] = field(default_factory=dict)  # by group path
    group_parents: dict[str, str] = field(default_factory=dict)
    facility_path: str = ""
    identity_paths: dict[str, str] = field(default_factory=dict)  # "directorate"/"sector" → path

    def by_path(self) -> dict[str, KeyField]:
        return {item.path: item for item in self.fields}

    def headings(self, group_path: str, language: str) -> list[str]:
        """The labels of a group and the groups above it, outermost first."""
        chain: list[str] = []
        while group_path:
            label = label_in(self.group_labels.get(group_path, {}), language)
            if label:
                chain.insert(0, label)
            group_path = self.group_parents.get(group_path, "")
        return chain


def base_type(type_: str) -> str:
    return type_.split()[0] if type_ else "text"


def key_sheet(version: QuestionnaireVersion) -> KeySheet:
    catalogue = [item for item in version.fields.order_by("position") if item.kind not in HIDDEN_KINDS]
    numbering, _sections = number_fields(catalogue)
    binds = form_model(version).binds
    sheet = KeySheet()
    repeats = [item.path for item in catalogue if item.kind == FieldKind.REPEAT]
    for item in catalogue:
        if item.kind in (FieldKind.GROUP, FieldKind.REPEAT):
            sheet.group_labels[item.path] = item.labels
            sheet.group_parents[item.path] = item.parent_path
            continue
        if item.kind != FieldKind.QUESTION or any(item.path.startswith(path + "/") for path in repeats):
            continue
        if item.role == "facility_code":
            sheet.facility_path = sheet.facility_path or item.path
            continue
        if item.name in IDENTITY_NAMES:
            sheet.identity_paths.setdefault(item.name, item.path)
            continue
        bind = binds.get(item.path)
        if bind is not None and bind.calculate:
            continue
        sheet.fields.append(_key_field(item, numbering.by_path.get(item.path, ("", item))[0]))
    return sheet


def _key_field(item: QuestionnaireField, number: str) -> KeyField:
    kind = base_type(item.type)
    if kind in ("select_one", "select_multiple") and not item.choices:
        kind = "text"  # a choice from a file: keyed as its code
    return KeyField(
        path=item.path,
        name=item.name,
        number=number,
        type=kind,
        labels=item.labels,
        hints=item.hints,
        choices=item.choices,
        required=item.required,
        multiline="multiline" in item.appearance,
        group_path=item.parent_path,
    )


def identity_answers(sheet: KeySheet, facility: Facility) -> dict[str, Any]:
    """The answers the paper form's identity gives: its facility, directorate and sector codes."""
    values = {
        sheet.facility_path: facility.code,
        sheet.identity_paths.get("directorate", ""): facility.directorate.code,
        sheet.identity_paths.get("sector", ""): facility.sector.code if facility.sector else "",
    }
    return {path: value for path, value in values.items() if path and value}


# --- typed values --------------------------------------------------------------------------------------------------


def number(type_: str, text: str) -> int | float:
    """A number keyed with Arabic-Indic or ASCII digits; raises `NotANumber`."""
    cleaned = latin_digits(text).strip().replace(",", "").replace(" ", "")
    try:
        if type_ == "integer":
            return int(cleaned)
        value = float(cleaned)
    except ValueError:
        raise NotANumber(text) from None
    return int(value) if type_ == "range" and value.is_integer() else value


def parse_date(text: str) -> datetime.date | None:
    """A date keyed as yyyy-mm-dd or as printed on the form, dd/mm/yyyy (any digits)."""
    cleaned = latin_digits(text).strip()
    for pattern in ("%Y-%m-%d", "%d/%m/%Y", "%d-%m-%Y", "%d.%m.%Y"):
        try:
            return datetime.datetime.strptime(cleaned, pattern).date()  # noqa: DTZ007 (a day, no time)
        except ValueError:
            continue
    return None


def collapse(text: str) -> str:
    return _SPACES.sub(" ", latin_digits(text)).strip()


# --- comparison ----------------------------------------------------------------------------------------------------


def is_blank(value: Any) -> bool:
    return value is None or value == "" or value == []


def same(type_: str, first: Any, second: Any) -> bool:
    """Whether two keyed answers say the same: numbers as numbers, text after collapsing spaces (and digits),
    multiple choices as sets, points coordinate by coordinate. Blank equals blank."""
    if is_blank(first) or is_blank(second):
        return is_blank(first) and is_blank(second)
    if type_ == "select_multiple" and isinstance(first, list) and isinstance(second, list):
        return set(map(str, first)) == set(map(str, second))
    if type_ in NUMBER_TYPES or type_ == "geopoint":
        try:
            left = [number("decimal", str(part)) for part in (first if isinstance(first, list) else [first])]
            right = [number("decimal", str(part)) for part in (second if isinstance(second, list) else [second])]
        except NotANumber:
            return collapse(str(first)) == collapse(str(second))
        return left == right
    return collapse(str(first)) == collapse(str(second))


def conflicts(sheet: KeySheet, first: Mapping[str, Any], second: Mapping[str, Any]) -> list[str]:
    """The paths, in form order, where the two entries differ."""
    return [item.path for item in sheet.fields if not same(item.type, first.get(item.path), second.get(item.path))]


def agreed_answers(sheet: KeySheet, answers: Mapping[str, Any], leave_out: Iterable[str] = ()) -> dict[str, Any]:
    """The answers both entries agree on, as sent: text with its spaces collapsed and ASCII digits (a phone number
    keyed ٠٧٧… then matches the form's constraint)."""
    skipped = set(leave_out)
    agreed: dict[str, Any] = {}
    for item in sheet.fields:
        value = answers.get(item.path)
        if item.path in skipped or is_blank(value):
            continue
        agreed[item.path] = collapse(value) if item.type == "text" and isinstance(value, str) else value
    return agreed


def compared_paths(sheet: KeySheet, *answer_sets: Mapping[str, Any]) -> list[str]:
    """The questions that count in agreement figures: those answered in at least one of the answer sets (a question
    both left blank says nothing about how carefully it was keyed)."""
    return [item.path for item in sheet.fields if any(not is_blank(answers.get(item.path)) for answers in answer_sets)]
