"""What the checks of one version read, in statements written once in plain SQL: the ingestion hook runs for every
submission, and compiling the ORM's joins for each cost more CPU than running the checks (docs/data-quality.md,
"Speed"). Only table and column names from the models are interpolated; values are always parameters. Rows become
model instances converted exactly as the ORM converts them (dates, booleans and JSON on SQLite…), with every
concrete field loaded, so no attribute a check reads triggers a query of its own."""

from __future__ import annotations

import datetime
import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models

from rasd.collection.models import Round
from rasd.quality.models import UNRESOLVED, Issue
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Directorate, Facility, FacilityType, Sector
from rasd.submissions.models import Submission, SubmissionVersion

M = TypeVar("M", bound=models.Model)
Converter = Callable[[Any, Any, Any], Any]

# The facility with everything the checks and the form's attachments (facilities.csv, sectors.csv) read of it.
_FACILITY_MODELS: tuple[tuple[type[models.Model], str, str], ...] = (
    (Facility, "f", ""),
    (FacilityType, "t", "facility_type"),
    (Directorate, "d", "directorate"),
    (Sector, "s", "sector"),
)


@dataclass(frozen=True)
class Loaded:
    round: Round
    facility: Facility | None
    form_md5: str


def _columns(model: type[models.Model], alias: str) -> str:
    return ", ".join(f"{alias}.{field.column}" for field in model._meta.concrete_fields)


@functools.cache
def _converters(model: type[models.Model], vendor: str) -> tuple[tuple[str, tuple[Converter, ...], Any], ...]:
    """Per concrete field: its attribute name, the converters the ORM would apply to its column, the column."""
    found = []
    for field in model._meta.concrete_fields:
        column = field.get_col(model._meta.db_table)
        converters = connection.ops.get_db_converters(column) + column.get_db_converters(connection)
        found.append((field.attname, tuple(converters), column))
    return tuple(found)


def instance(model: type[M], values: Sequence[Any]) -> M:
    """A model instance from the raw values of its concrete fields, in `_meta.concrete_fields` order."""
    names, converted = [], []
    for (name, converters, column), value in zip(_converters(model, connection.vendor), values, strict=True):
        names.append(name)
        converted.append(_converted(value, converters, column))
    return model.from_db(connection.alias, names, converted)


def _converted(value: Any, converters: Sequence[Converter], column: Any) -> Any:
    for converter in converters:
        value = converter(value, column, connection)
    return value


@functools.cache
def _context_sql() -> str:
    version, round_ = QuestionnaireVersion._meta, Round._meta
    joins = [f"LEFT JOIN {Facility._meta.db_table} f ON f.{Facility._meta.pk.column} = %s"]
    for model, alias, name in _FACILITY_MODELS[1:]:
        fk = Facility._meta.get_field(name)
        assert isinstance(fk, models.ForeignKey)
        joins.append(f"LEFT JOIN {model._meta.db_table} {alias} ON {alias}.{model._meta.pk.column} = f.{fk.column}")
    columns = ", ".join(_columns(model, alias) for model, alias, _name in _FACILITY_MODELS)
    return (
        f"SELECT v.md5, {_columns(Round, 'r')}, {columns} FROM {version.db_table} v "  # noqa: S608
        f"JOIN {round_.db_table} r ON r.{round_.pk.column} = %s {' '.join(joins)} WHERE v.{version.pk.column} = %s"
    )


def load_context(round_id: int, facility_id: int | None, questionnaire_version_id: int) -> Loaded:
    """The round, the facility (its type, directorate and sector loaded; None without one) and the form's md5, in
    one statement."""
    with connection.cursor() as cursor:
        cursor.execute(_context_sql(), [round_id, facility_id, questionnaire_version_id])
        row = cursor.fetchone()
    if row is None:
        raise LookupError(f"round {round_id} or questionnaire version {questionnaire_version_id} does not exist")
    start = 1 + len(Round._meta.concrete_fields)
    round_ = instance(Round, row[1:start])
    parts: dict[str, models.Model | None] = {}
    for model, _alias, name in _FACILITY_MODELS:
        end = start + len(model._meta.concrete_fields)
        values = row[start:end]
        parts[name] = instance(model, values) if values[0] is not None else None
        start = end
    facility = parts.pop("")
    if facility is not None:
        for name, related in parts.items():
            setattr(facility, name, related)  # also cached: reading it makes no query
    return Loaded(round_, facility if isinstance(facility, Facility) else None, str(row[0]))


@functools.cache
def _issues_sql() -> str:
    table, submission = Issue._meta.db_table, Issue._meta.get_field("submission").column
    status = Issue._meta.get_field("status").column
    marks = ", ".join(["%s"] * len(UNRESOLVED))
    return (
        f"SELECT {_columns(Issue, 'i')} FROM {table} i WHERE i.{submission} = %s "  # noqa: S608
        f"AND i.{status} IN ({marks}) ORDER BY i.{Issue._meta.pk.column}"
    )


def unresolved_issues(submission_id: int) -> list[Issue]:
    """The record's open and accepted issues, as `Issue.objects.filter(submission=…, status__in=UNRESOLVED)`."""
    with connection.cursor() as cursor:
        cursor.execute(_issues_sql(), [submission_id, *(status.value for status in UNRESOLVED)])
        return [instance(Issue, row) for row in cursor.fetchall()]


@functools.cache
def _previous_sql() -> str:
    submission, round_, version = Submission._meta, Round._meta, SubmissionVersion._meta
    form = QuestionnaireVersion._meta
    return (
        f"SELECT r.code, v.answers, v.questionnaire_version_id, q.md5 FROM {submission.db_table} s "  # noqa: S608
        f"JOIN {round_.db_table} r ON r.id = s.round_id JOIN {version.db_table} v ON v.id = s.current_version_id "
        f"JOIN {form.db_table} q ON q.id = v.questionnaire_version_id "
        "WHERE s.facility_id = %s AND r.period_start < %s "
        "ORDER BY r.period_start DESC, v.received_at DESC, s.id DESC LIMIT 1"
    )


def previous_record_row(facility_id: int, before: datetime.date) -> tuple[str, dict[str, Any], int, str] | None:
    """The facility's record in the latest round whose period started before `before`: (round code, answers of its
    current version, that version's questionnaire version id and md5), or None."""
    with connection.cursor() as cursor:
        cursor.execute(_previous_sql(), [facility_id, connection.ops.adapt_datefield_value(before)])
        row = cursor.fetchone()
    if row is None:
        return None
    code, answers, version_id, md5 = row
    fields = _converters(SubmissionVersion, connection.vendor)
    _name, converters, column = next(item for item in fields if item[0] == "answers")
    answers = _converted(answers, converters, column)
    return str(code), answers or {}, int(version_id), str(md5)
