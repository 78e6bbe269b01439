"""Checks against the round: a facility the collector was not assigned, one the round does not expect, an edit
that changed the facility (the record's quarantine reasons), and a submission received after the deadline."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasd.quality.rules.base import Context, Finding, Rule, RuleSource
from rasd.quality.rules.catalogue import check, register
from rasd.registry.quality.base import Severity
from rasd.submissions.models import QuarantineReason

register(
    Rule(
        "collection.outside_assignment",
        Severity.MEDIUM,
        RuleSource.DHIS2,
        _("Facility outside the collector's assignment"),
        _("The collector who sent this was not assigned this facility in the round."),
    ),
    Rule(
        "collection.not_expected",
        Severity.MEDIUM,
        RuleSource.DHIS2,
        _("Facility not expected in the round"),
        _("The round does not expect a submission for this facility."),
    ),
    Rule(
        "collection.facility_changed",
        Severity.HIGH,
        RuleSource.RASD,
        _("An edit changed the facility"),
        _("An edit of this record names another facility than the record was about."),
    ),
    Rule(
        "collection.late",
        Severity.LOW,
        RuleSource.WHO_DQ,
        _("Received after the deadline"),
        _("First received on %(received)s, after the round's deadline (%(deadline)s)."),
        threshold="the round's deadline",
    ),
)

_BY_REASON: dict[str, str] = {
    QuarantineReason.OUTSIDE_ASSIGNMENT: "collection.outside_assignment",
    QuarantineReason.NOT_EXPECTED: "collection.not_expected",
    QuarantineReason.FACILITY_CHANGED: "collection.facility_changed",
}


@check
def placed_in_round(context: Context) -> list[Finding]:
    # The ingestion pipeline decided these when it placed the record (rasd.submissions.placement).
    code = _BY_REASON.get(context.submission.quarantine_reason)
    return [Finding(code)] if code else []


@check
def on_time(context: Context) -> list[Finding]:
    received = timezone.localtime(context.submission.created_at).date()
    deadline = context.round.deadline
    if received <= deadline:
        return []
    params = {"received": received.isoformat(), "deadline": deadline.isoformat(), "days": (received - deadline).days}
    return [Finding("collection.late", params=params)]
