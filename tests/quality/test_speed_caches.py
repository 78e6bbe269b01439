"""What keeps the ingestion hook cheap (docs/data-quality.md, "Speed"): the record's context read in one precompiled
statement from what the pipeline has not already got in memory — without changing what is found or stored."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rasd.collection.models import Round, RoundState
from rasd.quality import services
from rasd.quality.models import Issue
from rasd.quality.signals import issues_changed
from rasd.registry.models import Facility, OperationalStatus
from rasd.submissions import hooks
from rasd.submissions.models import Source, SubmissionVersion
from tests.collection_fixtures import CollectionWorld
from tests.quality.helpers import PHONE, changed, clean_xml, consistent, rules_of, send


def statements(collection: CollectionWorld, xml: bytes) -> list[str]:
    """The SQL of ingesting `xml` from ODK Collect (whose form rules the phone enforced)."""
    with CaptureQueriesContext(connection) as context:
        send(collection, xml, source=Source.OPENROSA)
    return [query["sql"] for query in context.captured_queries]


def with_and_without_the_hook(collection: CollectionWorld, xml: bytes) -> tuple[list[str], list[str]]:
    """The statements of two ingestions of copies of `xml`, with the quality hook and without it (the other apps'
    hooks left out both times)."""
    others = [hook for hook in hooks.registered() if hook is not services.check_new_version]
    for hook in others:
        hooks.unregister(hook)
    try:
        send(collection, changed(xml, {}), source=Source.OPENROSA)  # warms the per-process caches, as in a server
        with_hook = statements(collection, changed(xml, {}))
        hooks.unregister(services.check_new_version)
        try:
            without = statements(collection, changed(xml, {}))
        finally:
            hooks.register(services.check_new_version)
    finally:
        for hook in others:
            hooks.register(hook)
    return with_hook, without


def reads(sqls: list[str]) -> int:
    return sum(1 for sql in sqls if not sql.startswith(("SAVEPOINT", "RELEASE")))


def test_a_clean_phone_submission_costs_one_statement(collection: CollectionWorld) -> None:
    with_hook, without = with_and_without_the_hook(collection, consistent(clean_xml(collection)))
    # The round, the facility with its type, directorate and sector, and the form's md5: one SELECT (in the hook's
    # savepoint); nothing found, nothing written.
    assert reads(with_hook) == reads(without) + 1


def test_an_earlier_round_adds_one_statement(collection: CollectionWorld) -> None:
    earlier = Round.objects.create(
        code="herams-2025",
        name="HeRAMS Iraq 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 12, 31),
        state=RoundState.CLOSED,
    )
    earlier.versions.add(collection.version)
    with_hook, without = with_and_without_the_hook(collection, consistent(clean_xml(collection)))
    # The context, and the facility's record in the previous round (none here).
    assert reads(with_hook) == reads(without) + 2


def test_the_context_read_at_ingestion_is_the_stored_one(collection: CollectionWorld) -> None:
    """The facility's master-list data, the round's deadline and the form come from the database as they are now:
    a closed facility and a late arrival are found at ingestion, as `validate_version` finds them later."""
    Facility.objects.filter(code="PHC-BASRA-1").update(status=OperationalStatus.PERMANENTLY_CLOSED)
    Round.objects.filter(pk=collection.round.pk).update(deadline=datetime.date(2026, 1, 1))
    version = send(
        collection,
        changed(clean_xml(collection), {}),
        source=Source.OPENROSA,
        received_at=datetime.datetime(2026, 7, 1, 9, tzinfo=datetime.UTC),
    )
    found = rules_of(version)
    assert {("registry.facility_closed", ""), ("collection.late", "")} <= found
    again = SubmissionVersion.objects.get(pk=version.pk)  # its record, round and facility read afresh
    assert services.validate_version(again).opened == 0
    assert rules_of(version) == found


def test_a_failure_while_writing_the_issues_leaves_none_and_the_record_is_built(
    collection: CollectionWorld, monkeypatch: pytest.MonkeyPatch
) -> None:
    def failing(sender: object, **kwargs: object) -> None:
        raise RuntimeError("a bug in a receiver")

    issues_changed.connect(failing, dispatch_uid="test-failing-receiver")
    try:
        version = send(collection, changed(clean_xml(collection), {PHONE: "12345"}))
    finally:
        issues_changed.disconnect(dispatch_uid="test-failing-receiver")
    assert version.submission.current_version == version
    assert not Issue.objects.exists()  # the issues inserted before the failure were rolled back with it
