"""The HeRAMS rule catalogue, loaded as `rasd load_quality_rules` does (after the default questionnaire). The
caches are cleared before every test by tests/conftest.py."""

from __future__ import annotations

import pytest

from rasd.lib.request_context import acting_as
from rasd.quality import rule_services
from tests.collection_fixtures import CollectionWorld


@pytest.fixture(autouse=True)
def messages_in_english(english: None) -> None:
    """The tests read the rules' refusals and the issues' messages in English (rasd's default language is Arabic)."""


@pytest.fixture
def catalogue(collection: CollectionWorld) -> CollectionWorld:
    with acting_as(None):
        rule_services.load_catalogue(None)
    return collection
