"""Data quality of the facility list: findings per directorate, the findings themselves, and suspected duplicates
with their review (dismiss, or confirm and merge)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import URLPattern, path
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404
from rasd.registry import duplicate_services, quality_selectors
from rasd.registry.duplicates import DEFAULT_MIN_SCORE
from rasd.registry.facility_forms import add_service_errors
from rasd.registry.lifecycle import is_active
from rasd.registry.models import DuplicateDecision, Facility
from rasd.registry.quality import RULES
from rasd.registry.quality_forms import ConfirmForm, DismissForm, DuplicateFilterForm, FindingFilterForm
from rasd.registry.views.facilities import query_without_page

FINDINGS_PER_PAGE = 50
PAIRS_PER_PAGE = 25


@requires(Perm.VIEW_REGISTRY)
@require_safe
def quality_summary(request: AuthenticatedRequest) -> HttpResponse:
    context = {"summary": quality_selectors.quality_summary(request.user), "rules": RULES}
    return render(request, "registry/quality_summary.html", context)


@requires(Perm.VIEW_REGISTRY)
@require_safe
def quality_findings(request: AuthenticatedRequest) -> HttpResponse:
    filters = FindingFilterForm(request.GET or None, user=request.user)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    found = quality_selectors.findings(
        request.user,
        directorate=chosen.get("directorate"),
        rule=chosen.get("rule", ""),
        severity=chosen.get("severity", ""),
    )
    page = Paginator(found, FINDINGS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "rows": quality_selectors.finding_rows(request.user, list(page)),
        "query": query_without_page(request),
    }
    return render(request, "registry/quality_findings.html", context)


@requires(Perm.VIEW_REGISTRY)
@require_safe
def duplicate_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = DuplicateFilterForm(request.GET or None, user=request.user)
    chosen = filters.cleaned_data if filters.is_valid() else {}
    min_score = chosen.get("min_score") or DEFAULT_MIN_SCORE
    found = quality_selectors.duplicate_candidates(
        request.user, directorate=chosen.get("directorate"), min_score=min_score
    )
    page = Paginator(found, PAIRS_PER_PAGE).get_page(request.GET.get("page"))
    context = {
        "filters": filters,
        "page": page,
        "rows": quality_selectors.candidate_rows(request.user, list(page)),
        "min_score": min_score,
    }
    return render(request, "registry/quality_duplicates.html", context)


@requires(Perm.VIEW_REGISTRY)
def duplicate_review(request: AuthenticatedRequest, a: int, b: int) -> HttpResponse:
    related = ("facility_type", "directorate", "sector", "admin_area", "parent")
    first = get_scoped_or_404(request.user, Facility.objects.select_related(*related), pk=a)
    second = get_scoped_or_404(request.user, Facility.objects.select_related(*related), pk=b)
    if first.pk == second.pk:
        raise Http404
    pair = duplicate_services.pair(first, second)
    can_decide = request.user.can(Perm.MANAGE_REGISTRY) and is_active(first) and is_active(second)
    dismiss_form = DismissForm()
    confirm_form = ConfirmForm(pair=(pair.a, pair.b))
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied
        if request.POST.get("action") == "confirm":
            confirm_form = ConfirmForm(request.POST, pair=(pair.a, pair.b))
            if confirm_form.is_valid():
                keep = pair.a if confirm_form.cleaned_data["keep"] == pair.a.pk else pair.b
                absorb = pair.b if keep is pair.a else pair.a
                try:
                    duplicate_services.confirm(
                        request.user,
                        keep=keep,
                        absorb=absorb,
                        on=confirm_form.cleaned_data["on"],
                        reason=confirm_form.cleaned_data["reason"],
                    )
                except ValidationError as error:
                    add_service_errors(error, confirm_form)
                else:
                    message = _("%(absorbed)s was merged into %(code)s.") % {"absorbed": absorb.code, "code": keep.code}
                    messages.success(request, message)
                    return redirect("registry:facility_detail", code=keep.code)
        else:
            dismiss_form = DismissForm(request.POST)
            if dismiss_form.is_valid():
                try:
                    duplicate_services.dismiss(request.user, pair.a, pair.b, note=dismiss_form.cleaned_data["note"])
                except ValidationError as error:
                    add_service_errors(error, dismiss_form)
                else:
                    messages.success(request, _("Dismissed: this pair will not be suggested again."))
                    return redirect("registry:duplicate_list")
    context = {
        "pair": pair,
        "comparison": quality_selectors.comparison(pair),
        "can_decide": can_decide,
        "dismissed": pair.decision is not None and pair.decision.decision == DuplicateDecision.Decision.DISMISSED,
        "dismiss_form": dismiss_form,
        "confirm_form": confirm_form,
    }
    return render(request, "registry/quality_duplicate_review.html", context)


urlpatterns: list[URLPattern] = [
    path("quality/", quality_summary, name="quality_summary"),
    path("quality/findings/", quality_findings, name="quality_findings"),
    path("quality/duplicates/", duplicate_list, name="duplicate_list"),
    path("quality/duplicates/<int:a>/<int:b>/", duplicate_review, name="duplicate_review"),
]
