"""Outliers among peers (same facility type): the modified z-score, computed per round by validate_round and used
at ingestion from the stored statistics."""

from __future__ import annotations

from typing import Any

import pytest
from lxml import etree

from rasd.quality.models import Issue, IssueStatus, PeerStatistic, Severity
from rasd.quality.rules.outliers import Spread
from rasd.quality.services import validate_round
from rasd.submissions.models import SubmissionVersion
from tests.collection_fixtures import CollectionWorld
from tests.quality.helpers import FIRST_STAFF, changed, clean_xml, consistent, new_rules_of, send

PHCS = ("PHC-BASRA-1", "PHC-NAJAF-1", "PHC-ERBIL-1")  # with 30, 31 and 40 staff below; PHC-BASRA-2 varies


def with_staff(xml: bytes, total: int, *, edit_of: str = "") -> bytes:
    """`xml` with `total` staff, all female nurses (an edit of the version `edit_of` names, if any)."""
    root = etree.fromstring(xml)
    answers: dict[str, str | None] = {}
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag.startswith("staff_") and node.tag.endswith(("_female", "_male")):
            answers[etree.ElementTree(root).getpath(node)] = "0"
    answers["/data/human_resources/hr_nurse/staff_nurse_female"] = str(total)
    return consistent(changed(xml, answers, edit_of=edit_of))


def peers(collection: CollectionWorld, basra_2: int) -> SubmissionVersion:
    for code, total in zip(PHCS, (30, 31, 40), strict=True):
        send(collection, with_staff(clean_xml(collection, code), total))
    return send(collection, with_staff(clean_xml(collection, "PHC-BASRA-2"), basra_2))


def test_the_modified_z_score() -> None:
    spread = Spread.of([30, 31, 40, 500])
    assert (spread.median, spread.mad) == (35.5, 5.0)
    assert spread.z(500) == pytest.approx(0.6745 * 464.5 / 5)
    assert spread.z(65) == pytest.approx(3.98, abs=0.01)  # a moderate outlier (above 3.5, not above 5)
    # More than half the same value: the mean absolute deviation instead (WHO DQ tool).
    mostly_zero = Spread.of([0, 0, 0, 0, 0, 10])
    assert mostly_zero.mad == 0 and mostly_zero.z(10) == pytest.approx(0.7979 * 10 / (10 / 6))
    assert Spread.of([7, 7, 7]).z(7) is None  # all the same: nothing is an outlier


def test_an_extreme_outlier_found_by_validate_round(collection: CollectionWorld, settings: Any) -> None:
    settings.QUALITY_PEER_GROUP_MIN = 4
    outlier = peers(collection, 500)
    assert new_rules_of(outlier) == set()  # no statistics before validate_round has run for the round

    validate_round(collection.round)

    assert new_rules_of(outlier) == {("who_dq.outlier_extreme", FIRST_STAFF)}
    issue = Issue.objects.get(rule="who_dq.outlier_extreme")
    assert issue.severity == Severity.MEDIUM
    assert issue.params | {"measure": None} == {"measure": None, "value": 500, "median": 35.5, "z": 62.7, "count": 4}
    assert PeerStatistic.objects.get(measure="staff").count == 4
    assert Issue.objects.filter(rule__startswith="who_dq").count() == 1  # the three others are near the median

    before = list(Issue.objects.order_by("pk").values_list("pk", "rule", "status", "params"))
    outcome = validate_round(collection.round)
    assert (outcome.opened, outcome.resolved) == (0, 0)
    assert list(Issue.objects.order_by("pk").values_list("pk", "rule", "status", "params")) == before
    assert PeerStatistic.objects.count() == 1  # replaced, not added to


def test_an_edit_is_compared_with_the_stored_statistics(collection: CollectionWorld, settings: Any) -> None:
    settings.QUALITY_PEER_GROUP_MIN = 4
    outlier = peers(collection, 500)
    validate_round(collection.round)

    fewer = send(collection, with_staff(clean_xml(collection, "PHC-BASRA-2"), 65, edit_of=outlier.instance_id))
    assert fewer.submission_id == outlier.submission_id
    # Against the round's statistics (median 35.5, MAD 5): z = 4.0, a moderate outlier now.
    assert new_rules_of(fewer) == {("who_dq.outlier_moderate", FIRST_STAFF)}
    assert Issue.objects.get(rule="who_dq.outlier_moderate").severity == Severity.LOW
    assert Issue.objects.get(rule="who_dq.outlier_extreme").status == IssueStatus.RESOLVED


def test_groups_smaller_than_the_minimum_are_not_judged(collection: CollectionWorld) -> None:
    outlier = peers(collection, 500)  # four records; the minimum is 8
    validate_round(collection.round)
    assert new_rules_of(outlier) == set()
    assert PeerStatistic.objects.get(measure="staff").count == 4  # kept, so a lower minimum applies at once
