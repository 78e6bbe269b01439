"""formList, form download, manifest and the per-user facilities.csv / sectors.csv."""

from __future__ import annotations

import csv
import datetime
import hashlib
import io
from pathlib import Path

import pytest
from django.test import Client
from django.utils import timezone
from lxml import etree

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.accounts.scoping import ScopeKind
from rasd.collection.attachments import FACILITY_COLUMNS, SECTOR_COLUMNS, form_attachment
from rasd.collection.models import Assignment, DeviceToken, ExpectedFacility, RoundState
from rasd.questionnaires.default_form import DEFAULT_DIR
from rasd.questionnaires.models import QuestionnaireVersion, VersionState
from rasd.registry.models import Facility
from tests.collection_fixtures import CollectionWorld
from tests.conftest import MakeUser, Personas, World
from tests.openrosa.helpers import OPENROSA, basic_headers, basic_url, key_url

pytestmark = pytest.mark.django_db

LIST_NS = "{http://openrosa.org/xforms/xformsList}"
MANIFEST_NS = "{http://openrosa.org/xforms/xformsManifest}"


def listed(response: object) -> dict[str, dict[str, str]]:
    document = etree.fromstring(response.content)  # type: ignore[attr-defined]
    assert document.tag == f"{LIST_NS}xforms"
    forms = {}
    for xform in document.findall(f"{LIST_NS}xform"):
        fields = {child.tag.removeprefix(LIST_NS): child.text or "" for child in xform}
        forms[fields["formID"]] = fields
    return forms


def basic_form_list(user: User) -> dict[str, dict[str, str]]:
    response = Client().get(basic_url("formlist"), headers=basic_headers(user.username))
    assert response.status_code == 200
    return listed(response)


def media(client: Client, url: str) -> dict[str, dict[str, str]]:
    response = client.get(url, headers=OPENROSA)
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    assert document.tag == f"{MANIFEST_NS}manifest"
    return {
        entry.findtext(f"{MANIFEST_NS}filename") or "": {
            "hash": entry.findtext(f"{MANIFEST_NS}hash") or "",
            "downloadUrl": entry.findtext(f"{MANIFEST_NS}downloadUrl") or "",
        }
        for entry in document.findall(f"{MANIFEST_NS}mediaFile")
    }


def md5(content: bytes) -> str:
    return hashlib.md5(content, usedforsecurity=False).hexdigest()


def rows(content: bytes) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(content.decode("utf-8"))))


# --- formList ----------------------------------------------------------------------------------------------------


def test_the_collector_sees_the_rounds_form_with_everything_collect_needs(collection: CollectionWorld) -> None:
    response = Client().get(key_url(collection.token, "formlist"), headers=OPENROSA)
    assert response.status_code == 200
    version = collection.version
    form_id = version.questionnaire.form_id
    entry = listed(response)[form_id]
    assert entry["name"] == version.questionnaire.title
    assert entry["version"] == version.version
    assert entry["hash"] == f"md5:{md5(version.xform.encode())}"
    token = collection.token.token
    assert entry["downloadUrl"] == f"http://testserver/openrosa/key/{token}/forms/{form_id}.xml"
    assert entry["manifestUrl"] == f"http://testserver/openrosa/key/{token}/forms/{form_id}/manifest"


def test_the_downloaded_form_is_the_listed_one(collection: CollectionWorld) -> None:
    client = Client()
    entry = listed(client.get(key_url(collection.token, "formlist"), headers=OPENROSA))["herams_iraq"]
    response = client.get(entry["downloadUrl"], headers=OPENROSA)
    assert response.status_code == 200
    assert response["Content-Type"] == "text/xml; charset=utf-8"
    assert f"md5:{md5(response.content)}" == entry["hash"]


def test_formlist_per_persona(
    collection: CollectionWorld, personas: Personas, make_user: MakeUser, world: World
) -> None:
    assert "herams_iraq" in basic_form_list(personas.basra_manager)  # expected facilities in scope
    assert "herams_iraq" in basic_form_list(personas.medical_city_manager)
    assert "herams_iraq" in basic_form_list(personas.admin)
    assert basic_form_list(personas.erbil_viewer) == {}  # may not submit
    # A collector without an assignment in the round (their sector's facility is assigned to nobody).
    najaf = make_user("najaf-collector", Role.DATA_COLLECTOR, ScopeKind.SECTORS, sectors=(world.najaf_s1,))
    assert basic_form_list(najaf) == {}
    assert "herams_iraq" in basic_form_list(collection.other_collector)


def test_an_office_user_without_expected_facilities_in_scope_sees_nothing(
    collection: CollectionWorld, personas: Personas
) -> None:
    ExpectedFacility.objects.filter(facility__directorate__code="erbil").update(removed_at=timezone.now())
    assert basic_form_list(personas.erbil_manager) == {}
    assert "herams_iraq" in basic_form_list(personas.basra_manager)


@pytest.mark.parametrize("state", [RoundState.PLANNING, RoundState.CLEANING, RoundState.CLOSED])
def test_rounds_not_collecting_offer_nothing(collection: CollectionWorld, state: str) -> None:
    collection.round.state = state
    collection.round.save(update_fields=["state"])
    client = Client()
    assert listed(client.get(key_url(collection.token, "formlist"), headers=OPENROSA)) == {}
    url = key_url(collection.token, "form_download", form_id="herams_iraq")
    assert client.get(url, headers=OPENROSA).status_code == 404


def _newer_version(version: QuestionnaireVersion, number: str) -> QuestionnaireVersion:
    xform = version.xform.replace(f'version="{version.version}"', f'version="{number}"', 1)
    return QuestionnaireVersion.objects.create(
        questionnaire=version.questionnaire,
        version=number,
        state=VersionState.PUBLISHED,
        xlsform=b"",
        xlsform_name="herams_iraq.xlsx",
        xform=xform,
        md5=md5(xform.encode()),
        published_at=timezone.now() + datetime.timedelta(minutes=1),
    )


def test_a_round_accepting_several_versions_lists_the_newest(collection: CollectionWorld) -> None:
    newer = _newer_version(collection.version, "2026.2")
    collection.round.versions.add(newer)
    client = Client()
    entry = listed(client.get(key_url(collection.token, "formlist"), headers=OPENROSA))["herams_iraq"]
    assert entry["version"] == "2026.2"
    assert entry["hash"] == f"md5:{newer.md5}"
    download = client.get(entry["downloadUrl"], headers=OPENROSA)
    assert 'version="2026.2"' in download.content.decode()


def test_retired_and_draft_versions_are_not_listed(collection: CollectionWorld) -> None:
    newer = _newer_version(collection.version, "2026.2")
    QuestionnaireVersion.objects.filter(pk=newer.pk).update(state=VersionState.DRAFT)
    collection.round.versions.add(newer)
    entry = listed(Client().get(key_url(collection.token, "formlist"), headers=OPENROSA))["herams_iraq"]
    assert entry["version"] == collection.version.version


def test_unknown_forms_and_files_are_404(collection: CollectionWorld) -> None:
    client = Client()
    for url in [
        key_url(collection.token, "form_download", form_id="no_such_form"),
        key_url(collection.token, "manifest", form_id="no_such_form"),
        key_url(collection.token, "attachment", form_id="herams_iraq", name="secrets.csv"),
        key_url(collection.token, "attachment", form_id="no_such_form", name="facilities.csv"),
    ]:
        response = client.get(url, headers=OPENROSA)
        assert response.status_code == 404, url
        assert response["X-OpenRosa-Version"] == "1.0"


# --- manifest and attachments --------------------------------------------------------------------------------------


def test_the_manifest_lists_both_csvs_with_the_md5_of_the_bytes_served(collection: CollectionWorld) -> None:
    client = Client()
    files = media(client, key_url(collection.token, "manifest", form_id="herams_iraq"))
    assert set(files) == {"facilities.csv", "sectors.csv"}
    for name, entry in files.items():
        assert entry["downloadUrl"].endswith(key_url(collection.token, "attachment", form_id="herams_iraq", name=name))
        response = client.get(entry["downloadUrl"], headers=OPENROSA)
        assert response.status_code == 200
        assert entry["hash"] == f"md5:{md5(response.content)}"


def test_the_sector_1_collector_gets_only_their_facility(collection: CollectionWorld) -> None:
    client = Client()
    url = key_url(collection.token, "attachment", form_id="herams_iraq", name="facilities.csv")
    content = client.get(url, headers=OPENROSA).content
    assert [row["name"] for row in rows(content)] == ["PHC-BASRA-1"]
    url = key_url(collection.token, "attachment", form_id="herams_iraq", name="sectors.csv")
    assert [row["name"] for row in rows(client.get(url, headers=OPENROSA).content)] == ["basra-1"]


def test_the_columns_are_those_of_the_default_examples(collection: CollectionWorld) -> None:
    facility = collection.facilities["PHC-BASRA-1"]
    for name, columns in (("facilities.csv", FACILITY_COLUMNS), ("sectors.csv", SECTOR_COLUMNS)):
        with Path(DEFAULT_DIR / name).open(encoding="utf-8") as handle:
            assert tuple(next(csv.reader(handle))) == columns
    content = form_attachment(collection.collector, collection.version, "facilities.csv")
    assert content is not None
    assert rows(content) == [
        {
            "name": "PHC-BASRA-1",
            "label": facility.name_ar,
            "label_ar": facility.name_ar,
            "label_ckb": "",
            "label_en": "",
            "directorate": "basra",
            "sector": "basra-1",
            "type": "phc-main",
            "level_of_care": "primary",
            "status": "open",
        }
    ]


def test_office_users_get_the_expected_facilities_in_their_scope(
    collection: CollectionWorld, personas: Personas, world: World
) -> None:
    version = collection.version
    content = form_attachment(personas.basra_manager, version, "facilities.csv")
    assert content is not None
    assert [row["name"] for row in rows(content)] == ["HOSP-BASRA", "PHC-BASRA-1", "PHC-BASRA-2"]
    sectors = form_attachment(personas.basra_manager, version, "sectors.csv")
    assert sectors is not None
    assert [row["name"] for row in rows(sectors)] == ["basra-1", "basra-2"]
    ExpectedFacility.objects.filter(facility__code="PHC-BASRA-2").update(removed_at=timezone.now())
    content = form_attachment(personas.basra_manager, version, "facilities.csv")
    assert content is not None
    assert [row["name"] for row in rows(content)] == ["HOSP-BASRA", "PHC-BASRA-1"]
    national = form_attachment(personas.admin, version, "facilities.csv")
    assert national is not None
    assert len(rows(national)) == len(collection.facilities) - 1  # all expected, but the one removed
    assert (
        form_attachment(personas.erbil_viewer, version, "facilities.csv")
        == "".join([",".join(FACILITY_COLUMNS), "\n"]).encode()
    )


def test_a_collector_loses_a_facility_removed_from_the_round(collection: CollectionWorld) -> None:
    ExpectedFacility.objects.filter(facility__code="PHC-BASRA-1").update(removed_at=timezone.now())
    content = form_attachment(collection.collector, collection.version, "facilities.csv")
    assert content is not None
    assert rows(content) == []


def test_the_manifest_hash_changes_only_when_the_collectors_list_does(
    collection: CollectionWorld, personas: Personas
) -> None:
    client = Client()
    url = key_url(collection.token, "manifest", form_id="herams_iraq")

    def facilities_hash() -> str:
        return media(client, url)["facilities.csv"]["hash"]

    before = facilities_hash()
    assert facilities_hash() == before  # deterministic
    # Unrelated changes: another collector's assignment, a facility elsewhere renamed, another device token.
    Assignment.objects.create(
        round=collection.round, facility=collection.facilities["PHC-NAJAF-1"], collector=collection.other_collector
    )
    Facility.objects.filter(code="PHC-NAJAF-1").update(name_ar="marker-renamed")
    DeviceToken.objects.create(user=collection.collector, label="second", token="another-token-for-the-test")
    assert facilities_hash() == before
    # The collector is given another facility: a new list, a new hash.
    Assignment.objects.create(
        round=collection.round, facility=collection.facilities["HOSP-BASRA"], collector=collection.collector
    )
    after = facilities_hash()
    assert after != before
    # Their facility's name changes: new hash again.
    Facility.objects.filter(code="PHC-BASRA-1").update(name_en="Renamed centre")
    assert facilities_hash() != after


def test_the_same_endpoints_work_over_basic(collection: CollectionWorld, personas: Personas) -> None:
    client = Client()
    headers = basic_headers(personas.basra_manager.username)
    entry = listed(client.get(basic_url("formlist"), headers=headers))["herams_iraq"]
    assert entry["downloadUrl"] == "http://testserver/openrosa/forms/herams_iraq.xml"
    assert client.get(entry["downloadUrl"], headers=headers).status_code == 200
    manifest = client.get(entry["manifestUrl"], headers=headers)
    document = etree.fromstring(manifest.content)
    download = document.findtext(f"{MANIFEST_NS}mediaFile/{MANIFEST_NS}downloadUrl")
    assert download is not None
    assert download.startswith("http://testserver/openrosa/forms/herams_iraq/attachments/")
    assert client.get(download, headers=headers).status_code == 200


def test_urls_use_the_public_address_when_configured(collection: CollectionWorld, settings: object) -> None:
    settings.RASD_PUBLIC_URL = "https://rasd.example.org"  # type: ignore[attr-defined]
    entry = listed(Client().get(key_url(collection.token, "formlist"), headers=OPENROSA))["herams_iraq"]
    assert entry["downloadUrl"].startswith("https://rasd.example.org/openrosa/key/")
