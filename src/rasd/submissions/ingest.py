"""The one ingestion pipeline: every source hands an `IncomingSubmission` to `ingest()`.

The dataclasses, exceptions and function signatures below are shared by the OpenRosa views, the simulator,
browser entry, paper entry and imports: do not change them without telling everybody who calls them.

Steps (docs/ingestion.md tells the whole story): check sizes; parse the XML once, safely; check the submitter;
find the questionnaire version and the round; refuse what cannot be accepted BEFORE storing anything; then in
one transaction store the raw XML and the attachments and, inside a savepoint, build the record (a new
`Submission` or a new version of one) and run the validation hooks. A failure inside the savepoint keeps the
raw submission, which `process_pending()` or the client's retry completes later: nothing is ever dropped.
"""

from __future__ import annotations

import functools
import hashlib
import logging
import os
import tempfile
import zlib
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING

from django.conf import settings
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import IntegrityError, connection, models, transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasd.accounts.roles import Perm
from rasd.collection.models import Round, RoundState
from rasd.questionnaires.models import Questionnaire, QuestionnaireVersion, VersionState
from rasd.submissions import hooks
from rasd.submissions.models import (
    Attachment,
    RawSubmission,
    Source,
    Submission,
    SubmissionState,
    SubmissionVersion,
)
from rasd.submissions.normalise import Normalised, normalise, plan_for
from rasd.submissions.parsing import ParsedInstance, UnsafeOrInvalidXML, parse_instance
from rasd.submissions.placement import Placement, place

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from rasd.accounts.models import User
    from rasd.collection.models import DeviceToken

log = logging.getLogger(__name__)

DEFAULT_MAX_XML_BYTES = 10 * 1024 * 1024
DEFAULT_MAX_ATTACHMENT_BYTES = 100 * 1024 * 1024


@dataclass(frozen=True)
class IncomingAttachment:
    name: str  # as the client named it (UTF-8, may be Arabic); never used as a path on disk
    content_type: str
    content: bytes


@dataclass(frozen=True)
class IncomingSubmission:
    xml: bytes
    source: Source
    submitted_by: User | None
    device: DeviceToken | None = None
    attachments: Sequence[IncomingAttachment] = field(default_factory=tuple)
    user_agent: str = ""
    reason: str = ""  # why an edit was made (required by browser/paper edits, empty from ODK Collect)
    received_at: datetime | None = None  # defaults to now; imports pass the original submission time


class Outcome(models.TextChoices):
    CREATED = "created", _("New record")
    EDITED = "edited", _("New version of a record")
    DUPLICATE = "duplicate", _("Already received (attachments added if new)")
    COMPLETED = "completed", _("Received earlier, processing completed now")


@dataclass(frozen=True)
class IngestResult:
    outcome: Outcome
    raw: RawSubmission
    submission: Submission | None  # None only when processing failed and the raw waits for a retry
    version: SubmissionVersion | None
    attachments_added: int = 0


class IngestError(Exception):
    """A submission refused before anything was stored. `status` is the HTTP status OpenRosa answers with."""

    status = 400
    code = "invalid"

    def __init__(self, message: str | _StrPromise) -> None:
        super().__init__(str(message))
        self.message = message


class MalformedSubmission(IngestError):
    status, code = 400, "malformed"


class NotPermitted(IngestError):
    status, code = 403, "not_permitted"


class UnknownForm(IngestError):
    status, code = 404, "unknown_form"


class UnknownFormVersion(IngestError):
    status, code = 404, "unknown_form_version"


class DeprecatedNotFound(IngestError):
    status, code = 404, "deprecated_not_found"


class NotAcceptingSubmissions(IngestError):
    status, code = 409, "not_accepting"


class InstanceConflict(IngestError):
    status, code = 409, "instance_conflict"


class StaleEdit(IngestError):
    status, code = 409, "stale_edit"


class TooLarge(IngestError):
    status, code = 413, "too_large"


def max_xml_bytes() -> int:
    return int(getattr(settings, "SUBMISSION_MAX_XML_BYTES", DEFAULT_MAX_XML_BYTES))


def max_attachment_bytes() -> int:
    """The most attachment bytes one post may carry (so also the largest single attachment)."""
    return int(getattr(settings, "SUBMISSION_MAX_ATTACHMENT_BYTES", DEFAULT_MAX_ATTACHMENT_BYTES))


# ---------------------------------------------------------------------------------------------------------------
# What is looked up before anything is stored


@dataclass(frozen=True)
class _Form:
    version_id: int
    questionnaire_id: int
    md5: str
    collecting_round_id: int | None  # the collecting round that accepts this version, if any


@dataclass(frozen=True)
class _Predecessor:
    version_id: int
    submission_id: int
    round_id: int
    facility_id: int | None


@dataclass(frozen=True)
class _Plan:
    """Everything the record needs, decided before the transaction starts."""

    form: _Form
    round_id: int
    predecessor: _Predecessor | None
    normalised: Normalised
    placement: Placement


@functools.cache
def _form_sql() -> str:
    """The query every submission makes, written once in plain SQL: building it through the ORM cost more CPU
    than running it. Table and column names come from the models."""
    version, questionnaire = QuestionnaireVersion._meta, Questionnaire._meta
    through = Round.versions.through._meta
    round_col = through.get_field("round").column
    version_col = through.get_field("questionnaireversion").column
    # Only table and column names from the models are interpolated; values are always parameters.
    form = (
        f"SELECT v.id, v.questionnaire_id, v.md5, (SELECT rv.{round_col} FROM {through.db_table} rv "  # noqa: S608
        f"JOIN {Round._meta.db_table} r ON r.id = rv.{round_col} WHERE rv.{version_col} = v.id AND r.state = %s "
        f"ORDER BY r.id LIMIT 1) FROM {version.db_table} v JOIN {questionnaire.db_table} q "
        "ON q.id = v.questionnaire_id WHERE q.form_id = %s AND v.version = %s AND v.state IN (%s, %s) LIMIT 1"
    )
    return form


def _find_form(form_id: str, version: str) -> _Form:
    # One query: the version (published or retired — older versions are accepted while a round lists them)
    # and the collecting round that accepts it. Services allow at most one collecting round per version.
    with connection.cursor() as cursor:
        params = [RoundState.COLLECTING.value, form_id, version, VersionState.PUBLISHED.value]
        cursor.execute(_form_sql(), [*params, VersionState.RETIRED.value])
        row = cursor.fetchone()
    if row is None:
        if Questionnaire.objects.filter(form_id=form_id).exists():
            message = _("The form version “%(version)s” of “%(form)s” does not exist.")
            raise UnknownFormVersion(message % {"version": version, "form": form_id})
        raise UnknownForm(_("There is no form “%(form)s”.") % {"form": form_id})
    pk, questionnaire_id, md5, round_id = row
    return _Form(pk, questionnaire_id, md5, round_id)


def _find_predecessor(deprecated_id: str, form: _Form) -> _Predecessor:
    accepted = Round.versions.through.objects.filter(
        round_id=OuterRef("submission__round_id"), questionnaireversion_id=form.version_id
    )
    rows = list(
        SubmissionVersion.objects.filter(instance_id=deprecated_id)
        .order_by()
        .annotate(accepted=Exists(accepted))
        .values_list(
            "pk",
            "submission_id",
            "submission__current_version_id",
            "submission__round_id",
            "submission__round__state",
            "submission__facility_id",
            "accepted",
        )[:1]
    )
    if not rows:
        raise DeprecatedNotFound(_("The submission this one replaces (%(id)s) was not found.") % {"id": deprecated_id})
    pk, submission_id, current_id, round_id, round_state, facility_id, accepted_version = rows[0]
    if round_state not in (RoundState.COLLECTING, RoundState.CLEANING):
        raise NotAcceptingSubmissions(_("The round of this submission is closed: it cannot be edited any more."))
    if current_id != pk:
        raise StaleEdit(
            _("The copy you were editing (%(id)s) is out of date: someone else changed this submission since.")
            % {"id": deprecated_id}
        )
    if not accepted_version:
        raise NotAcceptingSubmissions(_("The round of this submission does not accept this form version."))
    return _Predecessor(pk, submission_id, round_id, facility_id)


# ---------------------------------------------------------------------------------------------------------------
# Public entry points


def ingest(incoming: IncomingSubmission) -> IngestResult:
    """Store a submission and build its record; raise an `IngestError` (before storing anything) to refuse it."""
    _check_sizes(incoming)
    try:
        parsed = parse_instance(incoming.xml)
    except UnsafeOrInvalidXML as exc:
        raise MalformedSubmission(exc.message) from None
    user = incoming.submitted_by
    if user is None or not user.can(Perm.SUBMIT_DATA):
        raise NotPermitted(_("This account may not send submissions."))
    form = _find_form(parsed.form_id, parsed.form_version)
    sha256 = hashlib.sha256(incoming.xml).hexdigest()
    try:
        plan = _plan(parsed, form, user)
    except (NotAcceptingSubmissions, StaleEdit, DeprecatedNotFound):
        # A client that never saw our answer sends again, maybe after the round closed or the record moved on.
        existing = _existing_raw(parsed.instance_id)
        if existing is None:
            raise
        return _resend(existing, incoming, sha256)
    try:
        return _store(incoming, parsed, sha256, plan)
    except IntegrityError:
        # Lost a race (or a plain resend): the instanceID or the edited version is already taken.
        existing = _existing_raw(parsed.instance_id)
        if existing is not None:
            return _resend(existing, incoming, sha256)
        if parsed.deprecated_id:
            raise StaleEdit(
                _("The copy you were editing (%(id)s) was already edited by someone else.")
                % {"id": parsed.deprecated_id}
            ) from None
        raise


def process_pending(limit: int | None = None) -> int:
    """Build the records of raw submissions stored but never processed (a crash, a failing hook). Returns how
    many were completed."""
    pending = RawSubmission.objects.filter(version__isnull=True).order_by("received_at", "pk")
    completed = 0
    for raw in list(pending[:limit] if limit is not None else pending):
        with transaction.atomic():
            if _lock_unbuilt(raw) and _complete(raw) is not None:
                completed += 1
    return completed


def _lock_unbuilt(raw: RawSubmission) -> bool:
    """Lock the raw row (a read lock only: raw rows never change) so that two workers completing it wait for
    each other, then say whether it still has no record."""
    list(RawSubmission.objects.select_for_update().filter(pk=raw.pk).values_list("pk"))
    return not SubmissionVersion.objects.filter(raw=raw).exists()


# ---------------------------------------------------------------------------------------------------------------
# Steps


def _check_sizes(incoming: IncomingSubmission) -> None:
    if len(incoming.xml) > max_xml_bytes():
        raise TooLarge(_("The submission is larger than %(size)s bytes.") % {"size": max_xml_bytes()})
    if sum(len(attachment.content) for attachment in incoming.attachments) > max_attachment_bytes():
        raise TooLarge(_("The attachments are larger than %(size)s bytes.") % {"size": max_attachment_bytes()})


def _plan(parsed: ParsedInstance, form: _Form, user: User) -> _Plan:
    predecessor = _find_predecessor_or_complete(parsed.deprecated_id, form) if parsed.deprecated_id else None
    if predecessor is not None:
        round_id = predecessor.round_id
    elif form.collecting_round_id is not None:
        round_id = form.collecting_round_id
    else:
        raise NotAcceptingSubmissions(_("No round is collecting this form version at the moment."))
    normalised = normalise(parsed.root, plan_for(form.version_id, form.md5))
    placement = place(normalised.facility_code, round_id, user, predecessor.facility_id if predecessor else None)
    return _Plan(form, round_id, predecessor, normalised, placement)


def _find_predecessor_or_complete(deprecated_id: str, form: _Form) -> _Predecessor:
    try:
        return _find_predecessor(deprecated_id, form)
    except DeprecatedNotFound:
        # The version being edited may be stored but not yet processed (a crash): complete it, then edit it.
        raw = _existing_raw(deprecated_id)
        if raw is None:
            raise
        with transaction.atomic():
            built = _complete(raw) if _lock_unbuilt(raw) else None
        if built is None and not SubmissionVersion.objects.filter(raw=raw).exists():
            raise
        return _find_predecessor(deprecated_id, form)


def _existing_raw(instance_id: str) -> RawSubmission | None:
    return RawSubmission.objects.filter(instance_id=instance_id).first()


def _store(incoming: IncomingSubmission, parsed: ParsedInstance, sha256: str, plan: _Plan) -> IngestResult:
    with transaction.atomic():
        raw = RawSubmission.objects.create(
            instance_id=parsed.instance_id,
            deprecated_id=parsed.deprecated_id or None,
            sha256=sha256,
            xml_zlib=zlib.compress(incoming.xml, 6),
            size=len(incoming.xml),
            form_id=parsed.form_id,
            form_version=parsed.form_version,
            source=incoming.source,
            received_at=incoming.received_at or timezone.now(),
            submitted_by=incoming.submitted_by,
            device=incoming.device,
            user_agent=incoming.user_agent[:300],
            reason=incoming.reason,
        )
        added = _add_attachments(raw, incoming.attachments, set())
        built = _build_safely(raw, plan)
    outcome = Outcome.EDITED if parsed.deprecated_id else Outcome.CREATED
    submission, version = built if built is not None else (None, None)
    return IngestResult(outcome, raw, submission, version, added)


def _resend(existing: RawSubmission, incoming: IncomingSubmission, sha256: str) -> IngestResult:
    """The same instanceID again: a byte-identical resend (maybe carrying the next batch of attachments, or
    retrying after a crash) is accepted; anything else is a conflict."""
    if existing.sha256 != sha256:
        raise InstanceConflict(
            _("A submission already exists with the ID %(id)s, but with different content.")
            % {"id": existing.instance_id}
        )
    with transaction.atomic():
        names = set(Attachment.objects.filter(raw=existing).values_list("name", flat=True))
        added = _add_attachments(existing, incoming.attachments, names)
        if not _lock_unbuilt(existing):
            version = SubmissionVersion.objects.select_related("submission").get(raw=existing)
            return IngestResult(Outcome.DUPLICATE, existing, version.submission, version, added)
        built = _complete(existing)
    if built is None:
        return IngestResult(Outcome.DUPLICATE, existing, None, None, added)
    return IngestResult(Outcome.COMPLETED, existing, built[0], built[1], added)


def _complete(raw: RawSubmission) -> tuple[Submission, SubmissionVersion] | None:
    """Build the record of a stored raw submission that has none (call inside a transaction). It was accepted
    when it arrived, so it is completed even if its round has moved on since."""
    try:
        parsed = parse_instance(raw.xml)
        form = _find_form(raw.form_id, raw.form_version)
    except (UnsafeOrInvalidXML, IngestError):
        log.exception("pending submission %s cannot be read", raw.instance_id, extra=_ids(raw))
        return None
    if parsed.deprecated_id:
        try:
            predecessor = _find_predecessor(parsed.deprecated_id, form)
        except IngestError:
            predecessor = None
        if predecessor is None:  # a refusal does not apply to what was already accepted; only "not built" does
            row = (
                SubmissionVersion.objects.filter(instance_id=parsed.deprecated_id)
                .values_list("pk", "submission_id", "submission__round_id", "submission__facility_id")
                .first()
            )
            if row is None:
                log.warning("pending edit %s waits for %s", raw.instance_id, parsed.deprecated_id, extra=_ids(raw))
                return None
            predecessor = _Predecessor(*row)
        round_id = predecessor.round_id
    else:
        predecessor = None
        round_id = form.collecting_round_id or _any_round_for(form.version_id) or 0
        if not round_id:
            log.warning("pending submission %s: no round lists its form version", raw.instance_id, extra=_ids(raw))
            return None
    normalised = normalise(parsed.root, plan_for(form.version_id, form.md5))
    placement = place(
        normalised.facility_code, round_id, raw.submitted_by, predecessor.facility_id if predecessor else None
    )
    return _build_safely(raw, _Plan(form, round_id, predecessor, normalised, placement))


def _any_round_for(version_id: int) -> int | None:
    order: dict[str, int] = {RoundState.COLLECTING: 0, RoundState.CLEANING: 1}
    rounds = Round.objects.filter(versions=version_id).values_list("pk", "state", "period_start")
    ranked = sorted(rounds, key=lambda row: (order.get(row[1], 2), -row[2].toordinal()))
    return ranked[0][0] if ranked else None


def _ids(raw: RawSubmission) -> dict[str, object]:
    # Fields of their own in the JSON log, so an operator can find the raw submission.
    return {"instance_id": raw.instance_id, "raw_id": raw.pk}


def _build_safely(raw: RawSubmission, plan: _Plan) -> tuple[Submission, SubmissionVersion] | None:
    """Build the record in a savepoint. If anything fails (a bug, a failing hook, a lost race) only the
    savepoint is rolled back: the raw submission stays, and a retry or `process_pending()` completes it."""
    try:
        with transaction.atomic():
            return _build(raw, plan)
    except Exception:
        log.exception("submission %s stored but its record could not be built", raw.instance_id, extra=_ids(raw))
        return None


def _build(raw: RawSubmission, plan: _Plan) -> tuple[Submission, SubmissionVersion]:
    placement = plan.placement
    # A new version undoes any review decision: the record is reviewed again (rasd.review.states).
    unplaced = SubmissionState.RECEIVED if plan.predecessor is None else SubmissionState.EDITED
    state = SubmissionState.QUARANTINED if placement.reason else unplaced
    if plan.predecessor is None:
        submission = Submission.objects.create(
            round_id=plan.round_id,
            questionnaire_id=plan.form.questionnaire_id,
            first_instance_id=raw.instance_id,
            facility_id=placement.facility_id,
            directorate_id=placement.directorate_id,
            sector_id=placement.sector_id,
            state=state,
            quarantine_reason=placement.reason,
            submitted_by=raw.submitted_by,
            created_at=raw.received_at,
            updated_at=raw.received_at,
        )
    else:
        # The lock serialises edits of one record; the unique deprecated_id already allows only one successor.
        submission = Submission.objects.select_for_update().get(pk=plan.predecessor.submission_id)
        if submission.current_version_id != plan.predecessor.version_id:
            raise RuntimeError(f"{raw.instance_id} edits {raw.deprecated_id}, which is no longer current")
    normalised = plan.normalised
    gps = (normalised.gps or []) + [None, None, None, None]
    version = SubmissionVersion.objects.create(
        submission=submission,
        number=submission.version_count + 1,
        raw=raw,
        instance_id=raw.instance_id,
        deprecated_id=raw.deprecated_id or "",
        questionnaire_version_id=plan.form.version_id,
        answers=normalised.answers,
        facility_code=normalised.facility_code[:40],
        latitude=gps[0],
        longitude=gps[1],
        altitude=gps[2],
        accuracy=gps[3],
        started_at=normalised.started_at,
        ended_at=normalised.ended_at,
        source=raw.source,
        submitted_by=raw.submitted_by,
        device=raw.device,
        received_at=raw.received_at,
    )
    submission.current_version = version
    submission.version_count = version.number
    submission.updated_at = max(submission.updated_at, raw.received_at)
    update = ["current_version", "version_count", "updated_at"]
    if plan.predecessor is not None:
        submission.facility_id = placement.facility_id
        submission.directorate_id = placement.directorate_id
        submission.sector_id = placement.sector_id
        submission.state = state
        submission.quarantine_reason = placement.reason
        update += ["facility", "directorate", "sector", "state", "quarantine_reason"]
    submission.save(update_fields=update)
    hooks.run(version)
    return submission, version


# ---------------------------------------------------------------------------------------------------------------
# Bytes


def _clean_name(name: str) -> str:
    # The name is only a label (files are stored by content): keep the last path part, drop control characters.
    base = name.replace("\\", "/").rsplit("/", 1)[-1]
    return "".join(ch for ch in base if ch.isprintable()).strip()[:255]


def _add_attachments(raw: RawSubmission, attachments: Sequence[IncomingAttachment], known: set[str]) -> int:
    rows: list[Attachment] = []
    for attachment in attachments:
        name = _clean_name(attachment.name)
        if not name or name in known:
            continue  # append-only: a name already stored keeps its first content
        known.add(name)
        digest = hashlib.sha256(attachment.content).hexdigest()
        path = _store_file(digest, attachment.content)
        rows.append(
            Attachment(
                raw=raw,
                name=name,
                content_type=(attachment.content_type or "application/octet-stream")[:100],
                size=len(attachment.content),
                sha256=digest,
                file=path,
            )
        )
    if rows:
        # A concurrent split post may add the same name first; the unique (raw, name) keeps the first one.
        Attachment.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


def _store_file(digest: str, content: bytes) -> str:
    """Write the file (before its row is inserted), under a name made of its SHA-256: identical content is
    stored once, and a crash leaves at most an unreferenced file, never a row without its file."""
    name = f"submissions/{digest[:2]}/{digest}"
    try:
        path = Path(default_storage.path(name))
    except NotImplementedError:  # a storage without local paths (object storage)
        if not default_storage.exists(name):
            default_storage.save(name, ContentFile(content))
        return name
    if path.exists() and path.stat().st_size == len(content):
        return name
    path.parent.mkdir(parents=True, exist_ok=True)
    # Written to a temporary file, synced, then renamed: a file under its final name is always complete.
    handle, temporary_name = tempfile.mkstemp(dir=path.parent, prefix=".incoming-")
    temporary = Path(temporary_name)
    try:
        with os.fdopen(handle, "wb") as out:
            out.write(content)
            out.flush()
            os.fsync(out.fileno())
        temporary.chmod(0o644)
        temporary.replace(path)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    return name


def store_content(content: bytes) -> tuple[str, str]:
    """Store bytes by their SHA-256 exactly as attachments are stored, for files kept before they are sent (paper
    entry's scanned pages): the same bytes sent later as an attachment share the one file. Returns (sha256, name)."""
    digest = hashlib.sha256(content).hexdigest()
    return digest, _store_file(digest, content)
