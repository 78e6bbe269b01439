"""The catalogue of rules and the list of checks. Each rules module registers its rules and its checks when it is
imported (`rasd.quality.rules` imports them all); the engine runs whatever is registered, so a new kind of rule
is a new module, with no change to the engine."""

from __future__ import annotations

import logging
from collections.abc import Mapping
from typing import Any

from django.utils.translation import get_language

from rasd.quality.rules.base import Check, Context, Finding, Rule
from rasd.submissions.answers import label_in

log = logging.getLogger(__name__)

_rules: dict[str, Rule] = {}
_checks: list[Check] = []


def register(*rules: Rule) -> None:
    for item in rules:
        if item.code in _rules and _rules[item.code] != item:
            raise ValueError(f"two quality rules have the code {item.code}")
        _rules[item.code] = item


def check(fn: Check) -> Check:
    """Register a check (usable as a decorator). Checks run in registration order."""
    if fn not in _checks:
        _checks.append(fn)
    return fn


def rules() -> tuple[Rule, ...]:
    return tuple(_rules.values())


def rule(code: str) -> Rule | None:
    return _rules.get(code)


def run_checks(context: Context) -> list[Finding]:
    """Every finding of every check, one per rule and field (a field inside a repeat is reported once)."""
    found: dict[tuple[str, str], Finding] = {}
    for fn in _checks:
        for finding in fn(context):
            if finding.rule not in _rules:
                raise LookupError(f"{fn.__name__} reports {finding.rule}, which is not in the catalogue")
            found.setdefault((finding.rule, finding.field), finding)
    return list(found.values())


def message_for(code: str, field: str, params: Mapping[str, Any]) -> str:
    """The message of a finding in the active language. Texts from the questionnaire (labels, constraint
    messages) are stored in all its languages, as {language: text}, and shown in the reader's."""
    language = get_language() or "ar"
    values: dict[str, Any] = {"field": field}
    for key, value in params.items():
        values[key] = label_in(dict(value), language) if isinstance(value, Mapping) else value
    if not values.get("field"):
        values["field"] = field
    item = _rules.get(code)
    if item is None:  # a rule since removed: its issues stay readable
        return f"{code} {field}".strip()
    try:
        return str(item.message) % values
    except (KeyError, TypeError, ValueError):
        log.warning("quality message %s lacks a parameter: %s", code, sorted(values))
        return f"{item.title} {field}".strip()
