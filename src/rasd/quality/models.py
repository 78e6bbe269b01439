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
from rasd.registry.quality.base import Severity

__all__ = ["Issue", "IssueStatus", "Severity"]


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
