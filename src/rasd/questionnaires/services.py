"""Importing, publishing and retiring questionnaire versions. Every change is audited in its transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from rasd.accounts.roles import Perm
from rasd.audit import services as audit
from rasd.questionnaires import hooks
from rasd.questionnaires.models import (
    FieldKind,
    Questionnaire,
    QuestionnaireField,
    QuestionnaireVersion,
    VersionState,
)
from rasd.questionnaires.xlsform import ParsedForm, XLSFormError, parse_xlsform

if TYPE_CHECKING:
    from rasd.accounts.models import User

__all__ = ["XLSFormError", "import_xlsform", "publish_version", "retire_version"]

VERSION_FIELDS = ["questionnaire", "version", "state", "xlsform_name", "md5", "languages", "default_language"]
STATE_FIELDS = ["state", "published_by", "published_at", "warnings"]
# States whose versions may hold collected data: a path's type is fixed by them.
DATA_STATES = (VersionState.PUBLISHED, VersionState.RETIRED)


class VersionStateError(Exception):
    """The version is not in a state that allows this change."""


def _require_manager(actor: User | None) -> None:
    """Questionnaires are national: only those who manage them may change them (None is the system itself)."""
    if actor is not None and not actor.can(Perm.MANAGE_QUESTIONNAIRES):
        raise PermissionDenied(_("You may not change questionnaires."))


def import_xlsform(actor: User | None, content: bytes, *, filename: str, publish: bool = False) -> QuestionnaireVersion:
    """Store a new version of the questionnaire the XLSForm names (creating the questionnaire on first import).

    Raises XLSFormError (nothing stored) when the form is invalid, its version string was already used, a field
    keeps its path but changes type compared with a published or retired version, or an import hook refuses it
    (`rasd.questionnaires.hooks`: a broken rule in its `rasd_rules` sheet).
    """
    _require_manager(actor)
    parsed = parse_xlsform(content)
    with transaction.atomic():
        questionnaire = Questionnaire.objects.select_for_update().filter(form_id=parsed.form_id).first()
        if questionnaire is not None:
            _check_against_earlier_versions(questionnaire, parsed)
        else:
            questionnaire = Questionnaire.objects.create(form_id=parsed.form_id, title=parsed.title)
            audit.record(
                "questionnaire.created", questionnaire, after=audit.snapshot(questionnaire, ["form_id", "title"])
            )
        if questionnaire.title != parsed.title:
            before = audit.snapshot(questionnaire, ["title"])
            questionnaire.title = parsed.title
            questionnaire.save(update_fields=["title"])
            audit.record("questionnaire.updated", questionnaire, before=before, after={"title": parsed.title})
        version = QuestionnaireVersion.objects.create(
            questionnaire=questionnaire,
            version=parsed.version,
            xlsform=content,
            xlsform_name=filename[:255],
            xform=parsed.xform,
            md5=parsed.md5,
            languages=parsed.languages,
            default_language=parsed.default_language,
            warnings=parsed.warnings,
            created_by=actor,
        )
        QuestionnaireField.objects.bulk_create(
            QuestionnaireField(version=version, **vars(parsed_field)) for parsed_field in parsed.fields
        )
        audit.record("questionnaire_version.imported", version, after=audit.snapshot(version, VERSION_FIELDS))
        hooks.run(actor, version)  # other apps' parts of the XLSForm (rules of a rasd_rules sheet); may refuse it
        if publish:
            publish_version(actor, version)
    return version


def _check_against_earlier_versions(questionnaire: Questionnaire, parsed: ParsedForm) -> None:
    if questionnaire.versions.filter(version=parsed.version).exists():
        raise XLSFormError(
            [
                _("Version “%(version)s” of “%(form_id)s” already exists: change the version on the settings sheet.")
                % {"version": parsed.version, "form_id": parsed.form_id}
            ]
        )
    earlier = (
        QuestionnaireField.objects.filter(version__questionnaire=questionnaire, version__state__in=DATA_STATES)
        .exclude(kind=FieldKind.META)
        .values_list("path", "type", "version__version")
        .order_by("version__created_at")
    )
    types = {path: (field_type, version) for path, field_type, version in earlier}
    problems = []
    for parsed_field in parsed.fields:
        if parsed_field.path not in types or parsed_field.kind == FieldKind.META:
            continue
        old_type, old_version = types[parsed_field.path]
        # As in ODK Central: a path keeps its type once data may exist; only a change to text is harmless.
        if parsed_field.type != old_type and not (parsed_field.type == "text" and old_type not in {"group", "repeat"}):
            problems.append(
                _(
                    "Field %(path)s was “%(old)s” in version %(version)s and cannot become “%(new)s”: "
                    "collected data would no longer fit. Give the field a new name instead."
                )
                % {"path": parsed_field.path, "old": old_type, "version": old_version, "new": parsed_field.type}
            )
    if problems:
        raise XLSFormError(problems)


def publish_version(actor: User | None, version: QuestionnaireVersion, *, reason: str = "") -> QuestionnaireVersion:
    """Make a draft available for data collection. From now on it never changes (it can only be retired)."""
    return _change_state(
        actor,
        version,
        expected=VersionState.DRAFT,
        new=VersionState.PUBLISHED,
        refusal=_("Only a draft version can be published."),
        reason=reason,
    )


def retire_version(actor: User | None, version: QuestionnaireVersion, *, reason: str = "") -> QuestionnaireVersion:
    """Stop collecting with a published version; its definition and data stay."""
    return _change_state(
        actor,
        version,
        expected=VersionState.PUBLISHED,
        new=VersionState.RETIRED,
        refusal=_("Only a published version can be retired."),
        reason=reason,
    )


def _change_state(
    actor: User | None,
    version: QuestionnaireVersion,
    *,
    expected: VersionState,
    new: VersionState,
    refusal: str,
    reason: str,
) -> QuestionnaireVersion:
    """Move a version along draft › published › retired, under a row lock, audited."""
    _require_manager(actor)
    with transaction.atomic():
        locked = QuestionnaireVersion.objects.select_for_update().get(pk=version.pk)
        if locked.state != expected:
            raise VersionStateError(refusal)
        before = audit.snapshot(locked, STATE_FIELDS)
        locked.state = new
        changed = ["state"]
        if new == VersionState.PUBLISHED:
            locked.published_by = actor
            locked.published_at = timezone.now()
            changed += ["published_by", "published_at"]
        locked.save(update_fields=changed)
        audit.record(
            f"questionnaire_version.{new}",
            locked,
            before=before,
            after=audit.snapshot(locked, STATE_FIELDS),
            reason=reason,
        )
    _refresh(version, locked)
    return version


def _refresh(version: QuestionnaireVersion, saved: QuestionnaireVersion) -> None:
    version.state = saved.state
    version.published_by = saved.published_by
    version.published_at = saved.published_at
