"""Who collects what: a round's assignments and collectors, device tokens with their ODK Collect settings QR code,
and the printable QR cards of a round.

All of it needs manage_collectors, and every collector, facility and token is read through the scoping function:
a token of a collector outside the manager's scope answers 404, so its value is shown only to those who manage that
collector."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any
from urllib.parse import urlencode

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.models import User
from rasd.accounts.roles import Perm, Role
from rasd.accounts.scoping import ScopeKind, get_scoped_or_404
from rasd.collection import collect_settings, selectors, services
from rasd.collection.forms import AssignForm, ListFilterForm, RevokeForm, TokenForm, UnassignForm
from rasd.collection.models import DeviceToken, Round, RoundState
from rasd.collection.views import PAGE_SIZE, round_for, run_service
from rasd.registry.models import Facility


def _collector(request: AuthenticatedRequest, pk: int) -> User:
    return get_scoped_or_404(request.user, User.objects.filter(role=Role.DATA_COLLECTOR), pk=pk)


def _token(request: AuthenticatedRequest, pk: int) -> DeviceToken:
    return get_scoped_or_404(
        request.user, DeviceToken.objects.select_related("user", "created_by", "revoked_by"), pk=pk
    )


def _covers(collector: User, facility: Facility) -> bool:
    """Whether the collector's own scope covers the facility (from prefetched scope units)."""
    if collector.scope_kind == ScopeKind.SECTORS:
        return facility.sector_id in {sector.pk for sector in collector.scope_sectors.all()}
    if collector.scope_kind == ScopeKind.DIRECTORATES:
        return facility.directorate_id in {unit.pk for unit in collector.scope_directorates.all()}
    return False


def _no_store(response: HttpResponse) -> HttpResponse:
    """Pages showing token values are credentials: no browser or proxy cache keeps them."""
    response["Cache-Control"] = "no-store"
    return response


@dataclass
class FacilityAssignments:
    facility: Facility
    collectors: list[User]
    candidates: list[User]  # collectors in the manager's scope who may still be given this facility


@requires(Perm.MANAGE_COLLECTORS)
@require_safe
def assignment_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    filters = ListFilterForm(request.GET or None)
    query = filters.cleaned_data["q"] if filters.is_valid() else ""
    expected = selectors.expected_rows(request.user, round_, query).filter(removed_at__isnull=True)
    page = Paginator(expected, PAGE_SIZE).get_page(request.GET.get("page"))
    collectors = list(
        services.collectors_in_scope(request.user).prefetch_related("scope_sectors", "scope_directorates")
    )
    rows = []
    for row in selectors.assignment_rows(request.user, round_, list(page.object_list)):
        assigned = {collector.pk for collector in row.collectors}
        candidates = [c for c in collectors if c.pk not in assigned and _covers(c, row.facility)]
        rows.append(FacilityAssignments(row.facility, row.collectors, candidates))
    context = {
        "round": round_,
        "page": page,
        "rows": rows,
        "filters": filters,
        "counts": selectors.round_counts(request.user, round_),
        "can_change": round_.state != RoundState.CLOSED,
    }
    return render(request, "collection/assignment_list.html", context)


def _back_to_assignments(request: AuthenticatedRequest, round_: Round) -> HttpResponse:
    target = redirect("collection:assignment_list", pk=round_.pk)
    query = request.POST.get("q", "").strip()
    page = request.POST.get("page", "").strip()
    if query or page.isdigit():
        params = {key: value for key, value in (("q", query), ("page", page)) if value}
        target["Location"] += "?" + urlencode(params)
    return target


def _form_errors(form: Any) -> str:
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


@requires(Perm.MANAGE_COLLECTORS)
@require_POST
def assignment_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    form = AssignForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back_to_assignments(request, round_)
    facility, collector = form.cleaned_data["code"], form.cleaned_data["collector"]
    run_service(
        request,
        lambda: services.assign(request.user, round_, facility, collector),
        lambda _result: (
            _("%(code)s assigned to %(collector)s.") % {"code": facility.code, "collector": collector.full_name}
        ),
    )
    return _back_to_assignments(request, round_)


@requires(Perm.MANAGE_COLLECTORS)
@require_POST
def assignment_remove(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    form = UnassignForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, _form_errors(form))
        return _back_to_assignments(request, round_)
    facility, collector = form.cleaned_data["code"], form.cleaned_data["collector"]
    run_service(
        request,
        lambda: services.unassign(request.user, round_, facility, collector, reason=form.cleaned_data["reason"]),
        lambda _result: (
            _("%(code)s taken off %(collector)s's list.") % {"code": facility.code, "collector": collector.full_name}
        ),
    )
    return _back_to_assignments(request, round_)


@requires(Perm.MANAGE_COLLECTORS)
@require_POST
def assign_by_sector(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    run_service(
        request,
        lambda: services.assign_by_scope(request.user, round_),
        lambda added: ngettext("%(count)s assignment added.", "%(count)s assignments added.", added) % {"count": added},
    )
    return redirect("collection:assignment_list", pk=round_.pk)


@requires(Perm.MANAGE_COLLECTORS)
@require_safe
def collector_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    collectors = list(selectors.collectors_with_tokens(request.user, round_))
    context = {
        "round": round_,
        "collectors": collectors,
        "token_form": TokenForm(),
        "office_url": collect_settings.office_server_url(request),
    }
    return render(request, "collection/collector_list.html", context)


@dataclass
class Card:
    collector: User
    token: DeviceToken
    server_url: str
    qr: str


def _qr_for(request: AuthenticatedRequest, token: DeviceToken, collector: User) -> tuple[str, str]:
    base = collect_settings.public_base(request)
    name = collect_settings.project_name(collector.full_name or collector.username)
    payload = collect_settings.collect_settings_qr_payload(collect_settings.collect_settings(token, base, name))
    # segno writes the SVG from the payload (base64 text) and escapes the title (the collector's name).
    svg = mark_safe(collect_settings.qr_svg(payload, title=name))  # noqa: S308
    return collect_settings.server_url(base, token), svg


@requires(Perm.MANAGE_COLLECTORS)
@require_safe
def collector_cards(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """One printable card per collector in the manager's scope: the QR code of their newest active token, their name,
    sector and how many facilities they have in this round."""
    round_ = round_for(request, pk)
    cards: list[Card] = []
    without_token: list[User] = []
    for collector in selectors.collectors_with_tokens(request.user, round_):
        token = selectors.active_token(collector)
        if token is None:
            without_token.append(collector)
            continue
        url, svg = _qr_for(request, token, collector)
        cards.append(Card(collector, token, url, svg))
    context = {"round": round_, "cards": cards, "without_token": without_token}
    return _no_store(render(request, "collection/collector_cards.html", context))


@requires(Perm.MANAGE_COLLECTORS)
def token_issue(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    collector = _collector(request, pk)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            token = services.issue_device_token(request.user, collector, form.cleaned_data["label"])
        except services.CollectionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(request, _("Device token issued. Scan the code with the device now."))
            return redirect("collection:token_detail", pk=token.pk)
    return render(request, "collection/token_issue.html", {"collector": collector, "form": form})


@requires(Perm.MANAGE_COLLECTORS)
@require_safe
def token_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = _token(request, pk)
    context: dict[str, Any] = {"token": token, "collector": token.user, "revoke_form": RevokeForm()}
    if token.is_active:
        context["server_url"], context["qr"] = _qr_for(request, token, token.user)
    return _no_store(render(request, "collection/token_detail.html", context))


@requires(Perm.MANAGE_COLLECTORS)
@require_safe
def token_qr_png(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = _token(request, pk)
    if not token.is_active:
        raise Http404
    base = collect_settings.public_base(request)
    name = collect_settings.project_name(token.user.full_name or token.user.username)
    payload = collect_settings.collect_settings_qr_payload(collect_settings.collect_settings(token, base, name))
    response = HttpResponse(collect_settings.qr_png(payload), content_type="image/png")
    response["Content-Disposition"] = f'attachment; filename="rasd-{token.user.username}-{token.pk}.png"'
    # The image is a credential: never kept by a browser or proxy cache.
    response["Cache-Control"] = "no-store"
    return response


@requires(Perm.MANAGE_COLLECTORS)
@require_POST
def token_revoke(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    token = _token(request, pk)
    form = RevokeForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the device token is revoked."))
    else:
        services.revoke_device_token(request.user, token, reason=form.cleaned_data["reason"])
        messages.success(request, _("Device token revoked: the device can no longer reach rasd."))
    return redirect("collection:token_detail", pk=token.pk)
