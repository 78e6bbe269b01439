"""Reading the facility list as it was on any past date."""

from __future__ import annotations

import datetime

from django.db.models import Q, QuerySet

from rasd.registry.models import Facility, FacilityVersion


def valid_on(day: datetime.date) -> Q:
    return Q(valid_from__lte=day) & (Q(valid_to__isnull=True) | Q(valid_to__gt=day))


def versions_as_of(day: datetime.date, versions: QuerySet[FacilityVersion] | None = None) -> QuerySet[FacilityVersion]:
    """One version per facility: the state each was in on `day` (facilities recorded later are absent)."""
    base = versions if versions is not None else FacilityVersion.objects.all()
    return base.filter(valid_on(day))


def facility_as_of(facility: Facility, day: datetime.date) -> FacilityVersion | None:
    return versions_as_of(day, facility.versions.all()).first()


def timeline(facility: Facility) -> QuerySet[FacilityVersion]:
    """Every version, newest first, with who recorded it."""
    return facility.versions.select_related("actor", "facility_type", "directorate", "sector").order_by("-number")
