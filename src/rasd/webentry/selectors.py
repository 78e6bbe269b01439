"""Reads of browser entry: what a user may fill (open rounds, their versions, the facilities the user reports on),
the answers pre-filled for a facility, and the records a user may edit.

The facilities come from `rasd.collection.attachments.facilities_for`, the same list a phone downloads as
`facilities.csv`, so the browser and ODK Collect offer exactly the same facilities."""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Prefetch, Q, QuerySet
from django.http import Http404

from rasd.accounts.models import User
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.collection.attachments import facilities_for
from rasd.collection.models import Round, RoundState
from rasd.questionnaires.models import QuestionnaireField, QuestionnaireVersion
from rasd.registry.models import Facility
from rasd.registry.selectors import search_q
from rasd.submissions.models import Submission

FACILITY_ROLE = "facility_code"
# The questions the default form asks before the facility (they filter its list), pre-filled with it.
DIRECTORATE_NAME = "directorate"
SECTOR_NAME = "sector"


@dataclass(frozen=True)
class VersionChoice:
    version: QuestionnaireVersion
    facility_count: int


@dataclass(frozen=True)
class RoundChoice:
    round: Round
    versions: list[VersionChoice]


def open_rounds(user: User) -> list[RoundChoice]:
    """The collecting rounds with their accepted versions and how many facilities the user reports on in each."""
    versions = QuestionnaireVersion.objects.select_related("questionnaire").order_by("questionnaire__form_id", "-pk")
    rounds = scoped(user, Round.objects.filter(state=RoundState.COLLECTING)).prefetch_related(
        Prefetch("versions", queryset=versions)
    )
    return [
        RoundChoice(
            round_,
            [VersionChoice(version, facilities_for(user, version).count()) for version in round_.versions.all()],
        )
        for round_ in rounds.order_by("-period_start", "code")
    ]


def chosen_version(rounds: list[RoundChoice], version: str, round_code: str) -> VersionChoice | None:
    """The version asked for (?version=PK), else the first one of the round asked for (?round=CODE, as the round
    page links) or of any round — one with facilities the user reports on if there is such a version."""
    choices = [choice for round_choice in rounds for choice in round_choice.versions]
    asked = next((choice for choice in choices if str(choice.version.pk) == version), None)
    if asked is not None:
        return asked
    candidates = [c for r in rounds if not round_code or r.round.code == round_code for c in r.versions] or choices
    return next((c for c in candidates if c.facility_count), candidates[0] if candidates else None)


def fillable_version(user: User, pk: int) -> QuestionnaireVersion:
    """A version some collecting round accepts now (404 otherwise: nothing can be sent with it)."""
    accepted = QuestionnaireVersion.objects.filter(rounds__state=RoundState.COLLECTING).distinct()
    return get_scoped_or_404(user, accepted.select_related("questionnaire"), pk=pk)


def facility_choices(user: User, version: QuestionnaireVersion, query: str = "") -> QuerySet[Facility]:
    facilities = facilities_for(user, version).select_related("directorate", "sector", "facility_type")
    if query.strip():
        facilities = facilities.filter(search_q(query))
    return facilities.order_by("code")


def entry_facility(user: User, version: QuestionnaireVersion, code: str) -> Facility:
    """A facility the user reports on with `version` (404 for any other, in scope or not)."""
    facility = facility_choices(user, version).filter(code=code).first()
    if facility is None:
        raise Http404
    return facility


def prefilled_answers(version: QuestionnaireVersion, facility: Facility) -> dict[str, str]:
    """The facility question (role `facility_code`) and, in its group, the directorate and sector questions that
    filter its list, answered for `facility`. Forms without them get only what they have."""
    question = version.fields.filter(role=FACILITY_ROLE).first()
    if question is None:
        return {}
    answers = {question.path: facility.code}
    siblings = QuestionnaireField.objects.filter(
        version=version, parent_path=question.parent_path, name__in=(DIRECTORATE_NAME, SECTOR_NAME)
    ).values_list("name", "path")
    for name, path in siblings:
        if name == DIRECTORATE_NAME:
            answers[path] = facility.directorate.code
        elif facility.sector is not None:
            answers[path] = facility.sector.code
    return answers


def submission_for_edit(user: User, pk: int) -> Submission:
    """A record in the user's scope, with what the edit page shows (404 when out of scope)."""
    records = Submission.objects.select_related(
        "round", "facility", "current_version__questionnaire_version__questionnaire", "current_version__raw"
    )
    return get_scoped_or_404(user, records, pk=pk)


def edit_facilities(user: User, submission: Submission) -> QuerySet[Facility]:
    """The facilities offered when editing: those the user reports on with the record's version, and the record's
    own facility (a round in cleaning collects nothing new, yet its records keep their facility)."""
    current = submission.current_version
    reported = facilities_for(user, current.questionnaire_version) if current else Facility.objects.none()
    return Facility.objects.filter(Q(pk__in=reported.values("pk")) | Q(pk=submission.facility_id))
