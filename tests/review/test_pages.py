"""The review panel of a record's page: each action posted as a reviewer would, the refused ones (no message, no
justification, wrong role, other directorate, closed round), the thread and comments; a collector's returned records
on the home page; unlocking a closed round from its page."""

from __future__ import annotations

import pytest
from django.test import Client

from rasd.accounts.models import User
from rasd.audit.models import AuditEntry
from rasd.collection.models import Round, RoundState
from rasd.review.models import ReviewEvent, ReviewEventKind
from rasd.submissions.models import Submission, SubmissionState
from tests.conftest import client_for
from tests.review.helpers import ReviewWorld, as_state, with_high_issue

pytestmark = pytest.mark.usefixtures("english")
S = SubmissionState


def record_page(user: User, record: Submission) -> str:
    response = client_for(user).get(f"/submissions/{record.pk}/")
    assert response.status_code == 200
    return response.content.decode()


def decide(user: User | Client, record: Submission, action: str, **fields: str) -> str:
    """Post a decision from the record's page; the page it leads back to."""
    client = user if isinstance(user, Client) else client_for(user)
    response = client.post(f"/review/submissions/{record.pk}/decide/", {"action": action, **fields}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def state_of(record: Submission) -> str:
    return Submission.objects.get(pk=record.pk).state


def test_a_directorate_manager_approves_from_the_record_page(review_world: ReviewWorld) -> None:
    record = review_world.records["PHC-BASRA-1"]
    page = record_page(review_world.basra_manager, record)
    assert 'data-testid="review"' in page and 'data-action="approve"' in page and 'data-action="reject"' in page
    assert 'data-testid="justification"' not in page  # no open high-severity issue

    response = client_for(review_world.basra_manager).post(
        f"/review/submissions/{record.pk}/decide/", {"action": "approve"}
    )
    assert response.status_code == 302 and response["Location"] == f"/submissions/{record.pk}/#review"
    assert state_of(record) == S.APPROVED_DIRECTORATE

    page = record_page(review_world.basra_manager, record)
    assert 'data-kind="approved_directorate"' in page and "Received → Approved by the directorate" in page
    assert 'data-action="approve"' not in page  # the second level is the national managers'
    assert AuditEntry.objects.filter(action="review.approved", object_id=str(record.pk)).exists()


def test_the_national_manager_approves_then_takes_the_approval_back(review_world: ReviewWorld) -> None:
    record = as_state(review_world, "PHC-BASRA-1", S.APPROVED_DIRECTORATE)
    page = record_page(review_world.national, record)
    assert "Approve nationally" in page
    page = decide(review_world.national, record, "approve")
    assert "The record is now “Approved nationally”." in page
    assert state_of(record) == S.APPROVED_NATIONAL

    page = decide(review_world.national, record, "reopen")
    assert "Say why the decision is taken back." in page and state_of(record) == S.APPROVED_NATIONAL
    decide(review_world.national, record, "reopen", message="marker-reopen: the beds were counted twice")
    assert state_of(record) == S.APPROVED_DIRECTORATE
    assert "marker-reopen: the beds were counted twice" in record_page(review_world.national, record)


def test_returning_needs_a_message_and_the_collector_reads_it(review_world: ReviewWorld) -> None:
    record = review_world.records["PHC-BASRA-1"]
    supervisor = client_for(review_world.supervisor)  # comments and returns, does not approve
    page = record_page(review_world.supervisor, record)
    assert 'data-action="return"' in page and 'data-action="approve"' not in page

    page = decide(supervisor, record, "return", message="   ")
    assert "Say what the collector should correct." in page and state_of(record) == S.RECEIVED

    decide(supervisor, record, "return", message="marker-return: the number of beds is missing")
    assert state_of(record) == S.RETURNED
    collector_page = record_page(review_world.collector, record)
    assert "marker-return: the number of beds is missing" in collector_page
    assert 'data-testid="review-actions"' not in collector_page and 'data-testid="comment-form"' not in collector_page


def test_rejecting_needs_a_comment(review_world: ReviewWorld) -> None:
    record = review_world.records["HOSP-BASRA"]
    page = decide(review_world.basra_manager, record, "reject")
    assert "Say why the record is rejected." in page and state_of(record) == S.RECEIVED
    decide(review_world.basra_manager, record, "reject", message="marker-reject: a duplicate visit")
    assert state_of(record) == S.REJECTED
    page = record_page(review_world.basra_manager, record)
    assert "marker-reject: a duplicate visit" in page and 'data-action="reopen"' in page


def test_approving_over_a_high_severity_issue_needs_a_justification(review_world: ReviewWorld) -> None:
    record = with_high_issue(review_world.collection, "PHC-BASRA-1", review_world.collector)
    assert record.state == S.HAS_ISSUES
    assert 'data-testid="justification"' in record_page(review_world.basra_manager, record)

    page = decide(review_world.basra_manager, record, "approve")
    assert "give a justification" in page and state_of(record) == S.HAS_ISSUES

    decide(review_world.basra_manager, record, "approve", justification="marker-why: the landline of the centre")
    assert state_of(record) == S.APPROVED_DIRECTORATE
    assert "marker-why: the landline of the centre" in record_page(review_world.basra_manager, record)


def test_a_wrong_role_is_refused_with_403(review_world: ReviewWorld) -> None:
    record = review_world.records["PHC-BASRA-1"]
    collector = client_for(review_world.collector)
    assert collector.post(f"/review/submissions/{record.pk}/decide/", {"action": "approve"}).status_code == 403
    assert collector.post(f"/review/submissions/{record.pk}/comment/", {"text": "x"}).status_code == 403
    approved = as_state(review_world, "PHC-BASRA-2", S.APPROVED_DIRECTORATE)
    manager = client_for(review_world.basra_manager)  # national approval is not the directorate's
    assert manager.post(f"/review/submissions/{approved.pk}/decide/", {"action": "approve"}).status_code == 403
    assert state_of(record) == S.RECEIVED and state_of(approved) == S.APPROVED_DIRECTORATE
    assert not ReviewEvent.objects.filter(kind=ReviewEventKind.COMMENT).exists()


def test_another_directorate_gets_404_and_changes_nothing(review_world: ReviewWorld) -> None:
    record = review_world.records["PHC-BASRA-1"]
    najaf = client_for(review_world.najaf_manager)
    assert najaf.post(f"/review/submissions/{record.pk}/decide/", {"action": "approve"}).status_code == 404
    assert najaf.post(f"/review/submissions/{record.pk}/comment/", {"text": "x"}).status_code == 404
    assert state_of(record) == S.RECEIVED and not ReviewEvent.objects.filter(submission=record).exists()


def test_comments_make_a_thread_oldest_first(review_world: ReviewWorld) -> None:
    record = review_world.records["PHC-BASRA-1"]
    supervisor = client_for(review_world.supervisor)
    response = supervisor.post(f"/review/submissions/{record.pk}/comment/", {"text": " "}, follow=True)
    assert "Write the comment first." in response.content.decode()
    supervisor.post(f"/review/submissions/{record.pk}/comment/", {"text": "marker-first: call the director"})
    client_for(review_world.basra_manager).post(
        f"/review/submissions/{record.pk}/comment/", {"text": "marker-second: he confirmed"}
    )
    page = record_page(review_world.basra_manager, record)
    assert page.index("marker-first: call the director") < page.index("marker-second: he confirmed")
    assert "marker-basra-s1-supervisor" in page and 'data-kind="comment"' in page
    assert state_of(record) == S.RECEIVED  # a comment decides nothing


def test_a_closed_round_locks_the_record(review_world: ReviewWorld) -> None:
    record = review_world.records["PHC-BASRA-1"]
    Round.objects.filter(pk=review_world.round.pk).update(state=RoundState.CLOSED)
    page = record_page(review_world.basra_manager, record)
    assert "This round is closed: its data is locked." in page
    assert 'data-testid="review-actions"' not in page and 'data-testid="comment-form"' not in page
    assert 'data-testid="edit-in-browser"' not in page

    page = decide(review_world.basra_manager, record, "approve")
    assert "The round is closed: its data is locked." in page and state_of(record) == S.RECEIVED


def test_the_collector_finds_their_returned_records_on_the_home_page(review_world: ReviewWorld) -> None:
    record = as_state(review_world, "PHC-BASRA-1", S.RETURNED)
    home = client_for(review_world.collector).get("/").content.decode()
    assert 'data-testid="returned-to-me"' in home and "Returned to you" in home
    assert "marker-return: check the beds" in home
    assert f'href="/submissions/{record.pk}/#review"' in home
    assert f'href="/entry/submissions/{record.pk}/edit/"' in home  # edit in the browser (the round still collects)

    other = client_for(review_world.personas.basra_s2_collector).get("/").content.decode()
    assert 'data-testid="returned-to-me"' not in other  # returned to someone else
    assert 'data-testid="returned-to-me"' not in client_for(review_world.basra_manager).get("/").content.decode()


def test_an_administrator_unlocks_a_closed_round_from_its_page(review_world: ReviewWorld) -> None:
    round_ = review_world.round
    admin = client_for(review_world.admin)
    assert 'data-testid="unlock"' not in admin.get(f"/rounds/{round_.pk}/").content.decode()  # not closed
    Round.objects.filter(pk=round_.pk).update(state=RoundState.CLOSED)
    page = admin.get(f"/rounds/{round_.pk}/").content.decode()
    assert 'data-testid="unlock"' in page
    assert 'data-testid="unlock"' not in client_for(review_world.national).get(f"/rounds/{round_.pk}/").content.decode()

    national = client_for(review_world.national)
    assert national.post(f"/rounds/{round_.pk}/unlock/", {"reason": "x"}).status_code == 403
    response = admin.post(f"/rounds/{round_.pk}/unlock/", {"reason": "  "}, follow=True)
    assert "Say why the round" in response.content.decode()
    assert Round.objects.get(pk=round_.pk).state == RoundState.CLOSED

    response = admin.post(f"/rounds/{round_.pk}/unlock/", {"reason": "marker: a wrong bed count found by WHO"})
    assert response.status_code == 302
    assert Round.objects.get(pk=round_.pk).state == RoundState.CLEANING
    entry = AuditEntry.objects.get(action="round.unlocked")
    assert entry.reason == "marker: a wrong bed count found by WHO" and entry.actor == review_world.admin
