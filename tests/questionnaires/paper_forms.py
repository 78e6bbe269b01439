"""A small trilingual questionnaire with skip logic, and helpers to read printed forms back (text and QR code)."""

from __future__ import annotations

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import Any

import pytest
import zxingcpp
from openpyxl import Workbook
from pdfminer.pdfpage import PDFPage
from PIL import Image

from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.services import import_xlsform

LANGS = ("Arabic (ar)", "Kurdish (ckb)", "English (en)")
HOSPITAL = "${level_of_care} != 'primary'"
CALCULATIONS = {"level_of_care": "instance('facilities')/root/item[name=${facility}]/level_of_care"}
SURVEY: list[tuple[str, str, tuple[str, str, str], str]] = [
    ("begin_group", "identity", ("تعريف المؤسسة", "ناساندنی دامەزراوە", "Identification"), ""),
    ("select_one status", "status", ("حالة المؤسسة الصحية", "دۆخی دامەزراوەی تەندروستی", "Facility status"), ""),
    ("integer", "beds", ("عدد الأسرة", "ژمارەی جێگاکان", "Number of beds"), "${status} = 'existing'"),
    ("select_one_from_file facilities.csv", "facility", ("المؤسسة الصحية", "دامەزراوەی تەندروستی", "Facility"), ""),
    ("calculate", "level_of_care", ("", "", ""), ""),
    ("end_group", "", ("", "", ""), ""),
    ("begin_group", "services", ("الخدمات", "خزمەتگوزارییەکان", "Services"), "${status} = 'existing'"),
    (
        "select_one avail",
        "epi",
        ("توفر خدمات التحصين الروتيني", "بەردەستبوونی کوتانی ڕۆتینی", "Routine immunisation"),
        "",
    ),
    (
        "select_multiple barrier",
        "epi_barriers",
        ("أسباب عدم التوفر", "هۆکارەکانی بەردەست نەبوون", "Why not fully available"),
        "${epi} = 'A2' or ${epi} = 'A3'",
    ),
    (
        "text",
        "epi_staff",
        ("أي ملاحظات عن الكوادر", "تێبینی دەربارەی ستاف", "Notes on staff"),
        "selected(${epi_barriers}, 'staff')",
    ),
    (
        "integer",
        "odd",
        ("سؤال بشرط معقد", "پرسیارێکی ئاڵۆز", "A complex condition"),
        "count-selected(${epi_barriers}) > 1",
    ),
    # Hospital services: a form pre-filled for a primary health care centre leaves them out.
    ("begin_group", "surgery", ("الجراحة الطارئة", "نەشتەرگەریی فریاکەوتن", "Emergency surgery"), HOSPITAL),
    ("select_one avail", "surgery_avail", ("توفر الجراحة", "بەردەستبوونی نەشتەرگەری", "Surgery available"), ""),
    ("end_group", "", ("", "", ""), ""),
    ("select_one avail", "blood", ("مصرف الدم", "بانکی خوێن", "Blood bank"), "${level_of_care} = 'tertiary'"),
    ("end_group", "", ("", "", ""), ""),
]
CHOICES: list[tuple[str, str, tuple[str, str, str]]] = [
    ("status", "existing", ("قائمة", "هەیە", "Existing")),
    ("status", "closed", ("مغلقة", "داخراوە", "Closed")),
    ("avail", "A1", ("متوفر", "بەردەستە", "Available")),
    ("avail", "A2", ("متوفر جزئياً", "بە بەشێک بەردەستە", "Partially available")),
    ("avail", "A3", ("غير متوفر", "بەردەست نییە", "Not available")),
    ("barrier", "staff", ("نقص الكوادر", "کەمی ستاف", "Lack of staff")),
    ("barrier", "supplies", ("نقص المستلزمات", "کەمی پێداویستی", "Lack of supplies")),
]


def xlsform_bytes(version: str = "2026.1", form_id: str = "paper_test") -> bytes:
    book = Workbook()
    survey = book.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", *(f"label::{lang}" for lang in LANGS), "relevant", "calculation"])
    for kind, name, labels, relevant in SURVEY:
        survey.append([kind, name, *(label or None for label in labels), relevant, CALCULATIONS.get(name, "")])
    choices = book.create_sheet("choices")
    choices.append(["list_name", "name", *(f"label::{lang}" for lang in LANGS)])
    for list_name, name, labels in CHOICES:
        choices.append([list_name, name, *labels])
    settings = book.create_sheet("settings")
    settings.append(["form_id", "version", "form_title", "default_language"])
    settings.append([form_id, version, "تقييم توفر الخدمات", "Arabic (ar)"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def small_questionnaire(settings: Any, version: str = "2026.1", form_id: str = "paper_test") -> QuestionnaireVersion:
    settings.QUESTIONNAIRE_ODK_VALIDATE = False  # the XForm is checked by the questionnaire tests
    return import_xlsform(None, xlsform_bytes(version, form_id), filename=f"{form_id}.xlsx", publish=True)


BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def pdf_text(pdf: bytes) -> str:
    """The text of a PDF as poppler's `pdftotext` extracts it: it applies the Unicode bidirectional algorithm, so
    right-to-left lines, which WeasyPrint stores in visual order, come back in logical order, as typed."""
    if shutil.which("pdftotext") is None:
        pytest.fail(
            "pdftotext (poppler-utils) is missing: install the test dependencies, scripts/system-packages.sh --test"
        )
    result = subprocess.run(["pdftotext", "-enc", "UTF-8", "-", "-"], input=pdf, capture_output=True, check=True)
    # pdftotext marks the direction of runs with invisible embedding controls; the letters are in logical order.
    return BIDI_CONTROLS.sub("", result.stdout.decode("utf-8"))


def page_image(pdf: bytes, page: int = 1, dpi: int = 150) -> Image.Image:
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "form.pdf"
        source.write_bytes(pdf)
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                str(dpi),
                "-f",
                str(page),
                "-l",
                str(page),
                "-singlefile",
                source,
                Path(folder) / "page",
            ],
            check=True,
        )
        return Image.open(Path(folder) / "page.png").copy()


def page_count(pdf: bytes) -> int:
    return sum(1 for _page in PDFPage.get_pages(io.BytesIO(pdf)))


def qr_codes(pdf: bytes, page: int = 1) -> list[str]:
    return [
        result.text
        for result in zxingcpp.read_barcodes(page_image(pdf, page))
        if result.format == zxingcpp.BarcodeFormat.QRCode
    ]
