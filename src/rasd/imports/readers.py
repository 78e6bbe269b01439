"""Readers for KoboToolbox exports (XLSX with repeat groups on further sheets, or CSV) and ODK Central exports
(the CSV zip with one file per repeat group, or the main CSV alone).

Kobo: headers are XLSForm names joined with `/` (`identification/facility`) or bare names; `meta/instanceID`
(else `uuid:` + `_uuid`), `_submission_time` (UTC), `__version__`; repeat sheets join on `_index` /
`_parent_index` / `_parent_table_name`. Central: headers joined with `-`; `KEY` (the instanceID) and `PARENT_KEY`,
`meta-instanceID`, `SubmissionDate`, `FormVersion`. Kobo's and Central's own columns are dropped here.
"""

from __future__ import annotations

import zipfile
from collections.abc import Iterable
from pathlib import Path, PurePosixPath

from django.utils.translation import gettext as _

from rasd.imports.records import ExportFile, Record, Row, Source, UnreadableExport, attach, moment
from rasd.registry.importing.readers import UnreadableFile, cell_text, from_records, read_csv

SOURCES = (Source.KOBO, Source.CENTRAL)

# Central's own columns (its metadata about a submission, not answers).
CENTRAL_COLUMNS = frozenset(
    {
        "SubmissionDate",
        "SubmitterID",
        "SubmitterName",
        "AttachmentsPresent",
        "AttachmentsExpected",
        "Status",
        "ReviewState",
        "DeviceID",
        "Edits",
        "FormVersion",
        "KEY",
        "PARENT_KEY",
        "meta-instanceID",
        "meta-instanceName",
        "meta-deprecatedID",
        "instanceID",
    }
)
KOBO_MARKERS = frozenset({"_uuid", "_submission_time"})
CENTRAL_MARKERS = frozenset({"KEY", "SubmissionDate"})
_TABLE_KEY = " #"  # joins a Kobo sheet name and an _index into a key unique across sheets ("staff #3")


def read_export(path: Path, source: str = "") -> ExportFile:
    """Read a Kobo or Central export; `source` ("kobo", "central") or "" to tell from the file."""
    suffix = path.suffix.lower()
    try:
        if suffix == ".zip":
            if source == Source.KOBO:
                raise UnreadableExport(_("A zip file is an ODK Central export; KoboToolbox exports are XLSX or CSV."))
            return _central_zip(path)
        if suffix in (".xlsx", ".xlsm"):
            sheets = _xlsx_sheets(path)
        elif suffix in (".csv", ".txt"):
            sheets = [(path.stem, _csv_table(path.read_bytes()))]
        else:
            raise UnreadableExport(_("Give an .xlsx, .csv or .zip export, not “%(name)s”.") % {"name": path.name})
    except OSError as error:
        raise UnreadableExport(str(error)) from error
    headers = set(sheets[0][1][0]) if sheets else set()
    chosen = source or _detect(headers)
    if chosen == Source.CENTRAL:
        return _central_tables(sheets[:1])
    return _kobo_tables(sheets)


def _detect(headers: set[str]) -> str:
    if headers & KOBO_MARKERS or "meta/instanceID" in headers:
        return Source.KOBO
    if headers >= CENTRAL_MARKERS or "meta-instanceID" in headers:
        return Source.CENTRAL
    raise UnreadableExport(
        _(
            "This does not look like a KoboToolbox export (no _uuid or _submission_time column) nor an ODK Central "
            "export (no KEY and SubmissionDate columns). Choose the source yourself."
        )
    )


Table = tuple[list[str], list[tuple[int, dict[str, str]]]]  # headers, (row number, values by header)


def _table(records: Iterable[list[str]]) -> Table:
    table = from_records(records)
    headers = [header.strip() for header in table.headers]
    rows = [
        (
            number,
            {header: cells[index].strip() for index, header in enumerate(headers) if index < len(cells) and header},
        )
        for number, cells in table.rows
    ]
    return [header for header in headers if header], rows


def _csv_table(data: bytes) -> Table:
    try:
        table = read_csv(data)
    except UnreadableFile as error:
        raise UnreadableExport(str(error)) from error
    headers = [header.strip() for header in table.headers]
    return _table([headers, *[cells for _number, cells in table.rows]]) if headers else ([], [])


def _xlsx_sheets(path: Path) -> list[tuple[str, Table]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (zip, XML, key errors) for a file that is not a workbook
        raise UnreadableExport(_("The file is not an Excel workbook (.xlsx).")) from error
    try:
        sheets = []
        for sheet in workbook.worksheets:
            rows = ([cell_text(value) for value in row] for row in sheet.iter_rows(values_only=True))
            sheets.append((sheet.title, _table(rows)))
    finally:
        workbook.close()
    if not sheets or not sheets[0][1][0]:
        raise UnreadableExport(_("The first sheet of the workbook is empty: it should hold the submissions."))
    return sheets


# ---------------------------------------------------------------------------------------------------------------
# KoboToolbox


def _kobo_tables(sheets: list[tuple[str, Table]]) -> ExportFile:
    main_name, (main_headers, main_rows) = sheets[0]
    records = [_kobo_record(main_name, number, values) for number, values in main_rows]
    repeat_rows: list[Row] = []
    headers = {"": _left(main_headers)}
    for name, (sheet_headers, rows) in sheets[1:]:
        if not sheet_headers:
            continue
        entries = [_kobo_entry(name, main_name, number, values) for number, values in rows]
        repeat_rows += entries
        headers[name] = _left(sheet_headers)
    orphans = attach(records, repeat_rows)
    return ExportFile(Source.KOBO, "/", records, headers, orphans)


KOBO_TAKEN = frozenset(
    {"_index", "_parent_index", "_parent_table_name", "_uuid", "_submission_time", "__version__", "meta/instanceID"}
)


def _left(headers: list[str]) -> list[str]:
    """The headers planning sees: those the reader did not take out of the rows."""
    return [header for header in headers if header not in KOBO_TAKEN and header != "instanceID"]


def _kobo_record(table: str, number: int, values: dict[str, str]) -> Record:
    instance_id = values.pop("meta/instanceID", "") or values.pop("instanceID", "")
    uuid = values.pop("_uuid", "")
    if not instance_id and uuid:
        instance_id = uuid if uuid.startswith("uuid:") else f"uuid:{uuid}"
    index = values.pop("_index", "") or str(number)
    row = Row("", number, values, key=f"{table}{_TABLE_KEY}{index}")
    submitted = moment(values.pop("_submission_time", ""))
    return Record(row, instance_id, submitted, values.pop("__version__", ""))


def _kobo_entry(table: str, main_table: str, number: int, values: dict[str, str]) -> Row:
    index = values.pop("_index", "") or str(number)
    parent_index = values.pop("_parent_index", "")
    parent_table = values.pop("_parent_table_name", "") or main_table
    parent_key = f"{parent_table}{_TABLE_KEY}{parent_index}" if parent_index else ""
    return Row(table, number, values, key=f"{table}{_TABLE_KEY}{index}", parent_key=parent_key)


# ---------------------------------------------------------------------------------------------------------------
# ODK Central


def _central_zip(path: Path) -> ExportFile:
    try:
        archive = zipfile.ZipFile(path)
    except (zipfile.BadZipFile, OSError) as error:
        raise UnreadableExport(_("The file is not a zip archive.")) from error
    with archive:
        members = [
            name
            for name in archive.namelist()
            if name.lower().endswith(".csv") and not name.startswith("files/") and not name.endswith("audit.csv")
        ]
        tables = [(PurePosixPath(name).stem, _csv_table(archive.read(name))) for name in members]
    main = [item for item in tables if "PARENT_KEY" not in item[1][0]]
    if len(main) != 1:
        raise UnreadableExport(
            _("The zip should hold one main CSV file (without a PARENT_KEY column); it holds %(count)s.")
            % {"count": len(main)}
        )
    repeats = [item for item in tables if item is not main[0]]
    return _central_tables(main + repeats)


def _central_tables(tables: list[tuple[str, Table]]) -> ExportFile:
    main_name, (main_headers, main_rows) = tables[0]
    records = []
    for number, values in main_rows:
        key = values.get("KEY", "")
        instance_id = key or values.get("meta-instanceID", "") or values.get("instanceID", "")
        submitted = moment(values.get("SubmissionDate", ""))
        version = values.get("FormVersion", "")
        records.append(Record(Row("", number, _central_values(values), key=key), instance_id, submitted, version))
    headers = {"": [header for header in main_headers if header not in CENTRAL_COLUMNS]}
    repeat_rows: list[Row] = []
    for name, (table_headers, rows) in tables[1:]:
        table = name.removeprefix(main_name).lstrip("-") or name
        headers[table] = [header for header in table_headers if header not in CENTRAL_COLUMNS]
        repeat_rows += [
            Row(
                table,
                number,
                _central_values(values),
                key=values.get("KEY", ""),
                parent_key=values.get("PARENT_KEY", ""),
            )
            for number, values in rows
        ]
    orphans = attach(records, repeat_rows)
    return ExportFile(Source.CENTRAL, "-", records, headers, orphans)


def _central_values(values: dict[str, str]) -> dict[str, str]:
    return {header: value for header, value in values.items() if header not in CENTRAL_COLUMNS}
