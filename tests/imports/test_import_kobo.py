"""Importing KoboToolbox exports (XLSX with groups and Arabic labels, CSV with bare names and codes)."""

from __future__ import annotations

import datetime
import json
from typing import Any

import pytest

from rasd.audit.models import AuditEntry
from rasd.collection.models import RoundState
from rasd.imports.columns import parse_mapping
from rasd.imports.planning import CannotImport
from rasd.imports.services import ImportReport, import_export
from rasd.lib.request_context import acting_as
from rasd.submissions.models import RawSubmission, Source, Submission, SubmissionState, SubmissionVersion
from tests.imports.conftest import ImportWorld, csv_bytes, kobo_row, kobo_xlsx


def _run(imports: ImportWorld, name: str, content: bytes, **options: Any) -> ImportReport:
    path = imports.write(name, content)
    with acting_as(imports.importer):
        return import_export(path, imports.round, imports.importer, **options)


def test_a_kobo_workbook_with_arabic_labels_is_imported_with_codes_and_original_times(imports: ImportWorld) -> None:
    rows = [
        kobo_row(1, cells={"services/anc_barriers": "نقص الكادر نقص المستلزمات"}),
        kobo_row(2, "PHC-BASRA-2", {"services/anc": "غير متوفر", "_submission_time": "2026-03-05T08:00:00"}),
    ]
    staff = [{"staff/cadre": "doctor", "staff/count": 2, "_index": 1, "_parent_index": 1}]
    report = _run(imports, "kobo.xlsx", kobo_xlsx(rows, {"staff": staff}))

    assert report.errors == []
    assert (report.rows, report.imported, report.skipped) == (2, 2, 0)
    first = SubmissionVersion.objects.get(instance_id="uuid:kobo-1")
    assert first.answers["/data/services/anc"] == "available"
    assert first.answers["/data/services/anc_barriers"] == ["staff", "supplies"]
    assert first.answers["/data/services/beds"] == 12
    assert first.answers["/data/staff"] == [{"/data/staff/cadre": "doctor", "/data/staff/count": 2}]
    assert first.source == Source.IMPORT
    assert first.submitted_by == imports.importer
    assert first.received_at == datetime.datetime(2026, 3, 2, 10, 15, tzinfo=datetime.UTC)
    assert first.started_at == datetime.datetime(2026, 3, 1, 6, 0, tzinfo=datetime.UTC)
    second = Submission.objects.get(first_instance_id="uuid:kobo-2")
    assert second.current_version.answers["/data/services/anc"] == "not_available"  # type: ignore[union-attr]
    assert second.facility == imports.facilities["PHC-BASRA-2"]
    assert second.state == SubmissionState.RECEIVED
    entry = AuditEntry.objects.get(action="submissions.imported")
    assert entry.actor == imports.importer
    assert entry.changes["imported"] == [None, 2]
    assert entry.changes["file"] == [None, "kobo.xlsx"]


def test_a_semicolon_csv_with_bare_names_and_codes_is_imported(imports: ImportWorld) -> None:
    row = {
        "start": "",
        "facility": "HOSP-BASRA",
        "anc": "partially_available",
        "anc_barriers": "staff",
        "anc_barriers/staff": "1",
        "anc_barriers/supplies": "0",
        "beds": "٣٠",  # Arabic-Indic digits
        "_gps_latitude": "30.5",
        "_gps_longitude": "47.8",
        "_uuid": "csv-1",
        "_submission_time": "2026-04-01T12:00:00",
        "__version__": "vHt8kobo",
        "_tags": "",
    }
    report = _run(imports, "kobo.csv", csv_bytes([row], delimiter=";", bom=True))

    assert report.errors == []
    assert report.source == "kobo"
    version = SubmissionVersion.objects.get(instance_id="uuid:csv-1")
    assert version.answers["/data/services/beds"] == 30
    assert version.answers["/data/services/anc_barriers"] == ["staff"]
    assert (version.latitude, version.longitude) == (30.5, 47.8)
    # The form version Kobo names is not one the round accepts: read as the round's version, and said so.
    assert any("vHt8kobo" in warning.message for warning in report.warnings)


def test_a_mapping_renames_a_field_and_maps_a_choice_label(imports: ImportWorld) -> None:
    row = kobo_row(1, cells={"services/anc": "Yes, always", "services/bed_count": "7"})
    del row["services/beds"]
    mapping = parse_mapping(
        json.dumps({"fields": {"services/bed_count": "beds"}, "choices": {"anc": {"Yes, always": "available"}}})
    )
    report = _run(imports, "mapped.xlsx", kobo_xlsx([row]), mapping=mapping)

    assert report.errors == []
    answers = SubmissionVersion.objects.get(instance_id="uuid:kobo-1").answers
    assert answers["/data/services/beds"] == 7
    assert answers["/data/services/anc"] == "available"


def test_a_broken_row_and_a_duplicate_instance_id_write_nothing(imports: ImportWorld) -> None:
    rows = [
        kobo_row(1),
        kobo_row(2, cells={"services/beds": "many"}),
        kobo_row(3, cells={"services/anc": "sometimes"}),
        kobo_row(4, cells={"meta/instanceID": "uuid:kobo-1", "_uuid": "x"}),
    ]
    report = _run(imports, "broken.xlsx", kobo_xlsx(rows))

    problems = {(error.row, error.field): error.message for error in report.errors}
    assert "not a whole number" in problems[(3, "beds")]
    assert "neither a code nor a label" in problems[(4, "anc")]
    assert "already on row 2" in problems[(5, "instanceID")]
    assert report.imported == 0
    assert not RawSubmission.objects.exists()
    assert not Submission.objects.exists()
    assert not AuditEntry.objects.filter(action="submissions.imported").exists()


def test_a_dry_run_reports_and_writes_nothing(imports: ImportWorld) -> None:
    rows = [kobo_row(1), kobo_row(2, cells={"services/beds": "many"}), kobo_row(3, "NO-SUCH-CODE")]
    report = _run(imports, "dry.xlsx", kobo_xlsx(rows), dry_run=True)

    assert report.dry_run and report.to_import == 2
    assert [(error.row, error.field) for error in report.errors] == [(3, "beds")]
    assert any("NO-SUCH-CODE" in warning.message for warning in report.warnings)
    assert not RawSubmission.objects.exists()


def test_importing_the_same_file_twice_skips_every_row_the_second_time(imports: ImportWorld) -> None:
    content = kobo_xlsx([kobo_row(1), kobo_row(2, "NO-SUCH-CODE")])
    first = _run(imports, "again.xlsx", content)
    second = _run(imports, "again.xlsx", content)

    assert (first.imported, first.skipped) == (2, 0)
    assert (second.imported, second.skipped, second.errors) == (0, 2, [])
    assert RawSubmission.objects.count() == 2
    quarantined = Submission.objects.get(first_instance_id="uuid:kobo-2")
    assert quarantined.state == SubmissionState.QUARANTINED


def test_a_facility_outside_the_importers_scope_is_an_error(imports: ImportWorld) -> None:
    report = _run(imports, "najaf.xlsx", kobo_xlsx([kobo_row(1), kobo_row(2, "PHC-NAJAF-1")]))

    assert [(error.row, error.field) for error in report.errors] == [(3, "facility")]
    assert "outside your part of the country" in report.errors[0].message
    assert not RawSubmission.objects.exists()


def test_a_round_that_is_not_collecting_refuses_a_real_import(imports: ImportWorld) -> None:
    imports.round.state = RoundState.CLEANING
    imports.round.save()
    with pytest.raises(CannotImport, match="not collecting"):
        _run(imports, "late.xlsx", kobo_xlsx([kobo_row(1)]))
    dry = _run(imports, "late.xlsx", kobo_xlsx([kobo_row(1)]), dry_run=True)
    assert dry.to_import == 1


def test_unknown_columns_are_listed_once(imports: ImportWorld) -> None:
    rows = [kobo_row(1, cells={"services/colour": "red"}), kobo_row(2, cells={"services/colour": "blue"})]
    report = _run(imports, "extra.xlsx", kobo_xlsx(rows), dry_run=True)

    unknown = [w for w in report.warnings if w.field == "services/colour"]
    assert len(unknown) == 1 and unknown[0].row == 0


def test_an_export_with_arabic_labels_as_headers_is_matched_by_label(imports: ImportWorld) -> None:
    row = {"رمز المؤسسة": "PHC-BASRA-1", "رعاية الحوامل": "متوفر جزئياً", "عدد الأسرة": "3", "_uuid": "l-1"}
    report = _run(imports, "labels.csv", csv_bytes([{**row, "_submission_time": "2026-03-02T10:15:00"}]))

    assert (report.errors, report.imported) == ([], 1)
    answers = SubmissionVersion.objects.get(instance_id="uuid:l-1").answers
    assert answers["/data/services/anc"] == "partially_available"
    assert answers["/data/services/beds"] == 3


def test_a_repeat_sheet_entry_without_its_submission_is_an_error(imports: ImportWorld) -> None:
    staff = [{"staff/cadre": "nurse", "staff/count": 1, "_index": 1, "_parent_index": 9}]
    report = _run(imports, "orphan.xlsx", kobo_xlsx([kobo_row(1)], {"staff": staff}))

    assert [(error.row, error.field) for error in report.errors] == [(2, "staff")]
    assert "import_test #9" in report.errors[0].message
    assert not RawSubmission.objects.exists()


def test_a_point_split_over_grouped_kobo_columns_is_put_together(imports: ImportWorld) -> None:
    row = kobo_row(1, cells={"services/gps": "", "_services/gps_latitude": 30.25, "_services/gps_longitude": 47.5})
    report = _run(imports, "points.xlsx", kobo_xlsx([row]))

    assert (report.errors, report.imported) == ([], 1)
    version = SubmissionVersion.objects.get(instance_id="uuid:kobo-1")
    assert (version.latitude, version.longitude) == (30.25, 47.5)
