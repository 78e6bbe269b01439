"""Directorate managers create and rename the sectors of their own directorate; every change is audited."""

from __future__ import annotations

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.registry.health_admin_services import create_sector, update_sector
from rasd.registry.models import Sector
from tests.conftest import Personas, World


def test_a_directorate_manager_creates_a_sector_in_their_directorate(world: World, personas: Personas) -> None:
    with acting_as(personas.basra_manager):
        sector = create_sector(
            personas.basra_manager, code="basra-9", directorate=world.basra, name_ar=" قطاع الفاو ", name_en="Faw"
        )
    assert sector.name_ar == "قطاع الفاو" and sector.directorate == world.basra
    entry = AuditEntry.objects.get(action="sector.created")
    assert entry.actor == personas.basra_manager and entry.changes["code"] == [None, "basra-9"]


def test_nobody_creates_sectors_outside_their_scope_or_without_the_right(world: World, personas: Personas) -> None:
    with pytest.raises(PermissionDenied):
        create_sector(personas.basra_manager, code="najaf-9", directorate=world.najaf, name_ar="قطاع الكوفة")
    with pytest.raises(PermissionDenied):
        create_sector(personas.basra_s1_collector, code="basra-9", directorate=world.basra, name_ar="قطاع الفاو")
    assert not Sector.objects.filter(code__endswith="-9").exists()


def test_a_sector_code_is_used_once(world: World) -> None:
    with pytest.raises(ValidationError):
        create_sector(None, code=world.basra_s1.code, directorate=world.basra, name_ar="قطاع آخر")


def test_renaming_a_sector_needs_a_reason_and_is_audited_only_when_something_changed(
    world: World, personas: Personas
) -> None:
    sector = world.basra_s2
    with pytest.raises(ValidationError):
        update_sector(personas.basra_manager, sector, name_ar=sector.name_ar, name_en="Zubair", name_ckb="", reason="")
    with acting_as(personas.basra_manager):
        update_sector(
            personas.basra_manager, sector, name_ar=sector.name_ar, name_en="Zubair", name_ckb="", reason="English name"
        )
        update_sector(
            personas.basra_manager, sector, name_ar=sector.name_ar, name_en="Zubair", name_ckb="", reason="again"
        )
    entry = AuditEntry.objects.get(action="sector.updated")
    assert entry.changes == {"name_en": ["", "Zubair"]} and entry.reason == "English name"
    with pytest.raises(PermissionDenied):
        update_sector(personas.najaf_manager, sector, name_ar="x", name_en="", name_ckb="", reason="mine now")
