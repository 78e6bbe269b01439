"""Geography: OCHA boundaries by edition, population figures, and areas placed from coordinates."""

from __future__ import annotations

import dataclasses
import datetime
from typing import Any

import pytest

from rasd.lib.request_context import acting_as
from rasd.registry import facility_services as services
from rasd.registry.facility_rules import FacilityDetails
from rasd.registry.geography_services import COD_AB_IRAQ_2019, load_boundaries
from rasd.registry.models import AdminArea, BoundarySet, Facility, PopulationFigure
from tests.conftest import World

# Al-Yarmouk Teaching Hospital (Wikidata Q4703352), in Al-Karkh district of Baghdad.
YARMOUK = (44.352331, 33.29412)


@pytest.fixture
def boundaries(db: Any) -> BoundarySet:
    return BoundarySet.objects.get(is_current=True)


def test_iraq_loads_with_its_four_levels_and_census(boundaries: BoundarySet) -> None:
    levels = {level: AdminArea.objects.filter(boundary_set=boundaries, level=level).count() for level in range(4)}
    assert levels == {0: 1, 1: 18, 2: 101, 3: 294}
    erbil = AdminArea.objects.get(boundary_set=boundaries, pcode="IQG11")
    assert (erbil.name_ar, erbil.name_en, erbil.name_ckb) == ("اربيل", "Erbil", "ھەولێر")
    karkh = AdminArea.objects.get(boundary_set=boundaries, pcode="IQG08Q03")
    assert karkh.parent is not None and karkh.parent.pcode == "IQG08"
    national = PopulationFigure.objects.get(area__pcode="IQ", year=2024)
    assert national.population == 46_118_793 and not national.is_modelled


def test_districts_without_a_census_figure_get_kontur_flagged_as_modelled(boundaries: BoundarySet) -> None:
    karkh = PopulationFigure.objects.get(area__pcode="IQG08Q03")
    assert karkh.is_modelled and karkh.year == 2023 and "Kontur" in karkh.source
    falluja = PopulationFigure.objects.get(area__pcode="IQG01Q01")
    assert (falluja.population, falluja.is_modelled) == (710_773, False)
    assert PopulationFigure.objects.filter(area__level=2).count() == 101


def test_loading_again_changes_nothing(boundaries: BoundarySet) -> None:
    with acting_as(None):
        summary = load_boundaries()
    assert (summary.areas_created, summary.areas_updated, summary.figures_written) == (0, 0, 0)


def test_a_facility_is_placed_in_its_sub_district_from_its_coordinates(
    boundaries: BoundarySet, facilities: Any
) -> None:
    hospital: Facility = facilities["HOSP-BASRA"]
    details = dataclasses.replace(FacilityDetails.of(hospital), longitude=YARMOUK[0], latitude=YARMOUK[1])
    services.update_facility(None, hospital, details, reason="GPS reading")
    hospital.refresh_from_db()
    assert hospital.admin_area is not None
    assert [area.pcode for area in hospital.admin_area.lineage()][:3] == ["IQ", "IQG08", "IQG08Q03"]


def test_an_area_set_by_hand_needs_a_reason_and_is_kept(boundaries: BoundarySet, facilities: Any) -> None:
    hospital: Facility = facilities["HOSP-BASRA"]
    area = AdminArea.objects.get(boundary_set=boundaries, pcode="IQG02Q01N01")
    details = dataclasses.replace(
        FacilityDetails.of(hospital),
        longitude=YARMOUK[0],
        latitude=YARMOUK[1],
        admin_area=area,
        admin_area_overridden=True,
        admin_area_override_reason="",
    )
    with pytest.raises(Exception, match="area"):
        services.update_facility(None, hospital, details, reason="x")
    details.admin_area_override_reason = "coordinates are of the directorate office"
    services.update_facility(None, hospital, details, reason="x")
    hospital.refresh_from_db()
    assert hospital.admin_area == area


def test_a_new_boundary_edition_leaves_old_placements_intact(boundaries: BoundarySet, world: World) -> None:
    hospital = services.create_facility(
        None,
        "KARKH-1",
        FacilityDetails(
            facility_type=_hospital_type(),
            directorate=world.basra,
            name_ar="مستشفى",
            longitude=YARMOUK[0],
            latitude=YARMOUK[1],
        ),
    )
    old_area = hospital.admin_area
    edition = dataclasses.replace(
        COD_AB_IRAQ_2019, code="cod-ab-irq-next", name="Next edition", valid_on=datetime.date(2025, 1, 1)
    )
    with acting_as(None):
        load_boundaries(edition)
    assert BoundarySet.objects.get(is_current=True).code == "cod-ab-irq-next"
    hospital.refresh_from_db()
    assert hospital.admin_area == old_area and old_area is not None
    assert old_area.boundary_set.code == "cod-ab-irq-2019"


def _hospital_type() -> Any:
    from rasd.registry.models import FacilityType

    return FacilityType.objects.get_or_create(
        code="hospital", defaults={"level_of_care": "secondary", "name_ar": "مستشفى"}
    )[0]
