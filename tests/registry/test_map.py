"""The facility map: its page, the facilities in scope as GeoJSON points, and the boundaries it draws them on —
all served by rasd itself, so the map works with no internet."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.test import override_settings
from django.urls import reverse

from rasd.registry.models import BoundarySet, Facility, FacilityType
from tests.conftest import Personas, World, client_for
from tests.registry.conftest import make

POINTS = reverse("registry:facility_points")
BOUNDARIES = reverse("registry:boundaries")
MAP = reverse("registry:facility_map")
Facilities = dict[str, Facility]


def _located(world: World) -> None:
    make("BSR-CITY", "مُستشفى البصرة", world.basra, type_code="hospital", latitude=30.51, longitude=47.78)
    make("BSR-S1", "مركز الأول", world.basra, world.basra_s1, latitude=30.4, longitude=47.7, name_en="First")
    make("NJF-CITY", "مركز النجف", world.najaf, world.najaf_s1, latitude=32.0, longitude=44.32)


def _codes(response: Any) -> list[str]:
    return [feature["properties"]["code"] for feature in response.json()["features"]]


def test_the_points_are_geojson_of_the_located_facilities_in_scope(
    personas: Personas, world: World, facilities: Facilities
) -> None:
    _located(world)
    response = client_for(personas.basra_manager).get(POINTS)
    assert response["Content-Type"] == "application/geo+json"
    collection = response.json()
    assert collection["type"] == "FeatureCollection"
    assert _codes(response) == ["BSR-CITY", "BSR-S1"]  # not Najaf's, and not those without coordinates
    first = collection["features"][0]
    assert first["geometry"] == {"type": "Point", "coordinates": [47.78, 30.51]}
    assert first["properties"] == {
        "code": "BSR-CITY",
        "name": "مُستشفى البصرة",
        "type": "مستشفى",
        "status": "open",
        "url": "/registry/facilities/BSR-CITY/",
    }
    assert _codes(client_for(personas.basra_s1_collector).get(POINTS)) == ["BSR-S1"]


def test_the_points_follow_the_list_filters_and_the_readers_language(
    personas: Personas, world: World, facilities: Facilities
) -> None:
    _located(world)
    client = client_for(personas.national_fed)
    assert _codes(client.get(POINTS, {"q": "مستشفي البصره"})) == ["BSR-CITY"]
    assert _codes(client.get(POINTS, {"directorate": world.najaf.pk})) == ["NJF-CITY"]
    hospital = FacilityType.objects.get(code="hospital")
    assert _codes(client.get(POINTS, {"facility_type": hospital.pk})) == ["BSR-CITY"]
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    names = {f["properties"]["code"]: f["properties"]["name"] for f in client.get(POINTS).json()["features"]}
    assert names["BSR-S1"] == "First" and names["NJF-CITY"] == "مركز النجف"  # Arabic when there is no English name


def test_the_points_take_one_query_however_many_facilities(
    personas: Personas, world: World, facilities: Facilities, django_assert_max_num_queries: Any
) -> None:
    for number in range(80):
        make(f"BSR-{number:03}", f"مركز {number}", world.basra, world.basra_s1, latitude=30.5, longitude=47.7)
    client = client_for(personas.basra_manager)
    client.get(POINTS)
    with django_assert_max_num_queries(5):  # session, user, scope, the points
        assert len(client.get(POINTS).json()["features"]) == 80


def test_the_boundaries_come_from_the_current_edition_by_level(personas: Personas, boundaries: BoundarySet) -> None:
    client = client_for(personas.erbil_viewer)
    governorates = client.get(BOUNDARIES, {"level": 1})
    assert governorates["Content-Type"] == "application/geo+json"
    collection = governorates.json()
    assert len(collection["features"]) == 18 and "OCHA" in collection["attribution"]
    erbil = next(f for f in collection["features"] if f["properties"]["pcode"] == "IQG11")
    assert erbil["properties"]["name"] == "اربيل" and erbil["geometry"]["type"] in ("Polygon", "MultiPolygon")
    assert len(client.get(BOUNDARIES, {"level": 2}).json()["features"]) == 101
    one = client.get(BOUNDARIES, {"pcode": "IQG02Q02"}).json()["features"]
    assert [f["properties"]["pcode"] for f in one] == ["IQG02Q02"]
    assert len(client.get(BOUNDARIES, {"level": "x"}).json()["features"]) == 18


def test_the_boundaries_are_cached_and_revalidated_by_etag(personas: Personas, boundaries: BoundarySet) -> None:
    client = client_for(personas.erbil_viewer)
    first = client.get(BOUNDARIES, {"level": 1})
    assert "max-age=3600" in first["Cache-Control"] and "private" in first["Cache-Control"]
    again = client.get(BOUNDARIES, {"level": 1}, headers={"If-None-Match": first["ETag"]})
    assert again.status_code == 304 and again.content == b""
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    english = client.get(BOUNDARIES, {"level": 1}, headers={"If-None-Match": first["ETag"]})
    assert english.status_code == 200 and english["ETag"] != first["ETag"]
    assert "Erbil" in {f["properties"]["name"] for f in json.loads(english.content)["features"]}


def test_the_map_page_draws_from_rasd_only(personas: Personas, facilities: Facilities) -> None:
    response = client_for(personas.basra_manager).get(MAP, {"status": "open"})
    body = response.content.decode()
    assert response.status_code == 200
    assert "/static/vendor/leaflet/leaflet.js" in body and "/static/vendor/leaflet/leaflet.css" in body
    assert f'data-points-url="{POINTS}"' in body and f'data-boundaries-url="{BOUNDARIES}"' in body
    assert 'data-tile-url=""' in body and 'dir="ltr"' in body  # no basemap by default; Leaflet lays out LTR
    assert 'data-status="temporarily_closed"' in body  # the legend
    assert "<script>" not in body and "style=" not in body
    assert "img-src 'self' data: blob:;" in response["Content-Security-Policy"]


@override_settings(
    MAP_TILE_URL="https://{s}.tiles.example.org/{z}/{x}/{y}.png", MAP_TILE_ATTRIBUTION="© Example contributors"
)
def test_a_configured_tile_server_is_drawn_and_allowed_by_the_policy(
    personas: Personas, facilities: Facilities
) -> None:
    response = client_for(personas.basra_manager).get(MAP)
    body = response.content.decode()
    assert 'data-tile-url="https://{s}.tiles.example.org/{z}/{x}/{y}.png"' in body
    assert "© Example contributors" in body
    assert "img-src 'self' data: blob: https://*.tiles.example.org;" in response["Content-Security-Policy"]


def test_the_map_and_its_data_need_a_signed_in_user(db: Any) -> None:
    for url in (MAP, POINTS, BOUNDARIES):
        assert client_for(None).get(url).status_code == 302
