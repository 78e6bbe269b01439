"""Printed forms: numbering, written skip instructions, the facility header and its QR code, and who may download."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.urls import reverse

from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.paper.render import paper_pdf
from rasd.registry.models import Facility
from tests.conftest import Personas, World, client_for
from tests.questionnaires.paper_forms import page_count, pdf_text, qr_codes, small_questionnaire


@pytest.fixture
def version(db: Any, settings: Any) -> QuestionnaireVersion:
    return small_questionnaire(settings)


def facility_url(version: QuestionnaireVersion, code: str, lang: str = "ar") -> str:
    return reverse("questionnaires:paper_facility", kwargs={"pk": version.pk, "lang": lang, "code": code})


def directorate_url(version: QuestionnaireVersion, directorate: int, lang: str = "ar") -> str:
    return reverse(
        "questionnaires:paper_directorate", kwargs={"pk": version.pk, "lang": lang, "directorate": directorate}
    )


def test_an_arabic_form_for_a_facility_has_its_labels_skip_instructions_header_and_qr_code(
    version: QuestionnaireVersion, personas: Personas, facilities: dict[str, Facility]
) -> None:
    response = client_for(personas.basra_manager).get(facility_url(version, "PHC-BASRA-1") + "?round=2026-R1")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert "attachment" in response["Content-Disposition"]
    pdf = response.content
    text = pdf_text(pdf)
    for label in ("تعريف المؤسسة", "حالة المؤسسة الصحية", "توفر خدمات التحصين الروتيني", "متوفر جزئياً"):
        assert label in text
    assert "أجب عن 1.2 فقط إذا كانت الإجابة على 1.1 «قائمة»." in text
    assert "أجب عن القسم 2 فقط إذا كانت الإجابة على 1.1 «قائمة»." in text
    assert "أجب عن 2.2 فقط إذا كانت الإجابة على 2.1 «متوفر جزئياً» أو «غير متوفر»." in text
    assert "أجب عن 2.3 فقط إذا تم اختيار «نقص الكوادر» في 2.2." in text
    assert "PHC-BASRA-1" in text and "دائرة صحة البصرة" in text and "marker-PHC-BASRA-1" in text
    assert "صفحة 1 من 2" in text and "صفحة 2 من 2" in text  # the header page, then the questions
    assert json.loads(qr_codes(pdf)[0]) == {"f": "PHC-BASRA-1", "q": "paper_test", "v": "2026.1", "r": "2026-R1"}


def test_a_bilingual_form_gives_arabic_then_english_and_prints_unusual_conditions_as_written(
    version: QuestionnaireVersion, facilities: dict[str, Facility]
) -> None:
    text = pdf_text(paper_pdf(version, "ar+en", [facilities["HOSP-BASRA"]]))
    assert text.index("حالة المؤسسة الصحية") < text.index("Facility status")
    assert "Answer 2.2 only if the answer to 2.1 is “Partially available” or “Not available”." in text
    assert "Answer 2.3 only if “Lack of staff” is ticked in 2.2." in text
    assert "Answer 2.4 only if the form's condition written below holds." in text
    assert "count-selected( /data/services/epi_barriers ) > 1" in text


def test_a_kurdish_form_keeps_kurdish_letters(version: QuestionnaireVersion, facilities: dict[str, Facility]) -> None:
    text = pdf_text(paper_pdf(version, "ckb", [facilities["PHC-ERBIL-1"]]))
    assert "دۆخی دامەزراوەی تەندروستی" in text
    assert "بەردەستبوونی کوتانی ڕۆتینی" in text
    assert "«بە بەشێک بەردەستە» یان «بەردەست نییە»" in text


def test_a_blank_form_has_an_empty_header_and_a_qr_code_with_form_and_version_only(
    version: QuestionnaireVersion, personas: Personas
) -> None:
    url = reverse("questionnaires:paper_blank", kwargs={"pk": version.pk, "lang": "en"})
    response = client_for(personas.basra_s1_collector).get(url)
    assert response.status_code == 200
    assert "Blank form" in pdf_text(response.content)
    assert json.loads(qr_codes(response.content)[0]) == {"q": "paper_test", "v": "2026.1"}


def test_a_directorate_pdf_has_one_form_per_facility_in_the_readers_scope(
    version: QuestionnaireVersion, world: World, personas: Personas, facilities: dict[str, Facility]
) -> None:
    manager = client_for(personas.basra_manager).get(directorate_url(version, world.basra.pk))
    assert manager.status_code == 200
    assert page_count(manager.content) == 6  # two pages a form
    forms = [json.loads(qr_codes(manager.content, page)[0])["f"] for page in (1, 3, 5)]
    assert forms == ["HOSP-BASRA", "PHC-BASRA-1", "PHC-BASRA-2"]
    collector = client_for(personas.basra_s1_collector).get(directorate_url(version, world.basra.pk))
    assert page_count(collector.content) == 2
    assert json.loads(qr_codes(collector.content)[0])["f"] == "PHC-BASRA-1"


def test_nobody_prints_a_form_for_a_facility_or_directorate_outside_their_scope(
    version: QuestionnaireVersion, world: World, personas: Personas, facilities: dict[str, Facility]
) -> None:
    basra = client_for(personas.basra_manager)
    assert basra.get(facility_url(version, "PHC-NAJAF-1")).status_code == 404
    assert basra.get(directorate_url(version, world.najaf.pk)).status_code == 404
    assert client_for(None).get(facility_url(version, "PHC-BASRA-1")).status_code == 302
    assert basra.get(facility_url(version, "PHC-BASRA-1", lang="fr")).status_code == 404


def test_the_command_prints_one_form_per_facility_of_a_directorate(
    version: QuestionnaireVersion, facilities: dict[str, Facility], tmp_path: Path
) -> None:
    out = tmp_path / "basra.pdf"
    call_command("paper_forms", "paper_test", "--lang", "ar", "--directorate", "basra", "--round", "R1", "-o", str(out))
    pdf = out.read_bytes()
    assert page_count(pdf) == 6
    assert json.loads(qr_codes(pdf, 5)[0]) == {"f": "PHC-BASRA-2", "q": "paper_test", "v": "2026.1", "r": "R1"}
    call_command("paper_forms", "paper_test", "--lang", "ckb", "-o", str(out))
    assert json.loads(qr_codes(out.read_bytes())[0]) == {"q": "paper_test", "v": "2026.1"}


def test_the_facility_page_links_to_the_paper_forms_of_the_default_questionnaire(
    settings: Any, personas: Personas, facilities: dict[str, Facility]
) -> None:
    page = reverse("registry:facility_detail", kwargs={"code": "PHC-BASRA-1"})
    assert "paper-forms" not in client_for(personas.basra_manager).get(page).content.decode()
    default = small_questionnaire(settings, form_id="herams_iraq")
    body = client_for(personas.basra_manager).get(page).content.decode()
    assert facility_url(default, "PHC-BASRA-1") in body
    assert facility_url(default, "PHC-BASRA-1", lang="ar+en") in body
    assert directorate_url(default, facilities["PHC-BASRA-1"].directorate_id) in body


def test_a_directorate_too_large_for_one_download_is_refused_with_a_reason(
    version: QuestionnaireVersion, world: World, personas: Personas, facilities: dict[str, Facility], monkeypatch: Any
) -> None:
    monkeypatch.setattr("rasd.questionnaires.views_paper.MAX_FORMS_PER_DOWNLOAD", 2)
    response = client_for(personas.basra_manager).get(directorate_url(version, world.basra.pk))
    assert response.status_code == 400
    assert response["Content-Type"].startswith("text/plain")
    assert "paper_forms" in response.content.decode()  # the command to use instead, in any language
