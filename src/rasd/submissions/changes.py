"""What changed between two versions of a record, field by field (the version history, review and browser edits)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rasd.submissions.answers import Catalogue, answer_language


@dataclass(frozen=True)
class FieldChange:
    """One answer that differs. `old`/`new` are the stored values (None when absent); the displays are texts
    in the language the diff was made for ("" when absent)."""

    path: str
    label: str
    old: Any
    new: Any
    old_display: str
    new_display: str

    @property
    def added(self) -> bool:
        return self.old is None

    @property
    def removed(self) -> bool:
        return self.new is None


def _same(old: Any, new: Any) -> bool:
    # A select_multiple whose choices were re-ordered is the same answer; so is 3 and 3.0.
    if isinstance(old, list) and isinstance(new, list) and all(isinstance(v, str) for v in (*old, *new)):
        return sorted(old) == sorted(new)
    return bool(old == new)


def diff_answers(
    old: dict[str, Any], new: dict[str, Any], catalogue: Catalogue, language: str | None = None
) -> list[FieldChange]:
    """The answers that were added, changed or removed from `old` to `new`, in the catalogue's document order
    (paths the catalogue does not know come last, by path). Labels in `language`, else the active language."""
    language = answer_language(language)
    paths = [path for path in catalogue.fields if path in old or path in new]
    paths += sorted((set(old) | set(new)) - set(catalogue.fields))
    changes: list[FieldChange] = []
    for path in paths:
        before, after = old.get(path), new.get(path)
        if _same(before, after):
            continue
        changes.append(
            FieldChange(
                path=path,
                label=catalogue.label(path, language),
                old=before,
                new=after,
                old_display=catalogue.display(path, before, language),
                new_display=catalogue.display(path, after, language),
            )
        )
    return changes
