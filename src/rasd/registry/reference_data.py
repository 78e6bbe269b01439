"""Reference data shipped with rasd: health administration and facility types (idempotent, audited)."""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction

from rasd.audit import services as audit
from rasd.registry.models import Authority, Directorate, FacilityType

IRAQ_DATA = Path(__file__).resolve().parent / "data" / "iraq"
NAME_FIELDS = ("name_ar", "name_en", "name_ckb")


@dataclass
class LoadSummary:
    created: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    unchanged: int = 0


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [{key: (value or "").strip() for key, value in row.items()} for row in csv.DictReader(handle)]


def _upsert(
    model: type[Authority] | type[Directorate] | type[FacilityType],
    code: str,
    values: dict[str, object],
    summary: LoadSummary,
    reason: str,
) -> None:
    fields = list(values)
    existing = model.objects.filter(code=code).first()
    if existing is None:
        created = model.objects.create(code=code, **values)
        audit.record(
            f"{model._meta.model_name}.created",
            created,
            after=audit.snapshot(created, ["code", *fields]),
            reason=reason,
        )
        summary.created.append(code)
        return
    before = audit.snapshot(existing, fields)
    for name, value in values.items():
        setattr(existing, name, value)
    after = audit.snapshot(existing, fields)
    if before == after:
        summary.unchanged += 1
        return
    existing.save()
    audit.record(f"{model._meta.model_name}.updated", existing, before=before, after=after, reason=reason)
    summary.updated.append(code)


@transaction.atomic
def load_health_administration(directory: Path = IRAQ_DATA) -> LoadSummary:
    """Create or update authorities and directorates from `authorities.csv` and `directorates.csv`.

    Idempotent: loading the same files again changes nothing and writes no audit entry. Names typed in
    by users are overwritten only where the file has a value (a blank Kurdish name in the file keeps
    the one a user added).
    """
    summary = LoadSummary()
    reason = f"reference data {directory.name}"
    for row in _read(directory / "authorities.csv"):
        existing = Authority.objects.filter(code=row["code"]).first()
        _upsert(Authority, row["code"], _names(row, existing), summary, reason)
    authorities = {authority.code: authority for authority in Authority.objects.all()}
    for row in _read(directory / "directorates.csv"):
        existing_directorate = Directorate.objects.filter(code=row["code"]).first()
        values: dict[str, object] = {
            **_names(row, existing_directorate),
            "authority": authorities[row["authority"]],
            "governorate_pcode": row["governorate_pcode"],
        }
        _upsert(Directorate, row["code"], values, summary, reason)
    return summary


@transaction.atomic
def load_facility_types(directory: Path = IRAQ_DATA) -> LoadSummary:
    """Create or update the facility types from `facility_types.csv` (types added by users are left alone)."""
    summary = LoadSummary()
    for row in _read(directory / "facility_types.csv"):
        existing = FacilityType.objects.filter(code=row["code"]).first()
        values: dict[str, object] = {
            **_names(row, existing),
            "level_of_care": row["level_of_care"],
            "sort_order": int(row["sort_order"]),
        }
        _upsert(FacilityType, row["code"], values, summary, f"reference data {directory.name}")
    return summary


def _names(row: dict[str, str], existing: Authority | Directorate | FacilityType | None) -> dict[str, object]:
    return {name: row[name] or (getattr(existing, name) if existing else "") for name in NAME_FIELDS}
