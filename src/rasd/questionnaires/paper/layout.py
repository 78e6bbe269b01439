"""What a printed form shows, worked out from a version's field catalogue: sections numbered by top-level group,
questions numbered within them ("3.4"), answer boxes by type, and written skip instructions.

Calculations and metadata are not printed. Questions outside any group are gathered in unnamed sections of their own.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field

from rasd.questionnaires.models import FieldKind, QuestionnaireField, QuestionnaireVersion
from rasd.questionnaires.paper.facility import columns_read, decide, facility_columns
from rasd.questionnaires.paper.relevance import Condition, Unparsed, parse
from rasd.questionnaires.paper.wording import RTL_LANGUAGES, join, phrase
from rasd.questionnaires.paper.words import Numbering, in_language, skip_instruction
from rasd.registry.models import FacilityType

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
    left_out: list[Text] = field(default_factory=list)  # what was not printed for this facility, and why
    repeat: bool = False
    items: list[Item] = field(default_factory=list)


@dataclass
class PrintedForm:
    form_id: str
    version: str
    titles: list[Text]
    languages: list[str]
    sections: list[Section]
    reads_level: bool = False  # whether conditions read the facility's level of care (printed in the header)


def texts(values: dict[str, str], languages: Sequence[str], fallback: str = "") -> list[Text]:
    """A label in each print language; answers piped into it (`${name}`) become a blank to fill in by hand."""
    found = [Text(language, PIPED.sub("……", in_language(values, language, fallback))) for language in languages]
    # A bilingual form whose two labels are the same (e.g. a code) prints it once.
    return [t for i, t in enumerate(found) if t.text and all(t.text != other.text for other in found[:i])]


def phrases(key: str, languages: Sequence[str], **values: str) -> list[Text]:
    """A phrase in each print language; printed once if two languages give the same text (a translation missing
    from the catalogue falls back to the English source)."""
    found = [Text(language, phrase(key, language, **values)) for language in languages]
    return [t for i, t in enumerate(found) if all(t.text != other.text for other in found[:i])]


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


@dataclass
class Plan:
    """A version's fields and numbers, and the conditions a facility's listing decides (see facility.py)."""

    fields: list[QuestionnaireField]
    numbering: Numbering
    section_numbers: dict[str, str]
    facility_relevances: dict[str, Condition]  # by path: relevance that reads only the facility list


def plan(version: QuestionnaireVersion) -> Plan:
    fields = [f for f in version.fields.order_by("position") if f.kind not in HIDDEN_KINDS]
    numbering, section_numbers = number_fields(fields)
    numbering.facility_columns = facility_columns(version)
    if "type" in numbering.facility_columns.values():
        numbering.type_names = {
            t.code: {"ar": t.name_ar, "ckb": t.name_ckb, "en": t.name_en} for t in FacilityType.objects.all()
        }
    relevances: dict[str, Condition] = {}
    for item in fields:
        if not item.relevance.strip() or not numbering.facility_columns:
            continue
        try:
            condition = parse(item.relevance)
        except Unparsed:
            continue
        if columns_read(condition, numbering.facility_columns):
            relevances[item.path] = condition
    return Plan(fields, numbering, section_numbers, relevances)


def decisions_for(form_plan: Plan, facts: Mapping[str, str] | None) -> dict[str, bool]:
    """Whether each facility-decided field applies to a facility with these `facts` (empty for a blank form)."""
    return decide(form_plan.facility_relevances, form_plan.numbering.facility_columns, facts)


def build(
    version: QuestionnaireVersion,
    languages: Sequence[str],
    facts: Mapping[str, str] | None = None,
    form_plan: Plan | None = None,
) -> PrintedForm:
    """The printed form; for a facility (its `facts`), without what its listing says does not apply to it.

    Questions keep their numbers when others are left out, so that 5.12 is the same question on every form."""
    form_plan = form_plan or plan(version)
    numbering = form_plan.numbering
    decisions = decisions_for(form_plan, facts)
    left_out = {path for path, applies in decisions.items() if not applies}
    settled = set(decisions)  # an instruction that holds for this facility is not printed
    sections: list[Section] = []
    skipped: list[str] = []  # paths of left-out containers: their contents go too
    for item in form_plan.fields:
        if any(item.parent_path == p or item.parent_path.startswith(p + "/") for p in skipped):
            continue
        if item.path in form_plan.section_numbers:
            number = form_plan.section_numbers[item.path]
            is_container = item.kind in CONTAINERS
            current = Section(number, texts(item.labels, languages, item.name) if is_container else [])
            current.repeat = item.kind == FieldKind.REPEAT
            current.captions = phrases("section", languages, n=number)
            sections.append(current)
            if item.path in left_out:
                skipped.append(item.path)
                current.left_out = _left_out([item], form_plan, facts or {}, languages)
                continue
            if is_container:
                current.instructions = _instructions(item, number, numbering, languages, settled, section=True)
                continue
        if item.path in left_out:
            skipped.append(item.path)
            continue
        sections[-1].items.append(_item(item, numbering, languages, settled))
    _note_left_out(sections, form_plan, left_out, facts or {}, languages)
    title = dict.fromkeys(languages, version.questionnaire.title)
    return PrintedForm(
        form_id=version.questionnaire.form_id,
        version=version.version,
        titles=texts(title, languages),
        languages=list(languages),
        sections=sections,
        reads_level="level_of_care" in numbering.facility_columns.values(),
    )


def _note_left_out(
    sections: list[Section], form_plan: Plan, left_out: set[str], facts: Mapping[str, str], languages: Sequence[str]
) -> None:
    """One note at the start of each section that lost questions or groups, naming them."""
    by_section: dict[str, list[QuestionnaireField]] = {}
    number_of = form_plan.section_numbers
    current = ""
    named: list[str] = []
    for item in form_plan.fields:
        current = number_of.get(item.path, current)
        inside = any(item.parent_path == p or item.parent_path.startswith(p + "/") for p in named)
        if item.path in left_out and item.path not in number_of and not inside:
            named.append(item.path)  # the group is named, not the questions in it
            by_section.setdefault(current, []).append(item)
    for section in sections:
        if section.number in by_section:
            section.left_out = _left_out(by_section[section.number], form_plan, facts, languages)


def _left_out(
    items: list[QuestionnaireField], form_plan: Plan, facts: Mapping[str, str], languages: Sequence[str]
) -> list[Text]:
    read: set[str] = set()
    for item in items:
        read |= columns_read(form_plan.facility_relevances[item.path], form_plan.numbering.facility_columns)
    notes = []
    for language in languages:
        names = join("list", [in_language(item.labels, language, item.name) for item in items], language)
        if read == {"level_of_care"}:
            level = form_plan.numbering.fact_label("level_of_care", facts.get("level_of_care", ""), language)
            text = phrase("left_out_level", language, level=phrase("quote", language, text=level), items=names)
        else:
            text = phrase("left_out", language, items=names)
        notes.append(Text(language, text))
    return notes


def _instructions(
    item: QuestionnaireField,
    number: str,
    numbering: Numbering,
    languages: Sequence[str],
    settled: set[str],
    *,
    section: bool,
) -> list[Text]:
    if not item.relevance.strip() or item.path in settled:
        return []
    return [
        Text(language, *skip_instruction(number, item.relevance, numbering, language, section=section))
        for language in languages
    ]


def _item(item: QuestionnaireField, numbering: Numbering, languages: Sequence[str], settled: set[str]) -> Item:
    labels = texts(item.labels, languages, item.name)
    if item.kind in CONTAINERS:
        quoted = {lang: phrase("quote", lang, text=in_language(item.labels, lang, item.name)) for lang in languages}
        instructions = [
            Text(lang, *skip_instruction(quoted[lang], item.relevance, numbering, lang, section=False))
            for lang in languages
            if item.relevance.strip() and item.path not in settled
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
        instructions=_instructions(item, number, numbering, languages, settled, section=False),
        answer=answer,
        choices=[texts(c.get("labels", {}), languages, str(c.get("name", ""))) for c in item.choices]
        if answer in ("one", "many")
        else [],
        required=item.required,
    )
