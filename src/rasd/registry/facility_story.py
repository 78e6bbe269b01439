"""One facility as its page tells it: where it lies, what it is linked to, and every change in its history,
each shown as the fields that changed from the version before (values in the reader's language)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.db.models import Field
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.registry.history import timeline
from rasd.registry.models import ATTRIBUTE_FIELDS, AdminArea, Facility, FacilityAlias, FacilityVersion
from rasd.registry.selectors import with_areas


@dataclass
class FieldChange:
    label: str
    before: str | None  # None: not known (the version before is outside the reader's scope, or there is none)
    after: str


@dataclass
class TimelineEntry:
    version: FacilityVersion
    changes: list[FieldChange] = field(default_factory=list)


@dataclass
class Related:
    """Facilities linked to this one that the reader may see (links to others are not shown at all)."""

    parent: Facility | None
    branches: list[Facility]
    merged_into: Facility | None
    absorbed: list[Facility]
    split_from: Facility | None
    split_into: list[Facility]
    aliases: list[FacilityAlias]


def lineage(area: AdminArea | None) -> list[AdminArea]:
    """Governorate › district › sub-district (the country left out)."""
    return [step for step in area.lineage() if step.level > 0] if area is not None else []


def related(user: User, facility: Facility) -> Related:
    visible = scoped(user, Facility.objects.all()).order_by("code")

    def one(pk: int | None) -> Facility | None:
        return visible.filter(pk=pk).first() if pk is not None else None

    return Related(
        parent=one(facility.parent_id),
        branches=list(visible.filter(parent=facility)),
        merged_into=one(facility.merged_into_id),
        absorbed=list(visible.filter(merged_into=facility)),
        split_from=one(facility.split_from_id),
        split_into=list(visible.filter(split_from=facility)),
        aliases=list(scoped(user, FacilityAlias.objects.filter(facility=facility))),
    )


_RELATED = ("facility_type", "directorate", "sector", "managing_authority", "parent", "merged_into")


def display(version: FacilityVersion, name: str) -> str:
    """One attribute of a version as a reader sees it: labels for choices, names for links, '—' when empty."""
    model_field = FacilityVersion._meta.get_field(name)
    value: Any = getattr(version, name)
    if value is None or value == "":
        return "—"
    if getattr(model_field, "choices", None):
        return str(getattr(version, f"get_{name}_display")())
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if isinstance(value, Facility):
        return value.code
    if isinstance(value, AdminArea):
        return f"{value.name} ({value.pcode})"
    return str(value)  # names of linked records in the reader's language, dates as YYYY-MM-DD, numbers


def _label(name: str) -> str:
    model_field = FacilityVersion._meta.get_field(name)
    assert isinstance(model_field, Field)
    return capfirst(str(model_field.verbose_name))


def history(user: User, facility: Facility) -> list[TimelineEntry]:
    """The versions the reader may see, newest first, each with what changed since the version before.

    A version recorded while the facility belonged elsewhere is outside a directorate's scope; the next visible
    version then lists its changed fields without the earlier values."""
    versions = with_areas(scoped(user, timeline(facility)).select_related(*_RELATED), 0)
    shown = list(versions)
    entries = []
    for index, version in enumerate(shown):
        older = shown[index + 1] if index + 1 < len(shown) else None
        if older is not None and older.number != version.number - 1:
            older = None
        entries.append(TimelineEntry(version, _changes(version, older)))
    return entries


def _changes(version: FacilityVersion, older: FacilityVersion | None) -> list[FieldChange]:
    if older is None:
        if version.number == 1:
            return []  # the first version: the whole record, as shown on the page
        names = [name for name in ATTRIBUTE_FIELDS if name in version.changed_fields]
        return [FieldChange(_label(name), None, display(version, name)) for name in names]
    changes = []
    for name in ATTRIBUTE_FIELDS:
        before, after = display(older, name), display(version, name)
        if before != after:
            changes.append(FieldChange(_label(name), before, after))
    return changes
