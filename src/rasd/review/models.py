"""The review thread of a record: comments and decisions together, oldest first.

Rows are history: append-only (migration 0002 adds the database triggers). A record's state lives on
`Submission.state`; each decision also leaves an event here saying who moved it from which state to which, why, and
on which version. See docs/review.md.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope, hierarchy_q
from rasd.submissions.models import SubmissionState


class ReviewEventKind(models.TextChoices):
    COMMENT = "comment", _("Comment")
    APPROVED_DIRECTORATE = "approved_directorate", _("Approved by the directorate")
    APPROVED_NATIONAL = "approved_national", _("Approved nationally")
    RETURNED = "returned", _("Returned to the collector")
    REJECTED = "rejected", _("Rejected")
    REOPENED = "reopened", _("Decision taken back")
    # Written by the system: a new version arrived after a decision, which it undoes (the record is reviewed again).
    DECISION_UNDONE = "decision_undone", _("New version: decision undone")


# Events that leave the record in a reviewer's decision (the ones a new version undoes, or `reopen` takes back).
DECISION_KINDS = frozenset(
    {
        ReviewEventKind.APPROVED_DIRECTORATE,
        ReviewEventKind.APPROVED_NATIONAL,
        ReviewEventKind.RETURNED,
        ReviewEventKind.REJECTED,
    }
)


class ReviewEvent(models.Model):
    submission = models.ForeignKey(
        "submissions.Submission",
        on_delete=models.PROTECT,
        related_name="review_events",
        verbose_name=_("submission"),
    )
    # The record's current version when the event was written: what the reviewer looked at.
    version = models.ForeignKey(
        "submissions.SubmissionVersion",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("version"),
    )
    kind = models.CharField(_("kind"), max_length=30, choices=ReviewEventKind.choices)
    # Blank for comments.
    from_state = models.CharField(_("from"), max_length=20, choices=SubmissionState.choices, blank=True)
    to_state = models.CharField(_("to"), max_length=20, choices=SubmissionState.choices, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("by"),
    )  # None: the system
    message = models.TextField(_("message"), blank=True)
    # Why the reviewer acted although the record had open high-severity issues.
    justification = models.TextField(_("justification"), blank=True)
    created_at = models.DateTimeField(_("time"), auto_now_add=True)

    class Meta:
        ordering = ["submission", "pk"]
        verbose_name = _("review event")
        verbose_name_plural = _("review events")
        indexes = [models.Index(fields=["submission", "kind"])]

    def __str__(self) -> str:
        return f"{self.submission_id} {self.kind}"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return hierarchy_q(
            scope,
            authority="submission__directorate__authority",
            directorate="submission__directorate",
            sector="submission__sector",
        )

    @property
    def is_comment(self) -> bool:
        return self.kind == ReviewEventKind.COMMENT
