"""Checks against the same facility's record in the previous round (the round of the latest earlier period)."""

from __future__ import annotations

import datetime

import pytest
from django.utils import translation

from rasd.collection.models import Assignment, ExpectedFacility, Round, RoundState
from rasd.quality.models import Issue, IssueStatus, Severity
from rasd.quality.services import validate_round
from tests.collection_fixtures import CollectionWorld
from tests.quality.helpers import (
    BEDS,
    BUILDING,
    EQUIPMENT,
    changed,
    clean_xml,
    consistent,
    new_rules_of,
    send,
)


@pytest.fixture
def last_year(collection: CollectionWorld) -> Round:
    """herams-2025, over 2025, with the same facilities and assignments; collecting while a test sends to it."""
    earlier = Round.objects.create(
        code="herams-2025",
        name="HeRAMS Iraq 2025",
        period_start=datetime.date(2025, 1, 1),
        period_end=datetime.date(2025, 12, 31),
        deadline=datetime.date(2025, 12, 31),
        state=RoundState.CLOSED,
    )
    earlier.versions.add(collection.version)
    for expected in ExpectedFacility.objects.filter(round=collection.round):
        ExpectedFacility.objects.create(round=earlier, facility=expected.facility)
    for assignment in Assignment.objects.filter(round=collection.round):
        Assignment.objects.create(round=earlier, facility=assignment.facility, collector=assignment.collector)
    return earlier


def send_last_year(collection: CollectionWorld, earlier: Round, xml: bytes) -> None:
    """Ingestion takes the round that is collecting the form: last year's, for a moment."""
    Round.objects.filter(pk=collection.round.pk).update(state=RoundState.PLANNING)
    Round.objects.filter(pk=earlier.pk).update(state=RoundState.COLLECTING)
    try:
        assert send(collection, xml).submission.round_id == earlier.pk
    finally:
        Round.objects.filter(pk=earlier.pk).update(state=RoundState.CLOSED)
        Round.objects.filter(pk=collection.round.pk).update(state=RoundState.COLLECTING)


def hospital(collection: CollectionWorld, answers: dict[str, str | None]) -> bytes:
    return changed(consistent(clean_xml(collection, "HOSP-BASRA")), answers)


def test_beds_changed_by_more_than_a_third(collection: CollectionWorld, last_year: Round) -> None:
    send_last_year(collection, last_year, hospital(collection, {}))  # 315 beds in all

    steady = send(collection, hospital(collection, {BEDS: "250"}))  # 350: +11%
    assert new_rules_of(steady) == set()
    jump = send(collection, hospital(collection, {BEDS: "400"}))  # 500: +59%

    assert new_rules_of(jump) == {("who_dq.year_over_year", BEDS)}
    issue = Issue.objects.get(submission_id=jump.submission_id, rule="who_dq.year_over_year")
    assert issue.severity == Severity.MEDIUM
    assert issue.params | {"measure": None} == {
        "measure": None,
        "current": 500,
        "previous": 315,
        "round": "herams-2025",
        "change": "+59",
    }
    with translation.override("en"):
        assert issue.message().startswith("beds: 500 now, 315 in the previous round (herams-2025), a change of +59%")


def test_staff_down_by_more_than_a_third(collection: CollectionWorld, last_year: Round) -> None:
    nurses = {f"/data/human_resources/hr_nurse/staff_nurse_{sex}": "0" for sex in ("female", "male")}
    send_last_year(collection, last_year, hospital(collection, {}))
    # 289 staff, of whom 132 nurses; without the nurses, 157: -46%. (The issue is shown on the first staff question.)
    version = send(collection, hospital(collection, nurses))
    assert new_rules_of(version) == {
        ("who_dq.year_over_year", "/data/human_resources/hr_specialist/staff_specialist_female")
    }
    assert Issue.objects.get(rule="who_dq.year_over_year").params["change"] == "-46"


def test_fully_damaged_last_year_and_not_damaged_now(collection: CollectionWorld, last_year: Round) -> None:
    send_last_year(collection, last_year, hospital(collection, {BUILDING: "fully_damaged", EQUIPMENT: "fully_damaged"}))

    version = send(collection, hospital(collection, {BUILDING: "not_damaged", EQUIPMENT: "partially_damaged"}))

    assert new_rules_of(version) == {("herams.damage_recovered_without_note", BUILDING)}
    with translation.override("en"):
        message = Issue.objects.get(rule="herams.damage_recovered_without_note").message()
    assert "was fully damaged in the previous round (herams-2025)" in message


def test_no_previous_record_no_issue(collection: CollectionWorld, last_year: Round) -> None:
    # Last year only PHC-BASRA-1 was visited: HOSP-BASRA has nothing to compare with.
    send_last_year(collection, last_year, consistent(clean_xml(collection)))
    assert new_rules_of(send(collection, hospital(collection, {BEDS: "1000"}))) == set()


def test_validate_round_finds_the_same_and_changes_nothing_the_second_time(
    collection: CollectionWorld, last_year: Round
) -> None:
    send_last_year(collection, last_year, hospital(collection, {BUILDING: "fully_damaged"}))
    send(collection, hospital(collection, {BEDS: "400", BUILDING: "not_damaged"}))
    found = {(rule, status) for rule, status in Issue.objects.values_list("rule", "status") if "." in rule}
    assert {
        ("who_dq.year_over_year", IssueStatus.OPEN),
        ("herams.damage_recovered_without_note", IssueStatus.OPEN),
    } <= found
    before = list(Issue.objects.order_by("pk").values_list("pk", "rule", "status", "params"))

    for _run in range(2):
        outcome = validate_round(collection.round)
        assert (outcome.opened, outcome.resolved) == (0, 0)
    assert list(Issue.objects.order_by("pk").values_list("pk", "rule", "status", "params")) == before
    # The earlier round's own records have no round before them.
    assert validate_round(last_year).opened == 0
