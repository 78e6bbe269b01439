"""System checks that tell an operator what is missing before a user finds out."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Warning, register

REQUIRED_ASSETS = ("vendor/bootstrap/bootstrap.rtl.min.css", "vendor/htmx/htmx.min.js", "vendor/leaflet/leaflet.js")


@register()
def frontend_assets_built(app_configs: Any, **kwargs: Any) -> list[CheckMessage]:
    missing = [asset for asset in REQUIRED_ASSETS if not (settings.FRONTEND_BUILD_DIR / asset).exists()]
    if not missing:
        return []
    return [
        Warning(
            f"Front-end assets are not built ({', '.join(missing)} missing): pages will have no styles.",
            hint="Run `make setup` (it runs `npm ci` and `node frontend/build.mjs`).",
            id="rasd.W001",
        )
    ]
