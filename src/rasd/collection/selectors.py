"""Reads for the round pages. Rounds are national, but everything inside one (expected facilities, assignments,
collectors, device tokens) is read through the scoping function, so each user sees their part of it only."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q, QuerySet

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.collection.models import Assignment, DeviceToken, ExpectedFacility, Round
from rasd.collection.services import collectors_in_scope
from rasd.registry.models import Facility


@dataclass(frozen=True)
class RoundCounts:
    expected: int
    removed: int
    assigned_facilities: int
    assignments: int
    collectors: int
    collectors_assigned: int
    active_tokens: int


def rounds(user: User) -> QuerySet[Round]:
    return scoped(user, Round.objects.prefetch_related("versions__questionnaire"))


def expected_in_scope(user: User, round_: Round) -> QuerySet[ExpectedFacility]:
    return scoped(user, ExpectedFacility.objects.filter(round=round_))


def assignments_in_scope(user: User, round_: Round) -> QuerySet[Assignment]:
    # Both ends must be the user's: the facility (Assignment.in_scope_q) and the collector's account.
    return scoped(user, Assignment.objects.filter(round=round_)).filter(
        collector__in=scoped(user, User.objects.all()).values("pk")
    )


def round_counts(user: User, round_: Round) -> RoundCounts:
    expected = expected_in_scope(user, round_)
    assignments = assignments_in_scope(user, round_)
    collectors = collectors_in_scope(user)
    return RoundCounts(
        expected=expected.filter(removed_at__isnull=True).count(),
        removed=expected.filter(removed_at__isnull=False).count(),
        assigned_facilities=assignments.values("facility_id").distinct().count(),
        assignments=assignments.count(),
        collectors=collectors.count(),
        collectors_assigned=collectors.filter(assignments__round=round_).distinct().count(),
        active_tokens=scoped(user, DeviceToken.objects.filter(revoked_at__isnull=True, user__in=collectors)).count(),
    )


def search_facilities(queryset: QuerySet[ExpectedFacility], query: str) -> QuerySet[ExpectedFacility]:
    query = query.strip()
    if not query:
        return queryset
    return queryset.filter(
        Q(facility__code__istartswith=query)
        | Q(facility__name_ar__icontains=query)
        | Q(facility__name_en__icontains=query)
        | Q(facility__name_ckb__icontains=query)
    )


def expected_rows(user: User, round_: Round, query: str = "") -> QuerySet[ExpectedFacility]:
    rows = expected_in_scope(user, round_).select_related(
        "facility__directorate", "facility__sector", "facility__facility_type", "removed_by", "added_by"
    )
    return search_facilities(rows, query).order_by("removed_at", "facility__code")


@dataclass
class AssignmentRow:
    facility: Facility
    collectors: list[User]


def assignment_rows(user: User, round_: Round, expected: list[ExpectedFacility]) -> list[AssignmentRow]:
    """One row per expected facility (a page of them), with the collectors in the user's scope assigned to it."""
    facility_ids = [row.facility_id for row in expected]
    by_facility: dict[int, list[User]] = defaultdict(list)
    for assignment in (
        assignments_in_scope(user, round_)
        .filter(facility_id__in=facility_ids)
        .select_related("collector")
        .order_by("collector__full_name", "collector__username")
    ):
        by_facility[assignment.facility_id].append(assignment.collector)
    return [AssignmentRow(facility=row.facility, collectors=by_facility[row.facility_id]) for row in expected]


def collectors_with_tokens(user: User, round_: Round) -> QuerySet[User]:
    """Active data collectors in the user's scope, with their assignment count in the round and their tokens."""
    return (
        collectors_in_scope(user)
        .annotate(assignment_count=Count("assignments", filter=Q(assignments__round=round_)))
        .prefetch_related(
            "scope_sectors",
            "scope_directorates",
            Prefetch("device_tokens", queryset=DeviceToken.objects.order_by("revoked_at", "-created_at")),
        )
        .order_by("full_name", "username")
    )


def active_token(collector: User) -> DeviceToken | None:
    """The newest token not revoked, from the prefetched tokens (as ordered by `collectors_with_tokens`)."""
    tokens: list[DeviceToken] = list(collector.device_tokens.all())
    return next((token for token in tokens if token.revoked_at is None), None)
