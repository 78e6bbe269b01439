"""Skip instructions in words: "Answer 12.3 only if the answer to 12.1 is «Partially available» or «Not available»"."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field

from rasd.questionnaires.models import QuestionnaireField
from rasd.questionnaires.paper.phrases import phrase
from rasd.questionnaires.paper.relevance import Compare, Condition, Junction, Not, Selected, Unparsed, parse, ref_name


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

    def add(self, number: str, item: QuestionnaireField) -> None:
        self.by_path[item.path] = (number, item)
        self.by_name.setdefault(item.name, (number, item))

    def find(self, ref: str) -> tuple[str, QuestionnaireField]:
        found = self.by_path.get(ref) if ref.startswith("/") else None
        found = found or self.by_name.get(ref_name(ref))
        if found is None:
            raise Unparsed(f"{ref} has no number")
        return found


class Describer:
    def __init__(self, numbering: Numbering, language: str) -> None:
        self.numbering = numbering
        self.language = language

    def quote(self, item: QuestionnaireField, value: str) -> str:
        label: dict[str, str] = next((c.get("labels", {}) for c in item.choices if str(c.get("name")) == value), {})
        return phrase("quote", self.language).format(in_language(label, self.language, value))

    def describe(self, condition: Condition, nested: bool = False) -> str:
        if isinstance(condition, Junction):
            same = self._same_field_choices(condition)
            if same is not None:
                return same
            text = phrase(condition.op, self.language).join(self.describe(item, True) for item in condition.items)
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
        refs = {i.ref for i in items if isinstance(i, Compare)}
        if len(refs) != 1:
            return None
        number, item = self.numbering.find(refs.pop())
        values = phrase("or", self.language).join(self.quote(item, i.value) for i in items if isinstance(i, Compare))
        return phrase("is", self.language, q=number, values=values)


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
