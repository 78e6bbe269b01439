"""Where facilities' points fall in the current boundary set, worked out once for all the rows being checked."""

from __future__ import annotations

from collections.abc import Sequence
from functools import cached_property

from rasd.registry import geo
from rasd.registry.models import AdminArea, BoundarySet
from rasd.registry.models.geography import AdminLevel
from rasd.registry.quality.base import Row


def is_located(row: Row) -> bool:
    return row.latitude is not None and row.longitude is not None


def at_null_island(row: Row) -> bool:
    return row.latitude == 0 and row.longitude == 0


def _point(row: Row) -> tuple[float, float]:
    assert row.longitude is not None and row.latitude is not None
    return row.longitude, row.latitude


class Places:
    """Located rows (not at (0, 0)) placed in the current boundary set with one vectorised lookup, on first use."""

    def __init__(self, rows: Sequence[Row], tolerance_km: float) -> None:
        self.rows = rows
        self.tolerance_km = tolerance_km

    @cached_property
    def boundary_set(self) -> BoundarySet | None:
        return geo.current_boundary_set()

    @cached_property
    def _placements(self) -> dict[int, tuple[int | None, bool]]:
        """Row id → (deepest area containing the point, inside the country)."""
        located = [row for row in self.rows if is_located(row) and not at_null_island(row)]
        if self.boundary_set is None:
            return {}
        areas, inside = geo.locate_many([_point(row) for row in located], self.boundary_set)
        return {row.id: (area, within) for row, area, within in zip(located, areas, inside, strict=True)}

    @cached_property
    def _areas(self) -> dict[int, tuple[int | None, str, int]]:
        """Area id → (parent id, p-code, level) for the current boundary set."""
        return {
            pk: (parent, pcode, level)
            for pk, parent, pcode, level in AdminArea.objects.filter(boundary_set=self.boundary_set).values_list(
                "pk", "parent_id", "pcode", "level"
            )
        }

    @cached_property
    def _governorates(self) -> dict[str, int]:
        return {pcode: pk for pk, (_parent, pcode, level) in self._areas.items() if level == AdminLevel.GOVERNORATE}

    def _lineage(self, area_id: int | None) -> list[int]:
        chain = []
        while area_id is not None and area_id in self._areas:
            chain.append(area_id)
            area_id = self._areas[area_id][0]
        return chain

    def inside_country(self, row: Row) -> bool | None:
        """None when it cannot be told: no coordinates, at (0, 0), or no boundaries loaded."""
        placement = self._placements.get(row.id)
        return None if placement is None else placement[1]

    def governorate(self, row: Row) -> str | None:
        """The p-code of the governorate the point lies in."""
        placement = self._placements.get(row.id)
        for area_id in self._lineage(placement[0] if placement else None):
            if self._areas[area_id][2] == AdminLevel.GOVERNORATE:
                return self._areas[area_id][1]
        return None

    def governorate_id(self, pcode: str) -> int | None:
        return self._governorates.get(pcode)

    def km_outside(self, row: Row, area_id: int) -> float:
        """How far the point lies outside the area (0 inside it)."""
        placement = self._placements.get(row.id)
        if placement is not None and area_id in self._lineage(placement[0]):
            return 0.0
        longitude, latitude = _point(row)
        return geo.distance_to_area_km(longitude, latitude, geo.area(area_id))
