"""Reads of paper double entry: the list of paper forms, one paper form's history side by side, and the entry
agreement rates per clerk. Everything starts from `scoped()`."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.db.models import QuerySet

from rasd.accounts.scoping import scoped
from rasd.collection.models import Round
from rasd.paperentry import keying
from rasd.paperentry.keying import KeySheet
from rasd.paperentry.models import PaperForm, PaperFormState
from rasd.registry.models import Directorate
from rasd.submissions.answers import Catalogue

if TYPE_CHECKING:
    from rasd.accounts.models import User


def paper_forms(
    user: User, *, round_: Round | None = None, state: str = "", directorate: Directorate | None = None
) -> QuerySet[PaperForm]:
    found = scoped(user, PaperForm.objects.all()).select_related(
        "round", "version__questionnaire", "facility", "directorate", "sector", "submission"
    )
    if round_ is not None:
        found = found.filter(round=round_)
    if state:
        found = found.filter(state=state)
    if directorate is not None:
        found = found.filter(directorate=directorate)
    return found.prefetch_related("entries__clerk")


def final_answers(paper_form: PaperForm) -> dict[str, Any] | None:
    """What was sent to the pipeline: the resolution's answers, or the agreed entries' (None before sending)."""
    if paper_form.state != PaperFormState.SENT:
        return None
    resolution = getattr(paper_form, "resolution", None)
    if resolution is not None:
        return dict(resolution.answers)
    first = next((entry for entry in paper_form.entries.all() if entry.number == 1), None)
    return dict(first.answers) if first is not None else None


# --- one paper form, side by side -------------------------------------------------------------------------------


@dataclass(frozen=True)
class ComparedRow:
    number: str
    label: str
    path: str
    first: str
    second: str
    final: str
    agree: bool


def compared_rows(paper_form: PaperForm, language: str) -> list[ComparedRow]:
    """Both entries field by field (questions answered in either), with the final value once sent. Only when both
    entries are in: before that, showing one would break blind double entry."""
    entries = {entry.number: entry.answers for entry in paper_form.entries.all()}
    if len(entries) < 2:
        return []
    sheet = keying.key_sheet(paper_form.version)
    catalogue = Catalogue.of(paper_form.version)
    final = final_answers(paper_form) or {}
    first, second = entries[1], entries[2]
    by_path = sheet.by_path()
    rows = []
    for path in keying.compared_paths(sheet, first, second, final):
        item = by_path[path]
        rows.append(
            ComparedRow(
                number=item.number,
                label=item.label(language),
                path=path,
                first=catalogue.display(path, first.get(path), language),
                second=catalogue.display(path, second.get(path), language),
                final=catalogue.display(path, final.get(path), language),
                agree=keying.same(item.type, first.get(path), second.get(path)),
            )
        )
    return rows


def entry_displays(paper_form: PaperForm, paths: list[str], language: str) -> dict[str, tuple[str, str]]:
    """Entry 1's and entry 2's answers to `paths` as a reader sees them (choice labels, not codes)."""
    entries = {entry.number: entry.answers for entry in paper_form.entries.all()}
    first, second = entries.get(1, {}), entries.get(2, {})
    catalogue = Catalogue.of(paper_form.version)
    return {
        path: (catalogue.display(path, first.get(path), language), catalogue.display(path, second.get(path), language))
        for path in paths
    }


@dataclass(frozen=True)
class ChoiceRow:
    number: str
    label: str
    first: str
    second: str
    chosen: str
    source: str


def resolution_rows(paper_form: PaperForm, language: str) -> list[ChoiceRow]:
    resolution = getattr(paper_form, "resolution", None)
    if resolution is None:
        return []
    by_path = keying.key_sheet(paper_form.version).by_path()
    catalogue = Catalogue.of(paper_form.version)
    rows = []
    for choice in resolution.choices:
        path = choice["path"]
        item = by_path.get(path)
        rows.append(
            ChoiceRow(
                number=item.number if item else "",
                label=item.label(language) if item else path,
                first=catalogue.display(path, choice.get("first"), language),
                second=catalogue.display(path, choice.get("second"), language),
                chosen=catalogue.display(path, choice.get("chosen"), language),
                source=choice.get("source", ""),
            )
        )
    return rows


# --- agreement ------------------------------------------------------------------------------------------------


@dataclass
class ClerkAgreement:
    clerk: User
    forms: int = 0  # paper forms keyed
    fields_keyed: int = 0  # answers keyed (blank ones not counted)
    fields_checked: int = 0  # questions of sent forms answered in the clerk's entry or in the final answers
    fields_matching: int = 0  # of those, where the clerk's entry equals the final value

    @property
    def rate(self) -> float | None:
        return 100 * self.fields_matching / self.fields_checked if self.fields_checked else None


@dataclass
class Agreement:
    clerks: list[ClerkAgreement] = field(default_factory=list)
    forms_compared: int = 0  # paper forms with both entries in
    fields_compared: int = 0  # questions answered in at least one of the two entries
    fields_agreed: int = 0

    @property
    def rate(self) -> float | None:
        return 100 * self.fields_agreed / self.fields_compared if self.fields_compared else None


def agreement(user: User, round_: Round, directorate: Directorate | None = None) -> Agreement:
    """Entry agreement in a round, over the paper forms in the user's scope: between the two entries of each form,
    and per clerk against the final (agreed or resolved) values."""
    forms = paper_forms(user, round_=round_, directorate=directorate).select_related("resolution")
    sheets: dict[int, KeySheet] = {}
    result = Agreement()
    by_clerk: dict[int, ClerkAgreement] = {}
    for paper_form in forms:
        entries = sorted(paper_form.entries.all(), key=lambda entry: entry.number)
        sheet = sheets.get(paper_form.version_id) or sheets.setdefault(
            paper_form.version_id, keying.key_sheet(paper_form.version)
        )
        final = final_answers(paper_form)
        for entry in entries:
            stats = by_clerk.setdefault(entry.clerk_id, ClerkAgreement(entry.clerk))
            stats.forms += 1
            stats.fields_keyed += sum(1 for value in entry.answers.values() if not keying.is_blank(value))
            if final is not None:
                checked, matching = _matches(sheet, entry.answers, final)
                stats.fields_checked += checked
                stats.fields_matching += matching
        if len(entries) == 2:
            result.forms_compared += 1
            checked, matching = _matches(sheet, entries[0].answers, entries[1].answers)
            result.fields_compared += checked
            result.fields_agreed += matching
    result.clerks = sorted(by_clerk.values(), key=lambda stats: (stats.clerk.username,))
    return result


def _matches(sheet: KeySheet, keyed: Mapping[str, Any], reference: Mapping[str, Any]) -> tuple[int, int]:
    by_path = sheet.by_path()
    paths = keying.compared_paths(sheet, keyed, reference)
    matching = sum(1 for path in paths if keying.same(by_path[path].type, keyed.get(path), reference.get(path)))
    return len(paths), matching
