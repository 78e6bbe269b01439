"""Running the rules and keeping the issues.

`validate_version()` checks one version (the ingestion hook calls it for every new version) and reconciles what it
finds with the record's unresolved issues, by rule and field:

- found again: an open issue stays open (an accepted one stays accepted) and its `last_version` moves on;
- not found any more: the issue is resolved by this version (an accepted one too: the answer it was about changed);
- new: a new open issue. A problem that comes back after it was resolved opens a new issue; the old one is kept.

`validate_round()` does the same for the current version of every record of a round, in batches. `accept_issue()`
is the one way a person changes an issue, with a justification and an audit entry.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasd.accounts.roles import Perm
from rasd.accounts.scoping import scoped
from rasd.audit import services as audit
from rasd.collection.models import Round, RoundState
from rasd.quality.models import UNRESOLVED, Issue, IssueStatus
from rasd.quality.rules import Context, Finding, FormInfo, form_info, rule, run_checks
from rasd.quality.rules.catalogue import prepare_batch, prepare_round
from rasd.quality.rules.rows import load_context, unresolved_issues
from rasd.quality.signals import issues_changed
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Sector
from rasd.submissions.models import Source, Submission, SubmissionVersion

if TYPE_CHECKING:
    from rasd.accounts.models import User

log = logging.getLogger(__name__)

# Reviewers accept issues — never the collectors whose answers are in question.
ACCEPT_PERMISSION = Perm.REVIEW_SUBMISSIONS
BATCH = 200
JUSTIFICATION_MAX = 2000


class QualityError(Exception):
    """A refused change, with a translated message."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


@dataclass
class Outcome:
    """What a run changed: issues opened, seen again, resolved."""

    records: int = 0
    opened: int = 0
    seen_again: int = 0
    resolved: int = 0

    def add(self, other: Outcome) -> None:
        self.records += other.records
        self.opened += other.opened
        self.seen_again += other.seen_again
        self.resolved += other.resolved


@dataclass
class _Changes:
    create: list[Issue] = field(default_factory=list)
    advance: list[Issue] = field(default_factory=list)
    resolve: list[Issue] = field(default_factory=list)

    def save(self) -> Outcome:
        if self.create:
            Issue.objects.bulk_create(self.create)
        if self.advance:
            Issue.objects.bulk_update(self.advance, ["last_version", "params"])
        if self.resolve:
            Issue.objects.bulk_update(self.resolve, ["status", "resolved_by_version", "status_changed_at"])
        changed = frozenset(issue.submission_id for issue in (*self.create, *self.resolve))
        if changed:
            issues_changed.send(sender=Issue, submission_ids=changed)
        return Outcome(opened=len(self.create), seen_again=len(self.advance), resolved=len(self.resolve))


# --- one version ------------------------------------------------------------------------------------------------


# Clients that refuse to send a form breaking its own rules (required, constraints, relevance, choice lists).
CLIENT_CHECKED_SOURCES = frozenset({Source.OPENROSA, Source.WEB})
FORM_RULE_PREFIX = "xform."


def check_new_version(version: SubmissionVersion) -> None:
    """The ingestion hook. A failing check must not keep a record from being built: it is logged, its savepoint
    rolled back, and the record is built without issues (`rasd validate_round` checks it again later)."""
    try:
        with transaction.atomic():
            validate_version(version, new_record=version.number == 1, at_ingestion=True)
    except Exception:
        log.exception("quality checks failed for submission version %s", version.pk)


def validate_version(version: SubmissionVersion, *, new_record: bool = False, at_ingestion: bool = False) -> Outcome:
    """Check the current version of a record and reconcile its issues. `new_record`: the version was just built as
    the first of its record, so it has no issues yet (one query fewer for most submissions). `at_ingestion`: called
    by the pipeline; a version from a client that enforced the form's rules is then not re-checked against the form,
    and the record's open form issues are left for `validate_round` to decide."""
    # The pipeline built the version with its record in memory; what the checks read besides (the round, the
    # facility with its type, directorate and sector, the form's md5) is one precompiled statement.
    submission = version.submission
    loaded = load_context(submission.round_id, submission.facility_id, version.questionnaire_version_id)
    form = form_info(version.questionnaire_version_id, loaded.form_md5)
    client_checked = at_ingestion and version.source in CLIENT_CHECKED_SOURCES
    context = Context(version, submission, loaded.round, loaded.facility, form, form_checked_by_client=client_checked)
    existing = [] if new_record else unresolved_issues(submission.pk)
    if client_checked:
        existing = [issue for issue in existing if not issue.rule.startswith(FORM_RULE_PREFIX)]
    changes = _Changes()
    _reconcile(version, run_checks(context), existing, changes)
    outcome = changes.save()
    outcome.records = 1
    return outcome


def _form_of(version_id: int, md5s: dict[int, str]) -> FormInfo:
    if version_id not in md5s:  # a version the round no longer lists
        md5s[version_id] = QuestionnaireVersion.objects.values_list("md5", flat=True).get(pk=version_id)
    return form_info(version_id, md5s[version_id])


def _reconcile(
    version: SubmissionVersion, findings: Iterable[Finding], existing: Sequence[Issue], changes: _Changes
) -> None:
    unresolved = {(issue.rule, issue.field): issue for issue in existing}
    for finding in findings:
        params = dict(finding.params)
        issue = unresolved.pop((finding.rule, finding.field), None)
        if issue is None:
            item = rule(finding.rule)
            assert item is not None  # run_checks reports only catalogued rules
            changes.create.append(
                Issue(
                    submission_id=version.submission_id,
                    first_version=version,
                    last_version=version,
                    rule=finding.rule,
                    severity=finding.severity or item.severity,
                    field=finding.field,
                    params=params,
                )
            )
        elif issue.last_version_id != version.pk or issue.params != params:
            issue.last_version = version
            issue.params = params  # what the latest version shows (the value may have changed, still wrong)
            changes.advance.append(issue)
    now = timezone.now()
    for issue in unresolved.values():
        issue.status = IssueStatus.RESOLVED
        issue.resolved_by_version = version
        issue.status_changed_at = now
        changes.resolve.append(issue)


# --- a round ----------------------------------------------------------------------------------------------------


def validate_round(round_: Round, *, progress: Callable[[int, int], None] | None = None) -> Outcome:
    """Check the current version of every record of the round again (after a rule or the master list changed).
    Each batch of records is locked while it is checked, so an edit arriving meanwhile waits for it."""
    ids = list(
        Submission.objects.filter(round=round_, current_version__isnull=False)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    total = Outcome()
    md5s = dict(QuestionnaireVersion.objects.filter(rounds=round_).values_list("pk", "md5"))
    sectors: dict[int, list[Sector]] = {}
    with transaction.atomic():
        shared = prepare_round(round_)  # e.g. the peer statistics, in one pass over the round
    for start in range(0, len(ids), BATCH):
        with transaction.atomic():
            total.add(_validate_batch(round_, ids[start : start + BATCH], md5s, sectors, shared))
        if progress is not None:
            progress(total.records, len(ids))
    return total


def _validate_batch(
    round_: Round,
    ids: list[int],
    md5s: dict[int, str],
    sectors: dict[int, list[Sector]],
    round_shared: Mapping[str, object],
) -> Outcome:
    list(Submission.objects.select_for_update().filter(pk__in=ids).values_list("pk"))
    records = list(
        Submission.objects.filter(pk__in=ids).select_related(
            "current_version__raw", "facility__directorate", "facility__sector", "facility__facility_type"
        )
    )
    _load_sectors({record.facility.directorate_id for record in records if record.facility}, sectors)
    existing: dict[int, list[Issue]] = {}
    for issue in Issue.objects.filter(submission_id__in=ids, status__in=UNRESOLVED):
        existing.setdefault(issue.submission_id, []).append(issue)
    shared = prepare_batch(round_, records, round_shared)
    changes = _Changes()
    for record in records:
        version = record.current_version
        assert version is not None
        version.submission = record
        facility = record.facility
        context = Context(
            version,
            record,
            round_,
            facility,
            _form_of(version.questionnaire_version_id, md5s),
            sectors.get(facility.directorate_id, []) if facility is not None else None,
            shared,
        )
        _reconcile(version, run_checks(context), existing.get(record.pk, []), changes)
    outcome = changes.save()
    outcome.records = len(records)
    return outcome


def _load_sectors(directorate_ids: set[int], sectors: dict[int, list[Sector]]) -> None:
    missing = directorate_ids - sectors.keys()
    if not missing:
        return
    for directorate_id in missing:
        sectors[directorate_id] = []
    for sector in Sector.objects.filter(directorate_id__in=missing).order_by("code"):
        sectors[sector.directorate_id].append(sector)


# --- people's decisions -----------------------------------------------------------------------------------------


def accept_issue(actor: User | None, issue: Issue, justification: str) -> Issue:
    """Mark an open issue as valid as it is (the answer is right although a rule questions it). The justification
    is kept on the issue and in the audit log. `actor=None` is the system."""
    if actor is not None and not actor.can(ACCEPT_PERMISSION):
        raise PermissionDenied(_("You may not accept data-quality issues."))
    if actor is not None and not scoped(actor, Issue.objects.filter(pk=issue.pk)).exists():
        raise PermissionDenied(_("This issue is outside your scope."))
    justification = justification.strip()[:JUSTIFICATION_MAX]
    if not justification:
        raise QualityError(_("Say why the answer is valid as it is."))
    with transaction.atomic():
        locked = Issue.objects.select_for_update().get(pk=issue.pk)
        if Round.objects.filter(submissions=locked.submission_id, state=RoundState.CLOSED).exists():
            raise QualityError(_("The round is closed: its data is locked."))
        if locked.status != IssueStatus.OPEN:
            raise QualityError(_("Only an open issue can be accepted."))
        before = audit.snapshot(locked, ["status", "justification"])
        locked.status = IssueStatus.ACCEPTED
        locked.justification = justification
        locked.status_changed_at = timezone.now()
        locked.status_changed_by = actor
        locked.save(update_fields=["status", "justification", "status_changed_at", "status_changed_by"])
        audit.record(
            "quality.issue_accepted",
            locked,
            before=before,
            after=audit.snapshot(locked, ["status", "justification"]),
            reason=justification,
        )
        issues_changed.send(sender=Issue, submission_ids=frozenset({locked.submission_id}))
    return locked
