"""Pages of the data-quality rules: the list of every rule rasd checks, read-only for readers of submissions, and
creating, changing and switching off cross-field rules for those who manage the rules. Every change goes through
`rasd.quality.rule_services`, which checks the rule (a broken expression is refused there, nothing stored) and
audits it; the pages only show its refusals next to the fields."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from rasd.accounts.access import AuthenticatedRequest, requires, requires_any
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.collection.models import Round, RoundState
from rasd.quality.forms import RuleActiveForm, RuleFilterForm, RuleForm
from rasd.quality.models import RuleOrigin, Severity, ValidationRule
from rasd.quality.rule_selectors import RuleFilters, built_in_rules, open_issue_counts, validation_rules
from rasd.quality.rule_services import RULE_PERMISSION, RuleError, create_rule, set_rule_active, update_rule
from rasd.quality.services import QualityError
from rasd.quality.tasks import validate_round_task

# Reviewers and readers of submissions see which rules their issues come from; only RULE_PERMISSION changes them.
READ_PERMISSIONS = (RULE_PERMISSION, Perm.VIEW_SUBMISSIONS)


@dataclass(frozen=True)
class RuleRow:
    rule: ValidationRule
    importance: Severity
    open_issues: int


@requires_any(*READ_PERMISSIONS)
def rule_list(request: AuthenticatedRequest) -> HttpResponse:
    form = RuleFilterForm(request.GET)
    filters = RuleFilters(**form.cleaned_data) if form.is_valid() else RuleFilters()
    counts = open_issue_counts(request.user)
    rows = [
        RuleRow(item, Severity(item.importance), counts.get(item.issue_code, 0)) for item in validation_rules(filters)
    ]
    can_manage = request.user.can(RULE_PERMISSION)
    context = {
        "form": form,
        "rows": rows,
        "built_in": built_in_rules(counts, filters.importance),
        "can_manage": can_manage,
        "open_rounds": _open_rounds(request) if can_manage else [],
    }
    return render(request, "quality/rule_list.html", context)


@requires(RULE_PERMISSION)
@require_POST
def round_validate(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Check every record of a round again in the background, as `rasd validate_round` does."""
    round_ = get_scoped_or_404(request.user, Round.objects.exclude(state=RoundState.CLOSED), pk=pk)
    validate_round_task.enqueue(round_.pk)
    messages.success(
        request,
        _("The records of %(round)s are being checked again in the background; their issues change when it ends.")
        % {"round": round_.name},
    )
    return redirect("quality:rule_list")


@requires(RULE_PERMISSION)
def rule_create(request: AuthenticatedRequest) -> HttpResponse:
    form = RuleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            item = create_rule(request.user, form.definition())
        except QualityError as error:
            _show_refusal(form, error)
        else:
            _saved(request, _("The rule %(code)s is saved.") % {"code": item.issue_code})
            return redirect("quality:rule_list")
    return render(request, "quality/rule_form.html", {"form": form, "rule": None})


@requires(RULE_PERMISSION)
def rule_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(request.user, ValidationRule.objects.select_related("questionnaire"), pk=pk)
    # A catalogue rule's definition comes with rasd (`rasd load_quality_rules` would bring it back): switch it only.
    editable = item.origin != RuleOrigin.HERAMS
    form = RuleForm(request.POST or None, existing=item) if editable else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            changed = update_rule(request.user, item, form.definition(), reason=form.cleaned_data["reason"])
        except QualityError as error:
            _show_refusal(form, error)
        else:
            if changed:
                _saved(request, _("The rule %(code)s is saved.") % {"code": item.issue_code})
            else:
                messages.info(request, _("Nothing changed."))
            return redirect("quality:rule_list")
    context = {"form": form, "rule": item, "active_form": RuleActiveForm()}
    return render(request, "quality/rule_form.html", context)


@requires(RULE_PERMISSION)
@require_POST
def rule_set_active(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    item = get_scoped_or_404(request.user, ValidationRule.objects.all(), pk=pk)
    activate = request.POST.get("active") == "1"
    form = RuleActiveForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Say why the rule is switched off or on."))
        return redirect("quality:rule_edit", pk=item.pk)
    try:
        set_rule_active(request.user, item, activate, reason=form.cleaned_data["reason"])
    except QualityError as error:
        messages.error(request, error.message)
        return redirect("quality:rule_edit", pk=item.pk)
    if activate:
        _saved(request, _("The rule %(code)s is switched on again.") % {"code": item.issue_code})
    else:
        messages.success(
            request,
            _(
                "The rule %(code)s is switched off. Its open issues are resolved when their records are checked again "
                "(an edit, or rasd validate_round)."
            )
            % {"code": item.issue_code},
        )
    return redirect("quality:rule_list")


def _open_rounds(request: AuthenticatedRequest) -> list[Round]:
    """The rounds whose records can be checked again (a closed round's data is locked)."""
    return list(scoped(request.user, Round.objects.exclude(state=RoundState.CLOSED)).order_by("-period_start"))


def _show_refusal(form: RuleForm, error: QualityError) -> None:
    field = error.field if isinstance(error, RuleError) else ""
    form.add_error(field if field in form.fields else None, error.message)


def _saved(request: AuthenticatedRequest, saved: str) -> None:
    later = _(
        "New submissions are checked against it from now on (within 30 seconds); the records already stored are "
        "checked when they are edited, or for a whole round with “Check a round again” below (rasd validate_round)."
    )
    messages.success(request, f"{saved} {later}")
