"""An issue's life: opened at ingestion, carried or resolved by edits, accepted with a justification (audited),
re-checked for a whole round without duplicates, and seen only within the reader's scope."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied
from django.utils import translation

from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.quality import selectors
from rasd.quality.models import Issue, IssueStatus
from rasd.quality.services import QualityError, accept_issue, validate_round
from rasd.registry.models import Facility
from rasd.submissions.models import SubmissionVersion
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas
from tests.quality.helpers import DAMAGE, PHONE, changed, clean_xml, rules_of, send


def broken_then_edited(
    collection: CollectionWorld, edit: dict[str, str | None]
) -> tuple[SubmissionVersion, SubmissionVersion]:
    xml = changed(clean_xml(collection), {PHONE: "12345"})
    first = send(collection, xml)
    second = send(collection, changed(xml, edit, edit_of=first.instance_id))
    assert second.submission_id == first.submission_id and second.number == 2
    return first, second


def test_an_edit_fixing_the_answer_resolves_the_issue(collection: CollectionWorld) -> None:
    first, second = broken_then_edited(collection, {PHONE: "07701234567"})

    issue = Issue.objects.get()
    assert issue.status == IssueStatus.RESOLVED
    assert (issue.first_version, issue.last_version, issue.resolved_by_version) == (first, first, second)
    assert issue.status_changed_at is not None


def test_an_edit_keeping_the_problem_leaves_it_open(collection: CollectionWorld) -> None:
    first, second = broken_then_edited(collection, {PHONE: "99"})

    issue = Issue.objects.get()
    assert issue.status == IssueStatus.OPEN
    assert (issue.first_version, issue.last_version, issue.resolved_by_version) == (first, second, None)
    assert issue.params["value"] == "99"  # what the latest version shows


def test_a_problem_that_comes_back_opens_a_new_issue(collection: CollectionWorld) -> None:
    first, second = broken_then_edited(collection, {PHONE: "07701234567"})
    third = send(collection, changed(clean_xml(collection), {PHONE: "1"}, edit_of=second.instance_id))

    rows = list(Issue.objects.order_by("pk").values_list("status", "first_version", "resolved_by_version"))
    assert rows == [(IssueStatus.RESOLVED, first.pk, second.pk), (IssueStatus.OPEN, third.pk, None)]


def test_accepting_needs_a_justification_and_is_audited(collection: CollectionWorld, personas: Personas) -> None:
    send(collection, changed(clean_xml(collection), {PHONE: "12345"}))
    issue = Issue.objects.get()
    manager = personas.basra_manager

    with acting_as(manager), translation.override("en"), pytest.raises(QualityError, match="Say why"):
        accept_issue(manager, issue, "   ")
    assert Issue.objects.get().status == IssueStatus.OPEN

    with acting_as(manager):
        accepted = accept_issue(manager, issue, "The respondent has a landline only.")
    assert (accepted.status, accepted.status_changed_by) == (IssueStatus.ACCEPTED, manager)
    entry = AuditEntry.objects.get(action="quality.issue_accepted")
    assert (entry.actor, entry.object_id, entry.reason) == (
        manager,
        str(issue.pk),
        "The respondent has a landline only.",
    )
    assert entry.changes["status"] == ["open", "accepted"]

    with acting_as(manager), translation.override("en"), pytest.raises(QualityError, match="Only an open issue"):
        accept_issue(manager, issue, "again")


def test_collectors_and_other_directorates_cannot_accept(collection: CollectionWorld, personas: Personas) -> None:
    send(collection, changed(clean_xml(collection), {PHONE: "12345"}))
    issue = Issue.objects.get()
    for user in (personas.basra_s1_collector, personas.najaf_manager):
        with acting_as(user), pytest.raises(PermissionDenied):
            accept_issue(user, issue, "looks fine to me")
    assert Issue.objects.get().status == IssueStatus.OPEN
    assert not AuditEntry.objects.filter(action="quality.issue_accepted").exists()


def test_an_accepted_issue_stays_accepted_while_the_answer_is_kept(
    collection: CollectionWorld, personas: Personas
) -> None:
    xml = changed(clean_xml(collection), {PHONE: "12345"})
    first = send(collection, xml)
    with acting_as(personas.basra_manager):
        accept_issue(personas.basra_manager, Issue.objects.get(), "landline")
    second = send(collection, changed(xml, {"/data/confirmation/respondent_name": "Ali"}, edit_of=first.instance_id))

    issue = Issue.objects.get()
    assert (issue.status, issue.last_version, issue.justification) == (IssueStatus.ACCEPTED, second, "landline")


def test_validate_round_is_idempotent_and_follows_the_master_list(collection: CollectionWorld) -> None:
    send(collection, changed(clean_xml(collection), {PHONE: "12345"}))
    send(collection, clean_xml(collection, "PHC-BASRA-2"))  # outside the collector's assignment
    before = set(Issue.objects.values_list("pk", "rule", "status", "last_version"))

    for _run in range(2):
        outcome = validate_round(collection.round)
        assert (outcome.records, outcome.opened, outcome.resolved) == (2, 0, 0)
    assert set(Issue.objects.values_list("pk", "rule", "status", "last_version")) == before

    # The master list now places PHC-BASRA-1 far from where the collector stood: the next run finds it.
    Facility.objects.filter(code="PHC-BASRA-1").update(latitude=36.0, longitude=44.0)
    outcome = validate_round(collection.round)
    assert (outcome.opened, outcome.resolved) == (1, 0)
    assert Issue.objects.filter(rule="registry.gps_far", status=IssueStatus.OPEN).count() == 1


def test_a_najaf_manager_sees_none_of_basras_issues(collection: CollectionWorld, personas: Personas) -> None:
    version = send(collection, changed(clean_xml(collection), {PHONE: "12345", DAMAGE: None}))
    assert len(rules_of(version)) == 2

    assert selectors.open_counts_by_submission(personas.basra_manager, collection.round) == {version.submission_id: 2}
    assert selectors.open_counts_by_submission(personas.najaf_manager, collection.round) == {}
    assert selectors.open_counts_by_rule(personas.najaf_manager, collection.round) == []
    by_rule = selectors.open_counts_by_rule(personas.basra_s1_supervisor, collection.round)
    assert {(count.rule, count.count) for count in by_rule} == {("xform.constraint", 1), ("xform.required", 1)}
    assert selectors.issue_rows(personas.erbil_manager, collection.round) == []
