"""Primary-health-care sectors are data the directorates keep: listed within scope, created and renamed with the
audit log keeping every change."""

from __future__ import annotations

import re

from django.urls import reverse

from rasd.audit.models import AuditEntry
from rasd.registry.models import Facility, Sector
from tests.conftest import Personas, World, client_for

SECTORS = reverse("registry:sector_list")
NEW = reverse("registry:sector_create")


def test_the_sector_list_shows_the_sectors_in_scope_by_directorate(
    personas: Personas, world: World, facilities: dict[str, Facility]
) -> None:
    body = client_for(personas.basra_manager).get(SECTORS).content.decode()
    assert "marker-sector-basra-1" in body and "marker-sector-basra-2" in body
    assert "marker-sector-najaf-1" not in body and world.basra.name_ar in body
    # Each sector links to its open facilities in the list.
    assert re.search(rf"sector={world.basra_s1.pk}&amp;status=open\">1<", body)
    national = client_for(personas.national_fed).get(SECTORS, {"directorate": world.najaf.pk}).content.decode()
    assert "marker-sector-najaf-1" in national and "marker-sector-basra-1" not in national


def test_a_manager_creates_a_sector_in_their_directorate(personas: Personas, world: World) -> None:
    client = client_for(personas.basra_manager)
    data = {"code": "basra-faw", "directorate": world.basra.pk, "name_ar": "قطاع الفاو", "name_en": "Al-Faw"}
    response = client.post(NEW, data)
    assert response.status_code == 302 and response["Location"] == SECTORS
    sector = Sector.objects.get(code="basra-faw")
    entry = AuditEntry.objects.get(action="sector.created", object_id=str(sector.pk))
    assert entry.actor == personas.basra_manager and sector.directorate == world.basra


def test_a_sector_cannot_be_created_outside_the_scope_nor_with_a_taken_code(personas: Personas, world: World) -> None:
    client = client_for(personas.basra_manager)
    outside = client.post(NEW, {"code": "najaf-9", "directorate": world.najaf.pk, "name_ar": "قطاع الكوفة"})
    assert outside.status_code == 200 and not Sector.objects.filter(code="najaf-9").exists()
    taken = client.post(NEW, {"code": world.basra_s1.code, "directorate": world.basra.pk, "name_ar": "قطاع آخر"})
    assert taken.status_code == 200 and "invalid-feedback" in taken.content.decode()
    assert Sector.objects.filter(code=world.basra_s1.code).count() == 1


def test_renaming_a_sector_needs_a_reason(personas: Personas, world: World) -> None:
    url = reverse("registry:sector_edit", kwargs={"pk": world.basra_s2.pk})
    client = client_for(personas.basra_manager)
    data = {"name_ar": "قطاع الزبير", "name_ckb": "", "name_en": "Zubair"}
    assert client.post(url, {**data, "reason": ""}).status_code == 200
    assert Sector.objects.get(pk=world.basra_s2.pk).name_en == ""
    assert client.post(url, {**data, "reason": "official name"}).status_code == 302
    entry = AuditEntry.objects.get(action="sector.updated")
    assert entry.reason == "official name" and entry.changes["name_en"] == ["", "Zubair"]


def test_sectors_are_read_only_for_collectors_and_hidden_outside_the_scope(personas: Personas, world: World) -> None:
    collector = client_for(personas.basra_s1_collector)
    assert collector.get(SECTORS).status_code == 200
    assert collector.get(NEW).status_code == 403
    assert collector.get(reverse("registry:sector_edit", kwargs={"pk": world.basra_s1.pk})).status_code == 403
    najaf = client_for(personas.najaf_manager)
    assert najaf.get(reverse("registry:sector_edit", kwargs={"pk": world.basra_s1.pk})).status_code == 404
