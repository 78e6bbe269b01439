"""Browser entry: who may fill what, the form handed to ODK Web Forms, its attachments and the page's policy."""

from __future__ import annotations

from lxml import etree

from rasd.questionnaires.models import QuestionnaireVersion, VersionState
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, client_for

XFORMS = "{http://www.w3.org/2002/xforms}"


def _fill(collection: CollectionWorld, code: str, suffix: str = "") -> str:
    return f"/entry/versions/{collection.version.pk}/fill/{code}/{suffix}"


def test_the_start_page_lists_only_the_facilities_the_user_reports_on(
    collection: CollectionWorld, personas: Personas
) -> None:
    collector = client_for(personas.basra_s1_collector).get("/entry/").content.decode()
    assert "PHC-BASRA-1" in collector  # their assignment
    assert "PHC-BASRA-2" not in collector and "HOSP-BASRA" not in collector and "PHC-NAJAF-1" not in collector

    manager = client_for(personas.basra_manager).get("/entry/").content.decode()
    assert "PHC-BASRA-1" in manager and "PHC-BASRA-2" in manager and "HOSP-BASRA" in manager
    assert "PHC-NAJAF-1" not in manager and "HOSP-ERBIL" not in manager
    assert collection.round.name in manager
    by_round = client_for(personas.basra_manager).get("/entry/", {"round": collection.round.code}).content.decode()
    assert f"/entry/versions/{collection.version.pk}/fill/PHC-BASRA-1/" in by_round  # the round page links so


def test_the_start_page_searches_by_name_or_code(collection: CollectionWorld, personas: Personas) -> None:
    page = client_for(personas.admin).get("/entry/", {"version": collection.version.pk, "q": "HOSP-"}).content
    text = page.decode()
    assert "HOSP-NAJAF" in text and "HOSP-ERBIL" in text
    assert "PHC-BASRA-1" not in text


def test_users_who_may_not_submit_get_no_entry_pages(collection: CollectionWorld, personas: Personas) -> None:
    viewer = client_for(personas.erbil_viewer)
    assert viewer.get("/entry/").status_code == 403
    assert viewer.get(_fill(collection, "HOSP-ERBIL")).status_code == 403
    assert client_for(None).get("/entry/").status_code == 302


def test_the_form_opens_in_the_page_language_prefilled_with_the_facility(
    collection: CollectionWorld, personas: Personas
) -> None:
    client = client_for(personas.basra_manager)
    response = client.get(_fill(collection, "PHC-BASRA-2", "form.xml"))
    assert response.status_code == 200
    document = etree.fromstring(response.content)
    defaults = [t.get("lang") for t in document.iter(f"{XFORMS}translation") if t.get("default")]
    assert defaults == ["Arabic (ar)"]
    data = document.find(f".//{XFORMS}instance/{XFORMS}data")
    assert data is not None
    assert data.findtext(f"{XFORMS}identification/{XFORMS}facility") == "PHC-BASRA-2"
    assert data.findtext(f"{XFORMS}identification/{XFORMS}directorate") == "basra"
    assert data.findtext(f"{XFORMS}identification/{XFORMS}sector") == collection.facilities["PHC-BASRA-2"].sector.code

    english = etree.fromstring(client.get(_fill(collection, "PHC-BASRA-2", "form.xml"), {"lang": "en"}).content)
    assert [t.get("lang") for t in english.iter(f"{XFORMS}translation") if t.get("default")] == ["English (en)"]


def test_a_hospital_without_a_sector_leaves_the_sector_empty(collection: CollectionWorld, personas: Personas) -> None:
    response = client_for(personas.basra_manager).get(_fill(collection, "HOSP-BASRA", "form.xml"))
    data = etree.fromstring(response.content).find(f".//{XFORMS}instance/{XFORMS}data")
    assert data is not None
    assert data.findtext(f"{XFORMS}identification/{XFORMS}facility") == "HOSP-BASRA"
    assert not data.findtext(f"{XFORMS}identification/{XFORMS}sector")


def test_a_facility_the_user_does_not_report_on_is_not_found(collection: CollectionWorld, personas: Personas) -> None:
    assert client_for(personas.basra_manager).get(_fill(collection, "PHC-NAJAF-1")).status_code == 404
    assert client_for(personas.basra_manager).get(_fill(collection, "PHC-NAJAF-1", "form.xml")).status_code == 404
    # A collector fills only their assignments, even inside their directorate.
    assert client_for(personas.basra_s1_collector).get(_fill(collection, "PHC-BASRA-2")).status_code == 404
    assert client_for(personas.basra_s1_collector).get(_fill(collection, "PHC-BASRA-1")).status_code == 200


def test_a_version_no_round_collects_with_cannot_be_filled(collection: CollectionWorld, personas: Personas) -> None:
    collection.round.state = "cleaning"
    collection.round.save(update_fields=["state"])
    assert client_for(personas.basra_manager).get(_fill(collection, "PHC-BASRA-1")).status_code == 404


def test_attachments_are_the_users_own_lists(collection: CollectionWorld, personas: Personas) -> None:
    url = f"/entry/versions/{collection.version.pk}/attachments/"
    facilities = client_for(personas.basra_s1_collector).get(url + "facilities.csv")
    assert facilities.status_code == 200
    rows = facilities.content.decode().splitlines()
    assert rows[0].startswith("name,label,label_ar")
    assert [row.split(",")[0] for row in rows[1:]] == ["PHC-BASRA-1"]
    manager_rows = client_for(personas.basra_manager).get(url + "facilities.csv").content.decode().splitlines()
    assert {row.split(",")[0] for row in manager_rows[1:]} == {"HOSP-BASRA", "PHC-BASRA-1", "PHC-BASRA-2"}
    assert client_for(personas.basra_manager).get(url + "sectors.csv").status_code == 200
    assert client_for(personas.basra_manager).get(url + "photo.jpg").status_code == 404


def test_the_fill_page_carries_its_config_and_a_policy_of_its_own(
    collection: CollectionWorld, personas: Personas
) -> None:
    client = client_for(personas.basra_manager)
    page = client.get(_fill(collection, "PHC-BASRA-1"))
    assert page.status_code == 200
    text = page.content.decode()
    assert 'id="webentry-config" type="application/json"' in text
    assert "webforms/webforms.js" in text and "webforms/rtl.css" in text
    assert "<script>" not in text  # no inline executable script
    policy = page["Content-Security-Policy"]
    assert "script-src 'self' 'wasm-unsafe-eval'" in policy
    assert "style-src 'self' 'unsafe-inline'" in policy
    assert "'unsafe-eval'" not in policy and "object-src 'none'" in policy and "frame-ancestors 'none'" in policy
    # The other pages keep the strict policy.
    strict = client.get("/entry/")["Content-Security-Policy"]
    assert "script-src 'self';" in strict and "wasm-unsafe-eval" not in strict and "unsafe-inline" not in strict


def test_the_preview_shows_any_version_and_stores_nothing(collection: CollectionWorld, personas: Personas) -> None:
    QuestionnaireVersion.objects.filter(pk=collection.version.pk).update(state=VersionState.DRAFT)
    client = client_for(personas.basra_s1_supervisor)
    page = client.get(f"/entry/versions/{collection.version.pk}/preview/")
    assert page.status_code == 200
    assert 'data-testid="preview-banner"' in page.content.decode()
    assert "wasm-unsafe-eval" in page["Content-Security-Policy"]
    config = page.content.decode().split('id="webentry-config" type="application/json">')[1]
    assert '"mode": "preview"' in config and "submitUrl" not in config.split("</script>")[0]
    form = client.get(f"/entry/versions/{collection.version.pk}/preview/form.xml", {"lang": "ckb"})
    defaults = [t.get("lang") for t in etree.fromstring(form.content).iter(f"{XFORMS}translation") if t.get("default")]
    assert defaults == ["Kurdish Sorani (ckb)"]
    csv = client.get(f"/entry/versions/{collection.version.pk}/preview/attachments/facilities.csv").content.decode()
    assert "PHC-BASRA-1" in csv and "PHC-BASRA-2" not in csv  # the supervisor's sector only
    assert client_for(None).get(f"/entry/versions/{collection.version.pk}/preview/").status_code == 302


def test_the_other_apps_pages_link_to_browser_entry(collection: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.basra_manager)
    assert 'data-testid="fill-in-browser"' in client.get(f"/rounds/{collection.round.pk}/").content.decode()
    version_page = client.get(f"/questionnaires/versions/{collection.version.pk}/").content.decode()
    assert f"/entry/versions/{collection.version.pk}/preview/" in version_page
