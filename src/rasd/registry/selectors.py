"""Reading the facility list for the pages: search, filters, rows and the map's points, always within scope."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, TypeVar
from urllib.parse import quote

from django.db.models import Count, Model, Q, QuerySet
from django.urls import reverse

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.registry.models import AdminArea, Directorate, Facility, FacilityType, OperationalStatus, Sector
from rasd.registry.models.geography import AdminLevel
from rasd.registry.names import search_terms

M = TypeVar("M", bound=Model)

# The deepest area a facility is placed in (usually the sub-district) is at most this many levels below the area
# a filter names (a governorate is two above a sub-district).
_AREA_DEPTH = 2


@dataclass(frozen=True)
class FacilityFilters:
    """What a user narrowed the facility list to; empty fields do not filter."""

    q: str = ""
    directorate: Directorate | None = None
    sector: Sector | None = None
    governorate: AdminArea | None = None
    district: AdminArea | None = None
    facility_type: FacilityType | None = None
    status: str = ""


def search_q(query: str) -> Q:
    """Every word occurs in the facility's normalised names, aliases and code — so hamza, ta marbuta, alef
    maqsura, Kurdish letters and diacritics do not matter — or the code starts with what was typed."""
    terms = search_terms(query)
    if not terms:
        return Q()
    words = Q()
    for term in terms:
        words &= Q(search_text__contains=term)
    return words | Q(code__istartswith=query.strip())


def within_area_q(area: AdminArea) -> Q:
    """Facilities placed in the area or anywhere below it. Matched by p-code, so facilities placed against an
    older boundary edition with the same p-codes are found too."""
    lookup = "admin_area"
    condition = Q(**{f"{lookup}__pcode": area.pcode})
    for _level in range(_AREA_DEPTH):
        lookup += "__parent"
        condition |= Q(**{f"{lookup}__pcode": area.pcode})
    return condition


def filter_facilities(user: User, filters: FacilityFilters) -> QuerySet[Facility]:
    """The facilities in the user's scope that match the filters."""
    facilities = scoped(user, Facility.objects.all())
    if filters.q.strip():
        facilities = facilities.filter(search_q(filters.q))
    if filters.directorate is not None:
        facilities = facilities.filter(directorate=filters.directorate)
    if filters.sector is not None:
        facilities = facilities.filter(sector=filters.sector)
    for area in (filters.governorate, filters.district):
        if area is not None:
            facilities = facilities.filter(within_area_q(area))
    if filters.facility_type is not None:
        facilities = facilities.filter(facility_type=filters.facility_type)
    if filters.status:
        facilities = facilities.filter(status=filters.status)
    return facilities


def with_areas(records: QuerySet[M], depth: int) -> QuerySet[M]:
    """Fetch each record's area and `depth` of its parents with it, without their geometry (large, not shown)."""
    chain = ["admin_area" + "__parent" * level for level in range(depth + 1)]
    return records.select_related(chain[-1]).defer(*(f"{step}__geometry" for step in chain))


def facility_rows(facilities: QuerySet[Facility]) -> QuerySet[Facility]:
    """What the list shows of each facility, fetched with the facilities (no query per row)."""
    return with_areas(facilities.select_related("facility_type", "directorate", "sector"), 2).order_by("code")


def open_facility_count(user: User) -> int:
    return scoped(user, Facility.objects.filter(status=OperationalStatus.OPEN)).count()


@dataclass(frozen=True)
class SectorRow:
    sector: Sector
    open_facilities: int


def sector_rows(user: User, directorate: Directorate | None = None) -> list[SectorRow]:
    """The sectors in the user's scope (of one directorate, if given), by directorate, with their open facilities."""
    sectors = scoped(user, Sector.objects.select_related("directorate"))
    if directorate is not None:
        sectors = sectors.filter(directorate=directorate)
    listed = list(sectors.order_by("directorate__code", "code"))
    counts = dict(
        scoped(user, Facility.objects.filter(sector__in=listed, status=OperationalStatus.OPEN))
        .values_list("sector")
        .annotate(count=Count("pk"))
        .values_list("sector", "count")
    )
    return [SectorRow(sector, counts.get(sector.pk, 0)) for sector in listed]


def district_of(area: AdminArea | None) -> AdminArea | None:
    """The district (level 2) an area lies in, walking up already-fetched parents."""
    while area is not None and area.level > AdminLevel.DISTRICT:
        area = area.parent
    return area if area is not None and area.level == AdminLevel.DISTRICT else None


# The map ------------------------------------------------------------------------------------------------------

_POINT_FIELDS = (
    "code",
    "name_ar",
    "name_en",
    "name_ckb",
    "facility_type__name_ar",
    "facility_type__name_en",
    "facility_type__name_ckb",
    "status",
    "latitude",
    "longitude",
)
_PLACEHOLDER = "CODE-PLACEHOLDER"


def _in_language(language: str, arabic: str, english: str, kurdish: str) -> str:
    preferred = {"ar": arabic, "en": english, "ckb": kurdish}.get(language, "")
    return preferred or arabic or english


def facility_points(facilities: QuerySet[Facility], language: str) -> dict[str, Any]:
    """The located facilities as a GeoJSON FeatureCollection, in one query, with just what a map marker needs."""
    detail = reverse("registry:facility_detail", kwargs={"code": _PLACEHOLDER})
    rows = (
        facilities.filter(latitude__isnull=False, longitude__isnull=False).order_by("code").values_list(*_POINT_FIELDS)
    )
    features = []
    for code, name_ar, name_en, name_ckb, type_ar, type_en, type_ckb, status, latitude, longitude in rows:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [round(longitude, 6), round(latitude, 6)]},
                "properties": {
                    "code": code,
                    "name": _in_language(language, name_ar, name_en, name_ckb),
                    "type": _in_language(language, type_ar, type_en, type_ckb),
                    "status": status,
                    "url": detail.replace(_PLACEHOLDER, quote(code, safe="/")),
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}
