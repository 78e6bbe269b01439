"""Checks against the master facility list: a record whose facility is unknown or missing, a facility closed for
good, and a GPS reading far from the facility's registered location."""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext_lazy as _

from rasd.quality.rules.base import Context, Finding, Rule, RuleSource
from rasd.quality.rules.catalogue import check, register
from rasd.registry.duplicates import Record, distance_km
from rasd.registry.models import OperationalStatus
from rasd.registry.quality.base import Severity

DEFAULT_GPS_FAR_KM = 5.0


def gps_far_km() -> float:
    # settings.QUALITY_GPS_FAR_KM comes from RASD_QUALITY_GPS_FAR_KM (docs/configuration.md).
    return float(getattr(settings, "QUALITY_GPS_FAR_KM", DEFAULT_GPS_FAR_KM))


register(
    Rule(
        "registry.facility_unknown",
        Severity.HIGH,
        RuleSource.HERAMS,
        _("Facility not in the master list"),
        _("The facility code “%(code)s” is not in the master list."),
    ),
    Rule(
        "registry.facility_missing",
        Severity.HIGH,
        RuleSource.HERAMS,
        _("No facility named"),
        _("The submission does not say which facility it is about."),
    ),
    Rule(
        "registry.facility_closed",
        Severity.HIGH,
        RuleSource.HERAMS,
        _("Facility closed for good"),
        _("The master list says this facility is permanently closed."),
    ),
    Rule(
        "registry.gps_far",
        Severity.MEDIUM,
        RuleSource.HERAMS,
        _("GPS reading far from the registered location"),
        _(
            "The GPS reading is %(distance_km)s km from the facility's location in the master list "
            "(more than %(limit_km)s km)."
        ),
        threshold="5 km (RASD_QUALITY_GPS_FAR_KM)",
    ),
)


@check
def facility_known(context: Context) -> list[Finding]:
    if context.facility is not None:
        return []
    code = context.version.facility_code
    if code:
        return [Finding("registry.facility_unknown", params={"code": code})]
    return [Finding("registry.facility_missing")]


@check
def facility_open(context: Context) -> list[Finding]:
    if context.facility is not None and context.facility.status == OperationalStatus.PERMANENTLY_CLOSED:
        return [Finding("registry.facility_closed")]
    return []


@check
def gps_near_facility(context: Context) -> list[Finding]:
    facility, version = context.facility, context.version
    if facility is None or version.latitude is None or version.longitude is None:
        return []
    distance = distance_km(_point(facility.latitude, facility.longitude), _point(version.latitude, version.longitude))
    limit = gps_far_km()
    if distance is None or distance <= limit:
        return []
    field = min(context.form.paths_with_role("gps"), default="")
    shown_limit = int(limit) if limit.is_integer() else limit  # "5 km", not "5.0 km"
    return [Finding("registry.gps_far", field, {"distance_km": round(distance, 1), "limit_km": shown_limit})]


def _point(latitude: float | None, longitude: float | None) -> Record:
    """A bare point for the registry's great-circle distance."""
    return Record(
        id=0, code="", name_ar="", name_en="", name_ckb="", directorate=0, latitude=latitude, longitude=longitude
    )
