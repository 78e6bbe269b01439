"""Rules on a facility's location: missing, at (0, 0), outside the country, its area or its directorate's
governorate (boundaries are coarse, so these two allow the configured tolerance), shared with another facility."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator, Sequence

from django.utils.translation import gettext as _

from rasd.registry.quality.base import Row
from rasd.registry.quality.places import Places, at_null_island, is_located

Found = Iterator[tuple[Row, str]]


def missing_location(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        if not is_located(row):
            yield row, _("No coordinates.")


def null_island(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        if is_located(row) and at_null_island(row):
            yield row, _("The coordinates are (0, 0), in the sea off West Africa: a blank read as zero.")


def outside_country(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        if places.inside_country(row) is False:
            yield (
                row,
                _("The point (%(latitude)s, %(longitude)s) lies outside the country.")
                % {
                    "latitude": row.latitude,
                    "longitude": row.longitude,
                },
            )


def _km(distance: float) -> str:
    return f"{distance:.1f}"


def outside_assigned_area(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        if row.admin_area_overridden and row.admin_area_id is not None and places.inside_country(row):
            distance = places.km_outside(row, row.admin_area_id)
            if distance > places.tolerance_km:
                yield row, _("The point lies %(km)s km outside the area that was set by hand.") % {"km": _km(distance)}


def outside_directorate_governorate(rows: Sequence[Row], places: Places) -> Found:
    for row in rows:
        expected = places.governorate_id(row.governorate_pcode) if row.governorate_pcode else None
        if expected is None or not places.inside_country(row) or places.governorate(row) == row.governorate_pcode:
            continue
        distance = places.km_outside(row, expected)
        if distance > places.tolerance_km:
            yield (
                row,
                _(
                    "The point lies %(km)s km outside %(pcode)s, the main governorate of its directorate "
                    "(right for some facilities near a border)."
                )
                % {"km": _km(distance), "pcode": row.governorate_pcode},
            )


def shared_coordinates(rows: Sequence[Row], places: Places) -> Found:
    at: dict[tuple[float, float], list[Row]] = defaultdict(list)
    for row in rows:
        if is_located(row) and not at_null_island(row):
            assert row.latitude is not None and row.longitude is not None
            at[(round(row.latitude, 6), round(row.longitude, 6))].append(row)
    for group in at.values():
        for row in group if len(group) > 1 else ():
            others = [other.code for other in group if other is not row]
            # Translators: separator between items of a list of names (Arabic uses "، ").
            yield row, _("Exactly the same coordinates as %(codes)s.") % {"codes": _(", ").join(others)}
