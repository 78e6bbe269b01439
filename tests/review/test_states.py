"""The automatic states (received, has issues, edited) follow a record's issues and versions; quarantine and
decisions are never overridden; a new version undoes a reviewer's decision and says so in the thread."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.quality.models import Issue, IssueStatus
from rasd.quality.services import accept_issue, validate_round
from rasd.review import services as review
from rasd.review.models import ReviewEvent, ReviewEventKind
from rasd.review.states import after_new_version, recompute
from rasd.submissions.models import Source, Submission, SubmissionState
from tests.quality.helpers import PHONE
from tests.review.helpers import BAD_PHONE, ReviewWorld, as_state, edit_record, send_record, with_high_issue

pytestmark = pytest.mark.usefixtures("english")
GOOD_PHONE = {PHONE: "07701234567"}
NOTE = {"/data/confirmation/respondent_name": "marker-corrected-name"}


def test_a_clean_first_version_is_received(review_world: ReviewWorld) -> None:
    assert {record.state for record in review_world.records.values()} == {SubmissionState.RECEIVED}
    assert not ReviewEvent.objects.exists()


def test_a_record_with_an_open_issue_has_issues(review_world: ReviewWorld) -> None:
    record = with_high_issue(review_world.collection, "PHC-BASRA-1", review_world.collector)
    assert record.state == SubmissionState.HAS_ISSUES


def test_an_edit_correcting_the_issue_makes_the_record_edited(review_world: ReviewWorld) -> None:
    record = with_high_issue(review_world.collection, "PHC-BASRA-1", review_world.collector)
    record = edit_record(record, review_world.collector, GOOD_PHONE)
    assert record.version_count == 2
    assert record.state == SubmissionState.EDITED


def test_an_edit_of_a_clean_record_is_edited(review_world: ReviewWorld) -> None:
    record = edit_record(review_world.records["PHC-BASRA-1"], review_world.collector, NOTE)
    assert record.state == SubmissionState.EDITED


def test_an_edit_leaving_the_issue_open_still_has_issues(review_world: ReviewWorld) -> None:
    # A browser edit does not re-check the form's own rules at ingestion: the open issue is unchanged (no signal),
    # yet the pipeline set "edited". The review hook puts it right.
    record = with_high_issue(review_world.collection, "PHC-BASRA-1", review_world.collector)
    record = edit_record(record, review_world.collector, NOTE, source=Source.WEB)
    assert record.state == SubmissionState.HAS_ISSUES


def test_accepting_the_last_open_issue_leaves_has_issues(review_world: ReviewWorld) -> None:
    record = with_high_issue(review_world.collection, "PHC-BASRA-1", review_world.collector)
    issue = Issue.objects.get(submission=record, status=IssueStatus.OPEN)
    with acting_as(review_world.supervisor):
        accept_issue(review_world.supervisor, issue, "marker: the respondent has a landline")
    assert Submission.objects.get(pk=record.pk).state == SubmissionState.RECEIVED


def test_issue_changes_never_override_quarantine_or_a_decision(review_world: ReviewWorld) -> None:
    world = review_world
    quarantined = send_record(world.collection, "PHC-BASRA-2", world.collector, BAD_PHONE)  # not assigned to them
    assert quarantined.state == SubmissionState.QUARANTINED
    approved = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)
    with acting_as(world.basra_manager):
        review.approve(world.basra_manager, approved, justification="marker: phone checked by call")
        accept_issue(world.basra_manager, Issue.objects.get(submission=approved), "marker: landline")
    recompute([quarantined.pk, approved.pk])
    assert Submission.objects.get(pk=quarantined.pk).state == SubmissionState.QUARANTINED
    assert Submission.objects.get(pk=approved.pk).state == SubmissionState.APPROVED_DIRECTORATE


def test_recompute_puts_every_automatic_state_right_in_one_statement(review_world: ReviewWorld) -> None:
    world = review_world
    with_issue = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)
    edited = edit_record(world.records["PHC-BASRA-2"], world.personas.basra_s2_collector, NOTE)
    received = world.records["HOSP-BASRA"]
    Submission.objects.filter(pk__in=[with_issue.pk, edited.pk, received.pk]).update(state=SubmissionState.EDITED)
    with CaptureQueriesContext(connection) as queries:
        recompute([with_issue.pk, edited.pk, received.pk])
    assert len(queries) == 1
    states = dict(Submission.objects.filter(pk__in=[with_issue.pk, edited.pk, received.pk]).values_list("pk", "state"))
    assert states == {
        with_issue.pk: SubmissionState.HAS_ISSUES,
        edited.pk: SubmissionState.EDITED,
        received.pk: SubmissionState.RECEIVED,
    }


def test_the_hook_costs_nothing_for_a_first_version(review_world: ReviewWorld) -> None:
    version = review_world.records["PHC-BASRA-1"].current_version
    assert version is not None
    with CaptureQueriesContext(connection) as queries:
        after_new_version(version)
    assert len(queries) == 0


@pytest.mark.parametrize(
    "decided", [SubmissionState.APPROVED_DIRECTORATE, SubmissionState.APPROVED_NATIONAL, SubmissionState.REJECTED]
)
def test_a_new_version_undoes_a_decision(review_world: ReviewWorld, decided: SubmissionState) -> None:
    world = review_world
    record = as_state(world, "PHC-BASRA-1", decided)
    record = edit_record(record, world.collector, NOTE)
    assert record.state == SubmissionState.EDITED
    undone = ReviewEvent.objects.filter(submission=record).order_by("pk").last()
    assert undone is not None
    assert (undone.kind, undone.from_state, undone.to_state) == (
        ReviewEventKind.DECISION_UNDONE,
        decided,
        SubmissionState.EDITED,
    )
    assert undone.actor is None and undone.version_id == record.current_version_id
    assert AuditEntry.objects.filter(action="review.decision_undone", object_id=str(record.pk)).count() == 1
    edit_record(record, world.collector, {PHONE: "07709999999"})  # a second edit undoes nothing more
    assert ReviewEvent.objects.filter(submission=record, kind=ReviewEventKind.DECISION_UNDONE).count() == 1


def test_the_return_loop(review_world: ReviewWorld) -> None:
    """Returned with a message, the collector's edit brings the record back for review, with its issues."""
    world = review_world
    record = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)
    with acting_as(world.supervisor):
        review.return_to_collector(world.supervisor, record, message="marker: the phone number is wrong")
    assert Submission.objects.get(pk=record.pk).state == SubmissionState.RETURNED
    record = edit_record(record, world.collector, {PHONE: "0770"})  # still wrong
    assert record.state == SubmissionState.HAS_ISSUES
    kinds = [event.kind for event in review.thread(record)]
    assert kinds == [ReviewEventKind.RETURNED, ReviewEventKind.DECISION_UNDONE]
    record = edit_record(record, world.collector, GOOD_PHONE)
    assert record.state == SubmissionState.EDITED


def test_validate_round_brings_the_states_in_step(review_world: ReviewWorld) -> None:
    # A browser edit correcting the phone leaves the form's issue for `validate_round` to decide: until then the
    # record still has issues; the round's re-check resolves it and the record becomes edited.
    world = review_world
    record = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)
    record = edit_record(record, world.collector, GOOD_PHONE, source=Source.WEB)
    assert record.state == SubmissionState.HAS_ISSUES
    validate_round(world.round)
    assert Submission.objects.get(pk=record.pk).state == SubmissionState.EDITED
    assert {record.state for record in Submission.objects.exclude(pk=record.pk)} == {SubmissionState.RECEIVED}
