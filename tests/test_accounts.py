"""Managing user accounts: who may give which role and scope, and what the log keeps of it."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.accounts.scoping import ScopeKind
from rasd.accounts.services import AccountDetails, create_account, set_active, update_account
from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from tests.conftest import PASSWORD, Personas, World, client_for


def _collector(world: World, username: str = "new-collector", **changes: object) -> AccountDetails:
    details = AccountDetails(
        username=username,
        full_name="جامع بيانات جديد",
        role=Role.DATA_COLLECTOR,
        scope_kind=ScopeKind.SECTORS,
        scope_sectors=[world.basra_s1],
    )
    for key, value in changes.items():
        setattr(details, key, value)
    return details


def test_a_directorate_manager_creates_a_collector_in_their_sector(personas: Personas, world: World) -> None:
    manager = personas.basra_manager
    with acting_as(manager):
        collector = create_account(manager, _collector(world), PASSWORD, reason="new field team")
    entry = AuditEntry.objects.filter(action="user.created", object_id=str(collector.pk)).get()
    assert entry.actor == manager
    assert entry.reason == "new field team"
    assert entry.changes["role"] == [None, "data_collector"]
    assert entry.changes["scope_sectors"] == [None, [world.basra_s1.pk]]
    assert "password" not in entry.changes


def test_nobody_gives_a_role_at_or_above_their_own(personas: Personas, world: World) -> None:
    manager = personas.basra_manager
    details = _collector(
        world, role=Role.DIRECTORATE_MANAGER, scope_kind=ScopeKind.DIRECTORATES, scope_directorates=[world.basra]
    )
    with pytest.raises(ValidationError) as error, acting_as(manager):
        create_account(manager, details, PASSWORD)
    assert "role" in error.value.message_dict
    assert not User.objects.filter(username="new-collector").exists()


def test_nobody_gives_a_scope_outside_their_own(personas: Personas, world: World) -> None:
    manager = personas.basra_manager
    with pytest.raises(ValidationError) as error, acting_as(manager):
        create_account(manager, _collector(world, scope_sectors=[world.najaf_s1]), PASSWORD)
    assert "scope_kind" in error.value.message_dict


def test_a_role_needs_a_scope_of_the_right_kind(personas: Personas, world: World) -> None:
    details = _collector(world, role=Role.DIRECTORATE_MANAGER, scope_kind=ScopeKind.SECTORS)
    with pytest.raises(ValidationError) as error, acting_as(personas.admin):
        create_account(personas.admin, details, PASSWORD)
    assert "scope_kind" in error.value.message_dict


def test_usernames_are_unique_whatever_their_case(personas: Personas, world: World) -> None:
    with pytest.raises(ValidationError) as error, acting_as(personas.admin):
        create_account(personas.admin, _collector(world, username="BASRA-Manager"), PASSWORD)
    assert "username" in error.value.message_dict


def test_a_role_change_is_audited_with_before_and_after(personas: Personas, world: World) -> None:
    target = personas.basra_s1_collector
    details = _collector(world, username=target.username, role=Role.SECTOR_SUPERVISOR)
    with acting_as(personas.basra_manager):
        update_account(personas.basra_manager, target, details, reason="promoted")
    entry = AuditEntry.objects.filter(object_id=str(target.pk)).first()
    assert entry is not None
    assert entry.action == "user.role_changed"
    assert entry.changes["role"] == ["data_collector", "sector_supervisor"]
    assert entry.reason == "promoted"


def test_nobody_changes_their_own_role(personas: Personas, world: World) -> None:
    manager = personas.basra_manager
    details = AccountDetails(
        username=manager.username,
        full_name=manager.full_name,
        role=Role.NATIONAL_MANAGER,
        scope_kind=ScopeKind.ALL,
    )
    with pytest.raises(PermissionDenied), acting_as(manager):
        update_account(manager, manager, details, reason="self promotion")


def test_deactivating_needs_a_reason_and_stops_sign_in(personas: Personas) -> None:
    target = personas.basra_s2_collector
    with pytest.raises(ValidationError), acting_as(personas.basra_manager):
        set_active(personas.basra_manager, target, False, reason=" ")
    with acting_as(personas.basra_manager):
        set_active(personas.basra_manager, target, False, reason="left the team")
    response = client_for(None).post(reverse("accounts:login"), {"username": target.username, "password": PASSWORD})
    assert response.status_code == 200
    assert "_auth_user_id" not in response.client.session


def test_the_user_pages_create_edit_and_show_history(personas: Personas, world: World) -> None:
    client = client_for(personas.basra_manager)
    response = client.post(
        reverse("accounts:user_create"),
        {
            "username": "ali.hassan",
            "full_name": "علي حسن",
            "password": PASSWORD,
            "password_again": PASSWORD,
            "role": "data_collector",
            "scope_kind": "sectors",
            "scope_sectors": [world.basra_s2.pk],
        },
    )
    account = User.objects.get(username="ali.hassan")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", kwargs={"pk": account.pk})

    form = client.get(reverse("accounts:user_edit", kwargs={"pk": account.pk}))
    assert form.status_code == 200
    response = client.post(
        reverse("accounts:user_edit", kwargs={"pk": account.pk}),
        {
            "username": "ali.hassan",
            "full_name": "علي حسن كاظم",
            "role": "data_collector",
            "scope_kind": "sectors",
            "scope_sectors": [world.basra_s1.pk, world.basra_s2.pk],
            "reason": "covers both sectors now",
        },
    )
    assert response.status_code == 302
    page = client.get(reverse("accounts:user_detail", kwargs={"pk": account.pk})).content.decode()
    assert "covers both sectors now" in page
    assert "user.updated" in page and "user.created" in page


def test_an_edit_without_a_reason_is_refused_and_changes_nothing(personas: Personas, world: World) -> None:
    target = personas.basra_s1_collector
    client = client_for(personas.basra_manager)
    response = client.post(
        reverse("accounts:user_edit", kwargs={"pk": target.pk}),
        {
            "username": target.username,
            "full_name": "new name",
            "role": "data_collector",
            "scope_kind": "sectors",
            "scope_sectors": [world.basra_s1.pk],
        },
    )
    assert response.status_code == 200
    target.refresh_from_db()
    assert target.full_name == "marker-basra-s1-collector"


def test_the_user_list_filters_by_role_and_text(personas: Personas) -> None:
    client = client_for(personas.admin)
    page = client.get(reverse("accounts:user_list"), {"role": "data_collector"}).content.decode()
    assert "marker-basra-s1-collector" in page and "marker-basra-manager" not in page
    page = client.get(reverse("accounts:user_list"), {"q": "erbil"}).content.decode()
    assert "marker-erbil-manager" in page and "marker-basra-manager" not in page
    partial = client.get(reverse("accounts:user_list"), {"q": "erbil"}, headers={"HX-Request": "true"})
    assert b"<html" not in partial.content and b"marker-erbil-viewer" in partial.content


def test_collectors_and_viewers_cannot_open_user_management(personas: Personas) -> None:
    for persona in (personas.basra_s1_collector, personas.erbil_viewer):
        assert client_for(persona).get(reverse("accounts:user_list")).status_code == 403
        assert client_for(persona).get(reverse("accounts:user_create")).status_code == 403


def test_an_administrator_resets_a_forgotten_password(personas: Personas) -> None:
    target = personas.basra_s2_collector
    response = client_for(personas.basra_manager).post(
        reverse("accounts:user_reset_password", kwargs={"pk": target.pk}),
        {"password": "a-fresh-Pa55word", "reason": "forgot it"},
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert target.check_password("a-fresh-Pa55word")
    entry = AuditEntry.objects.filter(action="user.password_reset", object_id=str(target.pk)).get()
    assert entry.changes == {}  # the password never enters the log


def test_users_change_their_own_password_and_stay_signed_in(personas: Personas) -> None:
    client = client_for(personas.erbil_viewer)
    response = client.post(
        reverse("accounts:password_change"),
        {"old_password": PASSWORD, "new_password1": "my-new-Pa55word", "new_password2": "my-new-Pa55word"},
    )
    assert response.status_code == 302
    assert client.get(reverse("core:home")).status_code == 200
    assert AuditEntry.objects.filter(action="user.password_changed", actor=personas.erbil_viewer).exists()
