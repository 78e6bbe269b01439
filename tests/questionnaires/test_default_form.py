"""The default questionnaire "HeRAMS Iraq standard": it converts cleanly, carries its roles, and loads once."""

from __future__ import annotations

import re
import shutil
from io import BytesIO, StringIO
from pathlib import Path

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from pyxform.xls2xform import convert

from rasd.questionnaires.default_form import ATTACHMENTS, DEFAULT_DIR, FILENAME, SHEETS, build_xlsx, read_sheet
from rasd.questionnaires.models import QuestionnaireVersion, VersionState
from rasd.questionnaires.semantic_roles import REQUIRED_ROLES, role_problem

LANGUAGES = ("Arabic (ar)", "Kurdish Sorani (ckb)", "English (en)")
TRANSLATED = ("label", "hint", "constraint_message", "required_message")
SERVICES = 92  # the 2022 HeRAMS template: 31 + 12 + 18 + 7 + 8 + 3 + 13


def sheet(name: str) -> list[dict[str, str]]:
    header, *rows = read_sheet(DEFAULT_DIR, name)
    return [dict(zip(header, row, strict=True)) for row in rows]


SURVEY = sheet("survey")
ROLES = {row["rasd::role"]: row for row in SURVEY if row["rasd::role"]}


def test_the_form_converts_without_warnings_and_passes_odk_validate(tmp_path: Path) -> None:
    path = tmp_path / FILENAME
    path.write_bytes(build_xlsx())
    for attachment in ATTACHMENTS:
        shutil.copy(DEFAULT_DIR / attachment, tmp_path / attachment)
    warnings: list[str] = []
    result = convert(str(path), warnings=warnings, validate=True)
    assert warnings == []
    assert result.warnings == []
    assert 'default="true()"' in result.xform and 'lang="Arabic (ar)"' in result.xform
    assert 'src="jr://file-csv/facilities.csv"' in result.xform


def test_the_workbook_holds_the_three_sheets_as_written() -> None:
    workbook = openpyxl.load_workbook(BytesIO(build_xlsx()))
    assert workbook.sheetnames == list(SHEETS)
    first = next(workbook["survey"].iter_rows(max_row=1, values_only=True))
    assert list(first) == read_sheet(DEFAULT_DIR, "survey")[0]


def test_settings_make_arabic_the_default_language() -> None:
    (settings,) = sheet("settings")
    assert settings["form_id"] == "herams_iraq"
    assert settings["default_language"] == "Arabic (ar)"
    assert re.fullmatch(r"\d{4}\.\d+", settings["version"])


def test_every_role_is_valid_unique_and_the_required_ones_are_present() -> None:
    roles = [row["rasd::role"] for row in SURVEY if row["rasd::role"]]
    assert [role for role in roles if role_problem(role)] == []
    assert len(roles) == len(set(roles))
    assert set(REQUIRED_ROLES) <= set(roles)
    assert {"facility_confirmed", "gps"} <= set(roles)


def test_every_service_has_availability_and_at_most_three_barriers() -> None:
    services = [role for role in ROLES if role.startswith("service:")]
    assert len(services) == SERVICES
    assert len({role.split(":")[1] for role in services}) == 7
    for role in services:
        availability = ROLES[role]
        barriers = ROLES["barriers:" + role.removeprefix("service:")]
        assert availability["type"] == "select_one availability"
        assert barriers["type"] == "select_multiple barriers"
        assert barriers["constraint"] == "count-selected(.) <= 3"
        assert barriers["relevant"] == (
            f"${{{availability['name']}}} = 'partially_available' or ${{{availability['name']}}} = 'not_available'"
        )


def test_counts_are_bounded_and_functional_beds_cannot_exceed_beds() -> None:
    beds = [role for role in ROLES if role.startswith("beds:")]
    assert beds
    for role in beds:
        total = ROLES[role]
        functional = ROLES["beds_functional:" + role.removeprefix("beds:")]
        assert functional["constraint"] == f". >= 0 and . <= ${{{total['name']}}}"
    for row in SURVEY:
        if row["type"] == "integer":
            assert re.fullmatch(r"\. >= [01] and \. <= (\d+|\$\{\w+\})", row["constraint"]), row["name"]
    staff = [role for role in ROLES if role.startswith("staff:")]
    cadres = {role.split(":")[1] for role in staff}
    assert len(staff) == 2 * len(cadres) and all(f"staff_available:{cadre}" in ROLES for cadre in cadres)


def test_every_text_is_in_all_three_languages() -> None:
    for name in ("survey", "choices"):
        for row in sheet(name):
            for column in TRANSLATED:
                texts = [row.get(f"{column}::{language}", "") for language in LANGUAGES]
                assert all(texts) or not any(texts), (name, row["name"], column)
            if row.get("type", "") not in {"start", "end", "today", "calculate", "end_group"}:
                assert row["label::Arabic (ar)"], (name, row["name"])


def test_example_attachments_match_the_choice_filters() -> None:
    for attachment in ATTACHMENTS:
        header = read_sheet(DEFAULT_DIR, attachment.removesuffix(".csv"))[0]
        # Each column becomes an XML element name in the form's secondary instance (Web Forms insists).
        assert all(re.fullmatch(r"[A-Za-z_][A-Za-z0-9_.-]*", column) for column in header), header
    facilities = sheet("facilities")
    sectors = {row["name"]: row for row in sheet("sectors")}
    directorates = {row["name"] for row in sheet("choices") if row["list_name"] == "directorate"}
    for facility in facilities:
        assert facility["directorate"] in directorates
        assert not facility["sector"] or sectors[facility["sector"]]["directorate"] == facility["directorate"]
        assert facility["level_of_care"] in {"primary", "secondary", "tertiary", "other"}


@pytest.mark.django_db
def test_the_command_loads_once_and_publishes_on_request() -> None:
    out = StringIO()
    call_command("load_default_questionnaire", stdout=out)
    version = QuestionnaireVersion.objects.get(questionnaire__form_id="herams_iraq")
    assert version.state == VersionState.DRAFT
    assert version.warnings == []
    assert version.fields.filter(role__startswith="service:").count() == SERVICES

    call_command("load_default_questionnaire", stdout=out)
    assert "already loaded" in out.getvalue()
    call_command("load_default_questionnaire", "--publish", stdout=out)
    version.refresh_from_db()
    assert version.state == VersionState.PUBLISHED
    assert QuestionnaireVersion.objects.count() == 1


@pytest.mark.django_db
def test_the_command_refuses_a_changed_form_with_the_same_version() -> None:
    call_command("load_default_questionnaire", stdout=StringIO())
    QuestionnaireVersion.objects.update(md5="0" * 32)
    with pytest.raises(CommandError, match="bump the version"):
        call_command("load_default_questionnaire", stdout=StringIO())
