"""The submission list as a review tool: counts per queue, "waiting for me", the state filter, and decisions on
many records (ticked, or all matching the filters), with ids from outside the filters or the scope ignored and
each refused record listed with its reason."""

from __future__ import annotations

from typing import Any

import pytest
from django.test.client import Client

from rasd.accounts.models import User
from rasd.submissions.models import Submission, SubmissionState
from tests.conftest import client_for
from tests.review.helpers import ReviewWorld, as_state, with_high_issue

pytestmark = pytest.mark.usefixtures("english")
S = SubmissionState


def listed(user: User, query: str = "") -> str:
    response = client_for(user).get(f"/submissions/?round=herams-2026{query}")
    assert response.status_code == 200
    return response.content.decode()


def bulk(user: User | Client, **fields: Any) -> str:
    """Post the list's bulk form; the page it leads to (the outcome, or the list with the refusal)."""
    client = user if isinstance(user, Client) else client_for(user)
    response = client.post("/review/bulk/", {"round": "herams-2026", **fields}, follow=True)
    assert response.status_code == 200
    return response.content.decode()


def states(*records: Submission) -> list[str]:
    return [Submission.objects.get(pk=record.pk).state for record in records]


def test_the_list_counts_the_queues_and_lists_every_state(review_world: ReviewWorld) -> None:
    as_state(review_world, "PHC-BASRA-1", S.APPROVED_DIRECTORATE)
    as_state(review_world, "PHC-BASRA-2", S.RETURNED)
    body = listed(review_world.basra_manager)
    assert 'data-count="total">3<' in body
    assert 'data-count="waiting_directorate">1<' in body and 'data-count="waiting_national">1<' in body
    assert 'data-count="returned">1<' in body and 'data-count="rejected">0<' in body
    assert 'data-count="mine">1<' in body  # the hospital waits for the Basra manager
    for state in S:
        assert f'<option value="{state.value}"' in body
    assert 'data-testid="bulk"' in body and 'name="ids"' in body

    collector = listed(review_world.collector)
    assert 'data-testid="bulk"' not in collector and 'name="ids"' not in collector


def test_waiting_for_me_follows_the_readers_permissions(review_world: ReviewWorld) -> None:
    approved = as_state(review_world, "PHC-BASRA-1", S.APPROVED_DIRECTORATE)
    returned = as_state(review_world, "HOSP-BASRA", S.RETURNED)  # sent by the Basra manager
    national = listed(review_world.national, "&queue=mine")
    assert approved.first_instance_id in national and national.count('data-testid="open-issues"') == 1
    manager = listed(review_world.basra_manager, "&queue=mine")
    assert review_world.records["PHC-BASRA-2"].first_instance_id in manager  # waiting for the directorate
    assert returned.first_instance_id in manager  # returned to the manager as its sender
    assert approved.first_instance_id not in manager
    assert 'data-testid="open-issues"' not in listed(review_world.collector, "&queue=mine")  # nothing returned to them


def test_bulk_approval_of_ticked_records_ignores_ids_outside_the_scope(review_world: ReviewWorld) -> None:
    basra_1, basra_2 = review_world.records["PHC-BASRA-1"], review_world.records["PHC-BASRA-2"]
    najaf = review_world.records["PHC-NAJAF-1"]
    page = bulk(review_world.basra_manager, action="approve", target="selected", ids=[basra_1.pk, basra_2.pk, najaf.pk])
    assert 'data-done="2"' in page and "2 records done." in page
    assert states(basra_1, basra_2, najaf) == [S.APPROVED_DIRECTORATE, S.APPROVED_DIRECTORATE, S.RECEIVED]


def test_bulk_on_all_records_matching_the_filters(review_world: ReviewWorld) -> None:
    sector = review_world.collection.facilities["PHC-BASRA-1"].sector_id
    page = bulk(
        review_world.basra_manager,
        action="approve",
        target="all",
        expected="1",
        sector=str(sector),
        queue="directorate",
    )
    assert 'data-done="1"' in page
    assert f"sector={sector}" in page and "queue=directorate" in page  # back to the same filtered list
    assert states(*review_world.basra()) == [S.APPROVED_DIRECTORATE, S.RECEIVED, S.RECEIVED]


def test_a_bulk_decision_lists_each_refused_record_with_its_reason(review_world: ReviewWorld) -> None:
    flagged = with_high_issue(review_world.collection, "PHC-BASRA-1", review_world.collector)
    returned = as_state(review_world, "HOSP-BASRA", S.RETURNED)
    directorate = str(review_world.collection.facilities["PHC-BASRA-1"].directorate_id)
    page = bulk(review_world.basra_manager, action="approve", target="all", directorate=directorate)
    assert 'data-done="2"' in page and 'data-refused="2"' in page
    assert f'data-record="{flagged.pk}"' in page and "give a justification" in page
    assert f'data-record="{returned.pk}"' in page and "returned to its collector" in page
    assert states(flagged, returned) == [S.HAS_ISSUES, S.RETURNED]

    page = bulk(
        review_world.basra_manager,
        action="approve",
        target="selected",
        ids=[flagged.pk],
        justification="marker: the landline of the centre",
    )
    assert 'data-done="1"' in page and states(flagged) == [S.APPROVED_DIRECTORATE]


def test_refused_bulk_requests_change_nothing(review_world: ReviewWorld) -> None:
    records = review_world.basra()
    ids = [record.pk for record in records]
    manager = client_for(review_world.basra_manager)

    page = bulk(manager, action="return", target="selected", ids=ids)
    assert "Say what the collector should correct." in page
    page = bulk(manager, action="approve", target="selected")
    assert "Tick the records to act on" in page
    page = bulk(manager, action="approve", target="all", expected="99")
    assert "3 records match the filters now, not 99: nothing was done." in page
    najaf = str(review_world.collection.facilities["PHC-NAJAF-1"].directorate_id)
    page = bulk(manager, action="approve", target="all", directorate=najaf)
    assert "Some filters could not be used: nothing was done." in page
    page = bulk(review_world.supervisor, action="approve", target="selected", ids=ids)
    assert "Select a valid choice" in page  # a supervisor returns and comments, but does not approve
    forbidden = client_for(review_world.collector).post("/review/bulk/", {"round": "herams-2026", "ids": ids})
    assert forbidden.status_code == 403
    assert states(*records) == [S.RECEIVED] * 3


def test_a_bulk_return_reaches_each_collector(review_world: ReviewWorld) -> None:
    records = review_world.basra()
    page = bulk(
        review_world.supervisor,
        action="return",
        target="selected",
        ids=[record.pk for record in records],
        message="marker-bulk: add the GPS point",
    )
    # The supervisor's scope is sector 1: the other records are not in it, so they are not touched.
    assert 'data-done="1"' in page
    assert states(*records) == [S.RETURNED, S.RECEIVED, S.RECEIVED]
    home = client_for(review_world.collector).get("/").content.decode()
    assert "marker-bulk: add the GPS point" in home
