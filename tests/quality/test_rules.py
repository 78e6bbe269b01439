"""Each rule fires on a version made to break it, and not on a clean simulated one (the ingestion hook stores what
it finds the moment the submission arrives)."""

from __future__ import annotations

import datetime
from typing import Any
from zoneinfo import ZoneInfo

from django.utils import translation

from rasd.lib.request_context import acting_as
from rasd.quality.models import Issue, IssueStatus, Severity
from rasd.registry.facility_services import close_facility
from rasd.registry.models import Facility
from rasd.submissions.models import SubmissionVersion
from rasd.submissions.simulator import generate
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas
from tests.quality.helpers import DAMAGE, PHONE, TODAY, changed, clean_xml, rules_of, send

BAGHDAD = ZoneInfo("Asia/Baghdad")


def test_clean_simulated_submissions_raise_no_issue(collection: CollectionWorld) -> None:
    # The Basra sector-1 collector's own facilities: nothing is wrong with them.
    for simulated in generate(collection.round, seed=11, today=TODAY):
        if simulated.collector == collection.collector:
            send(collection, simulated.xml)
    assert SubmissionVersion.objects.count() == 1  # PHC-BASRA-1, the only facility of basra-1
    assert not Issue.objects.exists()


def test_a_phone_number_breaking_the_constraint(collection: CollectionWorld) -> None:
    version = send(collection, changed(clean_xml(collection), {PHONE: "12345"}))

    issue = Issue.objects.get(submission_id=version.submission_id)
    assert (issue.rule, issue.field, issue.severity, issue.status) == (
        "xform.constraint",
        PHONE,
        Severity.HIGH,
        IssueStatus.OPEN,
    )
    assert issue.first_version == issue.last_version == version
    with translation.override("en"):
        message = issue.message()
    # The field's label and the form's own constraint message, in the reader's language.
    assert "Phone number of the respondent" in message and "12345" in message and "11 digits" in message
    with translation.override("ar"):
        assert "رقم هاتف المستجيب" in issue.message()


def test_a_missing_required_answer(collection: CollectionWorld) -> None:
    version = send(collection, changed(clean_xml(collection), {DAMAGE: None}))
    assert rules_of(version) == {("xform.required", DAMAGE)}


def test_a_choice_not_in_the_list(collection: CollectionWorld) -> None:
    version = send(collection, changed(clean_xml(collection), {DAMAGE: "flooded"}))
    assert rules_of(version) == {("xform.choice", DAMAGE)}
    with translation.override("en"):
        assert "flooded" in Issue.objects.get().message()


def test_an_answer_where_the_question_does_not_apply(collection: CollectionWorld) -> None:
    corrected = "/data/confirmation/corrected_name"
    xml = changed(clean_xml(collection), {"/data/confirmation/facility_confirmed": "yes", corrected: "Another name"})
    version = send(collection, xml)
    issue = Issue.objects.get(submission_id=version.submission_id)
    assert (issue.rule, issue.field, issue.severity) == ("xform.not_relevant", corrected, Severity.LOW)


def test_an_unknown_facility_is_one_issue(collection: CollectionWorld) -> None:
    facility = "/data/identification/facility"
    version = send(collection, changed(clean_xml(collection), {facility: "NO-SUCH-CODE"}))
    # Not also a choice outside facilities.csv, nor the sector list the phone had: one problem, one issue.
    assert rules_of(version) == {("registry.facility_unknown", "")}
    with translation.override("en"):
        assert "NO-SUCH-CODE" in Issue.objects.get().message()


def test_no_facility(collection: CollectionWorld) -> None:
    version = send(collection, changed(clean_xml(collection), {"/data/identification/facility": None}))
    assert rules_of(version) == {("registry.facility_missing", "")}


def test_a_facility_closed_for_good(collection: CollectionWorld, personas: Personas) -> None:
    with acting_as(personas.admin):
        facility = collection.facilities["PHC-BASRA-1"]
        close_facility(personas.admin, facility, on=datetime.date(2026, 2, 1), permanently=True, reason="gone")
    version = send(collection, clean_xml(collection))
    assert ("registry.facility_closed", "") in rules_of(version)


def test_a_gps_reading_far_from_the_registered_location(collection: CollectionWorld) -> None:
    Facility.objects.filter(code="PHC-BASRA-1").update(latitude=30.5, longitude=47.8)
    near = clean_xml(collection)  # the simulator reads near the registered point
    assert rules_of(send(collection, near)) == set()

    far = send(collection, changed(near, {"/data/confirmation/gps": "30.6 47.9 10 5"}))  # about 14.6 km away
    issue = Issue.objects.get(submission_id=far.submission_id)
    assert (issue.rule, issue.field, issue.severity) == ("registry.gps_far", "/data/confirmation/gps", Severity.MEDIUM)
    assert 14 < issue.params["distance_km"] < 15.5


def test_the_gps_distance_is_a_setting(collection: CollectionWorld, settings: Any) -> None:
    settings.QUALITY_GPS_FAR_KM = 20
    Facility.objects.filter(code="PHC-BASRA-1").update(latitude=30.5, longitude=47.8)
    version = send(collection, changed(clean_xml(collection), {"/data/confirmation/gps": "30.6 47.9 10 5"}))
    assert rules_of(version) == set()


def test_a_facility_outside_the_collectors_assignment(collection: CollectionWorld) -> None:
    # PHC-BASRA-2 is in sector basra-2: the basra-1 collector is not assigned to it.
    version = send(collection, clean_xml(collection, "PHC-BASRA-2"))
    assert rules_of(version) == {("collection.outside_assignment", "")}
    assert Issue.objects.get().severity == Severity.MEDIUM


def test_received_after_the_deadline(collection: CollectionWorld) -> None:
    collection.round.deadline = datetime.date(2026, 3, 31)
    collection.round.save(update_fields=["deadline"])
    on_time = send(collection, clean_xml(collection), received_at=datetime.datetime(2026, 3, 31, 20, tzinfo=BAGHDAD))
    late = send(
        collection,
        changed(clean_xml(collection, seed=8), {}),
        received_at=datetime.datetime(2026, 4, 2, 9, tzinfo=BAGHDAD),
    )
    assert rules_of(on_time) == set()
    issue = Issue.objects.get(submission_id=late.submission_id)
    assert (issue.rule, issue.severity) == ("collection.late", Severity.LOW)
    assert issue.params == {"received": "2026-04-02", "deadline": "2026-03-31", "days": 2}
