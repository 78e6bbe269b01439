"""The facility pages: the list (search, filters, paging), one facility's page with its history, and the forms that
create and change facilities — always within the user's scope, always with a reason for a change."""

from __future__ import annotations

import datetime
import re
from typing import Any

from django.urls import reverse

from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.registry.facility_rules import FacilityDetails
from rasd.registry.facility_services import update_facility
from rasd.registry.models import (
    AdminArea,
    BoundarySet,
    Facility,
    FacilityAlias,
    FacilityType,
    OperationalStatus,
)
from tests.conftest import Personas, World, client_for
from tests.registry.conftest import english, make

LIST = reverse("registry:facility_list")
Facilities = dict[str, Facility]


def listed_codes(body: str) -> list[str]:
    return re.findall(r'<a class="rasd-ltr" href="/registry/facilities/([^"]+)/"', body)


def detail(facility: Facility) -> str:
    return reverse("registry:facility_detail", kwargs={"code": facility.code})


# The list -----------------------------------------------------------------------------------------------------


def test_the_list_shows_the_facilities_in_scope_only(personas: Personas, facilities: Facilities) -> None:
    basra = listed_codes(client_for(personas.basra_manager).get(LIST).content.decode())
    assert basra == ["HOSP-BASRA", "PHC-BASRA-1", "PHC-BASRA-2"]
    collector = listed_codes(client_for(personas.basra_s1_collector).get(LIST).content.decode())
    assert collector == ["PHC-BASRA-1"]


def test_search_ignores_arabic_spelling_variants(personas: Personas, world: World, facilities: Facilities) -> None:
    make("BSR-H-1", "مُستشفى البصرة العام", world.basra, type_code="hospital")
    make("BSR-H-2", "مستشفى الفيحاء", world.basra, type_code="hospital")
    client = client_for(personas.basra_manager)
    assert listed_codes(client.get(LIST, {"q": "مستشفي البصره"}).content.decode()) == ["BSR-H-1"]
    assert listed_codes(client.get(LIST, {"q": "مستشفى"}).content.decode()) == ["BSR-H-1", "BSR-H-2"]
    # A code is found by its beginning, whatever its punctuation.
    assert listed_codes(client.get(LIST, {"q": "bsr-h"}).content.decode()) == ["BSR-H-1", "BSR-H-2"]
    assert listed_codes(client.get(LIST, {"q": "مستشفى نجف"}).content.decode()) == []


def test_search_finds_a_facility_by_a_name_it_absorbed_in_a_merge(personas: Personas, facilities: Facilities) -> None:
    client = client_for(personas.basra_manager)
    response = client.post(
        reverse("registry:facility_merge", kwargs={"code": "PHC-BASRA-1"}),
        {"absorb_code": "PHC-BASRA-2", "on": "2024-06-01", "reason": "one building"},
    )
    assert response.status_code == 302
    assert listed_codes(client.get(LIST, {"q": "PHC-BASRA-2"}).content.decode()) == ["PHC-BASRA-1", "PHC-BASRA-2"]


def test_filters_narrow_the_list(personas: Personas, world: World, facilities: Facilities) -> None:
    client = client_for(personas.national_fed)
    by_directorate = client.get(LIST, {"directorate": world.najaf.pk})
    assert listed_codes(by_directorate.content.decode()) == ["HOSP-NAJAF", "PHC-NAJAF-1"]
    by_sector = client.get(LIST, {"directorate": world.basra.pk, "sector": world.basra_s2.pk})
    assert listed_codes(by_sector.content.decode()) == ["PHC-BASRA-2"]
    hospitals = FacilityType.objects.get(code="hospital")
    by_type = client.get(LIST, {"facility_type": hospitals.pk})
    assert listed_codes(by_type.content.decode()) == ["HOSP-BASRA", "HOSP-MEDICAL-CITY", "HOSP-NAJAF"]
    client.post(
        reverse("registry:facility_close", kwargs={"code": "HOSP-NAJAF"}),
        {"permanently": "0", "on": "2024-05-01", "reason": "repairs"},
    )
    by_status = client.get(LIST, {"status": OperationalStatus.TEMPORARILY_CLOSED})
    assert listed_codes(by_status.content.decode()) == ["HOSP-NAJAF"]


def test_a_filter_outside_the_scope_is_refused_not_obeyed(
    personas: Personas, world: World, facilities: Facilities
) -> None:
    response = english(personas.basra_manager).get(LIST, {"directorate": world.najaf.pk, "q": "PHC"})
    body = response.content.decode()
    assert response.status_code == 200 and "could not be used and were left out" in body
    assert listed_codes(body) == ["PHC-BASRA-1", "PHC-BASRA-2"]  # the other filters still apply


def test_governorate_and_district_filters_include_the_areas_below(
    personas: Personas, world: World, facilities: Facilities, boundaries: BoundarySet
) -> None:
    make("BSR-CITY", "مركز البصرة", world.basra, latitude=30.51, longitude=47.78)
    make("NJF-CITY", "مركز النجف", world.najaf, latitude=32.0, longitude=44.32)
    make("BSR-NOWHERE", "مركز بلا موقع", world.basra)
    client = client_for(personas.national_fed)
    basra = AdminArea.objects.get(boundary_set=boundaries, pcode="IQG02")
    district = AdminArea.objects.get(boundary_set=boundaries, pcode="IQG02Q02")
    assert listed_codes(client.get(LIST, {"governorate": basra.pcode}).content.decode()) == ["BSR-CITY"]
    assert listed_codes(client.get(LIST, {"district": district.pcode}).content.decode()) == ["BSR-CITY"]
    assert listed_codes(client.get(LIST, {"governorate": "IQG04"}).content.decode()) == ["NJF-CITY"]
    # The district column shows the district, not the sub-district the facility is placed in.
    body = english(personas.national_fed).get(LIST, {"q": "BSR-CITY"}).content.decode()
    assert district.name_en in body and "Markaz Al-Basrah" not in body


def test_the_list_pages_by_fifty(personas: Personas, world: World, facilities: Facilities) -> None:
    for number in range(60):
        make(f"BSR-{number:03}", f"مركز {number}", world.basra, world.basra_s1)
    client = english(personas.basra_manager)
    first = client.get(LIST).content.decode()
    assert len(listed_codes(first)) == 50 and "63 facilities" in first and "Page 1 of 2" in first
    second = client.get(LIST, {"page": 2}).content.decode()
    assert len(listed_codes(second)) == 13


def test_filtering_with_htmx_returns_only_the_rows(personas: Personas, facilities: Facilities) -> None:
    response = client_for(personas.basra_manager).get(LIST, {"q": "PHC"}, headers={"HX-Request": "true"})
    body = response.content.decode()
    assert "<html" not in body and listed_codes(body) == ["PHC-BASRA-1", "PHC-BASRA-2"]
    assert "HX-Request" in response["Vary"]


def test_the_list_costs_the_same_few_queries_however_many_rows(
    personas: Personas, world: World, facilities: Facilities, django_assert_max_num_queries: Any
) -> None:
    for number in range(60):
        make(f"BSR-{number:03}", f"مركز {number}", world.basra, world.basra_s1)
    client = client_for(personas.basra_manager)
    client.get(LIST)  # the session and scope, once
    with django_assert_max_num_queries(14):
        assert client.get(LIST, {"q": "مركز", "status": "open"}).status_code == 200


def test_the_list_links_to_the_map_import_and_new_facility_for_managers(
    personas: Personas, facilities: Facilities
) -> None:
    manager = client_for(personas.basra_manager).get(LIST).content.decode()
    assert reverse("registry:facility_create") in manager and reverse("registry:facility_map") in manager
    viewer = client_for(personas.erbil_viewer).get(LIST).content.decode()
    assert reverse("registry:facility_create") not in viewer and reverse("registry:facility_map") in viewer


# One facility -------------------------------------------------------------------------------------------------


def test_a_facility_page_shows_its_attributes_in_the_readers_language(
    personas: Personas, world: World, facilities: Facilities, boundaries: BoundarySet
) -> None:
    facility = make(
        "BSR-CITY", "مركز البصرة", world.basra, world.basra_s1, name_en="Basra Centre", latitude=30.51, longitude=47.78
    )
    body = english(personas.basra_s1_collector).get(detail(facility)).content.decode()
    assert "Basra Centre" in body and "Primary" in body and "Public – Ministry of Health" in body
    # Governorate › district › sub-district, with p-codes.
    assert body.index("IQG02<") < body.index("IQG02Q02<") < body.index("IQG02Q02N02<")
    assert "Markaz Al-Basrah" in body and "marker-sector-basra-1" in body
    assert "data-facility-map" in body and 'data-outline-url="/registry/map/boundaries.geojson?pcode=IQG02Q02"' in body
    assert reverse("registry:facility_edit", kwargs={"code": "BSR-CITY"}) not in body  # a collector changes nothing


def test_a_facility_outside_the_scope_is_not_found(personas: Personas, facilities: Facilities) -> None:
    client = client_for(personas.basra_manager)
    assert client.get(detail(facilities["PHC-NAJAF-1"])).status_code == 404
    assert client.get(reverse("registry:facility_edit", kwargs={"code": "PHC-NAJAF-1"})).status_code == 404
    assert client.get(reverse("registry:facility_detail", kwargs={"code": "NO-SUCH"})).status_code == 404


def test_a_code_with_a_slash_has_its_pages(personas: Personas, world: World, facilities: Facilities) -> None:
    facility = make("BSR/PHC/7", "مركز سبعة", world.basra, world.basra_s1)
    client = client_for(personas.basra_manager)
    assert client.get(detail(facility)).status_code == 200
    assert client.get(reverse("registry:facility_close", kwargs={"code": facility.code})).status_code == 200


def _change_row(label: str, before: str, after: str) -> re.Pattern[str]:
    """A row of a version's changes: field, value before, value after (inside any markup)."""
    tags = "(?:<[^>]+>)*"
    return re.compile(f"{label}</td><td>{tags}{before}{tags}</td><td>{tags}{after}<")


def test_the_history_shows_each_change_with_before_and_after_reason_and_who(
    personas: Personas, world: World, facilities: Facilities
) -> None:
    facility = facilities["PHC-BASRA-1"]
    with acting_as(personas.basra_manager):
        details = FacilityDetails.of(facility)
        details.name_en = "Basra first centre"
        details.sector = world.basra_s2
        update_facility(
            personas.basra_manager, facility, details, reason="moved sector", valid_from=datetime.date(2024, 3, 1)
        )
    body = english(personas.basra_manager).get(detail(facility)).content.decode()
    history = body[body.index('data-testid="facility-history"') :]
    assert history.index("v2") < history.index("v1")
    assert "moved sector" in history and "marker-basra-manager" in history
    assert "valid since 2024-03-01" in history and "valid 2024-01-01 to 2024-03-01" in history
    assert _change_row("Sector", "marker-sector-basra-1", "marker-sector-basra-2").search(history)
    assert _change_row(r"Name \(English\)", "—", "Basra first centre").search(history)


def test_the_history_hides_what_the_facility_was_while_it_belonged_elsewhere(
    personas: Personas, world: World, facilities: Facilities
) -> None:
    facility = facilities["PHC-NAJAF-1"]
    with acting_as(None):
        details = FacilityDetails.of(facility)
        details.directorate, details.sector, details.name_en = world.basra, world.basra_s1, "Handed over"
        update_facility(None, facility, details, reason="handed to Basra", valid_from=datetime.date(2024, 3, 1))
    body = english(personas.basra_manager).get(detail(facility)).content.decode()
    assert "handed to Basra" in body and "marker-sector-najaf-1" not in body


# Creating and changing ----------------------------------------------------------------------------------------


def _new_facility(world: World, **changes: Any) -> dict[str, Any]:
    data = {
        "code": "BSR-NEW-1",
        "name_ar": "مركز صحي الجمهورية",
        "name_en": "Al-Jumhuriya PHC",
        "facility_type": FacilityType.objects.get(code="phc-main").pk,
        "ownership": "public_moh",
        "directorate": world.basra.pk,
        "sector": world.basra_s1.pk,
        "status": "open",
        "settlement": "urban",
        "location_source": "gps_survey",
        "latitude": "30.51",
        "longitude": "47.78",
        "valid_from": "2024-02-01",
        "reason": "",
    }
    data.update(changes)
    return data


def test_a_manager_creates_a_facility_placed_from_its_coordinates(
    personas: Personas, world: World, facilities: Facilities, boundaries: BoundarySet
) -> None:
    response = client_for(personas.basra_manager).post(reverse("registry:facility_create"), _new_facility(world))
    assert response.status_code == 302 and response["Location"] == "/registry/facilities/BSR-NEW-1/"
    facility = Facility.objects.get(code="BSR-NEW-1")
    assert facility.admin_area is not None and facility.admin_area.pcode == "IQG02Q02N02"
    assert facility.valid_from == datetime.date(2024, 2, 1) and facility.versions.count() == 1
    entry = AuditEntry.objects.get(action="facility.created", object_id=str(facility.pk))
    assert entry.actor == personas.basra_manager


def test_the_new_facility_form_offers_only_choices_in_scope(personas: Personas, facilities: Facilities) -> None:
    body = client_for(personas.basra_manager).get(reverse("registry:facility_create")).content.decode()
    assert "marker-sector-basra-2" in body and "marker-sector-najaf-1" not in body
    assert 'data-belongs-to="' in body and "data-area-override" in body


def test_a_facility_cannot_be_placed_outside_the_scope(
    personas: Personas, world: World, facilities: Facilities
) -> None:
    data = _new_facility(world, directorate=world.najaf.pk, sector=world.najaf_s1.pk)
    response = client_for(personas.basra_manager).post(reverse("registry:facility_create"), data)
    assert response.status_code == 200 and not Facility.objects.filter(code="BSR-NEW-1").exists()


def test_a_service_refusal_is_shown_on_the_form_with_the_data_kept(
    personas: Personas, world: World, facilities: Facilities
) -> None:
    data = _new_facility(world, code="PHC-BASRA-1", sector=world.basra_s2.pk, latitude="", longitude="47.7")
    response = english(personas.basra_manager).post(reverse("registry:facility_create"), data)
    body = response.content.decode()
    assert response.status_code == 200
    assert "already in use" in body and "Give both latitude and longitude" in body
    assert 'value="Al-Jumhuriya PHC"' in body  # what was typed is still there
    assert Facility.objects.count() == len(facilities)


def test_a_branch_names_its_main_centre_by_code_within_the_scope(
    personas: Personas, world: World, facilities: Facilities
) -> None:
    client = english(personas.basra_manager)
    outside = client.post(reverse("registry:facility_create"), _new_facility(world, parent_code="PHC-NAJAF-1"))
    assert "No facility with the code PHC-NAJAF-1 in your scope" in outside.content.decode()
    inside = client.post(reverse("registry:facility_create"), _new_facility(world, parent_code="PHC-BASRA-1"))
    assert inside.status_code == 302
    assert Facility.objects.get(code="BSR-NEW-1").parent == facilities["PHC-BASRA-1"]
    page = client.get(detail(facilities["PHC-BASRA-1"])).content.decode()
    assert "Branches" in page and "BSR-NEW-1" in page


def _edit(facility: Facility, **changes: Any) -> dict[str, Any]:
    data = {
        "name_ar": facility.name_ar,
        "name_en": "Renamed",
        "facility_type": facility.facility_type_id,
        "ownership": facility.ownership,
        "directorate": facility.directorate_id,
        "sector": facility.sector_id or "",
        "settlement": facility.settlement,
        "location_source": facility.location_source,
        "valid_from": "2024-04-01",
        "reason": "the sign was changed",
    }
    data.update(changes)
    return data


def test_an_edit_needs_a_reason(personas: Personas, facilities: Facilities) -> None:
    facility = facilities["PHC-BASRA-1"]
    url = reverse("registry:facility_edit", kwargs={"code": facility.code})
    client = client_for(personas.basra_manager)
    assert client.post(url, _edit(facility, reason="")).status_code == 200
    assert Facility.objects.get(pk=facility.pk).version == 1
    assert client.post(url, _edit(facility)).status_code == 302
    changed = Facility.objects.get(pk=facility.pk)
    assert (changed.version, changed.name_en, changed.valid_from) == (2, "Renamed", datetime.date(2024, 4, 1))
    assert changed.versions.get(number=2).reason == "the sign was changed"


def test_an_edit_cannot_take_effect_before_the_current_version(personas: Personas, facilities: Facilities) -> None:
    facility = facilities["PHC-BASRA-1"]
    url = reverse("registry:facility_edit", kwargs={"code": facility.code})
    response = english(personas.basra_manager).post(url, _edit(facility, valid_from="2023-01-01"))
    assert "cannot take effect before the current version" in response.content.decode()
    assert Facility.objects.get(pk=facility.pk).version == 1


def test_an_edit_that_changes_nothing_stores_nothing(personas: Personas, facilities: Facilities) -> None:
    facility = facilities["PHC-BASRA-1"]
    url = reverse("registry:facility_edit", kwargs={"code": facility.code})
    response = client_for(personas.basra_manager).post(url, _edit(facility, name_en=""))
    assert response.status_code == 302 and Facility.objects.get(pk=facility.pk).version == 1


def test_the_area_can_be_set_by_hand_with_a_reason(
    personas: Personas, facilities: Facilities, boundaries: BoundarySet
) -> None:
    facility = facilities["HOSP-BASRA"]
    url = reverse("registry:facility_edit", kwargs={"code": facility.code})
    client = english(personas.basra_manager)
    without_reason = client.post(url, _edit(facility, admin_area_overridden="on", admin_area="IQG02Q01N01"))
    assert "needs the area and a reason" in without_reason.content.decode()
    data = _edit(
        facility, admin_area_overridden="on", admin_area="IQG02Q01N01", admin_area_override_reason="no GPS yet"
    )
    assert client.post(url, data).status_code == 302
    facility.refresh_from_db()
    assert facility.admin_area is not None and facility.admin_area.pcode == "IQG02Q01N01"
    assert facility.admin_area_override_reason == "no GPS yet"


def test_a_collector_may_not_create_or_change_facilities(personas: Personas, facilities: Facilities) -> None:
    client = client_for(personas.basra_s1_collector)
    assert client.get(reverse("registry:facility_create")).status_code == 403
    url = reverse("registry:facility_edit", kwargs={"code": "PHC-BASRA-1"})
    assert client.post(url, _edit(facilities["PHC-BASRA-1"])).status_code == 403


def test_closing_and_reopening_each_need_a_date_and_a_reason(personas: Personas, facilities: Facilities) -> None:
    facility = facilities["PHC-BASRA-1"]
    client = english(personas.basra_manager)
    close = reverse("registry:facility_close", kwargs={"code": facility.code})
    assert client.post(close, {"permanently": "0", "on": "2024-05-01", "reason": ""}).status_code == 200
    assert client.post(close, {"permanently": "0", "on": "2024-05-01", "reason": "flooded"}).status_code == 302
    facility.refresh_from_db()
    assert (facility.status, facility.closed_on) == (OperationalStatus.TEMPORARILY_CLOSED, datetime.date(2024, 5, 1))
    page = client.get(detail(facility)).content.decode()
    assert "Reopen" in page and "flooded" in page
    reopen = reverse("registry:facility_reopen", kwargs={"code": facility.code})
    assert client.post(reopen, {"on": "2024-07-01", "reason": "repaired"}).status_code == 302
    facility.refresh_from_db()
    assert (facility.status, facility.closed_on, facility.version) == (OperationalStatus.OPEN, None, 3)


def test_merging_takes_the_other_facility_by_code_within_the_scope(personas: Personas, facilities: Facilities) -> None:
    keep = facilities["PHC-BASRA-1"]
    url = reverse("registry:facility_merge", kwargs={"code": keep.code})
    client = english(personas.basra_manager)
    outside = client.post(url, {"absorb_code": "PHC-NAJAF-1", "on": "2024-06-01", "reason": "same place"})
    assert "No facility with the code PHC-NAJAF-1 in your scope" in outside.content.decode()
    itself = client.post(url, {"absorb_code": keep.code, "on": "2024-06-01", "reason": "same place"})
    assert "cannot be merged into itself" in itself.content.decode()
    assert (
        client.post(url, {"absorb_code": "PHC-BASRA-2", "on": "2024-06-01", "reason": "same place"}).status_code == 302
    )
    absorbed = Facility.objects.get(code="PHC-BASRA-2")
    assert absorbed.merged_into == keep and absorbed.status == OperationalStatus.PERMANENTLY_CLOSED
    assert FacilityAlias.objects.filter(facility=keep, value="PHC-BASRA-2").exists()
    kept = client.get(detail(keep)).content.decode()
    assert "Merged into this one" in kept and "PHC-BASRA-2" in kept
    gone = client.get(detail(absorbed)).content.decode()
    assert (
        "This facility was merged into" in gone
        and reverse("registry:facility_merge", kwargs={"code": "PHC-BASRA-2"}) not in gone
    )


def _split(facility: Facility, rows: list[dict[str, Any]], **changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {
        "new-TOTAL_FORMS": "5",
        "new-INITIAL_FORMS": "0",
        "new-MIN_NUM_FORMS": "1",
        "new-MAX_NUM_FORMS": "5",
        "close_original": "on",
        "on": "2024-09-01",
        "reason": "the building was divided",
    }
    for index, row in enumerate(rows):
        data.update({f"new-{index}-{name}": value for name, value in row.items()})
    data.update(changes)
    return data


def test_splitting_carves_out_new_facilities_and_may_close_the_original(
    personas: Personas, facilities: Facilities
) -> None:
    original = facilities["PHC-BASRA-1"]
    url = reverse("registry:facility_split", kwargs={"code": original.code})
    phc = FacilityType.objects.get(code="phc-main").pk
    rows = [
        {"code": "BSR-A", "name_ar": "مركز أ", "facility_type": phc, "sector": original.sector_id},
        {"code": "BSR-B", "name_ar": "مركز ب", "facility_type": phc},
    ]
    response = client_for(personas.basra_manager).post(url, _split(original, rows))
    assert response.status_code == 302
    new = Facility.objects.filter(split_from=original).order_by("code")
    assert [(f.code, f.sector, f.directorate) for f in new] == [
        ("BSR-A", original.sector, original.directorate),
        ("BSR-B", None, original.directorate),
    ]
    original.refresh_from_db()
    assert original.status == OperationalStatus.PERMANENTLY_CLOSED


def test_a_split_with_a_taken_code_shows_the_error_on_its_row_and_stores_nothing(
    personas: Personas, facilities: Facilities
) -> None:
    original = facilities["PHC-BASRA-1"]
    url = reverse("registry:facility_split", kwargs={"code": original.code})
    phc = FacilityType.objects.get(code="phc-main").pk
    rows = [
        {"code": "BSR-A", "name_ar": "مركز أ", "facility_type": phc},
        {"code": "PHC-NAJAF-1", "name_ar": "مركز ب", "facility_type": phc},
    ]
    response = english(personas.basra_manager).post(url, _split(original, rows))
    body = response.content.decode()
    assert response.status_code == 200 and "already in use" in body and 'value="BSR-A"' in body
    assert not Facility.objects.filter(code="BSR-A").exists()
    assert Facility.objects.get(pk=original.pk).version == 1


def test_a_split_needs_at_least_one_new_facility(personas: Personas, facilities: Facilities) -> None:
    original = facilities["PHC-BASRA-1"]
    url = reverse("registry:facility_split", kwargs={"code": original.code})
    response = client_for(personas.basra_manager).post(url, _split(original, []))
    assert response.status_code == 200 and Facility.objects.get(pk=original.pk).version == 1


# Navigation and home ------------------------------------------------------------------------------------------


def test_the_navigation_and_home_lead_to_the_facilities(personas: Personas, facilities: Facilities) -> None:
    body = client_for(personas.basra_manager).get(reverse("core:home")).content.decode()
    assert f'href="{LIST}"' in body and f'href="{reverse("registry:facility_map")}"' in body
    assert re.search(r'data-testid="open-facilities">3<', body)
