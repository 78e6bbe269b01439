"""Round pages: Arabic by default, open to the roles allowed, 403 for others, nothing outside the reader's scope."""

from __future__ import annotations

import pytest
from django.urls import reverse

from rasd.audit.models import AuditEntry
from rasd.collection.models import ExpectedFacility, Round, RoundState
from rasd.questionnaires.models import QuestionnaireVersion
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, client_for


def test_round_list_and_detail_render_in_arabic_for_every_role(collection: CollectionWorld, personas: Personas) -> None:
    for persona in personas.all().values():
        client = client_for(persona)
        listing = client.get(reverse("collection:round_list"))
        assert listing.status_code == 200
        body = listing.content.decode()
        assert 'lang="ar"' in body and 'dir="rtl"' in body
        assert "HeRAMS Iraq 2026" in body
        detail = client.get(reverse("collection:round_detail", args=[collection.round.pk]))
        assert detail.status_code == 200
        expected = client.get(reverse("collection:expected_list", args=[collection.round.pk]))
        assert expected.status_code == 200


def test_only_round_managers_open_the_new_round_page(collection: CollectionWorld, personas: Personas) -> None:
    url = reverse("collection:round_create")
    assert client_for(personas.national_fed).get(url).status_code == 200
    for persona in (personas.basra_manager, personas.basra_s1_supervisor, personas.basra_s1_collector):
        assert client_for(persona).get(url).status_code == 403


def test_a_national_manager_creates_a_round_with_the_facilities_of_their_scope(
    personas: Personas, facilities: dict[str, object], default_version: QuestionnaireVersion
) -> None:
    response = client_for(personas.national_fed).post(
        reverse("collection:round_create"),
        {
            "code": "herams-2027",
            "name": "HeRAMS 2027",
            "period_start": "2027-01-01",
            "period_end": "2027-06-30",
            "deadline": "2027-07-15",
            "versions": [default_version.pk],
            "expect": "all",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    round_ = Round.objects.get(code="herams-2027")
    codes = set(ExpectedFacility.objects.filter(round=round_).values_list("facility__code", flat=True))
    assert "HOSP-BASRA" in codes and "PHC-ERBIL-1" not in codes  # federal authority only


def test_state_change_needs_a_reason_and_is_audited(collection: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.admin)
    url = reverse("collection:round_state", args=[collection.round.pk])
    client.post(url, {"state": "cleaning", "reason": ""})
    collection.round.refresh_from_db()
    assert collection.round.state == RoundState.COLLECTING
    client.post(url, {"state": "cleaning", "reason": "deadline passed"})
    collection.round.refresh_from_db()
    assert collection.round.state == RoundState.CLEANING
    assert AuditEntry.objects.get(action="round.state_changed").reason == "deadline passed"
    assert client_for(personas.basra_manager).post(url, {"state": "closed", "reason": "x"}).status_code == 403


@pytest.mark.parametrize("name", ["assignment_list", "collector_list", "collector_cards"])
def test_collector_pages_need_manage_collectors(collection: CollectionWorld, personas: Personas, name: str) -> None:
    url = reverse(f"collection:{name}", args=[collection.round.pk])
    for persona in (personas.admin, personas.basra_manager, personas.basra_s1_supervisor):
        assert client_for(persona).get(url).status_code == 200
    for persona in (personas.basra_s1_collector, personas.erbil_viewer):
        assert client_for(persona).get(url).status_code == 403


def test_expected_list_shows_only_the_readers_facilities(collection: CollectionWorld, personas: Personas) -> None:
    body = (
        client_for(personas.basra_manager)
        .get(reverse("collection:expected_list", args=[collection.round.pk]))
        .content.decode()
    )
    assert "marker-PHC-BASRA-1" in body and "marker-HOSP-BASRA" in body
    assert "marker-PHC-NAJAF-1" not in body and "marker-PHC-ERBIL-1" not in body
