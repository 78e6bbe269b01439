"""`rasd export_submissions` and the download on the submission list: one object or row per record, the answers of
the current version, version counts and instance IDs; CSV safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from rasd.submissions.models import QuarantineReason, SubmissionState
from tests.collection.test_submission_pages_data import DAMAGE, FACILITY, PARTNERS, add_version, make_record
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, World, client_for

CAUSES = "/data/building/building_damage_causes"
NAME = "/data/confirmation/corrected_name"


@pytest.fixture
def exported(collection: CollectionWorld, world: World, personas: Personas) -> dict[str, object]:
    f = collection.facilities
    edited = make_record(
        collection.round,
        collection.version,
        facility=f["PHC-BASRA-1"],
        answers={FACILITY: "PHC-BASRA-1", DAMAGE: "partially_damaged", CAUSES: ["conflict"], PARTNERS: 1},
        submitter=collection.collector,
        instance_id="uuid:first",
    )
    latest = add_version(
        edited,
        {
            FACILITY: "PHC-BASRA-1",
            DAMAGE: "partially_damaged",
            CAUSES: ["conflict", "lack_of_maintenance"],
            PARTNERS: 2,
            NAME: '=HYPERLINK("http://evil")',
        },
        submitter=collection.collector,
    )
    najaf = make_record(collection.round, collection.version, facility=f["PHC-NAJAF-1"], instance_id="uuid:najaf")
    lost = make_record(
        collection.round,
        collection.version,
        directorate=world.basra,
        facility_code="NOPE-1",
        state=SubmissionState.QUARANTINED,
        reason=QuarantineReason.UNKNOWN_FACILITY,
        instance_id="uuid:lost",
    )
    return {"edited": edited, "latest": latest, "najaf": najaf, "lost": lost}


def test_json_export_has_every_record_with_current_answers(exported: dict[str, object], tmp_path: Path) -> None:
    target = tmp_path / "round.json"
    call_command("export_submissions", "herams-2026", "--format", "json", "-o", str(target), stderr=io.StringIO())
    rows = {row["first_instance_id"]: row for row in json.loads(target.read_text(encoding="utf-8"))}
    assert set(rows) == {"uuid:first", "uuid:najaf", "uuid:lost"}
    edited = rows["uuid:first"]
    assert edited["version_count"] == 2
    assert edited["current_instance_id"] == exported["latest"].instance_id  # type: ignore[attr-defined]
    assert edited["facility_code"] == "PHC-BASRA-1"
    assert edited["state"] == "received"
    assert edited["submitted_by"] == "basra-s1-collector"
    assert edited["answers"][CAUSES] == ["conflict", "lack_of_maintenance"]
    assert edited["answers"][PARTNERS] == 2
    assert edited["submitted_at"].startswith("2026-03-01T09:00") and edited["updated_at"].startswith("2026-03-01T10:00")
    lost = rows["uuid:lost"]
    assert (lost["state"], lost["quarantine_reason"], lost["facility_code"]) == (
        "quarantined",
        "unknown_facility",
        "NOPE-1",
    )
    assert rows["uuid:najaf"]["version_count"] == 1


def test_csv_export_columns_lists_and_formula_neutralising(exported: dict[str, object], tmp_path: Path) -> None:
    target = tmp_path / "round.csv"
    call_command("export_submissions", "herams-2026", "-o", str(target), stderr=io.StringIO())
    raw = target.read_bytes()
    assert raw.startswith("\ufeff".encode())
    rows = list(csv.DictReader(io.StringIO(raw.decode("utf-8-sig"))))
    assert len(rows) == 3
    header = list(rows[0])
    assert header[:4] == ["first_instance_id", "current_instance_id", "version_count", "facility_code"]
    assert DAMAGE in header and CAUSES in header and PARTNERS in header
    assert header.index(DAMAGE) < header.index(PARTNERS)  # the questionnaire's order
    edited = next(row for row in rows if row["first_instance_id"] == "uuid:first")
    assert edited[CAUSES] == "conflict lack_of_maintenance"
    assert edited[PARTNERS] == "2"
    assert edited["version_count"] == "2"
    assert edited[NAME] == '\'=HYPERLINK("http://evil")'


def test_export_to_standard_output(exported: dict[str, object]) -> None:
    out = io.StringIO()
    call_command("export_submissions", "herams-2026", "--format", "json", stdout=out)
    assert len(json.loads(out.getvalue())) == 3


def test_an_unknown_round_is_an_error(collection: CollectionWorld) -> None:
    with pytest.raises(CommandError):
        call_command("export_submissions", "nope", "-o", "-")


def test_download_from_the_list_is_limited_to_the_scope_and_filters(
    exported: dict[str, object], personas: Personas
) -> None:
    url = reverse("submissions:submission_export")
    response = client_for(personas.basra_s1_collector).get(url, {"round": "herams-2026", "format": "csv"})
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    body = b"".join(response.streaming_content).decode("utf-8")  # type: ignore[attr-defined]
    assert body.startswith("\ufeff")
    assert "uuid:first" in body and "uuid:najaf" not in body and "uuid:lost" not in body
    manager = client_for(personas.basra_manager)
    filtered = manager.get(url, {"round": "herams-2026", "format": "json", "state": "quarantined"})
    records = json.loads(b"".join(filtered.streaming_content))  # type: ignore[attr-defined]
    assert [record["first_instance_id"] for record in records] == ["uuid:lost"]
    assert client_for(personas.erbil_viewer).get(url, {"round": "herams-2026"}).status_code == 403
