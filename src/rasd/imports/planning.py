"""Checking an export against a round before anything is written: every row becomes the instance XML a phone
would have sent, or errors that say what is wrong with it.

Errors (any of them keeps a real import from writing anything): no instanceID, the same instanceID twice, a value
that cannot be read for its type, a choice that is neither a code, a label nor mapped, a facility outside the
importer's scope, a repeat entry whose submission is missing. Warnings (imported anyway; review checks them
later): columns the questionnaire does not have, the form's own rules broken, facility codes not in the master
list (the pipeline quarantines those records). Rows whose instanceID is already stored are skipped: that makes
an import idempotent.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasd.accounts.scoping import scoped
from rasd.collection.models import Round
from rasd.imports.columns import Columns, Mapping, Target
from rasd.imports.records import ExportFile, Record, Row, moment
from rasd.imports.values import BadValue, answer, geopoint_from_parts
from rasd.questionnaires.models import FieldKind, QuestionnaireField, QuestionnaireVersion, VersionState
from rasd.registry.models import AliasKind, Facility, FacilityAlias
from rasd.submissions.instances import build_instance
from rasd.submissions.models import RawSubmission

if TYPE_CHECKING:
    from rasd.accounts.models import User

Progress = Callable[[str, int, int], None]  # (stage, done, total)

RULE_MESSAGES = {
    "required": gettext_lazy("An answer is required but the row has none."),
    "constraint": gettext_lazy("The answer breaks the form's constraint: %(expression)s"),
    "choice": gettext_lazy("The answer is not one of the field's choices."),
    "not_relevant": gettext_lazy("The field is answered although the form would not ask it."),
}


class CannotImport(ValueError):
    """The file as a whole cannot be imported into this round; the message is for the user."""


@dataclass(frozen=True)
class Problem:
    row: int  # the spreadsheet row (0: the whole file)
    instance_id: str
    field: str
    message: str

    def as_json(self) -> dict[str, Any]:
        return {"row": self.row, "instance_id": self.instance_id, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class PlannedRow:
    row: int
    instance_id: str
    xml: bytes
    submitted_at: datetime.datetime | None


@dataclass
class ImportPlan:
    round: Round
    version: QuestionnaireVersion
    source: str
    rows_read: int = 0
    to_import: list[PlannedRow] = field(default_factory=list)
    skipped: list[str] = field(default_factory=list)  # instanceIDs already stored
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)


def choose_version(round_: Round, named: set[str], wanted: str = "") -> tuple[QuestionnaireVersion, str]:
    """The version rows are read against: `wanted` (an option), else the one the file names when the round accepts
    it, else the round's newest. Returns it with a warning ("" when none)."""
    accepted = list(
        round_.versions.filter(state__in=[VersionState.PUBLISHED, VersionState.RETIRED])
        .select_related("questionnaire")
        .order_by("pk")
    )
    if not accepted:
        raise CannotImport(_("The round accepts no published questionnaire version."))
    by_name = {version.version: version for version in accepted}
    if wanted:
        if wanted not in by_name:
            raise CannotImport(
                _("The round does not accept the form version “%(version)s”; it accepts: %(accepted)s.")
                % {"version": wanted, "accepted": ", ".join(by_name)}
            )
        return by_name[wanted], ""
    known = [version for version in accepted if version.version in named]
    if known:
        return known[-1], ""  # the newest of those the file names
    newest = accepted[-1]
    if not named:
        return newest, ""
    warning = _("The file names the form version %(named)s, which the round does not accept; read as %(used)s.") % {
        "named": ", ".join(sorted(named)),
        "used": newest.version,
    }
    return newest, warning


def plan_import(
    export: ExportFile,
    round_: Round,
    user: User,
    mapping: Mapping,
    *,
    form_version: str = "",
    progress: Progress | None = None,
) -> ImportPlan:
    named = {record.form_version for record in export.records if record.form_version}
    version, version_warning = choose_version(round_, named, form_version)
    fields = list(QuestionnaireField.objects.filter(version=version).order_by("position"))
    columns = Columns(fields, export.separator, mapping)
    unknown = columns.check_mapping()
    if unknown:
        raise CannotImport(
            _("The mapping file names fields the questionnaire does not have: %(fields)s.")
            % {"fields": ", ".join(unknown)}
        )
    plan = ImportPlan(round=round_, version=version, source=export.source, rows_read=len(export.records))
    if version_warning:
        plan.warnings.append(Problem(0, "", "", version_warning))
    planner = _Planner(plan, columns, user, export)
    planner.check_columns()
    planner.check_orphans()
    planner.plan_rows(progress)
    return plan


class _Planner:
    def __init__(self, plan: ImportPlan, columns: Columns, user: User, export: ExportFile) -> None:
        self.plan = plan
        self.columns = columns
        self.user = user
        self.export = export
        self.facility_field = next((item for item in columns.fields if item.role == "facility_code"), None)
        self.repeat_of_table: dict[str, QuestionnaireField | None] = {}
        self.in_scope: set[int] = set()

    def error(self, row: int, instance_id: str, field_name: str, message: str) -> None:
        self.plan.errors.append(Problem(row, instance_id, field_name, message))

    def warn(self, row: int, instance_id: str, field_name: str, message: str) -> None:
        self.plan.warnings.append(Problem(row, instance_id, field_name, message))

    # -- the file as a whole -------------------------------------------------------------------------------------

    def check_columns(self) -> None:
        """One warning per column the questionnaire does not have, and per sheet or file no repeat group takes."""
        for table, headers in self.export.headers.items():
            container = ""
            if table:
                repeat = self.repeat(table)
                if repeat is None:
                    self.warn(0, "", table, _("No repeat group of the questionnaire is called so: not imported."))
                    continue
                container = repeat.path
            for header in headers:
                if self.columns.match(header, container) is None:
                    message = _("The questionnaire has no such field: this column is not imported.")
                    self.warn(0, "", f"{table}: {header}" if table else header, message)

    def repeat(self, table: str) -> QuestionnaireField | None:
        if table not in self.repeat_of_table:
            self.repeat_of_table[table] = self.columns.repeat_for(table)
        return self.repeat_of_table[table]

    def check_orphans(self) -> None:
        for row in self.export.orphans:
            message = _("This entry names a parent (%(key)s) that is not in the file.") % {"key": row.parent_key or "—"}
            self.error(row.number, "", row.table, message)

    # -- rows ----------------------------------------------------------------------------------------------------

    def plan_rows(self, progress: Progress | None) -> None:
        records = self.export.records
        stored = self._stored_ids({record.instance_id for record in records if record.instance_id})
        seen: dict[str, int] = {}
        read: list[tuple[Record, dict[str, Any], tuple[datetime.datetime | None, datetime.datetime | None]]] = []
        for record in records:
            instance_id = record.instance_id
            if not instance_id:
                self.error(record.row.number, "", "instanceID", _("The row has no instanceID (nor _uuid / KEY)."))
                continue
            if instance_id in seen:
                message = _("The same instanceID is already on row %(row)s.") % {"row": seen[instance_id]}
                self.error(record.row.number, instance_id, "instanceID", message)
                continue
            seen[instance_id] = record.row.number
            if instance_id in stored:
                self.plan.skipped.append(instance_id)
                continue
            errors_before = len(self.plan.errors)
            times: dict[str, datetime.datetime | None] = {}
            answers = self._answers(record.row, "", instance_id, times)
            if len(self.plan.errors) == errors_before:
                read.append((record, answers, (times.get("start"), times.get("end"))))
        facilities = self._facilities(read)
        for done, (record, answers, (started, ended)) in enumerate(read, start=1):
            self._build(record, answers, facilities, started, ended)
            if progress is not None:
                progress("checking", done, len(read))

    @staticmethod
    def _stored_ids(ids: set[str]) -> set[str]:
        found: set[str] = set()
        ordered = sorted(ids)
        for start in range(0, len(ordered), 500):
            chunk = ordered[start : start + 500]
            found |= set(RawSubmission.objects.filter(instance_id__in=chunk).values_list("instance_id", flat=True))
        return found

    def _answers(
        self, row: Row, container: str, instance_id: str, times: dict[str, datetime.datetime | None]
    ) -> dict[str, Any]:
        """The answers of one row (and, nested, its repeat entries) keyed by field path."""
        answers: dict[str, Any] = {}
        parts: dict[QuestionnaireField, dict[str, str]] = {}
        for header, text in row.values.items():
            target = self.columns.match(header, container)
            if not isinstance(target, Target):
                continue
            item = target.field
            if target.part:
                parts.setdefault(item, {})[target.part] = text.strip()
                continue
            if item.kind == FieldKind.META:
                if item.type in ("start", "end") and text.strip():
                    times[item.type] = moment(text)
                continue
            if item.kind != FieldKind.QUESTION or not text.strip():
                continue  # calculations are computed again from the answers; empty cells are no answer
            self._read(row, instance_id, item, text, answers)
        for item, pieces in parts.items():
            text = geopoint_from_parts(pieces)
            if text and item.path not in answers:
                self._read(row, instance_id, item, text, answers)
        for table, entries in row.repeats.items():
            repeat = self.repeat(table)
            if repeat is not None:
                answers[repeat.path] = [self._answers(entry, repeat.path, instance_id, times) for entry in entries]
        return answers

    def _read(self, row: Row, instance_id: str, item: QuestionnaireField, text: str, answers: dict[str, Any]) -> None:
        try:
            answers[item.path] = answer(item, text, self.columns)
        except BadValue as error:
            where = f"{row.table} ({row.number}): {item.name}" if row.table else item.name
            self.error(row.number, instance_id, where, str(error))

    def _facilities(self, read: list[tuple[Record, dict[str, Any], Any]]) -> dict[str, Facility]:
        """The facilities the rows name (by code, or a former code kept as another name)."""
        if self.facility_field is None:
            return {}
        path = self.facility_field.path
        codes = {str(answers.get(path, "")).strip() for _record, answers, _times in read} - {""}
        found = {facility.code: facility for facility in Facility.objects.filter(code__in=codes)}
        aliases = FacilityAlias.objects.filter(kind=AliasKind.CODE, value__in=codes - set(found))
        for alias in aliases.select_related("facility"):
            found.setdefault(alias.value, alias.facility)
        ids = [facility.pk for facility in found.values()]
        self.in_scope = set(scoped(self.user, Facility.objects.filter(pk__in=ids)).values_list("pk", flat=True))
        return found

    def _build(
        self,
        record: Record,
        answers: dict[str, Any],
        facilities: dict[str, Facility],
        started: datetime.datetime | None,
        ended: datetime.datetime | None,
    ) -> None:
        number, instance_id = record.row.number, record.instance_id
        facility = None
        if self.facility_field is not None:
            code = str(answers.get(self.facility_field.path, "")).strip()
            facility = facilities.get(code)
            name = self.facility_field.name
            if code and facility is None:
                message = _("The facility code %(code)s is not in the master list: the record will be quarantined.")
                self.warn(number, instance_id, name, message % {"code": code})
            elif facility is not None and facility.pk not in self.in_scope:
                message = _("The facility %(code)s is outside your part of the country.") % {"code": code}
                self.error(number, instance_id, name, message)
                return
        built = build_instance(
            self.plan.version,
            answers,
            facility=facility,
            instance_id=instance_id,
            started_at=started,
            ended_at=ended,
            today=_day_of(record.submitted_at or ended or started),
        )
        for problem in built.problems:
            template = str(RULE_MESSAGES.get(problem.rule, problem.rule))
            self.warn(number, instance_id, problem.path, template % {"expression": problem.expression})
        self.plan.to_import.append(PlannedRow(number, instance_id, built.xml, record.submitted_at))


def _day_of(moment_: datetime.datetime | None) -> datetime.date | None:
    """The day the form was filled, for its `today()` rules (a 2025 date is not "in the future" in 2025)."""
    return moment_.date() if moment_ is not None else None
