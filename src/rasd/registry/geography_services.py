"""Loading boundary editions and population figures (reference data, idempotent)."""

from __future__ import annotations

import csv
import datetime
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import ScopeKind, scope_of
from rasd.audit import services as audit
from rasd.registry.models import AdminArea, BoundarySet, Directorate, PopulationFigure
from rasd.registry.models.geography import AdminLevel

IRAQ_DATA = Path(__file__).resolve().parent / "data" / "iraq"
CENSUS_2024 = "COSIT census 2024"
KONTUR_2023 = "Kontur Population 2023 (modelled)"


@dataclass(frozen=True)
class BoundaryEdition:
    code: str
    name: str
    source: str
    licence: str
    valid_on: datetime.date
    files: dict[int, str]  # level -> GeoJSON file name


COD_AB_IRAQ_2019 = BoundaryEdition(
    code="cod-ab-irq-2019",
    name="COD-AB Iraq 2019 (CSO)",
    source="OCHA / Iraq Central Statistical Organization, via HDX cod-ab-irq",
    licence="CC BY-IGO",
    valid_on=datetime.date(2019, 6, 3),
    files={
        0: "irq_admbnda_adm0_cso_itos_20190603.geojson",
        1: "irq_admbnda_adm1_cso_20190603.geojson",
        2: "irq_admbnda_adm2_cso_20190603.geojson",
        3: "irq_admbnda_adm3_cso_20190603.geojson",
    },
)


@dataclass
class GeographySummary:
    areas_created: int = 0
    areas_updated: int = 0
    figures_written: int = 0
    notes: list[str] = field(default_factory=list)


def _bbox(geometry: dict[str, Any]) -> tuple[float, float, float, float]:
    rings = (
        geometry["coordinates"]
        if geometry["type"] == "Polygon"
        else [ring for polygon in geometry["coordinates"] for ring in polygon]
    )
    xs = [point[0] for ring in rings for point in ring]
    ys = [point[1] for ring in rings for point in ring]
    return min(xs), min(ys), max(xs), max(ys)


def _kurdish_governorate_names(directory: Path) -> dict[str, str]:
    with (directory / "irq_adm1_code_crosswalk.csv").open(encoding="utf-8-sig") as handle:
        rows = csv.DictReader(handle)
        # The source writes some as "Erbil governorate" (پارێزگای …); keep the place name only.
        return {
            row["ADM1_PCODE"]: row["name_ku_arabic_script"].removeprefix("پارێزگای ").strip()
            for row in rows
            if row["name_ku_arabic_script"]
        }


@transaction.atomic
def load_boundaries(
    edition: BoundaryEdition = COD_AB_IRAQ_2019, directory: Path = IRAQ_DATA, make_current: bool = True
) -> GeographySummary:
    """Create or update the areas of one boundary edition: geometry and hierarchy follow the files; names follow them
    only where rasd has none yet, so corrections made by users survive a reload."""
    summary = GeographySummary()
    boundary_set, created = BoundarySet.objects.update_or_create(
        code=edition.code,
        defaults={
            "name": edition.name,
            "source": edition.source,
            "licence": edition.licence,
            "valid_on": edition.valid_on,
        },
    )
    kurdish = _kurdish_governorate_names(directory)
    existing = {area.pcode: area for area in AdminArea.objects.filter(boundary_set=boundary_set)}
    for level, file_name in sorted(edition.files.items()):
        features = json.loads((directory / file_name).read_text(encoding="utf-8"))["features"]
        for feature in features:
            props = feature["properties"]
            pcode = props[f"ADM{level}_PCODE"]
            parent = existing.get(props[f"ADM{level - 1}_PCODE"]) if level > 0 else None
            min_lon, min_lat, max_lon, max_lat = _bbox(feature["geometry"])
            names = {
                "name_ar": props[f"ADM{level}_AR"] or "",
                "name_en": props[f"ADM{level}_EN"] or "",
                "name_ckb": kurdish.get(pcode, ""),
            }
            values: dict[str, Any] = {
                "level": level,
                "parent": parent,
                "geometry": feature["geometry"],
                "min_lon": min_lon,
                "min_lat": min_lat,
                "max_lon": max_lon,
                "max_lat": max_lat,
            }
            area = existing.get(pcode)
            if area is None:
                area = AdminArea.objects.create(boundary_set=boundary_set, pcode=pcode, **names, **values)
                existing[pcode] = area
                summary.areas_created += 1
                continue
            # Names people corrected or completed in rasd (admin_area.renamed) win over the file's; the file only
            # fills names that are still blank.
            values.update({name: value for name, value in names.items() if value and not getattr(area, name)})
            changed = {name: value for name, value in values.items() if getattr(area, name) != value}
            if changed:
                for name, value in changed.items():
                    setattr(area, name, value)
                area.save()
                summary.areas_updated += 1
    if make_current and not boundary_set.is_current:
        BoundarySet.objects.filter(is_current=True).update(is_current=False)
        boundary_set.is_current = True
        boundary_set.save(update_fields=["is_current"])
    if created or summary.areas_created or summary.areas_updated:
        audit.record(
            "boundary_set.loaded",
            boundary_set,
            after={"areas_created": summary.areas_created, "areas_updated": summary.areas_updated},
            reason=f"reference data {edition.code}",
        )
    summary.figures_written = _load_iraq_population(boundary_set, directory)
    return summary


def _upsert_figure(area: AdminArea, year: int, population: int, source: str, modelled: bool) -> bool:
    figure, created = PopulationFigure.objects.get_or_create(
        area=area, year=year, source=source, defaults={"population": population, "is_modelled": modelled}
    )
    if not created and (figure.population, figure.is_modelled) != (population, modelled):
        figure.population, figure.is_modelled = population, modelled
        figure.save(update_fields=["population", "is_modelled"])
        return True
    return created


def _load_iraq_population(boundary_set: BoundarySet, directory: Path) -> int:
    """2024 census per governorate and district; Kontur's model only for districts the census leaves blank."""
    areas = {area.pcode: area for area in AdminArea.objects.filter(boundary_set=boundary_set, level__lte=2)}
    written = 0

    def rows(name: str) -> list[dict[str, str]]:
        with (directory / name).open(encoding="utf-8-sig") as handle:
            return list(csv.DictReader(handle))

    national = 0
    for row in rows("irq_population_adm1_census2024.csv"):
        population = int(row["population_2024_on_cod_boundary"])
        national += population
        written += _upsert_figure(areas[row["ADM1_PCODE"]], 2024, population, CENSUS_2024, False)
    country = next((area for area in areas.values() if area.level == 0), None)
    if country is not None:
        written += _upsert_figure(country, 2024, national, CENSUS_2024, False)
    counted = set()
    for row in rows("irq_population_adm2_census2024.csv"):
        if row["population_2024"]:
            counted.add(row["ADM2_PCODE"])
            written += _upsert_figure(areas[row["ADM2_PCODE"]], 2024, int(row["population_2024"]), CENSUS_2024, False)
    for row in rows("irq_population_adm2_kontur2023.csv"):
        if row["ADM2_PCODE"] not in counted:
            written += _upsert_figure(
                areas[row["ADM2_PCODE"]], 2023, int(row["population_kontur_2023"]), KONTUR_2023, True
            )
    return written


@transaction.atomic
def rename_area(actor: User, area: AdminArea, *, name_ar: str, name_en: str, name_ckb: str, reason: str) -> bool:
    """Correct or complete an area's names (open data has almost no Kurdish names). Only national and
    authority-level managers may, since boundaries are shared by everyone. Returns whether anything changed."""
    scope = scope_of(actor)
    if not actor.can(Perm.MANAGE_REGISTRY) or scope.kind not in (ScopeKind.ALL, ScopeKind.AUTHORITY):
        raise PermissionDenied(_("Only national managers may change the names of administrative areas."))
    if scope.kind == ScopeKind.AUTHORITY:
        # An authority's managers name the governorates its directorates serve, and what lies within them.
        served = set(
            Directorate.objects.filter(authority_id__in=scope.authority_ids).values_list("governorate_pcode", flat=True)
        )
        governorate = next((a.pcode for a in area.lineage() if a.level == AdminLevel.GOVERNORATE), None)
        if governorate not in served:
            raise PermissionDenied(_("This area lies outside the governorates your authority serves."))
    if not name_ar.strip():
        raise ValidationError({"name_ar": [_("The Arabic name is required.")]})
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why.")]})
    fields = ("name_ar", "name_en", "name_ckb")
    before = audit.snapshot(area, fields)
    area.name_ar, area.name_en, area.name_ckb = name_ar.strip(), name_en.strip(), name_ckb.strip()
    after = audit.snapshot(area, fields)
    if before == after:
        return False
    area.save(update_fields=list(fields))
    audit.record("admin_area.renamed", area, before=before, after=after, reason=reason)
    return True
