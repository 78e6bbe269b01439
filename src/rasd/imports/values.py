"""A cell of an export read as an answer of its field's type, or a `BadValue` saying why it cannot be.

Numbers and dates are parsed as the facility import does (Arabic-Indic digits, `12.0` from Excel, D/M/YYYY); the
answer is then typed by the pipeline's own `typed()`, so an imported answer is stored exactly as a phone's would be.
"""

from __future__ import annotations

import re
from typing import Any

from django.utils.translation import gettext as _

from rasd.imports.columns import GEOPOINT_PARTS, Columns
from rasd.imports.records import moment
from rasd.questionnaires.models import QuestionnaireField
from rasd.registry.importing import values as cells
from rasd.registry.importing.values import BadValue
from rasd.submissions.instances import text_of_answer
from rasd.submissions.normalise import typed

__all__ = ["BadValue", "answer", "geopoint_from_parts"]

_SPLIT_CHOICES = re.compile(r"\s*[,،;|\n]\s*")
_TIME = re.compile(r"(\d{1,2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?")


def answer(item: QuestionnaireField, text: str, columns: Columns) -> Any:
    """The typed answer of `text` (not empty) for `item`, or BadValue."""
    return typed(item.type, _canonical(item, text.strip(), columns))


def _canonical(item: QuestionnaireField, text: str, columns: Columns) -> str:
    """The text ODK Collect would have written for this answer."""
    kind = item.type
    if kind == "integer":
        return text_of_answer(cells.integer(text))
    if kind == "decimal":
        return text_of_answer(cells.decimal(text))
    if kind == "date":
        day = cells.day(text)
        return day.isoformat() if day else ""
    if kind == "dateTime":
        value = moment(text)
        if value is None:
            raise BadValue(_("“%(value)s” is not a date and time.") % {"value": text})
        return value.isoformat()
    if kind == "time":
        match = _TIME.fullmatch(text)
        if match is None:
            raise BadValue(_("“%(value)s” is not a time (HH:MM).") % {"value": text})
        return f"{int(match[1]):02d}:{match[2]}:{match[3] or '00'}"
    if kind == "geopoint":
        return _geopoint(text)
    if kind == "select_one" and item.choices:
        return _choice(item, text, columns)
    if kind == "select_multiple" and item.choices:
        return " ".join(_choices(item, text, columns))
    return text


def _geopoint(text: str) -> str:
    parts = text.replace(",", " ").split()
    try:
        numbers = [cells.decimal(part) for part in parts]
    except BadValue:
        numbers = []
    if not 2 <= len(numbers) <= 4 or any(number is None for number in numbers):
        raise BadValue(_("“%(value)s” is not a point (latitude longitude [altitude accuracy]).") % {"value": text})
    latitude, longitude = numbers[0], numbers[1]
    assert latitude is not None and longitude is not None
    if not (-90 <= latitude <= 90 and -180 <= longitude <= 180):
        raise BadValue(_("“%(value)s” is not a point: latitude or longitude out of range.") % {"value": text})
    return " ".join(text_of_answer(number) for number in numbers)


def geopoint_from_parts(parts: dict[str, str]) -> str:
    """A point written as one text from the columns Kobo (`_gps_latitude`…) or Central (`gps-Latitude`…) split
    it into; "" when latitude or longitude is missing."""
    if not parts.get("latitude") or not parts.get("longitude"):
        return ""
    values = [parts.get(name, "") for name in GEOPOINT_PARTS]
    while values and not values[-1]:
        values.pop()
    return " ".join(value or "0" for value in values)


def _unknown_choice(item: QuestionnaireField, text: str) -> BadValue:
    return BadValue(
        _(
            "“%(value)s” is neither a code nor a label of the choices of “%(field)s”; add it to the mapping file "
            "under “choices”."
        )
        % {"value": text, "field": item.name}
    )


def _choice(item: QuestionnaireField, text: str, columns: Columns) -> str:
    code = columns.choice_code(item, text)
    if code is None:
        raise _unknown_choice(item, text)
    return code


def _choices(item: QuestionnaireField, text: str, columns: Columns) -> list[str]:
    """Codes separated by spaces (ODK), labels or codes separated by commas or semicolons, or labels separated by
    spaces as Kobo's label exports write them (cut where every piece is a known label)."""
    pieces = [piece for piece in _SPLIT_CHOICES.split(text) if piece]
    if len(pieces) > 1:
        codes = [columns.choice_code(item, piece) for piece in pieces]
        if all(code is not None for code in codes):
            return [str(code) for code in codes]
    found = _segment(item, text.split(), columns)
    if found is None:
        unknown = next((piece for piece in pieces if columns.choice_code(item, piece) is None), text)
        raise _unknown_choice(item, unknown)
    return found


def _segment(item: QuestionnaireField, words: list[str], columns: Columns) -> list[str] | None:
    """The choices whose codes or labels, written one after the other, make up `words`; the fewest pieces win."""
    best: list[list[str] | None] = [[]] + [None] * len(words)
    for end in range(1, len(words) + 1):
        for start in range(end):
            before = best[start]
            if before is None:
                continue
            code = columns.choice_code(item, " ".join(words[start:end]))
            if code is not None and (best[end] is None or len(before) + 1 < len(best[end] or [])):
                best[end] = [*before, code]
    return best[-1]
