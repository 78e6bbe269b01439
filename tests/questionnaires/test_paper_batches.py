"""Batches of printed forms: one merged PDF per directorate, who may download which, and the command."""

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
from tests.questionnaires.paper_forms import page_count, qr_codes, small_questionnaire


@pytest.fixture
def version(db: Any, settings: Any) -> QuestionnaireVersion:
    return small_questionnaire(settings)


def facility_url(version: QuestionnaireVersion, code: str, lang: str = "ar") -> str:
    return reverse("questionnaires:paper_facility", kwargs={"pk": version.pk, "lang": lang, "code": code})


def directorate_url(version: QuestionnaireVersion, directorate: int, lang: str = "ar") -> str:
    return reverse(
        "questionnaires:paper_directorate", kwargs={"pk": version.pk, "lang": lang, "directorate": directorate}
    )


def first_pages(version: QuestionnaireVersion, facilities: list[Facility]) -> list[int]:
    """Where each facility's form starts in a merged PDF: forms differ in length by level of care."""
    starts, page = [], 1
    for facility in facilities:
        starts.append(page)
        page += page_count(paper_pdf(version, "ar", [facility]))
    return [*starts, page - 1]


def test_a_directorate_pdf_has_one_form_per_facility_in_the_readers_scope(
    version: QuestionnaireVersion, world: World, personas: Personas, facilities: dict[str, Facility]
) -> None:
    manager = client_for(personas.basra_manager).get(directorate_url(version, world.basra.pk))
    assert manager.status_code == 200
    codes = ["HOSP-BASRA", "PHC-BASRA-1", "PHC-BASRA-2"]
    *starts, last = first_pages(version, [facilities[code] for code in codes])
    assert page_count(manager.content) == last
    assert [json.loads(qr_codes(manager.content, page)[0])["f"] for page in starts] == codes
    collector = client_for(personas.basra_s1_collector).get(directorate_url(version, world.basra.pk))
    assert page_count(collector.content) == page_count(paper_pdf(version, "ar", [facilities["PHC-BASRA-1"]]))
    assert json.loads(qr_codes(collector.content)[0])["f"] == "PHC-BASRA-1"


def test_a_merged_pdf_shares_the_questions_pages_between_forms_of_the_same_kind(
    version: QuestionnaireVersion, facilities: dict[str, Facility]
) -> None:
    one = paper_pdf(version, "en", [facilities["PHC-BASRA-1"]])
    three = paper_pdf(version, "en", [facilities[code] for code in ("PHC-BASRA-1", "PHC-BASRA-2", "PHC-NAJAF-1")])
    assert page_count(three) == 3 * page_count(one)
    assert len(three) < 2.2 * len(one)  # three first pages, one copy of the questions


def test_a_directorate_outside_the_readers_scope_is_not_found_and_national_sees_it(
    version: QuestionnaireVersion, world: World, personas: Personas, facilities: dict[str, Facility]
) -> None:
    basra = client_for(personas.basra_manager)
    assert basra.get(directorate_url(version, world.najaf.pk)).status_code == 404
    assert basra.get(facility_url(version, "PHC-NAJAF-1")).status_code == 404
    national = client_for(personas.national_fed).get(directorate_url(version, world.najaf.pk, lang="en"))
    assert national.status_code == 200
    assert json.loads(qr_codes(national.content)[0])["f"] == "HOSP-NAJAF"
    assert client_for(None).get(directorate_url(version, world.najaf.pk)).status_code == 302
    assert basra.get(facility_url(version, "PHC-BASRA-1", lang="fr")).status_code == 404


def test_the_command_prints_one_form_per_facility_of_a_directorate(
    version: QuestionnaireVersion, facilities: dict[str, Facility], tmp_path: Path
) -> None:
    out = tmp_path / "basra.pdf"
    call_command("paper_forms", "paper_test", "--lang", "ar", "--directorate", "basra", "--round", "R1", "-o", str(out))
    pdf = out.read_bytes()
    *starts, last = first_pages(version, [facilities[code] for code in ("HOSP-BASRA", "PHC-BASRA-1", "PHC-BASRA-2")])
    assert page_count(pdf) == last
    assert json.loads(qr_codes(pdf, starts[2])[0]) == {"f": "PHC-BASRA-2", "q": "paper_test", "v": "2026.1", "r": "R1"}
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
