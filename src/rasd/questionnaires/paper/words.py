"""Skip instructions in words: "Answer 12.3 only if the answer to 12.1 is «Partially available» or «Not available»"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from django.utils import translation

from rasd.questionnaires.models import QuestionnaireField
from rasd.questionnaires.paper.facility import column_of
from rasd.questionnaires.paper.relevance import Compare, Condition, Junction, Not, Selected, Unparsed, parse, ref_name
from rasd.questionnaires.paper.wording import join, phrase
from rasd.registry.models.facilities import LevelOfCare, OperationalStatus


def in_language(texts: Mapping[str, str], language: str, fallback: str = "") -> str:
    """A label in `language`, else in the form's default, else in any language it has."""
    for key in (language, "default", "ar", "en"):
        if texts.get(key):
            return texts[key]
    return next((text for text in texts.values() if text), fallback)


@dataclass
class Numbering:
    """Question numbers ("3.4") by path and by name, for references in relevance expressions."""

    by_path: dict[str, tuple[str, QuestionnaireField]] = field(default_factory=dict)
    by_name: dict[str, tuple[str, QuestionnaireField]] = field(default_factory=dict)
    # Calculations that read the facility list (see facility.py): the column, by path and name.
    facility_columns: dict[str, str] = field(default_factory=dict)
    # Facility types' names by code and language, to word conditions on the facility's type.
    type_names: dict[str, dict[str, str]] = field(default_factory=dict)

    def add(self, number: str, item: QuestionnaireField) -> None:
        self.by_path[item.path] = (number, item)
        self.by_name.setdefault(item.name, (number, item))

    def find(self, ref: str) -> tuple[str, QuestionnaireField]:
        found = self.by_path.get(ref) if ref.startswith("/") else None
        found = found or self.by_name.get(ref_name(ref))
        if found is None:
            raise Unparsed(f"{ref} has no number")
        return found

    def facility_column(self, ref: str) -> str | None:
        return column_of(ref, self.facility_columns)

    def fact_label(self, column: str, value: str, language: str) -> str:
        """A facility-list value as printed: the interface's name of a level of care or status, a type's name."""
        if column == "type":
            return in_language(self.type_names.get(value, {}), language, value)
        choices = {"level_of_care": LevelOfCare, "status": OperationalStatus}[column]
        if value not in choices.values:
            return value
        with translation.override(language):
            return str(choices(value).label)


class Describer:
    def __init__(self, numbering: Numbering, language: str) -> None:
        self.numbering = numbering
        self.language = language

    def quote(self, item: QuestionnaireField, value: str) -> str:
        label: dict[str, str] = next((c.get("labels", {}) for c in item.choices if str(c.get("name")) == value), {})
        return phrase("quote", self.language, text=in_language(label, self.language, value))

    def quote_fact(self, column: str, value: str) -> str:
        return phrase("quote", self.language, text=self.numbering.fact_label(column, value, self.language))

    def describe(self, condition: Condition, nested: bool = False) -> str:
        if isinstance(condition, Junction):
            same = self._same_field_choices(condition)
            if same is not None:
                return same
            text = join(condition.op, [self.describe(item, True) for item in condition.items], self.language)
            return f"({text})" if nested else text
        if isinstance(condition, Not):
            inner = condition.item
            if isinstance(inner, Selected):
                number, item = self.numbering.find(inner.ref)
                return phrase("not_ticked", self.language, q=number, value=self.quote(item, inner.value))
            return phrase("not", self.language, cond=self.describe(inner, True))
        if isinstance(condition, Selected):
            number, item = self.numbering.find(condition.ref)
            return phrase("ticked", self.language, q=number, value=self.quote(item, condition.value))
        return self._compare(condition)

    def _compare(self, condition: Compare) -> str:
        column = self.numbering.facility_column(condition.ref)
        if column is not None:
            return self._fact(column, condition.op, [condition.value], condition.numeric)
        number, item = self.numbering.find(condition.ref)
        if condition.value == "" and condition.op in ("=", "!="):
            return phrase("not_answered" if condition.op == "=" else "answered", self.language, q=number)
        if condition.op in ("=", "!=") and not condition.numeric:
            key = "is" if condition.op == "=" else "is_not"
            return phrase(key, self.language, q=number, values=self.quote(item, condition.value))
        if condition.op in ("=", "!="):
            key = "is" if condition.op == "=" else "is_not"
            return phrase(key, self.language, q=number, values=condition.value)
        return phrase(condition.op, self.language, q=number, n=condition.value)

    def _same_field_choices(self, condition: Junction) -> str | None:
        """`x = 'a' or x = 'b'` reads better as "the answer to x is «a» or «b»"."""
        items = condition.items
        if condition.op != "or" or not all(isinstance(i, Compare) and i.op == "=" and i.value for i in items):
            return None
        # The same field, whether referred to by name or by path.
        refs = {self.numbering.facility_column(i.ref) or ref_name(i.ref) for i in items if isinstance(i, Compare)}
        if len(refs) != 1:
            return None
        ref = next(i.ref for i in items if isinstance(i, Compare))
        literals = [i.value for i in items if isinstance(i, Compare)]
        column = self.numbering.facility_column(ref)
        if column is not None:
            return self._fact(column, "=", literals, any(isinstance(i, Compare) and i.numeric for i in items))
        number, item = self.numbering.find(ref)
        values = join("or", [self.quote(item, value) for value in literals], self.language)
        return phrase("is", self.language, q=number, values=values)

    def _fact(self, column: str, op: str, values: list[str], numeric: bool) -> str:
        """Words for what the facility list says ("the facility's level of care is not “Primary”"), not an answer."""
        if op not in ("=", "!=") or numeric:
            raise Unparsed(f"{column} {op}")
        prefix = {"level_of_care": "level", "type": "type", "status": "status"}[column]
        quoted = join("or", [self.quote_fact(column, value) for value in values], self.language)
        return phrase(f"{prefix}_is" if op == "=" else f"{prefix}_is_not", self.language, values=quoted)


def skip_instruction(
    number: str, relevance: str, numbering: Numbering, language: str, *, section: bool
) -> tuple[str, str]:
    """The written instruction for a question or section shown only when `relevance` holds, and the expression
    itself when its shape is not one put into words (printed under the instruction), else ""."""
    key = "section_only_if" if section else "answer_only_if"
    try:
        condition = Describer(numbering, language).describe(parse(relevance))
    except Unparsed:
        return phrase(key, language, q=number, cond=phrase("unparsed", language)), relevance.strip()
    return phrase(key, language, q=number, cond=condition), ""
