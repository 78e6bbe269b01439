"""Geography: versioned sets of administrative boundaries (OCHA p-codes) and population figures.

A boundary set is one edition of the boundaries (e.g. COD-AB 2019). A later edition is loaded beside it and
made current; facilities and reports made against the old one keep pointing at its areas.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope
from rasd.lib.i18n_fields import TrilingualName


class BoundarySet(models.Model):
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)
    source = models.CharField(_("source"), max_length=300)
    licence = models.CharField(_("licence"), max_length=100)
    valid_on = models.DateField(_("valid on"))
    is_current = models.BooleanField(_("current"), default=False)

    class Meta:
        ordering = ["-valid_on"]
        verbose_name = _("boundary set")
        verbose_name_plural = _("boundary sets")
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_boundary_set"
            )
        ]

    def __str__(self) -> str:
        return self.name

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return Q()  # boundaries are public reference data


class AdminLevel(models.IntegerChoices):
    COUNTRY = 0, _("Country")
    GOVERNORATE = 1, _("Governorate")
    DISTRICT = 2, _("District")
    SUB_DISTRICT = 3, _("Sub-district")


class AdminArea(TrilingualName):
    boundary_set = models.ForeignKey(BoundarySet, on_delete=models.PROTECT, related_name="areas")
    pcode = models.CharField(_("p-code"), max_length=20)
    level = models.PositiveSmallIntegerField(_("level"), choices=AdminLevel.choices)
    parent = models.ForeignKey("self", on_delete=models.PROTECT, null=True, blank=True, related_name="children")
    geometry = models.JSONField(_("geometry"), help_text=_("GeoJSON, WGS 84 longitude/latitude"))
    # Bounding box, so that "which areas might contain this point" is an indexed query.
    min_lon = models.FloatField()
    min_lat = models.FloatField()
    max_lon = models.FloatField()
    max_lat = models.FloatField()

    class Meta:
        ordering = ["pcode"]
        verbose_name = _("administrative area")
        verbose_name_plural = _("administrative areas")
        constraints = [models.UniqueConstraint(fields=["boundary_set", "pcode"], name="unique_pcode_per_set")]
        indexes = [models.Index(fields=["boundary_set", "level"])]

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return Q()  # boundaries are public reference data

    def lineage(self) -> list[AdminArea]:
        """This area and its ancestors, country first."""
        chain: list[AdminArea] = []
        area: AdminArea | None = self
        while area is not None:
            chain.append(area)
            area = area.parent
        return list(reversed(chain))


class PopulationFigure(models.Model):
    area = models.ForeignKey(AdminArea, on_delete=models.CASCADE, related_name="population_figures")
    year = models.PositiveSmallIntegerField(_("year"))
    population = models.PositiveIntegerField(_("population"))
    source = models.CharField(_("source"), max_length=200)
    is_modelled = models.BooleanField(
        _("modelled"), default=False, help_text=_("An estimate from a model, used where no count exists.")
    )

    class Meta:
        ordering = ["area__pcode", "-year"]
        verbose_name = _("population figure")
        verbose_name_plural = _("population figures")
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "source"], name="one_figure_per_area_year_source")
        ]

    def __str__(self) -> str:
        return f"{self.area.pcode} {self.year}: {self.population}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return Q()
