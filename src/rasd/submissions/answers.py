"""Answers as a reader sees them: question labels, choice labels and group headings in one language.

Answers are stored keyed by field path (see `SubmissionVersion.answers`); the field catalogue of the questionnaire
version says what each path is. Everything here takes the language explicitly, so a page in Arabic can show the
answers in English (and the review issue can reuse it outside a request).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils import translation

from rasd.questionnaires.models import FieldKind, QuestionnaireField, QuestionnaireVersion

# Kinds that carry an answer. Groups and notes only structure or explain the form; metadata (start, end,
# instanceID) is shown by the page itself.
ANSWER_KINDS = frozenset({FieldKind.QUESTION, FieldKind.CALCULATE})
LANGUAGES = ("ar", "ckb", "en")


def answer_language(requested: str | None = None) -> str:
    """The language to show answers in: the one asked for when rasd has it, else the page's language."""
    if requested in LANGUAGES:
        return str(requested)
    active = (translation.get_language() or "ar").split("-")[0]
    return active if active in LANGUAGES else "ar"


def label_in(texts: dict[str, str], language: str) -> str:
    """A label in `language`, falling back as `localized` does (Arabic, English, Kurdish, any)."""
    for code in (language, "ar", "en", "ckb", "default"):
        if texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), "")


class Catalogue:
    """The fields of one or more questionnaire versions by path. A path the first version lacks is looked up in
    the next one, so answers of an older version still get labels when shown against a newer one."""

    def __init__(self, fields: Iterable[QuestionnaireField]) -> None:
        self.fields: dict[str, QuestionnaireField] = {}
        for item in fields:
            self.fields.setdefault(item.path, item)

    @classmethod
    def of(cls, *versions: QuestionnaireVersion) -> Catalogue:
        ids = list(dict.fromkeys(version.pk for version in versions))
        rows = QuestionnaireField.objects.filter(version_id__in=ids)
        by_version: dict[int, list[QuestionnaireField]] = {pk: [] for pk in ids}
        for item in rows.order_by("position"):
            by_version[item.version_id].append(item)
        return cls(item for pk in ids for item in by_version[pk])

    def get(self, path: str) -> QuestionnaireField | None:
        return self.fields.get(path)

    def answer_paths(self) -> list[str]:
        """Paths that carry answers, in document order of the first version."""
        return [path for path, item in self.fields.items() if item.kind in ANSWER_KINDS]

    def label(self, path: str, language: str) -> str:
        item = self.fields.get(path)
        text = label_in(item.labels, language) if item is not None else ""
        return text or (item.name if item is not None else path.rsplit("/", 1)[-1])

    def display(self, path: str, value: Any, language: str) -> str:
        """One answer as text: choice labels for selects, 'lat, lon (± m)' for a point, the value otherwise."""
        if value is None or value == "" or value == []:
            return ""
        item = self.fields.get(path)
        if item is not None and item.type.startswith(("select_one", "select_multiple")) and item.choices:
            labels = {choice["name"]: label_in(choice.get("labels", {}), language) for choice in item.choices}
            names = value if isinstance(value, list) else str(value).split()
            separator = ", " if language == "en" else "، "
            return separator.join(labels.get(str(name)) or str(name) for name in names)
        if item is not None and item.type == "geopoint" and isinstance(value, list) and len(value) >= 2:
            text = f"{value[0]}, {value[1]}"
            return f"{text} (± {value[3]} m)" if len(value) >= 4 and value[3] else text
        if isinstance(value, list):
            return " ".join(str(part) for part in value)
        if isinstance(value, float) and value.is_integer():
            return str(int(value))
        return str(value)


@dataclass(frozen=True)
class AnswerRow:
    path: str
    label: str
    value: str  # "" when not answered
    raw: Any
    type: str

    @property
    def answered(self) -> bool:
        return self.value != ""


@dataclass
class AnswerGroup:
    """One group of the form (nested groups get their own entry, with the path of headings above them)."""

    path: str
    heading: str
    parents: list[str] = field(default_factory=list)
    rows: list[AnswerRow] = field(default_factory=list)

    @property
    def answered(self) -> int:
        return sum(1 for row in self.rows if row.answered)


def present(answers: dict[str, Any], catalogue: Catalogue, language: str, *, show_all: bool) -> list[AnswerGroup]:
    """The answers grouped by questionnaire group in document order. Unanswered questions (empty, or not relevant
    so the phone left them out) are only listed with `show_all`. Answers the catalogue does not know (a field
    renamed in a later version) come last under their paths."""
    groups: dict[str, AnswerGroup] = {"": AnswerGroup(path="", heading="")}
    order: list[AnswerGroup] = [groups[""]]
    for path, item in catalogue.fields.items():
        if item.kind in (FieldKind.GROUP, FieldKind.REPEAT):
            parent = groups.get(item.parent_path)
            parents = [*parent.parents, parent.heading] if parent is not None and parent.heading else []
            groups[path] = AnswerGroup(path=path, heading=catalogue.label(path, language), parents=parents)
            order.append(groups[path])
        elif item.kind in ANSWER_KINDS:
            value = answers.get(path)
            row = AnswerRow(
                path, catalogue.label(path, language), catalogue.display(path, value, language), value, item.type
            )
            if row.answered or show_all:
                groups.get(item.parent_path, groups[""]).rows.append(row)
    unknown = [path for path in answers if path not in catalogue.fields]
    if unknown:
        other = AnswerGroup(path="?", heading="")
        other.rows = [
            AnswerRow(path, path, catalogue.display(path, answers[path], language), answers[path], "")
            for path in unknown
        ]
        order.append(other)
    return [group for group in order if group.rows]
