"""Rules on a facility's record: required attributes, code, names, dates, status and main centre."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterator, Sequence

from django.db.models import Field
from django.utils.translation import gettext as _

from rasd.registry.facility_rules import code_problems
from rasd.registry.models import Facility, OperationalStatus, Ownership
from rasd.registry.names import mixes_scripts, normalise
from rasd.registry.quality.base import Row
from rasd.registry.quality.places import Places

Found = Iterator[tuple[Row, str]]
_CODE_NOISE = re.compile(r"[\s\-_]+")
_CLOSED = (OperationalStatus.TEMPORARILY_CLOSED, OperationalStatus.PERMANENTLY_CLOSED)


def _codes(rows: Sequence[Row]) -> str:
    # Translators: separator between items of a list of names (Arabic uses "، ").
    return _(", ").join(row.code for row in rows)


def _field_label(name: str) -> str:
    field = Facility._meta.get_field(name)
    assert isinstance(field, Field)
    return str(field.verbose_name)


def missing_required(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        missing = []
        if not (row.name_ar.strip() or row.name_en.strip()):
            missing.append(_("name"))
        missing += [
            _field_label(field)
            for field, value in (("facility_type", row.facility_type), ("status", row.status))
            if not value
        ]
        if row.ownership in ("", Ownership.UNKNOWN):
            missing.append(_field_label("ownership"))
        if missing:
            yield row, _("Missing: %(attributes)s.") % {"attributes": _(", ").join(missing)}


def code_format(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        for problem in code_problems(row.code):
            yield row, problem


def _groups(rows: Sequence[Row], key: Callable[[Row], Hashable | None]) -> Iterator[list[Row]]:
    """Rows sharing a key (None keys ignored), for groups of two or more."""
    grouped: dict[Hashable, list[Row]] = defaultdict(list)
    for row in rows:
        value = key(row)
        if value is not None:
            grouped[value].append(row)
    yield from (group for group in grouped.values() if len(group) > 1)


def duplicate_code(rows: Sequence[Row], places: Places) -> Found:
    for group in _groups(rows, lambda row: _CODE_NOISE.sub("", row.code).casefold()):
        for row in group:
            others = [other for other in group if other is not row]
            yield row, _("Same code as %(codes)s once case, spaces and dashes are ignored.") % {"codes": _codes(others)}


def same_name_same_sector(rows: Sequence[Row], places: Places) -> Found:
    found: dict[int, tuple[Row, list[Row]]] = {}
    for name in ("name_ar", "name_en"):

        def key(row: Row, name: str = name) -> tuple[int, int | None, str] | None:
            folded = normalise(getattr(row, name))
            return (row.directorate_id, row.sector_id, folded) if folded else None

        for group in _groups(rows, key):
            for row in group:
                _row, others = found.setdefault(row.id, (row, []))
                others += [other for other in group if other is not row and other not in others]
    for row, others in found.values():
        if row.sector_id is None:
            message = _("Same name as %(codes)s, in the same directorate and outside any sector.")
        else:
            message = _("Same name as %(codes)s, in the same sector.")
        yield row, message % {"codes": _codes(others)}


def opened_after_closed(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        if row.opened_on and row.closed_on and row.opened_on > row.closed_on:
            yield (
                row,
                _("Opened on %(opened)s, after it closed on %(closed)s.")
                % {
                    "opened": row.opened_on.isoformat(),
                    "closed": row.closed_on.isoformat(),
                },
            )


def closed_but_functional(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        if row.status in _CLOSED and row.functional and not row.merged:
            yield row, _("Closed, yet marked functional.")


def branch_without_main_centre(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        if row.parent_id is None:
            if row.facility_type.endswith("-branch"):
                yield row, _("A branch without a main centre.")
        elif row.parent_status == OperationalStatus.PERMANENTLY_CLOSED or row.parent_merged:
            yield row, _("Its main centre is closed for good.")


def name_spacing(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        if any(name != name.strip() or "  " in name for name in row.names):
            yield row, _("A name has doubled spaces, or spaces at its start or end.")


def mixed_scripts(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        for name in row.names:
            if mixes_scripts(name):
                yield row, _("A name mixes Arabic and Latin letters: “%(name)s”.") % {"name": name}
