"""The HeRAMS rule "staff on duty exceeds staff assigned", per cadre: it applies to a questionnaire that declares
both roles for a cadre (`staff_on_duty:<cadre>:*` and `staff:<cadre>:*`), and is not applicable — no issue, no
error — where a questionnaire lacks them (the default questionnaire has no on-duty counts)."""

from __future__ import annotations

import logging
import uuid

import pytest
from django.utils import translation

from rasd.accounts.models import User
from rasd.quality import services
from rasd.quality.models import Issue, ValidationRule
from rasd.submissions.models import SubmissionVersion
from tests.collection_fixtures import CollectionWorld
from tests.quality.helpers import clean_xml, consistent, new_rules_of, send
from tests.quality.test_rule_import_hook import FORM_ID, import_small, small_xlsform

RULE = "herams.staff_on_duty_over_assigned"


def staff_xml(answers: dict[str, int]) -> bytes:
    values = "".join(f"<{name}>{value}</{name}>" for name, value in answers.items())
    return (
        f'<data id="{FORM_ID}" version="1"><facility>PHC-BASRA-1</facility>{values}'
        f"<meta><instanceID>uuid:{uuid.uuid4()}</instanceID></meta></data>"
    ).encode()


@pytest.fixture
def duty_form(catalogue: CollectionWorld, admin: User) -> CollectionWorld:
    """The catalogue loaded, and the small questionnaire with on-duty counts collected in the round."""
    version = import_small(admin, small_xlsform())
    catalogue.round.versions.add(version)
    return catalogue


def test_the_catalogue_has_the_rule_before_any_questionnaire_declares_the_roles(catalogue: CollectionWorld) -> None:
    item = ValidationRule.objects.get(code="staff_on_duty_over_assigned")
    assert (item.left_side, item.operator, item.right_side, item.importance) == (
        "#{staff_on_duty:<cadre>:*}",
        "<=",
        "#{staff:<cadre>:*}",
        "high",
    )


def test_a_questionnaire_without_on_duty_counts_is_not_checked(
    catalogue: CollectionWorld, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.ERROR):
        version = send(catalogue, consistent(clean_xml(catalogue)))
        services.validate_version(version)
    assert not Issue.objects.filter(rule=RULE).exists()
    assert not new_rules_of(version)
    assert "quality checks failed" not in caplog.text


def test_more_nurses_on_duty_than_assigned_opens_an_issue(duty_form: CollectionWorld) -> None:
    version = send(
        duty_form,
        staff_xml(
            {
                "staff_nurse_female": 2,
                "staff_nurse_male": 1,
                "duty_nurse_female": 4,
                "duty_nurse_male": 1,
                "staff_doctor_female": 0,  # doctors: no on-duty count, so not compared
                "duty_midwife_female": 3,  # midwives: no assigned count, so not compared
            }
        ),
    )
    assert new_rules_of(version) == {(RULE, "/data/duty_nurse_female")}
    issue = Issue.objects.get(rule=RULE)
    assert issue.severity == "high"
    with translation.override("en"):
        message = issue.message()
    assert message == "5 staff of this cadre are reported on duty, more than the 3 assigned to the facility."


def test_as_many_on_duty_as_assigned_is_fine_and_an_edit_resolves_the_issue(duty_form: CollectionWorld) -> None:
    first = send(duty_form, staff_xml({"staff_nurse_female": 2, "staff_nurse_male": 1, "duty_nurse_female": 4}))
    assert (RULE, "/data/duty_nurse_female") in new_rules_of(first)

    fixed = staff_xml({"staff_nurse_female": 2, "staff_nurse_male": 1, "duty_nurse_female": 3})
    edit = send(duty_form, _edit_of(fixed, first))
    assert (edit.submission_id, edit.number) == (first.submission_id, 2)
    assert not new_rules_of(edit)
    assert Issue.objects.get(rule=RULE).status == "resolved"


def test_a_missing_count_skips_the_rule(duty_form: CollectionWorld) -> None:
    version = send(duty_form, staff_xml({"duty_nurse_female": 9}))  # nobody assigned is counted: not answered
    assert not new_rules_of(version)


def _edit_of(xml: bytes, previous: SubmissionVersion) -> bytes:
    deprecated = f"<deprecatedID>{previous.instance_id}</deprecatedID></meta>"
    return xml.replace(b"</meta>", deprecated.encode())
