"""Exporting a round's records as JSON or CSV: one object or row per record, with the answers of its current version.

Used by `rasd export_submissions` (every record of the round) and by the download on the submission list (the
records in the user's scope that match the filters). Records are read in chunks and written one by one, so memory
stays bounded however large the round.

CSV follows what XLSForm tools export: one column per answer path of the newest questionnaire version the round
accepts, select_multiple answers and points joined by spaces. A text cell that starts with = + - @ (or a tab or
carriage return) gets an apostrophe in front, as in the registry export, so a spreadsheet never runs it as a
formula. The file starts with a byte-order mark so that Excel reads the Arabic as UTF-8.
"""

from __future__ import annotations

import csv
import datetime
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from django.db.models import QuerySet

from rasd.collection.models import Round
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.exporting import neutralise
from rasd.submissions.answers import Catalogue
from rasd.submissions.models import Submission

FORMATS = ("json", "csv")
CHUNK = 1000
RECORD_COLUMNS = (
    "first_instance_id",
    "current_instance_id",
    "version_count",
    "facility_code",
    "state",
    "quarantine_reason",
    "submitted_at",
    "updated_at",
    "submitted_by",
    "source",
)
Cell = str | int | float | None


def newest_version(round_: Round) -> QuestionnaireVersion | None:
    return round_.versions.order_by("-created_at", "-pk").first()


def answer_columns(round_: Round) -> list[str]:
    version = newest_version(round_)
    return Catalogue.of(version).answer_paths() if version is not None else []


def _timestamp(value: datetime.datetime | None) -> str:
    return value.isoformat() if value is not None else ""


def records(submissions: QuerySet[Submission]) -> Iterator[dict[str, Any]]:
    """One dictionary per record: the RECORD_COLUMNS and `answers` (the current version's, keyed by path)."""
    rows = submissions.select_related("facility", "submitted_by", "current_version").order_by("created_at", "pk")
    for record in rows.iterator(chunk_size=CHUNK):
        current = record.current_version
        yield {
            "first_instance_id": record.first_instance_id,
            "current_instance_id": current.instance_id if current is not None else "",
            "version_count": record.version_count,
            # The registry's code when the record is matched; as submitted when it is not (quarantine).
            "facility_code": record.facility.code
            if record.facility is not None
            else (current.facility_code if current else ""),
            "state": record.state,
            "quarantine_reason": record.quarantine_reason,
            "submitted_at": _timestamp(record.created_at),
            "updated_at": _timestamp(record.updated_at),
            "submitted_by": record.submitted_by.username if record.submitted_by is not None else "",
            "source": current.source if current is not None else "",
            "answers": dict(current.answers) if current is not None else {},
        }


def json_chunks(submissions: QuerySet[Submission]) -> Iterator[str]:
    """A JSON array of records, written record by record."""
    yield "["
    separator = "\n"
    for record in records(submissions):
        yield separator + json.dumps(record, ensure_ascii=False)
        separator = ",\n"
    yield "\n]\n"


class _Echo:
    """A file-like object that hands back what is written (for streaming CSV)."""

    def write(self, text: str) -> str:
        return text


def _cell(value: Any) -> Cell:
    if value is None:
        return ""
    if isinstance(value, list):
        return neutralise(" ".join(str(part) for part in value))  # type: ignore[return-value]
    if isinstance(value, bool):
        return str(value).lower()
    if isinstance(value, int | float):
        return value
    return neutralise(str(value))  # type: ignore[return-value]


def csv_chunks(round_: Round, submissions: QuerySet[Submission]) -> Iterator[str]:
    """CSV text line by line: the record columns, then one column per answer path (headers are the paths)."""
    paths = answer_columns(round_)
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([*RECORD_COLUMNS, *paths])
    for record in records(submissions):
        answers = record["answers"]
        yield writer.writerow(
            [*(_cell(record[name]) for name in RECORD_COLUMNS), *(_cell(answers.get(path)) for path in paths)]
        )


def chunks(fmt: str, round_: Round, submissions: QuerySet[Submission]) -> Iterator[str]:
    return csv_chunks(round_, submissions) if fmt == "csv" else json_chunks(submissions)


def export_to_file(fmt: str, round_: Round, submissions: QuerySet[Submission], path: Path) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        for text in chunks(fmt, round_, submissions):
            handle.write(text)
