"""Instances built on the server from answers (paper entry, imports): the same XML a phone would send."""

from __future__ import annotations

import datetime

from lxml import etree

from rasd.registry.models import Facility
from rasd.submissions.ingest import IncomingSubmission, ingest
from rasd.submissions.instances import build_instance, text_of_answer
from rasd.submissions.models import Source
from rasd.submissions.simulator import generate
from tests.collection_fixtures import CollectionWorld

TODAY = datetime.date(2026, 6, 30)


def test_answers_of_a_stored_version_rebuild_an_equivalent_instance(collection: CollectionWorld) -> None:
    simulated = next(i for i in generate(collection.round, seed=3, today=TODAY) if i.facility.code == "PHC-BASRA-1")
    first = ingest(IncomingSubmission(simulated.xml, Source.SIMULATOR, collection.collector)).version
    assert first is not None
    facility = Facility.objects.select_related("directorate", "sector", "facility_type").get(code="PHC-BASRA-1")

    built = build_instance(
        collection.version, first.answers, facility=facility, deprecated_id=first.instance_id, today=TODAY
    )

    assert built.problems == []
    root = etree.fromstring(built.xml)
    assert root.get("id") == "herams_iraq" and root.get("version") == collection.version.version
    assert root.findtext("meta/deprecatedID") == first.instance_id
    assert root.findtext("meta/instanceID") == built.instance_id != first.instance_id
    # Calculations are computed from the facility's row of facilities.csv, as the phone computed them.
    assert root.findtext("identification/facility_type") == "phc-main"
    edit = ingest(IncomingSubmission(built.xml, Source.PAPER, collection.collector, reason="typed again")).version
    assert edit is not None and edit.number == 2
    assert edit.answers == first.answers


def test_broken_rules_are_reported_not_hidden(collection: CollectionWorld) -> None:
    facility = Facility.objects.select_related("directorate", "sector", "facility_type").get(code="PHC-BASRA-1")
    answers = {
        "/data/identification/facility": "PHC-BASRA-1",
        "/data/identification/directorate": "basra",
        "/data/confirmation/respondent_phone": "12345",
    }
    built = build_instance(collection.version, answers, facility=facility, today=TODAY)
    rules = {(problem.path, problem.rule) for problem in built.problems}
    assert ("/data/confirmation/respondent_phone", "constraint") in rules
    assert ("/data/building/building_damage", "required") in rules


def test_answer_text_is_written_as_odk_writes_it() -> None:
    assert text_of_answer(12) == "12"
    assert text_of_answer(2.0) == "2"
    assert text_of_answer(2.5) == "2.5"
    assert text_of_answer(["a", "b"]) == "a b"
    assert text_of_answer([33.1, 44.2]) == "33.1 44.2"
