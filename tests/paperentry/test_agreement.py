"""Entry agreement rates per clerk and between entries, on a small hand-made example."""

from __future__ import annotations

import pytest

from rasd.lib.request_context import acting_as
from rasd.paperentry import selectors, services
from rasd.paperentry.models import ChoiceSource
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, client_for
from tests.paperentry.helpers import BEDS, PARTNERS, PNG, answers, key, open_form

pytestmark = pytest.mark.usefixtures("english")  # the tests read messages


@pytest.fixture
def keyed(collection: CollectionWorld, personas: Personas) -> None:
    """A: the Basra sector-1 collector and supervisor differ on two questions (the partners left blank by the
    supervisor, the beds keyed 12 and 21); the Basra manager resolves them as 2 and 13. B: the Basra manager and the
    federal national manager agree on a hospital's form. C: the collector keys a new form of the same centre."""
    manager, supervisor = personas.basra_manager, personas.basra_s1_supervisor
    form_a = open_form(collection.collector, collection)
    key(collection.collector, form_a, answers(collection))
    key(supervisor, form_a, answers(collection, partners=None, beds=21))
    with acting_as(manager):
        services.upload_scan(manager, form_a, "a.png", PNG)
        decisions = {PARTNERS: services.Decision(ChoiceSource.FIRST), BEDS: services.Decision(ChoiceSource.TYPED, 13)}
        services.resolve(manager, form_a, decisions)
    form_b = open_form(manager, collection, "HOSP-BASRA")
    key(manager, form_b, answers(collection))
    key(personas.national_fed, form_b, answers(collection))
    form_c = open_form(collection.collector, collection)
    key(collection.collector, form_c, answers(collection))


def _by_clerk(agreement: selectors.Agreement) -> dict[str, tuple[int, int, int, int, float | None]]:
    return {
        stats.clerk.username: (
            stats.forms,
            stats.fields_keyed,
            stats.fields_checked,
            stats.fields_matching,
            round(stats.rate, 1) if stats.rate is not None else None,
        )
        for stats in agreement.clerks
    }


def test_agreement_per_clerk_and_between_entries(keyed: None, collection: CollectionWorld, personas: Personas) -> None:
    agreement = selectors.agreement(personas.national_fed, collection.round)
    assert _by_clerk(agreement) == {
        "basra-s1-collector": (2, 12, 6, 5, 83.3),
        "basra-s1-supervisor": (1, 5, 6, 4, 66.7),
        "basra-manager": (1, 6, 6, 6, 100.0),
        "national-fed": (1, 6, 6, 6, 100.0),
    }
    assert (agreement.forms_compared, agreement.fields_compared, agreement.fields_agreed) == (2, 12, 10)
    assert agreement.rate is not None and round(agreement.rate, 1) == 83.3


def test_agreement_counts_only_the_paper_forms_in_the_readers_scope(
    keyed: None, collection: CollectionWorld, personas: Personas
) -> None:
    sector = selectors.agreement(personas.basra_s1_supervisor, collection.round)
    assert set(_by_clerk(sector)) == {"basra-s1-collector", "basra-s1-supervisor"}  # not the hospital's form
    assert selectors.agreement(personas.najaf_manager, collection.round).clerks == []


def test_the_agreement_page_shows_the_rates(keyed: None, collection: CollectionWorld, personas: Personas) -> None:
    page = client_for(personas.basra_manager).get(f"/paper/rounds/{collection.round.pk}/agreement/").content.decode()
    assert 'data-clerk="basra-s1-supervisor"' in page and "66.7 %" in page
    assert 'data-count="rate">83.3 %<' in page
