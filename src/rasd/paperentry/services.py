"""Every change in paper double entry goes through these functions: open a paper form, save an entry, upload a
scanned page, resolve the conflicts. Each checks the actor's permission and scope, writes its rows and its audit
entry in one transaction, and refuses with a `PaperEntryError` (nothing stored) when a rule is broken.

Nothing reaches the ingestion pipeline before both entries agree, or a third user has resolved where they do not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from rasd.accounts.roles import Perm
from rasd.accounts.scoping import scoped
from rasd.audit import services as audit
from rasd.collection.models import RoundState
from rasd.paperentry import keying
from rasd.paperentry.identify import PaperEntryError, Wanted, identify
from rasd.paperentry.models import (
    ChoiceSource,
    PaperEntry,
    PaperForm,
    PaperFormState,
    PaperResolution,
    PaperScan,
)
from rasd.questionnaires.xpath import Problem
from rasd.submissions.ingest import (
    IncomingAttachment,
    IncomingSubmission,
    IngestError,
    IngestResult,
    ingest,
    store_content,
)
from rasd.submissions.instances import BuiltInstance, build_instance
from rasd.submissions.models import Source

if TYPE_CHECKING:
    from rasd.accounts.models import User

__all__ = [
    "Decision",
    "Draft",
    "EntryOutcome",
    "PaperEntryError",
    "draft_resolution",
    "open_paper_form",
    "resolve",
    "save_entry",
    "upload_scan",
]

DEFAULT_MAX_SCAN_BYTES = 20 * 1024 * 1024
# What a scanner or a phone produces, recognised by the file's first bytes (the name and declared type are not
# trusted).
SCAN_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", "application/pdf"),
    (b"\xff\xd8\xff", "image/jpeg"),
    (b"\x89PNG\r\n\x1a\n", "image/png"),
    (b"II*\x00", "image/tiff"),
    (b"MM\x00*", "image/tiff"),
)
FORM_FIELDS = ["state", "raw", "submission", "sent_at"]


def max_scan_bytes() -> int:
    return int(getattr(settings, "PAPER_SCAN_MAX_BYTES", DEFAULT_MAX_SCAN_BYTES))


def _require_submit(actor: User) -> None:
    if not actor.can(Perm.SUBMIT_DATA):
        raise PaperEntryError(_("Your role may not key in or resolve paper forms."))


def _locked(actor: User, paper_form: PaperForm) -> PaperForm:
    """The paper form's row, locked for the transaction, if the actor may see it."""
    _require_submit(actor)
    found = scoped(actor, PaperForm.objects.filter(pk=paper_form.pk)).select_for_update().first()
    if found is None:
        raise PaperEntryError(_("This paper form is outside your scope."))
    return found


# --- opening ---------------------------------------------------------------------------------------------------


def open_paper_form(actor: User, wanted: Wanted) -> tuple[PaperForm, bool]:
    """The paper form the clerk holds: the one already opened for this facility, round and version if it is not yet
    sent (the second clerk scans the same code and lands on it), else a new one. Returns (paper form, created)."""
    _require_submit(actor)
    identity = identify(actor, wanted)
    facility = identity.facility
    lookup = {"round": identity.round, "facility": facility, "version": identity.version}
    existing = PaperForm.objects.filter(**lookup).exclude(state=PaperFormState.SENT).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            paper_form = PaperForm.objects.create(
                **lookup,
                directorate_id=facility.directorate_id,
                sector_id=facility.sector_id,
                qr_payload=identity.payload[:500],
                created_by=actor,
            )
            audit.record(
                "paper_form.opened",
                paper_form,
                after=audit.snapshot(paper_form, ["round", "version", "facility", "qr_payload", "state"]),
            )
    except IntegrityError:  # another clerk opened it at the same moment
        return PaperForm.objects.filter(**lookup).exclude(state=PaperFormState.SENT).get(), False
    return paper_form, True


# --- keying ----------------------------------------------------------------------------------------------------


def refusal_to_key(actor: User, paper_form: PaperForm) -> str:
    """Why the actor may not key this paper form now ("" when they may)."""
    if not actor.can(Perm.SUBMIT_DATA):
        return _("Your role may not key in paper forms.")
    if paper_form.state in (PaperFormState.CONFLICTS, PaperFormState.SENT):
        return _("Both entries of this paper form are in: it cannot be keyed again.")
    if paper_form.round.state != RoundState.COLLECTING:
        return _("The round is not collecting: paper forms are keyed only while it collects.")
    if any(entry.clerk_id == actor.pk for entry in paper_form.entries.all()):
        return _("You keyed the first entry of this paper form: the second must be keyed by another clerk.")
    return ""


@dataclass
class EntryOutcome:
    entry: PaperEntry
    conflicts: list[str] = field(default_factory=list)  # paths where the two entries differ (after the second)
    result: IngestResult | None = None  # the record, when both entries agreed and it was sent
    problems: list[Problem] = field(default_factory=list)  # the form's rules the sent answers break (warnings)
    send_error: str = ""  # why agreed answers could not be sent (they wait on the resolution page)


def save_entry(actor: User, paper_form: PaperForm, answers: Mapping[str, Any]) -> EntryOutcome:
    """Store the actor's entry (once: corrections happen at resolution). After the second entry, compare: if they
    agree, the answers go to the pipeline at once; otherwise the paper form waits for a resolution."""
    sheet = keying.key_sheet(paper_form.version)
    known = sheet.by_path()
    kept = {path: value for path, value in answers.items() if path in known and not keying.is_blank(value)}
    with transaction.atomic():
        paper_form = _locked(actor, paper_form)
        refusal = refusal_to_key(actor, paper_form)
        if refusal:
            raise PaperEntryError(refusal)
        number = 1 if paper_form.state == PaperFormState.FIRST_ENTRY else 2
        entry = PaperEntry.objects.create(paper_form=paper_form, number=number, clerk=actor, answers=kept)
        outcome = EntryOutcome(entry)
        if number == 1:
            paper_form.state = PaperFormState.SECOND_ENTRY
        else:
            first = paper_form.entries.select_related("clerk").get(number=1)
            outcome.conflicts = keying.conflicts(sheet, first.answers, kept)
            paper_form.state = PaperFormState.CONFLICTS
        paper_form.save(update_fields=["state"])
        audit.record(
            "paper_entry.saved",
            entry,
            after={"paper_form": paper_form.pk, "number": number, "answers": len(kept), "state": paper_form.state},
        )
        if number == 2 and not outcome.conflicts:
            reason = _("Paper form keyed twice, by %(first)s and %(second)s; the two entries agree.") % {
                "first": _name(first.clerk),
                "second": _name(actor),
            }
            try:
                with transaction.atomic():  # a refusal by the pipeline keeps the entry: the form waits to be sent
                    agreed = keying.agreed_answers(sheet, first.answers)
                    outcome.result, outcome.problems = _send(paper_form, agreed, actor, reason)
            except IngestError as error:
                paper_form.refresh_from_db()
                outcome.send_error = str(error.message)
    return outcome


def _name(user: User) -> str:
    return user.full_name or user.get_username()


# --- scans -----------------------------------------------------------------------------------------------------


def scan_type(content: bytes) -> str:
    """The content type of a scanned page, from its first bytes; "" when it is neither an image nor a PDF."""
    return next((kind for signature, kind in SCAN_SIGNATURES if content.startswith(signature)), "")


def upload_scan(actor: User, paper_form: PaperForm, name: str, content: bytes) -> PaperScan:
    """Keep a scanned page of the paper form (images and PDF only, up to `max_scan_bytes()`)."""
    if not content:
        raise PaperEntryError(_("The file is empty."), field="file")
    if len(content) > max_scan_bytes():
        raise PaperEntryError(
            _("The file is larger than %(size)s MB.") % {"size": max_scan_bytes() // (1024 * 1024)}, field="file"
        )
    content_type = scan_type(content)
    if not content_type:
        raise PaperEntryError(_("Upload a scan as an image (JPEG, PNG, TIFF) or a PDF."), field="file")
    clean_name = "".join(ch for ch in PurePosixPath(name.replace("\\", "/")).name if ch.isprintable()).strip()
    with transaction.atomic():
        paper_form = _locked(actor, paper_form)
        if paper_form.state == PaperFormState.SENT:
            raise PaperEntryError(_("This paper form was already sent: its scans can no longer change."))
        digest, stored = store_content(content)
        scan = PaperScan.objects.create(
            paper_form=paper_form,
            name=(clean_name or "scan")[:255],
            content_type=content_type,
            size=len(content),
            sha256=digest,
            file=stored,
            uploaded_by=actor,
        )
        audit.record(
            "paper_scan.uploaded",
            scan,
            after=audit.snapshot(scan, ["paper_form", "name", "content_type", "size", "sha256"]),
        )
    return scan


# --- resolution ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Decision:
    source: ChoiceSource
    typed: Any = None  # the value typed by the resolver (already typed like an entry's answer), for TYPED


@dataclass
class Draft:
    """What a resolution would send: the final answers, each conflict's choice, and the form's rules they break."""

    answers: dict[str, Any]
    choices: list[dict[str, Any]]
    built: BuiltInstance

    @property
    def problems(self) -> list[Problem]:
        return self.built.problems


def refusal_to_resolve(actor: User, paper_form: PaperForm) -> str:
    """Why the actor may not resolve this paper form now ("" when they may)."""
    if not actor.can(Perm.SUBMIT_DATA):
        return _("Your role may not resolve paper forms.")
    if paper_form.state != PaperFormState.CONFLICTS:
        return _("This paper form has nothing to resolve.")
    if any(entry.clerk_id == actor.pk for entry in paper_form.entries.all()):
        return _("You keyed one of the two entries: a third person (another clerk or the supervisor) must resolve.")
    return ""


def draft_resolution(actor: User, paper_form: PaperForm, decisions: Mapping[str, Decision]) -> Draft:
    """The final answers for these decisions, checked, without storing anything."""
    refusal = refusal_to_resolve(actor, paper_form)
    if refusal:
        raise PaperEntryError(refusal)
    sheet = keying.key_sheet(paper_form.version)
    entries = {entry.number: entry.answers for entry in paper_form.entries.all()}
    first, second = entries.get(1, {}), entries.get(2, {})
    conflicting = keying.conflicts(sheet, first, second)
    if conflicting and not paper_form.scans.exists():
        raise PaperEntryError(_("Upload the scanned paper form first: conflicts are resolved against the page."))
    fields = sheet.by_path()
    answers = keying.agreed_answers(sheet, first, leave_out=conflicting)
    choices: list[dict[str, Any]] = []
    for path in conflicting:
        decision = decisions.get(path)
        if decision is None:
            raise PaperEntryError(
                _("Choose the right value of question %(number)s.") % {"number": fields[path].number or path}
            )
        chosen = {ChoiceSource.FIRST: first.get(path), ChoiceSource.SECOND: second.get(path)}.get(
            decision.source, decision.typed
        )
        if not keying.is_blank(chosen):
            answers[path] = chosen
        choices.append(
            {
                "path": path,
                "first": first.get(path),
                "second": second.get(path),
                "chosen": None if keying.is_blank(chosen) else chosen,
                "source": str(decision.source),
            }
        )
    built = _build(paper_form, answers)
    return Draft(answers=answers, choices=choices, built=built)


def resolve(actor: User, paper_form: PaperForm, decisions: Mapping[str, Decision]) -> IngestResult:
    """Settle the conflicts and send the final answers to the pipeline, with the scans as attachments. An
    `IngestError` (the round closed, say) propagates and nothing is stored: the entries wait as they were."""
    with transaction.atomic():
        paper_form = _locked(actor, paper_form)
        draft = draft_resolution(actor, paper_form, decisions)
        resolution = PaperResolution.objects.create(
            paper_form=paper_form, resolver=actor, choices=draft.choices, answers=draft.answers
        )
        clerks = [_name(entry.clerk) for entry in paper_form.entries.select_related("clerk").order_by("number")]
        reason = ngettext(
            "Paper form keyed twice, by %(first)s and %(second)s; %(count)s conflict resolved by %(resolver)s.",
            "Paper form keyed twice, by %(first)s and %(second)s; %(count)s conflicts resolved by %(resolver)s.",
            len(draft.choices),
        ) % {"first": clerks[0], "second": clerks[-1], "count": len(draft.choices), "resolver": _name(actor)}
        audit.record(
            "paper_form.resolved",
            paper_form,
            after={"resolution": resolution.pk, "choices": draft.choices},
            reason=reason,
        )
        result, _problems = _send(paper_form, draft.answers, actor, reason, built=draft.built)
    return result


# --- sending ---------------------------------------------------------------------------------------------------


def _build(paper_form: PaperForm, answers: Mapping[str, Any]) -> BuiltInstance:
    sheet = keying.key_sheet(paper_form.version)
    facility = paper_form.facility
    return build_instance(
        paper_form.version, {**answers, **keying.identity_answers(sheet, facility)}, facility=facility
    )


def _send(
    paper_form: PaperForm,
    answers: Mapping[str, Any],
    submitter: User,
    reason: str,
    built: BuiltInstance | None = None,
) -> tuple[IngestResult, list[Problem]]:
    """Hand the final answers to the pipeline (raises `IngestError` before anything is stored there) and mark the
    paper form sent. Called inside the caller's transaction, with the paper form's row locked."""
    built = built or _build(paper_form, answers)
    attachments = tuple(
        IncomingAttachment(f"{index:02d}-{scan.name}", scan.content_type, _read(scan))
        for index, scan in enumerate(paper_form.scans.order_by("uploaded_at", "pk"), start=1)
    )
    result = ingest(IncomingSubmission(built.xml, Source.PAPER, submitter, attachments=attachments, reason=reason))
    before = audit.snapshot(paper_form, FORM_FIELDS)
    paper_form.state = PaperFormState.SENT
    paper_form.raw = result.raw
    paper_form.submission = result.submission
    paper_form.sent_at = timezone.now()
    paper_form.save(update_fields=FORM_FIELDS)
    audit.record("paper_form.sent", paper_form, before=before, after=audit.snapshot(paper_form, FORM_FIELDS))
    return result, built.problems


def _read(scan: PaperScan) -> bytes:
    with scan.file.open("rb") as handle:
        return bytes(handle.read())
