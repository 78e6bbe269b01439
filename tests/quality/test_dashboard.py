"""The data-quality dashboard of a round: completeness against the 90% target, timeliness (the deadline read in the
project's time zone), issues per 100 records by rule and severity, outliers, the review queues with the collectors
that returned records wait for, each limited to the reader's scope."""

from __future__ import annotations

import datetime
import re

import pytest

from rasd.quality.dashboard import Dashboard, DirectorateRow, round_dashboard
from rasd.quality.models import Issue, IssueStatus
from rasd.submissions.models import QuarantineReason, Submission, SubmissionState
from tests.collection.test_submission_pages_data import make_record
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, World, client_for
from tests.quality.helpers import FIRST_STAFF, PHONE

pytestmark = pytest.mark.usefixtures("english")

BEDS = "/data/amenities/beds/beds_general"
MARCH = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)
# The deadline is 2026-12-31 in Baghdad (UTC+3): 20:00 UTC is still that day there, 22:30 UTC is the next day.
LAST_EVENING = datetime.datetime(2026, 12, 31, 20, 0, tzinfo=datetime.UTC)
AFTER_MIDNIGHT_IN_BAGHDAD = datetime.datetime(2026, 12, 31, 22, 30, tzinfo=datetime.UTC)


def _issue(record: Submission, rule: str, severity: str, field: str = "", status: str = IssueStatus.OPEN) -> Issue:
    version = record.current_version
    assert version is not None
    return Issue.objects.create(
        submission=record,
        rule=rule,
        severity=severity,
        field=field,
        status=status,
        first_version=version,
        last_version=version,
    )


@pytest.fixture
def stored(collection: CollectionWorld, world: World, personas: Personas) -> CollectionWorld:
    """Eight facilities expected. Basra: PHC-BASRA-1 received, PHC-BASRA-2 returned to its collector and first
    received after the deadline, HOSP-BASRA with issues (on time, late in the evening), and one record in
    quarantine. Najaf: PHC-NAJAF-1 approved by the directorate, HOSP-NAJAF rejected (neither counts as a visit
    nor as a record for timeliness)."""
    f, round_, version = collection.facilities, collection.round, collection.version
    s1, s2 = personas.basra_s1_collector, personas.basra_s2_collector
    basra_1 = make_record(round_, version, facility=f["PHC-BASRA-1"], submitter=s1, received_at=MARCH)
    basra_2 = make_record(
        round_,
        version,
        facility=f["PHC-BASRA-2"],
        submitter=s2,
        state=SubmissionState.RETURNED,
        received_at=AFTER_MIDNIGHT_IN_BAGHDAD,
    )
    hospital = make_record(
        round_, version, facility=f["HOSP-BASRA"], state=SubmissionState.HAS_ISSUES, received_at=LAST_EVENING
    )
    make_record(
        round_,
        version,
        directorate=world.basra,
        facility_code="PHC-UNKNOWN",
        state=SubmissionState.QUARANTINED,
        reason=QuarantineReason.UNKNOWN_FACILITY,
        received_at=MARCH,
    )
    najaf = make_record(
        round_, version, facility=f["PHC-NAJAF-1"], state=SubmissionState.APPROVED_DIRECTORATE, received_at=MARCH
    )
    make_record(round_, version, facility=f["HOSP-NAJAF"], state=SubmissionState.REJECTED, received_at=MARCH)

    _issue(basra_1, "xform.required", "high", PHONE)
    _issue(basra_2, "collection.late", "low")
    _issue(basra_2, "xform.constraint", "high", PHONE, status=IssueStatus.ACCEPTED)
    _issue(hospital, "who_dq.outlier_extreme", "medium", BEDS)
    _issue(hospital, "who_dq.outlier_moderate", "low", FIRST_STAFF)
    _issue(hospital, "xform.required", "high", PHONE, status=IssueStatus.RESOLVED)
    _issue(najaf, "xform.required", "high", PHONE)
    return collection


def _row(dashboard: Dashboard, code: str) -> DirectorateRow:
    return next(row for row in dashboard.rows if row.code == code)


def test_the_numbers_of_a_small_round(stored: CollectionWorld, personas: Personas) -> None:
    dashboard = round_dashboard(personas.admin, stored.round, today=datetime.date(2026, 6, 1))

    assert (dashboard.completeness.expected, dashboard.completeness.received) == (8, 4)
    assert dashboard.completeness.completeness == 50 and dashboard.below_target
    basra, najaf = _row(dashboard, "basra"), _row(dashboard, "najaf")
    assert (basra.completeness.completeness, basra.below_target) == (100, False)
    assert (najaf.completeness.completeness, najaf.below_target) == (50, True)
    assert _row(dashboard, "erbil").completeness.expected == 2

    # Counted records: received, returned, has issues, approved (not the quarantined or rejected one).
    assert (dashboard.timeliness.records, dashboard.timeliness.on_time, dashboard.timeliness.late) == (4, 3, 1)
    assert dashboard.timeliness.percent == 75
    assert (basra.timeliness.records, basra.timeliness.late) == (3, 1)

    assert dashboard.records == 6 and dashboard.open_issues == 5
    assert dashboard.issues_per_100 == 83.3  # 5 open issues on 6 records
    rules = {rate.code: rate for rate in dashboard.rules}
    required = rules["xform.required"]
    assert (required.open, required.accepted, required.resolved, required.per_100) == (2, 0, 1, 33.3)
    assert required.title == "Required answer missing"
    assert (rules["xform.constraint"].open, rules["xform.constraint"].accepted) == (0, 1)
    assert dashboard.rules[0].code == "xform.required"  # most open issues first
    severities = {rate.code: (rate.open, rate.accepted, rate.resolved) for rate in dashboard.severities}
    assert severities == {"high": (2, 1, 1), "medium": (1, 0, 0), "low": (2, 0, 0)}
    assert [rate.code for rate in dashboard.severities] == ["high", "medium", "low"]

    outliers = {row.label: (row.moderate, row.extreme) for row in dashboard.outliers}
    assert outliers == {"beds": (0, 1), "staff": (1, 0)}

    queues = {queue.name: queue.total for queue in basra.queues}
    assert queues == {"placement": 1, "directorate": 2, "national": 0, "collector": 1}
    assert {queue.name: queue.total for queue in najaf.queues}["national"] == 1
    assert [(c.username, c.returned) for c in basra.collectors] == [("basra-s2-collector", 1)]
    assert (basra.records, basra.open_issues) == (4, 4)


def test_a_directorate_manager_sees_only_their_directorate(stored: CollectionWorld, personas: Personas) -> None:
    dashboard = round_dashboard(personas.basra_manager, stored.round)
    assert [row.code for row in dashboard.rows] == ["basra"]
    assert (dashboard.completeness.expected, dashboard.completeness.received) == (3, 3)
    assert dashboard.records == 4 and dashboard.open_issues == 4
    assert (dashboard.timeliness.records, dashboard.timeliness.late) == (3, 1)

    page = client_for(personas.basra_manager).get(f"/quality/rounds/{stored.round.pk}/")
    assert page.status_code == 200
    body = page.content.decode()
    assert "Basra DoH" in body and "Najaf DoH" not in body
    assert 'name="directorate"' not in body  # one directorate: no filter
    # A sector user sees their sector's records only (the hospital and the quarantined record have no sector).
    sector = round_dashboard(personas.basra_s1_supervisor, stored.round)
    assert sector.records == 1 and sector.open_issues == 1


def test_the_directorate_filter_is_limited_to_the_scope(
    stored: CollectionWorld, personas: Personas, world: World
) -> None:
    national = client_for(personas.national_fed)
    url = f"/quality/rounds/{stored.round.pk}/"
    page = national.get(url).content.decode()
    assert 'name="directorate"' in page and "Najaf DoH" in page and "Erbil DoH" not in page

    filtered = national.get(f"{url}?directorate={world.najaf.pk}").content.decode()
    assert 'data-directorate="najaf"' in filtered and 'data-directorate="basra"' not in filtered
    dashboard = round_dashboard(personas.national_fed, stored.round, directorate=world.najaf)
    assert (dashboard.records, dashboard.open_issues, dashboard.completeness.expected) == (2, 1, 2)

    assert national.get(f"{url}?directorate={world.erbil.pk}").status_code == 404
    assert client_for(personas.basra_manager).get(f"{url}?directorate={world.najaf.pk}").status_code == 404
    assert national.get(f"{url}?directorate=najaf").status_code == 404
    assert (
        national.get(f"/quality/rounds/{stored.round.pk}/issues.xlsx?directorate={world.erbil.pk}").status_code == 404
    )


def test_the_page_links_its_numbers_to_the_submission_list(stored: CollectionWorld, personas: Personas) -> None:
    body = client_for(personas.admin).get(f"/quality/rounds/{stored.round.pk}/").content.decode()
    basra = stored.facilities["PHC-BASRA-1"].directorate
    assert f"/submissions/?round=herams-2026&amp;state=returned&amp;directorate={basra.pk}" in body
    assert f"/submissions/?round=herams-2026&amp;state=quarantined&amp;directorate={basra.pk}" in body
    assert "data-below-target" in body
    assert re.search(r'data-card="completeness">\s*<div class="rasd-stat">50%</div>', body)
    assert "marker-basra-s2-collector (1)" in body
    assert f"/quality/rounds/{stored.round.pk}/issues.xlsx?lang=en" in body


def test_who_may_open_the_dashboard(stored: CollectionWorld, personas: Personas, world: World) -> None:
    url = f"/quality/rounds/{stored.round.pk}/"
    assert client_for(personas.erbil_viewer).get(url).status_code == 403
    assert client_for(None).get(url).status_code == 302
    assert client_for(personas.admin).get("/quality/rounds/999999/").status_code == 404
    chooser = client_for(personas.national_fed).get(
        f"/quality/rounds/?round={stored.round.pk}&directorate={world.najaf.pk}"
    )
    assert chooser.status_code == 302 and chooser["Location"] == f"{url}?directorate={world.najaf.pk}"
    assert client_for(personas.admin).get("/quality/rounds/")["Location"] == url


def test_the_round_and_progress_pages_link_to_the_dashboard(stored: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.basra_manager)
    url = f"/quality/rounds/{stored.round.pk}/"
    assert url in client.get(f"/rounds/{stored.round.pk}/").content.decode()
    assert url in client.get(f"/rounds/{stored.round.pk}/progress/").content.decode()


def test_the_dashboard_in_arabic_is_right_to_left(stored: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.admin)
    client.cookies["rasd_language"] = "ar"
    body = client.get(f"/quality/rounds/{stored.round.pk}/").content.decode()
    assert 'dir="rtl"' in body
    assert 'transform="matrix(-1 0 0 1 100 0)"' in body  # the completeness bars grow from the right


def test_without_a_round_the_chooser_says_so(personas: Personas) -> None:
    client = client_for(personas.basra_manager)
    response = client.get("/quality/rounds/")
    assert response.status_code == 200 and 'data-testid="no-round"' in response.content.decode()
    assert client.get("/quality/rounds/?round=abc").status_code == 404
