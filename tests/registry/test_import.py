"""`rasd import_facilities`: CSV, XLSX and GeoJSON files checked row by row, then written all at once or not at all."""

from __future__ import annotations

import datetime
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.registry import facility_services
from rasd.registry.importing import import_rows
from rasd.registry.models import Facility, FacilityAlias, FacilityVersion, LocationSource
from tests.conftest import Personas, World

HEADER = "code,name_ar,name_en,facility_type,directorate,sector,latitude,longitude,status,opened_on\n"
ROWS = (
    "BSR-001,مركز الزهراء,Al-Zahraa PHC,phc-main,basra,basra-1,30.51,47.81,open,2001-05-01\n"
    "BSR-002,مستشفى الفيحاء,Al-Fayhaa Hospital,hospital,basra,,30.52,47.79,open,\n"
)


@pytest.fixture(autouse=True)
def in_english() -> Any:
    with translation.override("en"):
        yield


def run(*args: str) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_facilities", *args, stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def refused(*args: str) -> list[str]:
    """The problem lines of an import that must fail with exit code 1."""
    out = StringIO()
    with pytest.raises(CommandError) as error:
        call_command("import_facilities", *args, stdout=out, stderr=StringIO())
    assert error.value.returncode == 1
    return out.getvalue().splitlines()


def write(tmp_path: Path, text: str, name: str = "facilities.csv", encoding: str = "utf-8") -> str:
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return str(path)


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig"])
def test_a_csv_file_creates_facilities_with_or_without_a_byte_order_mark(
    facilities: dict[str, Facility], tmp_path: Path, encoding: str
) -> None:
    out, _err = run(write(tmp_path, HEADER + ROWS, encoding=encoding))
    assert out.strip() == "2 created, 0 updated, 0 unchanged"
    centre = Facility.objects.get(code="BSR-001")
    assert (centre.name_ar, centre.name_en, centre.sector.code) == ("مركز الزهراء", "Al-Zahraa PHC", "basra-1")  # type: ignore[union-attr]
    assert (centre.latitude, centre.longitude, centre.opened_on) == (30.51, 47.81, datetime.date(2001, 5, 1))
    assert centre.location_source == LocationSource.IMPORTED  # coordinates of unknown origin
    assert centre.versions.get().reason == "import of facilities.csv"


def test_arabic_headers_names_and_digits_are_understood(
    world: World, facilities: dict[str, Facility], tmp_path: Path
) -> None:
    sector = world.basra_s2.name_ar  # the sector by its name, within the row's directorate
    text = (
        "الرمز;اسم المؤسسة;نوع المؤسسة;دائرة الصحة;القطاع;خط العرض;خط الطول;تاريخ الافتتاح;فعالة;عدد السكان\n"
        f"BSR-010;مركز الحسين;مركز صحي رئيسي;دائرة صحة البصره;{sector};٣٠٫٥;٤٧٫٨;5/3/1999;نعم;١٢٬٥٠٠\n"
    )
    out, _err = run(write(tmp_path, text))
    assert out.strip() == "1 created, 0 updated, 0 unchanged"
    centre = Facility.objects.get(code="BSR-010")
    assert (centre.facility_type.code, centre.directorate.code, centre.sector.code) == ("phc-main", "basra", "basra-2")  # type: ignore[union-attr]
    assert (centre.latitude, centre.longitude, centre.opened_on) == (30.5, 47.8, datetime.date(1999, 3, 5))
    assert (centre.functional, centre.catchment_population) == (True, 12500)


def test_hxl_hashtags_name_the_columns_and_rows_count_from_the_header(
    facilities: dict[str, Facility], tmp_path: Path
) -> None:
    text = (
        "Identifier,Facility,Kind,DoH,Lat\n"
        "#loc+facility+code,#loc+facility+name+i_ar,#loc +facility +type,#org+directorate+code,#geo+lat\n"
        "BSR-020,مركز,phc-main,basra,\n"
        "BSR-021,مركز,phc-main,basra,north\n"
    )
    assert refused(write(tmp_path, text)) == ["row 4: Lat: “north” is not a number."]
    tags_only = (
        "#loc+facility+code,#loc+facility+name+i_ar,#loc+facility+type,#org+code+directorate\n"
        "BSR-022,مركز,phc-main,basra\n"
    )
    assert run(write(tmp_path, tags_only))[0].strip() == "1 created, 0 updated, 0 unchanged"


def test_an_english_arabic_name_cell_is_split_into_the_two_names(
    facilities: dict[str, Facility], tmp_path: Path
) -> None:
    text = (
        "code,name,facility_type,directorate\n"
        "BSR-030,Al-Zahraa PHC / مركز الزهراء,phc-main,basra\n"
        "BSR-031,مستشفى الصدر/Al-Sadr Hospital,hospital,basra\n"
        "BSR-032,مركز النور,phc-main,basra\n"
    )
    run(write(tmp_path, text))
    names = {code: (ar, en) for code, ar, en in Facility.objects.values_list("code", "name_ar", "name_en")}
    assert names["BSR-030"] == ("مركز الزهراء", "Al-Zahraa PHC")
    assert names["BSR-031"] == ("مستشفى الصدر", "Al-Sadr Hospital")
    assert names["BSR-032"] == ("مركز النور", "")


def test_an_xlsx_sheet_is_read_with_its_numbers_and_dates(facilities: dict[str, Facility], tmp_path: Path) -> None:
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.active.title = "Notes"  # type: ignore[union-attr]
    sheet = workbook.create_sheet("Basra")
    sheet.append(["Facility code", "Name (Arabic)", "Type", "Directorate", "Latitude", "Longitude", "Opened on"])
    opened = datetime.datetime(2010, 2, 3)  # noqa: DTZ001 (Excel keeps dates without a time zone)
    sheet.append(["BSR-040", "مركز الأمل", "phc-main", "basra", 30.5, 47.75, opened])
    sheet.append([41, "مركز ٤١", "phc-main", "basra", None, None, None])
    path = tmp_path / "list.xlsx"
    workbook.save(path)
    assert run(str(path), "--sheet", "Basra")[0].strip() == "2 created, 0 updated, 0 unchanged"
    centre = Facility.objects.get(code="BSR-040")
    assert (centre.latitude, centre.longitude, centre.opened_on) == (30.5, 47.75, datetime.date(2010, 2, 3))
    assert Facility.objects.filter(code="41").exists()  # a number cell gives the code "41", not "41.0"
    with pytest.raises(CommandError, match="no sheet “Basrah”; its sheets are: Notes, Basra"):
        run(str(path), "--sheet", "Basrah")


def test_a_geojson_file_gives_coordinates_from_its_points(facilities: dict[str, Facility], tmp_path: Path) -> None:
    def feature(code: str, geometry: dict[str, Any] | None) -> dict[str, Any]:
        properties = {"code": code, "name_ar": "مركز", "facility_type": "phc-main", "directorate": "basra"}
        return {"type": "Feature", "geometry": geometry, "properties": properties}

    collection = {
        "type": "FeatureCollection",
        "features": [
            feature("BSR-050", {"type": "Point", "coordinates": [47.8, 30.5]}),
            feature("BSR-051", None),
        ],
    }
    run(write(tmp_path, json.dumps(collection), "list.geojson"))
    located = Facility.objects.get(code="BSR-050")
    assert (located.latitude, located.longitude) == (30.5, 47.8)
    assert Facility.objects.get(code="BSR-051").latitude is None
    collection["features"] = [feature("BSR-052", {"type": "Polygon", "coordinates": []})]
    assert refused(write(tmp_path, json.dumps(collection), "area.geojson")) == [
        "row 2: geometry: Only Point features can be read."
    ]


def test_invalid_rows_write_nothing_and_list_every_problem(facilities: dict[str, Facility], tmp_path: Path) -> None:
    text = (
        "code,name_ar,Type,directorate,sector,latitude,longitude,opened_on,closed_on,status\n"
        "BSR-060,مركز,clinic-x,basra,,,,,,\n"
        "BSR-061,مركز,phc-main,basra,najaf-1,30.5,,,,\n"
        "BSR-061,مركز,phc-main,basra,,,,,,\n"
        "BSR-062,,phc-main,basra,,91,47,2024-13-01,,\n"
        "BSR-063,مركز,phc-main,basra,,,,2020-01-01,2019-01-01,shut\n"
        "bad code!,مركز,phc-main,nowhere,,,,,,\n"
        "BSR-065,مركز,clinic-y,basra,,abc,47,1/1/99,,\n"
    )
    assert refused(write(tmp_path, text)) == [
        "row 2: Type: No facility type has the code or name “clinic-x”.",
        "row 3: sector: This sector belongs to another directorate.",
        "row 3: latitude: Give both latitude and longitude, or neither.",
        "row 4: code: The code BSR-061 is also on row 3.",
        "row 5: opened_on: “2024-13-01” is not a date; write it as YYYY-MM-DD or D/M/YYYY.",
        "row 6: status: “shut” is not one of the allowed values.",
        "row 7: code: “bad code!” is not a valid facility code.",
        "row 7: directorate: No directorate has the code or name “nowhere”.",
        "row 8: Type: No facility type has the code or name “clinic-y”.",
        "row 8: latitude: “abc” is not a number.",
        "row 8: opened_on: “1/1/99” is not a date; write it as YYYY-MM-DD or D/M/YYYY.",
    ]
    assert not Facility.objects.filter(code__startswith="BSR-").exists()
    problems = refused(write(tmp_path, "code,name_ar,facility_type,directorate\nBSR-064,,phc-main,basra\n"))
    assert problems == ["row 2: name_ar: Give the facility a name in Arabic or English."]


def test_importing_the_same_file_again_changes_nothing(facilities: dict[str, Facility], tmp_path: Path) -> None:
    path = write(tmp_path, HEADER.strip() + ",aliases\n" + ROWS.replace("\n", ",Zahraa centre | الزهراء\n"))
    run(path)
    versions, entries, aliases = (
        FacilityVersion.objects.count(),
        AuditEntry.objects.count(),
        FacilityAlias.objects.count(),
    )
    assert aliases == 4
    assert run(path)[0].strip() == "0 created, 0 updated, 2 unchanged"
    assert (FacilityVersion.objects.count(), AuditEntry.objects.count(), FacilityAlias.objects.count()) == (
        versions,
        entries,
        aliases,
    )


def test_an_update_makes_a_new_version_and_keeps_the_columns_the_file_lacks(
    facilities: dict[str, Facility], tmp_path: Path
) -> None:
    hospital = facilities["HOSP-BASRA"]
    text = "code,name_en,phone\nHOSP-BASRA,Basra General Hospital,+964 780 000 0000\n"
    out, _err = run(write(tmp_path, text), "--valid-from", "2025-03-01", "--reason", "names from the 2025 survey")
    assert out.strip() == "0 created, 1 updated, 0 unchanged"
    hospital.refresh_from_db()
    assert (hospital.version, hospital.name_en, hospital.phone) == (2, "Basra General Hospital", "+964 780 000 0000")
    assert (hospital.name_ar, hospital.directorate.code) == ("marker-HOSP-BASRA", "basra")
    latest = hospital.versions.get(number=2)
    assert (latest.valid_from, latest.reason, latest.changed_fields) == (
        datetime.date(2025, 3, 1),
        "names from the 2025 survey",
        ["name_en", "phone"],
    )
    too_early = refused(write(tmp_path, "code,name_en\nHOSP-BASRA,Earlier\n"), "--valid-from", "2024-06-01")
    assert too_early == ["row 2: valid_from: A change cannot take effect before the current version (2025-03-01)."]


def test_a_main_centre_may_come_later_in_the_same_file(facilities: dict[str, Facility], tmp_path: Path) -> None:
    text = (
        "code,name_ar,facility_type,directorate,parent_code\n"
        "BSR-071,فرع,phc-main,basra,BSR-070\n"
        "BSR-070,مركز رئيسي,phc-main,basra,\n"
        "BSR-072,فرع,phc-main,basra,HOSP-BASRA\n"
    )
    assert run(write(tmp_path, text))[0].strip() == "3 created, 0 updated, 0 unchanged"
    assert Facility.objects.get(code="BSR-071").parent == Facility.objects.get(code="BSR-070")
    assert Facility.objects.get(code="BSR-072").parent == facilities["HOSP-BASRA"]
    loop = (
        "code,name_ar,facility_type,directorate,parent_code\n"
        "BSR-080,أ,phc-main,basra,BSR-081\n"
        "BSR-081,ب,phc-main,basra,BSR-080\n"
    )
    assert refused(write(tmp_path, loop)) == [
        "row 2: parent_code: The main centres in this file form a loop.",
        "row 3: parent_code: The main centres in this file form a loop.",
    ]
    missing = "code,name_ar,facility_type,directorate,parent_code\nBSR-082,أ,phc-main,basra,NOPE\n"
    assert refused(write(tmp_path, missing)) == ["row 2: parent_code: No facility has the code “NOPE”."]


def test_a_merged_facility_is_changed_through_the_one_that_absorbed_it(
    facilities: dict[str, Facility], tmp_path: Path
) -> None:
    with acting_as(None):
        facility_services.merge_facilities(
            None,
            keep=facilities["PHC-BASRA-1"],
            absorb=facilities["PHC-BASRA-2"],
            on=datetime.date(2024, 6, 1),
            reason="same building",
        )
    text = "code,name_en\nPHC-BASRA-2,Renamed\n"
    assert refused(write(tmp_path, text)) == [
        "row 2: code: This facility was merged into PHC-BASRA-1; change that one instead."
    ]


def test_a_dry_run_shows_the_changes_and_writes_nothing(facilities: dict[str, Facility], tmp_path: Path) -> None:
    out, _err = run(
        write(tmp_path, HEADER + ROWS + "HOSP-NAJAF,marker-HOSP-NAJAF,Najaf Hospital,,,,,,,\n"), "--dry-run"
    )
    lines = out.splitlines()
    assert lines[0].startswith("row 2: create BSR-001: name_ar, name_en, facility_type,")
    assert lines[2] == "row 4: update HOSP-NAJAF: name_en"
    assert lines[-1] == "dry run, nothing written: 2 created, 1 updated, 0 unchanged"
    assert not Facility.objects.filter(code__startswith="BSR-").exists()
    assert Facility.objects.get(code="HOSP-NAJAF").name_en == ""


def test_a_mapping_file_names_other_headers_and_unknown_columns_are_only_warned_about(
    facilities: dict[str, Facility], tmp_path: Path
) -> None:
    mapping = tmp_path / "mapping.json"
    mapping.write_text(json.dumps({"Nom": "name_en", "ID": "code", "Internal": None}))
    text = "ID,Nom,facility_type,directorate,Internal,Remarks\nBSR-090,Centre Nord,phc-main,basra,x,y\n"
    out, err = run(write(tmp_path, text), "--mapping", str(mapping))
    assert out.strip() == "1 created, 0 updated, 0 unchanged"
    assert err.strip() == "warning: Column “Remarks” is not recognised and was ignored."
    assert Facility.objects.get(code="BSR-090").name_en == "Centre Nord"
    mapping.write_text(json.dumps({"Nom": "nom_en"}))
    with pytest.raises(CommandError, match="maps “Nom” to “nom_en”, which is not a column name"):
        run(write(tmp_path, text), "--mapping", str(mapping))


def test_a_file_that_is_not_utf8_is_refused_as_a_whole(facilities: dict[str, Facility], tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="not UTF-8"):
        run(write(tmp_path, "code,name_ar\nX,مركز\n", encoding="cp1256"))


def test_rows_outside_the_importers_scope_are_problems(personas: Personas, facilities: dict[str, Facility]) -> None:
    rows = [
        {"code": "BSR-100", "name_ar": "مركز", "facility_type": "phc-main", "directorate": "basra"},
        {"code": "NJF-100", "name_ar": "مركز", "facility_type": "phc-main", "directorate": "najaf"},
        {"code": "HOSP-NAJAF", "name_en": "Taken over"},
    ]
    with acting_as(personas.basra_manager):
        result = import_rows(rows, actor=personas.basra_manager)
    assert result.problems == [
        "row 3: directorate: You may only place facilities inside your own scope.",
        "row 4: code: This facility is outside your scope.",
    ]
    assert not Facility.objects.filter(code__in=["BSR-100", "NJF-100"]).exists()
    with acting_as(personas.basra_manager):
        assert import_rows(rows[:1], actor=personas.basra_manager).created == 1


def test_choices_and_types_are_read_by_label_in_any_language(world: World, facilities: dict[str, Facility]) -> None:
    rows = [
        {
            "code": "BSR-110",
            "name_en": "Camp clinic",
            "facility_type": "مستشفى",
            "directorate": "Basra DoH",
            "ownership": "Non-governmental organisation",
            "settlement": "Camp",
            "status": "temporarily closed",
            "opened_on": "45000",
        }
    ]
    result = import_rows(rows, actor=None)
    assert result.problems == []
    clinic = Facility.objects.get(code="BSR-110")
    assert (clinic.facility_type.code, clinic.ownership, clinic.settlement, clinic.status) == (
        "hospital",
        "ngo",
        "camp",
        "temporarily_closed",
    )
    assert clinic.opened_on == datetime.date(2023, 3, 15)  # an Excel day number
