"""Importing ODK Central exports: the CSV zip with a repeat file, `-` separated headers, KEY / PARENT_KEY."""

from __future__ import annotations

import datetime
from typing import Any

import pytest

from rasd.imports.planning import CannotImport
from rasd.imports.services import ImportReport, import_export
from rasd.lib.request_context import acting_as
from rasd.submissions.models import RawSubmission, Source, SubmissionVersion
from tests.imports.conftest import ImportWorld, central_zip, csv_bytes


def _row(key: str, facility: str = "PHC-BASRA-1", **cells: str) -> dict[str, str]:
    row = {
        "SubmissionDate": "2026-05-10T07:30:00.000Z",
        "start": "2026-05-09T10:00:00.000+03:00",
        "end": "",
        "identification-facility": facility,
        "identification-visit_date": "2026-05-09",
        "services-anc": "not_available",
        "services-anc_barriers": "staff supplies",
        "services-beds": "4",
        "services-gps-Latitude": "30.51",
        "services-gps-Longitude": "47.81",
        "services-gps-Altitude": "2",
        "services-gps-Accuracy": "4.5",
        "meta-instanceID": key,
        "SubmitterID": "5",
        "SubmitterName": "collector",
        "AttachmentsPresent": "0",
        "AttachmentsExpected": "0",
        "Status": "",
        "ReviewState": "approved",
        "DeviceID": "collect:abc",
        "Edits": "0",
        "FormVersion": "2026.1",
        "KEY": key,
    }
    row.update(cells)
    return row


def _staff(parent: str, number: int, cadre: str, count: str) -> dict[str, str]:
    return {"cadre": cadre, "count": count, "PARENT_KEY": parent, "KEY": f"{parent}/staff[{number}]"}


def _run(imports: ImportWorld, content: bytes, name: str = "central.zip", **options: Any) -> ImportReport:
    path = imports.write(name, content)
    with acting_as(imports.importer):
        return import_export(path, imports.round, imports.importer, **options)


def test_a_central_zip_with_a_repeat_file_is_imported(imports: ImportWorld) -> None:
    staff = [
        _staff("uuid:c-1", 1, "doctor", "2"),
        _staff("uuid:c-1", 2, "nurse", "5"),
        _staff("uuid:c-2", 1, "midwife", "1"),
    ]
    report = _run(imports, central_zip([_row("uuid:c-1"), _row("uuid:c-2", "HOSP-BASRA")], {"staff": staff}))

    assert report.errors == []
    assert (report.source, report.version, report.imported) == ("central", "2026.1", 2)
    first = SubmissionVersion.objects.get(instance_id="uuid:c-1")
    assert first.answers["/data/staff"] == [
        {"/data/staff/cadre": "doctor", "/data/staff/count": 2},
        {"/data/staff/cadre": "nurse", "/data/staff/count": 5},
    ]
    assert first.answers["/data/services/anc_barriers"] == ["staff", "supplies"]
    assert (first.latitude, first.longitude, first.altitude, first.accuracy) == (30.51, 47.81, 2.0, 4.5)
    assert first.received_at == datetime.datetime(2026, 5, 10, 7, 30, tzinfo=datetime.UTC)
    assert first.source == Source.IMPORT
    # Central's own columns (review state, submitter…) are not reported as unknown columns.
    assert [w.field for w in report.warnings if w.row == 0] == []


def test_a_repeat_entry_whose_submission_is_missing_is_an_error(imports: ImportWorld) -> None:
    staff = [_staff("uuid:c-1", 1, "doctor", "2"), _staff("uuid:gone", 1, "nurse", "1")]
    report = _run(imports, central_zip([_row("uuid:c-1")], {"staff": staff}))

    assert [(error.row, error.field) for error in report.errors] == [(3, "staff")]
    assert "uuid:gone" in report.errors[0].message
    assert not RawSubmission.objects.exists()


def test_a_broken_value_in_a_repeat_entry_names_the_entry(imports: ImportWorld) -> None:
    staff = [_staff("uuid:c-1", 1, "doctor", "two")]
    report = _run(imports, central_zip([_row("uuid:c-1")], {"staff": staff}))

    assert [(error.row, error.field) for error in report.errors] == [(2, "staff (2): count")]
    assert not RawSubmission.objects.exists()


def test_the_main_csv_alone_is_read_as_central(imports: ImportWorld) -> None:
    report = _run(imports, csv_bytes([_row("uuid:c-9")]), name="submissions.csv")

    assert (report.source, report.imported) == ("central", 1)


def test_a_kobo_source_cannot_read_a_zip(imports: ImportWorld) -> None:
    with pytest.raises(CannotImport, match="ODK Central"):
        _run(imports, central_zip([_row("uuid:c-1")]), source="kobo")


def test_a_file_that_is_neither_kobo_nor_central_is_refused(imports: ImportWorld) -> None:
    with pytest.raises(CannotImport, match="Choose the source"):
        _run(imports, csv_bytes([{"a": "1"}]), name="other.csv")


def test_a_nested_repeat_file_hangs_under_its_repeat_entry(imports: ImportWorld) -> None:
    staff = [_staff("uuid:c-1", 1, "doctor", "2")]
    trainings = [{"course": "triage", "PARENT_KEY": "uuid:c-1/staff[1]", "KEY": "uuid:c-1/staff[1]/trainings[1]"}]
    report = _run(imports, central_zip([_row("uuid:c-1")], {"staff": staff, "trainings": trainings}))

    assert (report.errors, report.imported) == ([], 1)
    assert SubmissionVersion.objects.get().answers["/data/staff"] == [
        {
            "/data/staff/cadre": "doctor",
            "/data/staff/count": 2,
            "/data/staff/trainings": [{"/data/staff/trainings/course": "triage"}],
        }
    ]
