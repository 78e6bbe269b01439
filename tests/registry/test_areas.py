"""National managers complete the names of administrative areas; everyone can browse them."""

from __future__ import annotations

from typing import Any

import pytest
from django.urls import reverse

from rasd.audit.models import AuditEntry
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
    response = client_for(personas.national_krg).post(
        url, {"name_ar": halabja.name_ar, "name_en": halabja.name_en, "name_ckb": "هەڵەبجە", "reason": "missing"}
    )
    assert response.status_code == 302
    halabja.refresh_from_db()
    assert halabja.name_ckb == "هەڵەبجە"
    entry = AuditEntry.objects.get(action="admin_area.renamed")
    assert entry.changes == {"name_ckb": ["", "هەڵەبجە"]} and entry.actor == personas.national_krg


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
