"""Bulk actions on a filtered list: each record is judged as a single action would judge it; those refused are
listed with the reason and left as they are; records with open high-severity issues need a justification."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection
from django.db.models import QuerySet
from django.test.utils import CaptureQueriesContext

from rasd.accounts.models import User
from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.review import services as review
from rasd.review.models import ReviewEvent, ReviewEventKind
from rasd.review.services import BulkOutcome, ReviewAction, ReviewRefused
from rasd.submissions.models import Submission, SubmissionState
from tests.review.helpers import ReviewWorld, as_state, send_record, with_high_issue

pytestmark = pytest.mark.usefixtures("english")
S = SubmissionState


def run(
    user: User, records: QuerySet[Submission], action: ReviewAction, message: str = "", justification: str = ""
) -> BulkOutcome:
    with acting_as(user):
        return review.bulk(user, records, action, message=message, justification=justification)


def basra(world: ReviewWorld) -> QuerySet[Submission]:
    return Submission.objects.filter(round=world.round, facility__directorate__code="basra")


def states(world: ReviewWorld) -> dict[str, str]:
    return dict(Submission.objects.filter(round=world.round).values_list("facility__code", "state"))


def test_bulk_approval_of_a_directorate_then_nationally(review_world: ReviewWorld) -> None:
    world = review_world
    outcome = run(world.basra_manager, basra(world), ReviewAction.APPROVE)
    assert sorted(outcome.done) == sorted(record.pk for record in world.basra()) and outcome.refused == []
    assert {states(world)[code] for code in ("PHC-BASRA-1", "PHC-BASRA-2", "HOSP-BASRA")} == {S.APPROVED_DIRECTORATE}
    assert states(world)["PHC-NAJAF-1"] == S.RECEIVED
    # The national manager approves directorate by directorate: Najaf's records are not ready.
    everything = Submission.objects.filter(round=world.round)
    outcome = run(world.national, everything, ReviewAction.APPROVE)
    assert len(outcome.done) == 3
    assert {record.facility.code for record, _reason in outcome.refused} == {"PHC-NAJAF-1", "HOSP-NAJAF"}
    assert {reason for _record, reason in outcome.refused} == {"A record is first approved by its directorate."}
    assert states(world)["PHC-BASRA-1"] == S.APPROVED_NATIONAL
    assert ReviewEvent.objects.filter(kind=ReviewEventKind.APPROVED_NATIONAL).count() == 3
    assert AuditEntry.objects.filter(action="review.approved").count() == 6
    summaries = AuditEntry.objects.filter(action="review.bulk").order_by("pk")
    assert [(entry.actor, entry.changes) for entry in summaries] == [
        (world.basra_manager, {"action": [None, "approve"], "done": [None, 3], "refused": [None, 0]}),
        (world.national, {"action": [None, "approve"], "done": [None, 3], "refused": [None, 2]}),
    ]


def test_refused_records_are_listed_with_the_reason_and_left_alone(review_world: ReviewWorld) -> None:
    world = review_world
    with_issue = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)
    in_quarantine = send_record(world.collection, "PHC-BASRA-2", world.collector)
    returned = as_state(world, "HOSP-BASRA", S.RETURNED)
    outcome = run(world.basra_manager, basra(world), ReviewAction.APPROVE)
    reasons = {record.pk: reason for record, reason in outcome.refused}
    assert reasons == {
        with_issue.pk: "The record has open high-severity issues: give a justification to act on it anyway.",
        in_quarantine.pk: "A record in quarantine cannot be approved: it must be placed first.",
        returned.pk: "The record was returned to its collector: it can be approved when their edit arrives.",
    }
    assert sorted(outcome.done) == sorted([world.records["PHC-BASRA-1"].pk, world.records["PHC-BASRA-2"].pk])
    assert Submission.objects.get(pk=with_issue.pk).state == S.HAS_ISSUES
    # With a justification, the record with the issue is approved too, the justification kept on its event.
    outcome = run(world.basra_manager, basra(world), ReviewAction.APPROVE, justification="marker: phones verified")
    assert outcome.done == [with_issue.pk]
    assert ReviewEvent.objects.get(submission=with_issue).justification == "marker: phones verified"


@pytest.mark.parametrize("action", [ReviewAction.REJECT, ReviewAction.RETURN])
def test_bulk_reject_and_return_need_a_message_and_a_justification_for_high_issues(
    review_world: ReviewWorld, action: ReviewAction
) -> None:
    world = review_world
    with_issue = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)
    with pytest.raises(ReviewRefused):
        run(world.basra_manager, basra(world), action, message="  ")
    assert not ReviewEvent.objects.exists()
    outcome = run(world.basra_manager, basra(world), action, message="marker: visit again")
    assert [record.pk for record, _reason in outcome.refused] == [with_issue.pk]
    assert len(outcome.done) == 3
    target = S.REJECTED if action == ReviewAction.REJECT else S.RETURNED
    assert Submission.objects.get(pk=world.records["PHC-BASRA-2"].pk).state == target
    assert set(ReviewEvent.objects.values_list("message", flat=True)) == {"marker: visit again"}
    outcome = run(world.basra_manager, Submission.objects.filter(pk=with_issue.pk), action, "marker: again", "marker")
    assert outcome.done == [with_issue.pk]


def test_a_list_reaching_outside_the_scope_is_refused_whole(review_world: ReviewWorld) -> None:
    world = review_world
    with pytest.raises(PermissionDenied):
        run(world.basra_manager, Submission.objects.filter(round=world.round), ReviewAction.APPROVE)
    assert set(states(world).values()) == {S.RECEIVED}
    with pytest.raises(PermissionDenied):
        run(world.supervisor, basra(world), ReviewAction.APPROVE)  # no approval permission


def test_reopening_is_not_a_bulk_action(review_world: ReviewWorld) -> None:
    with pytest.raises(ReviewRefused):
        run(review_world.admin, basra(review_world), ReviewAction.REOPEN, message="marker")


def test_the_cost_of_a_bulk_action_does_not_grow_with_the_records(review_world: ReviewWorld) -> None:
    world = review_world
    one, three = Submission.objects.filter(facility__code="PHC-NAJAF-1"), basra(world)
    with CaptureQueriesContext(connection) as few:
        run(world.najaf_manager, one, ReviewAction.APPROVE)
    with CaptureQueriesContext(connection) as more:
        run(world.basra_manager, three, ReviewAction.APPROVE)
    assert len(more) == len(few)
