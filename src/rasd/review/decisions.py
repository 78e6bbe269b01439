"""Which state a reviewer's action leads to, or why it is refused: the rules of docs/review.md in one place.

Pure functions of the actor's permissions and the record's state (no queries), shared by the single actions, bulk
actions and `available_actions`. A missing permission for that state raises `PermissionDenied`; anything else
(the state, a missing justification, a closed round) raises `ReviewRefused`.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.review.models import ReviewEventKind
from rasd.review.queues import WAITING_FOR_COLLECTOR, WAITING_FOR_DIRECTORATE, WAITING_FOR_PLACEMENT
from rasd.submissions.models import SubmissionState

S = SubmissionState


class ReviewAction(models.TextChoices):
    APPROVE = "approve", gettext_lazy("Approve")
    RETURN = "return", gettext_lazy("Return to the collector")
    REJECT = "reject", gettext_lazy("Reject")
    REOPEN = "reopen", gettext_lazy("Reopen")


class ReviewRefused(Exception):
    """An action refused for the record as it stands, with a translated message for the page."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


# The permission an actor needs for the action at all (a missing one is a PermissionDenied before anything is read).
APPROVERS = (Perm.APPROVE_FOR_DIRECTORATE, Perm.APPROVE_NATIONALLY)
BASE_PERMISSIONS: dict[ReviewAction, tuple[Perm, ...]] = {
    ReviewAction.APPROVE: APPROVERS,
    ReviewAction.REJECT: APPROVERS,
    ReviewAction.RETURN: (Perm.REVIEW_SUBMISSIONS,),
    ReviewAction.REOPEN: (Perm.REVIEW_SUBMISSIONS,),
}


def may_attempt(actor: User, action: ReviewAction) -> bool:
    return any(actor.can(perm) for perm in BASE_PERMISSIONS[action])


# Stands for "the automatic state the record's issues and versions give" (received, has issues or edited).
AUTOMATIC = "automatic"


def round_locked() -> ReviewRefused:
    return ReviewRefused(_("The round is closed: its data is locked."))


def decide(
    actor: User,
    state: str,
    action: ReviewAction,
    *,
    round_closed: bool,
    high_open: bool,
    justified: bool,
    bulk: bool,
    previous: str = "",
) -> tuple[str, ReviewEventKind]:
    """(the state the record goes to, the event's kind). `previous`: for a reopen, the state the record was in
    before the decision being taken back (blank when unknown). The target `AUTOMATIC` means the automatic state."""
    if round_closed:
        raise round_locked()
    if action == ReviewAction.REOPEN:
        return _reopen(actor, state, previous), ReviewEventKind.REOPENED
    if action == ReviewAction.APPROVE:
        target = _approve(actor, state)
    elif action == ReviewAction.RETURN:
        _return(actor, state)
        target = S.RETURNED
    else:
        _reject(actor, state)
        target = S.REJECTED
    # Approving over an open high-severity issue always needs a reason; in bulk, so do rejecting and returning,
    # since the reviewer did not look at each record.
    if high_open and not justified and (action == ReviewAction.APPROVE or bulk):
        raise ReviewRefused(_("The record has open high-severity issues: give a justification to act on it anyway."))
    return target, ReviewEventKind(target)


def _approve(actor: User, state: str) -> str:
    if state in WAITING_FOR_PLACEMENT:
        raise ReviewRefused(_("A record in quarantine cannot be approved: it must be placed first."))
    if state in WAITING_FOR_COLLECTOR:
        raise ReviewRefused(_("The record was returned to its collector: it can be approved when their edit arrives."))
    if state in WAITING_FOR_DIRECTORATE:
        if not actor.can(Perm.APPROVE_FOR_DIRECTORATE):
            raise PermissionDenied(_("A record is first approved by its directorate."))
        return S.APPROVED_DIRECTORATE
    if state == S.APPROVED_DIRECTORATE:
        if not actor.can(Perm.APPROVE_NATIONALLY):
            raise PermissionDenied(_("Only national managers approve a record its directorate approved."))
        return S.APPROVED_NATIONAL
    raise _decided(state)


def _return(actor: User, state: str) -> None:
    if state in WAITING_FOR_PLACEMENT:
        raise ReviewRefused(_("A record in quarantine cannot be returned: it must be placed first."))
    if state in WAITING_FOR_COLLECTOR:
        raise ReviewRefused(_("The record is already returned to its collector."))
    if state == S.APPROVED_DIRECTORATE and not actor.can(Perm.APPROVE_NATIONALLY):
        raise PermissionDenied(_("Only national managers return a record its directorate approved."))
    if state not in WAITING_FOR_DIRECTORATE and state != S.APPROVED_DIRECTORATE:
        raise _decided(state)


def _reject(actor: User, state: str) -> None:
    if state == S.APPROVED_DIRECTORATE and not actor.can(Perm.APPROVE_NATIONALLY):
        raise PermissionDenied(_("Only national managers reject a record its directorate approved."))
    if state == S.REJECTED:
        raise ReviewRefused(_("The record is already rejected."))
    open_states = WAITING_FOR_DIRECTORATE | WAITING_FOR_PLACEMENT | WAITING_FOR_COLLECTOR
    if state not in open_states and state != S.APPROVED_DIRECTORATE:
        raise _decided(state)


def _reopen(actor: User, state: str, previous: str) -> str:
    """Take back a decision of one's own level: the record goes back to where it was before it."""
    national_before = previous == S.APPROVED_DIRECTORATE  # the decision was taken at the national level
    if state == S.APPROVED_DIRECTORATE:
        if not actor.can(Perm.APPROVE_FOR_DIRECTORATE):
            raise PermissionDenied(_("Only the directorate's managers take back its approval."))
        return _restored(previous)
    if state == S.APPROVED_NATIONAL:
        if not actor.can(Perm.APPROVE_NATIONALLY):
            raise PermissionDenied(_("Only national managers take back a national approval."))
        return S.APPROVED_DIRECTORATE
    if state == S.REJECTED:
        needed = (Perm.APPROVE_NATIONALLY,) if national_before else APPROVERS
        if not any(actor.can(perm) for perm in needed):
            raise PermissionDenied(_("You may not take back this rejection."))
        return _restored(previous)
    if state == S.RETURNED:
        if national_before and not actor.can(Perm.APPROVE_NATIONALLY):
            raise PermissionDenied(_("Only national managers take back this return."))
        return _restored(previous)
    raise ReviewRefused(_("There is no decision to take back on this record."))


def _restored(previous: str) -> str:
    # Quarantine and a directorate's approval come back as they were; otherwise the issues and versions decide.
    if previous in (S.QUARANTINED, S.APPROVED_DIRECTORATE):
        return previous
    return AUTOMATIC


def _decided(state: str) -> ReviewRefused:
    if state == S.APPROVED_NATIONAL:
        return ReviewRefused(_("The record is approved nationally: reopen it first."))
    if state == S.REJECTED:
        return ReviewRefused(_("The record is rejected: reopen it first."))
    return ReviewRefused(_("This cannot be done to a record in this state."))
