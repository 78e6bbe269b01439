"""Which version and which facilities a batch of printed forms is made of."""

from __future__ import annotations

from django.db.models import QuerySet

from rasd.questionnaires.models import QuestionnaireVersion, VersionState
from rasd.registry.models import Facility
from rasd.registry.models.facilities import OperationalStatus

DEFAULT_FORM_ID = "herams_iraq"


def printable(facilities: QuerySet[Facility]) -> QuerySet[Facility]:
    """The facilities that get a form: not permanently closed and not merged into another, in code order."""
    return (
        facilities.exclude(status=OperationalStatus.PERMANENTLY_CLOSED)
        .filter(merged_into__isnull=True)
        .select_related("directorate", "sector", "facility_type")
        .order_by("code")
    )


def latest_published(form_id: str = DEFAULT_FORM_ID) -> QuestionnaireVersion | None:
    return (
        QuestionnaireVersion.objects.select_related("questionnaire")
        .filter(questionnaire__form_id=form_id, state=VersionState.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )
