"""Paper double entry pages: the list, identifying a paper form, keying it, its history, the scans, the conflict
screen and the agreement rates. Thin: permission, scoped lookup, form, service call, render (see services.py)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Prefetch
from django.http import FileResponse, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy as _lazy
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST, require_safe

from rasd.accounts.access import AuthenticatedRequest, requires, requires_any
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.collection.models import Round, RoundState
from rasd.paperentry import keying, selectors, services
from rasd.paperentry.forms import EntryForm, IdentifyForm, ListFilterForm, ResolveForm, ScanForm
from rasd.paperentry.identify import PaperEntryError, Wanted, read_payload
from rasd.paperentry.models import PaperEntry, PaperForm, PaperFormState, PaperScan
from rasd.questionnaires.xpath import Problem
from rasd.submissions.answers import answer_language
from rasd.submissions.ingest import IngestError

PAGE_SIZE = 50


viewer = requires_any(Perm.SUBMIT_DATA, Perm.VIEW_SUBMISSIONS)


def paper_form_for(request: AuthenticatedRequest, pk: int) -> PaperForm:
    queryset = PaperForm.objects.select_related(
        "round", "version__questionnaire", "facility__directorate", "facility__sector", "submission", "created_by"
    ).prefetch_related(Prefetch("entries", queryset=PaperEntry.objects.select_related("clerk").order_by("number")))
    return get_scoped_or_404(request.user, queryset, pk=pk)


@viewer
@require_safe
def paper_list(request: AuthenticatedRequest) -> HttpResponse:
    form = ListFilterForm(request.GET or None, user=request.user)
    data = form.cleaned_data if form.is_valid() else {}
    round_: Round | None = data.get("round")
    found = selectors.paper_forms(
        request.user, round_=round_, state=data.get("state", ""), directorate=data.get("directorate")
    )
    summary_round = round_ or scoped(request.user, Round.objects.filter(state=RoundState.COLLECTING)).first()
    context = {
        "form": form,
        "page": Paginator(found, PAGE_SIZE).get_page(request.GET.get("page")),
        "summary_round": summary_round,
        "summary": selectors.agreement(request.user, summary_round, data.get("directorate")) if summary_round else None,
        "can_key": request.user.can(Perm.SUBMIT_DATA),
        "query": _query_without_page(request),
    }
    return render(request, "paperentry/paper_list.html", context)


def _query_without_page(request: AuthenticatedRequest) -> str:
    query = request.GET.copy()
    query.pop("page", None)
    return query.urlencode()


@requires(Perm.SUBMIT_DATA)
def paper_identify(request: AuthenticatedRequest) -> HttpResponse:
    form = IdentifyForm(request.POST or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            paper_form, created = services.open_paper_form(request.user, _wanted(form))
        except PaperEntryError as error:
            form.add_error(error.field if error.field in form.fields else None, error.message)
        else:
            if created:
                messages.success(request, _("Paper form opened: key in the first entry."))
            return redirect("paperentry:paper_detail", pk=paper_form.pk)
    return render(request, "paperentry/paper_identify.html", {"form": form})


def _wanted(form: IdentifyForm) -> Wanted:
    """The QR code's parts, completed by what was typed (a blank form's code names no facility)."""
    typed = form.typed_wanted()
    payload = form.cleaned_data.get("payload", "")
    if not payload:
        return typed
    scanned = read_payload(payload)
    return Wanted(
        facility=scanned.facility or typed.facility,
        form_id=scanned.form_id,
        version=scanned.version,
        round=scanned.round or typed.round,
        payload=scanned.payload,
    )


@viewer
@require_safe
def paper_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    paper_form = paper_form_for(request, pk)
    language = answer_language(request.GET.get("lang"))
    context = {
        "paper_form": paper_form,
        "entries": list(paper_form.entries.all()),
        "scans": list(paper_form.scans.select_related("uploaded_by")),
        "rows": selectors.compared_rows(paper_form, language),
        "resolution": getattr(paper_form, "resolution", None),
        "choices": selectors.resolution_rows(paper_form, language),
        "key_refusal": services.refusal_to_key(request.user, paper_form),
        "resolve_refusal": services.refusal_to_resolve(request.user, paper_form),
        "scan_form": ScanForm(),
        "can_submit": request.user.can(Perm.SUBMIT_DATA),
        "can_upload": request.user.can(Perm.SUBMIT_DATA) and paper_form.state != PaperFormState.SENT,
    }
    return render(request, "paperentry/paper_detail.html", context)


@requires(Perm.SUBMIT_DATA)
def paper_entry(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    paper_form = paper_form_for(request, pk)
    refusal = services.refusal_to_key(request.user, paper_form)
    if refusal:
        messages.error(request, refusal)
        return redirect("paperentry:paper_detail", pk=paper_form.pk)
    language = answer_language()
    sheet = keying.key_sheet(paper_form.version)
    form = EntryForm(request.POST or None, sheet=sheet, language=language)
    if request.method == "POST" and form.is_valid():
        try:
            outcome = services.save_entry(request.user, paper_form, form.answers())
        except PaperEntryError as error:
            messages.error(request, error.message)
        else:
            _report_entry(request, outcome)
            return redirect("paperentry:paper_detail", pk=paper_form.pk)
    context = {"paper_form": paper_form, "form": form, "rows": form.rows(language)}
    return render(request, "paperentry/paper_entry.html", context)


def _report_entry(request: AuthenticatedRequest, outcome: services.EntryOutcome) -> None:
    if outcome.entry.number == 1:
        messages.success(request, _("First entry saved. Another clerk keys the second entry."))
    elif outcome.result is not None:
        messages.success(request, _("Second entry saved. The two entries agree: the record was sent."))
        if outcome.problems:
            count = len(outcome.problems)
            messages.warning(
                request,
                ngettext(
                    "The answers break %(count)s rule of the form; the review will flag it.",
                    "The answers break %(count)s rules of the form; the review will flag them.",
                    count,
                )
                % {"count": count},
            )
    elif outcome.send_error:
        messages.warning(
            request,
            _("Second entry saved. The entries agree but could not be sent: %(error)s") % {"error": outcome.send_error},
        )
    else:
        count = len(outcome.conflicts)
        messages.warning(
            request,
            ngettext(
                "Second entry saved. The entries differ in %(count)s question: a third person resolves it.",
                "Second entry saved. The entries differ in %(count)s questions: a third person resolves them.",
                count,
            )
            % {"count": count},
        )


@requires(Perm.SUBMIT_DATA)
@require_POST
def scan_upload(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    paper_form = paper_form_for(request, pk)
    form = ScanForm(request.POST, request.FILES)
    if not form.is_valid():
        messages.error(request, _("Choose the scanned page to upload."))
    else:
        upload = form.cleaned_data["file"]
        try:
            services.upload_scan(request.user, paper_form, upload.name or "", upload.read())
        except PaperEntryError as error:
            messages.error(request, error.message)
        else:
            messages.success(request, _("Scanned page uploaded."))
    target = "paperentry:paper_resolve" if request.POST.get("next") == "resolve" else "paperentry:paper_detail"
    return redirect(target, pk=paper_form.pk)


@viewer
@require_safe
def scan_file(request: AuthenticatedRequest, pk: int, scan: int) -> FileResponse:
    paper_form = paper_form_for(request, pk)
    found = get_scoped_or_404(request.user, PaperScan.objects.filter(paper_form=paper_form), pk=scan)
    # Shown inline (next to the conflicts): only images and PDFs recognised by their first bytes are stored.
    response = FileResponse(found.file.open("rb"), filename=found.name, content_type=found.content_type)
    response["X-Content-Type-Options"] = "nosniff"
    return response


@requires(Perm.SUBMIT_DATA)
def paper_resolve(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    paper_form = paper_form_for(request, pk)
    refusal = services.refusal_to_resolve(request.user, paper_form)
    if refusal:
        messages.error(request, refusal)
        return redirect("paperentry:paper_detail", pk=paper_form.pk)
    language = answer_language()
    sheet = keying.key_sheet(paper_form.version)
    entries = {entry.number: entry.answers for entry in paper_form.entries.all()}
    conflicts = keying.conflicts(sheet, entries.get(1, {}), entries.get(2, {}))
    form = ResolveForm(request.POST or None, sheet=sheet, conflicts=conflicts, language=language)
    problems: list[str] = []
    if request.method == "POST" and form.is_valid():
        decisions = form.decisions()
        try:
            draft = services.draft_resolution(request.user, paper_form, decisions)
            if draft.problems and not form.cleaned_data["confirm"]:
                problems = [_describe(problem, sheet) for problem in draft.problems]
                form = ResolveForm(
                    {**request.POST.dict(), "confirm": "on"}, sheet=sheet, conflicts=conflicts, language=language
                )
                form.is_valid()
            else:
                result = services.resolve(request.user, paper_form, decisions)
                messages.success(request, _("Conflicts resolved: the record was sent."))
                if result.submission is not None:
                    return redirect("submissions:submission_detail", pk=result.submission.pk)
                return redirect("paperentry:paper_detail", pk=paper_form.pk)
        except PaperEntryError as error:
            messages.error(request, error.message)
        except IngestError as error:
            messages.error(request, _("The record could not be sent: %(error)s") % {"error": error.message})
    shown = selectors.entry_displays(paper_form, [item.path for item in form.items], language)
    rows = [(item, choice, other, *shown[item.path]) for item, choice, other in form.rows()]
    context = {
        "paper_form": paper_form,
        "form": form,
        "rows": rows,
        "problems": problems,
        "scans": list(paper_form.scans.all()),
        "scan_form": ScanForm(),
        "can_upload": True,
        "show_images": True,
        "next": "resolve",
    }
    return render(request, "paperentry/paper_resolve.html", context)


RULES = {
    "required": _lazy("an answer is required"),
    "constraint": _lazy("the answer breaks the form's constraint"),
    "choice": _lazy("the answer is not one of the choices"),
    "not_relevant": _lazy("answered although the form skips this question"),
}


def _describe(problem: Problem, sheet: keying.KeySheet) -> str:
    item = sheet.by_path().get(problem.path)
    where = f"{item.number} {item.label(answer_language())}" if item else problem.path
    return f"{where}: {RULES.get(problem.rule, problem.rule)}"


@viewer
@require_safe
def round_agreement(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    round_ = get_scoped_or_404(request.user, Round.objects.all(), pk=pk)
    context = {"round": round_, "agreement": selectors.agreement(request.user, round_)}
    return render(request, "paperentry/round_agreement.html", context)
