"""Importing facility lists from CSV, XLSX and GeoJSON files (see docs/registry-import-export.md).

Every row is read and checked first; nothing is written if any row has a problem. Otherwise each row creates a
facility (new code) or updates one (known code: a new version, only when something changed), through
rasd.registry.facility_services in one transaction. Importing the same file again changes nothing.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable, Mapping
from pathlib import Path

from django.core.exceptions import PermissionDenied, ValidationError

from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.registry.facility_services import today
from rasd.registry.importing.applying import apply, service_problems
from rasd.registry.importing.columns import map_columns
from rasd.registry.importing.planning import Plan, Planner
from rasd.registry.importing.readers import Table, UnreadableFile, from_dicts, read_table
from rasd.registry.importing.result import FieldChange, ImportResult, Problem, RowChange

__all__ = ["ImportResult", "Problem", "UnreadableFile", "import_file", "import_rows", "import_table"]


def import_rows(
    rows: Iterable[dict[str, str]],
    *,
    actor: User | None,
    dry_run: bool = False,
    valid_from: datetime.date | None = None,
    reason: str = "",
) -> ImportResult:
    """Import rows keyed by column (canonical names, or any header the importer knows); the first is row 2."""
    return import_table(from_dicts(rows), actor=actor, dry_run=dry_run, valid_from=valid_from, reason=reason)


def import_file(
    path: Path,
    *,
    actor: User | None,
    sheet: str | None = None,
    mapping: Mapping[str, str | None] | None = None,
    dry_run: bool = False,
    valid_from: datetime.date | None = None,
    reason: str = "",
) -> ImportResult:
    """Import a CSV, XLSX or GeoJSON file. Raises UnreadableFile when the file as a whole cannot be read."""
    table = read_table(path, sheet)
    return import_table(table, actor=actor, mapping=mapping, dry_run=dry_run, valid_from=valid_from, reason=reason)


def import_table(
    table: Table,
    *,
    actor: User | None,
    mapping: Mapping[str, str | None] | None = None,
    dry_run: bool = False,
    valid_from: datetime.date | None = None,
    reason: str = "",
) -> ImportResult:
    if actor is not None and not actor.can(Perm.MANAGE_REGISTRY):
        raise PermissionDenied
    valid_from = valid_from or today()
    columns = map_columns(table.headers, table.tags, mapping or {})
    plan = Planner(table, columns, actor=actor, valid_from=valid_from).run()
    problems = plan.problems
    if not problems and not dry_run:
        try:
            apply(plan, actor=actor, valid_from=valid_from, reason=reason)
        except ValidationError as error:
            problems = service_problems(error, plan, columns)
    return _result(plan, problems, written=not problems and not dry_run)


def _result(plan: Plan, problems: list[Problem], *, written: bool) -> ImportResult:
    result = ImportResult(
        problems=[str(problem) for problem in problems],
        issues=problems,
        warnings=plan.warnings,
        unchanged=plan.unchanged,
        written=written,
    )
    if problems:
        return result
    for row in plan.rows:
        fields = list(row.changes)
        if row.aliases:
            fields.append(FieldChange(plan.alias_column, "", " | ".join(row.aliases)))
        result.changes.append(RowChange(row.row, row.code, row.facility is None, fields))
        if row.facility is None:
            result.created += 1
        else:
            result.updated += 1
    return result
