"""What a collector's phone needs to reach rasd: the server URL with its device token, and the ODK Collect settings QR
code that sets up a Collect (or KoboCollect) project in one scan.

Collect reads a settings QR code as JSON with three sections (general, admin, project), compressed with zlib and then
base64-encoded (docs.getodk.org/collect-import-export). Any setting the code leaves out is reset to its default when
scanned, so the code names everything rasd cares about.
"""

from __future__ import annotations

import base64
import io
import json
import zlib
from typing import Any

import segno
from django.conf import settings
from django.http import HttpRequest

from rasd.collection.models import DeviceToken

# rasd's colour and the first letter of its Arabic name, shown in Collect's project switcher.
PROJECT_ICON = "ر"
PROJECT_COLOR = "#0b6e4f"


def public_base(request_or_base: HttpRequest | str) -> str:
    """The address phones use to reach rasd, without a trailing slash. A base given as a string is used as it is (a
    command or script names it); for a request, RASD_PUBLIC_URL when set (behind a proxy the request's own host may
    be an internal name), else the root of the request."""
    configured: str = getattr(settings, "RASD_PUBLIC_URL", "") or ""
    if isinstance(request_or_base, str):
        return (request_or_base or configured).rstrip("/")
    if configured:
        return configured.rstrip("/")
    return request_or_base.build_absolute_uri("/").rstrip("/")


def server_url(request_or_base: HttpRequest | str, token: DeviceToken | str) -> str:
    """`<base>/openrosa/key/<token>`: Collect appends /formList, /submission and so on to it."""
    value = token.token if isinstance(token, DeviceToken) else token
    return f"{public_base(request_or_base)}/openrosa/key/{value}"


def office_server_url(request_or_base: HttpRequest | str) -> str:
    """`<base>/openrosa`, for office users who sign in to Collect with their own user name and password."""
    return f"{public_base(request_or_base)}/openrosa"


def collect_settings(token: DeviceToken | str, base_url: str, project_name: str) -> dict[str, Any]:
    """The Collect settings for one device. `base_url` is the site root (see `public_base`)."""
    return {
        "general": {
            "server_url": server_url(base_url, token) if base_url else "",
            "protocol": "odk_default",
            # The token in the URL is the credential: no user name or password on the device.
            "username": "",
            "password": "",
            # The device keeps exactly the forms the server offers, checked every hour and updated without asking,
            # so a new questionnaire version or facilities list reaches every tablet by itself.
            "form_update_mode": "match_exactly",
            "periodic_form_updates_check": "every_one_hour",
            "automatic_update": True,
            # Finalised forms go as soon as there is any network: connectivity in the field is scarce.
            "autosend": "wifi_and_cellular",
            # Sent forms stay on the device until the collector deletes them, as a last copy.
            "delete_send": False,
            "app_language": "ar",
            "analytics": False,
        },
        "admin": {
            # Lock the server settings so nobody sends data elsewhere by mistake; a new device gets a new code.
            "change_server": False,
            "change_project_display": False,
            "change_form_metadata": False,
        },
        "project": {"name": project_name, "icon": PROJECT_ICON, "color": PROJECT_COLOR},
    }


def collect_settings_qr_payload(settings_dict: dict[str, Any]) -> str:
    """The text a settings QR code carries: JSON, zlib-compressed, base64-encoded, as Collect expects."""
    data = json.dumps(settings_dict, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return base64.b64encode(zlib.compress(data, 9)).decode("ascii")


def decode_qr_payload(payload: str) -> dict[str, Any]:
    """The settings a QR payload carries (the reverse of `collect_settings_qr_payload`; for tests and checks)."""
    decoded: dict[str, Any] = json.loads(zlib.decompress(base64.b64decode(payload)).decode("utf-8"))
    return decoded


def _qr(payload: str) -> segno.QRCode:
    # Error correction M: the code stays readable on a creased printout, and still fits a long URL comfortably.
    return segno.make_qr(payload, error="m", boost_error=False)


def qr_svg(payload: str, *, scale: int = 4, title: str = "") -> str:
    """The QR code as an inline SVG element (no XML declaration, no inline style: the page's CSP allows none)."""
    buffer = io.BytesIO()
    _qr(payload).save(
        buffer,
        kind="svg",
        scale=scale,
        border=4,
        xmldecl=False,
        svgns=True,
        title=title or None,
        svgclass="rasd-qr",
        lineclass=None,
        omitsize=True,
        light="#fff",  # a white quiet zone, so the code scans on a dark screen too
    )
    return buffer.getvalue().decode("utf-8")


def qr_png(payload: str, *, scale: int = 6) -> bytes:
    """The QR code as PNG, for downloads and for decoding in tests."""
    buffer = io.BytesIO()
    _qr(payload).save(buffer, kind="png", scale=scale, border=4)
    return buffer.getvalue()


def project_name(label: str) -> str:
    """The project name Collect shows: "rasd – <round or collector>"."""
    return f"rasd – {label}" if label else "rasd"
