"""Flags for the browser-entry buttons on other apps' pages (so their views need not change)."""

from __future__ import annotations

from typing import Any

from django import template

from rasd.accounts.roles import Perm
from rasd.collection.models import Round, RoundState
from rasd.submissions.models import Submission
from rasd.webentry.services import edit_refusal

register = template.Library()


@register.simple_tag
def can_fill_in_browser(user: Any, round_: Round) -> bool:
    """The user may submit and the round collects."""
    return bool(getattr(user, "is_authenticated", False) and user.can(Perm.SUBMIT_DATA)) and (
        round_.state == RoundState.COLLECTING
    )


@register.simple_tag
def can_edit_in_browser(user: Any, submission: Submission) -> bool:
    """The user may submit and see submissions, and the record's round still takes edits."""
    if not getattr(user, "is_authenticated", False):
        return False
    if not (user.can(Perm.SUBMIT_DATA) and user.can(Perm.VIEW_SUBMISSIONS)):
        return False
    return not edit_refusal(submission)
