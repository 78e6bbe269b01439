"""Signing in, and slowing down whoever guesses passwords."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from rasd.audit.models import AuditEntry
from tests.conftest import PASSWORD, Personas


def _sign_in(client: Client, username: str, password: str, address: str = "198.51.100.1") -> str:
    response = client.post(reverse("accounts:login"), {"username": username, "password": password}, REMOTE_ADDR=address)
    return response.content.decode() if response.status_code == 200 else f"redirect {response['Location']}"


def test_a_user_signs_in_with_any_letter_case_and_it_is_logged(personas: Personas) -> None:
    outcome = _sign_in(Client(), "Basra-Manager", PASSWORD)
    assert outcome == "redirect /"
    assert AuditEntry.objects.filter(action="user.signed_in", actor=personas.basra_manager).exists()


def test_a_wrong_password_says_so_in_arabic(personas: Personas) -> None:
    page = _sign_in(Client(), "basra-manager", "wrong")
    assert "اسم المستخدم أو كلمة المرور غير صحيحة" in page


def test_five_wrong_passwords_lock_the_account_for_a_while(personas: Personas, settings: object) -> None:
    client = Client()
    for _attempt in range(5):
        _sign_in(client, "basra-manager", "guess")
    page = _sign_in(client, "basra-manager", PASSWORD)
    assert "محاولات" in page  # "too many attempts", and the right password is not even checked
    assert "_auth_user_id" not in client.session
    # Other accounts are not locked by it.
    assert _sign_in(Client(), "najaf-manager", PASSWORD) == "redirect /"


def test_one_address_guessing_many_accounts_is_locked_out(personas: Personas, settings: object) -> None:
    settings.LOGIN_THROTTLE_PER_ADDRESS = 3  # type: ignore[attr-defined]
    for username in ("a", "b", "c"):
        _sign_in(Client(), username, "guess", address="203.0.113.9")
    assert "محاولات" in _sign_in(Client(), "najaf-manager", PASSWORD, address="203.0.113.9")
    assert _sign_in(Client(), "najaf-manager", PASSWORD, address="203.0.113.10") == "redirect /"


@pytest.mark.parametrize("next_url", ["/accounts/users/", "https://evil.example/"])
def test_after_sign_in_the_user_lands_only_on_rasd_pages(personas: Personas, next_url: str) -> None:
    response = Client().post(
        reverse("accounts:login") + f"?next={next_url}",
        {"username": "admin", "password": PASSWORD, "next": next_url},
    )
    assert response["Location"] == (next_url if next_url.startswith("/") else "/")
