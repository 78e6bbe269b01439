"""Every transition of the review workflow, the refused ones included, with the thread and the audit log."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from rasd.accounts.models import User
from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.quality.models import Issue, IssueStatus
from rasd.review import services as review
from rasd.review.models import ReviewEventKind
from rasd.review.services import ReviewAction, ReviewRefused
from rasd.submissions.models import Submission, SubmissionState
from tests.review.helpers import ReviewWorld, as_state, send_record, with_high_issue

pytestmark = pytest.mark.usefixtures("english")
S = SubmissionState


def approve(user: User, record: Submission, justification: str = "") -> Submission:
    with acting_as(user):
        review.approve(user, record, justification=justification)
    return Submission.objects.get(pk=record.pk)


def return_(user: User, record: Submission, message: str = "marker: check the beds") -> Submission:
    with acting_as(user):
        review.return_to_collector(user, record, message=message)
    return Submission.objects.get(pk=record.pk)


def reject(user: User, record: Submission, comment: str = "marker: duplicate visit") -> Submission:
    with acting_as(user):
        review.reject(user, record, comment=comment)
    return Submission.objects.get(pk=record.pk)


def reopen(user: User, record: Submission, message: str = "marker: decided too fast") -> Submission:
    with acting_as(user):
        review.reopen(user, record, message=message)
    return Submission.objects.get(pk=record.pk)


def quarantined(world: ReviewWorld) -> Submission:
    record = send_record(world.collection, "PHC-BASRA-2", world.collector)  # outside the collector's assignment
    assert record.state == S.QUARANTINED
    return record


def last_event(record: Submission) -> tuple[str, str, str, str]:
    event = review.thread(record)[-1]
    return event.kind, event.from_state, event.to_state, event.message


# --- approve ----------------------------------------------------------------------------------------------------


def test_two_level_approval(review_world: ReviewWorld) -> None:
    world = review_world
    record = approve(world.basra_manager, world.records["PHC-BASRA-1"])
    assert record.state == S.APPROVED_DIRECTORATE
    assert last_event(record) == (ReviewEventKind.APPROVED_DIRECTORATE, S.RECEIVED, S.APPROVED_DIRECTORATE, "")
    record = approve(world.national, record)
    assert record.state == S.APPROVED_NATIONAL
    assert last_event(record)[:3] == (ReviewEventKind.APPROVED_NATIONAL, S.APPROVED_DIRECTORATE, S.APPROVED_NATIONAL)
    entries = AuditEntry.objects.filter(action="review.approved", object_id=str(record.pk)).order_by("pk")
    assert [(entry.actor, entry.changes["state"]) for entry in entries] == [
        (world.basra_manager, [S.RECEIVED, S.APPROVED_DIRECTORATE]),
        (world.national, [S.APPROVED_DIRECTORATE, S.APPROVED_NATIONAL]),
    ]
    assert review.thread(record)[0].version_id == record.current_version_id


def test_an_administrator_approves_at_the_level_the_state_calls_for(review_world: ReviewWorld) -> None:
    record = approve(review_world.admin, review_world.records["PHC-NAJAF-1"])
    assert record.state == S.APPROVED_DIRECTORATE
    assert approve(review_world.admin, record).state == S.APPROVED_NATIONAL


def test_approvals_refused_by_level(review_world: ReviewWorld) -> None:
    world = review_world
    with pytest.raises(PermissionDenied, match="first approved by its directorate"):
        approve(world.national, world.records["PHC-BASRA-1"])
    record = approve(world.basra_manager, world.records["PHC-BASRA-1"])
    with pytest.raises(PermissionDenied, match="Only national managers approve"):
        approve(world.basra_manager, record)
    for user in (world.supervisor, world.collector):
        with pytest.raises(PermissionDenied):
            approve(user, world.records["PHC-BASRA-2"])
    assert world.fresh("PHC-BASRA-2").state == S.RECEIVED


def test_nobody_acts_outside_their_scope(review_world: ReviewWorld) -> None:
    world = review_world
    record = world.records["PHC-NAJAF-1"]
    with pytest.raises(PermissionDenied, match="outside your scope"):
        approve(world.basra_manager, record)
    with pytest.raises(PermissionDenied, match="outside your scope"):
        return_(world.supervisor, record)
    with pytest.raises(PermissionDenied), acting_as(world.basra_manager):
        review.add_comment(world.basra_manager, record, "marker: not mine")
    assert world.fresh("PHC-NAJAF-1").state == S.RECEIVED and not record.review_events.exists()


@pytest.mark.parametrize(
    ("state", "message"),
    [
        (S.RETURNED, "returned to its collector"),
        (S.APPROVED_NATIONAL, "approved nationally: reopen it first"),
        (S.REJECTED, "rejected: reopen it first"),
    ],
)
def test_approval_refused_by_state(review_world: ReviewWorld, state: S, message: str) -> None:
    record = as_state(review_world, "PHC-BASRA-1", state)
    with pytest.raises(ReviewRefused, match=message):
        approve(review_world.admin, record)
    assert review_world.fresh("PHC-BASRA-1").state == state


def test_a_quarantined_record_cannot_be_approved_or_returned_but_can_be_rejected(review_world: ReviewWorld) -> None:
    world = review_world
    record = quarantined(world)
    with pytest.raises(ReviewRefused, match="must be placed first"):
        approve(world.admin, record)
    with pytest.raises(ReviewRefused, match="must be placed first"):
        return_(world.admin, record)
    assert reject(world.basra_manager, record).state == S.REJECTED
    assert reopen(world.basra_manager, record).state == S.QUARANTINED  # and it still waits for placement


def test_approving_over_an_open_high_severity_issue_needs_a_justification(review_world: ReviewWorld) -> None:
    world = review_world
    record = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)
    assert review.needs_justification(record)
    assert not review.needs_justification(world.records["PHC-BASRA-2"])
    with pytest.raises(ReviewRefused, match="open high-severity issues"):
        approve(world.basra_manager, record, justification="   ")
    record = approve(world.basra_manager, record, justification="marker: phone confirmed by call")
    assert record.state == S.APPROVED_DIRECTORATE
    event = review.thread(record)[-1]
    assert event.justification == "marker: phone confirmed by call"
    entry = AuditEntry.objects.get(action="review.approved", object_id=str(record.pk))
    assert entry.reason == "marker: phone confirmed by call"
    assert entry.changes["justification"] == [None, "marker: phone confirmed by call"]
    assert Issue.objects.get(submission=record).status == IssueStatus.OPEN  # accepting it is a separate act
    with pytest.raises(ReviewRefused, match="open high-severity issues"):
        approve(world.national, record)


# --- return -----------------------------------------------------------------------------------------------------


def test_return_to_the_collector_with_a_message(review_world: ReviewWorld) -> None:
    world = review_world
    record = return_(world.supervisor, world.records["PHC-BASRA-1"], "  marker: the beds are missing  ")
    assert record.state == S.RETURNED
    assert last_event(record) == (ReviewEventKind.RETURNED, S.RECEIVED, S.RETURNED, "marker: the beds are missing")
    entry = AuditEntry.objects.get(action="review.returned", object_id=str(record.pk))
    assert entry.reason == "marker: the beds are missing" and entry.actor == world.supervisor
    with pytest.raises(ReviewRefused, match="already returned"):
        return_(world.supervisor, record)


@pytest.mark.parametrize("message", ["", "   ", "x" * 2001])
def test_a_return_needs_a_message_of_reasonable_length(review_world: ReviewWorld, message: str) -> None:
    with pytest.raises(ReviewRefused):
        return_(review_world.supervisor, review_world.records["PHC-BASRA-1"], message)
    assert review_world.fresh("PHC-BASRA-1").state == S.RECEIVED


def test_only_national_managers_return_a_directorate_approved_record(review_world: ReviewWorld) -> None:
    world = review_world
    record = as_state(world, "PHC-BASRA-1", S.APPROVED_DIRECTORATE)
    for user in (world.supervisor, world.basra_manager):
        with pytest.raises(PermissionDenied, match="Only national managers return"):
            return_(user, record)
    assert return_(world.national, record).state == S.RETURNED
    # Taking the return back restores the directorate's approval, and only the national level may.
    with pytest.raises(PermissionDenied):
        reopen(world.supervisor, record)
    assert reopen(world.national, record).state == S.APPROVED_DIRECTORATE


@pytest.mark.parametrize("state", [S.APPROVED_NATIONAL, S.REJECTED])
def test_return_refused_after_a_final_decision(review_world: ReviewWorld, state: S) -> None:
    record = as_state(review_world, "PHC-BASRA-1", state)
    with pytest.raises(ReviewRefused, match="reopen it first"):
        return_(review_world.admin, record)


def test_collectors_cannot_review(review_world: ReviewWorld) -> None:
    world = review_world
    record = world.records["PHC-BASRA-1"]
    for act in (return_, reject, reopen):
        with pytest.raises(PermissionDenied):
            act(world.collector, record)
    with pytest.raises(PermissionDenied), acting_as(world.collector):
        review.add_comment(world.collector, record, "marker")
    assert review.available_actions(world.collector, record) == []


# --- reject -----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("state", [S.RECEIVED, S.HAS_ISSUES, S.RETURNED, S.QUARANTINED])
def test_the_directorate_rejects_what_waits_for_it(review_world: ReviewWorld, state: S) -> None:
    world = review_world
    if state == S.RECEIVED:
        record = world.records["PHC-BASRA-1"]
    elif state == S.HAS_ISSUES:
        record = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)  # no justification needed
    elif state == S.QUARANTINED:
        record = quarantined(world)
    else:
        record = as_state(world, "PHC-BASRA-1", state)
    record = reject(world.basra_manager, record, " marker: no visit took place ")
    assert record.state == S.REJECTED
    assert last_event(record) == (ReviewEventKind.REJECTED, state, S.REJECTED, "marker: no visit took place")
    assert AuditEntry.objects.get(action="review.rejected", object_id=str(record.pk)).reason == (
        "marker: no visit took place"
    )


def test_a_rejection_needs_a_comment_and_an_approver(review_world: ReviewWorld) -> None:
    world = review_world
    with pytest.raises(ReviewRefused, match="why the record is rejected"):
        reject(world.basra_manager, world.records["PHC-BASRA-1"], " ")
    with pytest.raises(PermissionDenied):
        reject(world.supervisor, world.records["PHC-BASRA-1"])
    assert world.fresh("PHC-BASRA-1").state == S.RECEIVED


def test_rejection_by_level(review_world: ReviewWorld) -> None:
    world = review_world
    record = as_state(world, "PHC-BASRA-1", S.APPROVED_DIRECTORATE)
    with pytest.raises(PermissionDenied, match="Only national managers reject"):
        reject(world.basra_manager, record)
    assert reject(world.national, record).state == S.REJECTED
    with pytest.raises(ReviewRefused, match="already rejected"):
        reject(world.national, record)
    # A national rejection is taken back at the national level, back to the directorate's approval.
    with pytest.raises(PermissionDenied):
        reopen(world.basra_manager, record)
    assert reopen(world.national, record).state == S.APPROVED_DIRECTORATE
    approved = as_state(world, "PHC-BASRA-2", S.APPROVED_NATIONAL)
    with pytest.raises(ReviewRefused, match="approved nationally: reopen it first"):
        reject(world.national, approved)


# --- reopen -----------------------------------------------------------------------------------------------------


def test_the_directorate_takes_back_its_approval(review_world: ReviewWorld) -> None:
    world = review_world
    record = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)
    record = approve(world.basra_manager, record, "marker: checked")
    with pytest.raises(PermissionDenied):
        reopen(world.national, record)
    with pytest.raises(ReviewRefused, match="why the decision is taken back"):
        reopen(world.basra_manager, record, "")
    record = reopen(world.basra_manager, record)
    assert record.state == S.HAS_ISSUES  # its issue is still open
    assert last_event(record) == (
        ReviewEventKind.REOPENED,
        S.APPROVED_DIRECTORATE,
        S.HAS_ISSUES,
        "marker: decided too fast",
    )
    assert AuditEntry.objects.filter(action="review.reopened", object_id=str(record.pk)).exists()


def test_the_national_level_takes_back_its_approval(review_world: ReviewWorld) -> None:
    world = review_world
    record = as_state(world, "PHC-BASRA-1", S.APPROVED_NATIONAL)
    with pytest.raises(PermissionDenied):
        reopen(world.basra_manager, record)
    assert reopen(world.national, record).state == S.APPROVED_DIRECTORATE


def test_a_directorate_rejection_or_a_return_is_taken_back(review_world: ReviewWorld) -> None:
    world = review_world
    rejected = as_state(world, "PHC-BASRA-2", S.REJECTED)
    assert reopen(world.national, rejected).state == S.RECEIVED
    returned = as_state(world, "PHC-BASRA-1", S.RETURNED)
    assert reopen(world.supervisor, returned).state == S.RECEIVED


def test_nothing_to_reopen(review_world: ReviewWorld) -> None:
    with pytest.raises(ReviewRefused, match="no decision to take back"):
        reopen(review_world.admin, review_world.records["PHC-BASRA-1"])


# --- comments, the thread, what the page offers ---------------------------------------------------------------


def test_comments_and_decisions_form_one_thread(review_world: ReviewWorld) -> None:
    world = review_world
    record = world.records["PHC-BASRA-1"]
    with acting_as(world.supervisor):
        comment = review.add_comment(world.supervisor, record, "  marker: beds look high  ")
        with pytest.raises(ReviewRefused):
            review.add_comment(world.supervisor, record, "  ")
    approve(world.basra_manager, record)
    with acting_as(world.national):
        review.add_comment(world.national, record, "marker: ok for me")
    events = review.thread(record)
    assert [(event.kind, event.actor, event.message) for event in events] == [
        (ReviewEventKind.COMMENT, world.supervisor, "marker: beds look high"),
        (ReviewEventKind.APPROVED_DIRECTORATE, world.basra_manager, ""),
        (ReviewEventKind.COMMENT, world.national, "marker: ok for me"),
    ]
    assert (comment.from_state, comment.to_state, comment.version_id) == ("", "", record.current_version_id)
    assert AuditEntry.objects.filter(action="review.commented", object_id=str(record.pk)).count() == 2


def test_a_decision_is_taken_on_the_stored_state_not_on_what_the_page_showed(review_world: ReviewWorld) -> None:
    world = review_world
    seen_by_supervisor = world.records["PHC-BASRA-1"]  # loaded before the manager approved it
    approve(world.basra_manager, world.fresh("PHC-BASRA-1"))
    with pytest.raises(PermissionDenied, match="Only national managers return"):
        return_(world.supervisor, seen_by_supervisor)
    assert world.fresh("PHC-BASRA-1").state == S.APPROVED_DIRECTORATE


A, RT, RJ, RO = ReviewAction.APPROVE, ReviewAction.RETURN, ReviewAction.REJECT, ReviewAction.REOPEN


@pytest.mark.parametrize(
    ("state", "who", "offered"),
    [
        (S.RECEIVED, "basra_manager", [A, RT, RJ]),
        (S.RECEIVED, "supervisor", [RT]),
        (S.RECEIVED, "national", [RT, RJ]),
        (S.RECEIVED, "admin", [A, RT, RJ]),
        (S.APPROVED_DIRECTORATE, "basra_manager", [RO]),
        (S.APPROVED_DIRECTORATE, "national", [A, RT, RJ]),
        (S.APPROVED_NATIONAL, "national", [RO]),
        (S.APPROVED_NATIONAL, "basra_manager", []),
        (S.RETURNED, "supervisor", [RO]),
        (S.RETURNED, "basra_manager", [RJ, RO]),
        (S.REJECTED, "basra_manager", [RO]),
        (S.REJECTED, "supervisor", []),
        (S.RECEIVED, "collector", []),
    ],
)
def test_available_actions(review_world: ReviewWorld, state: S, who: str, offered: list[ReviewAction]) -> None:
    if state != S.RECEIVED:
        as_state(review_world, "PHC-BASRA-1", state)
    record = Submission.objects.select_related("round").get(pk=review_world.records["PHC-BASRA-1"].pk)
    assert review.available_actions(getattr(review_world, who), record) == offered
