"""What a printed form shows, worked out from a version's field catalogue: sections numbered by top-level group,
questions numbered within them ("3.4"), answer boxes by type, and written skip instructions.

Calculations and metadata are not printed. Questions outside any group are gathered in unnamed sections of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from rasd.questionnaires.models import FieldKind, QuestionnaireField, QuestionnaireVersion
from rasd.questionnaires.paper.phrases import RTL_LANGUAGES, phrase
from rasd.questionnaires.paper.words import Numbering, in_language, skip_instruction

HIDDEN_KINDS = frozenset({FieldKind.CALCULATE, FieldKind.META})
CONTAINERS = frozenset({FieldKind.GROUP, FieldKind.REPEAT})
NUMERIC_TYPES = frozenset({"integer", "decimal", "range"})
PIPED = re.compile(r"\$\{[^}]*\}")


@dataclass(frozen=True)
class Text:
    language: str
    text: str
    code: str = ""  # an expression printed as written, left to right, under the text

    @property
    def direction(self) -> str:
        return "rtl" if self.language in RTL_LANGUAGES else "ltr"


@dataclass
class Item:
    kind: str  # "question", "note" or "heading" (a group inside a section)
    number: str
    labels: list[Text]
    hints: list[Text] = field(default_factory=list)
    instructions: list[Text] = field(default_factory=list)
    answer: str = ""  # "one", "many", "number", "date", "geopoint", "long_text" or "text"
    choices: list[list[Text]] = field(default_factory=list)
    required: bool = False
    repeat: bool = False


@dataclass
class Section:
    number: str
    titles: list[Text]
    instructions: list[Text] = field(default_factory=list)
    captions: list[Text] = field(default_factory=list)  # "Section 3"
    repeat: bool = False
    items: list[Item] = field(default_factory=list)


@dataclass
class PrintedForm:
    form_id: str
    version: str
    titles: list[Text]
    languages: list[str]
    sections: list[Section]


def texts(values: dict[str, str], languages: Sequence[str], fallback: str = "") -> list[Text]:
    """A label in each print language; answers piped into it (`${name}`) become a blank to fill in by hand."""
    found = [Text(language, PIPED.sub("……", in_language(values, language, fallback))) for language in languages]
    # A bilingual form whose two labels are the same (e.g. a code) prints it once.
    return [t for i, t in enumerate(found) if t.text and all(t.text != other.text for other in found[:i])]


def phrases(key: str, languages: Sequence[str], **values: str) -> list[Text]:
    return [Text(language, phrase(key, language, **values)) for language in languages]


def answer_kind(item: QuestionnaireField) -> str:
    base = item.type.split()[0] if item.type else ""
    if base in ("select_one", "select_multiple") and item.choices:
        return "one" if base == "select_one" else "many"
    if base in NUMERIC_TYPES:
        return "number"
    if base in ("date", "datetime", "geopoint"):
        return "geopoint" if base == "geopoint" else "date"
    return "long_text" if "multiline" in item.appearance else "text"


def number_fields(fields: Iterable[QuestionnaireField]) -> tuple[Numbering, dict[str, str]]:
    """Question numbers by path, and the section number of every top-level container (by path)."""
    numbering = Numbering()
    sections: dict[str, str] = {}
    section, question, loose = 0, 0, False
    for item in fields:
        if item.kind in HIDDEN_KINDS:
            continue
        top_level = item.parent_path.count("/") <= 1  # "" or "/data"
        if top_level and item.kind in CONTAINERS:
            section, question, loose = section + 1, 0, False
            sections[item.path] = str(section)
        elif top_level and not loose:
            section, question, loose = section + 1, 0, True
            sections[item.path] = str(section)
        if item.kind == FieldKind.QUESTION:
            question += 1
            numbering.add(f"{section}.{question}", item)
    return numbering, sections


def build(version: QuestionnaireVersion, languages: Sequence[str]) -> PrintedForm:
    fields = [f for f in version.fields.order_by("position") if f.kind not in HIDDEN_KINDS]
    numbering, section_numbers = number_fields(fields)
    sections: list[Section] = []
    for item in fields:
        if item.path in section_numbers:
            number = section_numbers[item.path]
            is_container = item.kind in CONTAINERS
            current = Section(number, texts(item.labels, languages, item.name) if is_container else [])
            current.repeat = item.kind == FieldKind.REPEAT
            current.captions = phrases("section", languages, n=number)
            sections.append(current)
            if is_container:
                current.instructions = _instructions(item, number, numbering, languages, section=True)
                continue
        sections[-1].items.append(_item(item, numbering, languages))
    title = dict.fromkeys(languages, version.questionnaire.title)
    return PrintedForm(
        form_id=version.questionnaire.form_id,
        version=version.version,
        titles=texts(title, languages),
        languages=list(languages),
        sections=sections,
    )


def _instructions(
    item: QuestionnaireField, number: str, numbering: Numbering, languages: Sequence[str], *, section: bool
) -> list[Text]:
    if not item.relevance.strip():
        return []
    return [
        Text(language, *skip_instruction(number, item.relevance, numbering, language, section=section))
        for language in languages
    ]


def _item(item: QuestionnaireField, numbering: Numbering, languages: Sequence[str]) -> Item:
    labels = texts(item.labels, languages, item.name)
    if item.kind in CONTAINERS:
        quoted = {lang: phrase("quote", lang).format(in_language(item.labels, lang, item.name)) for lang in languages}
        instructions = [
            Text(lang, *skip_instruction(quoted[lang], item.relevance, numbering, lang, section=False))
            for lang in languages
            if item.relevance.strip()
        ]
        return Item("heading", "", labels, instructions=instructions, repeat=item.kind == FieldKind.REPEAT)
    if item.kind == FieldKind.NOTE:
        return Item("note", "", labels, hints=texts(item.hints, languages))
    number = numbering.by_path[item.path][0]
    answer = answer_kind(item)
    return Item(
        "question",
        number,
        labels,
        hints=texts(item.hints, languages),
        instructions=_instructions(item, number, numbering, languages, section=False),
        answer=answer,
        choices=[texts(c.get("labels", {}), languages, str(c.get("name", ""))) for c in item.choices]
        if answer in ("one", "many")
        else [],
        required=item.required,
    )
