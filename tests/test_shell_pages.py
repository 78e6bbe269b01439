"""The page shell: language choice, right-to-left, security headers, health check."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse

from tests.conftest import Personas, client_for


def test_pages_are_arabic_and_right_to_left_even_for_an_english_browser(db: Any) -> None:
    page = Client().get(reverse("accounts:login"), headers={"Accept-Language": "en-US,en;q=0.9"})
    assert '<html lang="ar" dir="rtl">' in page.content.decode()
    assert "bootstrap.rtl.min.css" in page.content.decode()


@pytest.mark.parametrize(
    ("language", "direction", "stylesheet"),
    [
        ("en", "ltr", "bootstrap.min.css"),
        ("ckb", "rtl", "bootstrap.rtl.min.css"),
        ("ar", "rtl", "bootstrap.rtl.min.css"),
    ],
)
def test_the_language_switcher_remembers_the_choice(
    personas: Personas, language: str, direction: str, stylesheet: str
) -> None:
    client = client_for(personas.erbil_viewer)
    response = client.post(reverse("core:set_language"), {"language": language, "next": "/accounts/password/"})
    assert response["Location"] == "/accounts/password/"
    page = client.get(reverse("core:home")).content.decode()
    assert f'<html lang="{language}" dir="{direction}">' in page
    assert stylesheet in page
    personas.erbil_viewer.refresh_from_db()
    assert personas.erbil_viewer.preferred_language == language


def test_a_saved_language_follows_the_user_to_a_new_browser(personas: Personas) -> None:
    client_for(personas.erbil_viewer).post(reverse("core:set_language"), {"language": "ckb"})
    page = client_for(personas.erbil_viewer).get(reverse("core:home")).content.decode()
    assert '<html lang="ckb" dir="rtl">' in page


def test_the_switcher_never_redirects_off_site(db: Any) -> None:
    response = Client().post(reverse("core:set_language"), {"language": "en", "next": "https://evil.example/"})
    assert response["Location"] == "/"


def test_every_page_carries_security_headers_and_a_request_id(db: Any) -> None:
    response = Client().get(reverse("accounts:login"))
    policy = response["Content-Security-Policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert len(response["X-Request-ID"]) == 32
    echoed = Client().get(reverse("accounts:login"), headers={"X-Request-ID": "lb-abc.1"})
    assert echoed["X-Request-ID"] == "lb-abc.1"


def test_pages_use_no_inline_script_or_style(personas: Personas) -> None:
    page = client_for(personas.admin).get(reverse("accounts:user_create")).content.decode()
    assert "<script>" not in page and "<style" not in page and " style=" not in page
    assert "cdn" not in page.lower()


def test_healthz_reports_ok(db: Any) -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200
    body = json.loads(response.content)
    assert body["status"] == "ok" and body["database"] == "ok" and body["version"]


def test_healthz_names_the_database_when_it_is_down(db: Any, monkeypatch: pytest.MonkeyPatch) -> None:
    class Unreachable:
        def cursor(self) -> Any:
            raise connection.Database.OperationalError("server closed the connection")

    monkeypatch.setattr("rasd.core.views.connection", Unreachable())
    response = Client().get("/healthz")
    assert response.status_code == 503
    body = json.loads(response.content)
    assert (body["status"], body["database"]) == ("error", "error")


def test_the_home_page_counts_only_what_is_in_scope(personas: Personas) -> None:
    page = client_for(personas.basra_manager).get(reverse("core:home"))
    summary = page.context["summary"]
    assert (summary["authorities"], summary["directorates"], summary["sectors"]) == (1, 1, 2)
    national = client_for(personas.admin).get(reverse("core:home")).context["summary"]
    assert (national["authorities"], national["directorates"], national["sectors"]) == (2, 4, 4)
