"""Fixtures for collection tests (registered for every test package by tests/conftest.py).

A collecting round over the test world: the default questionnaire published, every test facility expected,
collectors assigned to the facilities of their sector, and a device token for the Basra sector-1 collector."""

from __future__ import annotations

import datetime
import functools
import secrets
from dataclasses import dataclass
from typing import Any

import pytest

from rasd.accounts.models import User
from rasd.collection.models import Assignment, DeviceToken, ExpectedFacility, Round, RoundState
from rasd.lib.request_context import acting_as
from rasd.questionnaires import services as questionnaire_services
from rasd.questionnaires.default_form import build_xlsx
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.questionnaires.xlsform import ParsedForm, parse_xlsform
from rasd.registry.models import Facility
from tests.conftest import Personas


@functools.cache
def default_form_bytes() -> bytes:
    return build_xlsx()


@functools.cache
def _parsed(content: bytes) -> ParsedForm:
    return parse_xlsform(content)


@pytest.fixture
def fast_questionnaire_import(monkeypatch: pytest.MonkeyPatch, settings: Any) -> None:
    """Converting the 426-field default form takes seconds; every test gets the same conversion from a cache."""
    settings.QUESTIONNAIRE_ODK_VALIDATE = False
    monkeypatch.setattr(questionnaire_services, "parse_xlsform", _parsed)


@pytest.fixture
def default_version(admin: User, fast_questionnaire_import: None) -> QuestionnaireVersion:
    with acting_as(admin):
        return questionnaire_services.import_xlsform(
            admin, default_form_bytes(), filename="herams_iraq.xlsx", publish=True
        )


@dataclass
class CollectionWorld:
    round: Round
    version: QuestionnaireVersion
    facilities: dict[str, Facility]
    collector: User  # basra sector 1
    token: DeviceToken
    other_collector: User  # basra sector 2


@pytest.fixture
def collection(
    personas: Personas, facilities: dict[str, Facility], default_version: QuestionnaireVersion
) -> CollectionWorld:
    round_ = Round.objects.create(
        code="herams-2026",
        name="HeRAMS Iraq 2026",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        deadline=datetime.date(2026, 12, 31),
        state=RoundState.COLLECTING,
    )
    round_.versions.add(default_version)
    for facility in facilities.values():
        ExpectedFacility.objects.create(round=round_, facility=facility)
    for collector in (personas.basra_s1_collector, personas.basra_s2_collector):
        for facility in facilities.values():
            if facility.sector_id is not None and facility.sector_id in collector.resolve_scope().sector_ids:
                Assignment.objects.create(round=round_, facility=facility, collector=collector)
    token = DeviceToken.objects.create(
        user=personas.basra_s1_collector, label="marker-tablet", token=secrets.token_urlsafe(32)
    )
    return CollectionWorld(
        round=round_,
        version=default_version,
        facilities=facilities,
        collector=personas.basra_s1_collector,
        token=token,
        other_collector=personas.basra_s2_collector,
    )
