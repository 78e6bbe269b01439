"""The HeRAMS cross-field catalogue: each rule fires on a submission made to break it and not on a clean one; and
the DHIS2 model's missing value strategies and pair operators behave as DHIS2 documents them."""

from __future__ import annotations

import dataclasses

import pytest
from django.utils import timezone, translation

from rasd.accounts.models import User
from rasd.lib.request_context import acting_as
from rasd.quality.models import Issue, IssueStatus, MissingValueStrategy, Operator, Severity, ValidationRule
from rasd.quality.rule_services import RuleDefinition, create_rule, definition_of, update_rule
from rasd.quality.rules import clear_caches, form_info
from rasd.quality.services import validate_round
from rasd.questionnaires.models import Questionnaire
from rasd.registry.models import Facility, FacilityType
from tests.collection_fixtures import CollectionWorld
from tests.quality.helpers import (
    BARRIERS,
    BEDS,
    BEDS_FUNCTIONAL,
    BUILDING,
    FUNCTIONALITY,
    HAS_BEDS,
    NURSES,
    NURSES_AVAILABLE,
    SERVICE,
    changed,
    clean_xml,
    consistent,
    new_rules_of,
    rules_of,
    send,
)

BED_FIELDS = [
    f"/data/amenities/beds/beds_{ward}{suffix}"
    for ward in ("general", "maternity", "paediatric", "icu", "emergency")
    for suffix in ("", "_functional")
]


def phc(collection: CollectionWorld, answers: dict[str, str | None] | None = None) -> bytes:
    return changed(consistent(clean_xml(collection)), answers or {})


def hospital(collection: CollectionWorld, answers: dict[str, str | None] | None = None) -> bytes:
    return changed(consistent(clean_xml(collection, "HOSP-BASRA")), answers or {})


def english(version_id: int, rule: str) -> str:
    with translation.override("en"):
        return Issue.objects.get(submission__versions=version_id, rule=rule).message()


def test_clean_submissions_break_no_catalogue_rule(catalogue: CollectionWorld) -> None:
    assert ValidationRule.objects.filter(is_active=True).count() == 8
    assert new_rules_of(send(catalogue, phc(catalogue))) == set()
    assert new_rules_of(send(catalogue, hospital(catalogue))) == set()


def test_a_non_functioning_facility_with_services_available(catalogue: CollectionWorld) -> None:
    version = send(catalogue, phc(catalogue, {FUNCTIONALITY: "not_functioning", SERVICE: "available"}))

    assert ("herams.non_functioning_with_services", FUNCTIONALITY) in new_rules_of(version)
    issue = Issue.objects.get(rule="herams.non_functioning_with_services")
    assert issue.severity == Severity.HIGH
    assert issue.params["left"] >= 1 and issue.params["right"] == 0
    assert "not functioning, yet" in english(version.pk, issue.rule)
    with translation.override("ar"):
        assert "لا تعمل" in issue.message()


def test_more_functional_beds_than_beds(catalogue: CollectionWorld) -> None:
    version = send(catalogue, hospital(catalogue, {BEDS_FUNCTIONAL: "900"}))

    assert ("herams.beds_functional_over_total", BEDS_FUNCTIONAL) in new_rules_of(version)
    message = english(version.pk, "herams.beds_functional_over_total")
    assert message.startswith("Functional beds (996) are more than beds (315)")


def test_a_hospital_without_beds(catalogue: CollectionWorld) -> None:
    no_beds: dict[str, str | None] = {HAS_BEDS: "no", **dict.fromkeys(BED_FIELDS)}
    version = send(catalogue, hospital(catalogue, no_beds))
    # Missing bed counts count as 0 (NEVER_SKIP): a hospital answering "no beds" is what the rule is for.
    assert new_rules_of(version) == {("herams.hospital_without_beds", BEDS)}
    assert english(version.pk, "herams.hospital_without_beds") == "A hospital reports 0 beds."
    # A health centre without beds is normal.
    assert new_rules_of(send(catalogue, phc(catalogue, no_beds))) == set()


def test_a_cadre_said_available_with_nobody_counted(catalogue: CollectionWorld) -> None:
    nobody = {NURSES[0]: "0", NURSES[1]: "0", NURSES_AVAILABLE: "available"}
    version = send(catalogue, phc(catalogue, nobody))
    # One rule per cadre (the <cadre> variable): the issue is on the nurses' question.
    assert new_rules_of(version) == {("herams.staff_available_none_counted", NURSES_AVAILABLE)}
    assert Issue.objects.get().severity == Severity.MEDIUM


def test_a_mobile_unit_with_building_damage(catalogue: CollectionWorld) -> None:
    mobile = FacilityType.objects.create(code="mobile-clinic", level_of_care="primary", name_ar="عيادة متنقلة")
    Facility.objects.filter(code="PHC-BASRA-1").update(facility_type=mobile)

    damaged = send(catalogue, phc(catalogue, {BUILDING: "partially_damaged"}))
    assert ("herams.mobile_unit_with_building_damage", BUILDING) in new_rules_of(damaged)
    assert new_rules_of(send(catalogue, phc(catalogue, {BUILDING: "not_relevant"}))) == set()


def test_a_fixed_facility_answering_not_relevant_for_its_building(catalogue: CollectionWorld) -> None:
    version = send(catalogue, phc(catalogue, {BUILDING: "not_relevant"}))
    assert new_rules_of(version) == {("herams.fixed_facility_building_not_relevant", BUILDING)}
    assert Issue.objects.get(rule="herams.fixed_facility_building_not_relevant").severity == Severity.LOW


@pytest.mark.parametrize("status", ["temporarily_closed", "planned"])
def test_a_closed_or_planned_facility_reported_as_functioning(catalogue: CollectionWorld, status: str) -> None:
    Facility.objects.filter(code="PHC-BASRA-1").update(status=status)
    version = send(catalogue, phc(catalogue, {FUNCTIONALITY: "fully_functioning"}))
    assert ("herams.closed_facility_functioning", FUNCTIONALITY) in new_rules_of(version)

    # Reported as not functioning (with its causes and services to match): consistent with the master list.
    Facility.objects.filter(code="PHC-BASRA-1").update(status="open")
    assert new_rules_of(send(catalogue, phc(catalogue, {FUNCTIONALITY: "fully_functioning"}))) == set()


def test_a_service_without_barrier_is_left_to_the_form_when_the_form_requires_it(
    collection: CollectionWorld,
) -> None:
    partly = phc(collection, {SERVICE: "partially_available", BARRIERS: None})
    version = send(collection, partly)
    # The default questionnaire requires the barriers: its own rule says so, once.
    assert ("xform.required", BARRIERS) in rules_of(version)
    assert new_rules_of(version) == set()

    # A questionnaire that does not require them: the HeRAMS rule does.
    form = form_info(collection.version.pk, collection.version.md5)
    bind = form.model.binds[BARRIERS]
    form.model.binds[BARRIERS] = dataclasses.replace(bind, required="")
    try:
        version = send(collection, changed(partly, {}))
    finally:
        form.model.binds[BARRIERS] = bind
    assert new_rules_of(version) == {("herams.service_without_barrier", BARRIERS)}
    with translation.override("en"):
        assert "no barrier is given" in Issue.objects.get(rule="herams.service_without_barrier").message()


# --- rules of administrators: the DHIS2 model ------------------------------------------------------------------


def admin_rule(admin: User, left: str, operator: str, right: str, strategy: str, code: str = "nurses") -> None:
    with acting_as(admin):
        create_rule(
            admin,
            RuleDefinition(
                code=code,
                names={"ar": "الممرضون", "en": "Nurses"},
                messages={"ar": "القيمة {left} مقابل {right}", "en": "{left} against {right}"},
                left_side=left,
                operator=operator,
                right_side=right,
                importance=Severity.LOW,
                missing_value_strategy=strategy,
            ),
        )


@pytest.mark.parametrize(
    ("strategy", "female", "male", "fires"),
    [
        (MissingValueStrategy.SKIP_IF_ANY_VALUE_MISSING, None, "0", False),
        (MissingValueStrategy.SKIP_IF_ANY_VALUE_MISSING, "0", "0", True),
        (MissingValueStrategy.SKIP_IF_ALL_VALUES_MISSING, None, "0", True),  # the missing one counts as 0
        (MissingValueStrategy.SKIP_IF_ALL_VALUES_MISSING, None, None, False),
        (MissingValueStrategy.NEVER_SKIP, None, None, True),
    ],
)
def test_missing_value_strategies(
    collection: CollectionWorld, admin: User, strategy: str, female: str | None, male: str | None, fires: bool
) -> None:
    admin_rule(admin, "#{staff:nurse:female} + #{staff:nurse:male}", ">", "0", strategy)
    version = send(collection, phc(collection, {NURSES[0]: female, NURSES[1]: male}))

    assert new_rules_of(version) == ({("dhis2.nurses", NURSES[0])} if fires else set())
    if fires:
        issue = Issue.objects.get(rule="dhis2.nurses")
        assert issue.severity == Severity.LOW  # the rule's importance
        assert english(version.pk, "dhis2.nurses") == "0 against 0"


def test_a_compulsory_pair(collection: CollectionWorld, admin: User) -> None:
    name, explanation = "/data/confirmation/corrected_name", "/data/confirmation/facility_corrections"
    admin_rule(admin, "${corrected_name}", Operator.COMPULSORY_PAIR, "${facility_corrections}", "NEVER_SKIP")
    confirmed = {"/data/confirmation/facility_confirmed": "no"}

    assert new_rules_of(send(collection, phc(collection, {**confirmed, name: "X", explanation: "Y"}))) == set()
    assert new_rules_of(send(collection, phc(collection, {**confirmed, name: None, explanation: None}))) == set()
    one_sided = send(collection, phc(collection, {**confirmed, name: "New name", explanation: None}))
    assert new_rules_of(one_sided) == {("dhis2.nurses", name)}


def test_an_exclusive_pair(collection: CollectionWorld, admin: User) -> None:
    admin_rule(admin, "#{beds:general}", Operator.EXCLUSIVE_PAIR, "#{staff:specialist:female}", "NEVER_SKIP")
    assert new_rules_of(send(collection, phc(collection))) == set()  # a health centre without beds
    assert new_rules_of(send(collection, hospital(collection))) == {("dhis2.nurses", BEDS)}


def test_a_deactivated_rule_stops_and_its_issues_are_resolved(collection: CollectionWorld, admin: User) -> None:
    admin_rule(admin, "#{staff:nurse:female}", ">", "1000", "SKIP_IF_ANY_VALUE_MISSING")
    version = send(collection, phc(collection))
    assert new_rules_of(version) == {("dhis2.nurses", NURSES[0])}

    item = ValidationRule.objects.get(code="nurses")
    with acting_as(admin):
        update_rule(admin, item, _definition_of(item, is_active=False), reason="too strict")
    outcome = validate_round(collection.round)
    assert outcome.resolved == 1
    assert Issue.objects.get(rule="dhis2.nurses").status == IssueStatus.RESOLVED


def _definition_of(item: ValidationRule, **changes: object) -> RuleDefinition:
    # field values checked by the service
    return dataclasses.replace(definition_of(item), **changes)  # type: ignore[arg-type]


def test_a_rule_of_another_questionnaire_does_not_apply(collection: CollectionWorld, admin: User) -> None:
    admin_rule(admin, "#{staff:nurse:female}", ">", "1000", "SKIP_IF_ANY_VALUE_MISSING")
    other = Questionnaire.objects.create(form_id="marker-other", title="Another questionnaire")
    # As if saved for a questionnaire that has these fields too (the service checks the fields against it).
    ValidationRule.objects.filter(code="nurses").update(questionnaire=other, changed_at=timezone.now())
    clear_caches()  # the rules in force are kept a while in the process; saving through the service clears them
    assert new_rules_of(send(collection, phc(collection))) == set()

    item = ValidationRule.objects.get(code="nurses")
    with acting_as(admin):
        update_rule(admin, item, _definition_of(item, questionnaire=collection.version.questionnaire))
    assert new_rules_of(send(collection, phc(collection))) == {("dhis2.nurses", NURSES[0])}
