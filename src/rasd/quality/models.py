"""Issues: what the quality rules found in a record, kept until an edit resolves it or a reviewer accepts it.

An issue belongs to a record (`Submission`) and names the version it was first found in and the last version
that still showed it. Rows are never deleted: a resolved issue stays, and if the problem comes back a new issue
is opened. At most one issue per record, rule and field is unresolved at a time (a partial unique constraint).
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope, hierarchy_q
from rasd.lib.i18n_fields import TrilingualName
from rasd.registry.quality.base import Severity

__all__ = [
    "Issue",
    "IssueStatus",
    "MissingValueStrategy",
    "Operator",
    "PeerStatistic",
    "RuleOrigin",
    "Severity",
    "ValidationRule",
]


class IssueStatus(models.TextChoices):
    OPEN = "open", _("Open")
    RESOLVED = "resolved", _("Resolved by an edit")
    ACCEPTED = "accepted", _("Accepted as valid")


UNRESOLVED = (IssueStatus.OPEN, IssueStatus.ACCEPTED)


class Issue(models.Model):
    submission = models.ForeignKey(
        "submissions.Submission", on_delete=models.PROTECT, related_name="issues", verbose_name=_("submission")
    )
    first_version = models.ForeignKey(
        "submissions.SubmissionVersion", on_delete=models.PROTECT, related_name="+", verbose_name=_("found in")
    )
    last_version = models.ForeignKey(
        "submissions.SubmissionVersion",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("last seen in"),
    )
    rule = models.CharField(_("rule"), max_length=60)
    severity = models.CharField(_("severity"), max_length=10, choices=Severity.choices)
    # The field's path in the questionnaire (as in QuestionnaireField.path); blank for the record as a whole.
    field = models.CharField(_("field"), max_length=500, blank=True)
    # What the message needs (values, limits, the field's labels in the form's languages): the message itself is
    # written in the reader's language when it is shown (`message()`).
    params = models.JSONField(_("details"), default=dict)
    status = models.CharField(_("status"), max_length=10, choices=IssueStatus.choices, default=IssueStatus.OPEN)
    justification = models.TextField(_("justification"), blank=True)
    status_changed_at = models.DateTimeField(_("status changed"), null=True, blank=True)
    status_changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    resolved_by_version = models.ForeignKey(
        "submissions.SubmissionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("resolved by"),
    )
    created_at = models.DateTimeField(_("found"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "pk"]
        verbose_name = _("issue")
        verbose_name_plural = _("issues")
        indexes = [
            models.Index(fields=["submission", "status"]),
            models.Index(fields=["rule", "status"]),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["submission", "rule", "field"],
                condition=Q(status__in=["open", "accepted"]),
                name="quality_issue_one_unresolved",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.rule} {self.field}".strip()

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(
            scope,
            authority="submission__directorate__authority",
            directorate="submission__directorate",
            sector="submission__sector",
        )

    def message(self) -> str:
        """What is wrong, in the active language."""
        from rasd.quality.rules import message_for

        return message_for(self.rule, self.field, self.params)

    @property
    def is_unresolved(self) -> bool:
        return self.status in UNRESOLVED


class Operator(models.TextChoices):
    """DHIS2's validation rule operators (the symbol is what rasd stores and shows)."""

    EQUAL_TO = "==", _("equal to")
    NOT_EQUAL_TO = "!=", _("not equal to")
    GREATER_THAN = ">", _("greater than")
    GREATER_THAN_OR_EQUAL_TO = ">=", _("greater than or equal to")
    LESS_THAN = "<", _("less than")
    LESS_THAN_OR_EQUAL_TO = "<=", _("less than or equal to")
    COMPULSORY_PAIR = "compulsory_pair", _("compulsory pair (both sides answered, or neither)")
    EXCLUSIVE_PAIR = "exclusive_pair", _("exclusive pair (never both sides answered)")


class MissingValueStrategy(models.TextChoices):
    SKIP_IF_ANY_VALUE_MISSING = "SKIP_IF_ANY_VALUE_MISSING", _("Skip the rule if any value is missing")
    SKIP_IF_ALL_VALUES_MISSING = "SKIP_IF_ALL_VALUES_MISSING", _("Skip the rule if all values are missing")
    NEVER_SKIP = "NEVER_SKIP", _("Never skip (a missing value counts as 0)")


class RuleOrigin(models.TextChoices):
    """Where a rule comes from; the prefix of its issues' rule code (`herams.<code>`, `dhis2.<code>`)."""

    HERAMS = "herams", _("HeRAMS catalogue shipped with rasd")
    DHIS2 = "dhis2", _("Defined by an administrator (DHIS2 model)")


class ValidationRule(TrilingualName):
    """A cross-field rule in the DHIS2 model: `left_side operator right_side` must hold for every record of the
    questionnaires it applies to. The sides are expressions (`rasd.quality.expressions`), parsed and checked when the
    rule is saved through `rasd.quality.rule_services` (never saved directly), so a broken one is refused then.
    Rules are never deleted: a rule no longer wanted is deactivated, and every change is audited."""

    code = models.SlugField(_("code"), max_length=50, unique=True)
    origin = models.CharField(_("origin"), max_length=10, choices=RuleOrigin.choices, default=RuleOrigin.DHIS2)
    message_ar = models.TextField(_("message (Arabic)"))
    message_en = models.TextField(_("message (English)"), blank=True)
    message_ckb = models.TextField(_("message (Kurdish)"), blank=True)
    left_side = models.TextField(_("left side"))
    operator = models.CharField(_("operator"), max_length=20, choices=Operator.choices)
    right_side = models.TextField(_("right side"))
    importance = models.CharField(_("importance"), max_length=10, choices=Severity.choices, default=Severity.MEDIUM)
    missing_value_strategy = models.CharField(
        _("missing value strategy"),
        max_length=30,
        choices=MissingValueStrategy.choices,
        default=MissingValueStrategy.SKIP_IF_ANY_VALUE_MISSING,
    )
    # Null: every questionnaire whose fields the rule names (by role, or by name).
    questionnaire = models.ForeignKey(
        "questionnaires.Questionnaire",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="validation_rules",
        verbose_name=_("questionnaire"),
    )
    is_active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    changed_at = models.DateTimeField(_("changed"), auto_now=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code"]
        verbose_name = _("validation rule")
        verbose_name_plural = _("validation rules")

    def __str__(self) -> str:
        return self.code

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return Q()  # national, like the questionnaires the rules read

    @property
    def issue_code(self) -> str:
        """The rule code its issues carry."""
        return f"{self.origin}.{self.code}"

    @property
    def messages(self) -> dict[str, str]:
        return {"ar": self.message_ar, "ckb": self.message_ckb, "en": self.message_en}

    @property
    def names(self) -> dict[str, str]:
        return {"ar": self.name_ar, "ckb": self.name_ckb, "en": self.name_en}


class PeerStatistic(models.Model):
    """The median and spread of one count (beds, staff…) among the current records of one facility type in a round,
    computed by `validate_round` so that a new submission is compared with its peers without reading them all. Derived
    data: each run of `validate_round` replaces the round's statistics."""

    round = models.ForeignKey("collection.Round", on_delete=models.CASCADE, related_name="+")
    facility_type = models.ForeignKey("registry.FacilityType", on_delete=models.PROTECT, related_name="+")
    measure = models.CharField(_("measure"), max_length=40)
    count = models.PositiveIntegerField(_("records"))
    median = models.FloatField(_("median"))
    mad = models.FloatField(_("median absolute deviation"))
    mean_ad = models.FloatField(_("mean absolute deviation"))
    computed_at = models.DateTimeField(_("computed"), auto_now=True)

    class Meta:
        verbose_name = _("peer statistic")
        verbose_name_plural = _("peer statistics")
        constraints = [
            models.UniqueConstraint(fields=["round", "facility_type", "measure"], name="quality_peer_statistic_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure} {self.facility_type_id}"
