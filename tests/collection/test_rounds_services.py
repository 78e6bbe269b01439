"""Rules of rounds and expected facilities (rasd.collection.services)."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.core.exceptions import PermissionDenied

from rasd.audit.models import AuditEntry
from rasd.collection import services
from rasd.collection.models import Assignment, ExpectedFacility, Round, RoundState
from rasd.lib.request_context import acting_as
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Facility
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, World

D = datetime.date


def _round(actor, version: QuestionnaireVersion, code: str = "r-2027") -> Round:  # type: ignore[no-untyped-def]
    with acting_as(actor):
        return services.create_round(
            actor,
            code=code,
            name=f"Round {code}",
            period_start=D(2027, 1, 1),
            period_end=D(2027, 3, 31),
            deadline=D(2027, 4, 15),
            versions=[version],
        )


def test_create_round_is_audited_and_starts_in_planning(
    personas: Personas, default_version: QuestionnaireVersion
) -> None:
    round_ = _round(personas.national_fed, default_version)
    assert round_.state == RoundState.PLANNING
    assert list(round_.versions.all()) == [default_version]
    entry = AuditEntry.objects.get(action="round.created", object_id=str(round_.pk))
    assert entry.actor == personas.national_fed


def test_only_round_managers_create_rounds(personas: Personas, default_version: QuestionnaireVersion) -> None:
    with pytest.raises(PermissionDenied):
        _round(personas.basra_manager, default_version)
    assert not Round.objects.exists()


def test_round_code_must_be_unique_and_dates_ordered(personas: Personas, default_version: QuestionnaireVersion) -> None:
    _round(personas.admin, default_version)
    with pytest.raises(services.CollectionError) as error:
        _round(personas.admin, default_version)
    assert error.value.field == "code"
    with acting_as(personas.admin), pytest.raises(services.CollectionError) as error:
        services.create_round(
            personas.admin,
            code="x",
            name="x",
            period_start=D(2027, 2, 1),
            period_end=D(2027, 1, 1),
            deadline=D(2027, 3, 1),
            versions=[default_version],
        )
    assert error.value.field == "period_end"


def test_transitions_follow_the_state_machine(personas: Personas, default_version: QuestionnaireVersion) -> None:
    admin = personas.admin
    round_ = _round(admin, default_version)
    with acting_as(admin):
        with pytest.raises(services.CollectionError):
            services.set_round_state(admin, round_, RoundState.CLOSED)
        services.set_round_state(admin, round_, RoundState.COLLECTING, reason="go")
        services.set_round_state(admin, round_, RoundState.CLEANING)
        services.set_round_state(admin, round_, RoundState.COLLECTING, reason="late facilities")
        services.set_round_state(admin, round_, RoundState.CLEANING)
        services.set_round_state(admin, round_, RoundState.CLOSED, reason="done")
        with pytest.raises(services.CollectionError):
            services.set_round_state(admin, round_, RoundState.COLLECTING)
    round_.refresh_from_db()
    assert round_.state == RoundState.CLOSED
    assert AuditEntry.objects.filter(action="round.state_changed", object_id=str(round_.pk)).count() == 5


def test_a_version_collects_in_one_round_at_a_time(collection: CollectionWorld, personas: Personas) -> None:
    other = _round(personas.admin, collection.version, code="clash")
    with acting_as(personas.admin), pytest.raises(services.CollectionError) as error:
        services.set_round_state(personas.admin, other, RoundState.COLLECTING)
    assert "herams-2026" in error.value.message
    other.refresh_from_db()
    assert other.state == RoundState.PLANNING


def test_collecting_needs_a_published_version(personas: Personas, default_version: QuestionnaireVersion) -> None:
    round_ = _round(personas.admin, default_version)
    round_.versions.clear()
    with acting_as(personas.admin), pytest.raises(services.CollectionError):
        services.set_round_state(personas.admin, round_, RoundState.COLLECTING)


def test_expected_facilities_come_from_the_scope(
    personas: Personas, world: World, facilities: dict[str, Facility], default_version: QuestionnaireVersion
) -> None:
    round_ = _round(personas.admin, default_version)
    with acting_as(personas.national_fed):
        added = services.expect_facilities_in_scope(personas.national_fed, round_, directorates=[world.basra])
        assert added == 3  # two PHC centres and the hospital
        again = services.expect_facilities_in_scope(personas.national_fed, round_)
    # national_fed covers the federal authority only: Erbil stays out.
    assert again == 3
    codes = set(ExpectedFacility.objects.filter(round=round_).values_list("facility__code", flat=True))
    assert "PHC-ERBIL-1" not in codes and "HOSP-MEDICAL-CITY" in codes


def test_a_removed_facility_keeps_its_row_and_loses_its_assignments(
    collection: CollectionWorld, personas: Personas
) -> None:
    facility = collection.facilities["PHC-BASRA-1"]
    admin = personas.admin
    with acting_as(admin):
        services.set_expected(admin, collection.round, facility, False, reason="destroyed")
    row = ExpectedFacility.objects.get(round=collection.round, facility=facility)
    assert row.removed_at is not None and row.removed_by == admin
    assert not Assignment.objects.filter(round=collection.round, facility=facility).exists()
    assert AuditEntry.objects.get(action="round.facility_removed").reason == "destroyed"
    with acting_as(admin):
        assert services.expect_facilities_in_scope(admin, collection.round) == 0  # removed by hand stays out
        services.set_expected(admin, collection.round, facility, True, reason="rebuilt")
    row.refresh_from_db()
    assert row.removed_at is None


def test_commands_create_a_round_and_issue_a_token(
    personas: Personas, facilities: dict[str, Facility], default_version: QuestionnaireVersion, tmp_path: Any
) -> None:
    import json
    from io import StringIO

    from django.core.management import call_command

    from rasd.collection.collect_settings import decode_qr_payload

    out = StringIO()
    version = f"{default_version.questionnaire.form_id}:{default_version.version}"
    call_command(
        "create_round", "cli-round", "--name", "CLI", "--start", "2027-01-01", "--end", "2027-02-01",
        "--form-version", version, "--assign", "--collect", "--json", stdout=out,
    )  # fmt: skip
    result = json.loads(out.getvalue())
    assert result == {"round": "cli-round", "state": "collecting", "expected": 8, "assignments": 2}
    out = StringIO()
    png = tmp_path / "qr.png"
    call_command(
        "issue_device_token", "basra-s1-collector", "--label", "tablet 1", "--base-url", "https://rasd.example.org/",
        "--qr-png", str(png), "--json", stdout=out,
    )  # fmt: skip
    issued = json.loads(out.getvalue())
    assert issued["server_url"] == f"https://rasd.example.org/openrosa/key/{issued['token']}"
    zxingcpp = pytest.importorskip("zxingcpp")
    from PIL import Image

    text = zxingcpp.read_barcodes(Image.open(png))[0].text
    assert decode_qr_payload(text)["general"]["server_url"] == issued["server_url"]


def test_versions_change_with_the_same_clash_rule(collection: CollectionWorld, personas: Personas) -> None:
    admin = personas.admin
    other = _round(admin, collection.version, code="other")
    with acting_as(admin):
        services.set_round_versions(admin, other, [], reason="none yet")
        with pytest.raises(services.CollectionError):
            services.set_round_versions(admin, collection.round, [], reason="empty while collecting")
    assert list(collection.round.versions.all()) == [collection.version]
    assert AuditEntry.objects.filter(action="round.versions_changed").count() == 1


def test_versions_page_for_managers_only(collection: CollectionWorld, personas: Personas) -> None:
    from django.urls import reverse

    from tests.conftest import client_for

    url = reverse("collection:round_versions", args=[collection.round.pk])
    data = {"versions": [collection.version.pk], "reason": "same"}
    assert client_for(personas.basra_manager).post(url, data).status_code == 403
    assert client_for(personas.national_fed).post(url, data).status_code == 302
