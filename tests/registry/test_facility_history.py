"""Facilities keep their whole history: every change is a dated version, and any past day can be read back."""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.registry import facility_services as services
from rasd.registry import history
from rasd.registry.facility_rules import FacilityDetails
from rasd.registry.models import AliasKind, Facility, FacilityVersion, OperationalStatus
from tests.conftest import Personas, World

JAN_2022 = datetime.date(2022, 1, 1)


@pytest.fixture
def hospital(facilities: dict[str, Facility]) -> Facility:
    return facilities["HOSP-BASRA"]


def _edit(facility: Facility, **changes: object) -> FacilityDetails:
    details = FacilityDetails.of(facility)
    for name, value in changes.items():
        setattr(details, name, value)
    return details


def test_a_change_makes_a_new_dated_version_and_the_past_stays_readable(hospital: Facility) -> None:
    services.update_facility(
        None,
        hospital,
        _edit(hospital, name_en="Basra Teaching Hospital"),
        reason="renamed by decree",
        valid_from=datetime.date(2024, 6, 1),
    )
    hospital.refresh_from_db()
    assert hospital.version == 2
    first, second = hospital.versions.order_by("number")
    assert (first.valid_from, first.valid_to) == (datetime.date(2024, 1, 1), datetime.date(2024, 6, 1))
    assert (second.valid_from, second.valid_to, second.change) == (datetime.date(2024, 6, 1), None, "updated")
    assert second.changed_fields == ["name_en"] and second.reason == "renamed by decree"
    assert history.facility_as_of(hospital, datetime.date(2024, 5, 31)).name_en == ""  # type: ignore[union-attr]
    assert history.facility_as_of(hospital, datetime.date(2024, 6, 1)).name_en == "Basra Teaching Hospital"  # type: ignore[union-attr]
    assert history.facility_as_of(hospital, datetime.date(2023, 12, 31)) is None  # not yet recorded


def test_the_list_as_it_was_on_a_past_day(facilities: dict[str, Facility]) -> None:
    closing = facilities["PHC-BASRA-1"]
    services.close_facility(None, closing, on=datetime.date(2024, 3, 1), permanently=True, reason="building lost")
    on_feb = history.versions_as_of(datetime.date(2024, 2, 1))
    on_apr = history.versions_as_of(datetime.date(2024, 4, 1))
    assert on_feb.count() == on_apr.count() == len(facilities)
    assert on_feb.get(facility=closing).status == OperationalStatus.OPEN
    assert on_apr.get(facility=closing).status == OperationalStatus.PERMANENTLY_CLOSED


def test_saving_without_a_change_writes_nothing(hospital: Facility) -> None:
    versions, entries = FacilityVersion.objects.count(), AuditEntry.objects.count()
    assert services.update_facility(None, hospital, FacilityDetails.of(hospital), reason="no change") is False
    assert (FacilityVersion.objects.count(), AuditEntry.objects.count()) == (versions, entries)


def test_a_change_needs_a_reason_and_cannot_predate_the_current_version(hospital: Facility) -> None:
    with pytest.raises(ValidationError):
        services.update_facility(None, hospital, _edit(hospital, phone="07700000000"), reason=" ")
    with pytest.raises(ValidationError) as error:
        services.update_facility(
            None, hospital, _edit(hospital, phone="07700000000"), reason="x", valid_from=datetime.date(2023, 1, 1)
        )
    assert "HOSP-BASRA: valid_from" in error.value.message_dict


def test_codes_are_never_reused(hospital: Facility, world: World) -> None:
    details = _edit(hospital, name_ar="مستشفى آخر")
    with pytest.raises(ValidationError) as error, translation.override("en"):
        services.create_facility(None, "HOSP-BASRA", details)
    assert "already in use" in str(error.value)


def test_a_merge_keeps_both_histories_and_the_old_code_becomes_an_alias(facilities: dict[str, Facility]) -> None:
    keep, absorb = facilities["PHC-BASRA-1"], facilities["PHC-BASRA-2"]
    on = datetime.date(2024, 9, 1)
    services.merge_facilities(None, keep=keep, absorb=absorb, on=on, reason="same building counted twice")
    absorb.refresh_from_db()
    keep.refresh_from_db()
    assert absorb.status == OperationalStatus.PERMANENTLY_CLOSED and absorb.merged_into == keep
    assert keep.aliases.filter(kind=AliasKind.CODE, value="PHC-BASRA-2").exists()
    assert keep.aliases.filter(kind=AliasKind.NAME, value="marker-PHC-BASRA-2").exists()
    assert [v.change for v in absorb.versions.order_by("number")] == ["created", "merged_away"]
    assert [v.change for v in keep.versions.order_by("number")] == ["created", "absorbed"]
    assert "phc basra 2" in keep.search_text  # found by the old code too
    absorbed = AuditEntry.objects.get(action="facility.absorbed", object_id=str(keep.pk))
    assert absorbed.changes == {"aliases_added": [None, ["PHC-BASRA-2", "marker-PHC-BASRA-2"]]}
    with pytest.raises(ValidationError):
        services.reopen_facility(None, absorb, on=datetime.date(2024, 10, 1), reason="try")


def test_a_split_creates_new_facilities_linked_to_the_original(facilities: dict[str, Facility]) -> None:
    original = facilities["HOSP-NAJAF"]
    maternity = _edit(original, name_ar="مستشفى النسائية والأطفال")
    created = services.split_facility(
        None,
        original,
        into=[("HOSP-NAJAF-MAT", maternity)],
        on=datetime.date(2024, 7, 1),
        close_original=False,
        reason="maternity wing became its own hospital",
    )
    assert Facility.objects.get(code="HOSP-NAJAF-MAT").split_from == original == created[0].split_from
    assert original.versions.order_by("-number").first().change == "split"  # type: ignore[union-attr]
    entry = AuditEntry.objects.get(action="facility.split", object_id=str(original.pk))
    assert entry.changes == {"split_into": [None, ["HOSP-NAJAF-MAT"]]}
    born = AuditEntry.objects.get(action="facility.split_from", object_id=str(created[0].pk))
    assert born.changes["split_from"] == [None, "HOSP-NAJAF"]


def test_close_and_reopen_are_versions_with_dates(hospital: Facility) -> None:
    services.update_facility(
        None, hospital, _edit(hospital, functional=True), reason="surveyed", valid_from=datetime.date(2024, 1, 15)
    )
    services.close_facility(None, hospital, on=datetime.date(2024, 2, 1), permanently=False, reason="flooding")
    hospital.refresh_from_db()
    assert hospital.functional is False  # closed facilities do not function
    services.reopen_facility(None, hospital, on=datetime.date(2024, 5, 1), reason="repaired")
    hospital.refresh_from_db()
    assert hospital.status == OperationalStatus.OPEN and hospital.closed_on is None
    assert hospital.functional is None  # unknown until reported again
    assert [v.change for v in hospital.versions.order_by("number")] == ["created", "updated", "closed", "reopened"]
    assert AuditEntry.objects.filter(action="facility.closed", object_id=str(hospital.pk)).get().reason == "flooding"


def test_managers_change_only_facilities_in_their_scope(personas: Personas, facilities: dict[str, Facility]) -> None:
    najaf = facilities["HOSP-NAJAF"]
    manager = personas.basra_manager
    with pytest.raises(PermissionDenied), acting_as(manager):
        services.update_facility(manager, najaf, _edit(najaf, phone="1"), reason="not mine")
    basra = facilities["HOSP-BASRA"]
    with pytest.raises(PermissionDenied), acting_as(manager):
        services.update_facility(manager, basra, _edit(basra, directorate=najaf.directorate), reason="move away")
    with pytest.raises(PermissionDenied), acting_as(personas.basra_s1_collector):
        services.update_facility(personas.basra_s1_collector, basra, _edit(basra, phone="1"), reason="collector")
    with acting_as(manager):
        assert services.update_facility(manager, basra, _edit(basra, phone="07801234567"), reason="new number")
    entry = AuditEntry.objects.filter(action="facility.updated", object_id=str(basra.pk)).get()
    assert entry.actor == manager and entry.changes == {"phone": ["", "07801234567"]}


def test_a_sector_must_belong_to_the_directorate(facilities: dict[str, Facility], world: World) -> None:
    phc = facilities["PHC-BASRA-1"]
    with pytest.raises(ValidationError) as error:
        services.update_facility(None, phc, _edit(phc, sector=world.najaf_s1), reason="wrong")
    assert "PHC-BASRA-1: sector" in error.value.message_dict
