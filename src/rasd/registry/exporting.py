"""Exporting the facility list (current, or as it was on a past day) as CSV, XLSX or GeoJSON.

Rows are read from the database in chunks and written one by one, so memory stays bounded however long the list.
Headers are in the chosen language (English headers are the canonical column names); the canonical columns
re-import as they are, the convenience columns after them (names, level of care, governorate, district,
sub-district) are ignored by imports. In CSV and XLSX a text cell that starts with = + - @ (or a tab or carriage
return) gets an apostrophe in front, so a spreadsheet never runs it as a formula; imports take it off again.
"""

from __future__ import annotations

import csv
import datetime
import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from django.db.models import F, QuerySet
from django.utils import translation

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.registry.history import versions_as_of
from rasd.registry.importing.columns import COLUMNS, CONVENIENCE, STORED_AS, Column, label
from rasd.registry.importing.values import FORMULA_STARTS, NO, YES
from rasd.registry.models import (
    AdminArea,
    AliasKind,
    Authority,
    Directorate,
    Facility,
    FacilityAlias,
    FacilityType,
    FacilityVersion,
    LevelOfCare,
    LocationSource,
    OperationalStatus,
    Ownership,
    Sector,
    Settlement,
)
from rasd.registry.selectors import FacilityFilters, filter_facilities, within_area_q

FORMATS = ("csv", "xlsx", "geojson")
CHUNK = 2000
CHOICES = {
    "ownership": Ownership,
    "status": OperationalStatus,
    "settlement": Settlement,
    "location_source": LocationSource,
}
_ILLEGAL_IN_XLSX = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
Cell = str | int | float | datetime.date | None


@dataclass(frozen=True)
class ExportOptions:
    format: str = "csv"
    language: str = "en"
    hxl: bool = False


@dataclass(frozen=True)
class Selection:
    """What to export: rows of facility attributes (see `current` and `past`), and the day for a past list."""

    rows: QuerySet[Any, dict[str, Any]]
    as_of: datetime.date | None = None


def neutralise(value: Cell) -> Cell:
    """Text that a spreadsheet would run as a formula, disarmed with an apostrophe; numbers stay numbers."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return "'" + value
    return value


def _stored() -> list[str]:
    return [attname for _name, attname in STORED_AS]


def current(facilities: QuerySet[Facility]) -> Selection:
    """The facilities as they are now (the caller limits them to the user's scope)."""
    rows = facilities.annotate(facility_id=F("pk"), parent_code=F("parent__code"))
    return Selection(rows.order_by("code").values("code", "facility_id", "parent_code", *_stored()))


def past(versions: QuerySet[FacilityVersion], day: datetime.date) -> Selection:
    """The facilities as they were on `day`: the version of each valid that day (the caller scopes them)."""
    rows = versions_as_of(day, versions).annotate(code=F("facility__code"), parent_code=F("parent__code"))
    return Selection(rows.order_by("code").values("code", "facility_id", "parent_code", *_stored()), as_of=day)


def past_matching(user: User, filters: FacilityFilters, day: datetime.date) -> Selection:
    """The list on `day`, in the user's scope, narrowed by the facility list's filters as they apply to that day
    (directorate, sector, type, status and area of the version); the search matches today's names and codes."""
    versions = scoped(user, FacilityVersion.objects.all())
    if filters.q.strip():
        versions = versions.filter(facility__in=filter_facilities(user, FacilityFilters(q=filters.q)))
    for name in ("directorate", "sector", "facility_type"):
        if getattr(filters, name) is not None:
            versions = versions.filter(**{name: getattr(filters, name)})
    if filters.status:
        versions = versions.filter(status=filters.status)
    for area in (filters.governorate, filters.district):
        if area is not None:
            versions = versions.filter(within_area_q(area))
    return past(versions, day)


class _Lookups:
    """The small tables an export names things from, loaded once."""

    def __init__(self, language: str) -> None:
        self.language = language
        self.types = {item.pk: item for item in FacilityType.objects.all()}
        self.authorities = {item.pk: item.code for item in Authority.objects.all()}
        self.directorates = {item.pk: item for item in Directorate.objects.all()}
        self.sectors = {item.pk: item for item in Sector.objects.all()}
        areas = AdminArea.objects.values("pk", "pcode", "level", "parent_id", "name_ar", "name_en", "name_ckb")
        self.areas: dict[int, dict[str, Any]] = {area["pk"]: dict(area) for area in areas}
        with translation.override(language):
            self.choices = {name: {value: str(text) for value, text in kind.choices} for name, kind in CHOICES.items()}
            self.levels = {value: str(text) for value, text in LevelOfCare.choices}
            self.answers = {True: str(YES), False: str(NO)}

    def area_name(self, area: dict[str, Any]) -> str:
        return str(area[f"name_{self.language}"] or area["name_ar"] or area["name_en"])

    def lineage(self, area_id: int | None) -> dict[int, dict[str, Any]]:
        """The area and its ancestors, by level."""
        found: dict[int, dict[str, Any]] = {}
        area = self.areas.get(area_id) if area_id else None
        while area is not None:
            found[area["level"]] = area
            area = self.areas.get(area["parent_id"])
        return found


def _columns() -> tuple[Column, ...]:
    return (*COLUMNS, *CONVENIENCE)


def header_rows(options: ExportOptions) -> list[list[str]]:
    headers = [column.name if options.language == "en" else label(column, options.language) for column in _columns()]
    return [headers, [column.hxl[0] for column in _columns()]] if options.hxl else [headers]


def _values(row: dict[str, Any], aliases: list[str], lookups: _Lookups) -> list[Cell]:
    english = lookups.language == "en"
    facility_type = lookups.types[row["facility_type_id"]]
    directorate = lookups.directorates[row["directorate_id"]]
    sector = lookups.sectors.get(row["sector_id"])
    areas = lookups.lineage(row["admin_area_id"])

    def choice(name: str) -> str:
        return str(row[name]) if english else lookups.choices[name].get(row[name], row[name])

    def area(level: int, field: str) -> str:
        if level not in areas:
            return ""
        return str(areas[level]["pcode"]) if field == "pcode" else lookups.area_name(areas[level])

    functional = row["functional"]
    overridden = row["admin_area_overridden"] and row["admin_area_id"] in lookups.areas
    return [
        row["code"],
        row["name_ar"],
        row["name_en"],
        row["name_ckb"],
        " | ".join(aliases),
        facility_type.code,
        choice("ownership"),
        lookups.authorities.get(row["managing_authority_id"], ""),
        directorate.code,
        sector.code if sector else "",
        lookups.areas[row["admin_area_id"]]["pcode"] if overridden else "",
        row["admin_area_override_reason"],
        row["latitude"],
        row["longitude"],
        choice("location_source"),
        row["location_precision_m"],
        choice("status"),
        row["opened_on"],
        row["closed_on"],
        "" if functional is None else (("yes" if functional else "no") if english else lookups.answers[functional]),
        row["parent_code"] or "",
        choice("settlement"),
        row["catchment_population"],
        row["contact_name"],
        row["phone"],
        row["email"],
        row["address"],
        facility_type.name,
        lookups.levels.get(facility_type.level_of_care, ""),
        directorate.name,
        sector.name if sector else "",
        area(1, "pcode"),
        area(1, "name"),
        area(2, "pcode"),
        area(2, "name"),
        area(3, "pcode"),
        area(3, "name"),
    ]


def data_rows(selection: Selection, options: ExportOptions) -> Iterator[list[Cell]]:
    """One list of cells per facility, in column order, read chunk by chunk."""
    with translation.override(options.language):
        lookups = _Lookups(options.language)
        chunk: list[dict[str, Any]] = []
        for row in selection.rows.iterator(chunk_size=CHUNK):
            chunk.append(row)
            if len(chunk) == CHUNK:
                yield from _chunk_values(chunk, lookups, selection.as_of)
                chunk = []
        yield from _chunk_values(chunk, lookups, selection.as_of)


def _chunk_values(chunk: list[dict[str, Any]], lookups: _Lookups, as_of: datetime.date | None) -> Iterator[list[Cell]]:
    aliases: dict[int, list[str]] = {}
    names = FacilityAlias.objects.filter(facility_id__in=[row["facility_id"] for row in chunk], kind=AliasKind.NAME)
    if as_of is not None:
        names = names.filter(created_at__date__lte=as_of)
    for facility_id, value in names.order_by("value").values_list("facility_id", "value"):
        aliases.setdefault(facility_id, []).append(value)
    for row in chunk:
        yield _values(row, aliases.get(row["facility_id"], []), lookups)


# Writers --------------------------------------------------------------------------------------------------------


class _Echo:
    """A file-like object that hands back what is written (for streaming CSV to a web response)."""

    def write(self, text: str) -> str:
        return text


def csv_chunks(selection: Selection, options: ExportOptions) -> Iterator[str]:
    """CSV text line by line, with a byte-order mark so that spreadsheets read it as UTF-8."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    for cells in header_rows(options):
        yield writer.writerow(cells)
    for values in data_rows(selection, options):
        yield writer.writerow([neutralise(value) for value in values])


def geojson_chunks(selection: Selection, options: ExportOptions) -> Iterator[str]:
    """A FeatureCollection, feature by feature: a Point where the facility has coordinates, else no geometry."""
    headers = header_rows(options)[0]
    names = [column.name for column in _columns()]
    latitude, longitude = names.index("latitude"), names.index("longitude")
    yield '{"type": "FeatureCollection", "features": ['
    separator = "\n"
    for values in data_rows(selection, options):
        lat, lon = values[latitude], values[longitude]
        geometry = None if lat is None or lon is None else {"type": "Point", "coordinates": [lon, lat]}
        properties = {
            header: value.isoformat() if isinstance(value, datetime.date) else value
            for position, (header, value) in enumerate(zip(headers, values, strict=True))
            if position not in (latitude, longitude)
        }
        feature = {"type": "Feature", "geometry": geometry, "properties": properties}
        yield separator + json.dumps(feature, ensure_ascii=False)
        separator = ",\n"
    yield "\n]}\n"


def write_xlsx(selection: Selection, options: ExportOptions, target: str | Path | IO[bytes]) -> None:
    """An Excel workbook written row by row (openpyxl's write-only mode), right to left for Arabic and Kurdish."""
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("facilities")
    sheet.sheet_view.rightToLeft = options.language in ("ar", "ckb")
    for cells in header_rows(options):
        sheet.append(cells)
    for values in data_rows(selection, options):
        sheet.append([_xlsx_cell(value) for value in values])
    workbook.save(target)


def _xlsx_cell(value: Cell) -> Cell:
    if isinstance(value, str):
        value = _ILLEGAL_IN_XLSX.sub("", value)
    return neutralise(value)


def export_to_file(selection: Selection, options: ExportOptions, path: Path) -> None:
    if options.format == "xlsx":
        write_xlsx(selection, options, path)
        return
    chunks = csv_chunks(selection, options) if options.format == "csv" else geojson_chunks(selection, options)
    with path.open("w", encoding="utf-8", newline="") as handle:
        for text in chunks:
            handle.write(text)
