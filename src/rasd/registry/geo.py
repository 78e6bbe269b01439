"""Point-in-polygon against the current boundary set, fast enough to place 50,000 facilities at import."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
from django.db.models import Count, Max
from shapely import STRtree, prepare
from shapely.geometry import Point, shape

from rasd.registry.models import AdminArea, BoundarySet

# The index of the boundary set in use (one at a time), rebuilt when its areas are added or removed; areas are looked
# up by id from the same cache. A process started before a geometry was edited in place keeps the old shape.
_lock = threading.Lock()
_cache: dict[tuple[int, int, int], _Index] = {}
_areas: dict[int, AdminArea] = {}


@dataclass
class _Index:
    tree: STRtree
    geometries: list[Any]
    area_ids: list[int]
    country: Any


def current_boundary_set() -> BoundarySet | None:
    return BoundarySet.objects.filter(is_current=True).first()


def _index(boundary_set: BoundarySet) -> _Index:
    stats = AdminArea.objects.filter(boundary_set=boundary_set).aggregate(count=Count("pk"), last=Max("pk"))
    key = (boundary_set.pk, stats["count"], stats["last"] or 0)
    with _lock:
        cached = _cache.get(key)
        if cached is not None:
            return cached
        level = AdminArea.objects.filter(boundary_set=boundary_set).aggregate(deepest=Max("level"))["deepest"] or 0
        areas = list(AdminArea.objects.filter(boundary_set=boundary_set, level=level).values_list("pk", "geometry"))
        geometries = [shape(geometry) for _pk, geometry in areas]
        for geometry in geometries:
            prepare(geometry)
        country_row = AdminArea.objects.filter(boundary_set=boundary_set, level=0).values_list("geometry", flat=True)
        country = shape(country_row.first()) if country_row.exists() else None
        if country is not None:
            prepare(country)
        index = _Index(STRtree(geometries), geometries, [pk for pk, _geometry in areas], country)
        _cache.clear()
        _areas.clear()
        _cache[key] = index
        return index


def locate(longitude: float, latitude: float, boundary_set: BoundarySet | None = None) -> int | None:
    """The id of the deepest area containing the point, or None when it lies outside every area."""
    boundary_set = boundary_set or current_boundary_set()
    if boundary_set is None:
        return None
    index = _index(boundary_set)
    point = Point(longitude, latitude)
    for position in index.tree.query(point, predicate="intersects"):
        return index.area_ids[int(position)]
    return None


def area(area_id: int) -> AdminArea:
    """An area by id, cached with the index (imports ask for the same few hundred areas again and again)."""
    cached = _areas.get(area_id)
    if cached is None:
        cached = AdminArea.objects.get(pk=area_id)
        _areas[area_id] = cached
    return cached


def inside_country(longitude: float, latitude: float, boundary_set: BoundarySet | None = None) -> bool:
    boundary_set = boundary_set or current_boundary_set()
    if boundary_set is None:
        return True
    index = _index(boundary_set)
    return index.country is None or bool(index.country.intersects(Point(longitude, latitude)))


def distance_to_area_km(longitude: float, latitude: float, area: AdminArea) -> float:
    """Approximate distance from the point to the area's edge (0 inside), in kilometres."""
    geometry = shape(area.geometry)
    degrees = geometry.distance(Point(longitude, latitude))
    return float(degrees) * 111.0  # one degree ≈ 111 km; precise enough for a tolerance check


def locate_many(
    points: Sequence[tuple[float, float]], boundary_set: BoundarySet | None = None
) -> tuple[list[int | None], list[bool]]:
    """For many (longitude, latitude) points at once: the deepest area containing each (as `locate`) and whether
    each lies inside the country (as `inside_country`). One index lookup and vectorised tests, for checking the
    whole facility list."""
    boundary_set = boundary_set or current_boundary_set()
    if boundary_set is None or not points:
        return [None] * len(points), [True] * len(points)
    index = _index(boundary_set)
    xs = np.array([point[0] for point in points], dtype=float)
    ys = np.array([point[1] for point in points], dtype=float)
    areas: list[int | None] = [None] * len(points)
    point_positions, tree_positions = index.tree.query(shapely.points(xs, ys), predicate="intersects")
    for point_position, tree_position in zip(point_positions.tolist(), tree_positions.tolist(), strict=True):
        if areas[point_position] is None:
            areas[point_position] = index.area_ids[tree_position]
    if index.country is None:
        return areas, [True] * len(points)
    return areas, [bool(inside) for inside in shapely.intersects_xy(index.country, xs, ys)]
