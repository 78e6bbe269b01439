"""Facilities of the master list, with their full history.

`Facility` holds the current state (fast to list and filter); every change also writes a `FacilityVersion`, an
immutable dated copy of all attributes, so any past date can be queried. Both share `FacilityAttributes`.
A facility's code is permanent: rows are never deleted, so a code is never reused.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope, hierarchy_q
from rasd.lib.i18n_fields import TrilingualName


class LevelOfCare(models.TextChoices):
    PRIMARY = "primary", _("Primary")
    SECONDARY = "secondary", _("Secondary")
    TERTIARY = "tertiary", _("Tertiary")
    OTHER = "other", _("Other")


class OperationalStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    OPEN = "open", _("Open")
    TEMPORARILY_CLOSED = "temporarily_closed", _("Temporarily closed")
    PERMANENTLY_CLOSED = "permanently_closed", _("Permanently closed")


class Ownership(models.TextChoices):
    PUBLIC_MOH = "public_moh", _("Public – Ministry of Health")
    PUBLIC_OTHER = "public_other", _("Public – other ministry")
    PRIVATE = "private", _("Private")
    NGO = "ngo", _("Non-governmental organisation")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class Settlement(models.TextChoices):
    URBAN = "urban", _("Urban")
    RURAL = "rural", _("Rural")
    CAMP = "camp", _("Camp")
    UNKNOWN = "unknown", _("Unknown")


class LocationSource(models.TextChoices):
    GPS_SURVEY = "gps_survey", _("GPS reading at the facility")
    MAP = "map", _("Placed on a map")
    GEOCODED = "geocoded", _("Geocoded from an address")
    IMPORTED = "imported", _("Imported, origin unknown")
    UNKNOWN = "unknown", _("Unknown")


class FacilityType(TrilingualName):
    """A configurable kind of facility, each with its level of care."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    level_of_care = models.CharField(_("level of care"), max_length=20, choices=LevelOfCare.choices)
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("in use"), default=True)

    class Meta:
        ordering = ["sort_order", "code"]
        verbose_name = _("facility type")
        verbose_name_plural = _("facility types")

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return Q()  # a shared list


class FacilityAttributes(TrilingualName):
    """Everything about a facility that can change over time (the code never does)."""

    facility_type = models.ForeignKey(FacilityType, on_delete=models.PROTECT, related_name="+", verbose_name=_("type"))
    ownership = models.CharField(_("ownership"), max_length=20, choices=Ownership.choices, default=Ownership.PUBLIC_MOH)
    managing_authority = models.ForeignKey(
        "registry.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("managing authority"),
    )
    directorate = models.ForeignKey(
        "registry.Directorate", on_delete=models.PROTECT, related_name="+", verbose_name=_("directorate")
    )
    sector = models.ForeignKey(
        "registry.Sector", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("sector")
    )
    admin_area = models.ForeignKey(
        "registry.AdminArea",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("administrative area"),
    )
    admin_area_overridden = models.BooleanField(_("area set by hand"), default=False)
    admin_area_override_reason = models.CharField(_("why the area was set by hand"), max_length=300, blank=True)
    latitude = models.FloatField(_("latitude"), null=True, blank=True)
    longitude = models.FloatField(_("longitude"), null=True, blank=True)
    location_source = models.CharField(
        _("location source"), max_length=20, choices=LocationSource.choices, default=LocationSource.UNKNOWN
    )
    location_precision_m = models.PositiveIntegerField(_("location precision (m)"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=20, choices=OperationalStatus.choices, default=OperationalStatus.OPEN
    )
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    functional = models.BooleanField(
        _("functional"), null=True, blank=True, help_text=_("Last known functionality, if reported.")
    )
    parent = models.ForeignKey(
        "registry.Facility",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("main centre"),
    )
    settlement = models.CharField(
        _("urban or rural"), max_length=10, choices=Settlement.choices, default=Settlement.UNKNOWN
    )
    catchment_population = models.PositiveIntegerField(_("catchment population"), null=True, blank=True)
    contact_name = models.CharField(_("contact person"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=60, blank=True)
    email = models.EmailField(_("email"), blank=True)
    address = models.CharField(_("address"), max_length=300, blank=True)
    merged_into = models.ForeignKey(
        "registry.Facility",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("merged into"),
    )

    class Meta:
        abstract = True


ATTRIBUTE_FIELDS: tuple[str, ...] = tuple(field.name for field in FacilityAttributes._meta.local_fields)


class Facility(FacilityAttributes):
    code = models.CharField(_("code"), max_length=40, unique=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    valid_from = models.DateField(_("current since"))
    # Names, aliases and code, normalised (see registry.names), for searches that ignore spelling variants.
    search_text = models.TextField(blank=True, editable=False)
    split_from = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("split from")
    )
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        indexes = [
            models.Index(fields=["directorate", "sector"]),
            models.Index(fields=["status"]),
            models.Index(fields=["facility_type"]),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(scope, authority="directorate__authority", directorate="directorate", sector="sector")

    @property
    def has_location(self) -> bool:
        return self.latitude is not None and self.longitude is not None


class VersionChange(models.TextChoices):
    CREATED = "created", _("Created")
    UPDATED = "updated", _("Changed")
    CLOSED = "closed", _("Closed")
    REOPENED = "reopened", _("Reopened")
    MERGED_AWAY = "merged_away", _("Merged into another facility")
    ABSORBED = "absorbed", _("Absorbed a merged facility")
    SPLIT = "split", _("Split")
    SPLIT_FROM = "split_from", _("Created by a split")


class FacilityVersion(FacilityAttributes):
    """One dated state of a facility. Valid from `valid_from` (inclusive) to `valid_to` (exclusive, open if null)."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveIntegerField(_("version"))
    valid_from = models.DateField(_("valid from"))
    valid_to = models.DateField(_("valid to"), null=True, blank=True)
    change = models.CharField(_("change"), max_length=20, choices=VersionChange.choices)
    reason = models.TextField(_("reason"), blank=True)
    changed_fields = models.JSONField(_("changed fields"), default=list)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["facility", "number"]
        verbose_name = _("facility version")
        verbose_name_plural = _("facility versions")
        constraints = [models.UniqueConstraint(fields=["facility", "number"], name="unique_facility_version")]
        indexes = [models.Index(fields=["valid_from", "valid_to"])]

    def __str__(self) -> str:
        return f"{self.facility_id} v{self.number} from {self.valid_from}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        # Scoped by where the facility belonged at that time, so a directorate sees its own past.
        return hierarchy_q(scope, authority="directorate__authority", directorate="directorate", sector="sector")


class AliasKind(models.TextChoices):
    NAME = "name", _("Other name")
    CODE = "code", _("Former code")


class FacilityAlias(models.Model):
    """Other names a facility is known by, and codes it absorbed in a merge."""

    facility = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="aliases")
    kind = models.CharField(_("kind"), max_length=10, choices=AliasKind.choices)
    value = models.CharField(_("alias"), max_length=200)
    language = models.CharField(_("language"), max_length=10, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["kind", "value"]
        verbose_name = _("facility alias")
        verbose_name_plural = _("facility aliases")
        constraints = [models.UniqueConstraint(fields=["facility", "kind", "value"], name="unique_alias")]

    def __str__(self) -> str:
        return self.value

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(
            scope,
            authority="facility__directorate__authority",
            directorate="facility__directorate",
            sector="facility__sector",
        )
