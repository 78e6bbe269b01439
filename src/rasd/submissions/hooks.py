"""Validation hooks: functions called for every new `SubmissionVersion`, inside the ingestion savepoint.

A hook receives the version just built (its record, answers, facility and questionnaire version are set) and
may add rows of its own (issues, flags). If a hook raises, the record is not built — the raw submission is
kept and `process_pending()` retries it later — so a hook should raise only for a real bug. See
docs/ingestion.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rasd.submissions.models import SubmissionVersion

Hook = Callable[["SubmissionVersion"], None]

_hooks: list[Hook] = []


def register(fn: Hook) -> Hook:
    """Add `fn` to the hooks (once; usable as a decorator). Hooks run in registration order."""
    if fn not in _hooks:
        _hooks.append(fn)
    return fn


def unregister(fn: Hook) -> None:
    if fn in _hooks:
        _hooks.remove(fn)


def registered() -> tuple[Hook, ...]:
    return tuple(_hooks)


def run(version: SubmissionVersion) -> None:
    for hook in tuple(_hooks):
        hook(version)
