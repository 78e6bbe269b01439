"""Reading a facility file into text cells: CSV (UTF-8, with or without BOM; comma, semicolon or tab), XLSX and
GeoJSON. Row numbers are those a spreadsheet shows (the header is row 1)."""

from __future__ import annotations

import csv
import datetime
import io
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any
from zipfile import BadZipFile

from django.utils.translation import gettext as _

from rasd.registry.importing.columns import is_hxl_row

CSV_SUFFIXES = (".csv", ".tsv", ".txt")
XLSX_SUFFIXES = (".xlsx", ".xlsm")
GEOJSON_SUFFIXES = (".geojson", ".json")
SUFFIXES = CSV_SUFFIXES + XLSX_SUFFIXES + GEOJSON_SUFFIXES


class UnreadableFile(ValueError):
    """The file as a whole cannot be read (wrong format, encoding, missing sheet)."""


@dataclass
class Table:
    headers: list[str]
    tags: list[str] = field(default_factory=list)  # HXL hashtags, one per column, when the file has them
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (row number, cells)
    header_row: int = 1
    problems: list[tuple[int, str, str]] = field(default_factory=list)  # (row, column, message) found by the reader


def cell_text(value: Any) -> str:
    """A spreadsheet or JSON value as the text an import reads: dates in ISO form, whole numbers without '.0'."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, datetime.datetime):
        return value.date().isoformat() if value.time() == datetime.time(0) else value.isoformat()
    if isinstance(value, datetime.date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        return str(int(value))
    if isinstance(value, list):
        return " | ".join(cell_text(item) for item in value)
    return str(value).strip()


def from_records(records: Iterable[list[str]]) -> Table:
    """A table from rows of cells: the first non-empty row is the header, an HXL row may follow it or replace it."""
    table: Table | None = None
    for number, cells in enumerate(records, start=1):
        if not any(cell.strip() for cell in cells):
            continue
        if table is None:
            table = Table(headers=list(cells), header_row=number)
            if is_hxl_row(cells):
                table.tags = list(cells)
            continue
        if not table.rows and not table.tags and is_hxl_row(cells) and number == table.header_row + 1:
            table.tags = list(cells)
            continue
        table.rows.append((number, list(cells)))
    return table or Table(headers=[])


def from_dicts(rows: Iterable[Mapping[str, Any]]) -> Table:
    """A table from dictionaries keyed by header (the header is row 1, the first dictionary row 2)."""
    headers: list[str] = []
    known: dict[str, int] = {}
    records: list[tuple[int, Mapping[str, Any]]] = []
    for number, row in enumerate(rows, start=2):
        for key in row:
            if key not in known:
                known[key] = len(headers)
                headers.append(key)
        records.append((number, row))
    table = Table(headers=headers)
    table.rows = [(number, [cell_text(row.get(header)) for header in headers]) for number, row in records]
    return table


def read_csv(data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFile(_("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")) from error
    sample = text[:20000]
    try:
        dialect: type[csv.Dialect] | csv.Dialect = csv.Sniffer().sniff(sample, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    return from_records(csv.reader(io.StringIO(text, newline=""), dialect))


def read_xlsx(path: Path, sheet: str | None) -> Table:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        workbook = load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, BadZipFile, OSError, KeyError, ValueError) as error:
        raise UnreadableFile(_("The file is not an Excel workbook (.xlsx).")) from error
    try:
        if sheet and sheet not in workbook.sheetnames:
            raise UnreadableFile(
                _("The workbook has no sheet “%(sheet)s”; its sheets are: %(sheets)s.")
                % {"sheet": sheet, "sheets": ", ".join(workbook.sheetnames)}
            )
        worksheet = workbook[sheet] if sheet else workbook.worksheets[0]
        records = ([cell_text(value) for value in row] for row in worksheet.iter_rows(values_only=True))
        table = from_records(records)
    finally:
        workbook.close()
    width = len(table.headers)
    table.rows = [(number, cells + [""] * (width - len(cells))) for number, cells in table.rows]
    return table


def read_geojson(data: bytes) -> Table:
    """Point features: their properties, and latitude/longitude from the coordinates."""
    try:
        collection = json.loads(data.decode("utf-8-sig"))
        features = collection["features"] if collection.get("type") == "FeatureCollection" else None
    except (ValueError, AttributeError, KeyError, UnicodeDecodeError) as error:
        raise UnreadableFile(_("The file is not a GeoJSON FeatureCollection.")) from error
    if not isinstance(features, list):
        raise UnreadableFile(_("The file is not a GeoJSON FeatureCollection."))
    records: list[dict[str, Any]] = []
    problems: list[tuple[int, str, str]] = []
    for number, feature in enumerate(features, start=2):
        properties = dict(feature.get("properties") or {}) if isinstance(feature, dict) else {}
        geometry = feature.get("geometry") if isinstance(feature, dict) else None
        if isinstance(geometry, dict) and geometry.get("type") == "Point":
            longitude, latitude = [*(geometry.get("coordinates") or []), None, None][:2]
            properties.update(longitude=longitude, latitude=latitude)
        elif geometry:
            problems.append((number, "geometry", _("Only Point features can be read.")))
        records.append(properties)
    table = from_dicts(records)
    table.problems = problems
    return table


def read_table(path: Path, sheet: str | None = None) -> Table:
    """Read a CSV, XLSX or GeoJSON file, chosen by its name's ending."""
    suffix = path.suffix.lower()
    if suffix in XLSX_SUFFIXES:
        return read_xlsx(path, sheet)
    if suffix not in CSV_SUFFIXES + GEOJSON_SUFFIXES:
        raise UnreadableFile(
            _("Give a .csv, .xlsx or .geojson file, not “%(name)s”.") % {"name": path.name},
        )
    try:
        data = path.read_bytes()
    except OSError as error:
        raise UnreadableFile(str(error)) from error
    return read_geojson(data) if suffix in GEOJSON_SUFFIXES else read_csv(data)
