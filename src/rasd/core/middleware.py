"""Request-wide concerns: request id and actor for the audit log, language choice, security headers."""

from __future__ import annotations

import functools
import re
import uuid
from collections.abc import Callable
from urllib.parse import urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils import translation

from rasd.lib import request_context

Handler = Callable[[HttpRequest], HttpResponse]
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
SUPPORTED_LANGUAGES = {code for code, _name in settings.LANGUAGES}


def client_address(request: HttpRequest) -> str | None:
    """The client's IP address; behind a trusted reverse proxy, the one that proxy saw."""
    if settings.BEHIND_PROXY:
        forwarded = request.headers.get("X-Forwarded-For", "")
        if forwarded:
            return forwarded.split(",")[-1].strip()
    address: str | None = request.META.get("REMOTE_ADDR")
    return address


class RequestContextMiddleware:
    """Gives every request an id (or keeps a proxy's X-Request-ID), echoed in the response and logs."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        incoming = request.headers.get("X-Request-ID", "")
        request_id = incoming if _REQUEST_ID.match(incoming) else uuid.uuid4().hex
        context = request_context.RequestContext(request_id=request_id, remote_addr=client_address(request))
        with request_context.bound(context):
            response = self.get_response(request)
        response["X-Request-ID"] = request_id
        return response


class AuditActorMiddleware:
    """Once the user is known, record them as the actor of the changes made in this request."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.user.is_authenticated:
            request_context.set_actor(request.user)
        return self.get_response(request)


def language_for(request: HttpRequest) -> str:
    """The language cookie (set by the switcher), else the user's saved choice, else Arabic.

    The browser's Accept-Language is ignored on purpose: many ministry computers run English-language
    browsers, and rasd is Arabic first.
    """
    chosen = request.COOKIES.get(settings.LANGUAGE_COOKIE_NAME, "")
    if chosen in SUPPORTED_LANGUAGES:
        return chosen
    user = getattr(request, "user", None)
    preferred = getattr(user, "preferred_language", "") if user is not None else ""
    return preferred if preferred in SUPPORTED_LANGUAGES else settings.LANGUAGE_CODE


class LanguageMiddleware:
    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        language = language_for(request)
        request.LANGUAGE_CODE = language
        with translation.override(language):  # restores the previous language afterwards
            response = self.get_response(request)
        response.headers.setdefault("Content-Language", language)
        return response


def tile_origin(tile_url: str) -> str:
    """The origin of a map tile server (a Leaflet URL template), for the policy's img-src; '' when the tiles come
    from rasd's own host. A `{s}` subdomain becomes a wildcard."""
    if not tile_url.startswith(("https://", "http://")):
        return ""
    parts = urlsplit(tile_url.replace("{s}", "*"))
    return f"{parts.scheme}://{parts.netloc}"


@functools.cache
def content_security_policy(tile_url: str) -> str:
    """Only rasd's own files; images also from the configured tile server, if any."""
    images = " ".join(filter(None, ["img-src 'self' data: blob:", tile_origin(tile_url)]))
    return "; ".join(
        [
            "default-src 'self'",
            "script-src 'self'",
            "style-src 'self'",
            images,
            "font-src 'self'",
            "connect-src 'self'",
            "object-src 'none'",
            "base-uri 'self'",
            "form-action 'self'",
            "frame-ancestors 'none'",
        ]
    )


class ContentSecurityPolicyMiddleware:
    """Only rasd's own scripts, styles and fonts may load: no inline code, no third-party hosts."""

    def __init__(self, get_response: Handler) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        response.headers.setdefault("Content-Security-Policy", content_security_policy(settings.MAP_TILE_URL))
        return response
