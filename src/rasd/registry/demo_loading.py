"""Loading the demo registry: the synthetic list, 17 real hospitals from Wikidata, a little history and a few
deliberate data-quality problems for the quality pages to find.

Everything goes through the importer and the facility services, as the system (actor None), in one
transaction. A marker in the audit log records which demo was loaded, so loading the same one again changes
nothing and takes a moment.
"""

from __future__ import annotations

import csv
import datetime
import random
from dataclasses import dataclass, field

from django.db import transaction

from rasd.audit import services as audit
from rasd.audit.models import AuditEntry
from rasd.registry import geo
from rasd.registry.demo import COLUMNS, directorate_for, ensure_demo_sectors, synthetic_rows
from rasd.registry.demo_names import MARK_AR, MARK_EN
from rasd.registry.facility_rules import FacilityDetails
from rasd.registry.facility_services import (
    add_alias,
    close_facility,
    merge_facilities,
    reopen_facility,
    update_facility,
)
from rasd.registry.importing import import_rows
from rasd.registry.models import Directorate, Facility, FacilityType, Sector
from rasd.registry.names import is_arabic_script
from rasd.registry.reference_data import IRAQ_DATA

BASE_DAY = datetime.date(2022, 1, 1)  # the base list is valid from the start of HeRAMS Iraq phase 1
MARKER = "registry.demo_loaded"
REASON = "demo registry (synthetic data)"
WIKIDATA_FILE = "irq_hospitals_wikidata_sample.csv"
MARTYRS = (("علي حسين", "Ali Hussein"), ("أحمد كاظم", "Ahmed Kadhim"), ("مصطفى جاسم", "Mustafa Jasim"))


class DemoAlreadyLoaded(Exception):
    """Another demo (other size or seed) is loaded; codes would collide."""


@dataclass
class DemoSummary:
    label: str
    already_loaded: bool = False
    sectors_created: int = 0
    facilities_created: int = 0
    real_hospitals: int = 0
    history: list[str] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)


def reference_data_loaded() -> bool:
    return (
        geo.current_boundary_set() is not None
        and Directorate.objects.exists()
        and FacilityType.objects.filter(code="phc-main").exists()
    )


def demo_label(count: int, seed: int) -> str:
    return f"{count} facilities, seed {seed}"


@transaction.atomic
def load_demo_registry(count: int, seed: int = 1) -> DemoSummary:
    """Load the demo registry once; raise DemoAlreadyLoaded if a different one is there."""
    label = demo_label(count, seed)
    loaded = AuditEntry.objects.filter(action=MARKER).order_by("pk").first()
    if loaded is not None:
        if loaded.object_id != label:
            raise DemoAlreadyLoaded(loaded.object_id)
        return DemoSummary(label, already_loaded=True)
    summary = DemoSummary(label)
    sectors_before = Sector.objects.count()
    ensure_demo_sectors()
    summary.sectors_created = Sector.objects.count() - sectors_before
    rows = synthetic_rows(count, seed)
    rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
    used: set[str] = set()
    summary.problems = add_quality_problems(rows, rng, used)
    history = plan_history(rows, rng, used)
    hospitals = wikidata_hospital_rows()
    result = import_rows(rows + hospitals, actor=None, valid_from=BASE_DAY, reason=REASON)
    if result.problems:
        raise ValueError("the demo rows were refused:\n" + "\n".join(result.problems[:20]))
    summary.facilities_created, summary.real_hospitals = result.created, len(hospitals)
    summary.history = add_history(rows, history)
    audit.record(
        MARKER, object_type="registry.demo", object_id=label, after={"facilities": result.created}, reason=REASON
    )
    return summary


def wikidata_hospital_rows() -> list[dict[str, str]]:
    """The real hospitals shipped with the reference data (Wikidata, CC0): real names, code IQ-WD-<Q-id>."""
    rows = []
    with (IRAQ_DATA / WIKIDATA_FILE).open(encoding="utf-8-sig", newline="") as handle:
        for source in csv.DictReader(handle):
            label = source["label"].strip()
            arabic = is_arabic_script(label)
            row = dict.fromkeys(COLUMNS, "")
            row.update(
                code=f"IQ-WD-{source['wikidata_id']}",
                name_ar=label if arabic else "",
                name_en="" if arabic else label,
                facility_type="hospital",
                ownership="unknown",  # Wikidata does not say who runs them
                directorate=directorate_for(source["ADM1_PCODE"], source["ADM2_PCODE"]) or "",
                latitude=source["latitude"],
                longitude=source["longitude"],
                location_source="imported",
                status="open",
                settlement="urban",
            )
            rows.append(row)
    return rows


def _pick(
    rows: list[dict[str, str]], rng: random.Random, used: set[str], number: int, **match: str | frozenset[str]
) -> list[int]:
    """Positions of up to `number` rows with the given values (or one of a set), not used for anything else yet."""
    found = [
        position
        for position, row in enumerate(rows)
        if row["code"] not in used
        and all(
            row[name] in value if isinstance(value, frozenset) else row[name] == value for name, value in match.items()
        )
    ]
    chosen = sorted(rng.sample(found, min(number, len(found))))
    used.update(rows[position]["code"] for position in chosen)
    return chosen


def add_quality_problems(rows: list[dict[str, str]], rng: random.Random, used: set[str]) -> list[str]:
    """Spoil about 1% of the rows the way real lists are spoilt; returns what was done, one line each."""
    done: list[str] = []
    for position in _pick(rows, rng, used, max(2, len(rows) * 6 // 1000)):
        row = rows[position]
        row.update(latitude="", longitude="", location_source="unknown", location_precision_m="")
        done.append(f"{row['code']}: no coordinates")
    for position, (lat, lon, what) in zip(
        _pick(rows, rng, used, 2), (("0", "0", "at (0, 0)"), ("", "", "latitude and longitude swapped")), strict=False
    ):
        row = rows[position]
        lat, lon = (lat, lon) if lat else (row["longitude"], row["latitude"])
        row.update(latitude=lat, longitude=lon)
        done.append(f"{row['code']}: {what}, outside Iraq")
    for position in _pick(rows, rng, used, max(2, len(rows) // 600)):
        row = rows[position]
        row.update(name_ar=row["name_ar"].replace(" ", "  ", 1), name_en=row["name_en"].replace(" ", "  ", 1))
        done.append(f"{row['code']}: doubled spaces in the names")
    shared = _pick(rows, rng, used, 3, facility_type="public-health-clinic")
    for position in shared[1:]:
        rows[position].update(latitude=rows[shared[0]]["latitude"], longitude=rows[shared[0]]["longitude"])
    if len(shared) > 1:
        done.append(f"{', '.join(rows[position]['code'] for position in shared)}: the same coordinates")
    for position in _pick(rows, rng, used, 1, facility_type="phc-branch"):
        rows[position]["parent_code"] = ""
        done.append(f"{rows[position]['code']}: a branch without a main centre")
    for position in _pick(rows, rng, used, 1, status="permanently_closed"):
        rows[position]["functional"] = "yes"
        done.append(f"{rows[position]['code']}: closed for good but marked functional")
    for position in _pick(rows, rng, used, 1, facility_type="phc-main", managing_authority="fmoh", settlement="urban"):
        twin = _near_duplicate(rows[position])
        rows.insert(position + 1, twin)
        used.add(twin["code"])
        done.append(f"{rows[position]['code']} and {twin['code']}: one centre entered twice, 40 m apart")
    return done


def _near_duplicate(row: dict[str, str]) -> dict[str, str]:
    """The same centre typed again by someone else: hamza and ta marbuta dropped, English spelt differently."""
    twin = dict(row)
    twin.update(
        code=f"{row['code'][:-5]}90001",
        name_ar=row["name_ar"].replace("ة", "ه").replace("أ", "ا"),
        name_en=row["name_en"].replace("Al-", "Al ").replace("PHC Centre", "Primary Health Care Center"),
        latitude=f"{float(row['latitude']) + 0.0003:.6f}",
        longitude=f"{float(row['longitude']) + 0.0002:.6f}",
        location_source="map",
        location_precision_m="100",
        aliases="",
    )
    return twin


CLOSURES = (
    (datetime.date(2023, 2, 1), False, "Building damaged by flooding"),
    (datetime.date(2023, 11, 20), False, "Roof under repair"),
    (datetime.date(2024, 1, 15), True, "Replaced by a new centre nearby"),
)
SMALL_CENTRES = frozenset({"public-health-clinic", "phc-family-medicine", "phc-branch", "health-house"})


@dataclass
class HistoryPlan:
    """Positions of the rows that get a history."""

    renamed: list[int]
    upgraded: list[int]
    closing: list[int]
    merging: list[int]  # the one kept, the one merged away


def _pair_in_one_sector(
    rows: list[dict[str, str]], rng: random.Random, used: set[str], kinds: frozenset[str]
) -> list[int]:
    """Positions of two open facilities of these kinds in one sector, or none."""
    by_sector: dict[str, list[int]] = {}
    for position, row in enumerate(rows):
        if row["code"] not in used and row["sector"] and row["facility_type"] in kinds and row["status"] == "open":
            by_sector.setdefault(row["sector"], []).append(position)
    sectors = sorted(sector for sector, positions in by_sector.items() if len(positions) > 1)
    if not sectors:
        return []
    pair = rng.sample(by_sector[rng.choice(sectors)], 2)
    used.update(rows[position]["code"] for position in pair)
    return pair


def plan_history(rows: list[dict[str, str]], rng: random.Random, used: set[str]) -> HistoryPlan:
    """Choose who gets a history. Those that will close report no functionality, so that the one facility closed
    but marked functional stays a single deliberate problem."""
    plan = HistoryPlan(
        renamed=_pick(rows, rng, used, len(MARTYRS), facility_type="phc-main", status="open"),
        upgraded=_pick(rows, rng, used, 1, facility_type="phc-branch", status="open"),
        closing=_pick(rows, rng, used, len(CLOSURES), facility_type=SMALL_CENTRES, status="open"),
        merging=_pair_in_one_sector(rows, rng, used, SMALL_CENTRES),
    )
    for position in plan.closing + plan.merging[1:]:
        rows[position]["functional"] = ""
    return plan


def add_history(rows: list[dict[str, str]], plan: HistoryPlan) -> list[str]:
    """Renames, an upgrade, closures, a reopening and a merge in 2023–2024, through the facility services."""
    done: list[str] = []

    def facility(position: int) -> Facility:
        return Facility.objects.get(code=rows[position]["code"])

    for number, (position, (martyr_ar, martyr_en)) in enumerate(zip(plan.renamed, MARTYRS, strict=False)):
        centre = facility(position)
        old_name = centre.name_ar
        details = FacilityDetails.of(centre)
        details.name_ar = f"مركز الشهيد {martyr_ar} للرعاية الصحية الأولية{MARK_AR}"
        details.name_en = f"Martyr {martyr_en} PHC Centre{MARK_EN}"
        on = datetime.date(2023, 3 + 4 * number, 15)
        update_facility(None, centre, details, reason="Renamed after a local martyr", valid_from=on)
        add_alias(None, centre, old_name, "ar")
        done.append(f"{centre.code}: renamed on {on}, the old name kept as an alias")
    for position in plan.upgraded:
        branch = facility(position)
        details = FacilityDetails.of(branch)
        details.facility_type = FacilityType.objects.get(code="phc-main")
        details.parent, details.catchment_population = None, 15_000
        on = datetime.date(2023, 7, 1)
        update_facility(None, branch, details, reason="Extended and upgraded to a main centre", valid_from=on)
        done.append(f"{branch.code}: upgraded from branch to main centre on {on}")
    for position, (on, permanently, reason) in zip(plan.closing, CLOSURES, strict=False):
        close_facility(None, facility(position), on=on, permanently=permanently, reason=reason)
        done.append(f"{rows[position]['code']}: closed {'for good' if permanently else 'for a while'} on {on}")
    if plan.closing:
        on = datetime.date(2024, 3, 1)
        reopen_facility(None, facility(plan.closing[0]), on=on, reason="Repairs finished")
        done.append(f"{rows[plan.closing[0]]['code']}: reopened on {on}")
    if plan.merging:
        keep, absorb = facility(plan.merging[0]), facility(plan.merging[1])
        on = datetime.date(2024, 6, 30)
        merge_facilities(None, keep=keep, absorb=absorb, on=on, reason="Two small centres moved into one building")
        done.append(f"{absorb.code}: merged into {keep.code} on {on}; its code is now an alias")
    return done
