"""Scope isolation of the round pages beyond what the shared matrix checks: the matrix checks that out-of-scope
objects named in a URL are unreachable, and pages without an object for leaked names; these tests check what a round's
own pages list (facilities, collectors, tokens) for leaks, and run the matrix on the collection routes alone (fast)."""

from __future__ import annotations

import secrets

import pytest
from django.urls import reverse

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.accounts.scoping import ScopeKind
from rasd.collection import services
from rasd.collection.models import DeviceToken
from rasd.lib.request_context import acting_as
from tests import scope_matrix
from tests.collection_fixtures import CollectionWorld
from tests.conftest import MakeUser, Personas, World, client_for

ROUND_PAGES = ["round_detail", "expected_list", "assignment_list", "collector_list", "collector_cards"]


@pytest.fixture
def najaf_collector(collection: CollectionWorld, world: World, make_user: MakeUser) -> User:
    collector = make_user("najaf-collector", Role.DATA_COLLECTOR, ScopeKind.SECTORS, sectors=(world.najaf_s1,))
    DeviceToken.objects.create(user=collector, label="marker-najaf-tablet", token=secrets.token_urlsafe(32))
    with acting_as(None):
        services.assign_by_scope(None, collection.round)
    return collector


def test_the_matrix_holds_for_the_collection_routes(
    collection: CollectionWorld, personas: Personas, najaf_collector: User
) -> None:
    tokens = list(DeviceToken.objects.all())
    targets = [*personas.all().values(), najaf_collector, collection.round, *tokens]
    only = {route.name for route in scope_matrix.ROUTES if route.name.startswith("collection:")}
    assert len(only) >= 17
    findings = scope_matrix.check(scope_matrix.ROUTES, personas.all(), targets=targets, only=only)
    violations = [v for v in findings.violations if v.startswith("collection:")]
    assert violations == []


@pytest.mark.parametrize("page", ROUND_PAGES)
def test_round_pages_list_nothing_outside_the_readers_scope(
    collection: CollectionWorld, personas: Personas, najaf_collector: User, page: str
) -> None:
    url = reverse(f"collection:{page}", args=[collection.round.pk])
    body = client_for(personas.basra_manager).get(url).content.decode()
    for foreign in ("marker-PHC-NAJAF-1", "marker-PHC-ERBIL-1", "marker-najaf-collector", "marker-najaf-tablet"):
        assert foreign not in body
    supervisor = client_for(personas.basra_s1_supervisor).get(url)
    if supervisor.status_code == 200:
        body = supervisor.content.decode()
        for foreign in ("marker-PHC-BASRA-2", "marker-basra-s2-collector", "marker-HOSP-BASRA", "marker-najaf"):
            assert foreign not in body


def test_token_values_are_shown_only_to_managers_of_that_collector(
    collection: CollectionWorld, personas: Personas, najaf_collector: User
) -> None:
    najaf_token = DeviceToken.objects.get(user=najaf_collector)
    basra_token = collection.token
    cards = reverse("collection:collector_cards", args=[collection.round.pk])
    listing = reverse("collection:collector_list", args=[collection.round.pk])
    for persona in (personas.basra_manager, personas.basra_s1_supervisor):
        client = client_for(persona)
        assert client.get(reverse("collection:token_detail", args=[najaf_token.pk])).status_code == 404
        assert client.get(reverse("collection:token_qr_png", args=[najaf_token.pk])).status_code == 404
        response = client.post(reverse("collection:token_revoke", args=[najaf_token.pk]), {"reason": "x"})
        assert response.status_code == 404
        detail = client.get(reverse("collection:token_detail", args=[basra_token.pk]))
        assert detail.status_code == 200 and basra_token.token in detail.content.decode()
        assert 'data-collector="najaf-collector"' not in client.get(cards).content.decode()
        assert najaf_token.token not in client.get(listing).content.decode()
    najaf_token.refresh_from_db()
    assert najaf_token.revoked_at is None
    najaf_manager = client_for(personas.najaf_manager)
    assert najaf_manager.get(reverse("collection:token_detail", args=[basra_token.pk])).status_code == 404
    assert 'data-collector="najaf-collector"' in najaf_manager.get(cards).content.decode()
    for persona in (personas.basra_s1_collector, personas.erbil_viewer):
        assert client_for(persona).get(reverse("collection:token_detail", args=[basra_token.pk])).status_code == 403
