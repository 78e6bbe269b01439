"""Headers, the protocol check, authentication and the HEAD handshake, under both bases."""

from __future__ import annotations

import datetime

import pytest
from django.contrib.sessions.models import Session
from django.test import Client
from django.utils import timezone

from rasd.accounts.models import FailedLogin
from rasd.collection.models import DeviceToken
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas
from tests.openrosa.helpers import OPENROSA, basic_headers, basic_url, key_url, message, post

pytestmark = pytest.mark.django_db


def assert_openrosa_headers(response: object, *, xml: bool = True) -> None:
    headers = response.headers  # type: ignore[attr-defined]
    assert headers["X-OpenRosa-Version"] == "1.0"
    assert headers["X-OpenRosa-Accept-Content-Length"] == "10000000"
    assert headers["Date"]
    assert headers["Content-Language"] in {"ar", "ckb", "en"}
    if xml:
        assert headers["Content-Type"] == "text/xml; charset=utf-8"


def test_every_endpoint_answers_with_the_protocol_headers(collection: CollectionWorld) -> None:
    client = Client()
    form_id = collection.version.questionnaire.form_id
    for url, is_xml in [
        (key_url(collection.token, "formlist"), True),
        (key_url(collection.token, "form_download", form_id=form_id), True),
        (key_url(collection.token, "manifest", form_id=form_id), True),
        (key_url(collection.token, "attachment", form_id=form_id, name="facilities.csv"), False),
    ]:
        response = client.get(url, headers=OPENROSA)
        assert response.status_code == 200, url
        assert_openrosa_headers(response, xml=is_xml)
    response = client.get(
        key_url(collection.token, "attachment", form_id=form_id, name="facilities.csv"), headers=OPENROSA
    )
    assert response["Content-Type"] == "text/csv; charset=utf-8"


@pytest.mark.parametrize("name", ["formlist", "submission"])
def test_a_request_without_the_protocol_header_gets_a_400_envelope(collection: CollectionWorld, name: str) -> None:
    response = Client().get(key_url(collection.token, name))
    assert response.status_code == 400
    assert_openrosa_headers(response)
    nature, text = message(response)
    assert nature == "error"
    assert "X-OpenRosa-Version" in text


def test_no_second_date_header_under_gunicorn_which_writes_its_own(collection: CollectionWorld) -> None:
    url = key_url(collection.token, "submission")
    assert "Date" not in Client().head(url, headers=OPENROSA, SERVER_SOFTWARE="gunicorn/23.0.0")
    assert "Date" in Client().head(url, headers=OPENROSA, SERVER_SOFTWARE="uWSGI")


def test_a_wrong_protocol_version_is_refused(collection: CollectionWorld) -> None:
    response = Client().get(key_url(collection.token, "formlist"), headers={"X-OpenRosa-Version": "2.0"})
    assert response.status_code == 400


def test_messages_follow_accept_language_among_rasds_languages(collection: CollectionWorld) -> None:
    client = Client()
    url = key_url(collection.token, "formlist")
    assert client.get(url, headers={"Accept-Language": "ar-IQ,en;q=0.5"})["Content-Language"] == "ar"
    assert client.get(url, headers={"Accept-Language": "fr, ckb;q=0.9, en;q=0.8"})["Content-Language"] == "ckb"
    assert client.get(url, headers={"Accept-Language": "en;q=0.2, ar;q=0.9"})["Content-Language"] == "ar"
    assert client.get(url, headers={"Accept-Language": "de-DE"})["Content-Language"] == "en"
    assert client.get(url)["Content-Language"] == "en"


@pytest.mark.parametrize("method", ["head", "get"])
def test_head_and_get_on_submission_answer_204_with_the_size_limit(collection: CollectionWorld, method: str) -> None:
    response = getattr(Client(), method)(key_url(collection.token, "submission"), headers=OPENROSA)
    assert response.status_code == 204
    assert response.content == b""
    assert_openrosa_headers(response, xml=False)


def test_the_size_limit_follows_the_setting(collection: CollectionWorld, settings: object) -> None:
    settings.OPENROSA_MAX_BYTES = 1234  # type: ignore[attr-defined]
    response = Client().head(key_url(collection.token, "submission"), headers=OPENROSA)
    assert response["X-OpenRosa-Accept-Content-Length"] == "1234"


def test_a_method_the_endpoint_does_not_serve_gets_405(collection: CollectionWorld) -> None:
    response = Client().put(key_url(collection.token, "formlist"), headers=OPENROSA)
    assert response.status_code == 405
    assert "GET" in response["Allow"]
    assert_openrosa_headers(response)


# --- device tokens ---------------------------------------------------------------------------------------------


def test_an_unknown_token_gets_401_without_a_basic_challenge(collection: CollectionWorld) -> None:
    response = Client().get(key_url("no-such-token", "formlist"), headers=OPENROSA)
    assert response.status_code == 401
    assert "WWW-Authenticate" not in response
    assert message(response)[0] == "error"


def test_a_revoked_token_gets_401_everywhere(collection: CollectionWorld) -> None:
    DeviceToken.objects.filter(pk=collection.token.pk).update(revoked_at=timezone.now())
    client = Client()
    for name in ("formlist", "submission"):
        assert client.get(key_url(collection.token, name), headers=OPENROSA).status_code == 401
    assert post(client, key_url(collection.token, "submission"), b"<data/>").status_code == 401


def test_the_token_of_a_deactivated_collector_gets_401(collection: CollectionWorld) -> None:
    collection.collector.is_active = False
    collection.collector.save(update_fields=["is_active"])
    response = Client().get(key_url(collection.token, "formlist"), headers=OPENROSA)
    assert response.status_code == 401


def test_last_used_is_written_at_most_every_few_minutes(collection: CollectionWorld) -> None:
    client = Client()
    url = key_url(collection.token, "submission")
    client.head(url, headers=OPENROSA)
    first = DeviceToken.objects.get(pk=collection.token.pk).last_used_at
    assert first is not None
    client.head(url, headers=OPENROSA)
    assert DeviceToken.objects.get(pk=collection.token.pk).last_used_at == first
    long_ago = timezone.now() - datetime.timedelta(hours=1)
    DeviceToken.objects.filter(pk=collection.token.pk).update(last_used_at=long_ago)
    client.head(url, headers=OPENROSA)
    assert DeviceToken.objects.get(pk=collection.token.pk).last_used_at > long_ago  # type: ignore[operator]


def test_no_session_and_no_csrf_token_is_needed_or_created(collection: CollectionWorld) -> None:
    client = Client(enforce_csrf_checks=True)
    response = post(client, key_url(collection.token, "submission"), None)
    assert response.status_code == 400  # reached the view: no CSRF refusal (403)
    response = client.get(key_url(collection.token, "formlist"), headers=OPENROSA)
    assert not response.cookies
    assert Session.objects.count() == 0


# --- HTTP Basic ------------------------------------------------------------------------------------------------


def test_basic_without_credentials_is_challenged(collection: CollectionWorld) -> None:
    response = Client().head(basic_url("submission"), headers=OPENROSA)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith('Basic realm="rasd"')
    assert_openrosa_headers(response)


def test_basic_with_the_account_password_is_accepted(collection: CollectionWorld, personas: Personas) -> None:
    client = Client()
    headers = basic_headers(personas.basra_manager.username)
    assert client.head(basic_url("submission"), headers=headers).status_code == 204
    assert client.get(basic_url("formlist"), headers=headers).status_code == 200
    assert not client.cookies
    assert Session.objects.count() == 0


def test_basic_user_names_ignore_case(collection: CollectionWorld, personas: Personas) -> None:
    headers = basic_headers(personas.basra_manager.username.upper())
    assert Client().head(basic_url("submission"), headers=headers).status_code == 204


def test_basic_with_a_wrong_password_is_refused_and_counted(collection: CollectionWorld, personas: Personas) -> None:
    headers = basic_headers(personas.basra_manager.username, "wrong-password")
    response = Client().head(basic_url("submission"), headers=headers)
    assert response.status_code == 401
    assert response["WWW-Authenticate"].startswith("Basic")
    assert FailedLogin.objects.filter(username=personas.basra_manager.username).count() == 1


def test_basic_of_an_unknown_or_inactive_account_is_refused(collection: CollectionWorld, personas: Personas) -> None:
    client = Client()
    assert client.head(basic_url("submission"), headers=basic_headers("nobody")).status_code == 401
    personas.basra_manager.is_active = False
    personas.basra_manager.save(update_fields=["is_active"])
    headers = basic_headers(personas.basra_manager.username)
    assert client.head(basic_url("submission"), headers=headers).status_code == 401


def test_basic_guessing_is_throttled_like_the_sign_in_page(
    collection: CollectionWorld, personas: Personas, settings: object
) -> None:
    client = Client()
    username = personas.basra_manager.username
    for _attempt in range(settings.LOGIN_THROTTLE_PER_ACCOUNT):  # type: ignore[attr-defined]
        assert client.head(basic_url("submission"), headers=basic_headers(username, "guess")).status_code == 401
    # Now even the right password is refused until the window has passed.
    response = client.get(basic_url("formlist"), headers=basic_headers(username))
    assert response.status_code == 401
    assert "minute" in message(response)[1]


@pytest.mark.parametrize("header", ["Basic !!!", "Basic " + "bm9jb2xvbg==", "Bearer abc"])
def test_malformed_basic_credentials_are_challenged(collection: CollectionWorld, header: str) -> None:
    response = Client().head(basic_url("submission"), headers={**OPENROSA, "Authorization": header})
    assert response.status_code == 401
    assert "WWW-Authenticate" in response
