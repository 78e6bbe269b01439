"""The rule engine: a catalogue of rules (code, severity, source, threshold, message) and the checks that find
them in one version of a record. Importing this package registers every rules module below; a new kind of rule
is a new module added to this list."""

from rasd.quality.rules import (  # noqa: F401  (registers their rules and checks)
    collection,
    crossfield,
    master_list,
    outliers,
    previous_round,
    xform,
)
from rasd.quality.rules.base import Context, Finding, FormInfo, Rule, RuleSource, clear_caches, form_info
from rasd.quality.rules.catalogue import message_for, rule, rules, run_checks

__all__ = [
    "Context",
    "Finding",
    "FormInfo",
    "Rule",
    "RuleSource",
    "clear_caches",
    "form_info",
    "message_for",
    "rule",
    "rules",
    "run_checks",
]
