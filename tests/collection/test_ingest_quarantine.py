"""Submissions that cannot be matched are stored in quarantine with the reason, never dropped."""

from __future__ import annotations

import datetime

import pytest
from django.utils import timezone

from rasd.collection.models import ExpectedFacility
from rasd.lib.request_context import acting_as
from rasd.registry.facility_services import close_facility, merge_facilities
from rasd.registry.models import AliasKind, FacilityAlias
from rasd.submissions.ingest import Outcome
from rasd.submissions.models import QuarantineReason, Submission, SubmissionState
from tests.collection.test_ingest import FACILITY, make_instance, new_id, submit
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, World


def only_record() -> Submission:
    return Submission.objects.select_related("current_version").get()


@pytest.mark.django_db
def test_no_facility_is_placed_by_the_collectors_sector(collection: CollectionWorld, world: World) -> None:
    result = submit(collection, make_instance(facility=None))
    assert result.outcome == Outcome.CREATED
    record = only_record()
    assert (record.state, record.quarantine_reason) == (SubmissionState.QUARANTINED, QuarantineReason.NO_FACILITY)
    assert record.facility is None
    assert (record.directorate, record.sector) == (world.basra, world.basra_s1)


@pytest.mark.django_db
def test_unknown_facility_code(collection: CollectionWorld, world: World) -> None:
    submit(collection, make_instance(facility="NO-SUCH-CODE"))
    record = only_record()
    assert record.quarantine_reason == QuarantineReason.UNKNOWN_FACILITY
    assert record.current_version is not None and record.current_version.facility_code == "NO-SUCH-CODE"
    assert record.sector == world.basra_s1


@pytest.mark.django_db
def test_unknown_facility_from_a_national_user_is_placed_nowhere(
    collection: CollectionWorld, personas: Personas
) -> None:
    submit(collection, make_instance(facility="NO-SUCH-CODE"), user=personas.national_fed)
    record = only_record()
    assert record.quarantine_reason == QuarantineReason.UNKNOWN_FACILITY
    assert (record.directorate, record.sector) == (None, None)


@pytest.mark.django_db
def test_closed_facility(collection: CollectionWorld, personas: Personas) -> None:
    facility = collection.facilities[FACILITY]
    with acting_as(personas.admin):
        close_facility(personas.admin, facility, on=datetime.date(2026, 2, 1), permanently=True, reason="gone")
    submit(collection, make_instance())
    record = only_record()
    assert record.quarantine_reason == QuarantineReason.FACILITY_CLOSED
    assert record.facility == facility  # still placed where the facility was


@pytest.mark.django_db
def test_facility_not_expected(collection: CollectionWorld) -> None:
    ExpectedFacility.objects.filter(round=collection.round, facility__code=FACILITY).update(removed_at=timezone.now())
    submit(collection, make_instance())
    assert only_record().quarantine_reason == QuarantineReason.NOT_EXPECTED


@pytest.mark.django_db
def test_facility_outside_the_collectors_assignment(collection: CollectionWorld, world: World) -> None:
    submit(collection, make_instance(facility="PHC-BASRA-2"))
    record = only_record()
    assert record.quarantine_reason == QuarantineReason.OUTSIDE_ASSIGNMENT
    assert record.sector == world.basra_s2


@pytest.mark.django_db
def test_office_users_have_no_assignment_to_respect(collection: CollectionWorld, personas: Personas) -> None:
    submit(collection, make_instance(facility="PHC-BASRA-2"), user=personas.basra_manager)
    record = only_record()
    assert record.state == SubmissionState.RECEIVED and record.quarantine_reason == ""


@pytest.mark.django_db
def test_an_edit_that_changes_the_facility(collection: CollectionWorld, personas: Personas) -> None:
    first = new_id()
    submit(collection, make_instance(instance_id=first), user=personas.basra_manager)
    submit(collection, make_instance(facility="PHC-BASRA-2", deprecated_id=first), user=personas.basra_manager)
    record = only_record()
    assert record.quarantine_reason == QuarantineReason.FACILITY_CHANGED
    assert record.facility == collection.facilities["PHC-BASRA-2"]


@pytest.mark.django_db
def test_an_edit_can_release_a_record_from_quarantine_for_review(collection: CollectionWorld) -> None:
    first = new_id()
    submit(collection, make_instance(facility="TYPO", instance_id=first))
    assert only_record().state == SubmissionState.QUARANTINED
    submit(collection, make_instance(deprecated_id=first))
    record = only_record()
    assert (record.state, record.quarantine_reason, record.version_count) == (SubmissionState.EDITED, "", 2)
    assert record.facility == collection.facilities[FACILITY]


@pytest.mark.django_db
def test_a_merged_code_reaches_the_facility_it_was_merged_into(collection: CollectionWorld, personas: Personas) -> None:
    keep = collection.facilities[FACILITY]
    absorb = collection.facilities["HOSP-BASRA"]
    with acting_as(personas.admin):
        merge_facilities(personas.admin, keep=keep, absorb=absorb, on=datetime.date(2026, 2, 1), reason="same")
    submit(collection, make_instance(facility="HOSP-BASRA"))
    record = only_record()
    assert record.facility == keep
    assert record.state == SubmissionState.RECEIVED
    assert record.current_version is not None and record.current_version.facility_code == "HOSP-BASRA"


@pytest.mark.django_db
def test_a_former_code_kept_only_as_an_alias(collection: CollectionWorld) -> None:
    keep = collection.facilities[FACILITY]
    FacilityAlias.objects.create(facility=keep, kind=AliasKind.CODE, value="OLD-42")
    submit(collection, make_instance(facility="OLD-42"))
    record = only_record()
    assert (record.facility, record.state) == (keep, SubmissionState.RECEIVED)
