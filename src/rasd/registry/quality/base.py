"""What a quality rule is, what it finds, and the facility rows it reads."""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import models
from django.db.models import QuerySet
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rasd.registry.models import Facility, OperationalStatus

if TYPE_CHECKING:
    from rasd.registry.quality.places import Places


class Severity(models.TextChoices):
    HIGH = "high", _("High")
    MEDIUM = "medium", _("Medium")
    LOW = "low", _("Low")


SEVERITY_ORDER = {Severity.HIGH: 0, Severity.MEDIUM: 1, Severity.LOW: 2}


@dataclass(frozen=True)
class Row:
    """One facility as the rules see it: read in bulk with `values()`, with what they need of its relations."""

    id: int
    code: str
    name_ar: str
    name_en: str
    name_ckb: str
    facility_type: str
    directorate_id: int
    governorate_pcode: str
    sector_id: int | None
    ownership: str
    status: str
    opened_on: datetime.date | None
    closed_on: datetime.date | None
    functional: bool | None
    latitude: float | None
    longitude: float | None
    admin_area_id: int | None
    admin_area_overridden: bool
    parent_id: int | None
    parent_status: str | None
    parent_merged: bool
    merged: bool

    @property
    def active(self) -> bool:
        return self.status != OperationalStatus.PERMANENTLY_CLOSED and not self.merged

    @property
    def names(self) -> tuple[str, str, str]:
        return self.name_ar, self.name_en, self.name_ckb


_FIELDS = {
    "id": "pk",
    "code": "code",
    "name_ar": "name_ar",
    "name_en": "name_en",
    "name_ckb": "name_ckb",
    "facility_type": "facility_type__code",
    "directorate_id": "directorate_id",
    "governorate_pcode": "directorate__governorate_pcode",
    "sector_id": "sector_id",
    "ownership": "ownership",
    "status": "status",
    "opened_on": "opened_on",
    "closed_on": "closed_on",
    "functional": "functional",
    "latitude": "latitude",
    "longitude": "longitude",
    "admin_area_id": "admin_area_id",
    "admin_area_overridden": "admin_area_overridden",
    "parent_id": "parent_id",
    "parent_status": "parent__status",
    "parent_merged": "parent__merged_into_id",
    "merged": "merged_into_id",
}


def read_rows(facilities: QuerySet[Facility]) -> list[Row]:
    """Every facility of the queryset in one query."""
    rows = []
    for values in facilities.order_by("code").values(*_FIELDS.values()):
        row = {name: values[lookup] for name, lookup in _FIELDS.items()}
        row["parent_merged"] = row["parent_merged"] is not None
        row["merged"] = row["merged"] is not None
        row["governorate_pcode"] = row["governorate_pcode"] or ""
        rows.append(Row(**row))
    return rows


@dataclass(frozen=True)
class Finding:
    rule: str
    severity: str
    facility: str  # the code
    message: str
    facility_id: int
    directorate_id: int

    def as_json(self) -> dict[str, str]:
        return {"rule": self.rule, "severity": self.severity, "facility": self.facility, "message": self.message}


# A check reads the rows it is given (and, for locations, where their points fall) and names each offending row
# with a message for it.
Check = Callable[[Sequence[Row], "Places"], Iterable[tuple[Row, str]]]


@dataclass(frozen=True)
class Rule:
    code: str
    severity: Severity
    title: Promise
    check: Check
    # Rules that matter only for facilities in service skip those closed for good or merged away.
    active_only: bool = True
