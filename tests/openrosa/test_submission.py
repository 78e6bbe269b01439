"""POST submission: every outcome and refusal of the pipeline, as ODK Collect sees it."""

from __future__ import annotations

import io
from typing import Any

import pytest
from django.test import Client

from rasd.collection.models import RoundState
from rasd.submissions.models import Attachment, RawSubmission, Source, Submission, SubmissionState
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas
from tests.openrosa.helpers import OPENROSA, basic_headers, basic_url, key_url, message, multipart, post
from tests.openrosa.instances import instance_xml, new_instance_id

pytestmark = pytest.mark.django_db


@pytest.fixture
def url(collection: CollectionWorld) -> str:
    return key_url(collection.token, "submission")


def valid_xml(collection: CollectionWorld, **kwargs: Any) -> bytes:
    return instance_xml(collection.version, collection.facilities["PHC-BASRA-1"], **kwargs)


def assert_refused(response: Any, status: int) -> str:
    assert response.status_code == status, response.content
    nature, text = message(response)
    assert nature == "error"
    assert text
    assert response["X-OpenRosa-Version"] == "1.0"
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    return text


def test_a_new_submission_is_created(collection: CollectionWorld, url: str) -> None:
    instance_id = new_instance_id()
    response = post(Client(), url, valid_xml(collection, instance_id=instance_id))
    assert response.status_code == 201, response.content
    assert response.content.decode().startswith('<?xml version="1.0" encoding="UTF-8"?>\n<OpenRosaResponse')
    assert '<OpenRosaResponse xmlns="http://openrosa.org/http/response" items="0">' in response.content.decode()
    assert message(response)[0] == "submit_success"
    record = Submission.objects.get()
    assert record.first_instance_id == instance_id
    assert record.version_count == 1
    assert record.state == SubmissionState.RECEIVED
    raw = RawSubmission.objects.get()
    assert raw.source == Source.OPENROSA
    assert raw.device_id == collection.token.pk
    assert raw.submitted_by_id == collection.collector.pk


def test_an_identical_resend_is_accepted_without_a_second_record(collection: CollectionWorld, url: str) -> None:
    xml = valid_xml(collection)
    client = Client()
    assert post(client, url, xml).status_code == 201
    response = post(client, url, xml)
    assert response.status_code == 201
    assert message(response)[0] == "submit_success"
    assert Submission.objects.count() == 1
    assert RawSubmission.objects.count() == 1


def test_the_same_instance_id_with_different_xml_is_a_conflict(collection: CollectionWorld, url: str) -> None:
    instance_id = new_instance_id()
    client = Client()
    assert post(client, url, valid_xml(collection, instance_id=instance_id)).status_code == 201
    changed = valid_xml(
        collection, instance_id=instance_id, answers={"/data/identification/reporting_date": "2026-03-01"}
    )
    assert_refused(post(client, url, changed), 409)
    assert RawSubmission.objects.count() == 1


def test_an_edit_through_deprecated_id_makes_version_2_and_a_stale_edit_is_refused(
    collection: CollectionWorld, url: str
) -> None:
    client = Client()
    first = new_instance_id()
    assert post(client, url, valid_xml(collection, instance_id=first)).status_code == 201
    second = new_instance_id()
    response = post(client, url, valid_xml(collection, instance_id=second, deprecated_id=first))
    assert response.status_code == 201, response.content
    record = Submission.objects.get()
    assert record.version_count == 2
    assert record.current_version is not None
    assert record.current_version.number == 2
    assert record.current_version.instance_id == second
    # Somebody edits the first version again, not knowing it was already edited.
    stale = valid_xml(collection, instance_id=new_instance_id(), deprecated_id=first)
    assert_refused(post(client, url, stale), 409)
    assert Submission.objects.get().version_count == 2


def test_an_edit_of_an_unknown_instance_is_404(collection: CollectionWorld, url: str) -> None:
    xml = valid_xml(collection, deprecated_id=new_instance_id())
    assert_refused(post(Client(), url, xml), 404)


def test_an_unknown_form_or_version_is_404(collection: CollectionWorld, url: str) -> None:
    client = Client()
    assert_refused(post(client, url, valid_xml(collection, form_id="no_such_form")), 404)
    assert_refused(post(client, url, valid_xml(collection, form_version="1999.9")), 404)
    assert RawSubmission.objects.count() == 0


@pytest.mark.parametrize("state", [RoundState.CLOSED, RoundState.CLEANING])
def test_a_round_not_collecting_refuses_new_records_with_409(collection: CollectionWorld, url: str, state: str) -> None:
    collection.round.state = state
    collection.round.save(update_fields=["state"])
    assert_refused(post(Client(), url, valid_xml(collection)), 409)
    assert RawSubmission.objects.count() == 0


def test_a_too_large_body_is_refused_before_it_is_read(collection: CollectionWorld, url: str, settings: Any) -> None:
    settings.OPENROSA_MAX_BYTES = 1000
    photo = ("photo.jpg", b"x" * 2000, "image/jpeg")
    text = assert_refused(post(Client(), url, valid_xml(collection), [photo]), 413)
    assert "1000" in text
    assert RawSubmission.objects.count() == 0


def test_a_viewer_over_basic_is_forbidden(collection: CollectionWorld, personas: Personas) -> None:
    headers = basic_headers(personas.erbil_viewer.username)
    assert_refused(post(Client(), basic_url("submission"), valid_xml(collection), headers=headers), 403)
    assert RawSubmission.objects.count() == 0


def test_an_office_user_submits_over_basic(collection: CollectionWorld, personas: Personas) -> None:
    headers = basic_headers(personas.basra_manager.username)
    response = post(Client(), basic_url("submission"), valid_xml(collection), headers=headers)
    assert response.status_code == 201, response.content
    raw = RawSubmission.objects.get()
    assert raw.submitted_by_id == personas.basra_manager.pk
    assert raw.device_id is None


@pytest.mark.parametrize(
    "xml",
    [
        b"<data",
        b"not xml at all",
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY e SYSTEM "file:///etc/passwd">]><d>&e;</d>',
        b'<?xml version="1.0"?><!DOCTYPE d [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        b'<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;">]><d id="herams_iraq">&c;</d>',
    ],
    ids=["truncated", "not-xml", "external-entity", "entity-expansion"],
)
def test_malformed_xml_is_400(collection: CollectionWorld, url: str, xml: bytes) -> None:
    assert_refused(post(Client(), url, xml), 400)
    assert RawSubmission.objects.count() == 0


def test_a_post_without_xml_submission_file_is_400(collection: CollectionWorld, url: str) -> None:
    text = assert_refused(post(Client(), url, None, [("photo.jpg", b"jpeg", "image/jpeg")]), 400)
    assert "xml_submission_file" in text


def test_a_post_that_is_not_multipart_is_400(collection: CollectionWorld, url: str) -> None:
    response = Client().generic("POST", url, valid_xml(collection), content_type="text/xml", headers=OPENROSA)
    assert_refused(response, 400)


def test_split_posts_repeat_the_xml_and_add_their_attachments(collection: CollectionWorld, url: str) -> None:
    xml = valid_xml(collection)
    client = Client()
    assert post(client, url, xml, [("a.jpg", b"first photo", "image/jpeg")]).status_code == 201
    assert post(client, url, xml, [("b.jpg", b"second photo", "image/jpeg")]).status_code == 201
    assert post(client, url, xml, [("a.jpg", b"first photo", "image/jpeg")]).status_code == 201
    assert Submission.objects.count() == 1
    assert sorted(Attachment.objects.values_list("name", flat=True)) == ["a.jpg", "b.jpg"]


@pytest.mark.parametrize("rfc2231", [False, True], ids=["raw-utf8", "rfc2231"])
def test_arabic_attachment_names_are_stored_as_sent(collection: CollectionWorld, url: str, rfc2231: bool) -> None:
    name = "صورة المبنى ١.jpg"
    response = post(Client(), url, valid_xml(collection), [(name, b"jpeg bytes", "image/jpeg")], rfc2231=rfc2231)
    assert response.status_code == 201, response.content
    attachment = Attachment.objects.get()
    assert attachment.name == name
    assert attachment.content_type == "image/jpeg"
    assert attachment.size == len(b"jpeg bytes")


def chunked(body: bytes) -> dict[str, Any]:
    """What gunicorn hands Django for a chunked request: no Content-Length, the decoded body in wsgi.input (a stream
    that returns what it has, unlike the test client's, which refuses to be over-read)."""
    return {"CONTENT_LENGTH": "", "HTTP_TRANSFER_ENCODING": "chunked", "wsgi.input": io.BytesIO(body)}


def test_a_chunked_body_without_content_length_is_read(collection: CollectionWorld, url: str) -> None:
    body, content_type = multipart(valid_xml(collection), [("a.jpg", b"photo", "image/jpeg")])
    response = Client().generic(
        "POST",
        url,
        body,
        content_type=content_type,
        headers=OPENROSA,
        **chunked(body),
    )
    assert response.status_code == 201, response.content
    assert Attachment.objects.get().name == "a.jpg"


def test_a_chunked_body_over_the_limit_is_413(collection: CollectionWorld, url: str, settings: Any) -> None:
    settings.OPENROSA_MAX_BYTES = 1000
    body, content_type = multipart(valid_xml(collection), [("a.jpg", b"x" * 5000, "image/jpeg")])
    response = Client().generic(
        "POST",
        url,
        body,
        content_type=content_type,
        headers=OPENROSA,
        **chunked(body),
    )
    assert_refused(response, 413)


def test_application_xml_parts_are_accepted(collection: CollectionWorld, url: str) -> None:
    body, content_type = multipart(valid_xml(collection))
    body = body.replace(b"Content-Type: text/xml", b"Content-Type: application/xml")
    response = Client().generic("POST", url, body, content_type=content_type, headers=OPENROSA)
    assert response.status_code == 201, response.content


def test_refusals_speak_the_phones_language(collection: CollectionWorld, url: str) -> None:
    response = post(Client(), url, b"<data", headers={**OPENROSA, "Accept-Language": "ar"})
    assert response.status_code == 400
    assert response["Content-Language"] == "ar"
