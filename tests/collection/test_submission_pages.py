"""The submission pages: a round's list in the user's scope with its filters, one record with labelled answers in
the chosen language, version history with field-level diffs, raw XML and attachment downloads."""

from __future__ import annotations

import datetime
from urllib.parse import quote

import pytest
from django.urls import reverse

from rasd.submissions.models import QuarantineReason, Source, SubmissionState
from tests.collection.test_submission_pages_data import (
    CONFIRMED,
    CORRECTED_NAME,
    DAMAGE,
    FACILITY,
    PARTNERS,
    WHEN,
    add_version,
    make_record,
)
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, World, client_for

LIST = reverse("submissions:submission_list")


@pytest.fixture
def records(collection: CollectionWorld, world: World, personas: Personas) -> dict[str, object]:
    c = collection
    f = c.facilities
    return {
        "s1": make_record(
            c.round, c.version, facility=f["PHC-BASRA-1"], submitter=c.collector, device=c.token, instance_id="uuid:s1"
        ),
        "s2": make_record(
            c.round,
            c.version,
            facility=f["PHC-BASRA-2"],
            submitter=c.other_collector,
            instance_id="uuid:s2",
            received_at=WHEN + datetime.timedelta(days=3),
        ),
        "hospital": make_record(
            c.round, c.version, facility=f["HOSP-BASRA"], submitter=personas.basra_manager, instance_id="uuid:hosp"
        ),
        "najaf": make_record(c.round, c.version, facility=f["PHC-NAJAF-1"], instance_id="uuid:najaf"),
        # Quarantined without a facility: placed by the submitter's directorate only (no sector).
        "lost": make_record(
            c.round,
            c.version,
            directorate=world.basra,
            facility_code="NOPE-1",
            state=SubmissionState.QUARANTINED,
            reason=QuarantineReason.UNKNOWN_FACILITY,
            submitter=personas.basra_manager,
            instance_id="uuid:lost",
            source=Source.WEB,
        ),
    }


def listed(user: object, query: str = "") -> str:
    response = client_for(user).get(f"{LIST}?round=herams-2026{query}")  # type: ignore[arg-type]
    assert response.status_code == 200
    return response.content.decode()


def test_a_sector_collector_sees_only_their_sector(records: dict[str, object], personas: Personas) -> None:
    body = listed(personas.basra_s1_collector)
    assert "uuid:s1" in body
    for other in ("uuid:s2", "uuid:hosp", "uuid:najaf", "uuid:lost"):
        assert other not in body
    assert 'data-count="total">1<' in body


def test_national_sees_all_and_directorate_sees_quarantined_records_placed_by_directorate(
    records: dict[str, object], personas: Personas
) -> None:
    body = listed(personas.admin)
    assert all(f"uuid:{name}" in body for name in ("s1", "s2", "hosp", "najaf", "lost"))
    assert 'data-count="total">5<' in body and 'data-count="quarantined">1<' in body
    basra = listed(personas.basra_manager)
    assert all(f"uuid:{name}" in basra for name in ("s1", "s2", "hosp", "lost"))
    assert "uuid:najaf" not in basra
    assert "uuid:lost" not in listed(personas.najaf_manager)


def test_viewers_may_not_see_submissions(records: dict[str, object], personas: Personas) -> None:
    assert client_for(personas.erbil_viewer).get(LIST).status_code == 403


def test_filters(records: dict[str, object], personas: Personas, world: World, collection: CollectionWorld) -> None:
    admin = personas.admin
    assert listed(admin, "&q=PHC-BASRA-2").count("uuid:") == 1
    assert "uuid:s2" in listed(admin, "&q=marker-PHC-BASRA-2")
    assert "uuid:lost" in listed(admin, "&q=NOPE")
    only_najaf = listed(admin, f"&directorate={world.najaf.pk}")
    assert "uuid:najaf" in only_najaf and "uuid:s1" not in only_najaf
    sector = listed(admin, f"&sector={world.basra_s2.pk}")
    assert "uuid:s2" in sector and "uuid:s1" not in sector
    collector = listed(admin, f"&collector={collection.collector.pk}")
    assert "uuid:s1" in collector and "uuid:s2" not in collector
    late = listed(admin, "&received_from=2026-03-02")
    assert "uuid:s2" in late and "uuid:s1" not in late
    early = listed(admin, "&received_to=2026-03-01")
    assert "uuid:s1" in early and "uuid:s2" not in early
    quarantined = listed(admin, "&state=quarantined")
    assert "uuid:lost" in quarantined and "uuid:s1" not in quarantined
    assert "uuid:lost" in listed(admin, "&reason=unknown_facility")
    assert "uuid:lost" not in listed(admin, "&reason=facility_closed")
    web = listed(admin, "&source=web")
    assert "uuid:lost" in web and "uuid:s1" not in web
    # Newest first by default, oldest first on request.
    assert listed(admin).index("uuid:s2") < listed(admin).index("uuid:s1")
    assert listed(admin, "&sort=received").index("uuid:s1") < listed(admin, "&sort=received").index("uuid:s2")


def test_a_filter_outside_the_scope_is_left_out(records: dict[str, object], personas: Personas, world: World) -> None:
    body = listed(personas.basra_s1_collector, f"&directorate={world.najaf.pk}")
    assert "uuid:najaf" not in body and "uuid:s1" in body


def test_an_unknown_round_is_404(personas: Personas, collection: CollectionWorld) -> None:
    assert client_for(personas.admin).get(f"{LIST}?round=nope").status_code == 404


def test_detail_shows_labels_and_choice_labels_in_the_chosen_language(
    collection: CollectionWorld, personas: Personas
) -> None:
    answers = {FACILITY: "PHC-BASRA-1", DAMAGE: "partially_damaged", PARTNERS: 3, CONFIRMED: "yes"}
    record = make_record(
        collection.round,
        collection.version,
        facility=collection.facilities["PHC-BASRA-1"],
        answers=answers,
        submitter=collection.collector,
        device=collection.token,
        gps=(30.5, 47.8, 2.0, 4.5),
    )
    url = reverse("submissions:submission_detail", args=[record.pk])
    client = client_for(personas.basra_s1_collector)
    arabic = client.get(url).content.decode()
    assert "مستوى الضرر في بناية المؤسسة" in arabic  # the question
    assert "متضررة جزئياً" in arabic  # the choice
    assert "حالة البناية" in arabic  # the group heading
    assert "marker-tablet" in arabic  # the device
    assert reverse("registry:facility_detail", args=["PHC-BASRA-1"]) in arabic
    assert "30.5, 47.8" in arabic
    english = client.get(url + "?lang=en").content.decode()
    assert "Level of damage to the facility building" in english
    assert "Partially damaged (needs substantial repair" in english
    assert "Condition of the building" in english
    # Unanswered questions (here: the corrected name, not relevant when confirmed) only with ?all=1.
    assert f'data-path="{CORRECTED_NAME}"' not in english
    assert f'data-path="{CORRECTED_NAME}"' in client.get(url + "?lang=en&all=1").content.decode()


def test_detail_of_a_quarantined_record_shows_the_reason(records: dict[str, object], personas: Personas) -> None:
    lost = records["lost"]
    body = client_for(personas.basra_manager).get(reverse("submissions:submission_detail", args=[lost.pk])).content  # type: ignore[attr-defined]
    assert "NOPE-1" in body.decode()
    assert 'data-testid="quarantine-reason"' in body.decode()


def test_out_of_scope_records_are_404(records: dict[str, object], personas: Personas) -> None:
    client = client_for(personas.basra_s1_collector)
    for name in ("s2", "najaf", "lost"):
        pk = records[name].pk  # type: ignore[attr-defined]
        assert client.get(reverse("submissions:submission_detail", args=[pk])).status_code == 404
        assert client.get(reverse("submissions:version_xml", args=[pk, 1])).status_code == 404


def test_version_history_shows_field_level_diffs(collection: CollectionWorld, personas: Personas) -> None:
    first = {FACILITY: "PHC-BASRA-1", DAMAGE: "not_damaged", PARTNERS: 2, CONFIRMED: "yes"}
    record = make_record(
        collection.round, collection.version, facility=collection.facilities["PHC-BASRA-1"], answers=first
    )
    second = {**first, DAMAGE: "fully_damaged", PARTNERS: 5}
    add_version(record, second, submitter=personas.basra_s1_supervisor, reason="marker-corrected on the phone")
    url = reverse("submissions:submission_detail", args=[record.pk])
    body = client_for(personas.basra_manager).get(url + "?lang=en").content.decode()
    history = body[body.index('data-testid="version-history"') :]
    assert 'data-version="2"' in history and 'data-version="1"' in history
    assert "marker-corrected on the phone" in history
    changes = history[: history.index('data-version="1"')]
    assert f'data-path="{DAMAGE}"' in changes and f'data-path="{PARTNERS}"' in changes
    assert f'data-path="{CONFIRMED}"' not in changes  # unchanged answers are not listed
    assert "Not damaged (or insignificant damage)" in changes and "Fully damaged" in changes
    assert ">2<" in changes and ">5<" in changes
    arabic = client_for(personas.basra_manager).get(url + "?lang=ar").content.decode()
    assert "متضررة كلياً" in arabic[arabic.index('data-testid="version-history"') :]


def test_raw_xml_download_is_what_was_sent(collection: CollectionWorld, personas: Personas) -> None:
    record = make_record(collection.round, collection.version, facility=collection.facilities["PHC-BASRA-1"])
    second = add_version(record, {FACILITY: "PHC-BASRA-1", PARTNERS: 4})
    client = client_for(personas.basra_s1_collector)
    for number, version in ((1, record.versions.get(number=1)), (2, second)):
        response = client.get(reverse("submissions:version_xml", args=[record.pk, number]))
        assert response.status_code == 200
        assert response["Content-Type"] == "text/xml"
        assert response.content == version.raw.xml
        assert "attachment" in response["Content-Disposition"]
    assert client.get(reverse("submissions:version_xml", args=[record.pk, 3])).status_code == 404


def test_attachment_download_with_an_arabic_name_and_scope_check(
    collection: CollectionWorld, personas: Personas
) -> None:
    photo = b"\x89PNG fake photo"
    record = make_record(
        collection.round,
        collection.version,
        facility=collection.facilities["PHC-BASRA-1"],
        attachments=[("صورة المدخل.jpg", "image/jpeg", photo)],
    )
    attachment = record.current_version.raw.attachments.get()  # type: ignore[union-attr]
    url = reverse("submissions:attachment_download", args=[record.pk, attachment.pk])
    page = client_for(personas.basra_s1_collector).get(reverse("submissions:submission_detail", args=[record.pk]))
    assert url in page.content.decode() and "صورة المدخل.jpg" in page.content.decode()
    response = client_for(personas.basra_s1_collector).get(url)
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == photo  # type: ignore[attr-defined]
    assert response["Content-Type"] == "image/jpeg"
    disposition = response["Content-Disposition"]
    assert disposition.startswith("attachment")
    assert f"filename*=utf-8''{quote('صورة المدخل.jpg')}" in disposition
    assert client_for(personas.basra_s2_collector).get(url).status_code == 404
    assert client_for(personas.najaf_manager).get(url).status_code == 404
    # An attachment of another record is not reachable through this one.
    other = make_record(collection.round, collection.version, facility=collection.facilities["PHC-BASRA-1"])
    assert (
        client_for(personas.admin)
        .get(reverse("submissions:attachment_download", args=[other.pk, attachment.pk]))
        .status_code
        == 404
    )


def test_a_record_stored_by_the_ingestion_pipeline_shows_on_the_pages(
    collection: CollectionWorld, personas: Personas
) -> None:
    from rasd.submissions.ingest import IncomingAttachment, IncomingSubmission, ingest

    xml = (
        b'<?xml version="1.0"?><data id="herams_iraq" version="2026.1"><identification>'
        b"<facility>PHC-BASRA-1</facility></identification><building><building_damage>fully_damaged</building_damage>"
        b"</building><meta><instanceID>uuid:ingested-1</instanceID></meta></data>"
    )
    incoming = IncomingSubmission(
        xml=xml,
        source=Source.OPENROSA,
        submitted_by=collection.collector,
        device=collection.token,
        attachments=(IncomingAttachment("توقيع.png", "image/png", b"signature"),),
    )
    try:
        result = ingest(incoming)
    except NotImplementedError:
        pytest.skip("the ingestion pipeline is not there yet")
    assert result.submission is not None
    client = client_for(personas.basra_s1_collector)
    assert "uuid:ingested-1" in listed(personas.basra_s1_collector)
    page = client.get(reverse("submissions:submission_detail", args=[result.submission.pk]) + "?lang=en")
    assert "Fully damaged" in page.content.decode()
    assert "توقيع.png" in page.content.decode()
    raw = client.get(reverse("submissions:version_xml", args=[result.submission.pk, 1]))
    assert raw.content == xml


def test_diff_answers_lists_added_changed_and_removed_fields_in_form_order(collection: CollectionWorld) -> None:
    from rasd.submissions.answers import Catalogue
    from rasd.submissions.changes import diff_answers

    causes = "/data/building/building_damage_causes"
    old = {DAMAGE: "partially_damaged", causes: ["conflict", "other"], PARTNERS: 2, "/data/gone": "x"}
    new = {DAMAGE: "fully_damaged", causes: ["other", "conflict"], CONFIRMED: "no"}
    changes = diff_answers(old, new, Catalogue.of(collection.version), "en")
    assert [change.path for change in changes] == [CONFIRMED, DAMAGE, PARTNERS, "/data/gone"]
    by_path = {change.path: change for change in changes}
    assert by_path[CONFIRMED].added and by_path[CONFIRMED].new_display == "No"
    assert by_path[PARTNERS].removed and by_path[PARTNERS].old_display == "2"
    assert by_path[DAMAGE].label == "Level of damage to the facility building"
    assert by_path[DAMAGE].new_display == "Fully damaged (needs complete reconstruction)"
    arabic = diff_answers(old, new, Catalogue.of(collection.version), "ar")
    assert {change.path: change for change in arabic}[CONFIRMED].new_display == "كلا"
