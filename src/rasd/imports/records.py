"""What the readers make of an export: one `Record` per submission, with its repeat entries attached.

Readers only split the file into rows and take out the columns that identify a submission (its instanceID, when it
was submitted, the form version); what the other columns mean is decided by `planning`, against the round's
questionnaire version.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.utils import timezone
from django.utils.dateparse import parse_datetime


class Source:
    KOBO = "kobo"
    CENTRAL = "central"


@dataclass
class Row:
    """One row of a sheet or file: a submission, or one entry of a repeat group."""

    table: str  # "" for the main table, else the repeat's sheet (Kobo) or file (Central) name
    number: int  # the row number a spreadsheet shows (the header is row 1)
    values: dict[str, str]  # header → cell text; the columns the reader used are left out
    key: str = ""  # the key other rows name as their parent (Kobo _index, Central KEY)
    parent_key: str = ""  # for repeat entries: the key of the row they belong to
    repeats: dict[str, list[Row]] = field(default_factory=dict)  # table → entries, in file order


@dataclass
class Record:
    row: Row
    instance_id: str
    submitted_at: datetime.datetime | None
    form_version: str = ""


@dataclass
class ExportFile:
    source: str  # Source.KOBO or Source.CENTRAL
    separator: str  # how the export joins group names in headers: "/" (Kobo) or "-" (Central)
    records: list[Record]
    headers: dict[str, list[str]]  # table → the headers left for planning, in file order
    orphans: list[Row] = field(default_factory=list)  # repeat entries whose parent is not in the file


class UnreadableExport(ValueError):
    """The file as a whole cannot be read (format, encoding, no submissions sheet); the message is for the user."""


def moment(text: str) -> datetime.datetime | None:
    """A submission time from an export: ISO 8601, taken as UTC when it names no zone (Kobo's _submission_time)."""
    text = text.strip()
    if not text:
        return None
    try:
        value = parse_datetime(text.replace(" ", "T", 1))
    except ValueError:
        return None
    if value is None:
        return None
    return timezone.make_aware(value, datetime.UTC) if timezone.is_naive(value) else value


def attach(records: list[Record], repeat_rows: list[Row]) -> list[Row]:
    """Hang every repeat entry under the row it names as its parent (a submission or another entry, for nested
    repeats). Returns the entries whose parent is not in the file."""
    by_key: dict[str, Row] = {record.row.key: record.row for record in records if record.row.key}
    by_key.update((row.key, row) for row in repeat_rows if row.key)
    orphans: list[Row] = []
    for row in repeat_rows:
        parent = by_key.get(row.parent_key) if row.parent_key else None
        if parent is None or parent is row:
            orphans.append(row)
        else:
            parent.repeats.setdefault(row.table, []).append(row)
    return orphans
