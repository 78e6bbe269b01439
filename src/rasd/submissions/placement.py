"""Which facility a submission is about, where its record sits in the health administration, and why it is
quarantined when it cannot be matched (docs/ingestion.md, "Facility and quarantine")."""

from __future__ import annotations

import functools
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db import connection

from rasd.accounts.roles import Role
from rasd.accounts.scoping import ScopeKind, scope_of
from rasd.collection.models import Assignment, ExpectedFacility
from rasd.registry.models import AliasKind, Facility, FacilityAlias, OperationalStatus, Sector
from rasd.submissions.models import QuarantineReason

if TYPE_CHECKING:
    from rasd.accounts.models import User


@dataclass
class Placement:
    facility_id: int | None = None
    directorate_id: int | None = None
    sector_id: int | None = None
    reason: str = ""  # a QuarantineReason, or "" when the record is placed normally


@functools.cache
def _facility_sql() -> str:
    """Written once in plain SQL (building it through the ORM cost more CPU than running it). Only table names
    from the models are interpolated; values are always parameters."""
    facility, expected, assigned = Facility._meta, ExpectedFacility._meta, Assignment._meta
    return (
        "SELECT f.id, f.status, f.merged_into_id, f.directorate_id, f.sector_id, "  # noqa: S608
        f"EXISTS (SELECT 1 FROM {expected.db_table} e WHERE e.round_id = %s AND e.facility_id = f.id "
        "AND e.removed_at IS NULL), "
        f"EXISTS (SELECT 1 FROM {assigned.db_table} a WHERE a.round_id = %s AND a.facility_id = f.id "
        f"AND a.collector_id = %s) FROM {facility.db_table} f WHERE "
    )


def _facility_rows(round_id: int, user: User | None, where: str, *params: Any) -> list[tuple[Any, ...]]:
    """The facility `where` selects, with whether the round expects it and whether `user` is assigned to it."""
    alias = FacilityAlias._meta.db_table
    conditions = {
        "code": "f.code = %s",
        "pk": "f.id = %s",
        "alias": f"f.id IN (SELECT facility_id FROM {alias} WHERE kind = %s AND value = %s)",  # noqa: S608
    }
    with connection.cursor() as cursor:
        cursor.execute(
            _facility_sql() + conditions[where] + " LIMIT 1",
            [round_id, round_id, user.pk if user is not None else None, *params],
        )
        return [(*row[:5], bool(row[5]), bool(row[6])) for row in cursor.fetchall()]


def place(code: str, round_id: int, user: User | None, previous_facility_id: int | None) -> Placement:
    """Which facility the submission is about, where the record sits, and why it is quarantined (if it is)."""
    if not code:
        return _placement_from_scope(user, QuarantineReason.NO_FACILITY)
    # One query in the normal case: the facility, whether the round expects it and whether the collector has it.
    rows = _facility_rows(round_id, user, "code", code)
    if not rows:  # a code merged away and not kept as a facility row (e.g. imported aliases)
        rows = _facility_rows(round_id, user, "alias", AliasKind.CODE.value, code)
    for _hop in range(5):  # a merged facility lives on in the one it was merged into (chains are short)
        if not rows or rows[0][2] is None:
            break
        rows = _facility_rows(round_id, user, "pk", rows[0][2])
    if not rows:
        return _placement_from_scope(user, QuarantineReason.UNKNOWN_FACILITY)
    pk, status, _merged, directorate_id, sector_id, expected, assigned = rows[0]
    placement = Placement(facility_id=pk, directorate_id=directorate_id, sector_id=sector_id)
    if status == OperationalStatus.PERMANENTLY_CLOSED:
        placement.reason = QuarantineReason.FACILITY_CLOSED
    elif not expected:
        placement.reason = QuarantineReason.NOT_EXPECTED
    elif user is not None and user.role == Role.DATA_COLLECTOR and not assigned:
        placement.reason = QuarantineReason.OUTSIDE_ASSIGNMENT
    elif previous_facility_id not in (None, pk):
        placement.reason = QuarantineReason.FACILITY_CHANGED
    return placement


def _placement_from_scope(user: User | None, reason: str) -> Placement:
    """Without a facility the record is placed where its submitter works, when that is one directorate or one
    sector, so the right managers see it in quarantine; otherwise only national users do."""
    placement = Placement(reason=reason)
    scope = scope_of(user)
    if scope.kind == ScopeKind.SECTORS and len(scope.sector_ids) == 1:
        placement.sector_id = next(iter(scope.sector_ids))
        placement.directorate_id = (
            Sector.objects.filter(pk=placement.sector_id).values_list("directorate_id", flat=True).first()
        )
    elif scope.kind == ScopeKind.DIRECTORATES and len(scope.directorate_ids) == 1:
        placement.directorate_id = next(iter(scope.directorate_ids))
    return placement
