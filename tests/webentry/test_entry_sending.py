"""Sending from the browser: a new record and an edit go through the one ingestion pipeline as `Source.WEB`; an
edit needs a reason and must edit the record of the page; closed rounds and other people's records are refused."""

from __future__ import annotations

from typing import Any

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rasd.collection.models import RoundState
from rasd.submissions.models import RawSubmission, Source, Submission
from tests.collection.test_ingest import make_instance, new_id, submit
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, client_for

PARTNERS = "/data/support/partner_count"


def _post(client: Client, url: str, xml: bytes, **data: Any) -> Any:
    upload = SimpleUploadedFile("xml_submission_file", xml, content_type="text/xml")
    return client.post(url, {"xml_submission_file": upload, **data}, HTTP_USER_AGENT="Chromium test")


def _record(collection: CollectionWorld) -> Submission:
    """A record sent from a phone by the Basra sector-1 collector."""
    submit(collection, make_instance())
    return Submission.objects.select_related("current_version").get()


def test_a_form_sent_from_the_browser_becomes_a_web_submission(collection: CollectionWorld, personas: Personas) -> None:
    response = _post(
        client_for(personas.basra_s1_collector), f"/entry/versions/{collection.version.pk}/submit/", make_instance()
    )
    assert response.status_code == 200
    answer = response.json()
    submission = Submission.objects.get()
    assert answer["ok"] is True and answer["record_url"] == f"/submissions/{submission.pk}/"
    assert submission.facility == collection.facilities["PHC-BASRA-1"]
    assert submission.current_version is not None and submission.current_version.source == Source.WEB
    raw = RawSubmission.objects.get()
    assert raw.source == Source.WEB and raw.submitted_by == personas.basra_s1_collector
    assert raw.user_agent == "Chromium test"


def test_a_refusal_of_the_pipeline_is_shown_with_its_status(collection: CollectionWorld, personas: Personas) -> None:
    url = f"/entry/versions/{collection.version.pk}/submit/"
    response = _post(client_for(personas.basra_manager), url, make_instance(version="1999"))
    assert response.status_code == 404
    assert response.json()["ok"] is False and "1999" in response.json()["message"]
    assert client_for(personas.basra_manager).post(url).status_code == 400  # nothing sent
    assert not RawSubmission.objects.exists()


def test_a_new_form_cannot_replace_someone_elses_record(collection: CollectionWorld, personas: Personas) -> None:
    record = _record(collection)
    assert record.current_version is not None
    edit = make_instance(deprecated_id=record.current_version.instance_id, answers={"support/partner_count": "9"})
    response = _post(client_for(personas.basra_manager), f"/entry/versions/{collection.version.pk}/submit/", edit)
    assert response.status_code == 400
    assert Submission.objects.get().version_count == 1


def test_an_edit_needs_a_reason_and_makes_version_two(collection: CollectionWorld, personas: Personas) -> None:
    record = _record(collection)
    assert record.current_version is not None
    client = client_for(personas.basra_manager)
    page = client.get(f"/entry/submissions/{record.pk}/edit/")
    assert page.status_code == 200 and 'id="webentry-reason"' in page.content.decode()
    instance = client.get(f"/entry/submissions/{record.pk}/edit/instance.xml")
    assert instance.content == record.current_version.raw.xml
    assert client.get(f"/entry/submissions/{record.pk}/edit/form.xml").status_code == 200
    csv = client.get(f"/entry/submissions/{record.pk}/edit/attachments/facilities.csv").content.decode()
    assert "PHC-BASRA-1" in csv

    edit = make_instance(deprecated_id=record.current_version.instance_id, answers={"support/partner_count": "7"})
    url = f"/entry/submissions/{record.pk}/edit/submit/"
    refused = _post(client, url, edit, reason="   ")
    assert refused.status_code == 400
    assert refused.json()["field"] == "reason"
    assert RawSubmission.objects.count() == 1  # nothing stored

    saved = _post(client, url, edit, reason="The partner count was misread on the phone")
    assert saved.status_code == 200, saved.content
    assert saved.json()["version"] == 2
    record.refresh_from_db()
    assert record.version_count == 2
    version = record.current_version
    assert version is not None and version.source == Source.WEB and version.answers[PARTNERS] == 7
    assert version.raw.reason == "The partner count was misread on the phone"
    history = client.get(f"/submissions/{record.pk}/").content.decode()
    assert f'data-path="{PARTNERS}"' in history  # the diff of version 2
    assert "The partner count was misread on the phone" in history


def test_a_stale_edit_shows_the_pipelines_message(collection: CollectionWorld, personas: Personas) -> None:
    record = _record(collection)
    assert record.current_version is not None
    first = record.current_version.instance_id
    client = client_for(personas.basra_manager)
    url = f"/entry/submissions/{record.pk}/edit/submit/"
    assert _post(client, url, make_instance(deprecated_id=first), reason="first").status_code == 200
    stale = _post(client, url, make_instance(deprecated_id=first), reason="second")
    assert stale.status_code == 409
    assert first in stale.json()["message"]


def test_an_edit_must_edit_the_record_of_the_page(collection: CollectionWorld, personas: Personas) -> None:
    record = _record(collection)
    submit(collection, make_instance(instance_id=new_id(), facility="PHC-BASRA-1"))
    other = Submission.objects.exclude(pk=record.pk).get()
    assert other.current_version is not None
    edit = make_instance(deprecated_id=other.current_version.instance_id)
    response = _post(
        client_for(personas.basra_manager), f"/entry/submissions/{record.pk}/edit/submit/", edit, reason="x"
    )
    assert response.status_code == 400
    assert RawSubmission.objects.count() == 2


def test_records_of_a_closed_round_cannot_be_edited(collection: CollectionWorld, personas: Personas) -> None:
    record = _record(collection)
    assert record.current_version is not None
    collection.round.state = RoundState.CLOSED
    collection.round.save(update_fields=["state"])
    client = client_for(personas.basra_manager)
    page = client.get(f"/entry/submissions/{record.pk}/edit/")
    assert page.status_code == 409
    assert 'data-testid="edit-refused"' in page.content.decode()
    edit = make_instance(deprecated_id=record.current_version.instance_id)
    response = _post(client, f"/entry/submissions/{record.pk}/edit/submit/", edit, reason="late")
    assert response.status_code == 409 and response.json()["ok"] is False
    assert client.get(f"/entry/submissions/{record.pk}/edit/instance.xml").status_code == 404
    assert 'data-testid="edit-in-browser"' not in client.get(f"/submissions/{record.pk}/").content.decode()


def test_the_record_page_offers_an_edit_while_the_round_takes_edits(
    collection: CollectionWorld, personas: Personas
) -> None:
    record = _record(collection)
    assert (
        'data-testid="edit-in-browser"'
        in client_for(personas.basra_manager).get(f"/submissions/{record.pk}/").content.decode()
    )
    collection.round.state = RoundState.CLEANING
    collection.round.save(update_fields=["state"])
    assert client_for(personas.basra_manager).get(f"/entry/submissions/{record.pk}/edit/").status_code == 200


def test_a_record_outside_the_scope_is_not_found(collection: CollectionWorld, personas: Personas) -> None:
    record = _record(collection)
    assert record.current_version is not None
    client = client_for(personas.najaf_manager)
    for suffix in ("", "form.xml", "instance.xml", "attachments/facilities.csv"):
        assert client.get(f"/entry/submissions/{record.pk}/edit/{suffix}").status_code == 404
    edit = make_instance(deprecated_id=record.current_version.instance_id)
    assert _post(client, f"/entry/submissions/{record.pk}/edit/submit/", edit, reason="x").status_code == 404
    assert Submission.objects.get().version_count == 1
