"""Collection rounds (assessment cycles), the facilities each round expects, who collects which facility,
and the device tokens collectors' phones use to reach the OpenRosa server. See docs/collection.md."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from rasd.accounts.scoping import Scope, hierarchy_q


class RoundState(models.TextChoices):
    # A context of their own: "Closed" already names closing a facility (a verb-noun in Arabic).
    PLANNING = "planning", pgettext_lazy("round state", "Planning")
    COLLECTING = "collecting", pgettext_lazy("round state", "Collecting")
    CLEANING = "cleaning", pgettext_lazy("round state", "Cleaning")
    CLOSED = "closed", pgettext_lazy("round state", "Closed")


# The only moves a round makes; anything else is refused by collection.services.
ROUND_TRANSITIONS: dict[str, frozenset[str]] = {
    RoundState.PLANNING: frozenset({RoundState.COLLECTING}),
    RoundState.COLLECTING: frozenset({RoundState.CLEANING}),
    RoundState.CLEANING: frozenset({RoundState.COLLECTING, RoundState.CLOSED}),
    RoundState.CLOSED: frozenset(),
}


class Round(models.Model):
    """One assessment cycle, e.g. "HeRAMS Iraq 2026". National: everybody who may see rounds sees all of them;
    what a user sees inside a round (expected facilities, submissions) is limited to their scope."""

    code = models.SlugField(_("code"), max_length=60, unique=True)
    name = models.CharField(_("name"), max_length=200)
    period_start = models.DateField(_("start of the period"))
    period_end = models.DateField(_("end of the period"))
    deadline = models.DateField(_("deadline for submissions"))
    state = models.CharField(_("state"), max_length=20, choices=RoundState.choices, default=RoundState.PLANNING)
    versions = models.ManyToManyField(
        "questionnaires.QuestionnaireVersion",
        related_name="rounds",
        verbose_name=_("questionnaire versions accepted"),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["-period_start", "code"]
        verbose_name = _("round")
        verbose_name_plural = _("rounds")

    def __str__(self) -> str:
        return self.name

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return Q()

    @property
    def accepts_submissions(self) -> bool:
        return self.state == RoundState.COLLECTING


class ExpectedFacility(models.Model):
    """A facility the round expects a submission for. Rows are added when the round is planned (all open
    facilities in a scope) and adjusted by hand; a removed facility keeps its row with `removed_at` set."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="expected", verbose_name=_("round"))
    facility = models.ForeignKey(
        "registry.Facility", on_delete=models.PROTECT, related_name="+", verbose_name=_("facility")
    )
    added_at = models.DateTimeField(_("added"), auto_now_add=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    removed_at = models.DateTimeField(_("removed"), null=True, blank=True)
    removed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "facility__code"]
        verbose_name = _("expected facility")
        verbose_name_plural = _("expected facilities")
        constraints = [models.UniqueConstraint(fields=["round", "facility"], name="expected_facility_unique")]

    def __str__(self) -> str:
        return f"{self.round.code}: {self.facility.code}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(
            scope,
            authority="facility__directorate__authority",
            directorate="facility__directorate",
            sector="facility__sector",
        )


class Assignment(models.Model):
    """A collector is asked to visit a facility in a round. By default every collector gets the expected
    facilities of the sectors (or directorates) in their scope; managers adjust by hand."""

    round = models.ForeignKey(Round, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("round"))
    facility = models.ForeignKey(
        "registry.Facility", on_delete=models.PROTECT, related_name="+", verbose_name=_("facility")
    )
    collector = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("collector")
    )
    assigned_at = models.DateTimeField(_("assigned"), auto_now_add=True)
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["round", "facility__code", "collector__username"]
        verbose_name = _("assignment")
        verbose_name_plural = _("assignments")
        constraints = [
            models.UniqueConstraint(fields=["round", "facility", "collector"], name="assignment_unique"),
        ]
        indexes = [models.Index(fields=["round", "collector"])]

    def __str__(self) -> str:
        return f"{self.round.code}: {self.facility.code} → {self.collector.username}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(
            scope,
            authority="facility__directorate__authority",
            directorate="facility__directorate",
            sector="facility__sector",
        )


class DeviceToken(models.Model):
    """A credential for one collector's phone or tablet, used in the server URL `/openrosa/key/<token>`.

    Like ODK Central's app users, the token is kept so the settings QR code can be shown again; it is a secret
    only in the sense a password is, and a lost device is handled by revoking its token (revoked tokens are
    kept, never deleted, so submissions still say which device sent them)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="device_tokens", verbose_name=_("collector")
    )
    label = models.CharField(_("device"), max_length=100)
    token = models.CharField(_("token"), max_length=64, unique=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_used_at = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["user__username", "-created_at"]
        verbose_name = _("device token")
        verbose_name_plural = _("device tokens")

    def __str__(self) -> str:
        return f"{self.user.username}: {self.label}"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None and self.user.is_active

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        from rasd.accounts.scoping import user_scope_q

        condition = user_scope_q(scope)
        if not condition:
            return Q()
        from rasd.accounts.models import User

        return Q(user__in=User.objects.filter(condition).values("pk"))
