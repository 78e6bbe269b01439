"""Reading one cell: dates, numbers (Arabic-Indic digits too), yes/no, choices by value or label in any language,
and reference data (types, directorates, sectors, authorities, areas) by code or name."""

from __future__ import annotations

import datetime
import functools
import re
from collections.abc import Iterable
from typing import Generic, TypeVar

from django.conf import settings
from django.db import models
from django.utils import translation
from django.utils.functional import Promise
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasd.lib.digits import latin_digits
from rasd.registry import geo
from rasd.registry.models import AdminArea, Authority, Directorate, Facility, FacilityType, Sector
from rasd.registry.names import normalise


class BadValue(ValueError):
    """The cell cannot be read; the message says why, for the user."""


FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
EXCEL_EPOCH = datetime.date(1899, 12, 30)
LARGEST_INTEGER = 2_147_483_647  # what both databases store in a positive integer column


def text(raw: str) -> str:
    """The cell trimmed; an apostrophe that an export put before = + - @ to disarm a formula is taken off again."""
    value = raw.strip()
    if value.startswith("'") and value[1:2] and value[1] in FORMULA_STARTS:
        return value[1:]
    return value


def _number_text(raw: str) -> str:
    return latin_digits(text(raw)).replace(" ", "")


def integer(raw: str) -> int | None:
    value = _number_text(raw).replace(",", "")
    if not value:
        return None
    if re.fullmatch(r"-?\d+(\.0+)?", value) is None:
        raise BadValue(_("“%(value)s” is not a whole number.") % {"value": raw.strip()})
    number = int(value.split(".")[0])
    if number > LARGEST_INTEGER:
        raise BadValue(_("%(value)s is too large.") % {"value": raw.strip()})
    return number


def decimal(raw: str) -> float | None:
    """A decimal number; a lone comma is taken as the decimal separator (33,31 is 33.31)."""
    value = _number_text(raw)
    if "," in value and "." not in value and value.count(",") == 1:
        value = value.replace(",", ".")
    if not value:
        return None
    if re.fullmatch(r"-?(\d+(\.\d*)?|\.\d+)", value) is None:
        raise BadValue(_("“%(value)s” is not a number.") % {"value": raw.strip()})
    return float(value)


def day(raw: str) -> datetime.date | None:
    """YYYY-MM-DD (a time after it is ignored), D/M/YYYY, or an Excel day number."""
    value = latin_digits(text(raw))
    if not value:
        return None
    try:
        if match := re.fullmatch(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ][\d:.]+)?", value):
            return datetime.date(int(match[1]), int(match[2]), int(match[3]))
        if match := re.fullmatch(r"(\d{1,2})[/.](\d{1,2})[/.](\d{4})", value):
            return datetime.date(int(match[3]), int(match[2]), int(match[1]))
        if re.fullmatch(r"\d{5}(\.0+)?", value) and 10000 <= float(value) < 80000:
            return EXCEL_EPOCH + datetime.timedelta(days=int(float(value)))
    except ValueError:
        pass
    raise BadValue(_("“%(value)s” is not a date; write it as YYYY-MM-DD or D/M/YYYY.") % {"value": raw.strip()})


YES = gettext_lazy("yes")
NO = gettext_lazy("no")


@functools.cache
def _answers() -> tuple[frozenset[str], frozenset[str]]:
    """(yes, no) as written in any of rasd's languages, and the usual spellings."""
    yes = {"yes", "y", "true", "1", "نعم", "بلى", "بەڵێ", "ئەری"}
    no = {"no", "n", "false", "0", "لا", "كلا", "نەخێر", "نا"}
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            yes.add(normalise(str(YES)))
            no.add(normalise(str(NO)))
    return frozenset(yes), frozenset(no)


def yes_no(raw: str) -> bool | None:
    value = normalise(text(raw))
    if not value:
        return None
    yes, no = _answers()
    if value in yes:
        return True
    if value in no:
        return False
    raise BadValue(_("“%(value)s” is not yes or no.") % {"value": raw.strip()})


class Choices:
    """A choice field's values, recognised by value or by label in any of rasd's languages."""

    def __init__(self, choices: type[models.TextChoices]) -> None:
        self.by_text: dict[str, str] = {}
        for value, label in zip(choices.values, choices.labels, strict=True):
            self.by_text.setdefault(normalise(value), value)
            for code, _name in settings.LANGUAGES:
                with translation.override(code):
                    self.by_text.setdefault(normalise(str(label)), value)

    def __call__(self, raw: str) -> str | None:
        value = text(raw)
        if not value:
            return None
        found = self.by_text.get(normalise(value))
        if found is None:
            raise BadValue(_("“%(value)s” is not one of the allowed values.") % {"value": value})
        return found


M = TypeVar("M", FacilityType, Authority, Directorate, Sector)


class Named(Generic[M]):
    """Objects with a code and names in three languages, found by either."""

    def __init__(self, objects: Iterable[M]) -> None:
        self.by_code: dict[str, M] = {}
        self.by_id: dict[int, M] = {}
        self.by_name: dict[str, M] = {}
        self.ambiguous: set[str] = set()
        for item in objects:
            self.by_id[item.pk] = item
            self.by_code[item.code] = item
            self.by_code.setdefault(item.code.casefold(), item)
            for name in {normalise(item.name_ar), normalise(item.name_en), normalise(item.name_ckb)} - {""}:
                if self.by_name.setdefault(name, item) is not item:
                    self.ambiguous.add(name)

    def find(self, raw: str, missing: Promise, **context: str) -> M | None:
        value = text(raw)
        if not value:
            return None
        item = self.by_code.get(value) or self.by_code.get(value.casefold())
        if item is None and normalise(value) in self.ambiguous:
            raise BadValue(_("“%(value)s” matches more than one; give the code.") % {"value": value})
        item = item or self.by_name.get(normalise(value))
        if item is None:
            raise BadValue(str(missing) % {"value": value, **context})
        return item


class Reference:
    """The reference data an import looks things up in, each loaded once."""

    def __init__(self) -> None:
        self.types = Named(FacilityType.objects.all())
        self.authorities = Named(Authority.objects.all())
        self.directorates = Named(Directorate.objects.select_related("authority"))
        sectors = list(Sector.objects.all())
        self.sectors = Named(sectors)
        self.sectors_in: dict[int, Named[Sector]] = {}
        for directorate_id in {sector.directorate_id for sector in sectors}:
            self.sectors_in[directorate_id] = Named(s for s in sectors if s.directorate_id == directorate_id)
        boundary_set = geo.current_boundary_set()
        areas = AdminArea.objects.filter(boundary_set=boundary_set).defer("geometry") if boundary_set else []
        self.areas = {area.pcode.casefold(): area for area in areas}
        self.areas_by_id = {area.pk: area for area in self.areas.values()}

    def attach(self, facility: Facility) -> None:
        """Give a stored facility the shared reference objects, instead of loading copies for every facility."""
        facility.facility_type = self.types.by_id[facility.facility_type_id]
        facility.directorate = self.directorates.by_id[facility.directorate_id]
        if facility.sector_id is not None:
            facility.sector = self.sectors.by_id[facility.sector_id]
        if facility.managing_authority_id is not None:
            facility.managing_authority = self.authorities.by_id[facility.managing_authority_id]
        if facility.admin_area_id in self.areas_by_id:  # an area of an older boundary set is read when needed
            facility.admin_area = self.areas_by_id[facility.admin_area_id]

    def facility_type(self, raw: str) -> FacilityType | None:
        return self.types.find(raw, gettext_lazy("No facility type has the code or name “%(value)s”."))

    def authority(self, raw: str) -> Authority | None:
        return self.authorities.find(raw, gettext_lazy("No authority has the code or name “%(value)s”."))

    def directorate(self, raw: str) -> Directorate | None:
        return self.directorates.find(raw, gettext_lazy("No directorate has the code or name “%(value)s”."))

    def sector(self, raw: str, directorate: Directorate) -> Sector | None:
        """A sector by code (anywhere: a sector of another directorate is reported by the facility rules) or by name
        within the directorate."""
        value = text(raw)
        if value in self.sectors.by_code:
            return self.sectors.by_code[value]
        inside = self.sectors_in.get(directorate.pk) or Named[Sector]([])
        missing = gettext_lazy("Directorate %(directorate)s has no sector with the code or name “%(value)s”.")
        return inside.find(raw, missing, directorate=directorate.code)

    def area(self, raw: str) -> AdminArea | None:
        value = text(raw)
        if not value:
            return None
        area = self.areas.get(value.casefold())
        if area is None:
            raise BadValue(_("No area of the current boundaries has the p-code “%(value)s”.") % {"value": value})
        return area
