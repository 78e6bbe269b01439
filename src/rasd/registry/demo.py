"""A synthetic but credible facility list for demonstrations and benchmarks.

`synthetic_rows(count, seed)` gives canonical import rows (see rasd.registry.importing), the same for the same
count, seed and reference data. Facilities are spread over the 101 districts in proportion to their population
(2024 census, Kontur's model where the census is blank), placed uniformly inside the district, assigned to the
directorate that runs the governorate (Baghdad split between Al-Karkh and Al-Rusafa by the Tigris) and to one
of 3–10 synthetic sectors named after the directorate's districts, with the type mix seen in HeRAMS Iraq.
Every name is marked synthetic. Needs the reference data (`rasd load_reference_data`).
"""

from __future__ import annotations

import datetime
import random
from collections import Counter, defaultdict
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape

from rasd.registry import geo
from rasd.registry.demo_names import (
    CAMPS,
    KURDISH_DISTRICT_NAMES,
    KURDISH_NEIGHBOURHOODS,
    KURDISH_VILLAGES,
    MARK_AR,
    MEDICAL_CITY_PATTERN,
    MEDICAL_CITY_SPECIALTIES,
    NEIGHBOURHOODS,
    ORDINALS,
    PATTERNS,
    PEOPLES_CLINIC_PATTERN,
    VILLAGES,
    Place,
    facility_names,
)
from rasd.registry.health_admin_services import create_sector
from rasd.registry.importing.columns import COLUMNS as FILE_COLUMNS
from rasd.registry.models import AdminArea, Directorate, FacilityType, PopulationFigure, Sector

COLUMNS = tuple(column.name for column in FILE_COLUMNS)

# Share of each type among the facilities of HeRAMS Iraq (percent; the last seven are each under 1%).
TYPE_SHARES: dict[str, float] = {
    "phc-main": 36,
    "phc-branch": 14,
    "public-health-clinic": 14,
    "phc-family-medicine": 7,
    "hospital": 6,
    "other": 4,
    "specialized-centre": 4,
    "phc-main-specialized": 3,
    "health-house": 3,
    "health-sector": 3,
    "mobile-team": 2,
    "central-public-health-lab": 1,
    "first-aid-centre": 0.5,
    "mobile-clinic": 0.5,
    "forensic-medicine-centre": 0.4,
    "chest-respiratory-unit": 0.4,
    "blood-bank-main": 0.3,
    "blood-bank-branch": 0.3,
    "disease-prevention-sector": 0.3,
}
# Types that report to the directorate itself rather than to a primary-health-care sector.
DIRECTORATE_LEVEL_TYPES = frozenset(
    {
        "hospital",
        "specialized-centre",
        "chest-respiratory-unit",
        "blood-bank-main",
        "blood-bank-branch",
        "central-public-health-lab",
        "forensic-medicine-centre",
        "disease-prevention-sector",
    }
)
RURAL_TYPES = frozenset({"health-house", "mobile-team", "mobile-clinic"})
CAMP_TYPES = frozenset({"phc-main", "phc-branch", "public-health-clinic"})
MAIN_CENTRE_TYPES = frozenset({"phc-main", "phc-main-specialized"})

BAGHDAD = "IQG08"
# Districts west of the Tigris, run by the Al-Karkh directorate; the others by Al-Rusafa.
BAGHDAD_KARKH_DISTRICTS = frozenset({"IQG08Q02", "IQG08Q03", "IQG08Q05"})
BAGHDAD_DIRECTORATES = ("baghdad-karkh", "baghdad-rusafa")
MEDICAL_CITY = "medical-city"
PEOPLES_CLINICS = "peoples-clinics"
MEDICAL_CITY_SITE = (44.3835, 33.3530)  # Bab al-Mu'adham, Baghdad (longitude, latitude)
SECTOR_POPULATION = 700_000  # a district above this many people per sector gets another sector
MIN_SECTORS, MAX_SECTORS = 3, 10


@dataclass(frozen=True)
class DemoDistrict:
    pcode: str
    place: Place
    governorate_ar: str
    directorate: str
    population: int
    geometry: Any  # shapely geometry, prepared
    parts: tuple[Any, ...]  # its sub-districts (the level facilities are located at)


@dataclass(frozen=True)
class DemoSector:
    code: str
    directorate: str
    district: str
    name_ar: str
    name_en: str
    name_ckb: str


@dataclass
class SyntheticFacility:
    row: dict[str, str]
    district: str  # p-code of the district the facility was placed in


def directorate_for(governorate_pcode: str, district_pcode: str) -> str | None:
    """The directorate that runs facilities of a district, by the governorate (Baghdad by bank of the Tigris)."""
    if governorate_pcode == BAGHDAD:
        return BAGHDAD_DIRECTORATES[0] if district_pcode in BAGHDAD_KARKH_DISTRICTS else BAGHDAD_DIRECTORATES[1]
    return (
        Directorate.objects.filter(governorate_pcode=governorate_pcode)
        .exclude(code__in=BAGHDAD_DIRECTORATES)
        .values_list("code", flat=True)
        .first()
    )


def demo_districts() -> list[DemoDistrict]:
    """The districts of the current boundary set with their population and directorate, by p-code."""
    boundary_set = geo.current_boundary_set()
    if boundary_set is None:
        raise LookupError("No boundaries are loaded: run `rasd load_reference_data` first.")
    areas = list(
        AdminArea.objects.filter(boundary_set=boundary_set, level__in=(1, 2, 3))
        .order_by("pcode")
        .values_list("pk", "pcode", "level", "parent_id", "name_ar", "name_en", "geometry")
    )
    by_pk = {row[0]: row for row in areas}
    population: dict[int, int] = {}
    figures = PopulationFigure.objects.filter(area__boundary_set=boundary_set, area__level=2)
    for area_id, people in figures.order_by("-is_modelled", "year").values_list("area_id", "population"):
        population[area_id] = people  # the last one wins: a census count over a modelled figure, newest year
    parts: dict[int, list[Any]] = defaultdict(list)
    for _pk, _pcode, level, parent_id, _ar, _en, geometry in areas:
        if level == 3:
            parts[parent_id].append(shape(geometry))
    districts = []
    for pk, pcode, level, parent_id, name_ar, name_en, geometry in areas:
        if level != 2 or pk not in population:
            continue
        governorate = by_pk[parent_id]
        directorate = directorate_for(governorate[1], pcode)
        if directorate is None:
            continue
        outline = shape(geometry)
        shapely.prepare(outline)
        for part in parts[pk]:
            shapely.prepare(part)
        districts.append(
            DemoDistrict(
                pcode=pcode,
                place=Place(" ".join(name_ar.split()), name_en.strip(), KURDISH_DISTRICT_NAMES.get(pcode, "")),
                governorate_ar=governorate[4].strip(),
                directorate=directorate,
                population=population[pk],
                geometry=outline,
                parts=tuple(parts[pk]),
            )
        )
    return districts


def demo_sectors(districts: list[DemoDistrict]) -> list[DemoSector]:
    """3–10 sectors per directorate, one per district and more for populous ones ("Basra First", "… Second")."""
    sectors = []
    by_directorate: dict[str, list[DemoDistrict]] = defaultdict(list)
    for district in districts:
        by_directorate[district.directorate].append(district)
    for directorate, members in sorted(by_directorate.items()):
        shares = _sector_shares(members)
        number = 0
        for district in members:
            place = district.place
            for share in range(shares[district.pcode]):
                number += 1
                ar, en, ckb = (place.ar, place.en, place.ckb)
                if shares[district.pcode] > 1:
                    ordinal = ORDINALS[share]
                    ar, en, ckb = f"{ar} {ordinal[0]}", f"{en} {ordinal[1]}", f"{ckb} {ordinal[2]}" if ckb else ""
                sectors.append(
                    DemoSector(
                        code=f"{directorate}-s{number:02d}",
                        directorate=directorate,
                        district=district.pcode,
                        name_ar=f"قطاع {ar}{MARK_AR}",
                        name_en=f"{en} sector (synthetic)",
                        name_ckb=f"کەرتی {ckb} (دەستکرد)" if ckb else "",
                    )
                )
    return sectors


def _sector_shares(members: list[DemoDistrict]) -> dict[str, int]:
    """How many sectors each district of one directorate gets: one each, more where people are many."""
    shares = dict.fromkeys((district.pcode for district in members), 1)
    people = {district.pcode: district.population for district in members}
    while sum(shares.values()) < MAX_SECTORS:
        crowded = max(shares, key=lambda pcode: (people[pcode] / shares[pcode], pcode))
        enough = sum(shares.values()) >= MIN_SECTORS and people[crowded] / shares[crowded] <= SECTOR_POPULATION
        if enough or shares[crowded] == len(ORDINALS):
            break
        shares[crowded] += 1
    return shares


def ensure_demo_sectors() -> None:
    """Create the synthetic sectors the demo rows refer to (those that exist already are left alone)."""
    existing = set(Sector.objects.values_list("code", flat=True))
    directorates = {directorate.code: directorate for directorate in Directorate.objects.all()}
    for sector in demo_sectors(demo_districts()):
        if sector.code not in existing:
            create_sector(
                None,
                code=sector.code,
                directorate=directorates[sector.directorate],
                name_ar=sector.name_ar,
                name_en=sector.name_en,
                name_ckb=sector.name_ckb,
            )


def apportion(weights: dict[str, float], total: int) -> dict[str, int]:
    """Whole numbers proportional to the weights that add up to `total` (largest remainders)."""
    whole = sum(weights.values())
    exact = {key: total * weight / whole for key, weight in weights.items()}
    counts = {key: int(value) for key, value in exact.items()}
    left = total - sum(counts.values())
    for key in sorted(exact, key=lambda key: (counts[key] - exact[key], key))[:left]:
        counts[key] += 1
    return counts


def point_in(district: DemoDistrict, rng: random.Random) -> tuple[float, float]:
    """A point drawn uniformly inside the district (and inside one of its sub-districts), to 6 decimals."""
    min_lon, min_lat, max_lon, max_lat = district.geometry.bounds
    while True:
        lon, lat = round(rng.uniform(min_lon, max_lon), 6), round(rng.uniform(min_lat, max_lat), 6)
        if shapely.contains_xy(district.geometry, lon, lat) and any(
            shapely.contains_xy(part, lon, lat) for part in district.parts
        ):
            return lon, lat


def synthetic_rows(count: int, seed: int = 1) -> list[dict[str, str]]:
    """`count` valid canonical rows, the same for the same count and seed (main centres before their branches)."""
    return [facility.row for facility in synthetic_facilities(count, seed)]


def synthetic_facilities(count: int, seed: int = 1) -> list[SyntheticFacility]:
    return _Generator(seed).facilities(count)


class _Generator:
    def __init__(self, seed: int) -> None:
        self.rng = random.Random(seed)  # noqa: S311 (demo data, not secrets)
        self.districts = demo_districts()
        self.sectors = demo_sectors(self.districts)
        self.types = {kind.code: kind for kind in FacilityType.objects.all()}
        self.authorities = dict(Directorate.objects.values_list("code", "authority__code"))
        self.codes: Counter[str] = Counter()
        self.names: Counter[tuple[str, str]] = Counter()

    def facilities(self, count: int) -> list[SyntheticFacility]:
        national = {
            MEDICAL_CITY: count // 500 if MEDICAL_CITY in self.authorities else 0,
            PEOPLES_CLINICS: count // 350 if PEOPLES_CLINICS in self.authorities else 0,
        }
        regular = count - sum(national.values())
        slots = self._slots(regular)
        made = [self._facility(district, sector, kind) for district, sector, kind in slots if kind != "phc-branch"]
        mains: dict[str, list[SyntheticFacility]] = defaultdict(list)
        for facility in made:
            if facility.row["facility_type"] in MAIN_CENTRE_TYPES and facility.row["sector"]:
                mains[facility.row["sector"]].append(facility)
        made += self._national(national)
        for district, sector, kind in slots:
            if kind == "phc-branch":
                branch = self._facility(district, sector, kind)
                near = [main for main in mains[sector.code] if main.district == district.pcode] or mains[sector.code]
                branch.row["parent_code"] = self.rng.choice(near).row["code"]
                made.append(branch)
        return made

    def _slots(self, regular: int) -> list[tuple[DemoDistrict, DemoSector, str]]:
        """(district, sector, type) for each facility; every sector with branches has a main centre."""
        per_district = apportion({district.pcode: district.population for district in self.districts}, regular)
        kinds = [kind for kind, number in apportion(TYPE_SHARES, regular).items() for _ in range(number)]
        self.rng.shuffle(kinds)
        sectors_of: dict[str, list[DemoSector]] = defaultdict(list)
        for sector in self.sectors:
            sectors_of[sector.district].append(sector)
        slots = []
        for district in self.districts:
            for _ in range(per_district[district.pcode]):
                slots.append((district, self.rng.choice(sectors_of[district.pcode]), kinds.pop()))
        with_main = {sector.code for _district, sector, kind in slots if kind in MAIN_CENTRE_TYPES}
        for position, (district, sector, kind) in enumerate(slots):
            if kind == "phc-branch" and sector.code not in with_main:
                slots[position] = (district, sector, "phc-main")
                with_main.add(sector.code)
        return slots

    def _place(self, directorate: str, settlement: str) -> Place:
        kurdish = self.authorities[directorate] == "krg-moh"
        if settlement == "camp":
            return self.rng.choice(CAMPS[directorate])
        if settlement == "rural":
            return self.rng.choice(KURDISH_VILLAGES if kurdish else VILLAGES)
        return self.rng.choice(KURDISH_NEIGHBOURHOODS if kurdish else NEIGHBOURHOODS)

    def _settlement(self, directorate: str, kind: str) -> str:
        if kind in RURAL_TYPES:
            return "rural"
        if kind in DIRECTORATE_LEVEL_TYPES:
            return "urban"
        if kind in CAMP_TYPES and directorate in CAMPS and self.rng.random() < 0.04:
            return "camp"
        return "urban" if self.rng.random() < 0.6 else "rural"

    def _facility(self, district: DemoDistrict, sector: DemoSector | None, kind: str) -> SyntheticFacility:
        directorate = district.directorate
        settlement = self._settlement(directorate, kind)
        place = self._place(directorate, settlement)
        pattern = self.rng.choice(PATTERNS[kind])
        longitude, latitude = point_in(district, self.rng)
        row = self._row(directorate, kind, pattern, place, district, (longitude, latitude), settlement)
        if sector is not None and kind not in DIRECTORATE_LEVEL_TYPES:
            row["sector"] = sector.code
        if kind in MAIN_CENTRE_TYPES:
            row["catchment_population"] = str(round(self.rng.randint(*_CATCHMENT[settlement]), -2))
        if self.rng.random() < 0.04:
            row["aliases"] = _alias(kind, place, district)
        return SyntheticFacility(row, district.pcode)

    def _national(self, numbers: dict[str, int]) -> list[SyntheticFacility]:
        """A handful of Medical City hospitals (one campus) and People's Clinics across Baghdad."""
        baghdad = [district for district in self.districts if district.directorate in BAGHDAD_DIRECTORATES]
        made = []
        for number in range(numbers[MEDICAL_CITY]):
            specialty = MEDICAL_CITY_SPECIALTIES[number % len(MEDICAL_CITY_SPECIALTIES)]
            while True:
                lon = round(MEDICAL_CITY_SITE[0] + self.rng.uniform(-0.003, 0.003), 6)
                lat = round(MEDICAL_CITY_SITE[1] + self.rng.uniform(-0.003, 0.003), 6)
                home = next((d for d in baghdad if any(shapely.contains_xy(p, lon, lat) for p in d.parts)), None)
                if home is not None:
                    break
            row = self._row(
                MEDICAL_CITY, "hospital", MEDICAL_CITY_PATTERN, specialty, home, (lon, lat), "urban", MEDICAL_CITY
            )  # one campus: numbered across it, so that no two of its hospitals look like one entered twice
            row["address"] = f"مدينة الطب، باب المعظم، {home.governorate_ar}"
            made.append(SyntheticFacility(row, home.pcode))
        people = apportion({district.pcode: district.population for district in baghdad}, numbers[PEOPLES_CLINICS])
        for district in baghdad:
            for _ in range(people[district.pcode]):
                point = point_in(district, self.rng)
                place = self._place(PEOPLES_CLINICS, "urban")
                row = self._row(PEOPLES_CLINICS, "other", PEOPLES_CLINIC_PATTERN, place, district, point, "urban")
                made.append(SyntheticFacility(row, district.pcode))
        return made

    def _row(
        self,
        directorate: str,
        kind: str,
        pattern: tuple[str, str],
        place: Place,
        district: DemoDistrict,
        point: tuple[float, float],
        settlement: str,
        numbered_by: str = "",
    ) -> dict[str, str]:
        """One row; names are numbered per directorate and place (or `numbered_by`, when given)."""
        rng = self.rng
        named_after = numbered_by or (place.ar if "{p}" in pattern[0] else district.place.ar)
        self.names[(directorate, named_after)] += 1
        kurdish_type = self.types[kind].name_ckb if self.authorities[directorate] == "krg-moh" else ""
        name_ar, name_en, name_ckb = facility_names(
            pattern, place, district.place, self.names[(directorate, named_after)], kurdish_type
        )
        self.codes[directorate] += 1
        row = dict.fromkeys(COLUMNS, "")
        source = rng.choices(("gps_survey", "map", "geocoded"), weights=(85, 10, 5))[0]
        row.update(
            code=f"IQ-{directorate.upper()}-{self.codes[directorate]:05d}",
            name_ar=name_ar,
            name_en=name_en,
            name_ckb=name_ckb,
            facility_type=kind,
            ownership="public_moh",
            managing_authority=self.authorities[directorate],
            directorate=directorate,
            latitude=f"{point[1]:.6f}",
            longitude=f"{point[0]:.6f}",
            location_source=source,
            location_precision_m=str(rng.randint(*_PRECISION[source])),
            settlement=settlement,
            address=f"{place.ar}، {district.place.ar}، {district.governorate_ar}",
        )
        row.update(self._status(kind))
        return row

    def _status(self, kind: str) -> dict[str, str]:
        """Mostly open; a few planned, temporarily closed (many since 2014) or closed for good, with dates."""
        rng = self.rng
        status = rng.choices(
            ("open", "planned", "temporarily_closed", "permanently_closed"), weights=(93, 1.5, 3.5, 2)
        )[0]
        if status == "planned":
            return {"status": status}
        first = 1955 if kind == "hospital" else 1975
        opened = _day(rng, datetime.date(first, 1, 1), datetime.date(2020, 12, 31))
        values = {"status": status, "opened_on": opened.isoformat()}
        if status == "open":
            values["functional"] = rng.choices(("yes", "no", ""), weights=(90, 3, 7))[0]
        else:
            start = max(opened, datetime.date(2014 if status == "temporarily_closed" else 2005, 1, 1))
            values["closed_on"] = _day(rng, start, datetime.date(2021, 12, 31)).isoformat()
            values["functional"] = "no" if status == "temporarily_closed" else ""
        return values


_CATCHMENT = {"urban": (10_000, 30_000), "rural": (3_000, 12_000), "camp": (5_000, 25_000)}
_PRECISION = {"gps_survey": (3, 30), "map": (50, 500), "geocoded": (500, 2000)}


def _day(rng: random.Random, first: datetime.date, last: datetime.date) -> datetime.date:
    return first + datetime.timedelta(days=rng.randint(0, (last - first).days))


def _alias(kind: str, place: Place, district: DemoDistrict) -> str:
    """An older or local name, the way people still call the place."""
    if kind == "hospital":
        return f"المستشفى الجمهوري في {district.place.ar}{MARK_AR}"
    return f"مستوصف {place.ar}{MARK_AR}"
