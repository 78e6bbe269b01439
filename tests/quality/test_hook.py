"""The ingestion hook: cheap (a fixed, small number of SQL statements per submission) and never in the way of a
record being built."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rasd.quality import services
from rasd.quality.models import Issue
from rasd.submissions import hooks
from rasd.submissions.models import SubmissionVersion
from tests.collection_fixtures import CollectionWorld
from tests.quality.helpers import PHONE, changed, clean_xml, send


def statements_to_ingest(collection: CollectionWorld, xml: bytes) -> int:
    with CaptureQueriesContext(connection) as context:
        send(collection, xml)
    return len([q for q in context.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))])


def test_the_hook_adds_two_statements_and_one_more_per_problem_found(collection: CollectionWorld) -> None:
    xml = clean_xml(collection)
    send(collection, changed(xml, {}))  # warms the per-version caches, as any running server has
    hooks.unregister(services.check_new_version)
    try:
        without = statements_to_ingest(collection, changed(xml, {}))
    finally:
        hooks.register(services.check_new_version)
    # The record with its round, facility and form; the sectors of the facility's directorate. (The cross-field
    # rules in force, whether the round has an earlier one and the peer statistics are kept in the process for a
    # while; with an earlier round, the facility's record there is one statement more.)
    assert statements_to_ingest(collection, changed(xml, {})) == without + 2
    # ...and one insert of the issues found, and one update of the record's state to "has issues" (rasd.review).
    assert statements_to_ingest(collection, changed(xml, {PHONE: "12345"})) == without + 4


def test_a_failing_check_never_keeps_a_record_from_being_built(
    collection: CollectionWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(version: SubmissionVersion, *, new_record: bool = False) -> services.Outcome:
        raise RuntimeError("a bug in a rule")

    monkeypatch.setattr(services, "validate_version", broken)
    assert services.check_new_version in hooks.registered()
    version = send(collection, changed(clean_xml(collection), {PHONE: "12345"}))
    assert version.submission.current_version == version
    assert not Issue.objects.exists()
