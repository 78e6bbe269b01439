"""Rules in a questionnaire's XLSForm are saved when the questionnaire is imported: a `rasd_rules` sheet's rules
are attached to the questionnaire in the import's transaction, and a broken row refuses the whole import (nothing
of the version, the questionnaire or the rules is stored)."""

from __future__ import annotations

import io

import pytest
from openpyxl import Workbook

from rasd.accounts.models import User
from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.quality.models import ValidationRule
from rasd.questionnaires.models import Questionnaire, QuestionnaireVersion
from rasd.questionnaires.services import XLSFormError, import_xlsform
from tests.quality.test_rule_sheets import HEADERS

FORM_ID = "duty_check"
# type, name, role: a facility code and, for nurses, the staff assigned and those on duty (both by sex); doctors have
# only the staff assigned, midwives only those on duty.
STAFF_QUESTIONS = [
    ("text", "facility", "facility_code"),
    ("integer", "staff_nurse_female", "staff:nurse:female"),
    ("integer", "staff_nurse_male", "staff:nurse:male"),
    ("integer", "duty_nurse_female", "staff_on_duty:nurse:female"),
    ("integer", "duty_nurse_male", "staff_on_duty:nurse:male"),
    ("integer", "staff_doctor_female", "staff:doctor:female"),
    ("integer", "duty_midwife_female", "staff_on_duty:midwife:female"),
]
DUTY_RULE = [
    "nurses_on_duty",
    "ممرضون مناوبون",
    "Nurses on duty",
    "{left} مناوبون من {right}",
    "{left} nurses on duty of {right}",
    "${duty_nurse_female} + ${duty_nurse_male}",
    "<=",
    "${staff_nurse_female} + ${staff_nurse_male}",
    "high",
]


def small_xlsform(version: str = "1", rules: list[list[str]] | None = None) -> bytes:
    """A small questionnaire with staff counts (see STAFF_QUESTIONS), and a rasd_rules sheet when `rules` are given."""
    workbook = Workbook()
    survey = workbook.active
    assert survey is not None
    survey.title = "survey"
    survey.append(["type", "name", "label", "rasd::role"])
    for kind, name, role in STAFF_QUESTIONS:
        survey.append([kind, name, name.replace("_", " "), role])
    settings = workbook.create_sheet("settings")
    settings.append(["form_id", "form_title", "version"])
    settings.append([FORM_ID, "Staff on duty", version])
    if rules is not None:
        sheet = workbook.create_sheet("rasd_rules")
        for row in (HEADERS, *rules):
            sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def import_small(admin: User, content: bytes) -> QuestionnaireVersion:
    with acting_as(admin):
        return import_xlsform(admin, content, filename="duty.xlsx", publish=True)


@pytest.fixture(autouse=True)
def _no_odk_validate(fast_questionnaire_import: None) -> None:
    """The forms here are small; ODK Validate (Java) is not what these tests are about."""


def test_the_rules_of_the_sheet_are_saved_with_the_questionnaire(admin: User) -> None:
    version = import_small(admin, small_xlsform(rules=[DUTY_RULE]))

    item = ValidationRule.objects.get()
    assert (item.issue_code, item.questionnaire, item.importance, item.is_active) == (
        "dhis2.nurses_on_duty",
        version.questionnaire,
        "high",
        True,
    )
    assert (item.name_en, item.message_ar) == ("Nurses on duty", "{left} مناوبون من {right}")
    assert AuditEntry.objects.filter(action="quality.rule_created", object_id=str(item.pk)).exists()

    # A new version with the rule changed updates it; an unchanged sheet changes nothing.
    import_small(admin, small_xlsform("2", rules=[[*DUTY_RULE[:8], "low"]]))
    import_small(admin, small_xlsform("3", rules=[[*DUTY_RULE[:8], "low"]]))
    item.refresh_from_db()
    assert item.importance == "low"
    assert AuditEntry.objects.filter(action="quality.rule_changed").count() == 1


def test_a_broken_row_refuses_the_whole_import(admin: User, english: None) -> None:
    broken = ["other", *DUTY_RULE[1:5], "${duty_nurse_female} +", "<=", "0", "high"]
    with pytest.raises(XLSFormError) as refused:
        import_small(admin, small_xlsform(rules=[DUTY_RULE, [""] * len(HEADERS), broken]))

    assert refused.value.problems == ["rasd_rules sheet, row 4 (other): Left side: The expression ends too early."]
    assert not Questionnaire.objects.filter(form_id=FORM_ID).exists()
    assert not QuestionnaireVersion.objects.exists()
    assert not ValidationRule.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="quality.rule").exists()


def test_a_row_naming_a_field_the_questionnaire_lacks_is_refused(admin: User, english: None) -> None:
    typo = ["typo", *DUTY_RULE[1:5], "${duty_nurse_femal}", "<=", "0", "high"]
    with pytest.raises(XLSFormError, match=r"row 2 \(typo\): Left side: \$\{duty_nurse_femal\} is not a field"):
        import_small(admin, small_xlsform(rules=[typo]))
    assert not QuestionnaireVersion.objects.exists()


def test_the_upload_page_shows_the_refusal(admin: User, english: None) -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.conftest import client_for

    broken = ["other", *DUTY_RULE[1:5], "(${duty_nurse_female}", "<=", "0", "high"]
    upload = SimpleUploadedFile("duty.xlsx", small_xlsform(rules=[broken]))
    page = client_for(admin).post("/questionnaires/upload/", {"file": upload}).content.decode()

    assert "rasd_rules sheet, row 2 (other): Left side: “)” expected at the end of the expression." in page
    assert not QuestionnaireVersion.objects.exists()


def test_a_form_without_the_sheet_has_no_rules(admin: User) -> None:
    import_small(admin, small_xlsform())
    assert not ValidationRule.objects.exists()
