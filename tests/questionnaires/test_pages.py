"""The questionnaire pages, as the personas see them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rasd.accounts.models import User
from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.services import import_xlsform
from tests.conftest import Personas, client_for
from tests.questionnaires.conftest import health_form, xlsform

pytestmark = pytest.mark.django_db


def stored(content: bytes, *, publish: bool = False) -> QuestionnaireVersion:
    with acting_as(None):
        return import_xlsform(None, content, filename="herams.xlsx", publish=publish)


def in_language(user: User, language: str) -> Client:
    client = client_for(user)
    client.cookies["rasd_language"] = language
    return client


def test_every_role_sees_the_questionnaires_and_their_states(personas: Personas) -> None:
    stored(health_form(version="1"), publish=True)
    stored(health_form(version="2"))

    for user in (personas.basra_s1_collector, personas.erbil_viewer, personas.national_fed):
        response = client_for(user).get("/questionnaires/")
        assert response.status_code == 200
        body = response.content.decode()
        assert "herams_test" in body
        assert 'data-state="published"' in body and 'data-state="draft"' in body
    assert b"/questionnaires/upload/" not in client_for(personas.basra_manager).get("/questionnaires/").content


def test_a_directorate_manager_cannot_upload(personas: Personas) -> None:
    client = client_for(personas.basra_manager)

    assert client.get("/questionnaires/upload/").status_code == 403
    upload = SimpleUploadedFile("herams.xlsx", health_form())
    assert client.post("/questionnaires/upload/", {"file": upload}).status_code == 403
    assert not QuestionnaireVersion.objects.exists()


def test_a_national_manager_uploads_a_form_and_lands_on_its_version(personas: Personas) -> None:
    upload = SimpleUploadedFile("herams.xlsx", health_form(version="2025.1"))

    response = client_for(personas.national_fed).post("/questionnaires/upload/", {"file": upload})

    version = QuestionnaireVersion.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/questionnaires/versions/{version.pk}/"
    assert version.created_by == personas.national_fed
    assert version.state == "draft"
    assert AuditEntry.objects.filter(action="questionnaire_version.imported", actor=personas.national_fed).exists()


def test_an_invalid_upload_shows_the_problems_and_stores_nothing(personas: Personas) -> None:
    broken = xlsform([["type", "name", "label"], ["calculate", "total", ""]], settings=[["form_id"], ["x"]])
    upload = SimpleUploadedFile("broken.xlsx", broken)

    response = client_for(personas.admin).post("/questionnaires/upload/", {"file": upload})

    assert response.status_code == 200
    assert "[row : 2] Missing calculation." in response.content.decode()
    assert not QuestionnaireVersion.objects.exists()


def test_the_field_catalogue_shows_labels_in_the_readers_language_and_filters(personas: Personas) -> None:
    version = stored(health_form())
    url = f"/questionnaires/versions/{version.pk}/"

    kurdish = in_language(personas.basra_s1_collector, "ckb").get(url).content.decode()
    english = in_language(personas.basra_s1_collector, "en").get(url).content.decode()

    assert "Antenatal care ckb" in kurdish
    assert "Antenatal care</td>" in english
    assert "service:mch:anc" in english
    services = in_language(personas.basra_s1_collector, "en").get(url, {"role": "service"}).content.decode()
    assert 'data-path="/data/mch/anc"' in services
    assert 'data-path="/data/facility_code"' not in services
    rows = client_for(personas.basra_s1_collector).get(url, {"q": "beds"}, headers={"HX-Request": "true"})
    assert b"<html" not in rows.content
    assert b'data-path="/data/mch/beds"' in rows.content
    assert b'data-path="/data/mch/anc"' not in rows.content


def test_a_version_missing_required_roles_says_so(personas: Personas) -> None:
    version = stored(health_form(with_status=False))

    body = client_for(personas.admin).get(f"/questionnaires/versions/{version.pk}/").content.decode()

    assert 'data-testid="missing-roles"' in body
    assert "status:functionality" in body


def test_publishing_needs_the_confirmation_and_a_reason(personas: Personas) -> None:
    version = stored(health_form())
    client = client_for(personas.national_krg)
    url = f"/questionnaires/versions/{version.pk}/publish/"

    client.post(url, {"reason": "round 1"})
    version.refresh_from_db()
    assert version.state == "draft"

    response = client.post(url, {"reason": "round 1", "confirm": "on"})

    version.refresh_from_db()
    assert response.status_code == 302
    assert version.state == "published"
    assert AuditEntry.objects.get(action="questionnaire_version.published").reason == "round 1"
    client.post(f"/questionnaires/versions/{version.pk}/retire/", {"reason": "replaced", "confirm": "on"})
    version.refresh_from_db()
    assert version.state == "retired"


def test_only_questionnaire_managers_publish(personas: Personas) -> None:
    version = stored(health_form())

    response = client_for(personas.basra_manager).post(
        f"/questionnaires/versions/{version.pk}/publish/", {"reason": "x", "confirm": "on"}
    )

    assert response.status_code == 403
    version.refresh_from_db()
    assert version.state == "draft"


def test_the_xlsform_and_the_xform_can_be_downloaded(personas: Personas) -> None:
    content = health_form()
    version = stored(content)
    client = client_for(personas.erbil_viewer)

    xlsx = client.get(f"/questionnaires/versions/{version.pk}/xlsform/")
    xml = client.get(f"/questionnaires/versions/{version.pk}/xform/")

    assert xlsx.content == content
    assert 'filename="herams.xlsx"' in xlsx["Content-Disposition"]
    assert xml["Content-Type"] == "text/xml; charset=utf-8"
    assert xml.content.decode() == version.xform
    assert 'filename="herams_test-1.xml"' in xml["Content-Disposition"]


def test_the_diff_page_compares_two_chosen_versions(personas: Personas) -> None:
    old = stored(health_form(version="1"))
    new = stored(health_form(version="2", beds_type="decimal", extra=[["text", "notes", "", "", "Notes"]]))
    client = client_for(personas.basra_s1_collector)

    page = client.get("/questionnaires/herams_test/diff/", {"old": old.pk, "new": new.pk}).content.decode()

    assert 'data-change="added"' in page and "/data/notes" in page
    assert 'data-change="retyped"' in page
    same = client.get("/questionnaires/herams_test/diff/", {"old": old.pk, "new": old.pk}).content.decode()
    assert 'data-testid="no-changes"' in same
    assert client.get("/questionnaires/unknown/diff/").status_code == 404


def test_a_label_missing_in_the_readers_language_falls_back_to_another(personas: Personas) -> None:
    version = stored(health_form(extra=[["note", "english_only", "", "", "Only in English"]]))

    body = client_for(personas.basra_s1_collector).get(f"/questionnaires/versions/{version.pk}/").content.decode()

    assert "Only in English" in body  # the reader's Arabic is missing, so English is shown
