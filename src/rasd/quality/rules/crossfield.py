"""Cross-field rules: the `ValidationRule`s in force (DHIS2 model: left side, operator, right side, importance,
missing value strategy), evaluated on each version's answers; and one HeRAMS rule in code, a service partially or
not available without its barriers, which must stay quiet where the form itself requires the barriers.

A rule applies to a version when it is attached to the version's questionnaire or to none, and the version has a
field for every role and name the rule uses (a questionnaire without, say, bed counts is not checked for beds). Its
issues carry the code `herams.<code>` (the catalogue shipped with rasd) or `dhis2.<code>` (an administrator's),
and the rule's importance as their severity.
"""

from __future__ import annotations

import dataclasses
import datetime
import logging
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, cast

from django.utils.translation import gettext_lazy as _

from rasd.quality import expressions
from rasd.quality.expressions import Node, Ref, Skip, Value
from rasd.quality.models import MissingValueStrategy, Operator, Severity, ValidationRule
from rasd.quality.rules.base import Context, Finding, FormInfo, Rule, RuleSource, TimedCache
from rasd.quality.rules.catalogue import check, on_round, register, register_family

log = logging.getLogger(__name__)

RULES_KEY = "crossfield.rules"
PAIRS = (Operator.COMPULSORY_PAIR, Operator.EXCLUSIVE_PAIR)
NOT_FULLY_AVAILABLE = ("partially_available", "not_available")


def _family(source: RuleSource) -> Callable[[str], Rule]:
    def make(code: str) -> Rule:
        # The message itself is stored on the issue in the rule's three languages (params["message"]).
        return Rule(code, Severity.MEDIUM, source, _("Cross-field rule"), "%(message)s")

    return make


register_family("dhis2.", _family(RuleSource.DHIS2))
register_family("herams.", _family(RuleSource.HERAMS))

register(
    Rule(
        "herams.service_without_barrier",
        Severity.MEDIUM,
        RuleSource.HERAMS,
        _("Service not fully available without a barrier"),
        _("“%(service)s” is partially or not available, but no barrier is given."),
        threshold="partially or not available",
    ),
)


# --- the rules in force -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CompiledRule:
    issue_code: str
    questionnaire_id: int | None
    left: Node
    operator: str
    right: Node
    importance: Severity
    strategy: str
    messages: dict[str, str]
    items: tuple[Ref, ...]  # every field reference of both sides, once
    binder: Ref | None = None  # the first reference with <variables>: the form's roles matching it give their values
    _bound: dict[tuple[tuple[str, str], ...], CompiledRule] = dataclasses.field(default_factory=dict, compare=False)

    def bindings(self, form: FormInfo) -> list[dict[str, str]]:
        """One binding of the rule's variables per set of values the form has ([{}] for a rule without any)."""
        if self.binder is None:
            return [{}]
        found = {}
        for path in form.paths_matching("role", self.binder.as_pattern):
            binding = self.binder.binding_of(form.fields[path].role)
            found[tuple(sorted(binding.items()))] = binding
        return list(found.values())

    def bound(self, binding: dict[str, str]) -> CompiledRule:
        """The rule for one value of each variable (kept: the same values come back with every record)."""
        if not binding:
            return self
        key = tuple(sorted(binding.items()))
        found = self._bound.get(key)
        if found is None:
            found = dataclasses.replace(
                self,
                left=expressions.bound(self.left, binding),
                right=expressions.bound(self.right, binding),
                items=tuple(dict.fromkeys(ref.bound(binding) for ref in self.items)),
                binder=None,
                _bound={},
            )
            self._bound[key] = found
        return found


_COLUMNS = (
    "pk",
    "origin",
    "code",
    "questionnaire_id",
    "left_side",
    "operator",
    "right_side",
    "importance",
    "missing_value_strategy",
    "message_ar",
    "message_ckb",
    "message_en",
    "changed_at",
)
_compiled: dict[tuple[int, datetime.datetime], CompiledRule | None] = {}
_lock = threading.Lock()


_in_force = TimedCache()


def rules_in_force() -> list[CompiledRule]:
    """The active rules as the ingestion hook sees them: read at most every `CACHE_SECONDS` (saving a rule clears
    this process's copy)."""
    return cast(list[CompiledRule], _in_force.get(RULES_KEY, active_rules))


def forget_rules() -> None:
    _in_force.clear()


@on_round(RULES_KEY)
def active_rules(round_: object = None) -> list[CompiledRule]:
    """The active rules, in one query; each is parsed once per process and change (saving refused broken ones)."""
    found: list[CompiledRule] = []
    for row in ValidationRule.objects.filter(is_active=True).order_by("code").values_list(*_COLUMNS):
        key = (row[0], row[-1])
        with _lock:
            known = key in _compiled
            compiled = _compiled.get(key)
        if not known:
            compiled = _compile(*row)
            with _lock:
                _compiled[key] = compiled
        if compiled is not None:
            found.append(compiled)
    return found


def _compile(
    pk: int,
    origin: str,
    code: str,
    questionnaire_id: int | None,
    left_side: str,
    operator: str,
    right_side: str,
    importance: str,
    strategy: str,
    message_ar: str,
    message_ckb: str,
    message_en: str,
    changed_at: datetime.datetime,
) -> CompiledRule | None:
    try:
        left, right = expressions.parse(left_side), expressions.parse(right_side)
    except expressions.ExpressionError:
        log.exception("validation rule %s cannot be parsed (changed outside rasd.quality.rule_services?)", code)
        return None
    items = tuple(dict.fromkeys([*expressions.refs(left), *expressions.refs(right)]))
    messages = {"ar": message_ar, "ckb": message_ckb, "en": message_en}
    binder = next((ref for ref in items if ref.variables), None)
    return CompiledRule(
        f"{origin}.{code}",
        questionnaire_id,
        left,
        operator,
        right,
        Severity(importance),
        strategy,
        messages,
        items,
        binder,
    )


# --- evaluation -------------------------------------------------------------------------------------------------


class _Answers:
    """The version's answers as the expressions read them."""

    def __init__(self, context: Context) -> None:
        self.context = context
        self.values: dict[str, Any] = context.version.answers or {}
        self._found: dict[Ref, list[Any]] = {}  # rules share fields, and each reads a field more than once

    def answers(self, ref: Ref) -> Sequence[Any]:
        found = self._found.get(ref)
        if found is None:
            found = []
            for path in self.context.form.paths_matching(ref.kind, ref.key):
                value = self.values.get(path)
                if value not in (None, "", []):
                    found.append(value)
            self._found[ref] = found
        return found

    def facility(self, attribute: str) -> str:
        facility = self.context.facility
        if facility is None:
            return ""
        if attribute == "facility_status":
            return facility.status
        if attribute == "level_of_care":
            return facility.facility_type.level_of_care
        return facility.facility_type.code


def violation(compiled: CompiledRule, env: expressions.Answers) -> tuple[Value, Value] | None:
    """The two sides' values when the record breaks the rule; None when it holds or is skipped."""
    present = {ref: bool(env.answers(ref)) for ref in compiled.items}
    try:
        if compiled.operator in PAIRS:
            # About missing values themselves, so the strategy does not apply. A side without fields is present.
            left_present = all(present[ref] for ref in expressions.refs(compiled.left))
            right_present = all(present[ref] for ref in expressions.refs(compiled.right))
            broken = (
                left_present != right_present
                if compiled.operator == Operator.COMPULSORY_PAIR
                else left_present and right_present
            )
            if not broken:
                return None
            left = expressions.evaluate(compiled.left, env) if left_present else None
            right = expressions.evaluate(compiled.right, env) if right_present else None
            return left, right
        missing = sum(1 for ref in compiled.items if not present[ref])
        if missing and compiled.strategy == MissingValueStrategy.SKIP_IF_ANY_VALUE_MISSING:
            return None
        if missing == len(compiled.items) > 0 and compiled.strategy == MissingValueStrategy.SKIP_IF_ALL_VALUES_MISSING:
            return None
        left, right = expressions.evaluate(compiled.left, env), expressions.evaluate(compiled.right, env)
        if expressions.compare(compiled.operator, left, right):
            return None
        # Shown as compared: a missing number as 0.
        return (0.0 if left is None and not isinstance(right, str) else left), (
            0.0 if right is None and not isinstance(left, str) else right
        )
    except Skip:
        return None  # no value for this record (text where a number is needed, a division by zero)


@check
def crossfield_rules(context: Context) -> list[Finding]:
    form = context.form
    rules = cast(list[CompiledRule], context.shared[RULES_KEY]) if RULES_KEY in context.shared else rules_in_force()
    env = _Answers(context)
    findings = []
    for rule_ in rules:
        if rule_.questionnaire_id not in (None, form.questionnaire_id):
            continue
        for binding in rule_.bindings(form):
            compiled = rule_.bound(binding)
            if any(not form.paths_matching(ref.kind, ref.key) for ref in compiled.items):
                continue  # the version lacks a field the rule reads: the rule does not apply to it
            found = violation(compiled, env)
            if found is not None:
                findings.append(_finding(compiled, form, *found))
    return findings


def _finding(compiled: CompiledRule, form: FormInfo, left_value: Value, right_value: Value) -> Finding:
    """The rule's message in its languages, with the sides' values; shown on the first field the rule reads."""
    left, right = expressions.shown(left_value), expressions.shown(right_value)
    first = compiled.items[0] if compiled.items else None
    field = form.paths_matching(first.kind, first.key)[0] if first is not None else ""
    messages = {
        language: text.replace("{left}", str(left)).replace("{right}", str(right))
        for language, text in compiled.messages.items()
        if text
    }
    params = {"message": messages, "left": left, "right": right}
    return Finding(compiled.issue_code, field, params, severity=compiled.importance)


# --- rules pairing fields role by role --------------------------------------------------------------------------


@check
def services_have_barriers(context: Context) -> list[Finding]:
    """A service partially or not available needs its barriers — unless the form itself requires them, in which
    case the form's rule (`xform.required`) already says so."""
    form, answers = context.form, context.version.answers or {}
    findings = []
    for path in form.paths_matching("role", "service:*:*"):
        availability = answers.get(path)
        if availability not in NOT_FULLY_AVAILABLE:
            continue
        _kind, domain, code = form.fields[path].role.split(":")
        for barrier in sorted(form.paths_with_role(f"barriers:{domain}:{code}")):
            bind = form.model.binds.get(barrier)
            required = bind is not None and bind.required.strip() not in ("", "false()")
            if not required and answers.get(barrier) in (None, "", []):
                params = {"service": dict(form.fields[path].labels)}
                findings.append(Finding("herams.service_without_barrier", barrier, params))
    return findings


__all__ = ["RULES_KEY", "CompiledRule", "active_rules", "violation"]
