"""Reads of issues for pages and commands, always through `scoped()` (`user=None` is the system: everything)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet

from rasd.accounts.scoping import scoped
from rasd.quality.models import Issue, IssueStatus

if TYPE_CHECKING:
    from rasd.accounts.models import User
    from rasd.collection.models import Round


def issues_of_round(user: User | None, round_: Round) -> QuerySet[Issue]:
    issues = Issue.objects.filter(submission__round=round_)
    return issues if user is None else scoped(user, issues)


def open_counts_by_submission(user: User | None, round_: Round) -> dict[int, int]:
    """{submission id: open issues}, for the counts on submission lists."""
    rows = (
        issues_of_round(user, round_)
        .filter(status=IssueStatus.OPEN)
        .order_by()
        .values_list("submission_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)


@dataclass(frozen=True)
class RuleCount:
    rule: str
    severity: str
    count: int


def open_counts_by_rule(user: User | None, round_: Round) -> list[RuleCount]:
    """Open issues per rule and severity, most frequent first."""
    rows = (
        issues_of_round(user, round_)
        .filter(status=IssueStatus.OPEN)
        .order_by()
        .values_list("rule", "severity")
        .annotate(n=Count("pk"))
    )
    return sorted((RuleCount(rule, severity, n) for rule, severity, n in rows), key=lambda c: (-c.count, c.rule))


def status_counts(user: User | None, round_: Round) -> Counter[str]:
    rows = issues_of_round(user, round_).order_by().values_list("status").annotate(n=Count("pk"))
    return Counter(dict(rows))


def issue_rows(
    user: User | None, round_: Round, *, statuses: tuple[str, ...] = (), severities: tuple[str, ...] = ()
) -> list[dict[str, Any]]:
    """The issues as `rasd round_issues --json` prints them, with messages in the active language."""
    issues = issues_of_round(user, round_).select_related("submission__facility", "last_version")
    if statuses:
        issues = issues.filter(status__in=statuses)
    if severities:
        issues = issues.filter(severity__in=severities)
    issues = issues.order_by("submission__facility__code", "submission_id", "rule", "field", "pk").only(
        "rule",
        "severity",
        "field",
        "status",
        "params",
        "submission__first_instance_id",
        "submission__facility__code",
        "last_version__facility_code",
    )
    return [
        {
            "rule": issue.rule,
            "severity": issue.severity,
            # The facility as the master list knows it, or the code as submitted when it is unknown.
            "facility": issue.submission.facility.code
            if issue.submission.facility is not None
            else issue.last_version.facility_code,
            "submission": issue.submission.first_instance_id,
            "field": issue.field,
            "status": issue.status,
            "message": issue.message(),
        }
        for issue in issues.iterator(chunk_size=2000)
    ]


def open_counts_for(user: User, submission_ids: list[int]) -> dict[int, int]:
    """{submission id: open issues} for the records of one page of a list."""
    rows = (
        scoped(user, Issue.objects.filter(submission_id__in=submission_ids, status=IssueStatus.OPEN))
        .order_by()
        .values_list("submission_id")
        .annotate(n=Count("pk"))
    )
    return dict(rows)
