"""Planning an import: every row is read and checked against the facility rules before anything is written.

A row whose code exists updates that facility: the columns the file has overlay the stored values, the others keep
them. A row with a new code creates a facility. Reference data and existing facilities are loaded in bulk, so the
plan costs a few queries per thousand rows.
"""

from __future__ import annotations

import datetime
import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.scoping import covers, scope_of, scoped
from rasd.registry.facility_rules import FacilityDetails, code_problems, detail_problems, effective_date_problems
from rasd.registry.facility_services import complete_details, placement_scope
from rasd.registry.importing.columns import STORED_AS, ColumnMap
from rasd.registry.importing.readers import Table
from rasd.registry.importing.result import FieldChange, Problem
from rasd.registry.importing.values import BadValue, Choices, Reference, day, decimal, integer, text, yes_no
from rasd.registry.models import (
    AliasKind,
    Directorate,
    Facility,
    FacilityAlias,
    FacilityType,
    LocationSource,
    OperationalStatus,
    Ownership,
    Settlement,
)
from rasd.registry.names import mixes_scripts

CHUNK = 1000
T = TypeVar("T")
# Where a problem the facility rules report about a field shows in the file.
FIELD_COLUMNS = {"admin_area": "admin_area_pcode", "parent": "parent_code"}
TEXT_FIELDS = ("contact_name", "phone", "email", "address")
_ARABIC_LETTER = re.compile("[\u0600-\u06ff]")
_LATIN_LETTER = re.compile("[A-Za-z]")


@dataclass(slots=True)
class RowPlan:
    row: int
    code: str
    details: FacilityDetails
    facility: Facility | None  # None: a new facility
    changes: list[FieldChange] = field(default_factory=list)
    aliases: list[str] = field(default_factory=list)  # other names the facility does not have yet
    parent_code: str = ""  # its main centre is created by this same file

    @property
    def writes(self) -> bool:
        return self.facility is None or bool(self.changes)


@dataclass
class Plan:
    rows: list[RowPlan] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    unchanged: int = 0
    alias_column: str = "aliases"  # as the file calls it


def chunked(items: Sequence[T], size: int = CHUNK) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def split_bilingual(value: str) -> dict[str, str] | None:
    """'Al-Zahraa PHC / مركز الزهراء' (either order) → {'name_en': ..., 'name_ar': ...}; None if not two names."""
    if not mixes_scripts(value):
        return None
    parts = [part.strip() for part in value.split("/") if part.strip()]
    latin = [part for part in parts if _LATIN_LETTER.search(part) and not _ARABIC_LETTER.search(part)]
    arabic = [part for part in parts if _ARABIC_LETTER.search(part) and not _LATIN_LETTER.search(part)]
    if len(parts) != 2 or len(latin) != 1 or len(arabic) != 1:
        return None
    return {"name_en": latin[0], "name_ar": arabic[0]}


def _max_length(model: type[models.Model], name: str) -> int | None:
    found = model._meta.get_field(name)
    return found.max_length if isinstance(found, models.Field) else None


def display(value: Any) -> str:
    """A stored value as the preview shows it: codes for related records, ISO dates, yes/no."""
    if value is None:
        return ""
    if isinstance(value, models.Model):
        return str(getattr(value, "code", None) or getattr(value, "pcode", None) or value.pk)
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, datetime.date):
        return value.isoformat()
    return str(value)


class Planner:
    def __init__(self, table: Table, columns: ColumnMap, *, actor: User | None, valid_from: datetime.date) -> None:
        self.table = table
        self.columns = columns
        self.actor = actor
        self.valid_from = valid_from
        self.reference = Reference()
        self.choices = {
            "ownership": Choices(Ownership),
            "status": Choices(OperationalStatus),
            "settlement": Choices(Settlement),
            "location_source": Choices(LocationSource),
        }
        self.existing: dict[str, Facility] = {}
        self.in_scope: set[str] = set()
        self.merged_codes: dict[str, str] = {}  # former code → the facility that absorbed it
        self.aliases: dict[int, set[str]] = {}
        self.new_codes: set[str] = set()
        self._placements: dict[tuple[int, int | None], bool] = {}
        self.limits = {
            name: _max_length(Facility, name)
            for name in ("name_ar", "name_en", "name_ckb", *TEXT_FIELDS, "admin_area_override_reason")
        }
        self.limits["aliases"] = _max_length(FacilityAlias, "value")
        self.plan = Plan(warnings=list(columns.warnings), alias_column=columns.header("aliases"))

    # Loading ---------------------------------------------------------------------------------------------------

    def _load(self, codes: list[str]) -> None:
        query = Facility.objects.select_related("parent", "merged_into")
        for chunk in chunked(codes):
            for facility in query.filter(code__in=chunk):
                self.reference.attach(facility)
                self.existing[facility.code] = facility
            if self.actor is not None:
                scoped_codes = scoped(self.actor, Facility.objects.filter(code__in=chunk))
                self.in_scope.update(scoped_codes.values_list("code", flat=True))
        unknown = [code for code in codes if code not in self.existing]
        for chunk in chunked(unknown):
            former = FacilityAlias.objects.filter(kind=AliasKind.CODE, value__in=chunk)
            self.merged_codes.update(former.values_list("value", "facility__code"))
        ids = [facility.pk for facility in self.existing.values()]
        for id_chunk in chunked(ids):
            names = FacilityAlias.objects.filter(facility_id__in=id_chunk, kind=AliasKind.NAME)
            for facility_id, value in names.values_list("facility_id", "value"):
                self.aliases.setdefault(facility_id, set()).add(value)

    # Planning --------------------------------------------------------------------------------------------------

    def run(self) -> Plan:
        plan = self.plan
        for column, message in self.columns.problems:
            plan.problems.append(Problem(self.table.header_row, column, message))
        plan.problems += [Problem(row, column, message) for row, column, message in self.table.problems]
        if self.columns.problems:
            return plan
        rows = [(number, self._values(cells)) for number, cells in self.table.rows]
        codes = [text(values.get("code", "")) for _number, values in rows]
        parents = [text(values.get("parent_code", "")) for _number, values in rows]
        self._load(sorted({code for code in codes + parents if code}))
        self.new_codes = {code for code in codes if code and code not in self.existing}
        first_row: dict[str, int] = {}
        readable: list[RowPlan] = []
        for (number, values), code in zip(rows, codes, strict=True):
            if code and code in first_row:
                message = _("The code %(code)s is also on row %(row)s.") % {"code": code, "row": first_row[code]}
                self._problem(number, "code", message)
                continue
            first_row[code] = number
            row_plan = self._row(number, code, values)
            if row_plan is not None:
                readable.append(row_plan)
        complete_details([row_plan.details for row_plan in readable])
        for row_plan in readable:
            if not self._judge(row_plan):
                continue
            if row_plan.writes or row_plan.aliases:
                plan.rows.append(row_plan)
            else:
                plan.unchanged += 1
        self._check_loops()
        plan.problems.sort(key=lambda problem: problem.row)
        return plan

    def _values(self, cells: list[str]) -> dict[str, str]:
        return {name: cells[index] if index < len(cells) else "" for name, index in self.columns.positions.items()}

    def _problem(self, row: int, name: str, message: str) -> None:
        self.plan.problems.append(Problem(row, self.columns.header(FIELD_COLUMNS.get(name, name)), message))

    def _read(self, row: int, values: dict[str, str], name: str, parse: Callable[[str], T | None]) -> T | None:
        if name not in values:
            return None
        try:
            return parse(values[name])
        except BadValue as error:
            self._problem(row, name, str(error))
            return None

    def _row(self, number: int, code: str, values: dict[str, str]) -> RowPlan | None:
        """The row read over the stored facility (or a new one); None when a cell cannot be read."""
        before = len(self.plan.problems)
        facility = self.existing.get(code)
        if facility is None:
            details = self._new_details(number, code, values)
        elif self.actor is not None and code not in self.in_scope:
            self._problem(number, "code", _("This facility is outside your scope."))
            return None
        else:
            details = FacilityDetails.of(facility)
        if details is None:
            return None
        row_plan = RowPlan(number, code, details, facility)
        self._overlay(row_plan, values)
        return row_plan if len(self.plan.problems) == before else None

    def _judge(self, row_plan: RowPlan) -> bool:
        """The facility rules, the scope, and what the row changes; False when it breaks a rule."""
        before, number, facility = len(self.plan.problems), row_plan.row, row_plan.facility
        self._check(row_plan)
        if len(self.plan.problems) > before:
            return False
        self._compare(row_plan)
        if facility is not None and facility.merged_into is not None and row_plan.writes:
            message = _("This facility was merged into %(code)s; change that one instead.")
            self._problem(number, "code", message % {"code": facility.merged_into.code})
        if facility is not None and row_plan.writes:
            for message in effective_date_problems(facility, self.valid_from):
                self._problem(number, "valid_from", message)
        return len(self.plan.problems) == before

    def _new_details(self, number: int, code: str, values: dict[str, str]) -> FacilityDetails | None:
        if code in self.merged_codes:
            message = _("This code was merged into %(code)s; change that one instead.")
            self._problem(number, "code", message % {"code": self.merged_codes[code]})
            return None
        for message in code_problems(code):
            self._problem(number, "code", message)
        facility_type = self._read(number, values, "facility_type", self.reference.facility_type)
        directorate = self._read(number, values, "directorate", self.reference.directorate)
        if facility_type is None and not text(values.get("facility_type", "")):
            self._problem(number, "facility_type", _("A new facility needs a type."))
        if directorate is None and not text(values.get("directorate", "")):
            self._problem(number, "directorate", _("A new facility needs a directorate."))
        if facility_type is None or directorate is None or not code:
            # Read the other cells anyway, over placeholders, so that one run reports every problem in the row.
            placeholder = FacilityDetails(facility_type=FacilityType(), directorate=Directorate())
            self._overlay(RowPlan(number, code, placeholder, None), values)
            return None
        return FacilityDetails(facility_type=facility_type, directorate=directorate)

    def _overlay(self, plan: RowPlan, values: dict[str, str]) -> None:
        """Put the file's values over the stored (or default) ones."""
        details, number = plan.details, plan.row

        def read(name: str, parse: Callable[[str], T | None]) -> T | None:
            return self._read(number, values, name, parse)

        if plan.facility is not None:
            details.facility_type = read("facility_type", self.reference.facility_type) or details.facility_type
            details.directorate = read("directorate", self.reference.directorate) or details.directorate
        for name, choices in self.choices.items():
            setattr(details, name, read(name, choices) or getattr(details, name))
        if "managing_authority" in values:
            details.managing_authority = read("managing_authority", self.reference.authority)
        if "sector" in values and details.directorate.pk is not None:
            details.sector = read("sector", lambda raw: self.reference.sector(raw, details.directorate))
        for name, value in self._names(values).items():
            setattr(details, name, value)
        for name in TEXT_FIELDS:
            if name in values:
                setattr(details, name, text(values[name]))
        for name, parse in (
            ("latitude", decimal),
            ("longitude", decimal),
            ("location_precision_m", integer),
            ("catchment_population", integer),
            ("opened_on", day),
            ("closed_on", day),
            ("functional", yes_no),
        ):
            if name in values:
                setattr(details, name, read(name, parse))
        if plan.facility is None and details.latitude is not None and not text(values.get("location_source", "")):
            details.location_source = LocationSource.IMPORTED
        if "admin_area_pcode" in values:
            details.admin_area = read("admin_area_pcode", self.reference.area)
            details.admin_area_overridden = details.admin_area is not None
        if "admin_area_override_reason" in values:
            details.admin_area_override_reason = text(values["admin_area_override_reason"])
        if not details.admin_area_overridden:
            details.admin_area_override_reason = ""
        if "parent_code" in values:
            self._parent(plan, text(values["parent_code"]))
        if "aliases" in values:
            known = self.aliases.get(plan.facility.pk, set()) if plan.facility else set()
            names = [name.strip() for name in text(values["aliases"]).split("|")]
            plan.aliases = list(dict.fromkeys(name for name in names if name and name not in known))
        self._check_lengths(plan)

    def _names(self, values: dict[str, str]) -> dict[str, str]:
        """Name columns, with "English / Arabic" cells split by script (explicit columns win over split parts)."""
        names = {name: text(values[name]) for name in ("name_ar", "name_en", "name_ckb") if name in values}
        for column in ("name_ar", "name_en", "name"):
            value = text(values.get(column, ""))
            parts = split_bilingual(value)
            if parts is None and column == "name" and value:
                parts = {"name_en" if _LATIN_LETTER.search(value) else "name_ar": value}
            if parts is None:
                continue
            if column in parts:
                names[column] = parts[column]
            for name, part in parts.items():
                names[name] = names.get(name) or part
        return names

    def _parent(self, plan: RowPlan, parent_code: str) -> None:
        plan.details.parent = None
        if not parent_code:
            return
        if parent_code in self.new_codes:
            plan.parent_code = parent_code
            return
        parent = self.existing.get(parent_code)
        if parent is None or (self.actor is not None and parent_code not in self.in_scope):
            self._problem(plan.row, "parent_code", _("No facility has the code “%(value)s”.") % {"value": parent_code})
            return
        plan.details.parent = parent

    def _check_lengths(self, plan: RowPlan) -> None:
        for name, limit in self.limits.items():
            values = plan.aliases if name == "aliases" else [getattr(plan.details, name)]
            if limit and any(len(value) > limit for value in values):
                self._problem(plan.row, name, _("This is longer than %(limit)s characters.") % {"limit": limit})

    def _check(self, plan: RowPlan) -> None:
        details = plan.details
        if self.actor is not None and not self._may_place(details):
            where = "sector" if details.sector is not None else "directorate"
            self._problem(plan.row, where, _("You may only place facilities inside your own scope."))
        for name, messages in detail_problems(details, plan.facility).items():
            for message in messages:
                self._problem(plan.row, name, message)

    def _may_place(self, details: FacilityDetails) -> bool:
        key = (details.directorate.pk, details.sector.pk if details.sector else None)
        if key not in self._placements:
            self._placements[key] = covers(scope_of(self.actor), placement_scope(details))
        return self._placements[key]

    def _compare(self, plan: RowPlan) -> None:
        """The field changes a row makes (all filled fields, for a new facility)."""
        details, facility = plan.details, plan.facility
        for name, attname in STORED_AS:
            after = getattr(details, name)
            after = after.pk if isinstance(after, models.Model) else after
            if facility is None and after in (None, "", False):
                continue
            if facility is None or getattr(facility, attname) != after:
                was = display(getattr(facility, name)) if facility is not None else ""
                column = self.columns.headers.get(FIELD_COLUMNS.get(name, name), name)  # e.g. a derived area
                plan.changes.append(FieldChange(column, was, display(getattr(details, name))))
        if plan.parent_code:
            was = display(facility.parent) if facility is not None else ""
            plan.changes = [change for change in plan.changes if change.column != self.columns.header("parent_code")]
            plan.changes.append(FieldChange(self.columns.header("parent_code"), was, plan.parent_code))

    def _check_loops(self) -> None:
        """Main centres created by the file must not lead back to the row itself."""
        pending = {row.code: row for row in self.plan.rows if row.parent_code}
        for row in pending.values():
            seen, code = {row.code}, row.parent_code
            while code in pending and code not in seen:
                seen.add(code)
                code = pending[code].parent_code
            if code in seen:
                self._problem(row.row, "parent_code", _("The main centres in this file form a loop."))
