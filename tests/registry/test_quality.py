"""Data-quality checks: every rule finds what it is meant to, stays quiet on a clean facility, and the pages show
each user the findings of their own scope only."""

from __future__ import annotations

import datetime
import json
from collections.abc import Callable, Iterator
from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command
from django.utils import translation

from rasd.lib.request_context import acting_as
from rasd.registry import facility_services, geo
from rasd.registry.models import AdminArea, BoundarySet, Facility, FacilityType, Ownership
from rasd.registry.quality import RULES, run_checks
from tests.conftest import Personas, World, client_for
from tests.registry.conftest import english, make

BASRA_CITY = {"longitude": 47.80, "latitude": 30.50}  # in IQG02 (Basra), sub-district IQG02Q02N02
NAJAF_CITY = {"longitude": 44.33, "latitude": 32.0}  # in IQG04 (Najaf)
TEHRAN = {"longitude": 51.4, "latitude": 35.7}


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """The assertions read the messages in English, the source language (rasd's default is Arabic)."""
    with translation.override("en"):
        yield


@pytest.fixture
def basra(world: World, boundaries: BoundarySet, facilities: dict[str, Facility]) -> World:
    """The test world with Iraq's boundaries, its facilities, and Basra's main governorate recorded."""
    world.basra.governorate_pcode = "IQG02"
    world.basra.save()
    FacilityType.objects.create(code="phc-branch", level_of_care="primary", name_ar="مركز صحي فرعي")
    return world


def clean(world: World, code: str = "CLEAN-1", name_ar: str = "مركز صحي الأمل", **details: Any) -> Facility:
    values: dict[str, Any] = {"name_en": "Al-Amal PHC", **BASRA_CITY, **details}
    return make(code, name_ar, world.basra, world.basra_s1, **values)


def rules_for(facility: Facility) -> set[str]:
    return {finding.rule for finding in run_checks(Facility.objects.all()) if finding.facility == facility.code}


def test_a_clean_located_facility_has_no_findings(basra: World) -> None:
    assert rules_for(clean(basra)) == set()


def _close(facility: Facility, *, permanently: bool) -> None:
    with acting_as(None):
        facility_services.close_facility(
            None, facility, on=datetime.date(2024, 6, 1), permanently=permanently, reason="test"
        )


def _spoil(**values: Any) -> Callable[[World, Facility], None]:
    """Data that the forms would refuse but that old lists and imports bring in."""

    def spoil(world: World, facility: Facility) -> None:
        Facility.objects.filter(pk=facility.pk).update(**values)

    return spoil


def _twin(**details: Any) -> Callable[[World, Facility], None]:
    """Another facility, 1 km north unless told otherwise."""

    def spoil(world: World, facility: Facility) -> None:
        clean(world, **{"latitude": BASRA_CITY["latitude"] + 0.01, **details})

    return spoil


def _override_area(pcode: str) -> Callable[[World, Facility], None]:
    def spoil(world: World, facility: Facility) -> None:
        Facility.objects.filter(pk=facility.pk).update(
            admin_area=AdminArea.objects.get(pcode=pcode), admin_area_overridden=True
        )

    return spoil


def _closed_parent(world: World, facility: Facility) -> None:
    main = clean(world, "MAIN-1", name_ar="مركز صحي النور", name_en="Al-Nour PHC", latitude=30.51)
    Facility.objects.filter(pk=facility.pk).update(parent=main)
    _close(main, permanently=True)


def _branch_alone(world: World, facility: Facility) -> None:
    Facility.objects.filter(pk=facility.pk).update(facility_type=FacilityType.objects.get(code="phc-branch"))


def _closed_and_functional(world: World, facility: Facility) -> None:
    _close(facility, permanently=False)
    Facility.objects.filter(pk=facility.pk).update(functional=True)


SPOILED: dict[str, Callable[[World, Facility], None]] = {
    "missing_required": _spoil(ownership=Ownership.UNKNOWN, name_en=""),
    "code_format": _spoil(code="BAD CODE!"),
    "duplicate_code": _twin(code="clean1", name_ar="مركز صحي النور", name_en="Al-Nour PHC"),
    "same_name_same_sector": _twin(code="CLEAN-2", name_en="Al-Amal Health Centre"),
    "missing_location": _spoil(latitude=None, longitude=None),
    "null_island": _spoil(latitude=0, longitude=0),
    "outside_country": _spoil(**TEHRAN),
    "outside_assigned_area": _override_area("IQG11Q02"),  # Erbil, 750 km away
    "outside_directorate_governorate": _spoil(**NAJAF_CITY),
    "shared_coordinates": _twin(code="CLEAN-2", name_ar="مركز صحي النور", name_en="Al-Nour PHC", **BASRA_CITY),
    "opened_after_closed": _spoil(opened_on=datetime.date(2020, 5, 1), closed_on=datetime.date(2019, 1, 1)),
    "closed_but_functional": _closed_and_functional,
    "branch_without_main_centre": _branch_alone,
    "name_spacing": _spoil(name_ar="مركز صحي  الأمل "),
    "mixed_scripts": _spoil(name_ar="Al-Amal PHC / مركز صحي الأمل"),
}


def test_every_rule_of_the_catalogue_is_tested() -> None:
    assert set(SPOILED) == {rule.code for rule in RULES}


@pytest.mark.parametrize("rule", list(SPOILED))
def test_each_rule_finds_the_problem_it_describes(basra: World, rule: str) -> None:
    facility = clean(basra)
    SPOILED[rule](basra, facility)
    facility.refresh_from_db()
    assert rules_for(facility) == {rule}


def test_a_branch_whose_main_centre_closed_for_good_is_found(basra: World) -> None:
    branch = clean(basra, "BRANCH-1", name_ar="مركز صحي السلام", name_en="Al-Salam PHC", type_code="phc-branch")
    _closed_parent(basra, branch)
    findings = [finding for finding in run_checks(Facility.objects.all()) if finding.facility == "BRANCH-1"]
    assert [(finding.rule, finding.message) for finding in findings] == [
        ("branch_without_main_centre", "Its main centre is closed for good.")
    ]


def test_facilities_closed_for_good_are_skipped_by_rules_for_facilities_in_service(basra: World) -> None:
    facility = clean(basra, name_ar="مركز  صحي الأمل")
    Facility.objects.filter(pk=facility.pk).update(latitude=None, longitude=None, ownership=Ownership.UNKNOWN)
    facility.refresh_from_db()
    _close(facility, permanently=True)
    assert rules_for(facility) == {"name_spacing"}


def test_an_area_set_by_hand_that_contains_the_point_is_fine(basra: World) -> None:
    facility = clean(basra)
    _override_area("IQG02Q02")(basra, facility)  # the district around the sub-district of the point
    assert rules_for(facility) == set()


def test_the_tolerance_forgives_points_near_the_area_set_by_hand(basra: World, settings: Any) -> None:
    facility = clean(basra)
    _override_area("IQG11Q02")(basra, facility)
    settings.REGISTRY_DISTRICT_TOLERANCE_KM = 1000
    assert rules_for(facility) == set()
    settings.REGISTRY_DISTRICT_TOLERANCE_KM = 0
    assert rules_for(facility) == {"outside_assigned_area"}


def test_messages_say_what_is_wrong(basra: World) -> None:
    facility = clean(basra)
    SPOILED["missing_required"](basra, facility)
    twin = clean(basra, "clean1", name_ar="مركز صحي النور", name_en="Al-Nour PHC", latitude=30.51)
    messages = {(finding.facility, finding.message) for finding in run_checks(Facility.objects.all())}
    assert ("CLEAN-1", "Missing: ownership.") in messages  # the English name is blank, but the Arabic one is there
    assert (twin.code, "Same code as CLEAN-1 once case, spaces and dashes are ignored.") in messages


def _check(*args: str) -> str:
    out = StringIO()
    call_command("check_registry", *args, stdout=out)
    return out.getvalue()


def test_the_command_prints_json_with_exactly_rule_severity_facility_and_message(basra: World) -> None:
    facility = clean(basra)
    SPOILED["null_island"](basra, facility)
    findings = json.loads(_check("--json"))
    assert all(set(finding) == {"rule", "severity", "facility", "message"} for finding in findings)
    assert {
        "rule": "null_island",
        "severity": "high",
        "facility": "CLEAN-1",
        "message": "The coordinates are (0, 0), in the sea off West Africa: a blank read as zero.",
    } in findings


def test_the_command_prints_a_line_per_finding_and_a_count_per_rule(basra: World) -> None:
    facility = clean(basra)
    SPOILED["outside_country"](basra, facility)
    out = _check("--directorate", "basra")
    assert "high\toutside_country\tCLEAN-1\tThe point (35.7, 51.4) lies outside the country." in out
    assert "  outside_country (high, Outside the country): 1" in out
    assert "findings: 4, among 4 facilities; by rule:" in out  # Basra's two centres, its hospital and CLEAN-1
    assert "NAJAF" not in out


def test_the_summary_shows_only_the_directorates_in_the_users_scope(basra: World, personas: Personas) -> None:
    body = english(personas.basra_manager).get("/registry/quality/").content.decode()
    assert 'data-directorate="basra"' in body
    assert 'data-directorate="najaf"' not in body
    national = english(personas.national_fed).get("/registry/quality/").content.decode()
    assert 'data-directorate="najaf"' in national and 'data-directorate="erbil"' not in national


def test_the_summary_counts_link_to_the_findings(basra: World, personas: Personas) -> None:
    clean(basra, latitude=None, longitude=None)
    response = english(personas.basra_manager).get("/registry/quality/")
    body = response.content.decode()
    # The test world's Basra facilities have no coordinates either: two centres and a hospital.
    link = f'href="/registry/quality/findings/?directorate={basra.basra.pk}&amp;rule=missing_location">4</a>'
    assert link in body
    assert "Data quality" in body  # in the navigation bar


def test_findings_are_filtered_and_link_to_the_facility(basra: World, personas: Personas) -> None:
    facility = clean(basra)
    SPOILED["name_spacing"](basra, facility)
    client = english(personas.basra_manager)
    body = client.get("/registry/quality/findings/", {"rule": "name_spacing"}).content.decode()
    assert 'data-rule="name_spacing" data-facility="CLEAN-1"' in body
    assert 'href="/registry/facilities/CLEAN-1/"' in body
    assert 'data-rule="missing_location"' not in body
    low = client.get("/registry/quality/findings/", {"severity": "high"}).content.decode()
    assert "CLEAN-1" not in low


def test_a_sector_collector_sees_findings_of_their_sector_only(basra: World, personas: Personas) -> None:
    body = english(personas.basra_s2_collector).get("/registry/quality/findings/").content.decode()
    assert 'data-facility="PHC-BASRA-2"' in body
    assert "PHC-BASRA-1" not in body and "HOSP-BASRA" not in body and "NAJAF" not in body


def test_the_quality_pages_need_sign_in(basra: World) -> None:
    for url in ("/registry/quality/", "/registry/quality/findings/"):
        assert client_for(None).get(url).status_code == 302


def test_a_negative_tolerance_is_refused(tmp_path: Any) -> None:
    from tests.test_configuration import _rasd

    result = _rasd(["check"], tmp_path, RASD_REGISTRY_DISTRICT_TOLERANCE_KM="-1")
    assert result.returncode != 0 and "cannot be negative" in result.stderr
    result = _rasd(["check"], tmp_path, RASD_REGISTRY_DISTRICT_TOLERANCE_KM="two")
    assert result.returncode != 0 and "must be a number" in result.stderr


def test_placing_many_points_at_once_agrees_with_one_at_a_time(boundaries: BoundarySet) -> None:
    points = [(47.80, 30.50), (44.33, 32.0), (51.4, 35.7), (0.0, 0.0)]
    areas, inside = geo.locate_many(points)
    assert areas == [geo.locate(*point) for point in points]
    assert inside == [geo.inside_country(*point) for point in points] == [True, True, False, False]
