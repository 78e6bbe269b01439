"""A small questionnaire (groups, Arabic choice labels, a point, a repeat group) collected in a round, and
hand-made KoboToolbox and ODK Central exports built in code so every test shows the file it imports."""

from __future__ import annotations

import csv
import datetime
import io
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from django.utils import translation

from rasd.accounts.models import User
from rasd.collection.models import ExpectedFacility, Round, RoundState
from rasd.lib.request_context import acting_as
from rasd.questionnaires import services as questionnaire_services
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Facility
from tests.conftest import Personas
from tests.questionnaires.conftest import xlsform

LABELS = ["label::Arabic (ar)", "label::Kurdish Sorani (ckb)", "label::English (en)"]
SURVEY = [
    ["type", "name", *LABELS, "required", "rasd::role"],
    ["start", "start", "", "", "", "", ""],
    ["end", "end", "", "", "", "", ""],
    ["begin_group", "identification", "التعريف", "ناساندن", "Identification", "", ""],
    ["text", "facility", "رمز المؤسسة", "کۆدی دامەزراوە", "Facility code", "yes", "facility_code"],
    ["date", "visit_date", "تاريخ الزيارة", "بەرواری سەردان", "Date of the visit", "", ""],
    ["end_group", "identification", "", "", "", "", ""],
    ["begin_group", "services", "الخدمات", "خزمەتگوزارییەکان", "Services", "", ""],
    ["select_one availability", "anc", "رعاية الحوامل", "چاودێریی دووگیانی", "Antenatal care", "", ""],
    ["select_multiple barriers", "anc_barriers", "المعوقات", "ڕێگرییەکان", "Barriers", "", ""],
    ["integer", "beds", "عدد الأسرة", "ژمارەی جێگا", "Beds", "", ""],
    ["geopoint", "gps", "الموقع", "شوێن", "Location", "", "gps"],
    ["end_group", "services", "", "", "", "", ""],
    ["begin_repeat", "staff", "الكادر", "ستاف", "Staff", "", ""],
    ["text", "cadre", "الفئة", "جۆر", "Cadre", "", ""],
    ["integer", "count", "العدد", "ژمارە", "Count", "", ""],
    ["begin_repeat", "trainings", "التدريب", "ڕاهێنان", "Trainings", "", ""],
    ["text", "course", "الدورة", "خول", "Course", "", ""],
    ["end_repeat", "trainings", "", "", "", "", ""],
    ["end_repeat", "staff", "", "", "", "", ""],
]
CHOICES = [
    ["list_name", "name", *LABELS],
    ["availability", "available", "متوفر", "بەردەستە", "Available"],
    ["availability", "partially_available", "متوفر جزئياً", "بەشێکی بەردەستە", "Partially available"],
    ["availability", "not_available", "غير متوفر", "بەردەست نییە", "Not available"],
    ["barriers", "staff", "نقص الكادر", "کەمیی ستاف", "Staff"],
    ["barriers", "supplies", "نقص المستلزمات", "کەمیی پێداویستی", "Supplies"],
]
FORM_ID = "import_test"
FORM_VERSION = "2026.1"


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def tasks_run_at_once(settings: Any) -> None:
    """Web imports run as background tasks; in tests they run as soon as they are queued."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}


@pytest.fixture
def small_version(admin: User, settings: Any) -> QuestionnaireVersion:
    settings.QUESTIONNAIRE_ODK_VALIDATE = False
    settings_sheet = [
        ["form_id", "version", "form_title", "default_language"],
        [FORM_ID, FORM_VERSION, "Import test", "Arabic (ar)"],
    ]
    with acting_as(admin):
        return questionnaire_services.import_xlsform(
            admin, xlsform(SURVEY, CHOICES, settings_sheet), filename="import_test.xlsx", publish=True
        )


@dataclass
class ImportWorld:
    round: Round
    version: QuestionnaireVersion
    facilities: dict[str, Facility]
    importer: User  # the Basra directorate manager
    personas: Personas
    folder: Path

    def write(self, name: str, content: bytes) -> Path:
        path = self.folder / name
        path.write_bytes(content)
        return path


@pytest.fixture
def imports(
    personas: Personas, facilities: dict[str, Facility], small_version: QuestionnaireVersion, tmp_path: Path
) -> ImportWorld:
    round_ = Round.objects.create(
        code="imports-2026",
        name="marker-imports-round",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        deadline=datetime.date(2026, 12, 31),
        state=RoundState.COLLECTING,
    )
    round_.versions.add(small_version)
    ExpectedFacility.objects.bulk_create(ExpectedFacility(round=round_, facility=f) for f in facilities.values())
    folder = tmp_path / "exports"
    folder.mkdir()
    return ImportWorld(round_, small_version, facilities, personas.basra_manager, personas, folder)


Rows = Sequence[Mapping[str, Any]]


def _headers(rows: Rows) -> list[str]:
    return list(dict.fromkeys(key for row in rows for key in row))


def kobo_xlsx(rows: Rows, repeats: Mapping[str, Rows] | None = None) -> bytes:
    """A Kobo XLSX export: submissions on the first sheet, each repeat group on a sheet of its own."""
    workbook = openpyxl.Workbook()
    sheets = [("import_test", rows), *(repeats or {}).items()]
    for index, (title, sheet_rows) in enumerate(sheets):
        sheet = workbook.active if index == 0 else workbook.create_sheet(title)
        assert sheet is not None
        sheet.title = title
        headers = _headers(sheet_rows)
        sheet.append(headers)
        for row in sheet_rows:
            sheet.append([row.get(header) for header in headers])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: Rows, delimiter: str = ",", bom: bool = False) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter)
    headers = _headers(rows)
    writer.writerow(headers)
    for row in rows:
        writer.writerow([row.get(header, "") for header in headers])
    return ("\ufeff" if bom else "").encode() + buffer.getvalue().encode()


def central_zip(rows: Rows, repeats: Mapping[str, Rows] | None = None) -> bytes:
    """An ODK Central CSV zip: `<form_id>.csv`, and `<form_id>-<repeat>.csv` per repeat group."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr(f"{FORM_ID}.csv", csv_bytes(rows))
        for name, repeat_rows in (repeats or {}).items():
            archive.writestr(f"{FORM_ID}-{name}.csv", csv_bytes(repeat_rows))
    return buffer.getvalue()


def kobo_row(number: int, facility: str = "PHC-BASRA-1", cells: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """One Kobo submission row with grouped headers and an Arabic choice label; `cells` override or add cells."""
    row: dict[str, Any] = {
        "start": "2026-03-01T09:00:00.000+03:00",
        "end": "2026-03-01T09:30:00.000+03:00",
        "identification/facility": facility,
        "identification/visit_date": "2026-03-01",
        "services/anc": "متوفر",
        "services/anc_barriers": "",
        "services/beds": "12",
        "services/gps": "30.5 47.8 0 5",
        "meta/instanceID": f"uuid:kobo-{number}",
        "_id": 1000 + number,
        "_uuid": f"kobo-{number}",
        "_submission_time": "2026-03-02T10:15:00",
        "_validation_status": "",
        "_index": number,
    }
    row.update(cells or {})
    return row
