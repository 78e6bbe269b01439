"""Questionnaires (XLSForms) and their versions, with a catalogue of every field of each version.

A questionnaire is national: everybody who may see questionnaires sees all of them. A version is a draft until
published; a published version never changes (it may only be retired). See docs/questionnaires.md.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from rasd.accounts.scoping import Scope


def localized(texts: dict[str, str]) -> str:
    """A label or hint in the reader's language, else Arabic, English, Kurdish, then any language it has."""
    language = (get_language() or "ar").split("-")[0]
    for code in (language, "ar", "en", "ckb", "default"):
        if texts.get(code):
            return texts[code]
    return next((text for text in texts.values() if text), "")


class Questionnaire(models.Model):
    form_id = models.SlugField(_("form ID"), max_length=100, unique=True)
    title = models.CharField(_("title"), max_length=300)
    created_at = models.DateTimeField(_("created"), auto_now_add=True)

    class Meta:
        ordering = ["form_id"]
        verbose_name = _("questionnaire")
        verbose_name_plural = _("questionnaires")

    def __str__(self) -> str:
        return self.form_id

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return Q()  # national: visible to everyone allowed to see questionnaires


class VersionState(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    RETIRED = "retired", _("Retired")


class PublishedVersionError(Exception):
    """Somebody tried to change what a published (or retired) version says."""


# What a version says; once published only its state (and who published it, when) may change.
FROZEN_FIELDS = frozenset(
    {"questionnaire", "version", "xlsform", "xlsform_name", "xform", "md5", "languages", "default_language", "warnings"}
)


class QuestionnaireVersion(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="versions", verbose_name=_("questionnaire")
    )
    version = models.CharField(_("version"), max_length=100)
    state = models.CharField(_("state"), max_length=20, choices=VersionState.choices, default=VersionState.DRAFT)
    xlsform = models.BinaryField(_("XLSForm"))
    xlsform_name = models.CharField(_("XLSForm file name"), max_length=255)
    xform = models.TextField(_("XForm"))
    md5 = models.CharField(_("MD5 of the XForm"), max_length=32)
    languages = models.JSONField(_("languages"), default=list)
    default_language = models.CharField(_("default language"), max_length=50, blank=True)
    warnings = models.JSONField(_("warnings"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("uploaded by"),
    )
    created_at = models.DateTimeField(_("uploaded"), auto_now_add=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("published by"),
    )
    published_at = models.DateTimeField(_("published"), null=True, blank=True)

    class Meta:
        ordering = ["questionnaire__form_id", "-created_at", "-pk"]
        verbose_name = _("questionnaire version")
        verbose_name_plural = _("questionnaire versions")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "version"], name="questionnaire_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.questionnaire.form_id} {self.version}"

    def save(self, *args: Any, **kwargs: Any) -> None:
        if not self._state.adding:
            stored = QuestionnaireVersion.objects.filter(pk=self.pk).values_list("state", flat=True).first()
            update_fields = kwargs.get("update_fields")
            if stored not in (None, VersionState.DRAFT) and (
                update_fields is None or FROZEN_FIELDS & set(update_fields)
            ):
                raise PublishedVersionError(f"{self} is {stored}: its definition cannot change")
        super().save(*args, **kwargs)

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return Q()

    @property
    def is_draft(self) -> bool:
        return self.state == VersionState.DRAFT


class FieldKind(models.TextChoices):
    GROUP = "group", _("Group")
    REPEAT = "repeat", _("Repeat")
    QUESTION = "question", _("Question")
    NOTE = "note", _("Note")
    CALCULATE = "calculate", _("Calculation")
    META = "meta", _("Metadata")


class QuestionnaireField(models.Model):
    """One element of a version's form, in document order."""

    version = models.ForeignKey(
        QuestionnaireVersion, on_delete=models.CASCADE, related_name="fields", verbose_name=_("version")
    )
    position = models.PositiveIntegerField(_("position"))
    path = models.CharField(_("path"), max_length=500)
    name = models.CharField(_("name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=20, choices=FieldKind.choices)
    type = models.CharField(_("type"), max_length=100)
    list_name = models.CharField(_("choice list"), max_length=200, blank=True)
    labels = models.JSONField(_("labels"), default=dict)
    hints = models.JSONField(_("hints"), default=dict)
    choices = models.JSONField(_("choices"), default=list)
    relevance = models.TextField(_("relevance"), blank=True)
    required = models.BooleanField(_("required"), default=False)
    constraint = models.TextField(_("constraint"), blank=True)
    constraint_messages = models.JSONField(_("constraint messages"), default=dict)
    role = models.CharField(_("role"), max_length=200, blank=True)
    parent_path = models.CharField(_("parent path"), max_length=500, blank=True)
    appearance = models.CharField(_("appearance"), max_length=200, blank=True)

    class Meta:
        ordering = ["version", "position"]
        verbose_name = _("questionnaire field")
        verbose_name_plural = _("questionnaire fields")
        constraints = [
            models.UniqueConstraint(fields=["version", "path"], name="questionnaire_field_path_unique"),
        ]

    def __str__(self) -> str:
        return self.path

    def save(self, *args: Any, **kwargs: Any) -> None:
        self._refuse_unless_draft()
        super().save(*args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> tuple[int, dict[str, int]]:
        self._refuse_unless_draft()
        return super().delete(*args, **kwargs)

    def _refuse_unless_draft(self) -> None:
        state = QuestionnaireVersion.objects.filter(pk=self.version_id).values_list("state", flat=True).first()
        if state not in (None, VersionState.DRAFT):
            raise PublishedVersionError(f"version {self.version_id} is {state}: its fields cannot change")

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return Q()

    @property
    def label(self) -> str:
        return localized(self.labels)
