"""Health administration: authority › directorate of health › primary-health-care sector.

This hierarchy is what user scopes are made of. It is separate from geography: a facility's directorate is
never derived from the polygon it lies in.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope, hierarchy_q
from rasd.lib.i18n_fields import TrilingualName


class Authority(TrilingualName):
    """A ministry that runs directorates, e.g. the Federal MoH or the Kurdistan Region MoH."""

    code = models.SlugField(_("code"), max_length=20, unique=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("authority")
        verbose_name_plural = _("authorities")

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(scope, authority="pk", directorate="directorates", sector="directorates__sectors")


class Directorate(TrilingualName):
    """A Directorate of Health (دائرة صحة) or a national department that reports like one."""

    code = models.SlugField(_("code"), max_length=20, unique=True)
    authority = models.ForeignKey(
        Authority, on_delete=models.PROTECT, related_name="directorates", verbose_name=_("authority")
    )
    governorate_pcode = models.CharField(
        _("main governorate p-code"),
        max_length=20,
        blank=True,
        help_text=_("Blank for national departments."),
    )

    class Meta:
        ordering = ["authority__code", "code"]
        verbose_name = _("directorate")
        verbose_name_plural = _("directorates")

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(scope, authority="authority", directorate="pk", sector="sectors")


class Sector(TrilingualName):
    """A primary-health-care sector (قطاع الرعاية الصحية الأولية) within a directorate."""

    code = models.SlugField(_("code"), max_length=30, unique=True)
    directorate = models.ForeignKey(
        Directorate, on_delete=models.PROTECT, related_name="sectors", verbose_name=_("directorate")
    )

    class Meta:
        ordering = ["directorate__code", "code"]
        verbose_name = _("sector")
        verbose_name_plural = _("sectors")

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(scope, authority="directorate__authority", directorate="directorate", sector="pk")
