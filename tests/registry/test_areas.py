"""National managers complete the names of administrative areas; everyone can browse them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.registry.geography_services import load_boundaries
from rasd.registry.models import AdminArea
from tests.conftest import Personas, client_for


@pytest.fixture
def halabja(db: Any) -> AdminArea:
    return AdminArea.objects.get(pcode="IQG06Q05")


def test_anyone_with_registry_access_browses_areas_with_population(personas: Personas, halabja: AdminArea) -> None:
    page = client_for(personas.erbil_viewer).get(reverse("registry:area_list"), {"level": 2, "q": "Halab"})
    body = page.content.decode()
    assert page.status_code == 200 and "IQG06Q05" in body and "IQG06Q01" not in body


def test_a_national_manager_adds_a_kurdish_name_with_a_reason(personas: Personas, halabja: AdminArea) -> None:
    url = reverse("registry:area_edit", kwargs={"pk": halabja.pk})
    response = client_for(personas.admin).post(
        url, {"name_ar": halabja.name_ar, "name_en": halabja.name_en, "name_ckb": "هەڵەبجە", "reason": "missing"}
    )
    assert response.status_code == 302
    halabja.refresh_from_db()
    assert halabja.name_ckb == "هەڵەبجە"
    entry = AuditEntry.objects.get(action="admin_area.renamed")
    assert entry.changes == {"name_ckb": ["", "هەڵەبجە"]} and entry.actor == personas.admin


def test_directorate_managers_cannot_rename_shared_boundaries(personas: Personas, halabja: AdminArea) -> None:
    url = reverse("registry:area_edit", kwargs={"pk": halabja.pk})
    assert client_for(personas.erbil_manager).get(url).status_code == 403
    response = client_for(personas.erbil_manager).post(url, {"name_ar": "x", "name_ckb": "x", "reason": "x"})
    assert response.status_code == 403
    halabja.refresh_from_db()
    assert halabja.name_ar != "x"


def test_a_rename_without_a_reason_is_refused(personas: Personas, halabja: AdminArea) -> None:
    url = reverse("registry:area_edit", kwargs={"pk": halabja.pk})
    response = client_for(personas.admin).post(url, {"name_ar": "حلبجة", "name_ckb": "هەڵەبجە", "reason": ""})
    assert response.status_code == 200
    halabja.refresh_from_db()
    assert halabja.name_ckb == ""


def test_a_corrected_name_survives_reloading_the_reference_data(personas: Personas, halabja: AdminArea) -> None:
    url = reverse("registry:area_edit", kwargs={"pk": halabja.pk})
    client_for(personas.admin).post(
        url, {"name_ar": "حلبجة", "name_en": "Halabja", "name_ckb": "هەڵەبجە", "reason": "official spelling"}
    )
    with acting_as(None):
        load_boundaries()
    halabja.refresh_from_db()
    assert (halabja.name_ar, halabja.name_en, halabja.name_ckb) == ("حلبجة", "Halabja", "هەڵەبجە")


def test_an_authority_names_only_the_governorates_it_serves(personas: Personas, world: Any) -> None:
    # In the test world the KRG authority runs one directorate, Erbil's (IQG11).
    erbil_district = AdminArea.objects.get(pcode="IQG11Q02")
    basra_district = AdminArea.objects.get(pcode="IQG02Q01")
    client = client_for(personas.national_krg)
    data = {"name_ar": "اسم", "name_ckb": "ناو", "reason": "spelling"}
    assert client.post(reverse("registry:area_edit", kwargs={"pk": erbil_district.pk}), data).status_code == 302
    assert client.post(reverse("registry:area_edit", kwargs={"pk": basra_district.pk}), data).status_code == 403
