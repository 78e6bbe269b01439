"""Printed forms: the text of the PDF (labels in logical order, skip instructions, the facility header), its QR code,
and what a facility's level of care leaves out.

The printed wording is gettext (context "paper form"): until its Arabic and Kurdish translations are in the
catalogues, an Arabic form prints it in English. So wording is checked on English forms, and Arabic and Kurdish forms
are checked on the questionnaire's own labels, which come from the XLSForm.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.urls import reverse
from django.utils import translation

from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.paper.render import paper_pdf
from rasd.registry.models import Facility
from rasd.registry.models.facilities import LevelOfCare
from tests.conftest import Personas, client_for
from tests.questionnaires.paper_forms import pdf_text, qr_codes, small_questionnaire


@pytest.fixture
def version(db: Any, settings: Any) -> QuestionnaireVersion:
    return small_questionnaire(settings)


def facility_url(version: QuestionnaireVersion, code: str, lang: str = "ar") -> str:
    return reverse("questionnaires:paper_facility", kwargs={"pk": version.pk, "lang": lang, "code": code})


def in_order(text: str, *parts: str) -> bool:
    """Every part is in `text`, exactly as typed, one after the other."""
    position = 0
    for part in parts:
        found = text.find(part, position)
        if found < 0:
            return False
        position = found + len(part)
    return True


def test_an_arabic_form_has_its_labels_in_logical_order_and_a_qr_code_with_the_facility(
    version: QuestionnaireVersion, personas: Personas, facilities: dict[str, Facility]
) -> None:
    response = client_for(personas.basra_manager).get(facility_url(version, "HOSP-BASRA") + "?round=2026-R1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    text = pdf_text(response.content)
    # Labels from the XLSForm, in the order of the form, each exactly as typed (not mirrored, as WeasyPrint stores
    # right-to-left lines in visual order; pdftotext applies the bidirectional algorithm).
    labels = (
        "تعريف المؤسسة",
        "حالة المؤسسة الصحية",
        "عدد الأسرة",
        "الخدمات",
        "توفر خدمات التحصين الروتيني",
        "أسباب عدم التوفر",
        "نقص الكوادر",
        "أي ملاحظات عن الكوادر",
        "الجراحة الطارئة",
        "توفر الجراحة",
    )
    assert in_order(text.split("\f")[1], *labels)  # the questions, after the first page
    assert "حالة المؤسسة الصحية"[::-1] not in text
    assert in_order(text, "HOSP-BASRA", "marker-HOSP-BASRA", "دائرة صحة البصرة")
    assert json.loads(qr_codes(response.content)[0]) == {
        "f": "HOSP-BASRA",
        "q": "paper_test",
        "v": "2026.1",
        "r": "2026-R1",
    }


def test_a_kurdish_form_keeps_kurdish_letters_in_logical_order(
    version: QuestionnaireVersion, facilities: dict[str, Facility]
) -> None:
    text = pdf_text(paper_pdf(version, "ckb", [facilities["PHC-ERBIL-1"]]))
    assert in_order(text, "ناساندنی دامەزراوە", "دۆخی دامەزراوەی تەندروستی", "بەردەستبوونی کوتانی ڕۆتینی")
    assert "کەمی ستاف" in text


def test_an_english_form_writes_skip_instructions_in_words(
    version: QuestionnaireVersion, facilities: dict[str, Facility]
) -> None:
    text = pdf_text(paper_pdf(version, "en", [facilities["HOSP-BASRA"]]))
    assert "Answer 1.2 only if the answer to 1.1 is “Existing”." in text
    assert "Answer section 2 only if the answer to 1.1 is “Existing”." in text
    assert "Answer 2.2 only if the answer to 2.1 is “Partially available” or “Not available”." in text
    assert "Answer 2.3 only if “Lack of staff” is ticked in 2.2." in text
    assert "Answer 2.4 only if the form's condition written below holds." in text
    assert "count-selected( /data/services/epi_barriers ) > 1" in text
    assert "Page 1 of 2" in text and "Page 2 of 2" in text  # the header page, then the questions


def test_a_bilingual_form_gives_arabic_then_english(
    version: QuestionnaireVersion, facilities: dict[str, Facility]
) -> None:
    text = pdf_text(paper_pdf(version, "ar+en", [facilities["HOSP-BASRA"]]))
    assert text.index("حالة المؤسسة الصحية") < text.index("Facility status")
    assert "Answer 2.3 only if “Lack of staff” is ticked in 2.2." in text


def test_the_wording_follows_the_forms_language_not_the_readers(
    version: QuestionnaireVersion, personas: Personas, facilities: dict[str, Facility]
) -> None:
    with translation.override("ar"):
        arabic_primary = str(LevelOfCare.PRIMARY.label)
    assert arabic_primary != "Primary"  # the interface's catalogue translates levels of care
    client = client_for(personas.basra_manager)
    client.cookies["django_language"] = "ar"
    english = pdf_text(client.get(facility_url(version, "PHC-BASRA-1", lang="en")).content)
    assert "Level of care" in english and "“Primary”" in english and arabic_primary not in english
    with translation.override("en"):
        arabic = pdf_text(paper_pdf(version, "ar", [facilities["PHC-BASRA-1"]]))
    assert arabic_primary in arabic


def test_a_blank_form_words_the_conditions_on_the_facilitys_level_of_care(
    version: QuestionnaireVersion, personas: Personas
) -> None:
    url = reverse("questionnaires:paper_blank", kwargs={"pk": version.pk, "lang": "en"})
    response = client_for(personas.basra_s1_collector).get(url)
    assert response.status_code == 200
    text = pdf_text(response.content)
    assert "Blank form" in text
    assert "Answer “Emergency surgery” only if the facility's level of care is not “Primary”." in text
    assert "Answer 2.6 only if the facility's level of care is “Tertiary”." in text
    assert json.loads(qr_codes(response.content)[0]) == {"q": "paper_test", "v": "2026.1"}


def test_a_form_for_a_primary_centre_leaves_out_the_hospital_services_and_says_so(
    version: QuestionnaireVersion, facilities: dict[str, Facility]
) -> None:
    text = pdf_text(paper_pdf(version, "en", [facilities["PHC-BASRA-1"]]))
    assert "Not printed, because the facility's level of care is “Primary”: Emergency surgery; Blood bank." in text
    assert "Surgery available" not in text and "2.5" not in text and "2.6" not in text
    assert "Routine immunisation" in text and "2.4" in text  # the other questions keep their numbers


def test_a_form_for_a_hospital_keeps_its_services_without_the_instruction(
    version: QuestionnaireVersion, facilities: dict[str, Facility]
) -> None:
    text = pdf_text(paper_pdf(version, "en", [facilities["HOSP-BASRA"]]))
    assert "Surgery available" in text and "2.5" in text
    assert "only if the facility's level of care is not" not in text  # it holds for a hospital
    assert "Not printed, because the facility's level of care is “Secondary”: Blood bank." in text
    arabic = pdf_text(paper_pdf(version, "ar", [facilities["HOSP-BASRA"]]))
    assert "توفر الجراحة" in arabic and "مصرف الدم" in arabic  # named in the note, not asked
