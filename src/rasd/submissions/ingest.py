"""The one ingestion pipeline: every source hands an `IncomingSubmission` to `ingest()`.

CONTRACT (implementation in progress): the dataclasses, exceptions and function signatures below are shared by
the OpenRosa views, the simulator, browser entry, paper entry and imports. Do not change them without telling
everybody who calls them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import TYPE_CHECKING

from django.db import models
from django.utils.translation import gettext_lazy as _

from rasd.submissions.models import RawSubmission, Source, Submission, SubmissionVersion

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

    from rasd.accounts.models import User
    from rasd.collection.models import DeviceToken


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


def ingest(incoming: IncomingSubmission) -> IngestResult:
    raise NotImplementedError


def process_pending(limit: int | None = None) -> int:
    """Build the records of raw submissions stored but never processed (a crash, a failing hook). Returns how
    many were completed."""
    raise NotImplementedError
