"""Importing XLSForms: what gets stored, what is refused and why, and how versions are published and retired."""

from __future__ import annotations

import hashlib

import pytest
from django.core.exceptions import PermissionDenied

from rasd.accounts.models import User
from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.questionnaires.models import PublishedVersionError, Questionnaire, QuestionnaireVersion
from rasd.questionnaires.services import (
    VersionStateError,
    XLSFormError,
    import_xlsform,
    publish_version,
    retire_version,
)
from tests.conftest import Personas
from tests.questionnaires.conftest import SURVEY_HEADER, health_form, question, xlsform

pytestmark = pytest.mark.django_db

SETTINGS = [["form_id", "version"], ["tiny", "1"]]


def import_as(actor: User | None, content: bytes, *, publish: bool = False) -> QuestionnaireVersion:
    with acting_as(actor):
        return import_xlsform(actor, content, filename="form.xlsx", publish=publish)


def refusal(content: bytes) -> list[str]:
    with pytest.raises(XLSFormError) as caught:
        import_as(None, content)
    return caught.value.problems


def test_a_valid_form_becomes_a_draft_with_its_field_catalogue(admin: User) -> None:
    content = health_form()
    version = import_as(admin, content)

    assert version.state == "draft"
    assert version.questionnaire.form_id == "herams_test"
    assert version.questionnaire.title == "HeRAMS test"
    assert version.languages == ["ar", "ckb", "en"]
    assert version.default_language == "ar"
    assert version.md5 == hashlib.md5(version.xform.encode()).hexdigest()  # noqa: S324 - the OpenRosa form hash
    assert bytes(version.xlsform) == content
    paths = list(version.fields.values_list("path", flat=True))
    assert paths[:2] == ["/data/facility_code", "/data/building_damage"]
    assert paths.index("/data/mch") < paths.index("/data/mch/anc") < paths.index("/data/mch/beds")
    anc = version.fields.get(name="anc")
    assert anc.kind == "question"
    assert anc.type == "select_one"
    assert anc.list_name == "availability"
    assert anc.parent_path == "/data/mch"
    assert anc.labels == {"ar": "Antenatal care ar", "ckb": "Antenatal care ckb", "en": "Antenatal care"}
    assert [choice["name"] for choice in anc.choices][:2] == ["available", "partially_available"]
    assert anc.choices[0]["labels"]["ckb"] == "available ckb"
    assert anc.role == "service:mch:anc"
    barriers = version.fields.get(name="anc_barriers")
    assert barriers.relevance == "/data/mch/anc  != 'available'"
    assert version.fields.get(name="facility_code").required is True
    assert version.fields.get(name="beds").constraint == ". >= 0"
    assert version.fields.get(name="mch").kind == "group"
    assert version.fields.get(path="/data/meta/instanceID").kind == "meta"
    assert AuditEntry.objects.filter(action="questionnaire_version.imported", object_id=str(version.pk)).exists()


def test_an_unknown_question_type_is_refused_with_the_row_and_nothing_is_stored() -> None:
    content = xlsform([["type", "name", "label"], ["text", "a", "A"], ["calculate", "total", ""]], settings=SETTINGS)

    problems = refusal(content)

    assert problems == ["[row : 3] Missing calculation."]
    assert not Questionnaire.objects.exists()


def test_an_invalid_role_names_the_field() -> None:
    content = xlsform([SURVEY_HEADER, question("integer", "beds", "Beds", role="beds")], settings=SETTINGS)

    problems = refusal(content)

    assert len(problems) == 1
    assert "“beds”" in problems[0]
    assert "beds" in problems[0]
    assert not QuestionnaireVersion.objects.exists()


def test_a_role_given_to_two_fields_is_refused() -> None:
    content = health_form(extra=[question("text", "code2", "Code again", role="facility_code")])

    problems = refusal(content)

    assert problems == ["survey sheet, field “code2”: role “facility_code” is already given to “facility_code”"]


def test_a_form_without_status_roles_imports_with_a_warning_for_each_missing_role() -> None:
    version = import_as(None, health_form(with_status=False), publish=True)

    missing = [warning for warning in version.warnings if "required role" in warning]
    assert len(missing) == 5
    assert any("status:partner_support" in warning for warning in missing)


@pytest.mark.usefixtures("odk_validate")
def test_odk_validate_accepts_a_valid_form() -> None:
    assert import_as(None, health_form()).fields.count() > 10


@pytest.mark.usefixtures("odk_validate")
def test_a_broken_xpath_that_pyxform_accepts_is_caught_by_odk_validate() -> None:
    content = xlsform(
        [["type", "name", "label", "relevant"], ["integer", "a", "A", ""], ["text", "b", "B", "if(${a} > 1)"]],
        settings=SETTINGS,
    )

    problems = refusal(content)

    assert (
        "ODK Validate: XPath evaluation: cannot handle function 'if'. Requires 3 arguments but 1 provided." in problems
    )
    assert not any("Caused by" in problem or "Result: Invalid" in problem for problem in problems)
    assert not Questionnaire.objects.exists()


def test_the_same_version_string_cannot_be_imported_twice() -> None:
    import_as(None, health_form(version="2025.1"))

    problems = refusal(health_form(version="2025.1"))

    assert problems == ["Version “2025.1” of “herams_test” already exists: change the version on the settings sheet."]
    assert QuestionnaireVersion.objects.count() == 1


def test_a_published_field_cannot_change_type_in_a_later_version() -> None:
    import_as(None, health_form(version="1"), publish=True)
    retyped = health_form(version="2", beds_type="decimal")

    problems = refusal(retyped)

    assert len(problems) == 1
    assert "/data/mch/beds" in problems[0]
    assert "“integer”" in problems[0] and "“decimal”" in problems[0]
    assert QuestionnaireVersion.objects.count() == 1


def test_a_field_may_become_text_and_a_draft_does_not_fix_types() -> None:
    import_as(None, health_form(version="1"))  # a draft: nothing was collected with it
    import_as(None, health_form(version="2", beds_type="decimal"), publish=True)

    version = import_as(None, health_form(version="3", beds_type="text"))

    assert version.fields.get(name="beds").type == "text"


def test_publishing_freezes_the_version(admin: User) -> None:
    version = import_as(admin, health_form())

    with acting_as(admin):
        publish_version(admin, version, reason="ready for the 2025 round")

    version.refresh_from_db()
    assert version.state == "published"
    assert version.published_by == admin
    assert version.published_at is not None
    entry = AuditEntry.objects.get(action="questionnaire_version.published")
    assert entry.reason == "ready for the 2025 round"
    assert entry.actor == admin
    version.xform = "<changed/>"
    with pytest.raises(PublishedVersionError):
        version.save()
    field = version.fields.get(name="beds")
    field.labels = {"en": "Changed"}
    with pytest.raises(PublishedVersionError):
        field.save()
    with pytest.raises(VersionStateError):
        publish_version(admin, version)


def test_only_a_published_version_can_be_retired(admin: User) -> None:
    version = import_as(admin, health_form())
    with pytest.raises(VersionStateError):
        retire_version(admin, version)

    publish_version(admin, version)
    retire_version(admin, version, reason="replaced")

    version.refresh_from_db()
    assert version.state == "retired"
    assert AuditEntry.objects.filter(action="questionnaire_version.retired", reason="replaced").exists()


def test_only_questionnaire_managers_may_import_publish_or_retire(personas: Personas) -> None:
    content = health_form()
    manager = personas.basra_manager  # manages users and facilities of a directorate, not questionnaires
    with pytest.raises(PermissionDenied), acting_as(manager):
        import_xlsform(manager, content, filename="form.xlsx")
    assert not Questionnaire.objects.exists()
    version = import_as(personas.national_fed, content)
    with pytest.raises(PermissionDenied), acting_as(manager):
        publish_version(manager, version)
    version.refresh_from_db()
    assert version.state == "draft"
