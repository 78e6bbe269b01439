"""The kinds of error the seeded-error benchmark plants, each with the rules that must find it.

An error class turns a facility's clean answers (as the simulator filled them) into the answers of a submission
carrying exactly one deliberate error, or says the facility does not fit (None): a mobile-unit error needs a mobile
unit, a change since the previous round needs staff to change. Each seed also says which form rules the built
instance must break (`form_problems`, checked against `build_instance`'s own check before anything is sent, so a
seed never carries an accidental second error) and which rules must report it on the record (`expected`).
"""

from __future__ import annotations

import datetime
import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rasd.quality.rules.base import FormInfo
from rasd.quality.rules.outliers import MODERATE, Spread
from rasd.registry.models import Facility, OperationalStatus

MOBILE_TYPES = frozenset({"mobile-clinic", "mobile-team"})
FUNCTIONING = ("fully_functioning", "partially_functioning")
GPS_SHIFT_DEGREES = 0.2  # about 22 km north or south: far beyond the 5 km of registry.gps_far
STAFF_LIMIT = 500  # the default questionnaire's constraint on a head count
OUTLIER_HEAD_COUNT = 480
PEERS_FOR_OUTLIERS = 10  # an outlier is planted only in a peer group this large (the rule judges groups from 8)


class Pool:
    """Which facilities a class draws from, and how its submission is sent."""

    EDIT = "edit"  # a facility with a clean record: a new version of that record (an edit)
    EXTRA = "extra"  # a facility with a clean record: one more record (the collector sent another)
    RESERVED = "reserved"  # a facility kept out of the clean round: its only record, carrying the error
    CLOSED = "closed"  # a facility the round does not expect (planned, closed): its only record


@dataclass(frozen=True)
class Candidate:
    """A facility and its clean answers, with what the classes need to know about the round."""

    facility: Facility
    answers: Mapping[str, Any]
    peers: int  # records of the same facility type in the round
    staff_spread: Spread | None = None  # the staff head counts of those records (the outlier rule's statistics)


@dataclass
class Seed:
    answers: dict[str, Any]
    expected: tuple[str, ...]  # the rule codes that must report the record
    form_problems: frozenset[tuple[str, str]] = frozenset()  # (rule, path) the form's own check must find
    facility_code: str | None = None  # replaces the facility answer once built (an unknown code, or "")
    late: bool = False  # received after the round's deadline
    other_collector: bool = False  # sent by a collector not assigned to the facility
    previous: dict[str, Any] | None = None  # the facility's record in the previous round (None: it has none)


@dataclass(frozen=True)
class Form:
    """The default questionnaire's fields as the classes use them, found by role or name."""

    info: FormInfo
    donors: Mapping[str, Any] = field(default_factory=dict)  # an answer seen in the clean round, by path

    def by_role(self, role: str) -> str:
        return min(self.info.paths_matching("role", role), default="")

    def by_name(self, name: str) -> str:
        return min(self.info.paths_matching("name", name), default="")

    def all_by_role(self, pattern: str) -> tuple[str, ...]:
        return self.info.paths_matching("role", pattern)

    def total(self, answers: Mapping[str, Any], pattern: str) -> int:
        return sum(value for path in self.all_by_role(pattern) if isinstance(value := answers.get(path), int))


SeedMaker = Callable[[Candidate, Form], Seed | None]


@dataclass(frozen=True)
class ErrorClass:
    code: str
    title: str
    rules: tuple[str, ...]  # every rule that may rightly report this error (a seed expects some of them)
    pool: str
    make: SeedMaker


def _type(candidate: Candidate) -> str:
    return candidate.facility.facility_type.code


def non_functioning_with_services(c: Candidate, form: Form) -> Seed | None:
    functionality = form.by_role("status:functionality")
    services = [c.answers.get(path) for path in form.all_by_role("service:*:*")]
    if c.answers.get(functionality) != "partially_functioning":  # its causes stay relevant: one error only
        return None
    if not any(value in ("available", "partially_available") for value in services):
        return None
    return Seed({**c.answers, functionality: "not_functioning"}, ("herams.non_functioning_with_services",))


def service_without_barrier(c: Candidate, form: Form) -> Seed | None:
    for path in form.all_by_role("service:*:*"):
        if c.answers.get(path) != "available":
            continue
        _kind, domain, code = form.info.fields[path].role.split(":")
        barriers = form.by_role(f"barriers:{domain}:{code}")
        if barriers:
            problems = frozenset({("required", barriers)})
            return Seed({**c.answers, path: "partially_available"}, ("xform.required",), problems)
    return None


def functional_beds_over_total(c: Candidate, form: Form) -> Seed | None:
    general, functional = form.by_role("beds:general"), form.by_role("beds_functional:general")
    if not isinstance(c.answers.get(general), int) or not isinstance(c.answers.get(functional), int):
        return None
    beds, working = form.total(c.answers, "beds:*"), form.total(c.answers, "beds_functional:*")
    # All wards' functional beds become 3 more than all wards' beds; the default form's per-ward constraint
    # (functional ≤ beds of the ward) breaks too, on the general ward.
    answers = {**c.answers, functional: c.answers[functional] + beds - working + 3}
    expected = ("herams.beds_functional_over_total", "xform.constraint")
    return Seed(answers, expected, frozenset({("constraint", functional)}))


def hospital_without_beds(c: Candidate, form: Form) -> Seed | None:
    has_beds = form.by_name("has_beds")
    if _type(c) != "hospital" or c.answers.get(has_beds) != "yes":
        return None
    beds = {*form.all_by_role("beds:*"), *form.all_by_role("beds_functional:*")}
    answers = {path: value for path, value in c.answers.items() if path not in beds}
    return Seed({**answers, has_beds: "no"}, ("herams.hospital_without_beds",))


def mobile_unit_with_building_damage(c: Candidate, form: Form) -> Seed | None:
    building, causes = form.by_role("status:building_damage"), form.by_role("status_causes:building_damage")
    if _type(c) not in MOBILE_TYPES or c.answers.get(building) != "not_relevant" or causes not in form.donors:
        return None
    answers = {**c.answers, building: "partially_damaged", causes: form.donors[causes]}
    return Seed(answers, ("herams.mobile_unit_with_building_damage",))


def fixed_facility_building_not_relevant(c: Candidate, form: Form) -> Seed | None:
    building = form.by_role("status:building_damage")
    if _type(c) in MOBILE_TYPES or c.answers.get(building) != "not_damaged":
        return None
    return Seed({**c.answers, building: "not_relevant"}, ("herams.fixed_facility_building_not_relevant",))


def closed_facility_functioning(c: Candidate, form: Form) -> Seed | None:
    """A planned or temporarily closed facility reported as functioning (the round does not expect it either)."""
    status = c.facility.status
    if status not in (OperationalStatus.PLANNED, OperationalStatus.TEMPORARILY_CLOSED):
        return None
    if c.answers.get(form.by_role("status:functionality")) not in FUNCTIONING:
        return None
    return Seed(dict(c.answers), ("herams.closed_facility_functioning", "collection.not_expected"))


def closed_facility_submitted(c: Candidate, form: Form) -> Seed | None:
    """A submission about a facility the master list says is closed for good; reported as functioning, the
    status-versus-functionality rule rightly finds it too."""
    if c.facility.status != OperationalStatus.PERMANENTLY_CLOSED:
        return None
    functioning = c.answers.get(form.by_role("status:functionality")) in FUNCTIONING
    expected = ("registry.facility_closed", *(("herams.closed_facility_functioning",) if functioning else ()))
    return Seed(dict(c.answers), expected)


def unknown_facility(c: Candidate, form: Form) -> Seed | None:
    # The phone's list had the facility (its calculations are the phone's); the code is not in the master list.
    return Seed(dict(c.answers), ("registry.facility_unknown",), facility_code=f"ZZ-SEED-{c.facility.pk}")


def missing_facility(c: Candidate, form: Form) -> Seed | None:
    return Seed(dict(c.answers), ("registry.facility_missing",), facility_code="")


def gps_far(c: Candidate, form: Form) -> Seed | None:
    gps = form.by_role("gps")
    point = c.answers.get(gps)
    if c.facility.latitude is None or not isinstance(point, list) or len(point) < 2:
        return None
    latitude = point[0] + GPS_SHIFT_DEGREES if point[0] + GPS_SHIFT_DEGREES <= 37.4 else point[0] - GPS_SHIFT_DEGREES
    return Seed({**c.answers, gps: [round(latitude, 6), *point[1:]]}, ("registry.gps_far",))


def gps_outside_country(c: Candidate, form: Form) -> Seed | None:
    """A reading at (0, 0), as a phone without a fix may send: the form's bounding box refuses it, and it is far
    from the registered location."""
    gps = form.by_role("gps")
    point = c.answers.get(gps)
    if c.facility.latitude is None or not isinstance(point, list) or len(point) < 2:
        return None
    answers = {**c.answers, gps: [0.0, 0.0, *point[2:]]}
    return Seed(answers, ("xform.constraint", "registry.gps_far"), frozenset({("constraint", gps)}))


def late(c: Candidate, form: Form) -> Seed | None:
    return Seed(dict(c.answers), ("collection.late",), late=True)


def outside_assignment(c: Candidate, form: Form) -> Seed | None:
    if c.facility.sector_id is None:
        return None
    return Seed(dict(c.answers), ("collection.outside_assignment",), other_collector=True)


def constraint_broken(c: Candidate, form: Form) -> Seed | None:
    phone = form.by_name("respondent_phone")
    if not phone:
        return None
    return Seed({**c.answers, phone: "12345"}, ("xform.constraint",), frozenset({("constraint", phone)}))


def required_missing(c: Candidate, form: Form) -> Seed | None:
    name = form.by_name("respondent_name")
    if not c.answers.get(name):
        return None
    answers = {path: value for path, value in c.answers.items() if path != name}
    return Seed(answers, ("xform.required",), frozenset({("required", name)}))


def answer_not_relevant(c: Candidate, form: Form) -> Seed | None:
    confirmed, corrected = form.by_role("facility_confirmed"), form.by_name("corrected_name")
    if c.answers.get(confirmed) != "yes" or not corrected:
        return None
    answers = {**c.answers, corrected: "مركز صحي آخر"}
    return Seed(answers, ("xform.not_relevant",), frozenset({("not_relevant", corrected)}))


def choice_not_offered(c: Candidate, form: Form) -> Seed | None:
    accessibility = form.by_role("status:accessibility")
    if c.answers.get(accessibility) != "fully_accessible":  # its causes do not apply, before or after
        return None
    answers = {**c.answers, accessibility: "sometimes_accessible"}
    return Seed(answers, ("xform.choice",), frozenset({("choice", accessibility)}))


def staff_jump(c: Candidate, form: Form) -> Seed | None:
    """Staff up by about half since the previous round, whose record had the same answers as the clean one."""
    nurses = form.by_role("staff:nurse:female")
    staff = form.total(c.answers, "staff:*:*")
    if not isinstance(c.answers.get(nurses), int) or staff < 1:
        return None
    added = max(3, math.ceil(staff * 0.5))
    if c.answers[nurses] + added > STAFF_LIMIT:
        return None
    z = c.staff_spread.z(staff + added) if c.staff_spread is not None else None
    if z is not None and abs(z) > MODERATE:  # one error: the new count must not also stand out among its peers
        return None
    return Seed({**c.answers, nurses: c.answers[nurses] + added}, ("who_dq.year_over_year",), previous=dict(c.answers))


def damage_recovered(c: Candidate, form: Form) -> Seed | None:
    """The building was fully damaged in the previous round and is not damaged now, without a note."""
    building, causes = form.by_role("status:building_damage"), form.by_role("status_causes:building_damage")
    if _type(c) in MOBILE_TYPES or c.answers.get(building) != "not_damaged" or causes not in form.donors:
        return None
    previous = {**c.answers, building: "fully_damaged", causes: form.donors[causes]}
    return Seed(dict(c.answers), ("herams.damage_recovered_without_note",), previous=previous)


def extreme_count(c: Candidate, form: Form) -> Seed | None:
    """A head count far beyond the facility's peers (same type), as a typo with a digit too many gives."""
    nurses = form.by_role("staff:nurse:female")
    if _type(c) == "hospital" or c.peers < PEERS_FOR_OUTLIERS or form.total(c.answers, "staff:*:*") > 60:
        return None
    if not isinstance(c.answers.get(nurses), int):
        return None
    return Seed({**c.answers, nurses: OUTLIER_HEAD_COUNT}, ("who_dq.outlier_extreme",))


def staff_available_none_counted(c: Candidate, form: Form) -> Seed | None:
    for path in form.all_by_role("staff_available:*"):
        cadre = form.info.fields[path].role.split(":")[1]
        counts = [c.answers.get(count) for count in form.all_by_role(f"staff:{cadre}:*")]
        if counts and all(value == 0 for value in counts) and c.answers.get(path) != "available":
            return Seed({**c.answers, path: "available"}, ("herams.staff_available_none_counted",))
    return None


ERROR_CLASSES: tuple[ErrorClass, ...] = (
    # The rarest facilities first, so the commoner classes do not use them up.
    ErrorClass(
        "mobile_unit_building_damage",
        "Mobile unit reports building damage",
        ("herams.mobile_unit_with_building_damage",),
        Pool.EDIT,
        mobile_unit_with_building_damage,
    ),
    ErrorClass(
        "hospital_without_beds",
        "Hospital reports no beds",
        ("herams.hospital_without_beds",),
        Pool.EDIT,
        hospital_without_beds,
    ),
    ErrorClass(
        "closed_facility_submitted",
        "Submission for a facility closed for good",
        ("registry.facility_closed", "herams.closed_facility_functioning"),
        Pool.CLOSED,
        closed_facility_submitted,
    ),
    ErrorClass(
        "closed_facility_functioning",
        "Planned or temporarily closed facility reported functioning",
        ("herams.closed_facility_functioning", "collection.not_expected"),
        Pool.CLOSED,
        closed_facility_functioning,
    ),
    ErrorClass(
        "extreme_count",
        "Head count far beyond the peers'",
        ("who_dq.outlier_extreme",),
        Pool.EDIT,
        extreme_count,
    ),
    ErrorClass(
        "non_functioning_with_services",
        "Non-functioning facility with services available",
        ("herams.non_functioning_with_services",),
        Pool.EDIT,
        non_functioning_with_services,
    ),
    ErrorClass(
        "service_without_barrier",
        "Service partially available without a barrier",
        ("xform.required",),
        Pool.EDIT,
        service_without_barrier,
    ),
    ErrorClass(
        "functional_beds_over_total",
        "More functional beds than beds",
        ("herams.beds_functional_over_total", "xform.constraint"),
        Pool.EDIT,
        functional_beds_over_total,
    ),
    ErrorClass(
        "fixed_facility_building_not_relevant",
        "Fixed facility answers its building is not relevant",
        ("herams.fixed_facility_building_not_relevant",),
        Pool.EDIT,
        fixed_facility_building_not_relevant,
    ),
    ErrorClass(
        "staff_available_none_counted",
        "Cadre available but nobody counted",
        ("herams.staff_available_none_counted",),
        Pool.EDIT,
        staff_available_none_counted,
    ),
    ErrorClass(
        "staff_jump",
        "Staff up by half since the previous round",
        ("who_dq.year_over_year",),
        Pool.EDIT,
        staff_jump,
    ),
    ErrorClass(
        "damage_recovered",
        "Fully damaged before, not damaged now, no note",
        ("herams.damage_recovered_without_note",),
        Pool.EDIT,
        damage_recovered,
    ),
    ErrorClass("gps_far", "GPS reading 22 km from the facility", ("registry.gps_far",), Pool.EDIT, gps_far),
    ErrorClass(
        "gps_outside_country",
        "GPS reading at (0, 0), outside Iraq",
        ("xform.constraint", "registry.gps_far"),
        Pool.EDIT,
        gps_outside_country,
    ),
    ErrorClass(
        "constraint_broken",
        "Answer breaking the form's constraint (phone)",
        ("xform.constraint",),
        Pool.EDIT,
        constraint_broken,
    ),
    ErrorClass("required_missing", "Required answer missing", ("xform.required",), Pool.EDIT, required_missing),
    ErrorClass(
        "answer_not_relevant",
        "Answer to a question that does not apply",
        ("xform.not_relevant",),
        Pool.EDIT,
        answer_not_relevant,
    ),
    ErrorClass("choice_not_offered", "Answer not among the choices", ("xform.choice",), Pool.EDIT, choice_not_offered),
    ErrorClass(
        "unknown_facility",
        "Facility code not in the master list",
        ("registry.facility_unknown",),
        Pool.EXTRA,
        unknown_facility,
    ),
    ErrorClass(
        "missing_facility",
        "No facility named",
        ("registry.facility_missing",),
        Pool.EXTRA,
        missing_facility,
    ),
    ErrorClass("late", "Received after the deadline", ("collection.late",), Pool.RESERVED, late),
    ErrorClass(
        "outside_assignment",
        "Sent by a collector not assigned the facility",
        ("collection.outside_assignment",),
        Pool.RESERVED,
        outside_assignment,
    ),
)


def late_moment(deadline: datetime.date, timezone: datetime.tzinfo) -> datetime.datetime:
    """Three days after the deadline, mid-morning, in rasd's time zone."""
    return datetime.datetime.combine(deadline + datetime.timedelta(days=3), datetime.time(10), timezone)
