"""Reads of submissions: a round's records in the user's scope, filtered; one record with its versions and diffs.

Everything starts from `scoped()`, so a record outside the user's part of the country is never listed, counted,
exported or opened (404)."""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db.models import Count, Q, QuerySet
from django.http import Http404

from rasd.accounts.models import User
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.collection.models import Round
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Directorate, Facility, Sector
from rasd.registry.selectors import search_q
from rasd.submissions.answers import Catalogue
from rasd.submissions.changes import FieldChange, diff_answers
from rasd.submissions.models import Attachment, Submission, SubmissionState, SubmissionVersion

SORTS = {"-received": ("-updated_at", "-pk"), "received": ("updated_at", "pk")}


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
    sort: str = "-received"


def latest_round() -> Round | None:
    """The round a list opens on when none is named: a collecting one first, else the most recent."""
    rounds = Round.objects.all()
    return rounds.filter(state="collecting").first() or rounds.first()


def round_submissions(user: User, round_: Round) -> QuerySet[Submission]:
    return scoped(user, Submission.objects.filter(round=round_))


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
    return records.order_by(*SORTS.get(filters.sort, SORTS["-received"]))


def list_rows(records: QuerySet[Submission]) -> QuerySet[Submission]:
    return records.select_related(
        "facility", "directorate", "sector", "submitted_by", "current_version", "current_version__device"
    ).defer("current_version__answers")


@dataclass(frozen=True)
class Counts:
    total: int
    received: int
    quarantined: int
    facilities: int


def counts(records: QuerySet[Submission]) -> Counts:
    """How many records (in scope, before the filters), by state, and how many facilities they cover."""
    by_state = dict(records.order_by().values_list("state").annotate(n=Count("pk")))
    facilities = records.exclude(facility=None).order_by().values("facility").distinct().count()
    return Counts(
        total=sum(by_state.values()),
        received=by_state.get(SubmissionState.RECEIVED, 0),
        quarantined=by_state.get(SubmissionState.QUARANTINED, 0),
        facilities=facilities,
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
