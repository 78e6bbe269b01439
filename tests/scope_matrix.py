"""The scope-isolation matrix: every URL of rasd, requested by every persona, must never show or change
anything outside that persona's scope.

Who may see what is worked out here independently of `rasd.accounts.scoping` (the oracle below), so a
view that forgets the scoping function, or a scoping rule that is wrong, both show up as violations.
Every URL pattern must be listed in ROUTES; a new URL without an entry fails the test.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import Any

from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from rasd.accounts.models import User
from rasd.accounts.scoping import ScopeKind
from rasd.audit.models import AuditEntry
from rasd.collection.models import DeviceToken, Round
from rasd.questionnaires.models import Questionnaire, QuestionnaireVersion
from rasd.registry.models import AdminArea, Directorate, Facility, Sector
from rasd.submissions.models import Submission

PostData = Callable[[User], dict[str, Any]]


@dataclass(frozen=True)
class Route:
    """How to exercise one URL pattern.

    kind: "public" (open to anyone, shows no scoped data), "page" (no object in the URL: checked for leaked
    names), or "object" (the URL names one object of `model` by pk: every out-of-scope object must be
    unreachable, for reading and for writing).
    """

    name: str
    kind: str
    model: type[Any] | None = None
    methods: tuple[str, ...] = ("GET",)
    post_data: PostData | None = None
    url_kwargs: Callable[[Any], dict[str, Any]] = lambda target: {"pk": target.pk}


def _account_form(target: User) -> dict[str, Any]:
    return {
        "username": target.username,
        "full_name": "HIJACKED",
        "role": "data_collector",
        "scope_kind": "sectors",
        "scope_sectors": list(target.scope_sectors.values_list("pk", flat=True)),
        "reason": "attempt from outside the scope",
    }


ROUTES: list[Route] = [
    Route("healthz", "public"),
    Route("core:set_language", "public", methods=("POST",)),
    Route("accounts:login", "public"),
    Route("accounts:logout", "public", methods=("POST",)),
    Route("core:home", "page"),
    Route("accounts:password_change", "page"),
    Route("accounts:user_list", "page"),
    Route("accounts:user_create", "page"),
    Route("audit:entry_list", "page"),
    Route("registry:area_list", "page"),
    Route(
        "registry:area_edit",
        "object",
        model=AdminArea,
        methods=("GET", "POST"),
        post_data=lambda area: {"name_ar": "HIJACKED", "reason": "attempt"},
    ),
    Route("accounts:user_detail", "object", model=User),
    Route("accounts:user_edit", "object", model=User, methods=("GET", "POST"), post_data=_account_form),
    Route(
        "accounts:user_set_active",
        "object",
        model=User,
        methods=("POST",),
        post_data=lambda target: {"active": "0", "reason": "attempt from outside the scope"},
    ),
    Route(
        "accounts:user_reset_password",
        "object",
        model=User,
        methods=("GET", "POST"),
        post_data=lambda target: {"password": "taken-over-Pa55word", "reason": "attempt"},
    ),
]


def _facility_form(target: Any) -> dict[str, Any]:
    return {
        "name_ar": "HIJACKED",
        "facility_type": target.facility_type_id,
        "ownership": target.ownership,
        "directorate": target.directorate_id,
        "sector": target.sector_id or "",
        "settlement": target.settlement,
        "location_source": target.location_source,
        "valid_from": "2030-01-01",
        "reason": "attempt from outside the scope",
    }


def _merge_form(target: Any) -> dict[str, Any]:
    other = Facility.objects.exclude(pk=target.pk).values_list("code", flat=True).first()
    return {"absorb_code": other, "on": "2030-01-01", "reason": "attempt from outside the scope"}


def _split_form(target: Any) -> dict[str, Any]:
    return {
        "new-TOTAL_FORMS": "5",
        "new-INITIAL_FORMS": "0",
        "new-MIN_NUM_FORMS": "1",
        "new-MAX_NUM_FORMS": "5",
        "new-0-code": "HIJACK-1",
        "new-0-name_ar": "HIJACKED",
        "new-0-facility_type": target.facility_type_id,
        "close_original": "on",
        "on": "2030-01-01",
        "reason": "attempt from outside the scope",
    }


def _by_code(target: Any) -> dict[str, Any]:
    return {"code": target.code}


def _facility_change(name: str, post_data: PostData) -> Route:
    return Route(name, "object", model=Facility, methods=("GET", "POST"), post_data=post_data, url_kwargs=_by_code)


_ATTEMPT = {"on": "2030-01-01", "reason": "attempt from outside the scope"}

# The facility pages: list, map and its GeoJSON, one facility (by code) and every change to it; sectors.
ROUTES += [
    Route("registry:facility_list", "page"),
    Route("registry:facility_map", "page"),
    Route("registry:facility_points", "page"),
    Route("registry:boundaries", "page"),
    Route("registry:facility_create", "page"),
    Route("registry:facility_detail", "object", model=Facility, url_kwargs=_by_code),
    _facility_change("registry:facility_edit", _facility_form),
    _facility_change("registry:facility_close", lambda target: {**_ATTEMPT, "permanently": "1"}),
    _facility_change("registry:facility_reopen", lambda target: _ATTEMPT),
    _facility_change("registry:facility_merge", _merge_form),
    _facility_change("registry:facility_split", _split_form),
    Route("registry:sector_list", "page"),
    Route("registry:sector_create", "page"),
    Route(
        "registry:sector_edit",
        "object",
        model=Sector,
        methods=("GET", "POST"),
        post_data=lambda target: {"name_ar": "HIJACKED", "reason": "attempt from outside the scope"},
    ),
]


def _pair(target: Any) -> dict[str, Any]:
    """A pair of the target with another facility: one of the same directorate when there is one."""
    others = Facility.objects.exclude(pk=target.pk).order_by("pk")
    other = others.filter(directorate_id=target.directorate_id).first() or others.first()
    assert other is not None
    return {"a": target.pk, "b": other.pk}


# Data quality: findings per directorate, the findings, duplicate pairs and the review of one pair (both facilities
# must be in scope, so a pair with an out-of-scope facility is 404 whichever way round).
ROUTES += [
    Route("registry:quality_summary", "page"),
    Route("registry:quality_findings", "page"),
    Route("registry:duplicate_list", "page"),
    Route(
        "registry:duplicate_review",
        "object",
        model=Facility,
        methods=("GET", "POST"),
        post_data=lambda target: {"action": "dismiss", "note": "attempt from outside the scope"},
        url_kwargs=_pair,
    ),
]


def _import_upload_of(target: User) -> dict[str, Any]:
    """An import upload of the target account (only its uploader may open it, whatever the others' scope)."""
    from django.core.files.uploadedfile import SimpleUploadedFile

    from rasd.registry.importing import uploads

    source = SimpleUploadedFile("matrix.csv", b"code,name_ar\n")
    return {"upload": uploads.store(target, source, sheet="", reason="", valid_from=None).id}


# Import (upload, then a preview that only the uploader may open and confirm) and export (a form; the download
# itself is tested in tests/registry/test_export.py).
ROUTES += [
    Route("registry:facility_import", "page"),
    Route("registry:facility_export", "page"),
    Route(
        "registry:facility_import_preview",
        "object",
        model=User,
        methods=("GET", "POST"),
        url_kwargs=_import_upload_of,
    ),
]

# Questionnaires are national: every role that may see them sees all of them (no questionnaire is a target here).
ROUTES += [
    Route("questionnaires:questionnaire_list", "page"),
    Route("questionnaires:version_upload", "page"),
    Route("questionnaires:version_detail", "object", model=QuestionnaireVersion),
    Route("questionnaires:version_publish", "object", model=QuestionnaireVersion, methods=("POST",)),
    Route("questionnaires:version_retire", "object", model=QuestionnaireVersion, methods=("POST",)),
    Route("questionnaires:version_xlsform", "object", model=QuestionnaireVersion),
    Route("questionnaires:version_xform", "object", model=QuestionnaireVersion),
    Route(
        "questionnaires:questionnaire_diff",
        "object",
        model=Questionnaire,
        url_kwargs=lambda target: {"form_id": target.form_id},
    ),
]


def _paper_version() -> int:
    """A one-question questionnaire version to print (made once per test: the matrix has no questionnaire targets)."""
    from rasd.questionnaires.models import QuestionnaireField

    questionnaire, _created = Questionnaire.objects.get_or_create(form_id="paper-matrix", title="marker-paper")
    version, created = QuestionnaireVersion.objects.get_or_create(
        questionnaire=questionnaire, version="1", defaults={"xlsform": b"", "xform": "", "md5": ""}
    )
    if created:
        QuestionnaireField.objects.create(
            version=version, position=0, path="/data/q", name="q", kind="question", type="text", labels={"ar": "س"}
        )
    return version.pk


# Printed forms (PDF): pre-filled for a facility (by code), or one per facility of a directorate in the reader's scope.
ROUTES += [
    Route(
        "questionnaires:paper_blank",
        "object",
        model=QuestionnaireVersion,
        url_kwargs=lambda target: {"pk": target.pk, "lang": "ar"},
    ),
    Route(
        "questionnaires:paper_facility",
        "object",
        model=Facility,
        url_kwargs=lambda target: {"pk": _paper_version(), "lang": "ar", "code": target.code},
    ),
    Route(
        "questionnaires:paper_directorate",
        "object",
        model=Directorate,
        url_kwargs=lambda target: {"pk": _paper_version(), "lang": "ar", "directorate": target.pk},
    ),
]

# Collection rounds (rasd.collection): rounds are national like questionnaires, so every persona with view_rounds
# opens every round; what a round page lists inside it (expected facilities, assignments, collectors) is checked by
# tests/collection/test_collectors_isolation.py. Device tokens belong to their collector: only those who see that
# account (and may manage collectors) may open, print or revoke its token.
_ROUND_ATTEMPT = {"reason": "attempt from outside the scope"}
ROUTES += [
    Route("collection:round_list", "page"),
    Route("collection:round_create", "page"),
    Route("collection:round_detail", "object", model=Round),
    Route(
        "collection:round_state",
        "object",
        model=Round,
        methods=("POST",),
        post_data=lambda target: {"state": "cleaning", **_ROUND_ATTEMPT},
    ),
    Route("collection:round_versions", "object", model=Round, methods=("POST",)),
    Route("collection:expected_list", "object", model=Round),
    Route("collection:expected_add_scope", "object", model=Round, methods=("POST",)),
    Route("collection:expected_change", "object", model=Round, methods=("POST",)),
    Route("collection:assignment_list", "object", model=Round),
    Route("collection:assignment_add", "object", model=Round, methods=("POST",)),
    Route("collection:assignment_remove", "object", model=Round, methods=("POST",)),
    Route("collection:assign_by_sector", "object", model=Round, methods=("POST",)),
    Route("collection:collector_list", "object", model=Round),
    Route("collection:collector_cards", "object", model=Round),
    Route("collection:round_progress", "object", model=Round),
    Route("collection:round_progress_csv", "object", model=Round),
    Route("collection:round_progress_points", "object", model=Round),
    Route(
        "collection:token_issue",
        "object",
        model=User,
        methods=("GET", "POST"),
        post_data=lambda target: {"label": "marker-hijacked-device"},
    ),
    Route("collection:token_detail", "object", model=DeviceToken),
    Route("collection:token_qr_png", "object", model=DeviceToken),
    Route(
        "collection:token_revoke",
        "object",
        model=DeviceToken,
        methods=("POST",),
        post_data=lambda target: _ROUND_ATTEMPT,
    ),
]

# OpenRosa: isolation tested in tests/openrosa/ (the endpoints take a device token in the URL or HTTP Basic, not the
# session this matrix signs in with; tests/openrosa/test_forms.py checks each persona's formList and facilities.csv).
ROUTES += [
    Route(f"openrosa:{base}{name}", "public")
    for base in ("", "key_")
    for name in ("formlist", "form_download", "manifest", "attachment", "submission")
]


# --- Imports (rasd.imports): a round's import page names a (national) round; an import job is placed where its
# uploader works, so each job route is exercised with a job placed at the directorate of each target facility (the
# facility oracle then says who may see it; the list on the round page is checked by tests/imports/test_pages.py). ---
def _import_job_at(target: Any) -> dict[str, Any]:
    import datetime

    from rasd.imports.models import ImportJob

    day = datetime.date(2030, 1, 1)
    round_, _created = Round.objects.get_or_create(
        code="matrix-imports", defaults={"name": "matrix", "period_start": day, "period_end": day, "deadline": day}
    )
    job, _created = ImportJob.objects.get_or_create(
        round=round_,
        file_name=f"marker-import-{target.code}.xlsx",
        defaults={
            "file": "submission-imports/matrix.xlsx",
            "sha256": "0" * 64,
            "created_by": User.objects.order_by("pk").first(),
            "directorate_id": target.directorate_id,
            "authority_id": target.directorate.authority_id,
        },
    )
    return {"pk": job.pk}


ROUTES += [
    Route("imports:round_imports", "object", model=Round),
    Route("imports:job_detail", "object", model=Facility, url_kwargs=_import_job_at),
    Route("imports:job_status", "object", model=Facility, url_kwargs=_import_job_at),
    Route("imports:job_apply", "object", model=Facility, methods=("POST",), url_kwargs=_import_job_at),
]
# --- end of imports ---

# --- Browser entry (rasd.webentry): the start page lists the facilities a user reports on. Filling names a facility
# (by code) with a version that a collecting round accepts and that round expects the facility, so everybody who
# sees the facility and may submit opens it (a collector only their assignments: 404 otherwise). Editing names a
# record (`Submission`); its form is made a small real XForm first (the matrix records have none). The version
# routes (attachments, sending, preview) list no object of their own; tests/webentry checks what they serve. ---
_ENTRY_XFORM = (
    '<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"><h:head><h:title>t</h:title>'
    '<model><instance><data id="entry-matrix"><identification><facility/></identification></data></instance></model>'
    "</h:head><h:body/></h:html>"
)


def _entry_fill(target: Any) -> dict[str, Any]:
    import datetime

    from rasd.collection.models import ExpectedFacility

    questionnaire, _created = Questionnaire.objects.get_or_create(form_id="entry-matrix", title="entry matrix")
    version, _created = QuestionnaireVersion.objects.get_or_create(
        questionnaire=questionnaire, version="1", defaults={"xlsform": b"", "xform": _ENTRY_XFORM, "md5": ""}
    )
    day = datetime.date(2026, 1, 1)
    round_, created = Round.objects.get_or_create(
        code="entry-matrix",
        defaults={
            "name": "entry round",
            "period_start": day,
            "period_end": day,
            "deadline": day,
            "state": "collecting",
        },
    )
    if created:
        round_.versions.add(version)
    ExpectedFacility.objects.get_or_create(round=round_, facility=target)
    return {"pk": version.pk, "facility": target.code}


def _entry_edit(target: Any) -> dict[str, Any]:
    QuestionnaireVersion.objects.filter(pk=target.current_version.questionnaire_version_id, xform="").update(
        xform=_ENTRY_XFORM
    )
    return {"pk": target.pk}


ROUTES += [
    Route("webentry:start", "page"),
    Route("webentry:fill", "object", model=Facility, url_kwargs=_entry_fill),
    Route("webentry:fill_form", "object", model=Facility, url_kwargs=_entry_fill),
    Route(
        "webentry:attachment",
        "object",
        model=QuestionnaireVersion,
        url_kwargs=lambda target: {"pk": target.pk, "name": "facilities.csv"},
    ),
    Route("webentry:submit", "object", model=QuestionnaireVersion, methods=("POST",)),
    Route("webentry:edit", "object", model=Submission),
    Route("webentry:edit_form", "object", model=Submission, url_kwargs=_entry_edit),
    Route("webentry:edit_instance", "object", model=Submission),
    Route(
        "webentry:edit_attachment",
        "object",
        model=Submission,
        url_kwargs=lambda target: {"pk": target.pk, "name": "facilities.csv"},
    ),
    Route("webentry:edit_submit", "object", model=Submission, methods=("POST",)),
    Route("webentry:preview", "object", model=QuestionnaireVersion),
    Route("webentry:preview_form", "object", model=QuestionnaireVersion),
    Route(
        "webentry:preview_attachment",
        "object",
        model=QuestionnaireVersion,
        url_kwargs=lambda target: {"pk": target.pk, "name": "facilities.csv"},
    ),
]
# --- end of browser entry ---

# --- Paper double entry (rasd.paperentry): the list and the identify page are pages. A paper form, its entry page,
# scans and conflict screen are reached through a test facility: a paper form made for that facility is placed like
# it, so the facility oracle says who may see it. One form per facility waits for its first entry (and has a scan),
# another (in a second round) has two differing entries by the administrator and the federal national manager, so
# others in scope may open its conflict screen. The agreement page names a round (national). ---
_PAPER_XFORM = (
    '<h:html xmlns="http://www.w3.org/2002/xforms" xmlns:h="http://www.w3.org/1999/xhtml"><h:head><h:title>m</h:title>'
    '<model><instance><data id="paper-entry-matrix" version="1"><q/><meta><instanceID/></meta></data></instance>'
    '<bind nodeset="/data/q" type="string"/></model></h:head><h:body><input ref="/data/q"/></h:body></h:html>'
)


def _paper_form_of(target: Any, conflicts: bool = False) -> Any:
    import datetime

    from rasd.paperentry.models import PaperEntry, PaperForm, PaperFormState, PaperScan
    from rasd.questionnaires.models import QuestionnaireField
    from rasd.submissions.ingest import store_content

    questionnaire, _created = Questionnaire.objects.get_or_create(form_id="paper-entry-matrix", title="marker-paper")
    version, created = QuestionnaireVersion.objects.get_or_create(
        questionnaire=questionnaire, version="1", defaults={"xlsform": b"", "xform": _PAPER_XFORM, "md5": "m"}
    )
    if created:
        QuestionnaireField.objects.create(
            version=version, position=0, path="/data/q", name="q", kind="question", type="text", labels={"ar": "س"}
        )
    day = datetime.date(2026, 1, 1)
    code = "paper-matrix-conflicts" if conflicts else "paper-matrix"
    round_, created = Round.objects.get_or_create(
        code=code,
        defaults={"name": code, "period_start": day, "period_end": day, "deadline": day, "state": "collecting"},
    )
    if created:
        round_.versions.add(version)
    admin = User.objects.get(username="admin")
    paper_form, created = PaperForm.objects.get_or_create(
        round=round_,
        facility=target,
        version=version,
        defaults={"directorate_id": target.directorate_id, "sector_id": target.sector_id, "created_by": admin},
    )
    if created and conflicts:
        second = User.objects.get(username="national-fed")
        PaperEntry.objects.create(paper_form=paper_form, number=1, clerk=admin, answers={"/data/q": "a"})
        PaperEntry.objects.create(paper_form=paper_form, number=2, clerk=second, answers={"/data/q": "b"})
        PaperForm.objects.filter(pk=paper_form.pk).update(state=PaperFormState.CONFLICTS)
    elif created:
        digest, name = store_content(b"\x89PNG\r\n\x1a\nmatrix")
        PaperScan.objects.create(
            paper_form=paper_form,
            name="scan.png",
            content_type="image/png",
            size=16,
            sha256=digest,
            file=name,
            uploaded_by=admin,
        )
    return paper_form


def _paper_scan_of(target: Any) -> dict[str, Any]:
    paper_form = _paper_form_of(target)
    return {"pk": paper_form.pk, "scan": paper_form.scans.values_list("pk", flat=True).first()}


_PAPER_ATTEMPT = {"c0": "typed", "v0": "HIJACKED", "confirm": "on", "q0": "HIJACKED"}
ROUTES += [
    Route("paperentry:paper_list", "page"),
    Route("paperentry:paper_identify", "page"),
    Route("paperentry:paper_detail", "object", model=Facility, url_kwargs=lambda t: {"pk": _paper_form_of(t).pk}),
    Route(
        "paperentry:paper_entry",
        "object",
        model=Facility,
        methods=("GET", "POST"),
        post_data=lambda target: _PAPER_ATTEMPT,
        url_kwargs=lambda t: {"pk": _paper_form_of(t).pk},
    ),
    Route(
        "paperentry:scan_upload",
        "object",
        model=Facility,
        methods=("POST",),
        url_kwargs=lambda t: {"pk": _paper_form_of(t).pk},
    ),
    Route("paperentry:scan_file", "object", model=Facility, url_kwargs=_paper_scan_of),
    Route(
        "paperentry:paper_resolve",
        "object",
        model=Facility,
        methods=("GET", "POST"),
        post_data=lambda target: _PAPER_ATTEMPT,
        url_kwargs=lambda t: {"pk": _paper_form_of(t, conflicts=True).pk},
    ),
    Route("paperentry:round_agreement", "object", model=Round),
]
# --- end of paper double entry ---


# --- Data quality (rasd.quality): accepting an issue names the issue; the matrix gives each record one issue, so the
# issue is placed like its record. ---
def _issue_of(target: Any) -> dict[str, Any]:
    from rasd.quality.models import Issue

    version = target.current_version
    issue, _created = Issue.objects.get_or_create(
        submission=target,
        rule="xform.required",
        field="/data/marker",
        defaults={"severity": "high", "first_version": version, "last_version": version},
    )
    return {"pk": issue.pk}


ROUTES += [
    Route(
        "quality:issue_accept",
        "object",
        model=Submission,
        methods=("POST",),
        post_data=lambda target: {"justification": "attempt from outside the scope"},
        url_kwargs=_issue_of,
    ),
]
# --- end of data quality ---


# --- Submissions (rasd.submissions): a round's list and its download are pages (the round comes as ?round=, the
# current one without it); a record, the raw XML of a version and an attachment are objects of `Submission`, placed
# by the record's directorate/sector fields (a quarantined record without a facility has a directorate only). ---
def _first_attachment(target: Any) -> dict[str, Any]:
    from rasd.submissions.models import Attachment

    found = Attachment.objects.filter(raw__version__submission=target).values_list("pk", flat=True).first()
    return {"pk": target.pk, "attachment": found or 0}


ROUTES += [
    Route("submissions:submission_list", "page"),
    Route("submissions:submission_export", "page"),
    Route("submissions:submission_detail", "object", model=Submission),
    Route(
        "submissions:version_xml",
        "object",
        model=Submission,
        url_kwargs=lambda target: {"pk": target.pk, "number": 1},
    ),
    Route("submissions:attachment_download", "object", model=Submission, url_kwargs=_first_attachment),
]
# --- end of submissions ---

# --- Review (rasd.review): a decision and a comment name a record (`Submission`, placed by its own fields); the bulk
# form and the approval pages name no object (the round comes as ?round= or in the form; the bulk form's records are
# the list's, filtered again in the user's scope: tests/review/test_bulk_pages.py posts ids from outside it). The
# round page's unlock names a (national) round. ---
_REVIEW_ATTEMPT = "attempt from outside the scope"
ROUTES += [
    Route(
        "review:decide",
        "object",
        model=Submission,
        methods=("POST",),
        post_data=lambda target: {"action": "reject", "message": _REVIEW_ATTEMPT, "justification": _REVIEW_ATTEMPT},
    ),
    Route("review:comment", "object", model=Submission, methods=("POST",), post_data=lambda t: {"text": "attempt"}),
    Route("review:bulk", "page"),
    Route("review:national", "page"),
    Route("review:directorate", "page"),
    Route(
        "collection:round_unlock",
        "object",
        model=Round,
        methods=("POST",),
        post_data=lambda target: {"reason": _REVIEW_ATTEMPT},
    ),
]
# --- end of review ---


# --- Data-quality dashboard (rasd.quality dashboard and issue export) ---
# The chooser redirects to a round's dashboard. The dashboard and its XLSX name a (national) round: they are opened on
# the round of the matrix's records, so every persona's numbers are computed from records in and out of their scope
# (tests/quality/test_dashboard.py and test_issue_export.py check what each one sees, and the directorate filter). ---
def _round_with_records(target: Any) -> dict[str, Any]:
    found = Round.objects.filter(code="matrix-submissions").first()
    return {"pk": (found or target).pk}


ROUTES += [
    Route("quality:dashboard", "page"),
    Route("quality:round_dashboard", "object", model=Round, url_kwargs=_round_with_records),
    Route("quality:round_issues_xlsx", "object", model=Round, url_kwargs=_round_with_records),
]
# --- end of data-quality dashboard ---

# --- Quality rules pages (rasd.quality rule management) ---
# Rules are national, like questionnaires: everyone allowed opens every rule (no rule is a target here); checking a
# round again names a (national) round. What the list counts (open issues in the reader's scope) is checked by
# tests/quality/test_rule_pages.py.
from rasd.quality.models import ValidationRule  # noqa: E402  (kept inside this block)

ROUTES += [
    Route("quality:rule_list", "page"),
    Route("quality:rule_create", "page"),
    Route("quality:rule_edit", "object", model=ValidationRule, methods=("GET", "POST")),
    Route("quality:rule_set_active", "object", model=ValidationRule, methods=("POST",)),
    Route("quality:round_validate", "object", model=Round, methods=("POST",)),  # rounds are national
]
# --- end of quality rules pages ---

_DEPTH = {ScopeKind.ALL: 0, ScopeKind.AUTHORITY: 1, ScopeKind.DIRECTORATES: 2, ScopeKind.SECTORS: 3}


def covered_units(user: User, level: ScopeKind) -> set[int]:
    """The units of one level (authorities, directorates or sectors) that a user's scope reaches, worked out from
    the hierarchy directly. Only asked for levels at or above the user's own."""
    if level == ScopeKind.SECTORS:
        return set(user.scope_sectors.values_list("pk", flat=True))
    directorates = {
        ScopeKind.DIRECTORATES: lambda: set(user.scope_directorates.values_list("pk", flat=True)),
        ScopeKind.SECTORS: lambda: set(user.scope_sectors.values_list("directorate_id", flat=True)),
    }
    if level == ScopeKind.DIRECTORATES:
        return directorates[ScopeKind(user.scope_kind)]()
    if user.scope_kind == ScopeKind.AUTHORITY:
        return {user.scope_authority_id} if user.scope_authority_id else set()
    from rasd.registry.models import Directorate

    ids = directorates[ScopeKind(user.scope_kind)]()
    return set(Directorate.objects.filter(pk__in=ids).values_list("authority_id", flat=True))


def may_see_account(viewer: User, target: User) -> bool:
    """Oracle: a viewer sees the accounts scoped at their own level or below that reach one of the viewer's own
    units. Nobody but a whole-country user sees whole-country accounts."""
    if viewer.scope_kind == ScopeKind.ALL:
        return True
    level = ScopeKind(viewer.scope_kind)
    if _DEPTH[ScopeKind(target.scope_kind)] < _DEPTH[level]:
        return False
    return bool(covered_units(viewer, level) & covered_units(target, level))


def _placement(target: Any) -> tuple[int | None, int | None, int | None]:
    """(authority, directorate, sector) of a placed object; None below the object's own level."""
    from rasd.registry.models import Authority, Directorate, Facility, Sector

    if isinstance(target, Submission):  # placed by its own fields (None where the pipeline could not place it)
        placed = target.directorate
        return (placed.authority_id if placed is not None else None), target.directorate_id, target.sector_id
    if isinstance(target, Facility):
        return target.directorate.authority_id, target.directorate_id, target.sector_id
    if isinstance(target, Sector):
        return target.directorate.authority_id, target.directorate_id, target.pk
    if isinstance(target, Directorate):
        return target.authority_id, target.pk, None
    if isinstance(target, Authority):
        return target.pk, None, None
    raise NotImplementedError(f"no oracle for {type(target).__name__}: add one with the new scoped model")


def may_see_placed(viewer: User, target: Any) -> bool:
    """Oracle for objects placed in the health administration: inside the viewer's units, or (for directorates and
    authorities) the parent of one of them."""
    from rasd.registry.models import Authority, Directorate, Sector

    if viewer.scope_kind == ScopeKind.ALL:
        return True
    authority, directorate, sector = _placement(target)
    level = ScopeKind(viewer.scope_kind)
    covered = covered_units(viewer, level)
    if level == ScopeKind.AUTHORITY:
        return authority in covered
    if level == ScopeKind.DIRECTORATES:
        if directorate is None:  # an authority: seen when it runs one of the viewer's directorates
            return authority in covered_units(viewer, ScopeKind.AUTHORITY)
        return directorate in covered
    if sector is not None:
        return sector in covered
    if not isinstance(target, Directorate | Authority):
        return False  # a facility outside every sector (a hospital) is not a sector's business
    sectors = Sector.objects.filter(pk__in=covered)
    if directorate is not None:
        return sectors.filter(directorate_id=directorate).exists()
    return sectors.filter(directorate__authority_id=authority).exists()


def may_see(viewer: User, target: Any) -> bool:
    if isinstance(target, User):
        return may_see_account(viewer, target)
    if isinstance(target, AdminArea):
        return True  # boundaries are public reference data
    if isinstance(target, Questionnaire | QuestionnaireVersion):
        return True  # questionnaires are national
    if isinstance(target, Round):
        return True  # rounds are national too
    if isinstance(target, DeviceToken):
        return may_see_account(viewer, target.user)  # a device token goes with its collector's account
    return may_see_placed(viewer, target)


def marker(target: Any) -> str:
    """The text by which a target shows up on a page: test data put 'marker-…' in every account's full name and
    every facility's names."""
    if isinstance(target, User):
        return target.full_name
    if isinstance(target, Round):
        return target.name
    if isinstance(target, DeviceToken):
        return target.label
    if isinstance(target, Submission):  # test records carry "marker-" in their first instanceID
        return str(target.first_instance_id)
    if hasattr(target, "name_ar") and str(target.name_ar).startswith("marker-"):
        return str(target.name_ar)
    raise NotImplementedError(f"{type(target).__name__} has no marker: name it 'marker-…' in the test data")


@dataclass
class Findings:
    violations: list[str] = field(default_factory=list)
    checked_requests: int = 0

    def add(self, message: str) -> None:
        self.violations.append(message)


def named_patterns(urlconf: str | None = None) -> Iterator[str]:
    """The full name (namespace:name) of every URL pattern; unnamed ones as '<unnamed pattern>'."""

    def walk(patterns: list[Any], namespace: str) -> Iterator[str]:
        for pattern in patterns:
            if isinstance(pattern, URLResolver):
                inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
                yield from walk(pattern.url_patterns, inner)
            elif isinstance(pattern, URLPattern):
                yield f"{namespace}{pattern.name}" if pattern.name else f"<unnamed pattern {pattern.pattern}>"

    yield from walk(get_resolver(urlconf).url_patterns, "")


def unlisted_patterns(routes: list[Route], urlconf: str | None = None) -> list[str]:
    listed = {route.name for route in routes}
    return [name for name in named_patterns(urlconf) if name not in listed]


_clients: dict[int | None, Client] = {}


def _client(user: User | None) -> Client:
    """One signed-in client per persona for a whole check (signing in for every request is slow)."""
    key = user.pk if user is not None else None
    if key not in _clients:
        client = Client()
        if user is not None:
            client.force_login(user)
        _clients[key] = client
    return _clients[key]


def _state(target: Any) -> tuple[Any, int]:
    row = type(target).objects.filter(pk=target.pk).values().get()
    return row, AuditEntry.objects.count()


def check(
    routes: list[Route],
    personas: dict[str, User],
    targets: list[Any],
    urlconf: str | None = None,
    only: set[str] | None = None,
) -> Findings:
    """Exercise every route (or only those named in `only`) as every persona against every target."""
    _clients.clear()
    findings = Findings()
    for missing in unlisted_patterns(routes, urlconf):
        findings.add(f"{missing}: URL pattern is not in the scope matrix (add a Route for it)")
    for route in routes:
        if only is not None and route.name not in only:
            continue
        if route.kind == "page":
            _check_page(route, personas, targets, findings, urlconf)
        elif route.kind == "object":
            _check_object(route, personas, targets, findings, urlconf)
    return findings


def _check_page(
    route: Route, personas: dict[str, User], targets: list[Any], findings: Findings, urlconf: str | None
) -> None:
    url = reverse(route.name, urlconf=urlconf)
    anonymous = _client(None).get(url)
    if anonymous.status_code not in (302, 401, 403):
        findings.add(f"{route.name}: anonymous visitor got {anonymous.status_code}")
    for persona_name, persona in personas.items():
        response = _client(persona).get(url)
        findings.checked_requests += 1
        if response.status_code != 200:
            continue
        # Downloads stream (CSV exports): read them whole, their rows must not leak either.
        body = (b"".join(response.streaming_content) if response.streaming else response.content).decode()
        for target in targets:
            if not may_see(persona, target) and marker(target) in body:
                findings.add(f"{route.name}: {persona_name} sees out-of-scope {marker(target)}")


def _check_object(
    route: Route, personas: dict[str, User], targets: list[Any], findings: Findings, urlconf: str | None
) -> None:
    assert route.model is not None
    objects = [target for target in targets if isinstance(target, route.model)]
    reachable_somewhere = False
    for target in objects:
        url = reverse(route.name, kwargs=route.url_kwargs(target), urlconf=urlconf)
        for persona_name, persona in personas.items():
            client = _client(persona)
            visible = may_see(persona, target)
            if "GET" in route.methods:
                status = client.get(url).status_code
                findings.checked_requests += 1
                reachable_somewhere |= visible and status == 200
                if not visible and status not in (403, 404):
                    findings.add(f"{route.name}: {persona_name} read out-of-scope {marker(target)} ({status})")
            if "POST" in route.methods and not visible:
                before = _state(target)
                data = route.post_data(target) if route.post_data else {}
                status = client.post(url, data).status_code
                findings.checked_requests += 1
                if status not in (403, 404):
                    findings.add(f"{route.name}: {persona_name} posted to out-of-scope {marker(target)} ({status})")
                if _state(target) != before:
                    findings.add(f"{route.name}: {persona_name} changed out-of-scope {marker(target)}")
    if "GET" in route.methods and objects and not reachable_somewhere:
        findings.add(f"{route.name}: no persona could open any object — the check would prove nothing")
