"""The counts compared across rounds and between peers: totals over field roles, so that they survive renamed
fields between questionnaire versions (`#{beds:*}` is every bed count, whatever the fields are called)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rasd.quality.rules.base import FormInfo


@dataclass(frozen=True)
class Measure:
    code: str  # stored on peer statistics and in issue details
    role: str  # a role pattern: the measure is the total of the matching fields' answers
    label: Promise


MEASURES = (
    Measure("beds", "beds:*", _("beds")),
    Measure("beds_functional", "beds_functional:*", _("functional beds")),
    Measure("staff", "staff:*:*", _("staff")),
)


def value_of(measure: Measure, form: FormInfo, answers: Mapping[str, Any]) -> float | None:
    """The total of the measure's fields in `answers`; None when the form has none of them or none is answered."""
    numbers = [
        answers[path]
        for path in form.paths_matching("role", measure.role)
        if isinstance(answers.get(path), int | float) and not isinstance(answers.get(path), bool)
    ]
    return float(sum(numbers)) if numbers else None


def field_of(measure: Measure, form: FormInfo) -> str:
    """The first field of the measure in the form: where its issues are shown."""
    paths = form.paths_matching("role", measure.role)
    return paths[0] if paths else ""


def shown(value: float) -> int | float:
    return int(value) if float(value).is_integer() else round(value, 2)
