"""The demo registry: a synthetic but credible facility list, loaded once by `rasd load_demo_registry`."""

from __future__ import annotations

import datetime
import re
from collections import Counter
from io import StringIO
from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command

from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.registry import geo
from rasd.registry.demo import (
    BAGHDAD_KARKH_DISTRICTS,
    COLUMNS,
    TYPE_SHARES,
    ensure_demo_sectors,
    synthetic_facilities,
    synthetic_rows,
)
from rasd.registry.demo_loading import BASE_DAY
from rasd.registry.history import facility_as_of
from rasd.registry.models import Directorate, Facility, FacilityType, FacilityVersion, Sector
from rasd.registry.names import normalise
from rasd.registry.reference_data import load_facility_types, load_health_administration


@pytest.fixture
def iraq(db: Any) -> None:
    with acting_as(None):
        load_health_administration()
        load_facility_types()


def test_the_same_seed_gives_the_same_rows_and_another_seed_other_rows(iraq: None) -> None:
    assert synthetic_rows(120, seed=7) == synthetic_rows(120, seed=7)
    assert synthetic_rows(120, seed=7) != synthetic_rows(120, seed=8)


def test_rows_are_complete_valid_and_marked_synthetic(iraq: None) -> None:
    with acting_as(None):
        ensure_demo_sectors()
    rows = synthetic_rows(600)
    types = set(FacilityType.objects.values_list("code", flat=True))
    sector_directorate = dict(Sector.objects.values_list("code", "directorate__code"))
    seen: dict[str, dict[str, str]] = {}
    for row in rows:
        assert list(row) == list(COLUMNS) and all(isinstance(value, str) for value in row.values())
        assert re.fullmatch(settings.FACILITY_CODE_PATTERN, row["code"])
        assert re.fullmatch(r"IQ-[A-Z-]+-\d{5}", row["code"]) and row["code"] not in seen
        assert row["name_ar"].endswith("(تجريبي)") and row["name_en"].endswith("(synthetic)")
        assert row["facility_type"] in types
        assert not row["sector"] or sector_directorate[row["sector"]] == row["directorate"]
        if row["facility_type"] == "phc-branch":
            main = seen[row["parent_code"]]  # main centres come before their branches
            assert main["facility_type"] in ("phc-main", "phc-main-specialized") and main["sector"] == row["sector"]
        if row["status"] in ("temporarily_closed", "permanently_closed"):
            assert row["opened_on"] <= row["closed_on"] and row["functional"] != "yes"
        seen[row["code"]] = row
    assert len({(row["directorate"], row["name_ar"]) for row in rows}) == len(rows)


def test_facilities_lie_inside_the_district_they_were_placed_in(iraq: None) -> None:
    for facility in synthetic_facilities(400, seed=3):
        area_id = geo.locate(float(facility.row["longitude"]), float(facility.row["latitude"]))
        assert area_id is not None
        district = geo.area(area_id).parent
        assert district is not None and district.pcode == facility.district


def test_the_type_mix_follows_the_shares_seen_in_herams_iraq(iraq: None) -> None:
    counts = Counter(row["facility_type"] for row in synthetic_rows(2000))
    whole = sum(TYPE_SHARES.values())
    for kind, share in TYPE_SHARES.items():
        assert abs(100 * counts[kind] / 2000 - 100 * share / whole) < 1.5, kind


def test_the_directorate_follows_the_governorate_and_baghdad_is_split_by_the_tigris(iraq: None) -> None:
    governorate_of = dict(Directorate.objects.values_list("code", "governorate_pcode"))
    by_directorate: Counter[str] = Counter()
    for facility in synthetic_facilities(2000):
        directorate = facility.row["directorate"]
        by_directorate[directorate] += 1
        if directorate in ("medical-city", "peoples-clinics"):
            assert facility.district.startswith("IQG08")
        elif facility.district.startswith("IQG08"):
            karkh = facility.district in BAGHDAD_KARKH_DISTRICTS
            assert directorate == ("baghdad-karkh" if karkh else "baghdad-rusafa")
        else:
            assert facility.district.startswith(governorate_of[directorate])
    assert 1 <= by_directorate["medical-city"] <= 10 and 1 <= by_directorate["peoples-clinics"] <= 10
    krg = {"duhok", "erbil", "sulaymaniyah"}
    assert {
        facility.row["managing_authority"]
        for facility in synthetic_facilities(300)
        if facility.row["directorate"] in krg
    } == {"krg-moh"}


def test_districts_get_facilities_in_proportion_to_their_population(iraq: None) -> None:
    counts = Counter(facility.district for facility in synthetic_facilities(2000))
    assert len(counts) == 101  # every district has some
    assert counts["IQG15Q05"] > 10 * counts["IQG03Q03"]  # Mosul (≈1.8 million) against Al-Salman (≈20,000)


def test_demo_sectors_are_named_after_districts_created_once_and_audited(iraq: None) -> None:
    with acting_as(None):
        ensure_demo_sectors()
        ensure_demo_sectors()
    per_directorate = Counter(Sector.objects.values_list("directorate__code", flat=True))
    assert set(per_directorate) == set(Directorate.objects.exclude(governorate_pcode="").values_list("code", flat=True))
    assert all(3 <= number <= 10 for number in per_directorate.values())
    assert AuditEntry.objects.filter(action="sector.created").count() == Sector.objects.count()
    zubair = Sector.objects.filter(name_en__startswith="Al-Zubair").first()
    assert zubair is not None and zubair.code.startswith("basra-s") and zubair.name_ar.startswith("قطاع الزبير ")
    assert {sector.name_ckb.split()[1] for sector in Sector.objects.filter(name_en__startswith="Zakho")} == {"زاخۆ"}


# The command ------------------------------------------------------------------------------------------------


def load(*args: str) -> str:
    out = StringIO()
    call_command("load_demo_registry", *args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo(iraq: None) -> str:
    return load("--facilities", "300", "--seed", "5")


def test_the_command_needs_the_reference_data_and_says_how_to_load_it(db: Any) -> None:
    with pytest.raises(CommandError, match="rasd load_reference_data"):
        load("--facilities", "10")


def test_the_command_refuses_to_put_demo_data_into_production(iraq: None, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="RASD_PRODUCTION"):
        load("--facilities", "10")
    assert not Facility.objects.exists()


def test_the_demo_loads_the_synthetic_list_and_the_real_hospitals_from_wikidata(demo: str) -> None:
    assert "300 facilities, seed 5" in demo
    real = Facility.objects.filter(code__startswith="IQ-WD-")
    assert real.count() == 17 and Facility.objects.count() == 300 + 1 + 17  # one near-duplicate twin
    yarmouk = real.get(code="IQ-WD-Q4703352")
    assert yarmouk.name_en == "Al-Yarmouk Teaching Hospital" and yarmouk.directorate.code == "baghdad-karkh"
    assert real.get(code="IQ-WD-Q14956833").directorate.code == "erbil"  # Nanakaly, Erbil
    assert not real.filter(name_en__contains="synthetic").exists()
    assert FacilityVersion.objects.filter(number=1).values("valid_from").distinct().get()["valid_from"] == BASE_DAY


def test_the_demo_has_a_little_history_that_can_be_read_as_of_a_date(demo: str) -> None:
    changes = Counter(FacilityVersion.objects.values_list("change", flat=True))
    assert changes["closed"] == 3 and changes["reopened"] == 1 and changes["merged_away"] == 1
    renamed = Facility.objects.filter(name_en__startswith="Martyr")
    assert renamed.count() == 3 and all(facility.aliases.filter(kind="name").exists() for facility in renamed)
    merged = Facility.objects.get(merged_into__isnull=False)
    assert merged.merged_into is not None and merged.merged_into.aliases.filter(kind="code", value=merged.code).exists()
    closed_for_good = Facility.objects.get(versions__change="closed", status="permanently_closed", merged_into=None)
    before = facility_as_of(closed_for_good, datetime.date(2023, 6, 1))
    assert before is not None and before.status == "open"


def test_the_demo_has_the_deliberate_quality_problems_it_lists(demo: str) -> None:
    facilities = Facility.objects.all()
    assert facilities.filter(latitude=None).count() >= 2
    assert facilities.filter(latitude=0, longitude=0).count() == 1
    outside = [f for f in facilities.exclude(latitude=None) if not geo.inside_country(f.longitude, f.latitude)]
    assert len(outside) == 2  # (0, 0) and a swapped pair
    assert facilities.filter(name_ar__contains="  ").exists() and facilities.filter(name_en__contains="  ").exists()
    assert facilities.filter(facility_type__code="phc-branch", parent=None).count() == 1
    assert facilities.filter(status="permanently_closed", functional=True).count() == 1
    first_code, twin_code = re.findall(r"(IQ-\S+) and (IQ-\S+-90001): one centre entered twice", demo)[0]
    first, twin = facilities.get(code=first_code), facilities.get(code=twin_code)
    assert normalise(first.name_ar) == normalise(twin.name_ar) and first.name_ar != twin.name_ar
    assert first.latitude is not None and twin.latitude is not None
    assert 0 < abs(first.latitude - twin.latitude) < 0.001  # about 40 m apart
    shared = Counter(facilities.exclude(latitude=None).values_list("latitude", "longitude"))
    assert shared.most_common(1)[0][1] == 3
    for line in ("no coordinates", "at (0, 0)", "swapped", "entered twice", "without a main centre", "functional"):
        assert line in demo


def test_loading_the_same_demo_again_changes_nothing_and_another_is_refused(demo: str) -> None:
    counts = (Facility.objects.count(), FacilityVersion.objects.count(), AuditEntry.objects.count())
    assert "already loaded" in load("--facilities", "300", "--seed", "5")
    assert counts == (Facility.objects.count(), FacilityVersion.objects.count(), AuditEntry.objects.count())
    with pytest.raises(CommandError, match="fresh data directory"):
        load("--facilities", "300", "--seed", "6")
