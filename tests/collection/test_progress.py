"""Round progress: the numbers agree with the stored submissions, limited to the user's scope; the page, its CSV,
its map points and the `round_progress` command."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from rasd.collection.models import ExpectedFacility, Round
from rasd.collection.progress import Progress, Unit, round_progress
from rasd.submissions.models import QuarantineReason, SubmissionState
from tests.collection.test_ingest import make_instance, submit
from tests.collection.test_submission_pages_data import make_record
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, World, client_for

pytestmark = pytest.mark.django_db

BEFORE_DEADLINE = datetime.date(2026, 3, 5)
AFTER_DEADLINE = datetime.date(2027, 1, 10)
ON_MARCH_1 = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
ON_MARCH_2 = datetime.datetime(2026, 3, 2, 9, 0, tzinfo=datetime.UTC)


@pytest.fixture
def stored(collection: CollectionWorld, world: World, personas: Personas) -> CollectionWorld:
    """Received: PHC-BASRA-1 (twice: two records count once), HOSP-BASRA, PHC-NAJAF-1; quarantined: one in Basra
    sector 2 and one with no facility in Najaf; HOSP-NAJAF is removed from the round (not expected any more)."""
    f = collection.facilities
    s1, s2 = personas.basra_s1_collector, personas.basra_s2_collector
    for facility, who, when in (
        (f["PHC-BASRA-1"], s1, ON_MARCH_1),
        (f["PHC-BASRA-1"], s1, ON_MARCH_2),
        (f["HOSP-BASRA"], s2, ON_MARCH_2),
        (f["PHC-NAJAF-1"], None, ON_MARCH_1),
    ):
        make_record(collection.round, collection.version, facility=facility, submitter=who, received_at=when)
    make_record(
        collection.round,
        collection.version,
        facility=f["PHC-BASRA-2"],
        submitter=s2,
        state=SubmissionState.QUARANTINED,
        reason=QuarantineReason.OUTSIDE_ASSIGNMENT,
        received_at=ON_MARCH_1,
    )
    make_record(
        collection.round,
        collection.version,
        directorate=world.najaf,
        state=SubmissionState.QUARANTINED,
        reason=QuarantineReason.NO_FACILITY,
        received_at=ON_MARCH_1,
    )
    ExpectedFacility.objects.filter(round=collection.round, facility=f["HOSP-NAJAF"]).update(removed_at=ON_MARCH_1)
    return collection


def _directorate(progress: Progress, code: str) -> Unit:
    return next(unit for unit in progress.directorates if unit.code == code)


def _sector(unit: Unit, code: str) -> Unit:
    return next(child for child in unit.children if child.code == code)


def test_numbers_agree_with_the_submissions(stored: CollectionWorld, personas: Personas) -> None:
    progress = round_progress(personas.admin, stored.round, today=BEFORE_DEADLINE)
    totals = progress.totals
    assert (totals.expected, totals.received, totals.quarantined, totals.approved) == (7, 3, 2, 0)
    assert (totals.not_visited, totals.overdue, totals.completeness) == (4, 0, 43)

    basra = _directorate(progress, "basra")
    assert (basra.counts.expected, basra.counts.received, basra.counts.quarantined) == (3, 2, 1)
    assert [child.code for child in basra.children] == ["basra-1", "basra-2", ""]  # "no sector" last
    assert _sector(basra, "basra-1").counts.received == 1
    assert _sector(basra, "basra-2").counts.as_dict()["not_visited"] == 1
    assert _sector(basra, "basra-2").counts.quarantined == 1
    assert _sector(basra, "").counts.received == 1  # the hospital counts under "no sector"

    najaf = _directorate(progress, "najaf")
    assert (najaf.counts.expected, najaf.counts.received, najaf.counts.quarantined) == (1, 1, 1)
    fed = next(unit for unit in progress.authorities if unit.code == "fmoh")
    assert fed.counts.expected == 5  # basra 3, najaf 1 (hospital removed), medical city 1


def test_overdue_after_the_deadline(stored: CollectionWorld, personas: Personas) -> None:
    progress = round_progress(personas.admin, stored.round, today=AFTER_DEADLINE)
    assert progress.totals.overdue == progress.totals.not_visited == 4
    assert _directorate(progress, "medical-city").counts.overdue == 1


def test_collectors_activity_counts_versions_per_day(stored: CollectionWorld, personas: Personas) -> None:
    progress = round_progress(personas.admin, stored.round, today=BEFORE_DEADLINE)
    activity = {row.username: row.days for row in progress.collectors}
    assert activity == {
        "basra-s1-collector": {datetime.date(2026, 3, 1): 1, datetime.date(2026, 3, 2): 1},
        "basra-s2-collector": {datetime.date(2026, 3, 1): 1, datetime.date(2026, 3, 2): 1},
    }
    assert progress.days[0] == datetime.date(2026, 2, 4) and progress.days[-1] == BEFORE_DEADLINE


def test_ingested_submission_counts_as_received(collection: CollectionWorld, personas: Personas) -> None:
    submit(collection, make_instance("PHC-BASRA-1"))
    progress = round_progress(collection.collector, collection.round)
    assert (progress.totals.expected, progress.totals.received) == (1, 1)
    assert [row.username for row in progress.collectors] == ["basra-s1-collector"]


def test_a_sector_collector_sees_only_their_sector(stored: CollectionWorld, personas: Personas) -> None:
    progress = round_progress(personas.basra_s1_collector, stored.round, today=BEFORE_DEADLINE)
    assert [unit.code for unit in progress.directorates] == ["basra"]
    assert [child.code for child in progress.directorates[0].children] == ["basra-1"]
    assert (progress.totals.expected, progress.totals.received, progress.totals.quarantined) == (1, 1, 0)
    assert [row.username for row in progress.collectors] == ["basra-s1-collector"]

    krg = round_progress(personas.erbil_manager, stored.round, today=BEFORE_DEADLINE)
    assert (krg.totals.expected, krg.totals.received) == (2, 0)


def test_page_renders_in_arabic(stored: CollectionWorld, personas: Personas) -> None:
    response = client_for(personas.basra_manager).get(reverse("collection:round_progress", args=[stored.round.pk]))
    assert response.status_code == 200
    html = response.content.decode()
    assert 'lang="ar"' in html and 'dir="rtl"' in html
    assert "دائرة صحة البصرة" in html and "دائرة صحة النجف" not in html
    assert 'data-progress-width="67"' in html  # basra: 2 of 3
    assert "round-progress.js" in html


def test_viewer_is_refused(stored: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.erbil_viewer)
    for name in ("round_progress", "round_progress_csv", "round_progress_points"):
        assert client.get(reverse(f"collection:{name}", args=[stored.round.pk])).status_code == 403


def test_progress_tab_only_for_those_who_may_see_it(stored: CollectionWorld, personas: Personas) -> None:
    url = reverse("collection:round_detail", args=[stored.round.pk])
    tab = reverse("collection:round_progress", args=[stored.round.pk])
    assert tab in client_for(personas.basra_manager).get(url).content.decode()
    assert tab not in client_for(personas.erbil_viewer).get(url).content.decode()


def test_csv(stored: CollectionWorld, personas: Personas) -> None:
    response = client_for(personas.basra_manager).get(reverse("collection:round_progress_csv", args=[stored.round.pk]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    text = response.content.decode("utf-8")
    assert text.startswith("\ufeff")
    lines = text.lstrip("\ufeff").splitlines()
    assert lines[0].startswith("level,authority,directorate,sector,expected,received")
    assert "sector,fmoh,basra,basra-1,1,1,0,0,0,0,100" in lines
    assert lines[-1] == "total,,,,3,2,1,0,1,0,67"


def test_map_points(stored: CollectionWorld, personas: Personas) -> None:
    for facility in stored.facilities.values():
        facility.latitude, facility.longitude = 30.5, 47.8
        facility.save(update_fields=["latitude", "longitude"])
    response = client_for(personas.basra_manager).get(
        reverse("collection:round_progress_points", args=[stored.round.pk])
    )
    visited = {
        feature["properties"]["code"]: feature["properties"]["visited"] for feature in response.json()["features"]
    }
    assert visited == {"PHC-BASRA-1": True, "PHC-BASRA-2": False, "HOSP-BASRA": True}


def test_command_json(stored: CollectionWorld, personas: Personas) -> None:
    # The command counts the activity up to today: keep the round open and add a submission received now.
    soon = timezone.localdate() + datetime.timedelta(days=10)
    Round.objects.filter(pk=stored.round.pk).update(period_end=soon, deadline=soon)
    make_record(
        stored.round,
        stored.version,
        facility=stored.facilities["PHC-BASRA-2"],
        submitter=personas.basra_s2_collector,
        received_at=timezone.now(),
    )
    out = StringIO()
    call_command("round_progress", stored.round.code, "--json", stdout=out)
    data = json.loads(out.getvalue())
    assert data["round"] == "herams-2026" and data["deadline"] == soon.isoformat()
    assert data["totals"]["expected"] == 7 and data["totals"]["received"] == 4 and data["totals"]["quarantined"] == 2
    basra = next(row for row in data["directorates"] if row["code"] == "basra")
    assert {key: basra[key] for key in ("expected", "received", "quarantined", "approved", "not_visited")} == {
        "expected": 3,
        "received": 3,
        "quarantined": 1,
        "approved": 0,
        "not_visited": 0,
    }
    assert [sector["code"] for sector in basra["sectors"]] == ["basra-1", "basra-2", ""]
    assert data["collectors"] == [
        {"username": "basra-s2-collector", "days": {timezone.localdate().isoformat(): 1}}
    ]  # the March submissions are older than the last 30 days


def test_command_table_and_unknown_round(stored: CollectionWorld) -> None:
    out = StringIO()
    call_command("round_progress", stored.round.code, stdout=out)
    assert "total" in out.getvalue() and "basra-1" in out.getvalue()
    with pytest.raises(Exception, match="No round"):
        call_command("round_progress", "nope")


def test_a_fixed_number_of_queries(
    stored: CollectionWorld, personas: Personas, django_assert_max_num_queries: Any
) -> None:
    # Aggregates only (plus resolving the scope): the count must not grow with the number of facilities.
    with django_assert_max_num_queries(8):
        round_progress(personas.basra_manager, stored.round, today=BEFORE_DEADLINE)
