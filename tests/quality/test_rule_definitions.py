"""Saving cross-field rules: a broken rule is refused when it is saved, with a message saying what is wrong, and
nothing is stored; changes are audited; `rasd load_quality_rules` is idempotent."""

from __future__ import annotations

import io

import pytest
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.utils import translation

from rasd.accounts.models import User
from rasd.audit.models import AuditEntry
from rasd.lib.request_context import acting_as
from rasd.quality.models import ValidationRule
from rasd.quality.rule_services import RuleDefinition, create_rule, update_rule
from rasd.quality.services import QualityError
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas


def definition(left: str = "#{beds_functional:*}", right: str = "#{beds:*}", **other: object) -> RuleDefinition:
    values: dict[str, object] = {
        "code": "beds_check",
        "names": {"ar": "فحص الأسرّة", "en": "Beds check"},
        "messages": {"ar": "{left} > {right}", "en": "{left} functional beds, {right} beds"},
        "left_side": left,
        "operator": "<=",
        "right_side": right,
        **other,
    }
    return RuleDefinition(**values)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("left", "right", "message"),
    [
        ("#{beds:*} +", "0", "Left side: The expression ends too early."),
        ("(#{beds:*}", "0", "Left side: “)” expected at the end"),
        ("#{beds:*}", "sum(#{beds:*})", "Right side: Unknown function or word “sum”"),
        ("#{beds:*}", "'many' * 2", "Right side: Text cannot be used in a calculation"),
        ("#{beds:*}", "count(1, 'x')", "The first argument of count() must be a field"),
        ("#{beds:*} ; 1", "0", "Unexpected character “;” at position 11"),
        ("#{beds}", "0", "role “beds” needs 1 part(s)"),
        ("#{wards:general}", "0", "unknown role kind “wards”"),
        ("#{status:happiness}", "0", "“happiness” in role “status:happiness” must be one of"),
        ("#{beds:laundry}", "0", "#{beds:laundry} is not a field of any questionnaire"),
        ("${no_such_field}", "0", "${no_such_field} is not a field of any questionnaire"),
        ("#{staff:<cadre>:*}", "#{barriers:<domain>:<code>}", "must have all of them: <cadre>, <code>, <domain>"),
        ("", "0", "Left side: The expression is empty."),
    ],
)
def test_a_broken_rule_is_refused_when_saved(
    collection: CollectionWorld, admin: User, left: str, right: str, message: str
) -> None:
    with acting_as(admin), translation.override("en"), pytest.raises(QualityError) as refused:
        create_rule(admin, definition(left, right))
    assert message in refused.value.message
    assert not ValidationRule.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="quality.rule").exists()


def test_a_rule_of_a_questionnaire_may_name_only_its_fields(collection: CollectionWorld, admin: User) -> None:
    questionnaire = collection.version.questionnaire
    with acting_as(admin):
        create_rule(admin, definition("${beds_general_functional}", "${beds_general}", questionnaire=questionnaire))
        with pytest.raises(QualityError, match="is not a field of the questionnaire"):
            create_rule(admin, definition("${beds_genral}", "0", code="typo", questionnaire=questionnaire))
    assert list(ValidationRule.objects.values_list("code", flat=True)) == ["beds_check"]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"code": "Beds Check"}, "The code must be lower-case"),
        ({"names": {"en": "Beds"}}, "a name and a message in Arabic"),
        ({"messages": {"ar": "{left} و {total}"}}, "may use only {left} and {right}, not {total}"),
        ({"operator": "≈"}, "Unknown operator"),
        ({"importance": "urgent"}, "Unknown importance"),
        ({"missing_value_strategy": "SKIP"}, "Unknown missing value strategy"),
    ],
)
def test_a_rule_with_a_bad_detail_is_refused(
    collection: CollectionWorld, admin: User, changes: dict[str, object], message: str
) -> None:
    with acting_as(admin), pytest.raises(QualityError, match=message.replace("{", r"\{").replace("}", r"\}")):
        create_rule(admin, definition(**changes))
    assert not ValidationRule.objects.exists()


def test_only_those_who_manage_quality_rules_change_rules(collection: CollectionWorld, personas: Personas) -> None:
    for user in (personas.basra_manager, personas.basra_s1_collector):
        with acting_as(user), pytest.raises(PermissionDenied):
            create_rule(user, definition())
    assert not ValidationRule.objects.exists()


def test_changes_are_audited_and_the_code_is_kept(collection: CollectionWorld, admin: User) -> None:
    with acting_as(admin):
        item = create_rule(admin, definition())
        created = AuditEntry.objects.get(action="quality.rule_created")
        assert (created.actor, created.object_id) == (admin, str(item.pk))
        assert created.changes["left_side"] == [None, "#{beds_functional:*}"]

        assert update_rule(admin, item, definition()) is False  # nothing changed: no entry
        assert update_rule(admin, item, definition(importance="high"), reason="beds matter") is True
        with pytest.raises(QualityError, match="code cannot change"):
            update_rule(admin, item, definition(code="other"))
        with pytest.raises(QualityError, match="Right side"):
            update_rule(admin, item, definition(right="#{beds:*} *"))

    changed = AuditEntry.objects.get(action="quality.rule_changed")
    assert changed.changes == {"importance": ["medium", "high"]}
    assert changed.reason == "beds matter"
    item.refresh_from_db()
    assert (item.importance, item.right_side, item.issue_code) == ("high", "#{beds:*}", "dhis2.beds_check")


def test_load_quality_rules_is_idempotent_and_keeps_a_deactivation(collection: CollectionWorld, admin: User) -> None:
    def load() -> str:
        out = io.StringIO()
        call_command("load_quality_rules", stdout=out)
        return out.getvalue().strip()

    assert load() == "8 rules created, 0 changed, 0 unchanged"
    assert load() == "0 rules created, 0 changed, 8 unchanged"
    assert set(ValidationRule.objects.values_list("origin", flat=True)) == {"herams"}
    assert AuditEntry.objects.filter(action="quality.rule_created").count() == 8

    item = ValidationRule.objects.get(code="hospital_without_beds")
    item.left_side = "if(facility_type() == 'hospital', #{beds:*}, 1) + 0"  # as if an older catalogue had it
    item.is_active = False
    item.save()
    assert load() == "0 rules created, 1 changed, 7 unchanged"
    item.refresh_from_db()
    assert (item.left_side, item.is_active) == ("if(facility_type() == 'hospital', #{beds:*}, 1)", False)
