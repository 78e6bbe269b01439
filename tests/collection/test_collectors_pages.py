"""The assignment and expected-facility pages drive the services: assign, unassign (with reason), assign by sector,
add and remove one facility."""

from __future__ import annotations

from django.urls import reverse

from rasd.collection.models import Assignment, ExpectedFacility
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, client_for


def test_unassign_then_assign_from_the_page(collection: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.basra_s1_supervisor)
    round_pk = collection.round.pk
    pair = {"round": collection.round, "facility__code": "PHC-BASRA-1", "collector": collection.collector}
    remove = reverse("collection:assignment_remove", args=[round_pk])
    data = {"code": "PHC-BASRA-1", "collector": collection.collector.pk, "q": "BASRA", "page": "1"}
    assert client.post(remove, {**data, "reason": ""}).status_code == 302
    assert Assignment.objects.filter(**pair).exists()  # no reason: nothing changes
    response = client.post(remove, {**data, "reason": "on leave"})
    assert response["Location"].endswith("?q=BASRA&page=1")
    assert not Assignment.objects.filter(**pair).exists()
    page = client.get(reverse("collection:assignment_list", args=[round_pk])).content.decode()
    assert 'data-facility="PHC-BASRA-1"' in page and 'data-facility="PHC-BASRA-2"' not in page
    client.post(reverse("collection:assignment_add", args=[round_pk]), data)
    assert Assignment.objects.filter(**pair).exists()


def test_a_supervisor_cannot_assign_outside_their_sector(collection: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.basra_s1_supervisor)
    data = {"code": "PHC-BASRA-2", "collector": collection.other_collector.pk}
    client.post(reverse("collection:assignment_add", args=[collection.round.pk]), data)
    response = client.post(reverse("collection:assignment_remove", args=[collection.round.pk]), {**data, "reason": "x"})
    assert response.status_code == 302  # the form refuses the facility and the collector: not in scope
    assert Assignment.objects.filter(
        round=collection.round, facility__code="PHC-BASRA-2", collector=collection.other_collector
    ).exists()


def test_assign_by_sector_button(collection: CollectionWorld, personas: Personas) -> None:
    Assignment.objects.all().delete()
    client_for(personas.basra_manager).post(reverse("collection:assign_by_sector", args=[collection.round.pk]))
    assert set(Assignment.objects.values_list("facility__code", flat=True)) == {"PHC-BASRA-1", "PHC-BASRA-2"}


def test_remove_and_add_an_expected_facility_from_the_page(collection: CollectionWorld, personas: Personas) -> None:
    client = client_for(personas.national_fed)
    url = reverse("collection:expected_change", args=[collection.round.pk])
    client.post(url, {"code": "phc-basra-2", "expected": "0", "reason": "flooded"})
    row = ExpectedFacility.objects.get(round=collection.round, facility__code="PHC-BASRA-2")
    assert row.removed_at is not None
    page = client.get(reverse("collection:expected_list", args=[collection.round.pk])).content.decode()
    assert 'data-removed="1"' in page
    client.post(url, {"code": "PHC-ERBIL-1", "expected": "0", "reason": "not mine"})  # outside national_fed's scope
    assert ExpectedFacility.objects.get(facility__code="PHC-ERBIL-1").removed_at is None
    client.post(url, {"code": "PHC-BASRA-2", "expected": "1", "reason": "reopened"})
    row.refresh_from_db()
    assert row.removed_at is None
    assert client_for(personas.basra_manager).post(url, {"code": "PHC-BASRA-2", "expected": "0"}).status_code == 403
