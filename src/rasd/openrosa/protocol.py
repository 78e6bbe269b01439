"""What every OpenRosa response looks like: the protocol headers, the XML envelope, the reply language.

Bodies are built with f-strings and escaped by hand rather than rendered from templates: the submission endpoint
answers hundreds of phones a second and the envelope is three lines long.
"""

from __future__ import annotations

from xml.sax.saxutils import escape, quoteattr

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.utils.functional import Promise
from django.utils.http import http_date

OPENROSA_VERSION = "1.0"
XML_CONTENT_TYPE = "text/xml; charset=utf-8"
RESPONSE_NS = "http://openrosa.org/http/response"
FORM_LIST_NS = "http://openrosa.org/xforms/xformsList"
MANIFEST_NS = "http://openrosa.org/xforms/xformsManifest"
Message = str | Promise  # a plain or lazily translated message
XML_DECLARATION = '<?xml version="1.0" encoding="UTF-8"?>\n'

# The languages rasd speaks; any other Accept-Language gets English, the lingua franca of phone settings.
REPLY_LANGUAGES = ("ar", "ckb", "en")
FALLBACK_LANGUAGE = "en"


def reply_language(request: HttpRequest) -> str:
    """The first of ar/ckb/en the client prefers (by q-value, then order), else English.

    Unlike the web pages (which ignore Accept-Language on purpose), a phone's messages follow the phone: Collect
    sends the device language."""
    best: tuple[float, int, str] | None = None
    header = request.headers.get("Accept-Language", "")
    for position, item in enumerate(header.split(",")[:20]):  # a hostile header cannot make this loop long
        tag, _sep, params = item.strip().partition(";")
        primary = tag.strip().lower().split("-")[0]
        if primary not in REPLY_LANGUAGES:
            continue
        quality = 1.0
        params = params.strip()
        if params.startswith("q="):
            try:
                quality = float(params[2:])
            except ValueError:
                continue
        if quality <= 0:
            continue
        candidate = (-quality, position, primary)
        if best is None or candidate < best:
            best = candidate
    return best[2] if best else FALLBACK_LANGUAGE


def max_bytes() -> int:
    return int(settings.OPENROSA_MAX_BYTES)


# WSGI servers that always write their own Date header; a second one from us would make two.
_SERVERS_WRITING_DATE = ("gunicorn/",)


def with_headers(request: HttpRequest, response: HttpResponse, language: str) -> HttpResponse:
    """The headers OpenRosa asks of every response, whatever its status."""
    response["X-OpenRosa-Version"] = OPENROSA_VERSION
    response["X-OpenRosa-Accept-Content-Length"] = str(max_bytes())
    response["Content-Language"] = language
    # The spec wants Date on every response. gunicorn writes it itself; uWSGI, some other servers and the Django
    # test client do not (wsgiref, behind runserver, skips its own when one is set).
    if not str(request.META.get("SERVER_SOFTWARE", "")).startswith(_SERVERS_WRITING_DATE):
        response.headers.setdefault("Date", http_date())
    return response


def xml_response(body: str | bytes, status: int = 200) -> HttpResponse:
    content = body if isinstance(body, bytes) else body.encode("utf-8")
    return HttpResponse(content, status=status, content_type=XML_CONTENT_TYPE)


def envelope(message: Message, *, status: int, nature: str = "error") -> HttpResponse:
    """The OpenRosaResponse envelope; Collect shows the message to the collector."""
    body = (
        f"{XML_DECLARATION}"
        f'<OpenRosaResponse xmlns="{RESPONSE_NS}" items="0">'
        f"<message nature={quoteattr(nature)}>{escape(str(message))}</message>"
        "</OpenRosaResponse>"
    )
    return xml_response(body, status=status)


def text(value: object) -> str:
    """Element content, escaped."""
    return escape(str(value))
