"""Sending what was filled in the browser: into the one ingestion pipeline (`Source.WEB`), like every other source.

The pipeline stores the raw XML (with the sender, the browser's user agent and, for an edit, the reason) before
anything else, and refuses what it cannot accept before storing anything. Browser entry adds the checks that only
make sense here: a new submission must not replace another record, an edit must replace a version of the record
being edited (so nobody edits a record outside their scope through this page), and an edit needs a reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from rasd.collection.models import RoundState
from rasd.submissions.ingest import IncomingAttachment, IncomingSubmission, IngestResult, ingest
from rasd.submissions.models import Source, Submission, SubmissionVersion
from rasd.submissions.parsing import UnsafeOrInvalidXML, parse_instance

if TYPE_CHECKING:
    from rasd.accounts.models import User

EDITABLE_STATES = (RoundState.COLLECTING, RoundState.CLEANING)
MAX_REASON_LENGTH = 2000


class EntryRefused(Exception):
    """Refused before the pipeline saw it; `field` names the page's field to correct, if any."""

    def __init__(self, message: str, status: int = 400, field: str = "") -> None:
        super().__init__(message)
        self.message = message
        self.status = status
        self.field = field


@dataclass(frozen=True)
class Sent:
    xml: bytes
    attachments: Sequence[IncomingAttachment] = ()
    user_agent: str = ""


def edit_refusal(submission: Submission) -> str:
    """Why the record cannot be edited now, or "" when it can."""
    if submission.round.state not in EDITABLE_STATES:
        return _("The round “%(round)s” is %(state)s: its submissions cannot be edited.") % {
            "round": submission.round.name,
            "state": submission.round.get_state_display(),
        }
    if submission.current_version is None:
        return _("This submission is still waiting to be processed: it cannot be edited yet.")
    return ""


def _deprecated_id(xml: bytes) -> str:
    try:
        return parse_instance(xml).deprecated_id
    except UnsafeOrInvalidXML as exc:
        raise EntryRefused(str(exc.message)) from None


def submit_new(user: User, sent: Sent) -> IngestResult:
    """A new record filled in the browser."""
    if _deprecated_id(sent.xml):
        raise EntryRefused(_("This form replaces an earlier submission: open that submission and edit it instead."))
    return ingest(
        IncomingSubmission(sent.xml, Source.WEB, user, attachments=sent.attachments, user_agent=sent.user_agent)
    )


def submit_edit(user: User, submission: Submission, sent: Sent, reason: str) -> IngestResult:
    """A new version of `submission`, edited in the browser, with the reason for the change."""
    refusal = edit_refusal(submission)
    if refusal:
        raise EntryRefused(refusal, status=409)
    reason = reason.strip()
    if not reason:
        raise EntryRefused(_("Say why you are changing this submission."), field="reason")
    if len(reason) > MAX_REASON_LENGTH:
        raise EntryRefused(
            _("The reason is too long (at most %(count)s characters).") % {"count": MAX_REASON_LENGTH},
            field="reason",
        )
    replaced = _deprecated_id(sent.xml)
    if not replaced or not SubmissionVersion.objects.filter(submission=submission, instance_id=replaced).exists():
        raise EntryRefused(_("This form is not an edit of this submission. Open the submission and edit it again."))
    incoming = IncomingSubmission(
        sent.xml, Source.WEB, user, attachments=sent.attachments, user_agent=sent.user_agent, reason=reason
    )
    return ingest(incoming)
