"""Reviewers' decisions on suspected duplicate facilities, so a dismissed pair is never suggested again."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope, hierarchy_q
from rasd.registry.models.facilities import Facility


class DuplicateDecision(models.Model):
    """A reviewer's decision on one pair; `facility_a` always has the lower id, so a pair has one row whichever
    way it was found."""

    class Decision(models.TextChoices):
        CONFIRMED = "confirmed", _("Confirmed: merged")
        DISMISSED = "dismissed", _("Dismissed: different facilities")

    facility_a = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    facility_b = models.ForeignKey(Facility, on_delete=models.PROTECT, related_name="+")
    decision = models.CharField(_("decision"), max_length=10, choices=Decision.choices)
    note = models.TextField(_("note"), blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    class Meta:
        ordering = ["-decided_at"]
        verbose_name = _("duplicate decision")
        verbose_name_plural = _("duplicate decisions")
        constraints = [
            models.UniqueConstraint(fields=["facility_a", "facility_b"], name="one_decision_per_pair"),
            models.CheckConstraint(condition=Q(facility_a__lt=F("facility_b")), name="pair_in_id_order"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_a_id}/{self.facility_b_id}: {self.decision}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        # Both facilities must be in scope: a decision tells something about each of them.
        return hierarchy_q(
            scope,
            authority="facility_a__directorate__authority",
            directorate="facility_a__directorate",
            sector="facility_a__sector",
        ) & hierarchy_q(
            scope,
            authority="facility_b__directorate__authority",
            directorate="facility_b__directorate",
            sector="facility_b__sector",
        )
