"""Filling one instance of a form the way a collector would: field by field in document order, honouring
relevance, required, constraints and choice filters as rasd's XPath evaluator reads them from the XForm.

Nothing here touches the database: `Filler` gets the parsed form, the catalogue roles and the facility (with
the rows its `facilities.csv` / `sectors.csv` would contain), so it is fast and reusable by benchmarks.
"""

from __future__ import annotations

import copy
import datetime
import random
import uuid
from collections.abc import Mapping
from dataclasses import dataclass

from lxml import etree

from rasd.questionnaires.xpath import DATE_TYPES, Bind, Evaluator, FormModel, csv_instance
from rasd.submissions.simulator import profiles as p

IRAQ = (29.0, 37.5, 38.7, 48.7)  # lat min, lat max, lon min, lon max: the form's own GPS constraint
BAGHDAD = (33.31, 44.37)
ATTEMPTS = 12


class CannotFill(Exception):
    """No valid answer was found for a required field (a form the simulator does not understand)."""


@dataclass(frozen=True)
class FacilityInfo:
    code: str
    directorate: str
    sector: str
    type: str
    level_of_care: str
    latitude: float | None
    longitude: float | None
    facility_row: Mapping[str, str]
    sector_rows: tuple[Mapping[str, str], ...] = ()


@dataclass
class _Leaf:
    path: str
    name: str
    bind: Bind | None
    role: str
    chain: tuple[tuple[int, str, str], ...]  # (depth above the leaf, path, relevance) for itself and ancestors


class Filler:
    """Fills instances of one form version; build once per version (it caches the parsed form and plan)."""

    def __init__(self, model: FormModel, roles: Mapping[str, str]) -> None:
        self.model = model
        self.leaves: list[_Leaf] = []
        for node in model.template.iter():
            if len(node) or node is model.template:
                continue
            path = _path(node)
            chain: list[tuple[int, str, str]] = []
            ancestor: etree._Element | None = node
            depth = 0
            while ancestor is not None:
                ancestor_path = _path(ancestor)
                bind = model.binds.get(ancestor_path)
                if bind is not None and bind.relevant:
                    chain.append((depth, ancestor_path, bind.relevant))
                ancestor = ancestor.getparent()
                depth += 1
            self.leaves.append(
                _Leaf(path, node.tag, model.binds.get(path), roles.get(path, ""), tuple(reversed(chain)))
            )

    def fill(
        self,
        facility: FacilityInfo,
        rng: random.Random,
        *,
        reporting_date: datetime.date,
        today: datetime.date,
    ) -> tuple[etree._Element, str]:
        """A filled instance (root element) and its instanceID."""
        root = copy.deepcopy(self.model.template)
        nodes = [node for node in root.iter() if not len(node) and node is not root]
        attachments = {
            "facilities": csv_instance([facility.facility_row]),
            "sectors": csv_instance(facility.sector_rows),
        }
        evaluator = Evaluator(self.model, root, attachments=attachments, today=today)
        state = _State(
            facility,
            rng,
            p.profile_for(facility.type, facility.level_of_care),
            p.pick(rng, dict(p.CONDITION_WEIGHTS), list(p.CONDITION_WEIGHTS)),
            reporting_date,
        )
        instance_id = f"uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
        relevance_cache: dict[tuple[str, int], bool] = {}
        for leaf, node in zip(self.leaves, nodes, strict=True):
            bind = leaf.bind
            if leaf.name == "instanceID":
                node.text = instance_id
                continue
            if bind is None:
                continue
            if bind.preload:
                node.text = state.preload(bind)
                continue
            if not self._relevant(leaf, node, evaluator, relevance_cache):
                continue
            if bind.calculate:
                node.text = evaluator.string(bind.calculate, node, leaf.path) or None
                continue
            if bind.readonly and not bind.required:
                continue  # a note
            self._answer(leaf, node, evaluator, state)
        return root, instance_id

    def _relevant(
        self, leaf: _Leaf, node: etree._Element, evaluator: Evaluator, cache: dict[tuple[str, int], bool]
    ) -> bool:
        for depth, path, expression in leaf.chain:
            target = node
            for _step in range(depth):
                parent = target.getparent()
                target = parent if parent is not None else target
            if depth == 0:
                if not evaluator.boolean(expression, target, path):
                    return False
                continue
            # Group relevance depends only on earlier answers: compute once per group and instance.
            cached = cache.get((path, 0))
            if cached is None:
                cached = evaluator.boolean(expression, target, path)
                cache[(path, 0)] = cached
            if not cached:
                return False
        return True

    def _answer(self, leaf: _Leaf, node: etree._Element, evaluator: Evaluator, state: _State) -> None:
        bind = leaf.bind
        assert bind is not None
        control = self.model.controls.get(leaf.path)
        choices = (
            evaluator.choices(node, leaf.path) if control is not None and control.kind in ("select1", "select") else []
        )
        required = bool(bind.required) and evaluator.boolean(bind.required, node, leaf.path)
        for attempt in range(ATTEMPTS):
            value = state.value(leaf, bind, control.kind if control else "input", choices, attempt, evaluator, node)
            if value is None:
                node.text = None
                if not required:
                    return
                continue
            node.text = value
            # A choice drawn from the filtered list needs no second look at the list.
            in_list = bool(choices) and all(choice in choices for choice in value.split())
            if not evaluator.check(node, leaf.path, choices_checked=in_list):
                return
        for fallback in ("0", "1", "2", "5", "10"):
            node.text = fallback
            if not evaluator.check(node, leaf.path):
                return
        node.text = None
        if required:
            raise CannotFill(leaf.path)


def _path(node: etree._Element) -> str:
    parts: list[str] = []
    current: etree._Element | None = node
    while current is not None:
        parts.append(current.tag)
        current = current.getparent()
    return "/" + "/".join(reversed(parts))


class _State:
    """The facility, its profile and condition, and the answers that later answers depend on."""

    def __init__(
        self, facility: FacilityInfo, rng: random.Random, profile: str, condition: str, reporting_date: datetime.date
    ) -> None:
        self.facility = facility
        self.rng = rng
        self.profile = profile
        self.condition = condition
        self.reporting_date = reporting_date
        started = datetime.datetime.combine(
            reporting_date, datetime.time(8, 0), datetime.timezone(datetime.timedelta(hours=3))
        )
        self.start = started + datetime.timedelta(minutes=rng.randint(0, 300), seconds=rng.randint(0, 59))
        self.end = self.start + datetime.timedelta(minutes=rng.randint(35, 110), seconds=rng.randint(0, 59))
        self.beds: dict[str, int] = {}
        self.staff: dict[str, int] = {}  # head count per cadre, read by the cadre's availability question after it
        self.status: dict[str, str] = {}  # the status pillars answered so far (functionality comes before services)

    def preload(self, bind: Bind) -> str:
        if bind.preload_params == "end":
            return self.end.isoformat(timespec="milliseconds")
        if bind.preload == "timestamp":
            return self.start.isoformat(timespec="milliseconds")
        if bind.preload == "date":
            return self.reporting_date.isoformat()
        return ""

    def value(
        self,
        leaf: _Leaf,
        bind: Bind,
        kind: str,
        choices: list[str],
        attempt: int,
        evaluator: Evaluator,
        node: etree._Element,
    ) -> str | None:
        rng, name, role = self.rng, leaf.name, leaf.role
        role_kind, *args = role.split(":") if role else ("",)
        facility = self.facility
        if name == "directorate":
            return facility.directorate
        if name == "sector":
            return facility.sector or None
        if role_kind == "facility_code":
            return facility.code
        if bind.type in DATE_TYPES:
            return self.reporting_date.isoformat()
        if bind.type == "geopoint" or role_kind == "gps":
            return self.gps()
        if kind == "select1":
            return self.select_one(name, role_kind, args, choices) if choices else None
        if kind == "select":
            return self.select_many(choices) if choices else None
        if bind.type == "int":
            return str(self.integer(name, role_kind, args, attempt))
        if bind.type == "decimal":
            return f"{rng.uniform(0, 100):.1f}"
        return self.text(name)

    def select_one(self, name: str, role_kind: str, args: list[str], choices: list[str]) -> str:
        rng = self.rng
        if role_kind == "status" and args:
            if args[0] == "building_damage" and self.profile == p.MOBILE and "not_relevant" in choices:
                return "not_relevant"
            answer = p.pick(rng, p.STATUS[args[0]][self.condition], choices)
            self.status[args[0]] = answer
            return answer
        if role_kind == "facility_confirmed" or name == "facility_confirmed":
            return "yes" if rng.random() < 0.93 or "no" not in choices else "no"
        if name == "has_beds":
            return "yes" if rng.random() < p.HAS_BEDS[self.profile] else "no"
        nobody_counted = role_kind == "staff_available" and bool(args) and self.staff.get(args[0]) == 0
        closed_service = role_kind == "service" and self.status.get("functionality") == "not_functioning"
        if nobody_counted or closed_service:
            # A cadre nobody counts, or a service of a facility that does not function, is not available (the
            # data-quality rules check both).
            return p.pick(rng, p.UNAVAILABLE, choices)
        if role_kind in ("service", "amenity", "staff_available") and set(choices) <= set(p.AVAILABILITY_CHOICES):
            return p.pick(
                rng, p.availability_weights(self.profile, self.condition, amenity=role_kind == "amenity"), choices
            )
        return rng.choice(choices)

    def select_many(self, choices: list[str]) -> str:
        count = min(len(choices), self.rng.choices((1, 2, 3), weights=(55, 30, 15))[0])
        chosen = set(self.rng.sample(choices, count))
        return " ".join(choice for choice in choices if choice in chosen)

    def integer(self, name: str, role_kind: str, args: list[str], attempt: int) -> int:
        rng = self.rng
        if role_kind == "staff" and len(args) == 2:
            count = p.staff_count(rng, self.profile, args[0], args[1], self.condition)
            self.staff[args[0]] = self.staff.get(args[0], 0) + count
            return count
        if role_kind == "beds" and args:
            self.beds[args[0]] = p.beds(rng, self.profile, args[0]) if attempt < 3 else 0
            return self.beds[args[0]]
        if role_kind == "beds_functional" and args:
            return p.functional_beds(rng, self.beds.get(args[0], 0), self.condition)
        if name == "partner_count":
            return rng.choices((1, 2, 3, 4), weights=(50, 30, 15, 5))[0]
        return rng.randint(0, 10)

    def text(self, name: str) -> str | None:
        rng = self.rng
        if name == "respondent_name":
            return rng.choice(p.RESPONDENTS)
        if name == "respondent_function":
            return rng.choice(p.FUNCTIONS) if rng.random() < 0.9 else None
        if name == "respondent_phone":
            return "07" + "".join(str(rng.randint(0, 9)) for _digit in range(9)) if rng.random() < 0.85 else None
        if name == "partner_names":
            return "، ".join(rng.sample(p.PARTNERS, rng.randint(1, 3)))
        if name == "corrected_name":
            return None if rng.random() < 0.6 else f"{self.facility.facility_row.get('label', '')} (معدّل)"
        if name == "facility_corrections":
            return rng.choice(p.CORRECTIONS)
        return None if rng.random() < 0.5 else "—"

    def gps(self) -> str:
        rng = self.rng
        latitude, longitude = self.facility.latitude, self.facility.longitude
        if latitude is None or longitude is None:
            latitude, longitude = BAGHDAD[0] + rng.uniform(-1.5, 1.5), BAGHDAD[1] + rng.uniform(-1.5, 1.5)
        # Collectors stand at the entrance: within about 60 m of the registered point.
        latitude = min(max(latitude + rng.gauss(0, 0.0004), IRAQ[0]), IRAQ[1])
        longitude = min(max(longitude + rng.gauss(0, 0.0004), IRAQ[2]), IRAQ[3])
        return f"{latitude:.6f} {longitude:.6f} {rng.uniform(20, 900):.1f} {rng.uniform(3, 14):.1f}"
