"""The facility map and the GeoJSON it draws: facilities in scope as points, and the boundaries shipped with rasd
(no internet needed; a tile server for a basemap is optional, see RASD_MAP_TILE_URL)."""

from __future__ import annotations

from django.http import HttpResponse, JsonResponse
from django.shortcuts import render
from django.urls import URLPattern, path
from django.utils.cache import get_conditional_response, patch_cache_control
from django.utils.translation import get_language
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.registry.boundary_layers import BOUNDARY_LEVELS, basemap, boundary_layer
from rasd.registry.facility_filters import FacilityFilterForm
from rasd.registry.models import OperationalStatus
from rasd.registry.selectors import facility_points, filter_facilities
from rasd.registry.views.facilities import query_without_page

GEOJSON = "application/geo+json"


@requires(Perm.VIEW_REGISTRY)
@require_safe
def facility_map(request: AuthenticatedRequest) -> HttpResponse:
    context = {
        "filters": FacilityFilterForm(request.GET or None, user=request.user),
        "query": query_without_page(request),
        "statuses": OperationalStatus.choices,
        "basemap": basemap(),
    }
    return render(request, "registry/facility_map.html", context)


@requires(Perm.VIEW_REGISTRY)
@require_safe
def facility_points_view(request: AuthenticatedRequest) -> HttpResponse:
    """The located facilities in scope that match the list's filters, as GeoJSON points."""
    filters = FacilityFilterForm(request.GET or None, user=request.user)
    points = facility_points(filter_facilities(request.user, filters.filters()), get_language() or "ar")
    return JsonResponse(points, content_type=GEOJSON, json_dumps_params={"ensure_ascii": False})


def _level(value: str | None) -> int:
    try:
        level = int(value or BOUNDARY_LEVELS[0])
    except ValueError:
        return BOUNDARY_LEVELS[0]
    return level if level in BOUNDARY_LEVELS else BOUNDARY_LEVELS[0]


@requires(Perm.VIEW_REGISTRY)
@require_safe
def boundaries(request: AuthenticatedRequest) -> HttpResponse:
    """The current boundary edition's areas of one level (?level=1, 2 or 3), or one area (?pcode=…), as GeoJSON.

    Public reference data, the same for everyone: browsers keep it for an hour and revalidate with its ETag."""
    layer = boundary_layer(
        language=get_language() or "ar", level=_level(request.GET.get("level")), pcode=request.GET.get("pcode", "")
    )
    response = get_conditional_response(request, etag=layer.etag) or HttpResponse(layer.content, content_type=GEOJSON)
    response["ETag"] = layer.etag
    patch_cache_control(response, private=True, max_age=3600)
    return response


urlpatterns: list[URLPattern] = [
    path("map/", facility_map, name="facility_map"),
    path("map/facilities.geojson", facility_points_view, name="facility_points"),
    path("map/boundaries.geojson", boundaries, name="boundaries"),
]
