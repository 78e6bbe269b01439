"""Reads of submissions: a round's records in the user's scope, filtered; one record with its versions and diffs.

Everything starts from `scoped()`, so a record outside the user's part of the country is never listed, counted,
exported or opened (404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, OuterRef, Q, QuerySet, Subquery
from django.http import Http404

from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.collection.models import Round
from rasd.quality.models import IssueStatus, Severity
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Directorate, Facility, Sector
from rasd.registry.selectors import search_q
from rasd.review.models import ReviewEvent, ReviewEventKind
from rasd.review.queues import (
    WAITING_FOR_COLLECTOR,
    WAITING_FOR_DIRECTORATE,
    WAITING_FOR_NATIONAL,
    WAITING_FOR_PLACEMENT,
)
from rasd.submissions.answers import Catalogue
from rasd.submissions.changes import FieldChange, diff_answers
from rasd.submissions.models import Attachment, Submission, SubmissionState, SubmissionVersion

SORTS = {"-received": ("-updated_at", "-pk"), "received": ("updated_at", "pk")}

# The review queues a list can be narrowed to (`?queue=`); "mine" is worked out from the reader's permissions.
QUEUES: dict[str, frozenset[SubmissionState]] = {
    "directorate": WAITING_FOR_DIRECTORATE,
    "national": WAITING_FOR_NATIONAL,
    "collector": WAITING_FOR_COLLECTOR,
    "placement": WAITING_FOR_PLACEMENT,
}
MY_QUEUE = "mine"


@dataclass(frozen=True)
class SubmissionFilters:
    q: str = ""
    directorate: Directorate | None = None
    sector: Sector | None = None
    collector: User | None = None
    received_from: datetime.date | None = None
    received_to: datetime.date | None = None
    state: str = ""
    reason: str = ""
    source: str = ""
    queue: str = ""
    reader: User | None = None  # whose queue "mine" is
    sort: str = "-received"


def latest_round() -> Round | None:
    """The round a list opens on when none is named: a collecting one first, else the most recent."""
    rounds = Round.objects.all()
    return rounds.filter(state="collecting").first() or rounds.first()


def round_named(user: User, code: str) -> Round | None:
    """The round of a list: the one named by its code (404 when there is none), else the current one."""
    code = code.strip()
    if not code:
        return latest_round()
    found = scoped(user, Round.objects.all()).filter(code=code).first()
    if found is None:
        raise Http404
    return found


def round_submissions(user: User, round_: Round) -> QuerySet[Submission]:
    return scoped(user, Submission.objects.filter(round=round_))


def waiting_for_q(user: User) -> Q:
    """The records that wait for `user`: the national queue for national approvers, the directorate queue for
    directorate approvers and the reviewers below them, and the records returned to the user as their collector."""
    waiting = Q(pk__in=[])
    if user.can(Perm.APPROVE_NATIONALLY):
        waiting |= Q(state__in=WAITING_FOR_NATIONAL)
    if user.can(Perm.APPROVE_FOR_DIRECTORATE) or (
        user.can(Perm.REVIEW_SUBMISSIONS) and not user.can(Perm.APPROVE_NATIONALLY)
    ):
        waiting |= Q(state__in=WAITING_FOR_DIRECTORATE)
    if user.can(Perm.SUBMIT_DATA):
        waiting |= Q(state__in=WAITING_FOR_COLLECTOR, submitted_by=user)
    return waiting


def filter_submissions(records: QuerySet[Submission], filters: SubmissionFilters) -> QuerySet[Submission]:
    query = filters.q.strip()
    if query:
        matching = Facility.objects.filter(search_q(query)).values("pk")
        records = records.filter(
            Q(facility__in=matching)
            | Q(current_version__facility_code__istartswith=query)
            | Q(first_instance_id__icontains=query)
        )
    if filters.directorate is not None:
        records = records.filter(directorate=filters.directorate)
    if filters.sector is not None:
        records = records.filter(sector=filters.sector)
    if filters.collector is not None:
        records = records.filter(submitted_by=filters.collector)
    if filters.received_from is not None:
        records = records.filter(updated_at__date__gte=filters.received_from)
    if filters.received_to is not None:
        records = records.filter(updated_at__date__lte=filters.received_to)
    if filters.state:
        records = records.filter(state=filters.state)
    if filters.reason:
        records = records.filter(state=SubmissionState.QUARANTINED, quarantine_reason=filters.reason)
    if filters.source:
        records = records.filter(current_version__source=filters.source)
    if filters.queue in QUEUES:
        records = records.filter(state__in=QUEUES[filters.queue])
    elif filters.queue == MY_QUEUE and filters.reader is not None:
        records = records.filter(waiting_for_q(filters.reader))
    return records.order_by(*SORTS.get(filters.sort, SORTS["-received"]))


def list_rows(records: QuerySet[Submission]) -> QuerySet[Submission]:
    return records.select_related(
        "facility", "directorate", "sector", "submitted_by", "current_version", "current_version__device"
    ).defer("current_version__answers")


@dataclass(frozen=True)
class StateCounts:
    """Records by state, and by the review queue they wait in."""

    by_state: dict[str, int]

    @property
    def total(self) -> int:
        return sum(self.by_state.values())

    def _in(self, states: frozenset[SubmissionState]) -> int:
        return sum(self.by_state.get(state, 0) for state in states)

    @property
    def waiting_directorate(self) -> int:
        return self._in(WAITING_FOR_DIRECTORATE)

    @property
    def waiting_national(self) -> int:
        return self._in(WAITING_FOR_NATIONAL)

    @property
    def returned(self) -> int:
        return self._in(WAITING_FOR_COLLECTOR)

    @property
    def quarantined(self) -> int:
        return self._in(WAITING_FOR_PLACEMENT)

    @property
    def approved_national(self) -> int:
        return self.by_state.get(SubmissionState.APPROVED_NATIONAL, 0)

    @property
    def rejected(self) -> int:
        return self.by_state.get(SubmissionState.REJECTED, 0)


@dataclass(frozen=True)
class Counts(StateCounts):
    facilities: int
    mine: int  # waiting for the reader


def counts(records: QuerySet[Submission], reader: User) -> Counts:
    """How many records (in scope, before the filters), by state, how many wait for the reader, and how many
    facilities they cover."""
    by_state = dict(records.order_by().values_list("state").annotate(n=Count("pk")))
    facilities = records.exclude(facility=None).order_by().values("facility").distinct().count()
    mine = records.filter(waiting_for_q(reader)).count()
    return Counts(by_state=by_state, facilities=facilities, mine=mine)


@dataclass(frozen=True)
class GroupCounts(StateCounts):
    directorate: Directorate | None
    sector: Sector | None
    high_issues: int  # records with an open high-severity issue


def counts_by(records: QuerySet[Submission], *, by_sector: bool) -> list[GroupCounts]:
    """The records' state counts per directorate, or per directorate and sector, for the approval pages. Units
    without a record are left out; records placed in no directorate (or no sector) come after the others."""
    fields = ("directorate", "sector") if by_sector else ("directorate",)
    grouped: dict[tuple[int | None, ...], dict[str, int]] = {}
    for *key, state, number in records.order_by().values_list(*fields, "state").annotate(n=Count("pk")):
        grouped.setdefault(tuple(key), {})[state] = number
    flagged = records.filter(issues__status=IssueStatus.OPEN, issues__severity=Severity.HIGH).order_by()
    high = {tuple(key): number for *key, number in flagged.values_list(*fields).annotate(n=Count("pk", distinct=True))}
    directorates = Directorate.objects.in_bulk([key[0] for key in grouped if key[0] is not None])
    sectors = Sector.objects.in_bulk([key[1] for key in grouped if by_sector and key[1] is not None])
    rows = [
        GroupCounts(
            by_state=by_state,
            directorate=directorates.get(key[0] or 0),
            sector=sectors.get(key[1] or 0) if by_sector else None,
            high_issues=high.get(key, 0),
        )
        for key, by_state in grouped.items()
    ]
    rows.sort(key=lambda row: (row.directorate is None, str(row.directorate), row.sector is None, str(row.sector)))
    return rows


def returned_to(user: User) -> QuerySet[Submission]:
    """The records returned to the user as their collector (in their scope), newest first, each with the message of
    the return (`return_message`)."""
    message = ReviewEvent.objects.filter(submission=OuterRef("pk"), kind=ReviewEventKind.RETURNED).order_by("-pk")
    records = Submission.objects.filter(state__in=WAITING_FOR_COLLECTOR, submitted_by=user)
    return (
        scoped(user, records)
        .select_related("round", "facility", "current_version")
        .annotate(return_message=Subquery(message.values("message")[:1]))
        .order_by("-updated_at", "-pk")
    )


def submitters(user: User, round_: Round) -> QuerySet[User]:
    """Who sent records of the round, limited to the accounts the user may see (a name is not shown otherwise)."""
    ids = Submission.objects.filter(round=round_).exclude(submitted_by=None).values("submitted_by")
    return scoped(user, User.objects.filter(pk__in=ids)).order_by("username")


def submission_in_scope(user: User, pk: int) -> Submission:
    related = Submission.objects.select_related(
        "round", "questionnaire", "facility", "directorate", "sector", "submitted_by", "current_version"
    )
    return get_scoped_or_404(user, related, pk=pk)


@dataclass
class VersionEntry:
    version: SubmissionVersion
    attachments: list[Attachment]
    changes: list[FieldChange] = field(default_factory=list)


def history(submission: Submission, language: str) -> list[VersionEntry]:
    """Every version, newest first, each with what changed from the version before it."""
    versions = list(
        submission.versions.select_related("raw", "submitted_by", "device", "questionnaire_version").order_by("number")
    )
    attachments: dict[int, list[Attachment]] = {}
    for attachment in Attachment.objects.filter(raw__in=[v.raw_id for v in versions]).order_by("name"):
        attachments.setdefault(attachment.raw_id, []).append(attachment)
    catalogues: dict[tuple[int, ...], Catalogue] = {}
    entries: list[VersionEntry] = []
    previous: SubmissionVersion | None = None
    for version in versions:
        entry = VersionEntry(version, attachments.get(version.raw_id, []))
        if previous is not None:
            key = (version.questionnaire_version_id, previous.questionnaire_version_id)
            if key not in catalogues:
                catalogues[key] = Catalogue.of(*_versions(key))
            entry.changes = diff_answers(previous.answers, version.answers, catalogues[key], language)
        entries.append(entry)
        previous = version
    return entries[::-1]


def _versions(ids: tuple[int, ...]) -> list[QuestionnaireVersion]:
    found = QuestionnaireVersion.objects.in_bulk(list(ids))
    return [found[pk] for pk in dict.fromkeys(ids)]


def version_of(submission: Submission, number: int) -> SubmissionVersion:
    """A version of a record already loaded through the scope (so only the lookup inside it remains)."""
    found = submission.versions.select_related("raw").filter(number=number).first()
    if found is None:
        raise Http404
    return found


def attachment_of(submission: Submission, pk: int) -> Attachment:
    """An attachment sent with any version of the record; anything else is 404."""
    found = Attachment.objects.filter(pk=pk, raw__version__submission=submission).first()
    if found is None:
        raise Http404
    return found
