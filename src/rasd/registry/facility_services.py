"""Every change to the facility list: create, change, close, reopen, merge, split, in batches or one at a time.

Each change writes a new `FacilityVersion` dated from its effective day, closes the previous version, updates the
current row and appends an audit entry — all in one transaction. Writes are batched (bulk inserts), so an import
of 50,000 facilities costs a handful of queries per thousand rows, not per row.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import Scope, ScopeKind, covers, scope_of, scoped
from rasd.audit import services as audit
from rasd.audit.models import AuditEntry
from rasd.registry import geo
from rasd.registry.facility_rules import FacilityDetails, code_problems, detail_problems, effective_date_problems
from rasd.registry.models import (
    ATTRIBUTE_FIELDS,
    AliasKind,
    Facility,
    FacilityAlias,
    FacilityVersion,
    OperationalStatus,
    VersionChange,
)
from rasd.registry.names import normalise

AUDITED = tuple(name for name in ATTRIBUTE_FIELDS)


@dataclass
class FacilityWrite:
    """One facility to create (facility is None) or change."""

    code: str
    details: FacilityDetails
    facility: Facility | None = None
    change: str = ""  # defaults to created/updated
    force_version: bool = False  # write a version even when no attribute changed (e.g. a merge absorbed codes)
    noted: dict[str, Any] = field(default_factory=dict)  # what else the audit entry records: {"what": [before, after]}
    split_from: Facility | None = None  # for a new facility carved out of another


@dataclass
class WriteSummary:
    created: list[Facility] = field(default_factory=list)
    updated: list[Facility] = field(default_factory=list)
    unchanged: int = 0


def today() -> datetime.date:
    return timezone.localdate()


def _snapshot(values: dict[str, Any]) -> dict[str, Any]:
    return {name: (value.pk if hasattr(value, "pk") else value) for name, value in values.items()}


def _json_snapshot(instance: Facility) -> dict[str, Any]:
    return audit.snapshot(instance, AUDITED)


def _require(actor: User | None, facility_scopes: Sequence[Scope | Facility]) -> None:
    """The actor may manage facilities, and every facility or target placement is inside their scope.

    `actor` None is the system itself (a command run by the server's administrator)."""
    if actor is None:
        return
    if not actor.can(Perm.MANAGE_REGISTRY):
        raise PermissionDenied(_("You may not change the facility list."))
    own = scope_of(actor)
    existing = [item.pk for item in facility_scopes if isinstance(item, Facility) and item.pk]
    if existing and scoped(actor, Facility.objects.filter(pk__in=existing)).count() != len(set(existing)):
        raise PermissionDenied(_("A facility is outside your scope."))
    for item in {item for item in facility_scopes if isinstance(item, Scope)}:  # a batch has few distinct places
        if not covers(own, item):
            raise PermissionDenied(_("You may only place facilities inside your own scope."))


def placement_scope(details: FacilityDetails) -> Scope:
    """The narrowest scope that contains a facility placed by these details."""
    if details.sector is not None:
        return Scope(kind=ScopeKind.SECTORS, sector_ids=frozenset([details.sector.pk]))
    return Scope(kind=ScopeKind.DIRECTORATES, directorate_ids=frozenset([details.directorate.pk]))


def _search_text(code: str, details: FacilityDetails, aliases: Sequence[str]) -> str:
    parts = [code.casefold(), details.name_ar, details.name_en, details.name_ckb, *aliases]
    return " ".join(normalise(part) for part in parts if part)


def complete_details(batch: Sequence[FacilityDetails]) -> None:
    """Fill in what the service derives: the managing authority (the directorate's, unless given) and the area
    (from the coordinates, unless someone set it by hand with a reason). All points are placed at once."""
    located: list[FacilityDetails] = []
    points: list[tuple[float, float]] = []
    for details in batch:
        if not details.admin_area_overridden and details.latitude is not None and details.longitude is not None:
            located.append(details)
            points.append((details.longitude, details.latitude))
    area_ids, _inside = geo.locate_many(points)
    for details in batch:
        if details.managing_authority is None:
            details.managing_authority = details.directorate.authority
        if not details.admin_area_overridden:
            details.admin_area = None
    for details, area_id in zip(located, area_ids, strict=True):
        details.admin_area = None if area_id is None else geo.area(area_id)


def _codes_in_use(codes: Sequence[str]) -> set[str]:
    taken: set[str] = set()
    for start in range(0, len(codes), 1000):
        taken.update(Facility.objects.filter(code__in=codes[start : start + 1000]).values_list("code", flat=True))
    return taken


def _validate(writes: Sequence[FacilityWrite], valid_from: datetime.date) -> None:
    problems: dict[str, list[str]] = {}
    seen: set[str] = set()
    taken = _codes_in_use([write.code for write in writes if write.facility is None])
    for write in writes:
        label = write.code or "?"
        found = detail_problems(write.details, write.facility)
        if write.facility is None:
            found_code = code_problems(write.code)
            if write.code in seen or write.code in taken:
                found_code.append(_("The code %(code)s is already in use (codes are never reused).") % {"code": label})
            if found_code:
                found["code"] = found_code
        elif late := effective_date_problems(write.facility, valid_from):
            found.setdefault("valid_from", []).extend(late)
        seen.add(write.code)
        for name, messages in found.items():
            problems.setdefault(f"{label}: {name}", []).extend(messages)
    if problems:
        raise ValidationError(problems)


@transaction.atomic
def write_facilities(
    actor: User | None,
    writes: Sequence[FacilityWrite],
    *,
    valid_from: datetime.date | None = None,
    reason: str = "",
) -> WriteSummary:
    """Create and change facilities in one transaction; nothing is stored if any of them is invalid."""
    valid_from = valid_from or today()
    _require(actor, [w.facility for w in writes if w.facility] + [placement_scope(w.details) for w in writes])
    complete_details([write.details for write in writes])
    _validate(writes, valid_from)
    summary = WriteSummary()
    now = timezone.now()
    versions: list[FacilityVersion] = []
    entries: list[AuditEntry] = []
    alias_values = _aliases_by_facility([w.facility for w in writes if w.facility])
    to_create: list[tuple[Facility, FacilityWrite]] = []
    to_update: list[tuple[Facility, FacilityWrite, dict[str, Any]]] = []
    for write in writes:
        values = write.details.values()
        if write.facility is None:
            facility = Facility(
                code=write.code, version=1, valid_from=valid_from, split_from=write.split_from, **values
            )
            facility.search_text = _search_text(write.code, write.details, [])
            to_create.append((facility, write))
            continue
        facility = write.facility
        before = _json_snapshot(facility)
        for name, value in values.items():
            setattr(facility, name, value)
        after = _json_snapshot(facility)
        if before == after and not write.force_version:
            summary.unchanged += 1
            continue
        facility.version += 1
        facility.valid_from = valid_from
        facility.search_text = _search_text(facility.code, write.details, alias_values.get(facility.pk, []))
        to_update.append((facility, write, audit.diff(before, after)))
    created = Facility.objects.bulk_create([facility for facility, _write in to_create], batch_size=1000)
    for facility, write in zip(created, (write for _facility, write in to_create), strict=True):
        change = write.change or VersionChange.CREATED
        versions.append(_version(facility, change, valid_from, reason, actor, sorted(ATTRIBUTE_FIELDS)))
        changes = {**audit.diff({}, _json_snapshot(facility)), **write.noted}
        entries.append(_entry(actor, now, f"facility.{change}", facility, changes, reason))
        summary.created.append(facility)
    if to_update:
        Facility.objects.bulk_update(
            [facility for facility, _write, _diff in to_update],
            [*ATTRIBUTE_FIELDS, "version", "valid_from", "search_text", "updated_at"],
            batch_size=1000,
        )
        FacilityVersion.objects.filter(
            facility__in=[facility for facility, _write, _diff in to_update], valid_to__isnull=True
        ).update(valid_to=valid_from)
    for facility, write, changes in to_update:
        change = write.change or VersionChange.UPDATED
        versions.append(_version(facility, change, valid_from, reason, actor, sorted(changes)))
        entries.append(_entry(actor, now, f"facility.{change}", facility, {**changes, **write.noted}, reason))
        summary.updated.append(facility)
    FacilityVersion.objects.bulk_create(versions, batch_size=1000)
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return summary


def _version(
    facility: Facility,
    change: str,
    valid_from: datetime.date,
    reason: str,
    actor: User | None,
    changed: list[str],
) -> FacilityVersion:
    return FacilityVersion(
        facility=facility,
        number=facility.version,
        valid_from=valid_from,
        change=change,
        reason=reason,
        changed_fields=changed,
        actor=actor,
        **{name: getattr(facility, name) for name in ATTRIBUTE_FIELDS},
    )


def _entry(
    actor: User | None,
    now: datetime.datetime,
    action: str,
    facility: Facility,
    changes: dict[str, Any],
    reason: str,
) -> AuditEntry:
    written = audit.entry(action, facility, actor=actor, changes=changes, reason=reason)
    written.created_at = now
    return written


def _aliases_by_facility(facilities: Sequence[Facility | None]) -> dict[int, list[str]]:
    ids = [facility.pk for facility in facilities if facility is not None]
    aliases: dict[int, list[str]] = {}
    for facility_id, value in FacilityAlias.objects.filter(facility_id__in=ids).values_list("facility_id", "value"):
        aliases.setdefault(facility_id, []).append(value)
    return aliases


# One facility at a time -------------------------------------------------------------------------------------


def create_facility(
    actor: User | None,
    code: str,
    details: FacilityDetails,
    *,
    valid_from: datetime.date | None = None,
    reason: str = "",
) -> Facility:
    return write_facilities(actor, [FacilityWrite(code, details)], valid_from=valid_from, reason=reason).created[0]


def update_facility(
    actor: User | None,
    facility: Facility,
    details: FacilityDetails,
    *,
    reason: str,
    valid_from: datetime.date | None = None,
) -> bool:
    """Store a new version if anything changed; returns whether it did. A reason is required."""
    _require_reason(reason)
    summary = write_facilities(
        actor, [FacilityWrite(facility.code, details, facility)], valid_from=valid_from, reason=reason
    )
    return bool(summary.updated)


def _require_reason(reason: str) -> None:
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why.")]})


def close_facility(
    actor: User | None, facility: Facility, *, on: datetime.date, permanently: bool, reason: str
) -> Facility:
    _require_reason(reason)
    details = FacilityDetails.of(facility)
    details.status = OperationalStatus.PERMANENTLY_CLOSED if permanently else OperationalStatus.TEMPORARILY_CLOSED
    details.closed_on = on
    details.functional = False  # a closed facility does not function, whatever was last reported
    write = FacilityWrite(facility.code, details, facility, change=VersionChange.CLOSED)
    write_facilities(actor, [write], valid_from=on, reason=reason)
    return facility


def reopen_facility(actor: User | None, facility: Facility, *, on: datetime.date, reason: str) -> Facility:
    _require_reason(reason)
    if facility.merged_into_id:
        raise ValidationError({"status": [_("A merged facility cannot reopen; its code lives on in the other one.")]})
    details = FacilityDetails.of(facility)
    details.status = OperationalStatus.OPEN
    details.closed_on = None
    details.functional = None  # unknown until someone reports on it again
    write = FacilityWrite(facility.code, details, facility, change=VersionChange.REOPENED)
    write_facilities(actor, [write], valid_from=on, reason=reason)
    return facility


@transaction.atomic
def merge_facilities(
    actor: User | None, *, keep: Facility, absorb: Facility, on: datetime.date, reason: str
) -> Facility:
    """`absorb` was the same place as `keep`: it closes for good, its code and names become aliases of `keep`,
    its branches move to `keep`, and both histories stay."""
    _require_reason(reason)
    if keep.pk == absorb.pk:
        raise ValidationError({"absorb": [_("A facility cannot be merged into itself.")]})
    if absorb.merged_into_id:
        raise ValidationError({"absorb": [_("This facility was already merged.")]})
    aliases = [(AliasKind.CODE, absorb.code, "")] + [
        (AliasKind.NAME, name, language)
        for language, name in (("ar", absorb.name_ar), ("en", absorb.name_en), ("ckb", absorb.name_ckb))
        if name and name not in {keep.name_ar, keep.name_en, keep.name_ckb}
    ]
    _require(actor, [keep, absorb])
    for kind, value, language in aliases:
        FacilityAlias.objects.get_or_create(facility=keep, kind=kind, value=value, defaults={"language": language})
    gone = FacilityDetails.of(absorb)
    gone.status = OperationalStatus.PERMANENTLY_CLOSED
    gone.closed_on = gone.closed_on or on
    gone.merged_into = keep
    gone.functional = False
    writes = [
        FacilityWrite(absorb.code, gone, absorb, change=VersionChange.MERGED_AWAY),
        FacilityWrite(
            keep.code,
            FacilityDetails.of(keep),
            keep,
            change=VersionChange.ABSORBED,
            force_version=True,
            noted={"aliases_added": [None, [value for _kind, value, _language in aliases]]},
        ),
    ]
    for branch in Facility.objects.filter(parent=absorb):
        moved = FacilityDetails.of(branch)
        moved.parent = keep
        writes.append(FacilityWrite(branch.code, moved, branch))
    write_facilities(actor, writes, valid_from=on, reason=reason)
    return keep


@transaction.atomic
def split_facility(
    actor: User | None,
    facility: Facility,
    *,
    into: Sequence[tuple[str, FacilityDetails]],
    on: datetime.date,
    close_original: bool,
    reason: str,
) -> list[Facility]:
    """New facilities carved out of one; the original closes for good or carries on, as chosen."""
    _require_reason(reason)
    if not into:
        raise ValidationError({"into": [_("Name at least one new facility.")]})
    writes = [
        FacilityWrite(
            code,
            details,
            change=VersionChange.SPLIT_FROM,
            split_from=facility,
            noted={"split_from": [None, facility.code]},
        )
        for code, details in into
    ]
    original = FacilityDetails.of(facility)
    if close_original:
        original.status = OperationalStatus.PERMANENTLY_CLOSED
        original.closed_on = on
        original.functional = False
    noted = {"split_into": [None, [code for code, _details in into]]}
    writes.append(
        FacilityWrite(facility.code, original, facility, change=VersionChange.SPLIT, force_version=True, noted=noted)
    )
    return write_facilities(actor, writes, valid_from=on, reason=reason).created


@transaction.atomic
def add_alias(actor: User | None, facility: Facility, value: str, language: str = "") -> FacilityAlias:
    add_aliases(actor, [(facility, value, language)])
    return FacilityAlias.objects.get(facility=facility, kind=AliasKind.NAME, value=value.strip())


@transaction.atomic
def add_aliases(actor: User | None, names: Sequence[tuple[Facility, str, str]], *, reason: str = "") -> int:
    """Other names for facilities, as (facility, name, language), in one batch; names a facility already has are
    skipped. Returns how many were added."""
    _require(actor, [facility for facility, _value, _language in names])
    known = set(
        FacilityAlias.objects.filter(
            facility_id__in={facility.pk for facility, _value, _language in names}, kind=AliasKind.NAME
        ).values_list("facility_id", "value")
    )
    added: list[FacilityAlias] = []
    for facility, value, language in names:
        if value.strip() and (facility.pk, value.strip()) not in known:
            known.add((facility.pk, value.strip()))
            added.append(FacilityAlias(facility=facility, kind=AliasKind.NAME, value=value.strip(), language=language))
    FacilityAlias.objects.bulk_create(added, batch_size=1000)
    touched = list({alias.facility.pk: alias.facility for alias in added}.values())
    aliases = _aliases_by_facility(touched)
    for facility in touched:
        facility.search_text = _search_text(facility.code, FacilityDetails.of(facility), aliases.get(facility.pk, []))
    Facility.objects.bulk_update(touched, ["search_text"], batch_size=1000)
    now = timezone.now()
    entries = [
        _entry(actor, now, "facility.alias_added", alias.facility, {"alias": [None, alias.value]}, reason)
        for alias in added
    ]
    AuditEntry.objects.bulk_create(entries, batch_size=1000)
    return len(added)
