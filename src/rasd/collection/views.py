"""Round pages: the list, a new round, one round (its counts and state), and its expected facilities.

Assignments, collectors and device tokens are in views_collectors.py. Rounds are national (everyone with view_rounds
sees all of them); what is inside one is read through the scoping function."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404
from rasd.collection import selectors, services
from rasd.collection.forms import (
    ExpectedChangeForm,
    ExpectScopeForm,
    ListFilterForm,
    RoundForm,
    RoundVersionsForm,
    StateForm,
    round_choices,
)
from rasd.collection.models import Round, RoundState

PAGE_SIZE = 50

T = TypeVar("T")


def run_service(request: AuthenticatedRequest, action: Callable[[], T], success: Callable[[T], str]) -> T | None:
    """A button's service call: a refusal becomes an error message, the result a success message."""
    try:
        result = action()
    except services.CollectionError as error:
        messages.error(request, error.message)
        return None
    messages.success(request, success(result))
    return result


def round_for(request: AuthenticatedRequest, pk: int) -> Round:
    return get_scoped_or_404(request.user, Round.objects.prefetch_related("versions__questionnaire"), pk=pk)


@requires(Perm.VIEW_ROUNDS)
@require_safe
def round_list(request: AuthenticatedRequest) -> HttpResponse:
    context = {"rounds": selectors.rounds(request.user), "can_manage": request.user.can(Perm.MANAGE_ROUNDS)}
    return render(request, "collection/round_list.html", context)


@requires(Perm.MANAGE_ROUNDS)
def round_create(request: AuthenticatedRequest) -> HttpResponse:
    form = RoundForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            # One transaction: a round whose facilities could not be added is not left behind half-made.
            with transaction.atomic():
                round_ = services.create_round(
                    request.user,
                    code=data["code"],
                    name=data["name"],
                    period_start=data["period_start"],
                    period_end=data["period_end"],
                    deadline=data["deadline"],
                    versions=data["versions"],
                )
                added = 0
                if data["expect"] == "all":
                    added = services.expect_facilities_in_scope(request.user, round_)
                elif data["expect"] == "directorates":
                    added = services.expect_facilities_in_scope(request.user, round_, directorates=data["directorates"])
        except services.CollectionError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            messages.success(
                request,
                ngettext(
                    "Round created with %(count)s expected facility.",
                    "Round created with %(count)s expected facilities.",
                    added,
                )
                % {"count": added},
            )
            return redirect("collection:round_detail", pk=round_.pk)
    return render(request, "collection/round_form.html", {"form": form})


@requires(Perm.VIEW_ROUNDS)
@require_safe
def round_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    context = {
        "round": round_,
        "counts": selectors.round_counts(request.user, round_),
        "can_manage": request.user.can(Perm.MANAGE_ROUNDS),
        "can_unlock": request.user.can(Perm.UNLOCK_ROUNDS) and round_.state == RoundState.CLOSED,
        "can_view_submissions": request.user.can(Perm.VIEW_SUBMISSIONS),
        "next_states": round_choices(round_),
        "state_form": StateForm(),
        "versions_form": RoundVersionsForm(actor=request.user, round_=round_),
    }
    return render(request, "collection/round_detail.html", context)


@requires(Perm.MANAGE_ROUNDS)
@require_POST
def round_state(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    form = StateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the round changes state."))
    else:
        run_service(
            request,
            lambda: services.set_round_state(
                request.user, round_, form.cleaned_data["state"], reason=form.cleaned_data["reason"]
            ),
            lambda changed: _("The round is now “%(state)s”.") % {"state": changed.get_state_display()},
        )
    return redirect("collection:round_detail", pk=round_.pk)


@requires(Perm.UNLOCK_ROUNDS)
@require_POST
def round_unlock(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Reopen a closed round's locked data (closed → cleaning), with a reason; the service refuses a missing one."""
    round_ = round_for(request, pk)
    run_service(
        request,
        lambda: services.unlock_round(request.user, round_, reason=request.POST.get("reason", "")),
        lambda unlocked: _("The round is unlocked: it is now “%(state)s”.") % {"state": unlocked.get_state_display()},
    )
    return redirect("collection:round_detail", pk=round_.pk)


@requires(Perm.MANAGE_ROUNDS)
@require_POST
def round_versions(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    form = RoundVersionsForm(request.POST, actor=request.user, round_=round_)
    if not form.is_valid():
        messages.error(request, _("Choose at least one version and say why."))
    else:
        run_service(
            request,
            lambda: services.set_round_versions(
                request.user, round_, form.cleaned_data["versions"], reason=form.cleaned_data["reason"]
            ),
            lambda _result: _("The round's questionnaire versions were saved."),
        )
    return redirect("collection:round_detail", pk=round_.pk)


@requires(Perm.VIEW_ROUNDS)
@require_safe
def expected_list(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    filters = ListFilterForm(request.GET or None)
    query = filters.cleaned_data["q"] if filters.is_valid() else ""
    page = Paginator(selectors.expected_rows(request.user, round_, query), PAGE_SIZE).get_page(request.GET.get("page"))
    can_manage = request.user.can(Perm.MANAGE_ROUNDS) and round_.state != "closed"
    context = {
        "round": round_,
        "page": page,
        "filters": filters,
        "can_manage": can_manage,
        "scope_form": ExpectScopeForm(actor=request.user) if can_manage else None,
        "change_form": ExpectedChangeForm(actor=request.user, initial={"expected": "1"}) if can_manage else None,
    }
    return render(request, "collection/expected_list.html", context)


@requires(Perm.MANAGE_ROUNDS)
@require_POST
def expected_add_scope(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    form = ExpectScopeForm(request.POST, actor=request.user)
    if not form.is_valid():
        messages.error(request, _("Choose the part of the country again."))
        return redirect("collection:expected_list", pk=round_.pk)
    run_service(
        request,
        lambda: services.expect_facilities_in_scope(
            request.user,
            round_,
            authority=form.cleaned_data["authority"],
            directorates=form.cleaned_data["directorates"],
            sectors=form.cleaned_data["sectors"],
        ),
        lambda added: ngettext("%(count)s facility added.", "%(count)s facilities added.", added) % {"count": added},
    )
    return redirect("collection:expected_list", pk=round_.pk)


@requires(Perm.MANAGE_ROUNDS)
@require_POST
def expected_change(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = round_for(request, pk)
    form = ExpectedChangeForm(request.POST, actor=request.user)
    if not form.is_valid():
        errors = [str(error) for errors in form.errors.values() for error in errors]
        messages.error(request, " ".join(errors))
        return redirect("collection:expected_list", pk=round_.pk)
    facility = form.cleaned_data["code"]
    expected = form.cleaned_data["expected"]
    text = _("%(code)s is expected.") if expected else _("%(code)s is no longer expected.")
    run_service(
        request,
        lambda: services.set_expected(request.user, round_, facility, expected, reason=form.cleaned_data["reason"]),
        lambda _result: text % {"code": facility.code},
    )
    return redirect("collection:expected_list", pk=round_.pk)
