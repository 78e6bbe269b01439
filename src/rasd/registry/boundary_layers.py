"""The current boundary edition as GeoJSON for the maps (drawn from rasd's own data: no internet needed)."""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass

from django.conf import settings

from rasd.registry.geo import current_boundary_set
from rasd.registry.models import AdminArea

BOUNDARY_LEVELS = (1, 2, 3)


@dataclass(frozen=True)
class BoundaryLayer:
    content: bytes
    etag: str


def _in_language(language: str, area: tuple[str, str, str]) -> str:
    arabic, english, kurdish = area
    preferred = {"ar": arabic, "en": english, "ckb": kurdish}.get(language, "")
    return preferred or arabic or english


def boundary_layer(*, language: str, level: int = BOUNDARY_LEVELS[0], pcode: str = "") -> BoundaryLayer:
    """The areas of one level, or the one area with `pcode`, as a FeatureCollection with their p-code and name.

    The ETag is a hash of the content, so it changes when an area is renamed or a new edition is made current."""
    boundary_set = current_boundary_set()
    areas = AdminArea.objects.filter(boundary_set=boundary_set)
    areas = areas.filter(pcode=pcode) if pcode else areas.filter(level=level)
    features = [
        {
            "type": "Feature",
            "geometry": geometry,
            "properties": {"pcode": code, "name": _in_language(language, (name_ar, name_en, name_ckb))},
        }
        for code, name_ar, name_en, name_ckb, geometry in areas.order_by("pcode").values_list(
            "pcode", "name_ar", "name_en", "name_ckb", "geometry"
        )
    ]
    collection = {"type": "FeatureCollection", "features": features}
    if boundary_set is not None:
        collection["attribution"] = f"{boundary_set.source} ({boundary_set.licence})"
    content = json.dumps(collection, ensure_ascii=False, separators=(",", ":")).encode()
    return BoundaryLayer(content=content, etag=f'"{hashlib.sha256(content).hexdigest()[:32]}"')


def basemap() -> dict[str, str]:
    """The optional tile server for a basemap under the boundaries (RASD_MAP_TILE_URL); empty: none."""
    return {"url": settings.MAP_TILE_URL, "attribution": settings.MAP_TILE_ATTRIBUTION}
