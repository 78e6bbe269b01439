"""How far a round has come: expected, received, quarantined, not yet visited and overdue facilities per
authority › directorate › sector, and the collectors' activity per day.

A handful of aggregate queries whatever the size of the round (5,200 facilities nationally), each limited to the
user's scope through `scoped()`. `user=None` stands for the system (the `round_progress` command): national scope.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models
from django.db.models import Count, Exists, F, OuterRef, QuerySet
from django.db.models.functions import TruncDate
from django.utils import timezone
from django.utils.translation import get_language

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.collection.models import ExpectedFacility, Round
from rasd.registry.models import Directorate, Facility, Sector
from rasd.registry.selectors import facility_points
from rasd.submissions.models import APPROVED_STATES, COUNTED_STATES, Submission, SubmissionState, SubmissionVersion

M = TypeVar("M", bound=models.Model)

ACTIVITY_DAYS = 30  # the collectors' table shows at most the last 30 days, so it fits on a page


@dataclass
class Counts:
    expected: int = 0
    received: int = 0
    quarantined: int = 0
    approved: int = 0  # expected facilities with a record approved at either level
    overdue_applies: bool = False

    @property
    def not_visited(self) -> int:
        return max(self.expected - self.received, 0)

    @property
    def overdue(self) -> int:
        return self.not_visited if self.overdue_applies else 0

    @property
    def completeness(self) -> int:
        """Received as a whole percentage of expected (0 when nothing is expected)."""
        return round(100 * self.received / self.expected) if self.expected else 0

    def add(self, other: Counts) -> None:
        self.expected += other.expected
        self.received += other.received
        self.quarantined += other.quarantined
        self.approved += other.approved

    def as_dict(self) -> dict[str, int]:
        return {
            "expected": self.expected,
            "received": self.received,
            "quarantined": self.quarantined,
            "approved": self.approved,
            "not_visited": self.not_visited,
            "overdue": self.overdue,
            "completeness": self.completeness,
        }


@dataclass
class Unit:
    """A row of the table: a sector (code "" when the facilities have none), a directorate or an authority."""

    code: str
    name: str
    counts: Counts
    children: list[Unit] = field(default_factory=list)


@dataclass
class CollectorActivity:
    username: str
    full_name: str
    days: dict[datetime.date, int]
    per_day: list[int] = field(default_factory=list)  # aligned with Progress.days, for the table

    @property
    def total(self) -> int:
        return sum(self.days.values())


@dataclass
class Progress:
    round: Round
    today: datetime.date
    totals: Counts
    authorities: list[Unit]
    days: list[datetime.date]
    collectors: list[CollectorActivity]

    @property
    def overdue_applies(self) -> bool:
        return self.totals.overdue_applies

    @property
    def directorates(self) -> list[Unit]:
        return [directorate for authority in self.authorities for directorate in authority.children]


def _in_scope(user: User | None, queryset: QuerySet[M]) -> QuerySet[M]:
    # The command runs as the system, which covers the whole country; everyone else goes through scoped().
    return queryset if user is None else scoped(user, queryset)


def round_progress(user: User | None, round_: Round, *, today: datetime.date | None = None) -> Progress:
    today = today or timezone.localdate()
    overdue = today > round_.deadline
    expected = _in_scope(user, ExpectedFacility.objects.filter(round=round_, removed_at__isnull=True))
    received_here = Submission.objects.filter(
        round=round_, facility=OuterRef("facility_id"), state__in=sorted(COUNTED_STATES)
    )
    approved_here = Submission.objects.filter(
        round=round_, facility=OuterRef("facility_id"), state__in=sorted(APPROVED_STATES)
    )
    place = {"directorate": F("facility__directorate_id"), "sector": F("facility__sector_id")}

    counts: dict[tuple[int, int | None], Counts] = defaultdict(lambda: Counts(overdue_applies=overdue))
    for row in expected.values(**place).annotate(n=Count("pk")).order_by():
        counts[(row["directorate"], row["sector"])].expected = row["n"]
    for row in expected.filter(Exists(received_here)).values(**place).annotate(n=Count("pk")).order_by():
        counts[(row["directorate"], row["sector"])].received = row["n"]
    for row in expected.filter(Exists(approved_here)).values(**place).annotate(n=Count("pk")).order_by():
        counts[(row["directorate"], row["sector"])].approved = row["n"]
    quarantine = _in_scope(user, Submission.objects.filter(round=round_, state=SubmissionState.QUARANTINED))
    unplaced = Counts(overdue_applies=overdue)
    for row in quarantine.values("directorate_id", "sector_id").annotate(n=Count("pk")).order_by():
        if row["directorate_id"] is None:
            # Only a national user sees quarantined records with no place; they count in the overall total.
            unplaced.quarantined += row["n"]
        else:
            counts[(row["directorate_id"], row["sector_id"])].quarantined += row["n"]

    authorities = _hierarchy(counts, overdue)
    totals = Counts(overdue_applies=overdue)
    for authority in authorities:
        totals.add(authority.counts)
    totals.add(unplaced)
    days, collectors = _activity(user, round_, today)
    return Progress(round=round_, today=today, totals=totals, authorities=authorities, days=days, collectors=collectors)


def _hierarchy(counts: dict[tuple[int, int | None], Counts], overdue: bool) -> list[Unit]:
    """Sector rows under their directorate under their authority, with the sums, ordered by code."""
    directorate_ids = {key[0] for key in counts}
    sector_ids = {key[1] for key in counts if key[1] is not None}
    directorates = Directorate.objects.filter(pk__in=directorate_ids).select_related("authority").in_bulk()
    sectors = Sector.objects.filter(pk__in=sector_ids).in_bulk()

    by_directorate: dict[int, Unit] = {}
    authorities: dict[int, Unit] = {}
    for (directorate_id, sector_id), numbers in counts.items():
        directorate = directorates[directorate_id]
        authority = authorities.setdefault(
            directorate.authority_id,
            Unit(directorate.authority.code, directorate.authority.name, Counts(overdue_applies=overdue)),
        )
        unit = by_directorate.get(directorate_id)
        if unit is None:
            unit = by_directorate[directorate_id] = Unit(
                directorate.code, directorate.name, Counts(overdue_applies=overdue)
            )
            authority.children.append(unit)
        sector = sectors.get(sector_id) if sector_id is not None else None
        unit.children.append(Unit(sector.code if sector else "", sector.name if sector else "", numbers))
        unit.counts.add(numbers)
        authority.counts.add(numbers)
    for authority in authorities.values():
        authority.children.sort(key=lambda unit: unit.code)
        for unit in authority.children:
            # "No sector" ("") last, after the named sectors.
            unit.children.sort(key=lambda child: (child.code == "", child.code))
    return sorted(authorities.values(), key=lambda unit: unit.code)


def _activity(user: User | None, round_: Round, today: datetime.date) -> tuple[list[datetime.date], list[Any]]:
    """Versions received per collector per day, over the last 30 days of the round up to today."""
    last = min(today, max(round_.period_end, round_.deadline))
    first = max(round_.period_start, last - datetime.timedelta(days=ACTIVITY_DAYS - 1))
    if last < first:
        return [], []
    days = [first + datetime.timedelta(days=offset) for offset in range((last - first).days + 1)]
    versions = _in_scope(user, SubmissionVersion.objects.filter(submission__round=round_)).filter(
        submitted_by__isnull=False
    )
    rows = (
        versions.annotate(day=TruncDate("received_at"))
        .filter(day__gte=first, day__lte=last)
        .values("submitted_by__username", "submitted_by__full_name", "day")
        .annotate(n=Count("pk"))
        .order_by()
    )
    by_user: dict[str, CollectorActivity] = {}
    for row in rows:
        username = row["submitted_by__username"]
        activity = by_user.setdefault(username, CollectorActivity(username, row["submitted_by__full_name"], {}))
        activity.days[row["day"]] = row["n"]
    for activity in by_user.values():
        activity.per_day = [activity.days.get(day, 0) for day in days]
    return days, sorted(by_user.values(), key=lambda activity: activity.username)


def map_points(user: User | None, round_: Round) -> dict[str, Any]:
    """The located expected facilities in scope as GeoJSON, each marked `visited` when a record was received.
    Two queries: the points (the registry's map selector) and the codes of the visited facilities."""
    expected = _in_scope(user, ExpectedFacility.objects.filter(round=round_, removed_at__isnull=True))
    facilities = Facility.objects.filter(pk__in=expected.values("facility_id"))
    visited = set(
        Submission.objects.filter(round=round_, state__in=sorted(COUNTED_STATES), facility__in=facilities).values_list(
            "facility__code", flat=True
        )
    )
    points = facility_points(facilities, get_language() or "ar")
    for feature in points["features"]:
        feature["properties"]["visited"] = feature["properties"]["code"] in visited
    return points


def as_json(progress: Progress) -> dict[str, Any]:
    """The numbers as plain data (the command's --json output)."""

    def unit(row: Unit) -> dict[str, Any]:
        return {"code": row.code, "name": row.name, **row.counts.as_dict()}

    return {
        "round": progress.round.code,
        "deadline": progress.round.deadline.isoformat(),
        "totals": progress.totals.as_dict(),
        "directorates": [
            {**unit(directorate), "sectors": [unit(sector) for sector in directorate.children]}
            for directorate in progress.directorates
        ],
        "collectors": [
            {
                "username": activity.username,
                "days": {day.isoformat(): n for day, n in sorted(activity.days.items())},
            }
            for activity in progress.collectors
        ],
    }


def table_rows(progress: Progress) -> list[list[Any]]:
    """The table flattened for the CSV download and the command: one row per sector, directorate and authority."""
    rows: list[list[Any]] = []

    def add(level: str, authority: str, directorate: str, sector: str, numbers: Counts) -> None:
        rows.append(
            [
                level,
                authority,
                directorate,
                sector,
                numbers.expected,
                numbers.received,
                numbers.quarantined,
                numbers.approved,
                numbers.not_visited,
                numbers.overdue,
                numbers.completeness,
            ]
        )

    for authority in progress.authorities:
        for directorate in authority.children:
            for sector in directorate.children:
                add("sector", authority.code, directorate.code, sector.code, sector.counts)
            add("directorate", authority.code, directorate.code, "", directorate.counts)
        add("authority", authority.code, "", "", authority.counts)
    add("total", "", "", "", progress.totals)
    return rows


TABLE_HEADER = [
    "level",
    "authority",
    "directorate",
    "sector",
    "expected",
    "received",
    "quarantined",
    "approved",
    "not_visited",
    "overdue",
    "completeness_percent",
]
