"""The catalogue of rules and the list of checks. Each rules module registers its rules and its checks when it is
imported (`rasd.quality.rules` imports them all); the engine runs whatever is registered, so a new kind of rule
is a new module, with no change to the engine."""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from django.utils.translation import get_language

from rasd.quality.rules.base import Check, Context, Finding, Rule
from rasd.submissions.answers import label_in

if TYPE_CHECKING:
    from rasd.collection.models import Round
    from rasd.submissions.models import Submission

log = logging.getLogger(__name__)

RoundStep = Callable[["Round"], object]
BatchStep = Callable[["Round", Sequence["Submission"], Mapping[str, object]], object]

RoundStepT = TypeVar("RoundStepT", bound=RoundStep)
BatchStepT = TypeVar("BatchStepT", bound=BatchStep)

_rules: dict[str, Rule] = {}
_families: dict[str, Callable[[str], Rule]] = {}
_checks: list[Check] = []
_round_steps: dict[str, RoundStep] = {}
_batch_steps: dict[str, BatchStep] = {}


def register(*rules: Rule) -> None:
    for item in rules:
        if item.code in _rules and _rules[item.code] != item:
            raise ValueError(f"two quality rules have the code {item.code}")
        _rules[item.code] = item


def register_family(prefix: str, make: Callable[[str], Rule]) -> None:
    """Rules defined in the database (`ValidationRule`): any code starting with `prefix` that is not registered
    above is one of them, described by `make(code)`."""
    _families[prefix] = make


def on_round(key: str) -> Callable[[RoundStepT], RoundStepT]:
    """Register what `validate_round` prepares once for the whole round, before any record (statistics of the
    round, the rules in force); the checks find it in `context.shared[key]`."""

    def decorator(fn: RoundStepT) -> RoundStepT:
        _round_steps[key] = fn
        return fn

    return decorator


def on_batch(key: str) -> Callable[[BatchStepT], BatchStepT]:
    """Register what `validate_round` reads once per batch of records (their previous rounds' records); it gets
    the round, the batch's records and what the round steps prepared."""

    def decorator(fn: BatchStepT) -> BatchStepT:
        _batch_steps[key] = fn
        return fn

    return decorator


def prepare_round(round_: Round) -> dict[str, object]:
    return {key: fn(round_) for key, fn in _round_steps.items()}


def prepare_batch(round_: Round, records: Sequence[Submission], shared: Mapping[str, object]) -> dict[str, object]:
    return {**shared, **{key: fn(round_, records, shared) for key, fn in _batch_steps.items()}}


def check(fn: Check) -> Check:
    """Register a check (usable as a decorator). Checks run in registration order."""
    if fn not in _checks:
        _checks.append(fn)
    return fn


def rules() -> tuple[Rule, ...]:
    return tuple(_rules.values())


def rule(code: str) -> Rule | None:
    found = _rules.get(code)
    if found is None:
        prefix = code.split(".", 1)[0] + "."
        make = _families.get(prefix)
        return make(code) if make is not None and len(code) > len(prefix) else None
    return found


def run_checks(context: Context) -> list[Finding]:
    """Every finding of every check, one per rule and field (a field inside a repeat is reported once)."""
    found: dict[tuple[str, str], Finding] = {}
    for fn in _checks:
        for finding in fn(context):
            if rule(finding.rule) is None:
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
    item = rule(code)
    if item is None:  # a rule since removed: its issues stay readable
        return f"{code} {field}".strip()
    try:
        return str(item.message) % values
    except (KeyError, TypeError, ValueError):
        log.warning("quality message %s lacks a parameter: %s", code, sorted(values))
        return f"{item.title} {field}".strip()
