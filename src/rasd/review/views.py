"""Review pages: a decision or a comment on one record (posted from its page), a decision on many records of the
filtered list, and the approval pages that count a round's records per directorate (national managers) or per
sector (directorate managers). The rules are the services'; a refusal is shown as a message and changes nothing.
See docs/review.md."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import QuerySet
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import scoped
from rasd.collection.models import Round, RoundState
from rasd.review import services
from rasd.review.forms import BulkForm, CommentForm, DecisionForm, errors_of
from rasd.review.services import ReviewAction, ReviewRefused
from rasd.submissions import selectors
from rasd.submissions.forms import SubmissionFilterForm, list_params
from rasd.submissions.models import Submission

# The approval pages (URL names) whose buttons post the bulk form and get back to them.
APPROVAL_PAGES = ("national", "directorate")
# The refused records listed on the outcome of a bulk decision (the rest are counted).
REFUSED_SHOWN = 200


def _record_page(submission: Submission) -> HttpResponse:
    return redirect(reverse("submissions:submission_detail", args=[submission.pk]) + "#review")


@requires(Perm.REVIEW_SUBMISSIONS)
@require_POST
def decide(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """Approve, return, reject or reopen one record. Out of scope: 404; a role that may not: 403."""
    submission = selectors.submission_in_scope(request.user, pk)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_of(form))
        return _record_page(submission)
    data = form.cleaned_data
    try:
        decided = services.act(
            request.user,
            submission,
            ReviewAction(data["action"]),
            message=data["message"],
            justification=data["justification"],
        )
    except ReviewRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("The record is now “%(state)s”.") % {"state": decided.get_state_display()})
    return _record_page(submission)


@requires(Perm.REVIEW_SUBMISSIONS)
@require_POST
def comment(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    submission = selectors.submission_in_scope(request.user, pk)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_of(form))
        return _record_page(submission)
    try:
        services.add_comment(request.user, submission, form.cleaned_data["text"])
    except ReviewRefused as refusal:
        messages.error(request, refusal.message)
    else:
        messages.success(request, _("Your comment was added."))
    return _record_page(submission)


def list_url(params: Iterable[tuple[str, str]]) -> str:
    return f"{reverse('submissions:submission_list')}?{urlencode(list(params))}"


@requires(Perm.REVIEW_SUBMISSIONS)
@require_POST
def bulk(request: AuthenticatedRequest) -> HttpResponse:
    """A decision on the records ticked on the list, or on all those matching its filters. The filters are applied
    again here, through the same selectors and the user's scope: an id outside them is ignored."""
    round_ = selectors.round_named(request.user, request.POST.get("round", ""))
    if round_ is None:
        raise Http404
    back = _back(request.POST.get("return_to", ""), round_) or list_url(list_params(request.POST, round_))
    filters = SubmissionFilterForm(request.POST, user=request.user, round=round_)
    form = BulkForm(request.POST, actor=request.user)
    if not filters.is_valid():
        messages.error(request, _("Some filters could not be used: nothing was done. Filter the list again."))
        return redirect(back)
    if not form.is_valid():
        messages.error(request, errors_of(form))
        return redirect(back)
    data = form.cleaned_data
    records = selectors.filter_submissions(selectors.round_submissions(request.user, round_), filters.filters())
    if data["target"] == BulkForm.TARGET_SELECTED:
        records = records.filter(pk__in=data["ids"])
    elif data["expected"] is not None and (found := records.count()) != data["expected"]:
        text = ngettext(
            "%(now)s record matches the filters now, not %(then)s: nothing was done. Check the list again.",
            "%(now)s records match the filters now, not %(then)s: nothing was done. Check the list again.",
            found,
        )
        messages.error(request, text % {"now": found, "then": data["expected"]})
        return redirect(back)
    try:
        outcome = services.bulk(
            request.user,
            records,
            ReviewAction(data["action"]),
            message=data["message"],
            justification=data["justification"],
        )
    except ReviewRefused as refusal:
        messages.error(request, refusal.message)
        return redirect(back)
    context = {
        "round": round_,
        "action": ReviewAction(data["action"]),
        "done": len(outcome.done),
        "refused": outcome.refused[:REFUSED_SHOWN],
        "refused_count": len(outcome.refused),
        "back": back,
    }
    return render(request, "review/bulk_outcome.html", context)


def _back(page: str, round_: Round) -> str:
    """The approval page a bulk form was posted from (`return_to`), to go back to; "" for the list."""
    if page not in APPROVAL_PAGES:
        return ""
    return f"{reverse(f'review:{page}')}?{urlencode({'round': round_.code})}"


@dataclass(frozen=True)
class ApprovalRow:
    """A directorate (or a sector inside it) on an approval page: its counts and how many of its records wait for
    this level, with the list filters that select those (None for records placed in no unit: no filter selects
    them, so they are counted but approved from the list or their pages)."""

    counts: selectors.GroupCounts
    sub: bool
    filters: list[tuple[str, str]] | None
    waiting: int
    link: str  # the list of the unit's waiting records


def _approval_rows(records: QuerySet[Submission], round_: Round, queue: str) -> list[ApprovalRow]:
    def row(counts: selectors.GroupCounts, unit: list[tuple[str, str]] | None, sub: bool) -> ApprovalRow:
        waiting = counts.waiting_national if queue == "national" else counts.waiting_directorate
        filters = [*unit, ("queue", queue)] if unit is not None else None
        link = list_url([("round", round_.code), *filters]) if filters is not None else ""
        return ApprovalRow(counts, sub, filters, waiting, link)

    sectors = selectors.counts_by(records, by_sector=True) if queue == "directorate" else []
    rows = []
    for counts in selectors.counts_by(records, by_sector=False):
        directorate = counts.directorate
        unit = [("directorate", str(directorate.pk))] if directorate is not None else None
        rows.append(row(counts, unit, sub=False))
        for inner in (sector for sector in sectors if directorate is not None and sector.directorate == directorate):
            placed = [*(unit or []), ("sector", str(inner.sector.pk))] if inner.sector is not None else None
            rows.append(row(inner, placed, sub=True))
    return rows


def _approval_page(request: AuthenticatedRequest, queue: str) -> HttpResponse:
    """A round's records counted per directorate in the user's scope (and, for the directorate queue, per sector
    inside it), each with a button approving the unit's records waiting in `queue`: it posts the bulk form, filtered
    to that unit and queue, so the same checks and the same outcome page apply."""
    round_ = selectors.round_named(request.user, request.GET.get("round", ""))
    rows = []
    if round_ is not None:
        rows = _approval_rows(selectors.round_submissions(request.user, round_), round_, queue)
    context = {
        "round": round_,
        "rounds": scoped(request.user, Round.objects.all()),
        "level": queue,
        "rows": rows,
        "locked": round_ is not None and round_.state == RoundState.CLOSED,
    }
    return render(request, "review/approval_page.html", context)


@requires(Perm.APPROVE_NATIONALLY)
@require_safe
def national(request: AuthenticatedRequest) -> HttpResponse:
    return _approval_page(request, "national")


@requires(Perm.APPROVE_FOR_DIRECTORATE)
@require_safe
def directorate(request: AuthenticatedRequest) -> HttpResponse:
    return _approval_page(request, "directorate")
