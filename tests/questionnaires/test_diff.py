"""Comparing two versions of a questionnaire, as data and as the diff_questionnaire command prints it."""

from __future__ import annotations

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from rasd.lib.request_context import acting_as
from rasd.questionnaires.diff import ChoicesChanged, FieldRef, Relabelled, Retyped, RoleMoved, diff_versions
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.services import import_xlsform
from tests.questionnaires.conftest import CHOICES_HEADER, SURVEY_HEADER, question, xlsform

pytestmark = pytest.mark.django_db


def form(version: str, survey: list[list[str]], levels: list[str]) -> QuestionnaireVersion:
    choices = [CHOICES_HEADER, *([["level", name, name, name, name] for name in levels])]
    settings = [["form_id", "version"], ["diffed", version]]
    with acting_as(None):
        return import_xlsform(None, xlsform([SURVEY_HEADER, *survey], choices, settings), filename=f"{version}.xlsx")


@pytest.fixture
def versions() -> tuple[QuestionnaireVersion, QuestionnaireVersion]:
    old = form(
        "1",
        [
            question("text", "code", "Code", role="facility_code"),
            question("text", "old_code", "Old code"),
            question("integer", "beds", "Beds", role="beds:total"),
            question("select_one level", "damage", "Damage", role="status:building_damage"),
            question("text", "dropped", "Dropped"),
        ],
        ["none", "partial", "full"],
    )
    new = form(
        "2",
        [
            question("text", "code", "Code"),
            question("text", "old_code", "Old code", role="facility_code"),
            question("decimal", "beds", "Beds", role="beds:inpatient"),
            question("select_one level", "damage", "Building damage", role="status:building_damage"),
            question("text", "added", "Added"),
        ],
        ["none", "partial", "total"],
    )
    return old, new


def test_the_diff_lists_every_kind_of_change(versions: tuple[QuestionnaireVersion, QuestionnaireVersion]) -> None:
    diff = diff_versions(*versions)

    assert diff.added == [FieldRef("/data/added", "text")]
    assert diff.removed == [FieldRef("/data/dropped", "text")]
    assert diff.retyped == [Retyped("/data/beds", "integer", "decimal")]
    assert Relabelled("/data/damage", "en", "Damage", "Building damage") in diff.relabelled
    assert Relabelled("/data/damage", "ar", "Damage ar", "Building damage ar") in diff.relabelled
    assert diff.choices == [ChoicesChanged("/data/damage", ("total",), ("full",))]
    assert diff.roles == [
        RoleMoved("facility_code", "/data/code", "/data/old_code"),
        RoleMoved("beds:inpatient", "/data/beds", "/data/beds", old_role="beds:total"),
    ]


def test_a_version_compared_with_itself_has_no_changes(
    versions: tuple[QuestionnaireVersion, QuestionnaireVersion],
) -> None:
    assert diff_versions(versions[0], versions[0]).is_empty


def test_the_diff_command_prints_a_line_per_change(
    versions: tuple[QuestionnaireVersion, QuestionnaireVersion],
) -> None:
    out = StringIO()

    call_command("diff_questionnaire", "diffed", "1", "2", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "diffed: 1 → 2"
    assert "added    /data/added (text)" in lines
    assert "removed  /data/dropped (text)" in lines
    assert "retyped  /data/beds: integer → decimal" in lines
    assert "label    /data/damage [en]: 'Damage' → 'Building damage'" in lines
    assert "choices  /data/damage: added total" in lines
    assert "choices  /data/damage: removed full" in lines
    assert "role     facility_code: /data/code → /data/old_code" in lines
    assert "role     /data/beds: beds:total → beds:inpatient" in lines


def test_the_diff_command_refuses_an_unknown_version(
    versions: tuple[QuestionnaireVersion, QuestionnaireVersion],
) -> None:
    with pytest.raises(CommandError, match="no questionnaire 'diffed' with version '9'"):
        call_command("diff_questionnaire", "diffed", "1", "9", stdout=StringIO())
