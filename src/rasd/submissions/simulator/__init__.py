"""The submission simulator: valid, plausible instances of a round's questionnaire for its expected facilities.

`generate(round)` yields `SimulatedInstance`s (facility, collector, XML, instanceID) of the round's newest accepted
questionnaire version, filled as a collector would with ODK Collect (see `filling`) and with answers drawn from
distributions by facility type and condition (see `profiles`). `edit_instance(xml)` makes a valid edit of one.
Deterministic: the same seed, facility and day give the same XML. See docs/simulator.md.
"""

from __future__ import annotations

import datetime
import random
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils import timezone

from rasd.collection.attachments import facility_row, sector_rows
from rasd.collection.models import Assignment, ExpectedFacility, Round
from rasd.questionnaires.models import QuestionnaireField, QuestionnaireVersion
from rasd.registry.models import Facility, Sector
from rasd.submissions.instances import form_model, serialise
from rasd.submissions.simulator.editing import edit_instance
from rasd.submissions.simulator.filling import CannotFill, FacilityInfo, Filler

if TYPE_CHECKING:
    from rasd.accounts.models import User

__all__ = ["CannotFill", "SimulatedInstance", "edit_instance", "filler_for", "generate", "newest_version"]


@dataclass(frozen=True)
class SimulatedInstance:
    facility: Facility
    collector: User | None
    xml: bytes
    instance_id: str


_fillers: dict[tuple[int, str], Filler] = {}
_lock = threading.Lock()


def filler_for(version: QuestionnaireVersion) -> Filler:
    """The parsed form and filling plan of a version, built once per process (published versions never change)."""
    key = (version.pk, version.md5)
    with _lock:
        filler = _fillers.get(key)
        if filler is None:
            roles = dict(
                QuestionnaireField.objects.filter(version=version).exclude(role="").values_list("path", "role")
            )
            filler = Filler(form_model(version), roles)
            _fillers[key] = filler
        return filler


def newest_version(round_: Round) -> QuestionnaireVersion:
    version = round_.versions.order_by("-published_at", "-created_at", "-pk").first()
    if version is None:
        raise LookupError(f"round {round_.code} accepts no questionnaire version")
    return version


def facility_info(facility: Facility, sectors: list[Sector]) -> FacilityInfo:
    """The facility as the form sees it: its own row of facilities.csv and the sectors of its directorate."""
    return FacilityInfo(
        code=facility.code,
        directorate=facility.directorate.code,
        sector=facility.sector.code if facility.sector else "",
        type=facility.facility_type.code,
        level_of_care=facility.facility_type.level_of_care,
        latitude=facility.latitude,
        longitude=facility.longitude,
        facility_row=facility_row(facility),
        sector_rows=tuple(sector_rows(facility, sectors)),
    )


def reporting_date(round_: Round, rng: random.Random, today: datetime.date) -> datetime.date:
    """A day of the round's period that is not in the future (and not before 2020, as the form requires)."""
    first = max(round_.period_start, datetime.date(2020, 1, 1))
    last = min(round_.period_end, round_.deadline if round_.deadline >= first else round_.period_end, today)
    if last < first:
        return min(today, max(first, today))
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def generate(
    round: Round,
    *,
    facilities: int | None = None,
    seed: int = 0,
    collector: User | None = None,
    today: datetime.date | None = None,
) -> Iterator[SimulatedInstance]:
    """One instance per expected (not removed) facility of the round, or per `facilities` of them chosen at
    random; the collector is the facility's assigned one, else `collector`."""
    today = today or timezone.localdate()
    filler = filler_for(newest_version(round))
    expected = list(
        Facility.objects.filter(
            pk__in=ExpectedFacility.objects.filter(round=round, removed_at__isnull=True).values("facility_id")
        )
        .select_related("directorate", "sector", "facility_type")
        .order_by("code")
    )
    if facilities is not None and facilities < len(expected):
        chosen = random.Random(seed).sample(expected, facilities)  # noqa: S311 (demo data, not secrets)
        expected = sorted(chosen, key=lambda facility: facility.code)
    assigned: dict[int, User] = {}
    for assignment in (
        Assignment.objects.filter(round=round, facility__in=[facility.pk for facility in expected])
        .select_related("collector")
        .order_by("-collector__is_active", "collector__username")
    ):
        assigned.setdefault(assignment.facility_id, assignment.collector)
    sectors_by_directorate: dict[int, list[Sector]] = {}
    for sector in Sector.objects.filter(directorate__in={facility.directorate_id for facility in expected}).order_by(
        "code"
    ):
        sectors_by_directorate.setdefault(sector.directorate_id, []).append(sector)
    for facility in expected:
        # One generator per facility: its answers do not change when other facilities are added or left out.
        rng = random.Random(f"{seed}:{round.code}:{facility.code}")  # noqa: S311 (demo data, not secrets)
        info = facility_info(facility, sectors_by_directorate.get(facility.directorate_id, []))
        root, instance_id = filler.fill(info, rng, reporting_date=reporting_date(round, rng, today), today=today)
        yield SimulatedInstance(
            facility=facility,
            collector=assigned.get(facility.pk, collector),
            xml=serialise(root),
            instance_id=instance_id,
        )
