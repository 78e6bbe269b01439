"""The import_questionnaire and questionnaire_roles commands."""

from __future__ import annotations

from io import StringIO
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from rasd.questionnaires.models import Questionnaire, QuestionnaireVersion
from tests.questionnaires.conftest import health_form, xlsform

pytestmark = pytest.mark.django_db


def test_importing_a_valid_form_from_the_command_line_can_publish_it(tmp_path: Path) -> None:
    path = tmp_path / "herams.xlsx"
    path.write_bytes(health_form(version="2025.1"))
    out = StringIO()

    call_command("import_questionnaire", str(path), "--publish", stdout=out, stderr=StringIO())

    assert "herams_test 2025.1: published" in out.getvalue()
    version = QuestionnaireVersion.objects.get()
    assert version.state == "published"
    assert version.xlsform_name == "herams.xlsx"


def test_an_invalid_form_prints_its_problems_and_stores_nothing(tmp_path: Path) -> None:
    path = tmp_path / "broken.xlsx"
    path.write_bytes(xlsform([["type", "name", "label"], ["calculate", "total", ""]], settings=[["form_id"], ["x"]]))
    out = StringIO()

    with pytest.raises(CommandError) as caught:
        call_command("import_questionnaire", str(path), stdout=out)

    assert caught.value.returncode == 1
    assert out.getvalue().splitlines() == ["[row : 2] Missing calculation."]
    assert not Questionnaire.objects.exists()


def test_the_roles_command_lists_roles_and_the_required_ones_missing(tmp_path: Path) -> None:
    path = tmp_path / "herams.xlsx"
    path.write_bytes(health_form(with_status=False))
    call_command("import_questionnaire", str(path), stdout=StringIO(), stderr=StringIO())
    out = StringIO()

    call_command("questionnaire_roles", "herams_test", "--version", "1", stdout=out)

    lines = out.getvalue().splitlines()
    assert lines[0] == "herams_test 1 (draft)"
    assert "facility_code\t/data/facility_code" in lines
    assert "service:mch:anc\t/data/mch/anc" in lines
    assert "missing required role: status:functionality" in lines
