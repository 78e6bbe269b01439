"""Validation hooks: functions called for every new `SubmissionVersion`, inside the ingestion savepoint.

A hook receives the version just built (its record, answers, facility and questionnaire version are set) and
may add rows of its own (issues, flags). If a hook raises, the record is not built — the raw submission is
kept and `process_pending()` retries it later — so a hook should raise only for a real bug. See
docs/ingestion.md.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from rasd.lib.hooks import Hooks

if TYPE_CHECKING:
    from rasd.submissions.models import SubmissionVersion

Hook = Callable[["SubmissionVersion"], None]

_registry: Hooks[Hook] = Hooks()
register = _registry.register
unregister = _registry.unregister
registered = _registry.registered


def run(version: SubmissionVersion) -> None:
    for hook in registered():
        hook(version)
