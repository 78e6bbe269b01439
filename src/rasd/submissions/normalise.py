"""Typed answers from an instance, driven by the field catalogue of its questionnaire version.

A published version never changes, so the "typing plan" built from its catalogue is kept in process memory,
keyed by the version's primary key and XForm md5 (the md5 guards against a reused primary key, e.g. in tests
that roll back). Building a record then needs no per-field query and walks the parsed tree once.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from django.utils import timezone
from django.utils.dateparse import parse_datetime
from lxml import etree

from rasd.questionnaires.models import FieldKind, QuestionnaireField

# Kinds whose values become answers; notes carry no answer and metadata goes to the version's own columns.
ANSWER_KINDS = frozenset({FieldKind.QUESTION, FieldKind.CALCULATE})
CONTAINER_KINDS = frozenset({FieldKind.GROUP, FieldKind.REPEAT})


@dataclass(frozen=True)
class PlannedField:
    path: str  # as in QuestionnaireField.path, e.g. /data/identification/facility
    kind: str
    type: str


@dataclass
class Plan:
    """How to read the instances of one questionnaire version."""

    root_name: str
    # Keyed by the element's path below the root ("identification/facility"), so an instance whose root
    # element is named differently from the catalogue's still matches.
    fields: dict[str, PlannedField] = field(default_factory=dict)
    facility_path: str = ""
    gps_path: str = ""
    start_path: str = ""
    end_path: str = ""


@dataclass
class Normalised:
    answers: dict[str, Any]
    facility_code: str
    gps: list[float] | None
    started_at: datetime | None
    ended_at: datetime | None


_plans: dict[tuple[int, str], Plan] = {}
_lock = threading.Lock()


def plan_for(version_id: int, md5: str) -> Plan:
    key = (version_id, md5)
    plan = _plans.get(key)
    if plan is None:
        rows = QuestionnaireField.objects.filter(version_id=version_id).order_by("position")
        plan = build_plan(list(rows.values_list("path", "kind", "type", "role")))
        with _lock:
            _plans[key] = plan
    return plan


def build_plan(rows: list[tuple[str, str, str, str]]) -> Plan:
    root_name = rows[0][0].split("/")[1] if rows else "data"
    plan = Plan(root_name=root_name)
    first_geopoint = ""
    for path, kind, type_, role in rows:
        relative = path.split("/", 2)[2] if path.count("/") >= 2 else ""
        if not relative:
            continue
        plan.fields[relative] = PlannedField(path=path, kind=kind, type=type_)
        if role == "facility_code" and not plan.facility_path:
            plan.facility_path = path
        elif role == "gps" and not plan.gps_path:
            plan.gps_path = path
        if type_ == "geopoint" and kind in ANSWER_KINDS and not first_geopoint:
            first_geopoint = path
        if type_ == "start" and not plan.start_path:
            plan.start_path = path
        elif type_ == "end" and not plan.end_path:
            plan.end_path = path
    plan.gps_path = plan.gps_path or first_geopoint
    return plan


def typed(type_: str, text: str) -> Any:
    """The answer as JSON: numbers as numbers, multiple choices as a list. A value the type does not fit
    (a client bug) is kept as text rather than dropped: the raw XML is the truth, this is a reading of it."""
    if type_ == "integer":
        try:
            return int(text)
        except ValueError:
            return text
    if type_ == "decimal":
        try:
            return float(text)
        except ValueError:
            return text
    if type_ == "select_multiple":
        return text.split()
    if type_ == "geopoint":
        try:
            return [float(part) for part in text.split()[:4]]
        except ValueError:
            return text
    return text


def normalise(root: etree._Element, plan: Plan) -> Normalised:
    answers: dict[str, Any] = {}
    meta_values: dict[str, str] = {}
    _walk(root, "", plan, answers, meta_values)
    facility = answers.get(plan.facility_path) if plan.facility_path else None
    gps_value = answers.get(plan.gps_path) if plan.gps_path else None
    gps = gps_value if isinstance(gps_value, list) and len(gps_value) >= 2 else None
    return Normalised(
        answers=answers,
        facility_code=str(facility).strip() if facility is not None else "",
        gps=gps,
        started_at=_timestamp(meta_values.get(plan.start_path, "")),
        ended_at=_timestamp(meta_values.get(plan.end_path, "")),
    )


def _walk(
    element: etree._Element, prefix: str, plan: Plan, answers: dict[str, Any], meta_values: dict[str, str]
) -> None:
    fields = plan.fields
    for child in element:
        tag: object = child.tag
        if not isinstance(tag, str):  # comments and processing instructions
            continue
        relative = prefix + (tag if tag[0] != "{" else tag.rpartition("}")[2])
        planned = fields.get(relative)
        if len(child):  # a group or a repeat (or an element the catalogue does not know that has children)
            if planned is not None and planned.kind == FieldKind.REPEAT:
                entry: dict[str, Any] = {}
                _walk(child, relative + "/", plan, entry, meta_values)
                if entry:
                    answers.setdefault(planned.path, []).append(entry)
            else:
                _walk(child, relative + "/", plan, answers, meta_values)
            continue
        if planned is None:
            continue  # not in this version's catalogue (e.g. an extra element): stays only in the raw XML
        text = child.text
        if text is None or not (text := text.strip()):
            continue
        if planned.kind in ANSWER_KINDS:
            answers[planned.path] = typed(planned.type, text)
        elif planned.kind == FieldKind.META:
            meta_values[planned.path] = text


def _timestamp(text: str) -> datetime | None:
    if not text:
        return None
    try:
        value = parse_datetime(text)
    except ValueError:
        return None
    if value is None:
        return None
    if timezone.is_naive(value):
        value = timezone.make_aware(value, timezone.get_fixed_timezone(0))
    return value
