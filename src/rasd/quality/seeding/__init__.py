"""The seeded-error benchmark: how many planted errors the data-quality engine finds, and how many findings are
right.

`run(round, admin, per_class=K)` takes a collecting round with no submissions yet (`rasd load_demo`'s), simulates
a clean submission for every expected facility and sends them through `ingest()`, runs `validate_round` (what it
finds then is the **baseline**: the simulator's and the demo list's own problems, reported apart), then plants K
errors of each class of `errors.ERROR_CLASSES` — each a new submission built with `build_instance` and sent
through `ingest()`, on a facility without baseline findings — and runs `validate_round` again, as an operator
would. A planted error is found when each rule its seed expects has an open issue on the record; every other open
issue that is not in the baseline is a false positive. Used by `bench/dq_seeded.py` (the figures of
docs/data-quality.md) and by the tests; never in production (it creates records).
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime
import random
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from lxml import etree

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.collection import services as collection
from rasd.collection.models import Assignment, Round, RoundState
from rasd.lib.request_context import acting_as
from rasd.quality.models import Issue, IssueStatus
from rasd.quality.rules import form_info
from rasd.quality.rules.master_list import gps_far_km
from rasd.quality.rules.outliers import Spread
from rasd.quality.seeding.errors import ERROR_CLASSES, Candidate, ErrorClass, Form, Pool, Seed, late_moment
from rasd.quality.services import validate_round
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.duplicates import Record, distance_km
from rasd.registry.models import Facility, OperationalStatus, Sector
from rasd.submissions.ingest import IncomingSubmission, ingest
from rasd.submissions.instances import build_instance
from rasd.submissions.models import Source
from rasd.submissions.normalise import Normalised, normalise, plan_for
from rasd.submissions.parsing import parse_instance
from rasd.submissions.simulator import facility_info, filler_for, generate, newest_version, reporting_date

__all__ = ["ERROR_CLASSES", "ClassResult", "Report", "run"]

CONTROL_SHARE = 0.05  # facilities given an unchanged record in the previous round, besides the planted ones
NOT_EXPECTED = (OperationalStatus.PLANNED, OperationalStatus.TEMPORARILY_CLOSED, OperationalStatus.PERMANENTLY_CLOSED)
REASON = "seeded-error benchmark"

Pair = tuple[str, int]  # (rule code, record id)


@dataclass
class ClassResult:
    code: str
    title: str
    rules: tuple[str, ...]
    injected: int = 0
    expected: int = 0  # (rule, record) pairs the seeds expect
    found: int = 0  # true positives
    false_positives: int = 0

    @property
    def missed(self) -> int:
        return self.expected - self.found

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        return self.found / (self.found + self.false_positives) if self.found + self.false_positives else 1.0


@dataclass
class Report:
    records: int  # clean records of the round
    classes: list[ClassResult]
    baseline: dict[str, int]  # open issues per rule on the clean round
    false_positives: list[tuple[str, str, str]]  # (rule, facility code, what the record carried)
    timings: dict[str, float] = field(default_factory=dict)

    @property
    def found(self) -> int:
        return sum(item.found for item in self.classes)

    @property
    def expected(self) -> int:
        return sum(item.expected for item in self.classes)

    @property
    def recall(self) -> float:
        return self.found / self.expected if self.expected else 1.0

    @property
    def precision(self) -> float:
        total = self.found + len(self.false_positives)
        return self.found / total if total else 1.0

    def as_json(self) -> dict[str, Any]:
        return {
            "records": self.records,
            "overall": {
                "expected": self.expected,
                "found": self.found,
                "false_positives": len(self.false_positives),
                "recall": round(self.recall, 4),
                "precision": round(self.precision, 4),
            },
            "classes": [
                {
                    **{key: value for key, value in dataclasses.asdict(item).items() if key != "rules"},
                    "rules": list(item.rules),
                    "missed": item.missed,
                    "recall": round(item.recall, 4),
                    "precision": round(item.precision, 4),
                }
                for item in self.classes
            ],
            "baseline": self.baseline,
            "false_positive_findings": [list(row) for row in self.false_positives],
            "timings": self.timings,
        }


@dataclass
class _Clean:
    """A facility's clean submission, as simulated."""

    facility: Facility
    collector: User | None
    xml: bytes
    normalised: Normalised
    record_id: int = 0
    instance_id: str = ""


@dataclass
class _Planted:
    error: ErrorClass
    clean: _Clean
    seed: Seed
    xml: bytes = b""
    record_id: int = 0


@dataclass
class _Run:
    round: Round
    admin: User
    version: QuestionnaireVersion
    form: Form
    today: datetime.date
    rng: random.Random
    per_class: int
    log: Callable[[str], None]
    planted: list[_Planted] = field(default_factory=list)
    used: set[int] = field(default_factory=set)  # facilities carrying a planted error


def run(
    round_: Round,
    admin: User,
    *,
    per_class: int,
    seed: int = 1,
    today: datetime.date | None = None,
    log: Callable[[str], None] | None = None,
) -> Report:
    """Plant `per_class` errors of each class in a clean simulated round and score what the engine finds."""
    if round_.state != RoundState.COLLECTING or round_.submissions.exists():
        raise ValueError(f"round {round_.code} must be collecting and have no submissions yet")
    version = newest_version(round_)
    state = _Run(
        round_,
        admin,
        version,
        Form(form_info(version.pk, version.md5)),
        today or timezone.localdate(),
        random.Random(seed),  # noqa: S311 (benchmark data, not secrets)
        per_class,
        log or (lambda _line: None),
    )
    timings: dict[str, float] = {}
    with _timed(timings, "generate"):
        cleans = [
            _Clean(item.facility, item.collector, item.xml, _normalised(version, parse_instance(item.xml).root))
            for item in generate(round_, seed=seed, collector=admin, today=state.today)
        ]
    timings["generate_records"] = len(cleans)
    state.rng.shuffle(cleans)
    state.form = dataclasses.replace(state.form, donors=_donors(cleans))
    peers = _peers(state.form, cleans)
    reserved = _plant(state, [c for c in ERROR_CLASSES if c.pool == Pool.RESERVED], cleans, peers)

    sent = [clean for clean in cleans if clean.facility.pk not in state.used]
    state.log(f"ingesting {len(sent)} clean submissions")
    with _timed(timings, "ingest"):
        for clean in sent:
            result = ingest(IncomingSubmission(clean.xml, Source.SIMULATOR, clean.collector or admin))
            assert result.submission is not None
            clean.record_id, clean.instance_id = result.submission.pk, result.raw.instance_id
    timings["ingest_records"] = len(sent)

    state.log("validate_round on the clean round (baseline)")
    with _timed(timings, "validate_clean"):
        outcome = validate_round(round_)
    timings["validate_clean_records"] = outcome.records
    baseline = _open_pairs(round_)
    flagged = {record for _rule, record in baseline}
    usable = [clean for clean in sent if clean.record_id not in flagged]
    _plant(state, [c for c in ERROR_CLASSES if c.pool in (Pool.EDIT, Pool.EXTRA)], usable, peers)
    _plant(state, [c for c in ERROR_CLASSES if c.pool == Pool.CLOSED], _closed_facilities(state), peers)
    state.log(f"{len(state.planted)} errors planted ({reserved} on facilities kept out of the clean round)")

    controls = [clean for clean in usable if clean.facility.pk not in state.used]
    controls = state.rng.sample(controls, min(len(controls), max(2 * per_class, int(len(cleans) * CONTROL_SHARE))))
    with _timed(timings, "previous_round"):
        _previous_round(state, controls)
    with _timed(timings, "inject"):
        for planted in state.planted:
            _send(state, planted)
    timings["inject_records"] = len(state.planted)

    state.log("validate_round after the errors were planted")
    with _timed(timings, "validate"):
        outcome = validate_round(round_)
    timings["validate_records"] = outcome.records
    report = _score(state, baseline, _open_pairs(round_))
    report.records, report.timings = len(sent), {key: round(value, 2) for key, value in timings.items()}
    return report


@contextlib.contextmanager
def _timed(timings: dict[str, float], step: str) -> Iterator[None]:
    """Wall-clock seconds of the step (`<step>_s`) and this process's CPU seconds (`<step>_cpu_s`; a PostgreSQL
    server's work is not in it)."""
    started, started_cpu = time.perf_counter(), time.process_time()
    yield
    timings[f"{step}_s"] = time.perf_counter() - started
    timings[f"{step}_cpu_s"] = time.process_time() - started_cpu


# --- choosing where the errors go ------------------------------------------------------------------------------


def _normalised(version: QuestionnaireVersion, root: etree._Element) -> Normalised:
    return normalise(root, plan_for(version.pk, version.md5))


def _donors(cleans: Iterable[_Clean]) -> dict[str, Any]:
    """An answer seen for each question in the clean round (a valid cause of damage, say), for seeds that need
    one where the facility's own submission has none."""
    donors: dict[str, Any] = {}
    for clean in cleans:
        for path, value in clean.normalised.answers.items():
            donors.setdefault(path, value)
    return donors


def _peers(form: Form, cleans: Iterable[_Clean]) -> dict[int, tuple[int, Spread]]:
    """Per facility type: how many records, and the spread of their staff head counts."""
    staff: dict[int, list[float]] = {}
    for clean in cleans:
        staff.setdefault(clean.facility.facility_type_id, []).append(form.total(clean.normalised.answers, "staff:*:*"))
    return {type_id: (len(counts), Spread.of(counts)) for type_id, counts in staff.items()}


def _plant(
    state: _Run, classes: Iterable[ErrorClass], cleans: list[_Clean], peers: Mapping[int, tuple[int, Spread]]
) -> int:
    """Choose `per_class` facilities for each class among `cleans` (in their shuffled order, one error a
    facility), and build each seeded submission; a seed whose instance breaks other form rules than it means to
    is passed over."""
    planted = 0
    for error in classes:
        chosen = 0
        for clean in cleans:
            if chosen == state.per_class:
                break
            if clean.facility.pk in state.used or _far_from_registered(clean):
                continue
            count, spread = peers.get(clean.facility.facility_type_id, (0, None))
            candidate = Candidate(clean.facility, clean.normalised.answers, count, spread)
            seed = error.make(candidate, state.form)
            if seed is None or (seed.other_collector and _other_collector(state, clean) is None):
                continue
            item = _Planted(error, clean, seed)
            if not _build(state, item):
                continue
            state.planted.append(item)
            state.used.add(clean.facility.pk)
            chosen += 1
        planted += chosen
    return planted


def _far_from_registered(clean: _Clean) -> bool:
    """The clean submission's GPS reading is already farther from the registered location than `registry.gps_far`
    allows: the demo list places a few facilities outside the country on purpose ((0, 0), latitude and longitude
    swapped), and the simulator keeps readings south of 37.3° N. Such a record shows `registry.gps_far` without
    any planted error: in the clean round it is baseline; a facility kept out of it is not chosen."""
    facility, gps = clean.facility, clean.normalised.gps
    if facility.latitude is None or facility.longitude is None or not gps:
        return False
    distance = distance_km(_point(facility.latitude, facility.longitude), _point(gps[0], gps[1]))
    return distance is not None and distance > gps_far_km()


def _point(latitude: float, longitude: float) -> Record:
    """A bare point for the registry's great-circle distance (as `registry.gps_far` measures it)."""
    return Record(
        id=0, code="", name_ar="", name_en="", name_ckb="", directorate=0, latitude=latitude, longitude=longitude
    )


def _closed_facilities(state: _Run) -> list[_Clean]:
    """The facilities the round does not expect (planned, closed), filled by the simulator as if they had been."""
    facilities = list(
        Facility.objects.filter(status__in=NOT_EXPECTED, merged_into__isnull=True)
        .select_related("directorate", "sector", "facility_type")
        .order_by("code")
    )
    state.rng.shuffle(facilities)
    filler = filler_for(state.version)
    sectors: dict[int, list[Sector]] = {}
    for sector in Sector.objects.filter(directorate__in={f.directorate_id for f in facilities}).order_by("code"):
        sectors.setdefault(sector.directorate_id, []).append(sector)
    found = []
    for facility in facilities[: 8 * state.per_class]:  # enough for both classes, some passed over
        rng = random.Random(f"seeded:{facility.code}")  # noqa: S311 (benchmark data, not secrets)
        info = facility_info(facility, sectors.get(facility.directorate_id, []))
        day = reporting_date(state.round, rng, state.today)
        root, _instance_id = filler.fill(info, rng, reporting_date=day, today=state.today)
        found.append(_Clean(facility, None, b"", _normalised(state.version, root)))
    return found


def _other_collector(state: _Run, clean: _Clean) -> User | None:
    """A data collector of the round who is not assigned this facility."""
    if clean.collector is None or clean.collector.role != Role.DATA_COLLECTOR:
        return None
    others = (
        Assignment.objects.filter(round=state.round, collector__role=Role.DATA_COLLECTOR)
        .exclude(facility=clean.facility)
        .exclude(collector=clean.collector)
        .select_related("collector")
        .order_by("collector__username")
        .first()
    )
    return others.collector if others is not None else None


def _build(state: _Run, item: _Planted) -> bool:
    """The seeded submission's XML, checked by the form's own rules: exactly the problems the seed means."""
    seed, clean = item.seed, item.clean
    if item.error.pool == Pool.EDIT and seed.answers == dict(clean.normalised.answers):
        return True  # the error is in the previous round's record; this record stays as it is
    day = late_moment(state.round.deadline, timezone.get_current_timezone()).date() if seed.late else state.today
    built = build_instance(
        state.version,
        seed.answers,
        facility=clean.facility,
        deprecated_id=clean.instance_id if item.error.pool == Pool.EDIT else "",
        started_at=clean.normalised.started_at,
        ended_at=clean.normalised.ended_at,
        today=day,
    )
    if {(problem.rule, problem.path) for problem in built.problems} != seed.form_problems:
        return False
    item.xml = built.xml if seed.facility_code is None else _with_facility(state, built.xml, seed.facility_code)
    return True


def _with_facility(state: _Run, xml: bytes, code: str) -> bytes:
    """The instance naming another facility code, its calculations left as the phone made them."""
    root = etree.fromstring(xml)
    path = state.form.by_role("facility_code")
    node = root.find(path.split("/", 2)[2])
    assert node is not None
    node.text = code or None
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


# --- sending -------------------------------------------------------------------------------------------------


def _send(state: _Run, item: _Planted) -> None:
    clean, seed = item.clean, item.seed
    if not item.xml:
        item.record_id = clean.record_id
        return
    submitter = clean.collector or state.admin
    received_at = None
    if seed.other_collector:
        submitter = _other_collector(state, clean) or submitter
    if seed.late:
        received_at = late_moment(state.round.deadline, timezone.get_current_timezone())
    if item.error.pool == Pool.CLOSED:
        submitter = state.admin
    result = ingest(IncomingSubmission(item.xml, Source.IMPORT, submitter, received_at=received_at, reason=REASON))
    assert result.submission is not None, item.error.code
    item.record_id = result.submission.pk


def _previous_round(state: _Run, controls: list[_Clean]) -> None:
    """The round before, with a record for each planted error that needs one and for a few control facilities
    (the same answers as now: no change to find). The current round pauses (cleaning) while it collects, since a
    questionnaire version is collected by one round at a time."""
    records = [(item.clean, item.seed.previous) for item in state.planted if item.seed.previous is not None]
    records += [(clean, dict(clean.normalised.answers)) for clean in controls]
    current, admin = state.round, state.admin
    year = current.period_start.year - 1
    moment = datetime.datetime.combine(datetime.date(year, 6, 30), datetime.time(10), timezone.get_current_timezone())
    report_day = state.form.by_name("reporting_date")
    with acting_as(admin, request_id="seeded-errors"):
        collection.set_round_state(admin, current, RoundState.CLEANING, reason=REASON)
        previous = collection.create_round(
            admin,
            code=f"{current.code}-previous",
            name=f"{current.name} (previous)",
            period_start=current.period_start.replace(year=year),
            period_end=current.period_end.replace(year=year),
            deadline=current.deadline.replace(year=year),
            versions=[state.version],
        )
        collection.expect_facilities_in_scope(admin, previous)
        collection.set_round_state(admin, previous, RoundState.COLLECTING, reason=REASON)
        for clean, answers in records:
            answers = {**answers, report_day: datetime.date(year, 6, 1).isoformat()} if report_day else answers
            built = build_instance(state.version, answers, facility=clean.facility, today=moment.date())
            ingest(IncomingSubmission(built.xml, Source.IMPORT, admin, received_at=moment, reason=REASON))
        collection.set_round_state(admin, previous, RoundState.CLEANING, reason=REASON)
        collection.set_round_state(admin, previous, RoundState.CLOSED, reason=REASON)
        collection.set_round_state(admin, current, RoundState.COLLECTING, reason=REASON)
    current.refresh_from_db()


# --- scoring -------------------------------------------------------------------------------------------------


def _open_pairs(round_: Round) -> set[Pair]:
    return set(
        Issue.objects.filter(submission__round=round_, status=IssueStatus.OPEN).values_list("rule", "submission_id")
    )


def _score(state: _Run, baseline: set[Pair], found: set[Pair]) -> Report:
    results = {error.code: ClassResult(error.code, error.title, error.rules) for error in ERROR_CLASSES}
    expected: dict[Pair, str] = {}
    carried: dict[int, str] = {}
    for item in state.planted:
        results[item.error.code].injected += 1
        carried[item.record_id] = item.error.code
        for rule in item.seed.expected:
            expected[(rule, item.record_id)] = item.error.code
    for pair, code in expected.items():
        results[code].expected += 1
        results[code].found += pair in found
    unexpected = sorted(pair for pair in found - baseline if pair not in expected)
    for rule, _record in unexpected:
        for result in results.values():
            result.false_positives += rule in result.rules
    codes = dict(
        Issue.objects.filter(submission_id__in={record for _rule, record in unexpected})
        .values_list("submission_id", "submission__facility__code")
        .distinct()
    )
    false_positives = [(rule, codes.get(record) or "", carried.get(record, "clean")) for rule, record in unexpected]
    return Report(
        records=0,
        classes=list(results.values()),
        baseline=dict(sorted(Counter(rule for rule, _record in baseline).items())),
        false_positives=false_positives,
    )
