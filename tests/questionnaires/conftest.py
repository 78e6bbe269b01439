"""Small XLSForms built in code, so every test shows the form it imports."""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from typing import Any

import openpyxl
import pytest
from django.utils import translation

Rows = Sequence[Sequence[Any]]

LABELS = ["label::Arabic (ar)", "label::Kurdish Sorani (ckb)", "label::English (en)"]
SURVEY_HEADER = ["type", "name", *LABELS, "relevant", "required", "constraint", "rasd::role"]
CHOICES_HEADER = ["list_name", "name", *LABELS]


def xlsform(survey: Rows, choices: Rows = (), settings: Rows = ()) -> bytes:
    """An .xlsx with the given sheets; each sheet's first row is its header."""
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "survey"
    for row in survey:
        sheet.append(list(row))
    for title, rows in (("choices", choices), ("settings", settings)):
        if rows:
            extra = workbook.create_sheet(title)
            for row in rows:
                extra.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def question(
    type_: str,
    name: str,
    label: str,
    *,
    relevant: str = "",
    required: str = "",
    constraint: str = "",
    role: str = "",
) -> list[str]:
    return [type_, name, f"{label} ar", f"{label} ckb", label, relevant, required, constraint, role]


def status_questions() -> list[list[str]]:
    pillars = ["building_damage", "equipment_damage", "functionality", "accessibility", "partner_support"]
    return [
        question("select_one level", pillar, pillar.replace("_", " "), role=f"status:{pillar}") for pillar in pillars
    ]


def health_form(
    *,
    version: str = "1",
    form_id: str = "herams_test",
    extra: Rows = (),
    with_status: bool = True,
    beds_type: str = "integer",
) -> bytes:
    """A valid trilingual form with every required role, a group, a service and its barriers."""
    survey = [
        SURVEY_HEADER,
        question("text", "facility_code", "Facility code", required="yes", role="facility_code"),
        *(status_questions() if with_status else []),
        ["begin_group", "mch", "صحة الأم", "تەندروستی دایک", "Maternal health", "", "", "", ""],
        question("select_one availability", "anc", "Antenatal care", role="service:mch:anc"),
        question(
            "select_multiple barriers",
            "anc_barriers",
            "Barriers",
            relevant="${anc} != 'available'",
            role="barriers:mch:anc",
        ),
        question(beds_type, "beds", "Beds", constraint=". >= 0", role="beds:total"),
        ["end_group", "", "", "", "", "", "", "", ""],
        *extra,
    ]
    choices = [CHOICES_HEADER]
    for list_name, names in (
        ("level", ["none", "partial", "full"]),
        ("availability", ["available", "partially_available", "not_available", "not_normally_provided"]),
        ("barriers", ["staff", "training", "supplies", "equipment", "finances"]),
    ):
        choices += [[list_name, name, f"{name} ar", f"{name} ckb", name] for name in names]
    settings = [
        ["form_id", "version", "form_title", "default_language"],
        [form_id, version, "HeRAMS test", "Arabic (ar)"],
    ]
    return xlsform(survey, choices, settings)


@pytest.fixture(autouse=True)
def in_english() -> Iterator[None]:
    """Assertions read the services' messages in English, the source language (rasd's default is Arabic). Pages
    still follow the request's language."""
    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def no_odk_validate(settings: Any) -> None:
    """ODK Validate starts Java for each form; tests that are about it turn it back on with `odk_validate`."""
    settings.QUESTIONNAIRE_ODK_VALIDATE = False


@pytest.fixture
def odk_validate(settings: Any) -> None:
    settings.QUESTIONNAIRE_ODK_VALIDATE = True
