"""`rasd export_facilities` and the download: CSV, XLSX and GeoJSON in three languages, that re-import unchanged."""

from __future__ import annotations

import csv
import datetime
import io
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from rasd.lib.request_context import acting_as
from rasd.registry import facility_services
from rasd.registry.exporting import ExportOptions, header_rows
from rasd.registry.facility_rules import FacilityDetails
from rasd.registry.importing import import_file
from rasd.registry.models import Facility, FacilityType
from tests.conftest import Personas, World, client_for

CANONICAL = [
    *("code", "name_ar", "name_en", "name_ckb", "aliases", "facility_type", "ownership", "managing_authority"),
    *("directorate", "sector", "admin_area_pcode", "admin_area_override_reason", "latitude", "longitude"),
    *("location_source", "location_precision_m", "status", "opened_on", "closed_on", "functional", "parent_code"),
    *("settlement", "catchment_population", "contact_name", "phone", "email", "address"),
]


@pytest.fixture
def rich(world: World, facilities: dict[str, Facility]) -> Facility:
    """A facility with every kind of value, including text a spreadsheet would run as a formula."""
    details = FacilityDetails(
        facility_type=FacilityType.objects.get(code="phc-main"),
        directorate=world.basra,
        sector=world.basra_s1,
        name_ar='=HYPERLINK("http://example.org")',
        name_en="Al-Zahraa PHC",
        name_ckb="بنکەی زەهرا",
        ownership="ngo",
        latitude=30.508123,
        longitude=47.812345,
        location_source="gps_survey",
        location_precision_m=15,
        status="temporarily_closed",
        opened_on=datetime.date(1999, 3, 5),
        closed_on=datetime.date(2024, 2, 1),
        functional=False,
        parent=facilities["PHC-BASRA-1"],
        settlement="rural",
        catchment_population=12500,
        contact_name="@someone",
        phone="+964 780 000 0000",
        email="zahraa@example.org",
        address="-1 street",
    )
    with acting_as(None):
        facility = facility_services.create_facility(None, "BSR-RICH", details, valid_from=datetime.date(2024, 1, 1))
        facility_services.add_alias(None, facility, "Zahraa centre")
        facility_services.add_alias(None, facility, "مركز الزهراء")
    return facility


def export(tmp_path: Path, name: str, *args: str) -> Path:
    path = tmp_path / name
    call_command("export_facilities", "-o", str(path), *args, stdout=StringIO())
    return path


def csv_rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"))))


def test_a_csv_export_has_the_canonical_columns_an_hxl_row_and_a_row_per_facility(
    rich: Facility, tmp_path: Path
) -> None:
    path = export(tmp_path, "list.csv", "--hxl")
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")  # spreadsheets then read it as UTF-8
    header, tags, *rows = csv_rows(path)
    assert header[: len(CANONICAL)] == CANONICAL
    assert header[len(CANONICAL) :][:2] == ["facility_type_name", "level_of_care"]
    assert tags[:3] == ["#loc+facility+code", "#loc+facility+name+i_ar", "#loc+facility+name+i_en"]
    assert len(rows) == Facility.objects.count() == 9
    row = dict(zip(header, next(row for row in rows if row[0] == "BSR-RICH"), strict=True))
    assert row["aliases"] == "Zahraa centre | مركز الزهراء"
    assert (row["parent_code"], row["functional"], row["status"]) == ("PHC-BASRA-1", "no", "temporarily_closed")
    assert (row["latitude"], row["opened_on"], row["catchment_population"]) == ("30.508123", "1999-03-05", "12500")


def test_text_a_spreadsheet_would_run_is_disarmed_and_numbers_stay_numbers(rich: Facility, tmp_path: Path) -> None:
    from openpyxl import load_workbook

    header, *rows = csv_rows(export(tmp_path, "list.csv"))
    row = dict(zip(header, next(row for row in rows if row[0] == "BSR-RICH"), strict=True))
    assert row["name_ar"] == '\'=HYPERLINK("http://example.org")'
    assert (row["contact_name"], row["phone"], row["address"]) == ("'@someone", "'+964 780 000 0000", "'-1 street")
    sheet = load_workbook(export(tmp_path, "list.xlsx")).worksheets[0]
    values = {cells[0].value: [cell.value for cell in cells] for cells in sheet.iter_rows(min_row=2)}
    xlsx_row = dict(zip(header, values["BSR-RICH"], strict=True))
    assert xlsx_row["name_ar"] == '\'=HYPERLINK("http://example.org")'
    assert (xlsx_row["latitude"], xlsx_row["catchment_population"]) == (30.508123, 12500)
    # The importer takes the apostrophe off again.
    with translation.override("en"):
        result = import_file(tmp_path / "list.csv", actor=None, dry_run=True)
    assert (result.problems, result.unchanged) == ([], 9)


def test_arabic_and_kurdish_workbooks_read_right_to_left(facilities: dict[str, Facility], tmp_path: Path) -> None:
    from openpyxl import load_workbook

    assert load_workbook(export(tmp_path, "ar.xlsx", "--lang", "ar")).worksheets[0].sheet_view.rightToLeft
    assert not load_workbook(export(tmp_path, "en.xlsx", "--lang", "en")).worksheets[0].sheet_view.rightToLeft


def test_the_list_as_it_was_on_a_past_day(facilities: dict[str, Facility], world: World, tmp_path: Path) -> None:
    hospital = facilities["HOSP-BASRA"]
    details = FacilityDetails.of(hospital)
    details.name_en = "Basra General Hospital"
    with acting_as(None):
        facility_services.update_facility(
            None, hospital, details, reason="renamed", valid_from=datetime.date(2024, 6, 1)
        )
        facility_services.create_facility(
            None,
            "LATE-1",
            FacilityDetails(facility_type=hospital.facility_type, directorate=world.basra, name_ar="لاحق"),
            valid_from=datetime.date(2024, 7, 1),
        )
    header, *rows = csv_rows(export(tmp_path, "may.csv", "--as-of", "2024-05-01"))
    names = {row[0]: row[header.index("name_en")] for row in rows}
    assert names["HOSP-BASRA"] == "" and "LATE-1" not in names and len(names) == 8
    header, *rows = csv_rows(export(tmp_path, "now.csv"))
    assert {row[0]: row[header.index("name_en")] for row in rows}["HOSP-BASRA"] == "Basra General Hospital"


@pytest.mark.parametrize("language", ["ar", "ckb", "en"])
@pytest.mark.parametrize("suffix", ["csv", "xlsx", "geojson"])
def test_every_format_and_language_imports_back_unchanged(
    rich: Facility, tmp_path: Path, suffix: str, language: str
) -> None:
    path = export(tmp_path, f"list.{suffix}", "--lang", language, "--hxl")
    with translation.override("en"):
        result = import_file(path, actor=None)
    assert (result.problems, result.warnings) == ([], [])
    assert (result.created, result.updated, result.unchanged) == (0, 0, Facility.objects.count())


def test_headers_differ_from_each_other_in_every_language() -> None:
    for language in ("ar", "ckb", "en"):
        headers = header_rows(ExportOptions(language=language))[0]
        assert len(set(headers)) == len(headers), language


def test_a_geojson_export_places_located_facilities_as_points(rich: Facility, tmp_path: Path) -> None:
    collection = json.loads(export(tmp_path, "list.geojson").read_text(encoding="utf-8"))
    features = {feature["properties"]["code"]: feature for feature in collection["features"]}
    assert features["BSR-RICH"]["geometry"] == {"type": "Point", "coordinates": [47.812345, 30.508123]}
    assert features["BSR-RICH"]["properties"]["opened_on"] == "1999-03-05"
    assert "latitude" not in features["BSR-RICH"]["properties"]
    assert features["HOSP-BASRA"]["geometry"] is None


def test_the_command_exports_chosen_directorates_only(facilities: dict[str, Facility], tmp_path: Path) -> None:
    _header, *rows = csv_rows(export(tmp_path, "two.csv", "--directorate", "basra", "najaf"))
    assert sorted(row[0] for row in rows) == ["HOSP-BASRA", "HOSP-NAJAF", "PHC-BASRA-1", "PHC-BASRA-2", "PHC-NAJAF-1"]
    with pytest.raises(CommandError, match="no directorate has the code: mosul"):
        export(tmp_path, "none.csv", "--directorate", "mosul")


def _download(user: Any, **query: str) -> Any:
    response = client_for(user).get("/registry/export/", query)
    assert response.status_code == 200, response.status_code
    return response


def test_a_download_holds_only_the_facilities_in_the_users_scope(
    personas: Personas, facilities: dict[str, Facility]
) -> None:
    response = _download(personas.basra_manager, format="csv", lang="en")
    assert response["Content-Disposition"].startswith('attachment; filename="facilities-')
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    codes = sorted(row[0] for row in list(csv.reader(io.StringIO(body)))[1:])
    assert codes == ["HOSP-BASRA", "PHC-BASRA-1", "PHC-BASRA-2"]
    collector = _download(personas.basra_s1_collector, format="geojson", lang="en")
    features = json.loads(b"".join(collector.streaming_content))["features"]
    assert [feature["properties"]["code"] for feature in features] == ["PHC-BASRA-1"]


def test_a_download_follows_the_facility_list_filters(personas: Personas, world: World, facilities: Any) -> None:
    from openpyxl import load_workbook

    response = _download(personas.national_fed, format="xlsx", lang="ar", directorate=str(world.najaf.pk))
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True)) == ["HOSP-NAJAF", "PHC-NAJAF-1"]
    outside = client_for(personas.basra_manager).get(
        "/registry/export/", {"format": "csv", "directorate": str(world.najaf.pk)}
    )
    assert outside.status_code == 400  # not a directorate they may choose; nothing is exported


def test_the_download_page_is_for_anyone_who_sees_the_registry(personas: Personas) -> None:
    assert client_for(personas.erbil_viewer).get("/registry/export/").status_code == 200
    assert client_for(None).get("/registry/export/").status_code == 302
