"""Reads of questionnaires that take more than one query."""

from __future__ import annotations

from django.db.models import Count, Prefetch, QuerySet

from rasd.questionnaires.models import Questionnaire, QuestionnaireVersion, VersionState


class VersionNotFound(Exception):
    pass


def find_version(form_id: str, version: str | None = None) -> QuestionnaireVersion:
    """A version by its string, or without one the latest published version (else the latest of any state)."""
    versions = QuestionnaireVersion.objects.select_related("questionnaire").filter(questionnaire__form_id=form_id)
    if version is not None:
        found = versions.filter(version=version).first()
    else:
        found = versions.filter(state=VersionState.PUBLISHED).first() or versions.first()
    if found is None:
        raise VersionNotFound(f"no questionnaire {form_id!r}" + (f" with version {version!r}" if version else ""))
    return found


def questionnaires_with_versions() -> QuerySet[Questionnaire]:
    versions = QuestionnaireVersion.objects.select_related("created_by").annotate(field_count=Count("fields"))
    return Questionnaire.objects.prefetch_related(Prefetch("versions", queryset=versions))
