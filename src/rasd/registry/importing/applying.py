"""Writing a clean plan through the facility services, in one transaction: main centres created by the file first,
then the facilities that point at them, then the new other names."""

from __future__ import annotations

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction

from rasd.accounts.models import User
from rasd.registry.facility_services import FacilityWrite, add_aliases, write_facilities
from rasd.registry.importing.columns import ColumnMap
from rasd.registry.importing.planning import FIELD_COLUMNS, Plan, RowPlan
from rasd.registry.importing.result import Problem
from rasd.registry.models import Facility


@transaction.atomic
def apply(plan: Plan, *, actor: User | None, valid_from: datetime.date, reason: str) -> None:
    created: dict[str, Facility] = {}
    pending = [row for row in plan.rows if row.writes]
    while pending:
        ready = [row for row in pending if not row.parent_code or row.parent_code in created]
        if not ready:
            raise RuntimeError("main centres form a loop; the plan should have refused this file")
        for row in ready:
            if row.parent_code:
                row.details.parent = created[row.parent_code]
        writes = [FacilityWrite(row.code, row.details, row.facility) for row in ready]
        summary = write_facilities(actor, writes, valid_from=valid_from, reason=reason)
        created.update((facility.code, facility) for facility in summary.created)
        done = {id(row) for row in ready}
        pending = [row for row in pending if id(row) not in done]
    names = [(_facility(row, created), name, "") for row in plan.rows for name in row.aliases]
    if names:
        add_aliases(actor, names, reason=reason)


def _facility(row: RowPlan, created: dict[str, Facility]) -> Facility:
    return row.facility if row.facility is not None else created[row.code]


def service_problems(error: ValidationError, plan: Plan, columns: ColumnMap) -> list[Problem]:
    """The service's own refusal (keys "CODE: field"), as row problems. The plan checks the same rules first, so
    this is a safety net for what only the write can see (e.g. two rows that make each other's main centre)."""
    rows = {row.code: row.row for row in plan.rows}
    problems = []
    for key, messages in error.message_dict.items():
        code, _separator, name = key.rpartition(": ")
        column = columns.header(FIELD_COLUMNS.get(name, name))
        problems += [Problem(rows.get(code, 0), column, message) for message in messages]
    return problems
