"""A closed round's data is locked: no decision, comment or accepted issue; an administrator unlocks it with a
reason (audited), and the records keep their states. The thread itself is append-only in the database."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.db import DatabaseError, transaction

from rasd.audit.models import AuditEntry
from rasd.collection.models import RoundState
from rasd.collection.services import CollectionError, set_round_state, unlock_round
from rasd.lib.request_context import acting_as
from rasd.quality.models import Issue
from rasd.quality.services import QualityError, accept_issue
from rasd.review import services as review
from rasd.review.models import ReviewEvent
from rasd.review.services import ReviewAction, ReviewRefused
from rasd.submissions.models import Submission, SubmissionState
from tests.review.helpers import ReviewWorld, as_state, with_high_issue

pytestmark = pytest.mark.usefixtures("english")
S = SubmissionState
LOCKED = "The round is closed: its data is locked."


def close(world: ReviewWorld) -> None:
    with acting_as(world.admin):
        set_round_state(world.admin, world.round, RoundState.CLEANING, reason="marker")
        set_round_state(world.admin, world.round, RoundState.CLOSED, reason="marker: round finished")


def test_nothing_changes_in_a_closed_round(review_world: ReviewWorld) -> None:
    world = review_world
    with_issue = with_high_issue(world.collection, "PHC-BASRA-1", world.collector)
    approved = as_state(world, "PHC-BASRA-2", S.APPROVED_DIRECTORATE)
    close(world)
    received = world.records["HOSP-BASRA"]
    admin = world.admin
    with acting_as(admin):
        attempts = [
            lambda: review.approve(admin, received),
            lambda: review.approve(admin, approved),
            lambda: review.return_to_collector(admin, received, message="marker"),
            lambda: review.reject(admin, received, comment="marker"),
            lambda: review.reopen(admin, approved, message="marker"),
            lambda: review.add_comment(admin, received, "marker"),
        ]
        for attempt in attempts:
            with pytest.raises(ReviewRefused, match=LOCKED):
                attempt()
        with pytest.raises(QualityError, match=LOCKED):
            accept_issue(admin, Issue.objects.get(submission=with_issue), "marker: landline")
        outcome = review.bulk(admin, Submission.objects.filter(round=world.round), ReviewAction.APPROVE)
    assert outcome.done == [] and {reason for _record, reason in outcome.refused} == {LOCKED}
    assert review.available_actions(admin, Submission.objects.select_related("round").get(pk=received.pk)) == []
    assert ReviewEvent.objects.count() == 1  # the approval made before closing
    assert Submission.objects.get(pk=received.pk).state == S.RECEIVED


def test_an_administrator_unlocks_a_closed_round_with_a_reason(review_world: ReviewWorld) -> None:
    world = review_world
    approved = as_state(world, "PHC-BASRA-1", S.APPROVED_NATIONAL)
    close(world)
    with acting_as(world.admin):
        with pytest.raises(CollectionError):
            unlock_round(world.admin, world.round, reason="   ")
        round_ = unlock_round(world.admin, world.round, reason="  marker: a facility reported a wrong count  ")
    assert round_.state == RoundState.CLEANING
    entry = AuditEntry.objects.get(action="round.unlocked")
    assert entry.actor == world.admin and entry.reason == "marker: a facility reported a wrong count"
    assert entry.changes == {"state": [RoundState.CLOSED, RoundState.CLEANING]}
    assert Submission.objects.get(pk=approved.pk).state == S.APPROVED_NATIONAL  # states are kept
    with acting_as(world.national):
        review.reopen(world.national, approved, message="marker: the count is corrected")  # the data may change
    assert Submission.objects.get(pk=approved.pk).state == S.APPROVED_DIRECTORATE


def test_only_an_administrator_unlocks_and_only_a_closed_round(review_world: ReviewWorld) -> None:
    world = review_world
    with acting_as(world.admin), pytest.raises(CollectionError, match="Only a closed round"):
        unlock_round(world.admin, world.round, reason="marker")
    close(world)
    for user in (world.national, world.basra_manager):
        with acting_as(user), pytest.raises(PermissionDenied):
            unlock_round(user, world.round, reason="marker")
    world.round.refresh_from_db()
    assert world.round.state == RoundState.CLOSED
    assert not AuditEntry.objects.filter(action="round.unlocked").exists()


def test_the_thread_is_append_only(review_world: ReviewWorld) -> None:
    world = review_world
    with acting_as(world.supervisor):
        event = review.add_comment(world.supervisor, world.records["PHC-BASRA-1"], "marker: first thought")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewEvent.objects.filter(pk=event.pk).update(message="rewritten")
    with pytest.raises(DatabaseError), transaction.atomic():
        ReviewEvent.objects.filter(pk=event.pk).delete()
    assert ReviewEvent.objects.get(pk=event.pk).message == "marker: first thought"
