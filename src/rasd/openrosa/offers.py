"""Which forms a user's phone is offered: formList, form download and manifest all ask this one question."""

from __future__ import annotations

import re
from typing import Any

from django.db.models import QuerySet

from rasd.accounts.roles import Perm, Role
from rasd.accounts.scoping import scoped
from rasd.collection.attachments import ATTACHMENT_NAMES
from rasd.collection.models import Assignment, ExpectedFacility, Round, RoundState
from rasd.questionnaires.models import QuestionnaireVersion, VersionState


def rounds_for(user: Any) -> QuerySet[Round]:
    """The collecting rounds `user` takes part in: a data collector's rounds are those with assignments for them;
    an office user (who may submit) takes part where the round expects facilities within their scope."""
    if not user.can(Perm.SUBMIT_DATA):
        return Round.objects.none()
    collecting = Round.objects.filter(state=RoundState.COLLECTING)
    if user.role == Role.DATA_COLLECTOR:
        return collecting.filter(pk__in=Assignment.objects.filter(collector=user).values("round"))
    expected = scoped(user, ExpectedFacility.objects.filter(removed_at__isnull=True))
    return collecting.filter(pk__in=expected.values("round"))


def offered_versions(user: Any) -> dict[str, QuestionnaireVersion]:
    """form ID → the version the phone should fill: the newest published version the user's rounds accept.

    Older versions a round still accepts are not listed (a form ID appears once in formList), but submissions made
    with them are still taken by the ingestion pipeline. The XForm text itself is not loaded here."""
    versions = (
        QuestionnaireVersion.objects.filter(rounds__in=rounds_for(user), state=VersionState.PUBLISHED)
        .select_related("questionnaire")
        .only("pk", "version", "md5", "published_at", "created_at", "questionnaire__form_id", "questionnaire__title")
        .order_by("questionnaire__form_id", "-published_at", "-created_at", "-pk")
    )
    offered: dict[str, QuestionnaireVersion] = {}
    for version in versions:
        offered.setdefault(version.questionnaire.form_id, version)
    return offered


_MEDIA_REFERENCE = re.compile(r"jr://file(?:-csv)?/([^\"'<>\s]+)")
_media_by_md5: dict[str, tuple[str, ...]] = {}


def media_names(version: QuestionnaireVersion) -> tuple[str, ...]:
    """The attachments rasd serves that the XForm refers to (`jr://file-csv/facilities.csv`, …).

    A published XForm never changes and its md5 names its content, so the answer is cached per md5: formList
    then never loads the 600 kB XForm text again."""
    cached = _media_by_md5.get(version.md5)
    if cached is None:
        xform = QuestionnaireVersion.objects.filter(pk=version.pk).values_list("xform", flat=True).get()
        referenced = set(_MEDIA_REFERENCE.findall(xform))
        cached = tuple(name for name in ATTACHMENT_NAMES if name in referenced)
        if version.md5:
            _media_by_md5[version.md5] = cached
    return cached


def xform_bytes(version: QuestionnaireVersion) -> bytes:
    xform = QuestionnaireVersion.objects.filter(pk=version.pk).values_list("xform", flat=True).get()
    return xform.encode("utf-8")
