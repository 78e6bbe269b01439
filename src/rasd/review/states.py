"""The automatic states of a record, kept in step with its issues and versions.

A record nobody decided on yet is in one of three automatic states: **has issues** while any of its issues is open,
else **edited** once it has more than one version, else **received**. Quarantine and reviewers' decisions are never
overridden here. The pipeline sets received/edited/quarantined when it builds a version; then:

- `on_issues_changed` (a receiver of `rasd.quality.signals.issues_changed`) recomputes the records whose open
  issues changed, with one UPDATE per batch;
- `after_new_version` (an ingestion hook, after quality's) corrects the state of an edit — its issues may be unchanged
  yet open — and, when the edit undid a reviewer's decision, writes a `decision_undone` event to the thread.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.db.models import Case, Exists, OuterRef, Value, When

from rasd.audit import services as audit
from rasd.quality.models import Issue, IssueStatus
from rasd.review.models import DECISION_KINDS, ReviewEvent, ReviewEventKind
from rasd.review.queues import WAITING_FOR_DIRECTORATE
from rasd.submissions.models import Submission, SubmissionState, SubmissionVersion

AUTOMATIC_STATES = WAITING_FOR_DIRECTORATE


def automatic_state(has_open_issue: bool, version_count: int) -> SubmissionState:
    if has_open_issue:
        return SubmissionState.HAS_ISSUES
    return SubmissionState.EDITED if version_count > 1 else SubmissionState.RECEIVED


def has_open_issue(submission_id: int) -> bool:
    return Issue.objects.filter(submission_id=submission_id, status=IssueStatus.OPEN).exists()


def recompute(submission_ids: Iterable[int]) -> int:
    """Set the automatic state of those records that are in one (one UPDATE). Returns how many rows it touched."""
    ids = sorted(set(submission_ids))
    if not ids:
        return 0
    open_issue = Issue.objects.filter(submission=OuterRef("pk"), status=IssueStatus.OPEN)
    return Submission.objects.filter(pk__in=ids, state__in=AUTOMATIC_STATES).update(
        state=Case(
            When(Exists(open_issue), then=Value(SubmissionState.HAS_ISSUES.value)),
            When(version_count__gt=1, then=Value(SubmissionState.EDITED.value)),
            default=Value(SubmissionState.RECEIVED.value),
        )
    )


def on_issues_changed(sender: Any, submission_ids: frozenset[int], **kwargs: Any) -> None:
    recompute(submission_ids)


def after_new_version(version: SubmissionVersion) -> None:
    """The ingestion hook. A first version costs nothing here (the issues signal did the work, if there were
    issues); an edit costs two or three small queries, more only when it undoes a decision."""
    if version.number == 1:
        return
    submission = version.submission
    if submission.state in AUTOMATIC_STATES:
        state = automatic_state(has_open_issue(submission.pk), submission.version_count)
        if state != submission.state:
            Submission.objects.filter(pk=submission.pk).update(state=state)
            submission.state = state
    last = (
        ReviewEvent.objects.filter(submission_id=submission.pk)
        .exclude(kind=ReviewEventKind.COMMENT)
        .order_by("-pk")
        .values_list("kind", "to_state")
        .first()
    )
    if last is None or last[0] not in DECISION_KINDS:
        return
    undone = ReviewEvent.objects.create(
        submission=submission,
        version=version,
        kind=ReviewEventKind.DECISION_UNDONE,
        from_state=last[1],
        to_state=submission.state,
    )
    audit.record(
        "review.decision_undone",
        submission,
        before={"state": last[1]},
        after={"state": submission.state, "version": version.number, "event": undone.pk},
    )
