"""The OpenRosa endpoints ODK Collect and KoboCollect talk to, under two bases: `/openrosa/key/<token>/…` (a
device token) and `/openrosa/…` (HTTP Basic over a normal account). See docs/openrosa.md.

Thin by design: `endpoint` checks the protocol header and the credential and adds the protocol headers; the views
ask `offers` what the caller may fill and hand submissions to the one ingestion pipeline.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from functools import wraps
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext, gettext_noop
from django.views.decorators.csrf import csrf_exempt

from rasd.collection.attachments import form_attachment
from rasd.lib import request_context
from rasd.openrosa import offers, protocol
from rasd.openrosa.auth import REALM, Caller, Refusal, by_basic_auth, by_token
from rasd.openrosa.protocol import FORM_LIST_NS, MANIFEST_NS, XML_DECLARATION, envelope, text, xml_response
from rasd.openrosa.uploads import BadUpload, BodyTooLarge, declared_length, read_upload
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.submissions.ingest import IncomingSubmission, IngestError, Outcome, ingest
from rasd.submissions.models import Source

EndpointView = Callable[..., HttpResponse]


def endpoint(*methods: str) -> Callable[[EndpointView], Callable[..., HttpResponse]]:
    """Protocol header, allowed methods and credential first; the view then gets the `Caller`."""
    allowed = frozenset(methods) | ({"HEAD"} if "GET" in methods else frozenset())

    def decorator(view: EndpointView) -> Callable[..., HttpResponse]:
        @csrf_exempt
        @wraps(view)
        def wrapped(request: HttpRequest, *args: Any, token: str | None = None, **kwargs: Any) -> HttpResponse:
            language = protocol.reply_language(request)
            with translation.override(language):
                response = _handle(view, allowed, request, token, args, kwargs)
            return protocol.with_headers(request, response, language)

        return wrapped

    return decorator


def _handle(
    view: EndpointView,
    allowed: frozenset[str],
    request: HttpRequest,
    token: str | None,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> HttpResponse:
    if request.headers.get("X-OpenRosa-Version", "").strip() != protocol.OPENROSA_VERSION:
        message = gettext("This address speaks OpenRosa 1.0: send the header X-OpenRosa-Version: 1.0.")
        return envelope(message, status=400)
    if request.method not in allowed:
        response = envelope(gettext("This method is not allowed here."), status=405)
        response["Allow"] = ", ".join(sorted(allowed))
        return response
    caller = by_token(token) if token is not None else by_basic_auth(request)
    if isinstance(caller, Refusal):
        response = envelope(caller.message, status=401)
        if caller.challenge:
            response["WWW-Authenticate"] = f'Basic realm="{REALM}", charset="UTF-8"'
        return response
    request_context.set_actor(caller.user)  # anything audited on the way is done by this caller
    return view(request, caller, *args, **kwargs)


def _url(request: HttpRequest, caller: Caller, url_name: str, **kwargs: str) -> str:
    """An absolute URL under the same base the phone used (its token, or none for Basic), on the public address
    when one is configured (behind a proxy the request's own host may be an internal name)."""
    if caller.device is not None:
        path = reverse(f"openrosa:key_{url_name}", kwargs={"token": caller.device.token, **kwargs})
    else:
        path = reverse(f"openrosa:{url_name}", kwargs=kwargs)
    public: str = getattr(settings, "RASD_PUBLIC_URL", "")
    return f"{public}{path}" if public else request.build_absolute_uri(path)


def _not_found() -> HttpResponse:
    return envelope(gettext("There is no such form for you on this server."), status=404)


def _offered(caller: Caller, form_id: str) -> QuestionnaireVersion | None:
    return offers.offered_versions(caller.user).get(form_id)


@endpoint("GET")
def form_list(request: HttpRequest, caller: Caller) -> HttpResponse:
    items = []
    for form_id, version in offers.offered_versions(caller.user).items():
        manifest = ""
        if offers.media_names(version):
            manifest = f"<manifestUrl>{text(_url(request, caller, 'manifest', form_id=form_id))}</manifestUrl>"
        items.append(
            "<xform>"
            f"<formID>{text(form_id)}</formID>"
            f"<name>{text(version.questionnaire.title or form_id)}</name>"
            f"<version>{text(version.version)}</version>"
            f"<hash>md5:{text(version.md5)}</hash>"
            f"<downloadUrl>{text(_url(request, caller, 'form_download', form_id=form_id))}</downloadUrl>"
            f"{manifest}"
            "</xform>"
        )
    return xml_response(f'{XML_DECLARATION}<xforms xmlns="{FORM_LIST_NS}">{"".join(items)}</xforms>')


@endpoint("GET")
def form_download(request: HttpRequest, caller: Caller, form_id: str) -> HttpResponse:
    version = _offered(caller, form_id)
    if version is None:
        return _not_found()
    return xml_response(offers.xform_bytes(version))


@endpoint("GET")
def manifest(request: HttpRequest, caller: Caller, form_id: str) -> HttpResponse:
    version = _offered(caller, form_id)
    if version is None:
        return _not_found()
    files = []
    for name in offers.media_names(version):
        content = form_attachment(caller.user, version, name)
        if content is None:
            continue  # the manifest lists only files the server has
        url = _url(request, caller, "attachment", form_id=form_id, name=name)
        files.append(
            "<mediaFile>"
            f"<filename>{text(name)}</filename>"
            f"<hash>md5:{hashlib.md5(content, usedforsecurity=False).hexdigest()}</hash>"
            f"<downloadUrl>{text(url)}</downloadUrl>"
            "</mediaFile>"
        )
    return xml_response(f'{XML_DECLARATION}<manifest xmlns="{MANIFEST_NS}">{"".join(files)}</manifest>')


@endpoint("GET")
def attachment(request: HttpRequest, caller: Caller, form_id: str, name: str) -> HttpResponse:
    version = _offered(caller, form_id)
    content = None
    if version is not None and name in offers.media_names(version):
        content = form_attachment(caller.user, version, name)
    if content is None:
        return envelope(gettext("There is no such file for this form."), status=404)
    return HttpResponse(content, content_type="text/csv; charset=utf-8")


_SUCCESS = {
    Outcome.CREATED: gettext_noop("Submission received."),
    Outcome.EDITED: gettext_noop("Changed submission received."),
    Outcome.DUPLICATE: gettext_noop("Submission already received; any new attachments were added."),
    Outcome.COMPLETED: gettext_noop("Submission already received; it has now been fully processed."),
}


@endpoint("GET", "POST")
def submission(request: HttpRequest, caller: Caller) -> HttpResponse:
    if request.method != "POST":
        # Collect sends HEAD first to learn the size limit and that its credential works: the spec wants 204.
        return HttpResponse(status=204)
    limit = protocol.max_bytes()
    length = declared_length(request)
    if length is not None and length > limit:
        return _too_large(limit)  # before a single byte of the body is read
    try:
        upload = read_upload(request, limit)
    except BodyTooLarge:
        return _too_large(limit)
    except BadUpload:
        return envelope(gettext("The submission must be sent as multipart/form-data."), status=400)
    if upload.xml is None:
        return envelope(gettext("The submission has no xml_submission_file part."), status=400)
    incoming = IncomingSubmission(
        xml=upload.xml,
        source=Source.OPENROSA,
        submitted_by=caller.user,
        device=caller.device,
        attachments=upload.attachments,
        user_agent=request.headers.get("User-Agent", "")[:300],
    )
    try:
        result = ingest(incoming)
    except IngestError as refusal:
        return envelope(refusal.message, status=refusal.status)
    return envelope(gettext(_SUCCESS[result.outcome]), status=201, nature="submit_success")


def _too_large(limit: int) -> HttpResponse:
    return envelope(
        gettext("The submission is larger than the %(limit)d bytes this server accepts.") % {"limit": limit},
        status=413,
    )
