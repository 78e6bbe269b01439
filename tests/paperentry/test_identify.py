"""Identifying a paper form by its QR code (or typed details): what is checked, and that a second clerk lands on
the same paper form."""

from __future__ import annotations

import json

import pytest

from rasd.audit.models import AuditEntry
from rasd.collection.models import RoundState
from rasd.lib.request_context import acting_as
from rasd.paperentry import services
from rasd.paperentry.identify import PaperEntryError, Wanted, read_payload
from rasd.paperentry.models import PaperForm, PaperFormState
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas
from tests.paperentry.helpers import open_form, qr

pytestmark = pytest.mark.usefixtures("english")  # the tests read messages


def _refusal(personas_user: object, payload: str) -> str:
    with pytest.raises(PaperEntryError) as caught, acting_as(personas_user):  # type: ignore[arg-type]
        services.open_paper_form(personas_user, read_payload(payload))  # type: ignore[arg-type]
    return caught.value.message


def test_a_scanned_qr_code_opens_the_paper_form_placed_like_its_facility(
    collection: CollectionWorld, personas: Personas
) -> None:
    paper_form = open_form(collection.collector, collection)
    facility = collection.facilities["PHC-BASRA-1"]
    assert (paper_form.round, paper_form.version, paper_form.facility) == (
        collection.round,
        collection.version,
        facility,
    )
    assert (paper_form.directorate_id, paper_form.sector_id) == (facility.directorate_id, facility.sector_id)
    assert paper_form.state == PaperFormState.FIRST_ENTRY
    assert json.loads(paper_form.qr_payload)["f"] == "PHC-BASRA-1"
    assert AuditEntry.objects.filter(action="paper_form.opened", object_id=str(paper_form.pk)).count() == 1


def test_the_second_clerk_scanning_the_same_code_lands_on_the_same_paper_form(
    collection: CollectionWorld, personas: Personas
) -> None:
    first = open_form(collection.collector, collection)
    again = open_form(personas.basra_s1_supervisor, collection)
    assert again.pk == first.pk
    assert PaperForm.objects.count() == 1


def test_a_payload_with_arabic_digits_or_pasted_with_spaces_is_read() -> None:
    wanted = read_payload('  {"f":"PHC-BASRA-1","q":"herams_iraq","v":"٢٠٢٦٠١","r":"herams-2026"}\n')
    assert (wanted.facility, wanted.form_id, wanted.version, wanted.round) == (
        "PHC-BASRA-1",
        "herams_iraq",
        "202601",
        "herams-2026",
    )


@pytest.mark.parametrize("payload", ["PHC-BASRA-1", '{"f": "PHC-BASRA-1"', "[1, 2]", '{"f": 3, "q": "x", "v": "1"}'])
def test_malformed_codes_are_refused_with_a_clear_message(payload: str) -> None:
    with pytest.raises(PaperEntryError) as caught:
        read_payload(payload)
    assert "Not a rasd paper form code" in caught.value.message


def test_unknown_and_out_of_scope_facilities_get_the_same_answer(
    collection: CollectionWorld, personas: Personas
) -> None:
    unknown = _refusal(collection.collector, qr(collection, "PHC-NOWHERE-9"))
    assert unknown == "No facility with the code “PHC-NOWHERE-9” in your part of the country."
    outside = _refusal(collection.collector, qr(collection, "PHC-NAJAF-1"))
    assert outside == "No facility with the code “PHC-NAJAF-1” in your part of the country."
    assert not PaperForm.objects.exists()


def test_a_round_that_is_not_collecting_is_named(collection: CollectionWorld) -> None:
    collection.round.state = RoundState.CLEANING
    collection.round.save(update_fields=["state"])
    message = _refusal(collection.collector, qr(collection))
    assert "The round “herams-2026” is not collecting" in message


def test_an_unknown_round_and_a_version_the_round_does_not_accept_are_named(collection: CollectionWorld) -> None:
    assert (
        _refusal(collection.collector, qr(collection, round_code="herams-2099")) == "There is no round “herams-2099”."
    )
    payload = json.dumps({"f": "PHC-BASRA-1", "q": collection.version.questionnaire.form_id, "v": "1999"})
    with acting_as(collection.collector), pytest.raises(PaperEntryError) as caught:
        services.open_paper_form(
            collection.collector,
            Wanted(facility="PHC-BASRA-1", form_id="herams_iraq", version="1999", round="herams-2026", payload=payload),
        )
    assert "does not accept version “1999”" in caught.value.message


def test_a_code_printed_without_a_round_finds_the_round_collecting_its_version(collection: CollectionWorld) -> None:
    paper_form = open_form(collection.collector, collection)
    version = collection.version
    wanted = Wanted(facility="phc-basra-1", form_id=version.questionnaire.form_id, version=version.version)
    with acting_as(collection.collector):
        found, created = services.open_paper_form(collection.collector, wanted)
    assert (found.pk, created) == (paper_form.pk, False)


def test_a_facility_the_round_does_not_expect_is_refused(collection: CollectionWorld) -> None:
    from django.utils import timezone

    from rasd.collection.models import ExpectedFacility

    ExpectedFacility.objects.filter(facility__code="PHC-BASRA-1").update(removed_at=timezone.now())
    message = _refusal(collection.collector, qr(collection))
    assert message == "The round “herams-2026” does not expect the facility “PHC-BASRA-1”."
