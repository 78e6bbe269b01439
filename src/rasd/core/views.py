from __future__ import annotations

import logging

from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect, JsonResponse
from django.shortcuts import render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST, require_safe

from rasd.accounts import services as account_services
from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.core import selectors
from rasd.core.middleware import SUPPORTED_LANGUAGES

logger = logging.getLogger(__name__)


@requires(Perm.VIEW_DASHBOARD)
@require_safe
def home(request: AuthenticatedRequest) -> HttpResponse:
    return render(request, "core/home.html", {"summary": selectors.home_summary(request.user)})


@require_GET
@never_cache
def healthz(request: HttpRequest) -> JsonResponse:
    """For load balancers and monitoring: 200 when rasd can serve, 503 naming the failing part."""
    body = {"status": "ok", "database": "ok", "version": settings.VERSION}
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except Exception:
        logger.exception("health check: database unreachable")
        body.update(status="error", database="error")
        return JsonResponse(body, status=503)
    return JsonResponse(body)


@require_POST
def set_language(request: HttpRequest) -> HttpResponse:
    """The language switcher: remembers the choice in a cookie and, when signed in, on the account."""
    language = request.POST.get("language", "")
    target = request.POST.get("next", "")
    if not url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        target = "/"
    response = HttpResponseRedirect(target)
    if language in SUPPORTED_LANGUAGES:
        response.set_cookie(
            settings.LANGUAGE_COOKIE_NAME,
            language,
            max_age=settings.LANGUAGE_COOKIE_AGE,
            samesite="Lax",
            secure=settings.SESSION_COOKIE_SECURE,
        )
        if request.user.is_authenticated:
            account_services.set_language_preference(request.user, language)
    return response
