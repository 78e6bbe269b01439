"""The open issues of a round as an Excel workbook for field follow-up: one row per open issue in the reader's scope,
labels and messages in the chosen language, right to left in Arabic and Kurdish, text disarmed against formulas."""

from __future__ import annotations

import io
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation
from openpyxl import load_workbook
from openpyxl.worksheet.worksheet import Worksheet

from rasd.quality.models import Issue, IssueStatus
from rasd.questionnaires.models import QuestionnaireField
from rasd.submissions.models import QuarantineReason, SubmissionState
from tests.collection.test_submission_pages_data import make_record
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, World, client_for
from tests.quality.helpers import PHONE, changed, clean_xml, send

pytestmark = pytest.mark.usefixtures("english")


@pytest.fixture
def broken(collection: CollectionWorld, world: World) -> Issue:
    """A Basra sector-1 record with a wrong phone number (through the pipeline), a Najaf record with a missing
    answer, and a quarantined Basra record whose facility code reads as a formula."""
    version = send(collection, changed(clean_xml(collection), {PHONE: "12345"}))
    najaf = make_record(collection.round, collection.version, facility=collection.facilities["PHC-NAJAF-1"])
    quarantined = make_record(
        collection.round,
        collection.version,
        directorate=world.basra,
        facility_code="=HYPERLINK(1)",
        state=SubmissionState.QUARANTINED,
        reason=QuarantineReason.UNKNOWN_FACILITY,
    )
    for record, rule, params in (
        (najaf, "xform.required", {"field": {"en": "Phone", "ar": "الهاتف"}}),
        (quarantined, "registry.facility_unknown", {"code": "=HYPERLINK(1)"}),
    ):
        assert record.current_version is not None
        Issue.objects.create(
            submission=record,
            rule=rule,
            severity="high",
            field=PHONE if rule == "xform.required" else "",
            params=params,
            first_version=record.current_version,
            last_version=record.current_version,
        )
    return Issue.objects.get(submission=version.submission, rule="xform.constraint", field=PHONE)


def _sheet(content: bytes) -> Worksheet:
    sheet = load_workbook(io.BytesIO(content)).active
    assert isinstance(sheet, Worksheet)
    return sheet


def _rows(sheet: Worksheet) -> list[list[Any]]:
    return [list(row) for row in sheet.iter_rows(values_only=True)]


def test_the_export_in_english(broken: Issue, collection: CollectionWorld, personas: Personas) -> None:
    response = client_for(personas.national_fed).get(f"/quality/rounds/{collection.round.pk}/issues.xlsx?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "issues-herams-2026-" in response["Content-Disposition"]
    sheet = _sheet(response.content)
    header, *rows = _rows(sheet)
    assert header[:6] == ["Facility code", "Facility", "Directorate", "Sector", "Collector", "Record"]
    assert header[-4:] == ["Severity", "Question", "Message", "Found on"]
    assert sheet.sheet_view.rightToLeft is not True
    assert sheet.freeze_panes == "A2" and sheet["A1"].font.bold
    assert sheet.auto_filter.ref == f"A1:M{len(rows) + 1}"
    assert sheet.column_dimensions["L"].width == 80

    by_code = {row[0]: row for row in rows}
    assert set(by_code) == {"PHC-BASRA-1", "PHC-NAJAF-1", "'=HYPERLINK(1)"}  # open issues only; the formula disarmed
    row = next(row for row in rows if row[7] == "xform.constraint")
    label = QuestionnaireField.objects.get(version=collection.version, path=PHONE).labels["en"]
    with translation.override("en"):
        message = broken.message()
    assert row[1] == "marker-PHC-BASRA-1" and row[2] == "Basra DoH" and row[3] == "marker-sector-basra-1"
    assert row[4] == "marker-basra-s1-collector"
    assert row[5] == f"http://testserver/submissions/{broken.submission_id}/"
    assert row[6] == 1 and row[9] == "High" and row[10] == label and row[11] == message
    assert row[8] == "Answer breaks the form's constraint"
    assert by_code["'=HYPERLINK(1)"][11] == "The facility code “=HYPERLINK(1)” is not in the master list."


def test_the_export_in_arabic_reads_right_to_left(
    broken: Issue, collection: CollectionWorld, personas: Personas
) -> None:
    url = f"/quality/rounds/{collection.round.pk}/issues.xlsx?lang=ar"
    sheet = _sheet(client_for(personas.admin).get(url).content)
    rows = _rows(sheet)[1:]
    assert sheet.sheet_view.rightToLeft is True
    row = next(row for row in rows if row[7] == "xform.constraint")
    label = QuestionnaireField.objects.get(version=collection.version, path=PHONE).labels["ar"]
    with translation.override("ar"):
        message = broken.message()
    assert row[2] == "دائرة صحة البصرة" and row[10] == label and row[11] == message
    assert label in message


def test_the_export_keeps_to_the_scope(
    broken: Issue, collection: CollectionWorld, personas: Personas, world: World
) -> None:
    url = f"/quality/rounds/{collection.round.pk}/issues.xlsx"
    manager = _rows(_sheet(client_for(personas.basra_manager).get(url).content))[1:]
    assert sorted(row[0] for row in manager) == ["'=HYPERLINK(1)", "PHC-BASRA-1"]
    supervisor = _rows(_sheet(client_for(personas.basra_s1_supervisor).get(url).content))[1:]
    assert [row[0] for row in supervisor] == ["PHC-BASRA-1"]
    erbil = client_for(personas.erbil_manager).get(url)
    assert _rows(_sheet(erbil.content))[1:] == []
    national = client_for(personas.national_fed).get(f"{url}?directorate={world.najaf.pk}&lang=en")
    assert [row[0] for row in _rows(_sheet(national.content))[1:]] == ["PHC-NAJAF-1"]
    assert client_for(personas.basra_manager).get(f"{url}?directorate={world.najaf.pk}").status_code == 404
    assert client_for(personas.erbil_viewer).get(url).status_code == 403


def test_an_accepted_issue_leaves_the_export(broken: Issue, collection: CollectionWorld, personas: Personas) -> None:
    Issue.objects.filter(pk=broken.pk).update(status=IssueStatus.ACCEPTED, justification="landline")
    url = f"/quality/rounds/{collection.round.pk}/issues.xlsx?lang=en"
    rows = _rows(_sheet(client_for(personas.admin).get(url).content))[1:]
    assert "xform.constraint" not in {row[7] for row in rows}


def test_the_command_writes_the_same_workbook(broken: Issue, collection: CollectionWorld, tmp_path: Path) -> None:
    target = tmp_path / "issues.xlsx"
    out = StringIO()
    call_command("round_issues", "herams-2026", "--xlsx", str(target), "--language", "ckb", stdout=out)
    assert "3" in out.getvalue()
    sheet = _sheet(target.read_bytes())
    assert sheet.sheet_view.rightToLeft is True
    rows = _rows(sheet)[1:]
    assert len(rows) == 3 and rows[0][5].startswith("/submissions/")
    with pytest.raises(CommandError):
        call_command("round_issues", "herams-2026", "--xlsx", str(target), "--status", "all")
    listed = StringIO()
    call_command("round_issues", "herams-2026", "--json", stdout=listed)
    assert len(json.loads(listed.getvalue())) == 3
