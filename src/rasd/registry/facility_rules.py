"""What a facility record must satisfy before it is stored: one set of rules for forms, imports and services."""

from __future__ import annotations

import datetime
import re
from dataclasses import dataclass, fields
from typing import Any

from django.conf import settings
from django.utils.translation import gettext as _

from rasd.registry.models import (
    ATTRIBUTE_FIELDS,
    AdminArea,
    Authority,
    Directorate,
    Facility,
    FacilityType,
    LocationSource,
    OperationalStatus,
    Ownership,
    Sector,
    Settlement,
)

Problems = dict[str, list[str]]


@dataclass
class FacilityDetails:
    """Every changeable attribute of a facility (see FacilityAttributes), as a service receives it."""

    facility_type: FacilityType
    directorate: Directorate
    name_ar: str = ""
    name_en: str = ""
    name_ckb: str = ""
    ownership: str = Ownership.PUBLIC_MOH
    managing_authority: Authority | None = None
    sector: Sector | None = None
    # Derived from the coordinates unless set by hand with a reason.
    admin_area: AdminArea | None = None
    admin_area_overridden: bool = False
    admin_area_override_reason: str = ""
    latitude: float | None = None
    longitude: float | None = None
    location_source: str = LocationSource.UNKNOWN
    location_precision_m: int | None = None
    status: str = OperationalStatus.OPEN
    opened_on: datetime.date | None = None
    closed_on: datetime.date | None = None
    functional: bool | None = None
    parent: Facility | None = None
    settlement: str = Settlement.UNKNOWN
    catchment_population: int | None = None
    contact_name: str = ""
    phone: str = ""
    email: str = ""
    address: str = ""
    merged_into: Facility | None = None

    @classmethod
    def of(cls, facility: Facility) -> FacilityDetails:
        return cls(**{field.name: getattr(facility, field.name) for field in fields(cls)})

    def values(self) -> dict[str, Any]:
        return {field.name: getattr(self, field.name) for field in fields(self)}


assert {field.name for field in fields(FacilityDetails)} == set(ATTRIBUTE_FIELDS), "keep in step with the model"


# The values each choice field allows (worked out once: imports check tens of thousands of rows).
_ALLOWED = {
    field: frozenset(choices.values)
    for field, choices in (
        ("ownership", Ownership),
        ("status", OperationalStatus),
        ("settlement", Settlement),
        ("location_source", LocationSource),
    )
}


def code_problems(code: str) -> list[str]:
    if not code:
        return [_("A facility needs a code.")]
    if not re.fullmatch(settings.FACILITY_CODE_PATTERN, code):
        return [_("“%(code)s” is not a valid facility code.") % {"code": code}]
    return []


def effective_date_problems(facility: Facility, valid_from: datetime.date) -> list[str]:
    """A change to `facility` may not take effect before its current version."""
    if valid_from < facility.valid_from:
        return [_("A change cannot take effect before the current version (%(date)s).") % {"date": facility.valid_from}]
    return []


def detail_problems(details: FacilityDetails, facility: Facility | None = None) -> Problems:
    """Problems with the details, by field; empty when they may be stored."""
    problems: Problems = {}

    def add(field: str, message: str) -> None:
        problems.setdefault(field, []).append(message)

    if not (details.name_ar.strip() or details.name_en.strip()):
        add("name_ar", _("Give the facility a name in Arabic or English."))
    if details.sector is not None and details.sector.directorate_id != details.directorate.pk:
        add("sector", _("This sector belongs to another directorate."))
    if (details.latitude is None) != (details.longitude is None):
        add("latitude", _("Give both latitude and longitude, or neither."))
    if details.latitude is not None and not -90 <= details.latitude <= 90:
        add("latitude", _("Latitude must be between -90 and 90."))
    if details.longitude is not None and not -180 <= details.longitude <= 180:
        add("longitude", _("Longitude must be between -180 and 180."))
    if details.opened_on and details.closed_on and details.closed_on < details.opened_on:
        add("closed_on", _("A facility cannot close before it opened."))
    if details.admin_area_overridden and (details.admin_area is None or not details.admin_area_override_reason.strip()):
        add("admin_area", _("Setting the area by hand needs the area and a reason."))
    if (
        details.parent is not None
        and facility is not None
        and facility.pk in (details.parent.pk, details.parent.parent_id)
    ):
        add("parent", _("A facility cannot be its own main centre, nor a branch of its own branch."))
    for field, allowed in _ALLOWED.items():
        if getattr(details, field) not in allowed:
            add(field, _("“%(value)s” is not one of the allowed values.") % {"value": getattr(details, field)})
    for field in ("catchment_population", "location_precision_m"):
        value = getattr(details, field)
        if value is not None and value < 0:
            add(field, _("This cannot be negative."))
    return problems
