"""Importing on the web: upload, a preview of the problems or of the changes, and nothing written before Confirm."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from rasd.audit.models import AuditEntry
from rasd.registry.models import Facility
from tests.conftest import Personas, client_for
from tests.registry.conftest import english

GOOD = (
    "code,name_ar,name_en,facility_type,directorate,sector\n"
    "BSR-500,مركز الأمل,Al-Amal PHC,phc-main,basra,basra-1\n"
    "HOSP-BASRA,marker-HOSP-BASRA,Basra General Hospital,hospital,basra,\n"
)


@pytest.fixture(autouse=True)
def uploads_in(settings: Any, tmp_path: Path) -> None:
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client: Client, text: str, name: str = "list.csv", **fields: str) -> Any:
    source = SimpleUploadedFile(name, text.encode("utf-8"))
    return client.post("/registry/import/", {"file": source, **fields})


def test_a_manager_previews_then_confirms_an_import(personas: Personas, facilities: dict[str, Facility]) -> None:
    client = english(personas.basra_manager)
    response = upload(client, GOOD, reason="2025 survey", valid_from="2025-02-01")
    assert response.status_code == 302
    preview_url = response["Location"]
    page = client.get(preview_url).content.decode()
    assert "Al-Amal PHC" in page and "Basra General Hospital" in page and "Confirm and import" in page
    assert not Facility.objects.filter(code="BSR-500").exists()  # a preview writes nothing
    confirmed = client.post(preview_url)
    assert confirmed.status_code == 302
    assert "Imported: 1 created, 1 changed, 0 unchanged." in client.get(preview_url).content.decode()
    created = Facility.objects.get(code="BSR-500")
    assert created.versions.get().reason == "2025 survey"
    hospital = Facility.objects.get(code="HOSP-BASRA")
    assert (hospital.version, hospital.valid_from.isoformat()) == (2, "2025-02-01")
    entries = AuditEntry.objects.filter(actor=personas.basra_manager, action__startswith="facility.").count()
    assert entries == 2
    assert client.post(preview_url).status_code == 200  # confirming again changes nothing
    assert AuditEntry.objects.filter(actor=personas.basra_manager, action__startswith="facility.").count() == 2


def test_problems_are_listed_and_nothing_can_be_confirmed(personas: Personas, facilities: dict[str, Facility]) -> None:
    client = english(personas.basra_manager)
    bad = "code,name_ar,Type,directorate\nBSR-501,مركز,clinic-x,basra\n"
    preview_url = upload(client, bad)["Location"]
    page = client.get(preview_url).content.decode()
    assert "The file has 1 problem. Nothing was written." in page
    assert "No facility type has the code or name “clinic-x”." in page and "Confirm and import" not in page
    assert client.post(preview_url).status_code == 200
    assert not Facility.objects.filter(code="BSR-501").exists()


def test_a_basra_manager_cannot_import_into_najaf(personas: Personas, facilities: dict[str, Facility]) -> None:
    client = english(personas.basra_manager)
    text = "code,name_ar,facility_type,directorate\nNJF-500,مركز,phc-main,najaf\nHOSP-NAJAF,x,hospital,najaf\n"
    preview_url = upload(client, text)["Location"]
    client.post(preview_url)
    page = client.get(preview_url).content.decode()
    assert "You may only place facilities inside your own scope." in page
    assert "This facility is outside your scope." in page
    assert not Facility.objects.filter(code="NJF-500").exists()
    assert Facility.objects.get(code="HOSP-NAJAF").name_ar == "marker-HOSP-NAJAF"


def test_nobody_else_can_open_or_confirm_an_upload(personas: Personas, facilities: dict[str, Facility]) -> None:
    preview_url = upload(client_for(personas.basra_manager), GOOD)["Location"]
    for other in (personas.admin, personas.national_fed, personas.najaf_manager):
        assert client_for(other).get(preview_url).status_code == 404
        assert client_for(other).post(preview_url).status_code == 404
    assert not Facility.objects.filter(code="BSR-500").exists()


def test_only_managers_may_import(personas: Personas) -> None:
    assert client_for(personas.basra_s1_collector).get("/registry/import/").status_code == 403
    assert client_for(personas.erbil_viewer).get("/registry/import/").status_code == 403
    assert client_for(None).get("/registry/import/").status_code == 302
    assert client_for(personas.basra_manager).get("/registry/import/").status_code == 200


def test_a_file_that_cannot_be_read_is_refused_at_upload(personas: Personas, tmp_path: Path) -> None:
    client = english(personas.basra_manager)
    response = upload(client, "code\n", name="list.pdf")
    assert response.status_code == 200 and "Give a .csv, .xlsx or .geojson file." in response.content.decode()
    source = SimpleUploadedFile("list.csv", "code,name_ar\nX,مركز\n".encode("cp1256"))
    response = client.post("/registry/import/", {"file": source})
    assert response.status_code == 200 and "not UTF-8" in response.content.decode()
    workbook = SimpleUploadedFile("list.xlsx", b"not a workbook")
    response = client.post("/registry/import/", {"file": workbook, "sheet": "Basra"})
    assert "not an Excel workbook" in response.content.decode()
    assert not any((tmp_path / "media" / "imports").iterdir())  # refused files are not kept
