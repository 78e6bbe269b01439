"""The approval pages: national managers approve directorate by directorate, directorate managers sector by sector;
both count the round's records in their scope per queue and approve a unit's waiting records through the bulk
form (its checks, its outcome page)."""

from __future__ import annotations

import re

import pytest

from rasd.accounts.models import User
from rasd.collection.models import Round, RoundState
from rasd.submissions.models import Submission, SubmissionState
from tests.conftest import client_for
from tests.review.helpers import ReviewWorld, as_state, with_high_issue

pytestmark = pytest.mark.usefixtures("english")
S = SubmissionState


def page(user: User, which: str = "national") -> str:
    response = client_for(user).get(f"/review/{which}/?round=herams-2026")
    assert response.status_code == 200
    return response.content.decode()


def row(body: str, directorate: int, sector: int | str | None = None) -> str:
    """The table row of a directorate, or of a sector inside it ("": its records without a sector)."""
    marker = f'data-directorate="{directorate}"' + (f' data-sector="{sector}"' if sector is not None else ">")
    start = body.index(marker)
    return body[start : body.index("</tr>", start)]


def count(body: str, name: str) -> int:
    found = re.search(rf'data-count="{name}">(?:<span[^>]*>)?(\d+)', body)
    assert found is not None, name
    return int(found.group(1))


def approve_unit(user: User, directorate: int, queue: str, expected: int, **extra: str) -> str:
    """Post the approval form of a row as the page does."""
    data = {
        "round": "herams-2026",
        "directorate": str(directorate),
        "queue": queue,
        "action": "approve",
        "target": "all",
        "expected": str(expected),
        "return_to": queue,
        **extra,
    }
    return client_for(user).post("/review/bulk/", data, follow=True).content.decode()


def states(*records: Submission) -> list[str]:
    return [Submission.objects.get(pk=record.pk).state for record in records]


def test_the_national_manager_approves_a_directorates_approved_records(review_world: ReviewWorld) -> None:
    basra = review_world.basra_manager.scope_directorates.get().pk
    najaf = review_world.najaf_manager.scope_directorates.get().pk
    for code in ("PHC-BASRA-1", "PHC-BASRA-2"):
        as_state(review_world, code, S.APPROVED_DIRECTORATE)
    as_state(review_world, "PHC-NAJAF-1", S.REJECTED)

    body = page(review_world.national)
    basra_row, najaf_row = row(body, basra), row(body, najaf)
    assert count(basra_row, "waiting_directorate") == 1 and count(basra_row, "waiting_national") == 2
    assert "Approve the 2 records approved by the directorate" in basra_row
    assert f"directorate={basra}" in basra_row and "queue=national" in basra_row  # the link to the list
    assert count(najaf_row, "rejected") == 1 and 'data-testid="approve-unit"' not in najaf_row

    outcome = approve_unit(review_world.national, basra, "national", 2)
    assert 'data-done="2"' in outcome and 'href="/review/national/?round=herams-2026"' in outcome
    assert states(*review_world.basra()) == [S.APPROVED_NATIONAL, S.APPROVED_NATIONAL, S.RECEIVED]
    assert count(row(page(review_world.national), basra), "approved_national") == 2
    again = approve_unit(review_world.national, basra, "national", 2)  # a second click, from the same old page
    assert "0 records match the filters now, not 2: nothing was done." in again
    assert 'data-testid="approval-table"' in again  # back on the national page


def test_high_severity_issues_need_a_justification_on_the_national_page(review_world: ReviewWorld) -> None:
    flagged = with_high_issue(review_world.collection, "PHC-BASRA-1", review_world.collector)
    client_for(review_world.basra_manager).post(
        f"/review/submissions/{flagged.pk}/decide/", {"action": "approve", "justification": "marker: checked by phone"}
    )
    clean = as_state(review_world, "PHC-BASRA-2", S.APPROVED_DIRECTORATE)
    basra = flagged.directorate_id
    assert basra is not None
    basra_row = row(page(review_world.national), basra)
    assert count(basra_row, "high_issues") == 1 and 'name="justification"' in basra_row

    outcome = approve_unit(review_world.national, basra, "national", 2)
    assert 'data-done="1"' in outcome and 'data-refused="1"' in outcome and "give a justification" in outcome
    assert states(flagged, clean) == [S.APPROVED_DIRECTORATE, S.APPROVED_NATIONAL]
    approve_unit(review_world.national, basra, "national", 1, justification="marker: the landline of the centre")
    assert states(flagged) == [S.APPROVED_NATIONAL]


def test_the_pages_show_only_the_scope_and_refuse_other_roles(review_world: ReviewWorld) -> None:
    basra = review_world.basra_manager.scope_directorates.get().pk
    najaf = review_world.najaf_manager.scope_directorates.get().pk
    krg = page(review_world.personas.national_krg)
    assert f'data-directorate="{basra}"' not in krg and f'data-directorate="{najaf}"' not in krg
    assert client_for(review_world.basra_manager).get("/review/national/").status_code == 403
    assert client_for(review_world.national).get("/review/directorates/").status_code == 403
    for user in (review_world.supervisor, review_world.collector):
        assert client_for(user).get("/review/directorates/").status_code == 403
    najaf_page = page(review_world.najaf_manager, "directorates")
    assert f'data-directorate="{najaf}"' in najaf_page and f'data-directorate="{basra}"' not in najaf_page
    # Approving another directorate's records through the form: the filter is outside the scope, nothing is done.
    approve_unit(review_world.najaf_manager, basra, "directorate", 3)
    assert states(*review_world.basra()) == [S.RECEIVED] * 3


def test_a_directorate_manager_approves_sector_by_sector(review_world: ReviewWorld) -> None:
    basra = review_world.basra_manager.scope_directorates.get().pk
    sector_1 = review_world.collection.facilities["PHC-BASRA-1"].sector_id
    assert sector_1 is not None
    body = page(review_world.basra_manager, "directorates")
    assert count(row(body, basra), "waiting_directorate") == 3
    sector_row = row(body, basra, sector_1)
    assert "marker-sector-basra-1" in sector_row and "Approve the 1 waiting record" in sector_row
    hospitals = row(body, basra, "")  # the hospital's record
    assert count(hospitals, "waiting_directorate") == 1
    assert 'data-testid="approve-unit"' not in hospitals  # no filter selects the records without a sector

    outcome = approve_unit(review_world.basra_manager, basra, "directorate", 1, sector=str(sector_1))
    assert 'data-done="1"' in outcome and 'href="/review/directorates/?round=herams-2026"' in outcome
    assert states(*review_world.basra()) == [S.APPROVED_DIRECTORATE, S.RECEIVED, S.RECEIVED]
    outcome = approve_unit(review_world.basra_manager, basra, "directorate", 2)  # the rest of the directorate
    assert states(*review_world.basra()) == [S.APPROVED_DIRECTORATE] * 3


def test_a_closed_round_offers_no_approval(review_world: ReviewWorld) -> None:
    as_state(review_world, "PHC-BASRA-1", S.APPROVED_DIRECTORATE)
    Round.objects.filter(pk=review_world.round.pk).update(state=RoundState.CLOSED)
    body = page(review_world.national)
    assert "This round is closed: its data is locked." in body and 'data-testid="approve-unit"' not in body
    basra = review_world.records["PHC-BASRA-1"].directorate_id
    assert basra is not None
    outcome = approve_unit(review_world.national, basra, "national", 1)
    assert 'data-refused="1"' in outcome and "The round is closed: its data is locked." in outcome
    assert states(review_world.records["PHC-BASRA-1"]) == [S.APPROVED_DIRECTORATE]
