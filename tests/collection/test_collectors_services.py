"""Assignments and device tokens (rasd.collection.services): scope, idempotence, audit."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.accounts.scoping import ScopeKind
from rasd.audit.models import AuditEntry
from rasd.collection import services
from rasd.collection.models import Assignment, DeviceToken, RoundState
from rasd.lib.request_context import acting_as
from tests.collection_fixtures import CollectionWorld
from tests.conftest import MakeUser, Personas, World


def _pairs(collection: CollectionWorld) -> set[tuple[str, str]]:
    return set(Assignment.objects.filter(round=collection.round).values_list("facility__code", "collector__username"))


def test_assign_by_scope_assigns_by_sector_and_is_idempotent(
    collection: CollectionWorld, personas: Personas, world: World, make_user: MakeUser
) -> None:
    Assignment.objects.all().delete()
    directorate_collector = make_user(
        "najaf-all", Role.DATA_COLLECTOR, ScopeKind.DIRECTORATES, directorates=(world.najaf,)
    )
    admin = personas.admin
    with acting_as(admin):
        added = services.assign_by_scope(admin, collection.round)
        assert services.assign_by_scope(admin, collection.round) == 0
    assert _pairs(collection) == {
        ("PHC-BASRA-1", "basra-s1-collector"),
        ("PHC-BASRA-2", "basra-s2-collector"),
        # a directorate-scoped collector gets every facility of the directorate, the hospital too
        ("PHC-NAJAF-1", directorate_collector.username),
        ("HOSP-NAJAF", directorate_collector.username),
    }
    assert added == 4
    assert AuditEntry.objects.filter(action="round.assigned_by_scope").count() == 1


def test_assign_by_scope_stays_inside_the_managers_scope(collection: CollectionWorld, personas: Personas) -> None:
    Assignment.objects.all().delete()
    with acting_as(personas.basra_s1_supervisor):
        assert services.assign_by_scope(personas.basra_s1_supervisor, collection.round) == 1
    assert _pairs(collection) == {("PHC-BASRA-1", "basra-s1-collector")}


def test_removed_facilities_are_not_assigned(collection: CollectionWorld, personas: Personas) -> None:
    Assignment.objects.all().delete()
    with acting_as(None):
        services.set_expected(None, collection.round, collection.facilities["PHC-BASRA-2"], False, reason="gone")
        services.assign_by_scope(None, collection.round)
    assert ("PHC-BASRA-2", "basra-s2-collector") not in _pairs(collection)


def test_assign_and_unassign_by_hand(collection: CollectionWorld, personas: Personas) -> None:
    manager, facility, collector = personas.basra_manager, collection.facilities["PHC-BASRA-1"], collection.collector
    with acting_as(manager):
        services.unassign(manager, collection.round, facility, collector, reason="moved away")
        assert ("PHC-BASRA-1", "basra-s1-collector") not in _pairs(collection)
        services.assign(manager, collection.round, facility, collector)
        services.assign(manager, collection.round, facility, collector)  # idempotent
    assert Assignment.objects.filter(round=collection.round, facility=facility, collector=collector).count() == 1
    assert AuditEntry.objects.get(action="assignment.removed").reason == "moved away"
    assert AuditEntry.objects.filter(action="assignment.created").count() == 1


def test_assignment_refusals(collection: CollectionWorld, personas: Personas) -> None:
    round_, facilities = collection.round, collection.facilities
    with acting_as(personas.basra_s1_supervisor), pytest.raises(PermissionDenied):
        # the facility of another sector is outside the supervisor's scope
        services.assign(personas.basra_s1_supervisor, round_, facilities["PHC-BASRA-2"], collection.other_collector)
    with acting_as(personas.najaf_manager), pytest.raises(PermissionDenied):
        services.assign(personas.najaf_manager, round_, facilities["PHC-NAJAF-1"], collection.collector)
    with acting_as(personas.admin), pytest.raises(services.CollectionError):
        # outside the collector's own sector
        services.assign(personas.admin, round_, facilities["PHC-BASRA-2"], collection.collector)
    with acting_as(personas.admin), pytest.raises(services.CollectionError):
        services.assign(personas.admin, round_, facilities["PHC-BASRA-1"], personas.basra_manager)
    with acting_as(personas.basra_s1_collector), pytest.raises(PermissionDenied):
        services.assign_by_scope(personas.basra_s1_collector, round_)


def test_a_closed_round_no_longer_changes(collection: CollectionWorld, personas: Personas) -> None:
    admin = personas.admin
    with acting_as(admin):
        services.set_round_state(admin, collection.round, RoundState.CLEANING)
        services.set_round_state(admin, collection.round, RoundState.CLOSED, reason="done")
        with pytest.raises(services.CollectionError):
            services.assign_by_scope(admin, collection.round)
        with pytest.raises(services.CollectionError):
            services.set_expected(admin, collection.round, collection.facilities["PHC-BASRA-1"], False, reason="x")


def test_tokens_are_issued_and_revoked_with_audit_entries(collection: CollectionWorld, personas: Personas) -> None:
    supervisor = personas.basra_s1_supervisor
    with acting_as(supervisor):
        token = services.issue_device_token(supervisor, collection.collector, " tablet 7 ")
    assert token.label == "tablet 7" and len(token.token) >= 43 and token.is_active
    issued = AuditEntry.objects.get(action="device_token.issued")
    assert token.token not in str(issued.changes)  # the secret never enters the log
    with acting_as(supervisor):
        services.revoke_device_token(supervisor, token, reason="lost in the field")
        services.revoke_device_token(supervisor, token, reason="again")  # no second entry
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == supervisor and not token.is_active
    revoked = AuditEntry.objects.filter(action="device_token.revoked")
    assert revoked.count() == 1 and revoked.get().reason == "lost in the field"


def test_token_refusals(collection: CollectionWorld, personas: Personas, world: World, make_user: MakeUser) -> None:
    with acting_as(personas.basra_s1_supervisor), pytest.raises(PermissionDenied):
        services.issue_device_token(personas.basra_s1_supervisor, collection.other_collector, "tablet")
    with acting_as(personas.najaf_manager), pytest.raises(PermissionDenied):
        services.revoke_device_token(personas.najaf_manager, collection.token, reason="not mine")
    with acting_as(personas.basra_s1_collector), pytest.raises(PermissionDenied):
        services.issue_device_token(personas.basra_s1_collector, collection.collector, "my own")
    with acting_as(personas.admin), pytest.raises(services.CollectionError):
        services.issue_device_token(personas.admin, personas.basra_manager, "manager phone")
    with acting_as(personas.admin), pytest.raises(services.CollectionError):
        services.issue_device_token(personas.admin, collection.collector, "  ")
    collection.token.refresh_from_db()
    assert collection.token.revoked_at is None
    assert DeviceToken.objects.count() == 1


def test_tokens_are_unique_and_random(collection: CollectionWorld) -> None:
    with acting_as(None):
        tokens = {services.issue_device_token(None, collection.collector, f"t{i}").token for i in range(20)}
    assert len(tokens) == 20


def test_collectors_in_scope(personas: Personas) -> None:
    names = set(services.collectors_in_scope(personas.basra_s1_supervisor).values_list("username", flat=True))
    assert names == {"basra-s1-collector"}
    assert isinstance(services.collectors_in_scope(None).first(), User)
