"""The ODK Collect settings QR code: payload format (base64 → zlib → JSON) and a code that really scans."""

from __future__ import annotations

import base64
import io
import json
import zlib
from typing import Any

import pytest
from django.test import RequestFactory
from django.urls import reverse

from rasd.collection import collect_settings
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, client_for


def test_payload_round_trips_to_the_collect_settings() -> None:
    settings_dict = collect_settings.collect_settings("tok-123", "https://rasd.example.org/", "rasd – أحمد")
    payload = collect_settings.collect_settings_qr_payload(settings_dict)
    decoded = json.loads(zlib.decompress(base64.b64decode(payload)).decode("utf-8"))
    assert decoded == settings_dict
    assert decoded["general"]["server_url"] == "https://rasd.example.org/openrosa/key/tok-123"
    assert decoded["general"]["form_update_mode"] == "match_exactly"
    assert decoded["general"]["username"] == "" and decoded["general"]["password"] == ""
    assert decoded["admin"]["change_server"] is False
    assert decoded["project"] == {"name": "rasd – أحمد", "icon": "ر", "color": "#0b6e4f"}


def test_server_url_prefers_the_public_url_setting(settings: Any) -> None:
    request = RequestFactory().get("/", HTTP_HOST="localhost:8000")
    settings.RASD_PUBLIC_URL = ""
    assert collect_settings.server_url(request, "abc") == "http://localhost:8000/openrosa/key/abc"
    settings.RASD_PUBLIC_URL = "https://rasd.moh.gov.iq"
    assert collect_settings.server_url(request, "abc") == "https://rasd.moh.gov.iq/openrosa/key/abc"
    assert collect_settings.office_server_url(request) == "https://rasd.moh.gov.iq/openrosa"


def test_svg_is_inline_safe() -> None:
    svg = collect_settings.qr_svg(collect_settings.collect_settings_qr_payload({"general": {}}), title="<b>")
    assert svg.startswith("<svg") and "<?xml" not in svg and "style=" not in svg and "<b>" not in svg


def _decode_png(png: bytes) -> str:
    zxingcpp = pytest.importorskip("zxingcpp")
    image_module = pytest.importorskip("PIL.Image")
    results = zxingcpp.read_barcodes(image_module.open(io.BytesIO(png)))
    assert len(results) == 1
    return str(results[0].text)


def test_the_png_code_scans_back_to_the_settings() -> None:
    settings_dict = collect_settings.collect_settings("x" * 43, "https://rasd.example.org", "rasd – collector")
    payload = collect_settings.collect_settings_qr_payload(settings_dict)
    assert _decode_png(collect_settings.qr_png(payload)) == payload


def test_token_page_shows_the_url_and_a_scannable_code(collection: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.basra_s1_supervisor)
    page = client.get(reverse("collection:token_detail", args=[collection.token.pk]))
    body = page.content.decode()
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    assert f"http://testserver/openrosa/key/{collection.token.token}" in body
    assert '<svg xmlns="http://www.w3.org/2000/svg"' in body and "<script" not in body.split("<main", 1)[1]
    png = client.get(reverse("collection:token_qr_png", args=[collection.token.pk]))
    assert png["Content-Type"] == "image/png"
    scanned = collect_settings.decode_qr_payload(_decode_png(png.content))
    assert scanned["general"]["server_url"] == f"http://testserver/openrosa/key/{collection.token.token}"


def test_issuing_from_the_page_then_revoking(collection: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.basra_manager)
    response = client.post(reverse("collection:token_issue", args=[collection.collector.pk]), {"label": "tablet 9"})
    assert response.status_code == 302
    token = collection.collector.device_tokens.get(label="tablet 9")
    assert response["Location"] == reverse("collection:token_detail", args=[token.pk])
    client.post(reverse("collection:token_revoke", args=[token.pk]), {"reason": ""})
    token.refresh_from_db()
    assert token.revoked_at is None  # a reason is required
    client.post(reverse("collection:token_revoke", args=[token.pk]), {"reason": "tablet stolen"})
    token.refresh_from_db()
    assert token.revoked_at is not None
    after = client.get(reverse("collection:token_detail", args=[token.pk])).content.decode()
    assert token.token not in after  # a revoked token has no code and no URL any more
    assert client.get(reverse("collection:token_qr_png", args=[token.pk])).status_code == 404


def test_the_print_page_has_one_card_per_collector_with_a_token(
    collection: CollectionWorld, personas: Personas
) -> None:
    body = (
        client_for(personas.basra_manager)
        .get(reverse("collection:collector_cards", args=[collection.round.pk]))
        .content.decode()
    )
    assert body.count('class="card rasd-qr-card"') == 1
    assert 'data-collector="basra-s1-collector"' in body
    assert "marker-basra-s2-collector" in body  # listed without a token, with a link to issue one
