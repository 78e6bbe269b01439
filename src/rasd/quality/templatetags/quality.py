"""Data-quality issues on pages of other apps, without those apps depending on this one:
`{% submission_issues submission %}` on a record's page and `{% open_issue_counts submissions as counts %}` on a
list (one query for the page)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from typing import Any

from django import template

from rasd.accounts.scoping import scoped
from rasd.quality import selectors
from rasd.quality.models import Issue, IssueStatus
from rasd.quality.services import ACCEPT_PERMISSION
from rasd.registry.quality.base import SEVERITY_ORDER
from rasd.submissions.answers import Catalogue, answer_language, label_in

register = template.Library()

STATUS_ORDER: dict[str, int] = {IssueStatus.OPEN: 0, IssueStatus.ACCEPTED: 1, IssueStatus.RESOLVED: 2}
SEVERITY_RANK: dict[str, int] = {str(severity): rank for severity, rank in SEVERITY_ORDER.items()}


def _user(context: template.Context) -> Any:
    request = context.get("request")
    return getattr(request, "user", None)


@register.inclusion_tag("quality/_submission_issues.html", takes_context=True)
def submission_issues(context: template.Context, submission: Any) -> dict[str, Any]:
    user = _user(context)
    if user is None or submission is None:
        return {"issues": []}
    issues = list(
        scoped(user, Issue.objects.filter(submission=submission)).select_related(
            "first_version", "last_version", "resolved_by_version", "status_changed_by"
        )
    )
    issues.sort(key=lambda issue: (STATUS_ORDER.get(issue.status, 3), SEVERITY_RANK.get(issue.severity, 3), issue.pk))
    language = answer_language()
    catalogue = Catalogue.of(*{issue.last_version.questionnaire_version for issue in issues}) if issues else None
    rows = []
    for issue in issues:
        found = catalogue.get(issue.field) if catalogue is not None and issue.field else None
        rows.append({"issue": issue, "field_label": label_in(found.labels, language) if found is not None else ""})
    return {
        "issues": rows,
        "open_count": sum(1 for issue in issues if issue.status == IssueStatus.OPEN),
        "can_accept": user.can(ACCEPT_PERMISSION),
        "csrf_token": context.get("csrf_token"),
    }


@register.simple_tag(takes_context=True)
def open_issue_counts(context: template.Context, submissions: Iterable[Any]) -> dict[int, int]:
    user = _user(context)
    ids = [submission.pk for submission in submissions]
    return selectors.open_counts_for(user, ids) if user is not None and ids else {}


@register.filter
def count_for(counts: Mapping[int, int], submission: Any) -> int:
    return counts.get(getattr(submission, "pk", 0), 0)
