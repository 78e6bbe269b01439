"""Reviewers' actions on records: approve (two levels), return to the collector, reject, reopen, comment, and the
same actions in bulk on a filtered list.

Every action checks the actor's permission and scope, locks the records (`select_for_update`, so two reviewers
acting at once cannot both move a record from the same state), writes the state, a thread event and an audit entry in
one transaction. The rules of which action applies to which state are in `rasd.review.decisions`. See
docs/review.md.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import scoped
from rasd.audit import services as audit
from rasd.audit.models import AuditEntry
from rasd.collection.models import RoundState
from rasd.quality.models import Issue, IssueStatus, Severity
from rasd.quality.services import JUSTIFICATION_MAX
from rasd.review.decisions import AUTOMATIC, ReviewAction, ReviewRefused, decide, may_attempt, round_locked
from rasd.review.models import DECISION_KINDS, ReviewEvent, ReviewEventKind
from rasd.review.states import automatic_state, has_open_issue
from rasd.submissions.models import Submission, SubmissionState

__all__ = [
    "BulkOutcome",
    "ReviewAction",
    "ReviewRefused",
    "add_comment",
    "approve",
    "available_actions",
    "bulk",
    "may_comment",
    "needs_justification",
    "reject",
    "reopen",
    "return_to_collector",
    "thread",
]

MESSAGE_MAX = JUSTIFICATION_MAX
BATCH = 500

AUDIT_ACTIONS = {
    ReviewEventKind.APPROVED_DIRECTORATE: "review.approved",
    ReviewEventKind.APPROVED_NATIONAL: "review.approved",
    ReviewEventKind.RETURNED: "review.returned",
    ReviewEventKind.REJECTED: "review.rejected",
    ReviewEventKind.REOPENED: "review.reopened",
}


@dataclass
class BulkOutcome:
    done: list[int] = field(default_factory=list)  # ids of the records acted on
    refused: list[tuple[Submission, str]] = field(default_factory=list)  # (record, translated reason)


# --- single actions ---------------------------------------------------------------------------------------------


def approve(actor: User, submission: Submission, *, justification: str = "") -> Submission:
    """First level (by the directorate) for a record waiting for it, second level (national) for a record its
    directorate approved. Open high-severity issues need a justification; they stay open."""
    return act(actor, submission, ReviewAction.APPROVE, justification=justification)


def return_to_collector(actor: User, submission: Submission, *, message: str, justification: str = "") -> Submission:
    """Send the record back to its collector with a message saying what to correct; their edit brings it back."""
    return act(actor, submission, ReviewAction.RETURN, message=message, justification=justification)


def reject(actor: User, submission: Submission, *, comment: str, justification: str = "") -> Submission:
    """The record does not count (a duplicate, a visit that did not happen…): the comment says why."""
    return act(actor, submission, ReviewAction.REJECT, message=comment, justification=justification)


def reopen(actor: User, submission: Submission, *, message: str) -> Submission:
    """Take back a decision of the actor's own level; the record goes back to where it was before it."""
    return act(actor, submission, ReviewAction.REOPEN, message=message)


def add_comment(actor: User, submission: Submission, text: str) -> ReviewEvent:
    _require(actor, (Perm.REVIEW_SUBMISSIONS,), _("You may not comment on submissions."))
    text = _text(text, _("Write the comment."))
    with transaction.atomic():
        record = _lock(actor, [submission.pk])[0]
        if record.round.state == RoundState.CLOSED:
            raise round_locked()
        event = ReviewEvent.objects.create(
            submission=record,
            version_id=record.current_version_id,
            kind=ReviewEventKind.COMMENT,
            actor=actor,
            message=text,
        )
        audit.record("review.commented", record, after={"event": event.pk}, reason=text)
    return event


def act(
    actor: User, submission: Submission, action: ReviewAction, *, message: str = "", justification: str = ""
) -> Submission:
    """One decision on one record, by action (the record page's form); the functions above name each one. The
    message is the return's message, the rejection's comment or the reason for reopening; reopening takes no
    justification."""
    if action == ReviewAction.REOPEN:
        justification = ""
    request = _Request.checked(actor, action, message, justification, bulk=False)
    with transaction.atomic():
        record = _lock(actor, [submission.pk])[0]
        previous = _previous_states([record]) if action == ReviewAction.REOPEN else {}
        high_open = _with_open_high_issues([record.pk])
        target = request.target(record, high_open, previous)  # raises the refusal as it is
        _save(request, [(record, target)])
    submission.state = record.state
    return submission


# --- bulk -------------------------------------------------------------------------------------------------------


def bulk(
    actor: User,
    records: QuerySet[Submission],
    action: ReviewAction,
    *,
    message: str = "",
    justification: str = "",
) -> BulkOutcome:
    """Act on every record of a (filtered) list. Records the action does not apply to are left as they are and
    listed with the reason; the others are acted on together, a batch at a time. Reopening is one record at a time."""
    if action == ReviewAction.REOPEN:
        raise ReviewRefused(_("Decisions are taken back one record at a time."))
    request = _Request.checked(actor, action, message, justification, bulk=True)
    # Scoped through a subquery, so a long list costs no parameter per record.
    ordered = list(scoped(actor, records).order_by("pk").values_list("pk", flat=True).distinct())
    if len(ordered) != records.order_by().values("pk").distinct().count():
        raise PermissionDenied(_("Some of these records are outside your scope."))
    outcome = BulkOutcome()
    for start in range(0, len(ordered), BATCH):
        with transaction.atomic():
            batch = _lock(actor, ordered[start : start + BATCH])
            high_open = _with_open_high_issues([record.pk for record in batch])
            moves: list[tuple[Submission, str]] = []
            for record in batch:
                try:
                    moves.append((record, request.target(record, high_open, {})))
                except (ReviewRefused, PermissionDenied) as refusal:
                    outcome.refused.append((record, _reason_of(refusal)))
            _save(request, moves)
            outcome.done += [record.pk for record, _target in moves]
    if outcome.done or outcome.refused:
        audit.record(
            "review.bulk",
            object_type="submissions.submission",
            after={"action": action.value, "done": len(outcome.done), "refused": len(outcome.refused)},
            reason=request.message or request.justification,
        )
    return outcome


def _reason_of(refusal: ReviewRefused | PermissionDenied) -> str:
    return refusal.message if isinstance(refusal, ReviewRefused) else str(refusal)


# --- what the page shows ----------------------------------------------------------------------------------------


def available_actions(actor: User, submission: Submission) -> list[ReviewAction]:
    """The actions the record's page offers the actor now (a justification may still be asked for). The record is
    one the actor may see (read through `scoped()`)."""
    if submission.round.state == RoundState.CLOSED:
        return []
    previous: dict[int, str] | None = None
    offered = []
    for action in ReviewAction:
        if not may_attempt(actor, action):
            continue
        if action == ReviewAction.REOPEN:
            if submission.state not in _DECIDED_STATES:
                continue
            previous = previous if previous is not None else _previous_states([submission])
        try:
            decide(
                actor,
                submission.state,
                action,
                round_closed=False,
                high_open=False,
                justified=True,
                bulk=False,
                previous=(previous or {}).get(submission.pk, ""),
            )
        except (ReviewRefused, PermissionDenied):
            continue
        offered.append(action)
    return offered


def may_comment(actor: User, submission: Submission) -> bool:
    return actor.can(Perm.REVIEW_SUBMISSIONS) and submission.round.state != RoundState.CLOSED


def needs_justification(submission: Submission) -> bool:
    """Whether the record has open high-severity issues (approving it then needs a justification)."""
    return bool(_with_open_high_issues([submission.pk]))


def thread(submission: Submission) -> list[ReviewEvent]:
    """Comments and decisions, oldest first."""
    return list(
        ReviewEvent.objects.filter(submission_id=submission.pk).select_related("actor", "version").order_by("pk")
    )


# --- the machinery ----------------------------------------------------------------------------------------------

_DECIDED_STATES = frozenset(
    {
        SubmissionState.RETURNED,
        SubmissionState.APPROVED_DIRECTORATE,
        SubmissionState.APPROVED_NATIONAL,
        SubmissionState.REJECTED,
    }
)


@dataclass(frozen=True)
class _Request:
    actor: User
    action: ReviewAction
    message: str
    justification: str
    bulk: bool

    @classmethod
    def checked(cls, actor: User, action: ReviewAction, message: str, justification: str, *, bulk: bool) -> _Request:
        if not may_attempt(actor, action):
            raise PermissionDenied(_("You may not do this to submissions."))
        if action == ReviewAction.RETURN:
            message = _text(message, _("Say what the collector should correct."))
        elif action == ReviewAction.REJECT:
            message = _text(message, _("Say why the record is rejected."))
        elif action == ReviewAction.REOPEN:
            message = _text(message, _("Say why the decision is taken back."))
        else:
            message = ""
        justification = _text(justification, "") if justification.strip() else ""
        return cls(actor, action, message, justification, bulk)

    def target(self, record: Submission, high_open: set[int], previous: dict[int, str]) -> str:
        state, _kind = decide(
            self.actor,
            record.state,
            self.action,
            round_closed=record.round.state == RoundState.CLOSED,
            high_open=record.pk in high_open,
            justified=bool(self.justification),
            bulk=self.bulk,
            previous=previous.get(record.pk, ""),
        )
        if state == AUTOMATIC:
            return automatic_state(has_open_issue(record.pk), record.version_count)
        return state


def _require(actor: User, perms: Sequence[Perm], message: str) -> None:
    if not any(actor.can(perm) for perm in perms):
        raise PermissionDenied(message)


def _text(value: str, missing: str) -> str:
    value = value.strip()
    if not value:
        raise ReviewRefused(missing)
    if len(value) > MESSAGE_MAX:
        raise ReviewRefused(_("The text is longer than %(max)s characters.") % {"max": MESSAGE_MAX})
    return value


def _lock(actor: User, ids: Sequence[int]) -> list[Submission]:
    """The records, locked until the end of the transaction (only their own rows), with their round; out-of-scope
    ones are refused."""
    records = list(
        scoped(actor, Submission.objects.filter(pk__in=ids))
        .select_for_update(of=("self",))
        .select_related("round", "facility")  # the facility for the page listing refused records
        .order_by("pk")
    )
    if len(records) != len(set(ids)):
        raise PermissionDenied(_("This submission is outside your scope."))
    return records


def _with_open_high_issues(ids: Iterable[int]) -> set[int]:
    return set(
        Issue.objects.filter(submission_id__in=list(ids), status=IssueStatus.OPEN, severity=Severity.HIGH)
        .values_list("submission_id", flat=True)
        .distinct()
    )


def _previous_states(records: Sequence[Submission]) -> dict[int, str]:
    """For each record in a decided state, the state it was in before that decision (from its latest decision)."""
    previous: dict[int, str] = {}
    events = (
        ReviewEvent.objects.filter(submission__in=[record.pk for record in records], kind__in=DECISION_KINDS)
        .order_by("submission_id", "-pk")
        .values_list("submission_id", "from_state", "to_state")
    )
    states = {record.pk: record.state for record in records}
    for submission_id, from_state, to_state in events:
        if submission_id not in previous and to_state == states[submission_id]:
            previous[submission_id] = from_state
    return previous


def _save(request: _Request, moves: Sequence[tuple[Submission, str]]) -> None:
    """Write the new states (one UPDATE per target state), the thread events and the audit entries (bulk inserts)."""
    by_target: dict[str, list[int]] = defaultdict(list)
    events: list[ReviewEvent] = []
    entries: list[AuditEntry] = []
    for record, target in moves:
        by_target[target].append(record.pk)
        kind = ReviewEventKind.REOPENED if request.action == ReviewAction.REOPEN else ReviewEventKind(target)
        events.append(
            ReviewEvent(
                submission=record,
                version_id=record.current_version_id,
                kind=kind,
                from_state=record.state,
                to_state=target,
                actor=request.actor,
                message=request.message,
                justification=request.justification,
            )
        )
        after = {"state": target, "justification": request.justification or None}
        entries.append(
            audit.entry(
                AUDIT_ACTIONS[kind],
                record,
                actor=request.actor,
                changes=audit.diff({"state": record.state}, after),
                reason=request.message or request.justification,
            )
        )
        record.state = target
    for target, ids in by_target.items():
        Submission.objects.filter(pk__in=ids).update(state=target)
    ReviewEvent.objects.bulk_create(events, batch_size=BATCH)
    AuditEntry.objects.bulk_create(entries, batch_size=BATCH)
