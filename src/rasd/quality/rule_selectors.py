"""Reads for the rule pages: every rule rasd checks (the built-in catalogue and the cross-field `ValidationRule`s)
with its open issues in the reader's part of the country (through `scoped()`)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db.models import Count, QuerySet

from rasd.accounts.scoping import scoped
from rasd.quality.models import Issue, IssueStatus, Severity, ValidationRule
from rasd.quality.rules import Rule, rules

if TYPE_CHECKING:
    from rasd.accounts.models import User

ALL_QUESTIONNAIRES = "all"  # the filter value of rules not attached to one questionnaire


@dataclass(frozen=True)
class RuleFilters:
    """Blank: no filter. `active` is "yes" or "no"; `questionnaire` a questionnaire's pk or ALL_QUESTIONNAIRES."""

    active: str = ""
    questionnaire: str = ""
    importance: str = ""


def open_issue_counts(user: User) -> dict[str, int]:
    """{rule code as issues carry it: open issues in the user's scope}, across rounds."""
    issues = scoped(user, Issue.objects.filter(status=IssueStatus.OPEN))
    return dict(issues.order_by().values_list("rule").annotate(n=Count("pk")))


def validation_rules(filters: RuleFilters) -> QuerySet[ValidationRule]:
    """The cross-field rules, filtered (rules are national: every reader sees all of them)."""
    found = ValidationRule.objects.select_related("questionnaire").order_by("origin", "code")
    if filters.active:
        found = found.filter(is_active=filters.active == "yes")
    if filters.questionnaire == ALL_QUESTIONNAIRES:
        found = found.filter(questionnaire__isnull=True)
    elif filters.questionnaire.isdigit():
        found = found.filter(questionnaire_id=int(filters.questionnaire))
    if filters.importance:
        found = found.filter(importance=filters.importance)
    return found


@dataclass(frozen=True)
class BuiltInRule:
    rule: Rule
    open_issues: int


def built_in_rules(counts: Mapping[str, int], importance: str = "") -> list[BuiltInRule]:
    """The rules checked in code (`rasd.quality.rules`), by code; the cross-field ones are `validation_rules`."""
    found = [BuiltInRule(item, counts.get(item.code, 0)) for item in rules()]
    if importance:
        found = [row for row in found if row.rule.severity == Severity(importance)]
    return sorted(found, key=lambda row: row.rule.code)
