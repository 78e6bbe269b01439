"""The data-quality dashboard of a round, in the user's scope (optionally one directorate): completeness (from
`rasd.collection.progress`), timeliness, issues per 100 records by rule and severity, outliers among peers, and the
records waiting in each review queue (`rasd.review.queues`), per directorate.

A handful of aggregate queries whatever the size of the round, each limited through `scoped()`. `user=None` is the
system (national scope). See docs/data-quality.md, "Dashboard and export of open issues", for each formula.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from django.db import models
from django.db.models import Count, Q, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.collection.models import Round
from rasd.collection.progress import Counts, round_progress
from rasd.quality.models import Issue, IssueStatus, Severity, ValidationRule
from rasd.quality.rules import rule, rules
from rasd.quality.rules.base import field_matches
from rasd.quality.rules.measures import MEASURES
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Directorate
from rasd.registry.quality.base import SEVERITY_ORDER
from rasd.review import queues
from rasd.submissions.answers import Catalogue, answer_language, label_in
from rasd.submissions.models import COUNTED_STATES, Submission, SubmissionState

M = TypeVar("M", bound=models.Model)

COMPLETENESS_TARGET = 90  # percent of the expected facilities with a counted record
OUTLIER_RULES = ("who_dq.outlier_moderate", "who_dq.outlier_extreme")
# The review queues in the order a record moves through them, each with its states in the list's order.
QUEUES = (
    ("placement", queues.WAITING_FOR_PLACEMENT),
    ("directorate", queues.WAITING_FOR_DIRECTORATE),
    ("national", queues.WAITING_FOR_NATIONAL),
    ("collector", queues.WAITING_FOR_COLLECTOR),
)
QUEUE_LABELS: dict[str, Promise] = {
    "placement": _("Waiting for placement (quarantine)"),
    "directorate": _("Waiting for the directorate"),
    "national": _("Waiting for national approval"),
    "collector": _("Returned to the collectors"),
}
_STATE_ORDER = {state: position for position, state in enumerate(SubmissionState)}


def queue_states(states: Iterable[str]) -> list[SubmissionState]:
    return sorted((SubmissionState(state) for state in states), key=_STATE_ORDER.__getitem__)


def percent(part: int, whole: int) -> int:
    """A whole percentage (0 when the whole is 0)."""
    return round(100 * part / whole) if whole else 0


@dataclass
class Timeliness:
    """Counted records (placed, not rejected) and how many were first received on or before the deadline."""

    records: int = 0
    on_time: int = 0

    @property
    def late(self) -> int:
        return self.records - self.on_time

    @property
    def percent(self) -> int:
        return percent(self.on_time, self.records)

    def add(self, other: Timeliness) -> None:
        self.records += other.records
        self.on_time += other.on_time


@dataclass(frozen=True)
class Queue:
    """Who records wait for (`name`, a key of QUEUES) and how many, state by state."""

    name: str
    states: list[tuple[SubmissionState, int]]

    @property
    def total(self) -> int:
        return sum(n for _state, n in self.states)

    @property
    def label(self) -> str:
        return str(QUEUE_LABELS[self.name])


def queues_of(states: Counter[str]) -> list[Queue]:
    return [Queue(name, [(state, states[state]) for state in queue_states(members)]) for name, members in QUEUES]


@dataclass(frozen=True)
class Collector:
    """A collector with returned records waiting for them: a name only when the reader may see the account;
    `recorded` is False for records that name no sender."""

    username: str
    full_name: str
    returned: int
    recorded: bool = True


@dataclass
class DirectorateRow:
    pk: int
    code: str
    name: str
    completeness: Counts = field(default_factory=Counts)
    timeliness: Timeliness = field(default_factory=Timeliness)
    states: Counter[str] = field(default_factory=Counter)  # records per state
    open_issues: int = 0
    collectors: list[Collector] = field(default_factory=list)

    @property
    def below_target(self) -> bool:
        return self.completeness.expected > 0 and self.completeness.completeness < COMPLETENESS_TARGET

    @property
    def records(self) -> int:
        return sum(self.states.values())

    @property
    def issues_per_100(self) -> float:
        return per_100(self.open_issues, self.records)

    @property
    def queues(self) -> list[Queue]:
        return queues_of(self.states)


@dataclass
class RuleRate:
    code: str
    title: str
    severity: str
    open: int = 0
    accepted: int = 0
    resolved: int = 0
    per_100: float = 0.0

    @property
    def severity_label(self) -> str:
        return str(Severity(self.severity).label)


@dataclass
class OutlierRow:
    field: str
    label: str  # the measure (beds, staff…) when the field is a measure's, else the question's label
    moderate: int = 0
    extreme: int = 0

    @property
    def total(self) -> int:
        return self.moderate + self.extreme


@dataclass
class Dashboard:
    round: Round
    directorate: Directorate | None
    today: datetime.date
    completeness: Counts
    timeliness: Timeliness
    states: Counter[str]
    rules: list[RuleRate]
    severities: list[RuleRate]  # one per severity (code = the severity), in the order high, medium, low
    outliers: list[OutlierRow]
    rows: list[DirectorateRow]
    target: int = COMPLETENESS_TARGET

    @property
    def records(self) -> int:
        """Every record of the round in the dashboard's scope, whatever its state: the base of 'per 100'."""
        return sum(self.states.values())

    @property
    def open_issues(self) -> int:
        return sum(rate.open for rate in self.severities)

    @property
    def issues_per_100(self) -> float:
        return per_100(self.open_issues, self.records)

    @property
    def below_target(self) -> bool:
        return self.completeness.expected > 0 and self.completeness.completeness < COMPLETENESS_TARGET

    @property
    def queues(self) -> list[Queue]:
        return queues_of(self.states)


def per_100(count: int, records: int) -> float:
    return round(100 * count / records, 1) if records else 0.0


def _in_scope(user: User | None, queryset: QuerySet[M]) -> QuerySet[M]:
    return queryset if user is None else scoped(user, queryset)


def records_in_scope(user: User | None, round_: Round, directorate: Directorate | None = None) -> QuerySet[Submission]:
    """The round's records in the user's scope, optionally one directorate's (already checked to be in scope).
    Issues are placed by their record, so they are read as `Issue.objects.filter(submission__in=records)`: the same
    rows as `scoped()` on the issues, but a plan SQLite runs a hundred times faster for a directorate's user."""
    records = _in_scope(user, Submission.objects.filter(round=round_))
    return records if directorate is None else records.filter(directorate=directorate)


def on_time_before(deadline: datetime.date) -> datetime.datetime:
    """The first instant after the deadline day, in the project's time zone: a record first received before it is
    on time (as `collection.late` decides)."""
    next_day = datetime.datetime.combine(deadline + datetime.timedelta(days=1), datetime.time.min)
    return timezone.make_aware(next_day, timezone.get_default_timezone())


def round_dashboard(
    user: User | None,
    round_: Round,
    *,
    directorate: Directorate | None = None,
    today: datetime.date | None = None,
) -> Dashboard:
    """The numbers of the round in the user's scope; `directorate` (already checked to be in scope) narrows them."""
    language = answer_language()
    progress = round_progress(user, round_, today=today)
    records = records_in_scope(user, round_, directorate)
    issues = Issue.objects.filter(submission__in=records)

    rows: dict[int, DirectorateRow] = {}
    directorates = _in_scope(user, Directorate.objects.all())
    by_code = {unit.code: unit for unit in progress.directorates}
    wanted = directorates.filter(Q(code__in=list(by_code)) | Q(pk__in=records.values("directorate_id")))
    for found in wanted.order_by("code"):
        if directorate is None or found.pk == directorate.pk:
            unit = by_code.get(found.code)
            rows[found.pk] = DirectorateRow(found.pk, found.code, found.name, unit.counts if unit else Counts())

    states, timeliness = _count_records(records, rows, round_.deadline)
    _returned_to_collectors(user, records, rows)
    rule_rates, severities = _count_issues(issues, rows, sum(states.values()), language)
    completeness = progress.totals
    if directorate is not None:
        completeness = rows[directorate.pk].completeness if directorate.pk in rows else Counts()
    return Dashboard(
        round=round_,
        directorate=directorate,
        today=progress.today,
        completeness=completeness,
        timeliness=timeliness,
        states=states,
        rules=rule_rates,
        severities=severities,
        outliers=_outliers(issues, round_, language),
        rows=list(rows.values()),
    )


def _count_records(
    records: QuerySet[Submission], rows: dict[int, DirectorateRow], deadline: datetime.date
) -> tuple[Counter[str], Timeliness]:
    """Records per state, and the timeliness of the counted ones, in total and per directorate (one query)."""
    states: Counter[str] = Counter()
    totals = Timeliness()
    cutoff = on_time_before(deadline)
    placed = (
        records.values("directorate_id", "state")
        .annotate(n=Count("pk"), on_time=Count("pk", filter=Q(created_at__lt=cutoff)))
        .order_by()
    )
    for row in placed:
        states[row["state"]] += row["n"]
        timeliness = Timeliness(row["n"], row["on_time"]) if row["state"] in COUNTED_STATES else Timeliness()
        totals.add(timeliness)
        target = rows.get(row["directorate_id"])
        if target is not None:
            target.states[row["state"]] += row["n"]
            target.timeliness.add(timeliness)
    return states, totals


def _count_issues(
    issues: QuerySet[Issue], rows: dict[int, DirectorateRow], records: int, language: str
) -> tuple[list[RuleRate], list[RuleRate]]:
    """Issues per rule and per severity by status, and the open ones per directorate (one query, plus the names of
    the administrators' rules)."""
    by_rule: dict[tuple[str, str], RuleRate] = {}
    by_severity = {str(severity): RuleRate(str(severity), str(severity.label), str(severity)) for severity in Severity}
    grouped = issues.values("submission__directorate_id", "rule", "severity", "status").annotate(n=Count("pk"))
    for row in grouped.order_by():
        rate = by_rule.setdefault((row["rule"], row["severity"]), RuleRate(row["rule"], "", row["severity"]))
        _count(rate, row["status"], row["n"])
        if row["severity"] in by_severity:
            _count(by_severity[row["severity"]], row["status"], row["n"])
        if row["status"] == IssueStatus.OPEN and row["submission__directorate_id"] in rows:
            rows[row["submission__directorate_id"]].open_issues += row["n"]
    titles = rule_titles({code for code, _severity in by_rule}, language)
    for rate in by_rule.values():
        rate.title = titles[rate.code]
    for rate in (*by_rule.values(), *by_severity.values()):
        rate.per_100 = per_100(rate.open, records)
    rule_rates = sorted(
        by_rule.values(), key=lambda rate: (-rate.open, SEVERITY_ORDER.get(Severity(rate.severity), 3), rate.code)
    )
    return rule_rates, [by_severity[str(severity)] for severity in sorted(Severity, key=SEVERITY_ORDER.__getitem__)]


def _count(rate: RuleRate, status: str, n: int) -> None:
    if status == IssueStatus.OPEN:
        rate.open += n
    elif status == IssueStatus.ACCEPTED:
        rate.accepted += n
    else:
        rate.resolved += n


def _returned_to_collectors(user: User | None, records: QuerySet[Submission], rows: dict[int, DirectorateRow]) -> None:
    """The collectors that returned records wait for, per directorate. An account outside the reader's view has
    no name here, as on the submission list."""
    returned = (
        records.filter(state=SubmissionState.RETURNED)
        .values("directorate_id", "submitted_by_id")
        .annotate(n=Count("pk"))
        .order_by()
    )
    found = list(returned)
    ids = {row["submitted_by_id"] for row in found if row["submitted_by_id"] is not None}
    accounts = _in_scope(user, User.objects.filter(pk__in=ids)).only("username", "full_name")
    visible = {account.pk: account for account in accounts}
    for row in found:
        target = rows.get(row["directorate_id"])
        if target is None:
            continue
        account = visible.get(row["submitted_by_id"])
        name = (account.username, account.full_name) if account is not None else ("", "")
        target.collectors.append(Collector(name[0], name[1], row["n"], recorded=row["submitted_by_id"] is not None))
    for target in rows.values():
        target.collectors.sort(key=lambda collector: (-collector.returned, collector.username))


def rule_titles(codes: Iterable[str], language: str) -> dict[str, str]:
    """The title of each rule code in `language` (the active one for the catalogue's): a cross-field rule defined in
    the database by its name, one registered in code by its title, a rule since removed by its code."""
    registered = {item.code for item in rules()}
    titles: dict[str, str] = {}
    defined: list[str] = []
    for code in codes:
        if code in registered or "." not in code:
            item = rule(code)
            titles[code] = str(item.title) if item is not None else code
        else:
            defined.append(code)
    if defined:
        stored = ValidationRule.objects.filter(code__in=[code.split(".", 1)[1] for code in defined])
        names = {item.issue_code: label_in(item.names, language) for item in stored}
        for code in defined:
            item = rule(code)
            titles[code] = names.get(code) or (str(item.title) if item is not None else code)
    return titles


def catalogue_of(version_ids: Iterable[int]) -> Catalogue:
    """The fields of these questionnaire versions, the newest first (its labels win)."""
    versions = QuestionnaireVersion.objects.filter(pk__in=set(version_ids)).order_by("-pk")
    return Catalogue.of(*versions)


def _outliers(issues: QuerySet[Issue], round_: Round, language: str) -> list[OutlierRow]:
    """Open outlier issues per count (beds, staff…): each measure's issues are on its first field."""
    grouped = list(
        issues.filter(status=IssueStatus.OPEN, rule__in=OUTLIER_RULES)
        .values("field", "rule")
        .annotate(n=Count("pk"))
        .order_by()
    )
    if not grouped:
        return []
    catalogue = catalogue_of(round_.versions.values_list("pk", flat=True))
    rows: dict[str, OutlierRow] = {}  # by label: a measure's first field may differ between questionnaire versions
    for item in grouped:
        label = _measure_label(catalogue, item["field"], language)
        row = rows.get(label)
        if row is None:
            row = rows[label] = OutlierRow(item["field"], label)
        if item["rule"] == "who_dq.outlier_extreme":
            row.extreme += item["n"]
        else:
            row.moderate += item["n"]
    return sorted(rows.values(), key=lambda row: (-row.total, row.label))


def _measure_label(catalogue: Catalogue, path: str, language: str) -> str:
    found = catalogue.get(path)
    role = found.role if found is not None else ""
    for measure in MEASURES:
        if role and field_matches("role", measure.role, path, role):
            return str(measure.label)
    return catalogue.label(path, language) if path else ""
