"""Rules attached to a questionnaire in its XLSForm (`rasd_rules` sheet), saved by `rasd load_quality_rules
--questionnaire`."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.utils import translation
from openpyxl import load_workbook

from rasd.quality.models import Issue, ValidationRule
from rasd.questionnaires.models import QuestionnaireVersion
from tests.collection_fixtures import CollectionWorld, default_form_bytes
from tests.quality.helpers import BEDS_FUNCTIONAL, changed, clean_xml, consistent, new_rules_of, send

HEADERS = [
    "code",
    "name::Arabic (ar)",
    "name::English (en)",
    "message::Arabic (ar)",
    "message::English (en)",
    "left_side",
    "operator",
    "right_side",
    "importance",
]
WARD_BEDS = [
    "ward_beds",
    "أسرّة الجناح",
    "Beds of a ward",
    "أسرّة عاملة {left} من {right}",
    "{left} functional beds of {right}",
    "#{beds_functional:<ward>}",
    "<=",
    "#{beds:<ward>}",
    "high",
]


def with_sheet(collection: CollectionWorld, *rows: list[str]) -> str:
    """The questionnaire's published XLSForm with a rasd_rules sheet (as if it had been uploaded so)."""
    workbook = load_workbook(io.BytesIO(default_form_bytes()))
    sheet = workbook.create_sheet("rasd_rules")
    for row in (HEADERS, *rows):
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    QuestionnaireVersion.objects.filter(pk=collection.version.pk).update(xlsform=buffer.getvalue())
    return collection.version.questionnaire.form_id


def load(form_id: str) -> str:
    out = io.StringIO()
    call_command("load_quality_rules", "--questionnaire", form_id, stdout=out)
    return out.getvalue().strip()


def test_the_rules_of_the_sheet_are_attached_to_the_questionnaire(collection: CollectionWorld) -> None:
    form_id = with_sheet(collection, WARD_BEDS, [""] * len(HEADERS))

    assert load(form_id) == "1 rules created, 0 changed, 0 unchanged"
    assert load(form_id) == "0 rules created, 0 changed, 1 unchanged"
    item = ValidationRule.objects.get()
    assert (item.issue_code, item.questionnaire, item.importance) == (
        "dhis2.ward_beds",
        collection.version.questionnaire,
        "high",
    )
    assert (item.name_en, item.message_ar) == ("Beds of a ward", "أسرّة عاملة {left} من {right}")

    xml = changed(consistent(clean_xml(collection, "HOSP-BASRA")), {BEDS_FUNCTIONAL: "900"})
    version = send(collection, xml)
    # One rule per ward: only the general ward breaks it.
    assert ("dhis2.ward_beds", BEDS_FUNCTIONAL) in new_rules_of(version)
    with translation.override("en"):
        assert Issue.objects.get(rule="dhis2.ward_beds").message() == "900 functional beds of 215"


def test_a_broken_row_stores_no_rule(collection: CollectionWorld) -> None:
    broken = [*WARD_BEDS[:5], "#{beds_functional:<ward>} +", "<=", "0", "high"]
    form_id = with_sheet(collection, WARD_BEDS, ["other", *broken[1:]])

    refusal = r"rasd_rules sheet, row 3 \(other\): Left side: The expression"
    with translation.override("en"), pytest.raises(CommandError, match=refusal):
        load(form_id)
    assert not ValidationRule.objects.exists()


def test_a_questionnaire_without_the_sheet_has_no_rules(collection: CollectionWorld) -> None:
    assert load(collection.version.questionnaire.form_id) == "0 rules created, 0 changed, 0 unchanged"
    with pytest.raises(CommandError, match="No questionnaire"):
        load("no-such-form")


def test_a_sheet_cannot_take_over_a_catalogue_rule(catalogue: CollectionWorld) -> None:
    form_id = with_sheet(catalogue, ["hospital_without_beds", *WARD_BEDS[1:]])
    with translation.override("en"), pytest.raises(CommandError, match="is used by another rule"):
        load(form_id)
    assert ValidationRule.objects.get(code="hospital_without_beds").origin == "herams"
