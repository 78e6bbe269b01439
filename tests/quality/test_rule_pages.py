"""The rule pages: every rule listed (readers of submissions too, read-only), cross-field rules created, changed
and switched off by those who manage the rules; a broken rule is refused with the reason next to its field and
nothing is stored."""

from __future__ import annotations

from typing import Any

import pytest
from django.utils import translation

from rasd.accounts.models import User
from rasd.audit.models import AuditEntry
from rasd.quality.models import Issue, ValidationRule
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, client_for
from tests.quality.helpers import BEDS, BEDS_FUNCTIONAL, changed, clean_xml, consistent, send

pytestmark = pytest.mark.usefixtures("english")  # the tests read messages


def rule_form(**changes: Any) -> dict[str, Any]:
    return {
        "code": "ward_beds",
        "name_ar": "أسرّة الجناح العام",
        "name_en": "General ward beds",
        "message_ar": "{left} من {right}",
        "message_en": "{left} functional beds of {right}",
        "left_side": "${beds_general_functional}",
        "operator": "<=",
        "right_side": "${beds_general}",
        "importance": "high",
        "missing_value_strategy": "SKIP_IF_ANY_VALUE_MISSING",
        "questionnaire": "",
        "is_active": "on",
        **changes,
    }


def test_the_list_shows_every_rule_with_its_open_issues(catalogue: CollectionWorld, personas: Personas) -> None:
    xml = consistent(clean_xml(catalogue, "HOSP-BASRA"))
    send(catalogue, changed(xml, {BEDS_FUNCTIONAL: "900", BEDS: "10"}))
    client = client_for(personas.basra_manager)  # reads submissions: sees the list, may not change it

    page = client.get("/quality/rules/").content.decode()
    assert 'data-rule="herams.beds_functional_over_total"' in page
    assert "Functional beds more than beds" in page
    assert 'data-rule="registry.gps_far"' in page and "5 km" in page  # built-in checks, with their threshold
    row = page.split('data-rule="herams.beds_functional_over_total"')[1].split("</tr>")[0]
    assert '<td class="text-end">1</td>' in row  # its open issue, in Basra
    assert "/quality/rules/new/" not in page and "/edit/" not in page

    # Another directorate's reader does not count Basra's issue.
    other = client_for(personas.najaf_manager).get("/quality/rules/").content.decode()
    row = other.split('data-rule="herams.beds_functional_over_total"')[1].split("</tr>")[0]
    assert '<td class="text-end">0</td>' in row


def test_the_list_filters_rules(catalogue: CollectionWorld, admin: User) -> None:
    client = client_for(admin)
    high = client.get("/quality/rules/?importance=high&active=yes").content.decode()
    assert 'data-rule="herams.beds_functional_over_total"' in high
    assert 'data-rule="herams.hospital_without_beds"' not in high  # medium
    attached = client.get(f"/quality/rules/?questionnaire={catalogue.version.questionnaire_id}").content.decode()
    assert "No cross-field rule matches." in attached


def test_a_manager_of_the_rules_creates_one(collection: CollectionWorld, admin: User) -> None:
    response = client_for(admin).post("/quality/rules/new/", rule_form(), follow=True)

    page = response.content.decode()
    assert "The rule dhis2.ward_beds is saved." in page and "rasd validate_round" in page
    item = ValidationRule.objects.get()
    assert (item.issue_code, item.left_side, item.importance, item.questionnaire) == (
        "dhis2.ward_beds",
        "${beds_general_functional}",
        "high",
        None,
    )
    assert AuditEntry.objects.get(action="quality.rule_created").actor == admin

    version = send(collection, changed(consistent(clean_xml(collection, "HOSP-BASRA")), {BEDS_FUNCTIONAL: "900"}))
    assert Issue.objects.get(submission=version.submission, rule="dhis2.ward_beds").message().startswith("900 ")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"left_side": "(${beds_general_functional}"}, "left_side", "Left side: “)” expected at the end"),
        ({"right_side": "${beds_genral}"}, "right_side", "Right side: ${beds_genral} is not a field of any"),
        ({"message_en": "{left} of {total}"}, "message_en", "may use only {left} and {right}, not {total}"),
        ({"code": "Ward Beds"}, "code", "The code must be lower-case letters"),
    ],
)
def test_a_broken_rule_is_refused_next_to_its_field(
    collection: CollectionWorld, admin: User, changes: dict[str, str], field: str, message: str
) -> None:
    response = client_for(admin).post("/quality/rules/new/", rule_form(**changes))

    assert response.status_code == 200
    page = response.content.decode()
    block = page.split(f'data-field="{field}"')[1].split('data-field="')[0]
    assert "invalid-feedback" in block and message in block.replace("&quot;", '"').replace("&#x27;", "'")
    assert not ValidationRule.objects.exists()
    assert not AuditEntry.objects.filter(action__startswith="quality.rule").exists()


def test_a_rule_is_changed_with_a_reason(collection: CollectionWorld, admin: User) -> None:
    client = client_for(admin)
    client.post("/quality/rules/new/", rule_form())
    item = ValidationRule.objects.get()

    page = client.get(f"/quality/rules/{item.pk}/edit/").content.decode()
    assert "${beds_general_functional}" in page and 'name="code"' not in page  # the code never changes

    broken = client.post(f"/quality/rules/{item.pk}/edit/", rule_form(right_side="${beds_general} *"))
    assert "Right side: The expression ends too early." in broken.content.decode()
    item.refresh_from_db()
    assert item.right_side == "${beds_general}"

    client.post(f"/quality/rules/{item.pk}/edit/", rule_form(importance="low", reason="a ward may lend beds"))
    item.refresh_from_db()
    assert item.importance == "low"
    entry = AuditEntry.objects.get(action="quality.rule_changed")
    assert (entry.changes, entry.reason) == ({"importance": ["high", "low"]}, "a ward may lend beds")


def test_a_rule_is_switched_off_and_on_never_deleted(catalogue: CollectionWorld, admin: User) -> None:
    client = client_for(admin)
    item = ValidationRule.objects.get(code="hospital_without_beds")
    page = client.get(f"/quality/rules/{item.pk}/edit/").content.decode()
    assert 'data-testid="catalogue-rule"' in page and 'data-testid="rule-form"' not in page  # catalogue: switch only

    refused = client.post(f"/quality/rules/{item.pk}/active/", {"active": "0", "reason": " "}, follow=True)
    assert "Say why the rule is switched off or on." in refused.content.decode()
    item.refresh_from_db()
    assert item.is_active

    client.post(f"/quality/rules/{item.pk}/active/", {"active": "0", "reason": "hospitals being rebuilt"})
    item.refresh_from_db()
    assert not item.is_active
    entry = AuditEntry.objects.get(action="quality.rule_changed")
    assert (entry.changes, entry.reason) == ({"is_active": [True, False]}, "hospitals being rebuilt")
    listing = client.get("/quality/rules/?active=no").content.decode()
    assert 'data-rule="herams.hospital_without_beds" data-active="no"' in listing

    client.post(f"/quality/rules/{item.pk}/active/", {"active": "1", "reason": "rebuilt"})
    item.refresh_from_db()
    assert item.is_active and ValidationRule.objects.filter(code="hospital_without_beds").count() == 1


def test_only_those_who_manage_rules_change_them(catalogue: CollectionWorld, personas: Personas) -> None:
    item = ValidationRule.objects.get(code="hospital_without_beds")
    for user in (personas.basra_manager, personas.basra_s1_collector):
        client = client_for(user)
        assert client.get("/quality/rules/new/").status_code == 403
        assert client.post("/quality/rules/new/", rule_form()).status_code == 403
        assert client.get(f"/quality/rules/{item.pk}/edit/").status_code == 403
        assert client.post(f"/quality/rules/{item.pk}/active/", {"active": "0", "reason": "x"}).status_code == 403
    assert client_for(personas.erbil_viewer).get("/quality/rules/").status_code == 403  # reads no submissions
    assert client_for(personas.national_fed).get("/quality/rules/new/").status_code == 200
    item.refresh_from_db()
    assert item.is_active and ValidationRule.objects.count() == 8


def test_a_round_is_checked_again_in_the_background(
    catalogue: CollectionWorld, admin: User, personas: Personas, settings: Any
) -> None:
    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    version = send(catalogue, consistent(clean_xml(catalogue, "HOSP-BASRA")))
    client = client_for(admin)
    client.post("/quality/rules/new/", rule_form(left_side="${beds_general}", operator="<", right_side="0"))
    assert not Issue.objects.filter(rule="dhis2.ward_beds").exists()  # stored before the rule

    page = client.get("/quality/rules/").content.decode()
    url = f"/quality/rules/rounds/{catalogue.round.pk}/validate/"
    assert f'action="{url}"' in page
    response = client.post(url, follow=True)

    assert "are being checked again in the background" in response.content.decode()
    assert Issue.objects.filter(submission=version.submission, rule="dhis2.ward_beds", status="open").exists()
    assert client_for(personas.basra_manager).post(url).status_code == 403


def test_the_pages_speak_the_readers_language(catalogue: CollectionWorld, admin: User, settings: Any) -> None:
    settings.LANGUAGE_CODE = "ar"
    client = client_for(admin)
    with translation.override("ar"):
        page = client.get("/quality/rules/").content.decode()
        assert "مؤسسة لا تعمل مع خدمات متوفرة" in page  # the rule's Arabic name
        refused = client.post("/quality/rules/new/", rule_form(left_side="#{beds:*} +")).content.decode()
    assert 'lang="ar"' in refused and 'dir="rtl"' in refused
    assert "invalid-feedback" in refused.split('data-field="left_side"')[1].split('data-field="')[0]
