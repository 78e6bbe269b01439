"""The simulator: valid instances (by rasd's own XPath checker), plausible by facility type, deterministic."""

from __future__ import annotations

import datetime
import random
import statistics
import time
from typing import Any

from lxml import etree

from rasd.questionnaires.xpath import Evaluator, FormModel, csv_instance
from rasd.registry.models import Facility
from rasd.submissions.instances import serialise
from rasd.submissions.simulator import SimulatedInstance, edit_instance, facility_info, filler_for, generate
from rasd.submissions.simulator.filling import FacilityInfo
from tests.collection_fixtures import CollectionWorld

TODAY = datetime.date(2026, 6, 30)


def problems(model: FormModel, info: FacilityInfo, xml: bytes) -> list[Any]:
    root = etree.fromstring(xml)
    attachments = {"facilities": csv_instance([info.facility_row]), "sectors": csv_instance(info.sector_rows)}
    return Evaluator(model, root, attachments=attachments, today=TODAY).validate()


def answers(xml: bytes) -> dict[str, str]:
    return {element.tag: element.text or "" for element in etree.fromstring(xml).iter() if not len(element)}


def infos(world: CollectionWorld) -> dict[str, FacilityInfo]:
    from rasd.registry.models import Sector

    result = {}
    for code, facility in world.facilities.items():
        facility = Facility.objects.select_related("directorate", "sector", "facility_type").get(pk=facility.pk)
        result[code] = facility_info(facility, list(Sector.objects.filter(directorate=facility.directorate)))
    return result


def test_one_instance_per_expected_facility_with_the_assigned_collector(collection: CollectionWorld) -> None:
    instances = list(generate(collection.round, seed=1, today=TODAY))
    assert [instance.facility.code for instance in instances] == sorted(collection.facilities)
    by_code = {instance.facility.code: instance for instance in instances}
    assert by_code["PHC-BASRA-1"].collector == collection.collector
    assert by_code["PHC-BASRA-2"].collector == collection.other_collector
    assert by_code["HOSP-NAJAF"].collector is None
    root = etree.fromstring(by_code["PHC-BASRA-1"].xml)
    assert root.get("id") == "herams_iraq" and root.get("version") == collection.version.version
    assert root.findtext("meta/instanceID") == by_code["PHC-BASRA-1"].instance_id
    assert by_code["PHC-BASRA-1"].instance_id.startswith("uuid:")
    assert root.findtext("identification/facility") == "PHC-BASRA-1"
    assert root.findtext("identification/sector") == "basra-1"
    assert root.findtext("identification/facility_type") == "phc-main"  # the facilities.csv lookup ran


def test_limit_and_given_collector(collection: CollectionWorld) -> None:
    instances = list(
        generate(collection.round, facilities=3, seed=2, collector=collection.other_collector, today=TODAY)
    )
    assert len(instances) == 3
    assert all(instance.collector is not None for instance in instances)


def test_same_seed_same_xml_other_seed_other_xml(collection: CollectionWorld) -> None:
    first = [instance.xml for instance in generate(collection.round, seed=5, today=TODAY)]
    again = [instance.xml for instance in generate(collection.round, seed=5, today=TODAY)]
    other = [instance.xml for instance in generate(collection.round, seed=6, today=TODAY)]
    assert first == again
    assert first != other


def test_hundreds_of_instances_break_no_rule(collection: CollectionWorld) -> None:
    filler = filler_for(collection.version)
    count = 0
    for code, info in infos(collection).items():
        for seed in range(40):
            root, _instance_id = filler.fill(
                info,
                random.Random(f"{seed}:{code}"),  # noqa: S311
                reporting_date=datetime.date(2026, 3, 1),
                today=TODAY,
            )
            xml = serialise(root)
            assert problems(filler.model, info, xml) == [], code
            count += 1
    assert count == 320


def test_hospitals_look_like_hospitals(collection: CollectionWorld) -> None:
    filler = filler_for(collection.version)
    info = infos(collection)
    hospital, phc = info["HOSP-BASRA"], info["PHC-BASRA-1"]

    def sample(facility: FacilityInfo) -> list[dict[str, str]]:
        return [
            answers(serialise(filler.fill(facility, random.Random(seed), reporting_date=TODAY, today=TODAY)[0]))  # noqa: S311
            for seed in range(60)
        ]

    hospitals, centres = sample(hospital), sample(phc)
    assert all(answer["has_beds"] == "yes" for answer in hospitals)
    assert sum(answer["has_beds"] == "yes" for answer in centres) < 15
    assert statistics.mean(int(answer["beds_general"]) for answer in hospitals) > 50
    assert all(int(a["beds_general_functional"]) <= int(a["beds_general"]) for a in hospitals)

    def nurses(sample_: list[dict[str, str]]) -> float:
        return statistics.mean(int(a["staff_nurse_female"]) + int(a["staff_nurse_male"]) for a in sample_)

    assert nurses(hospitals) > 5 * nurses(centres)

    def available(sample_: list[dict[str, str]]) -> float:
        values = [v for a in sample_ for k, v in a.items() if k.startswith("service_") and not k.endswith("barriers")]
        return sum(v == "available" for v in values) / len(values)

    assert available(hospitals) > available(centres)
    # Services of higher levels of care are not asked of primary care centres.
    assert all(answer["service_105"] == "" for answer in centres)
    # Barriers exactly when a service is partially or not available.
    for answer in hospitals + centres:
        for key, value in answer.items():
            if key.startswith("service_") and not key.endswith("barriers"):
                partly = value in ("partially_available", "not_available")
                assert bool(answer[f"{key}_barriers"]) == partly
    damaged = [a for a in hospitals + centres if a["building_damage"] != "not_damaged"]
    assert damaged and all(a["building_damage_causes"] for a in damaged)


def test_edit_keeps_the_form_valid_and_chains_the_ids(collection: CollectionWorld) -> None:
    instance: SimulatedInstance = next(iter(generate(collection.round, seed=3, today=TODAY)))
    edited = edit_instance(instance.xml, seed=1)
    root = etree.fromstring(edited)
    assert root.findtext("meta/deprecatedID") == instance.instance_id
    new_id = root.findtext("meta/instanceID")
    assert new_id and new_id.startswith("uuid:") and new_id != instance.instance_id
    assert edited != instance.xml
    assert edit_instance(instance.xml, seed=1) == edited
    info = infos(collection)[instance.facility.code]
    assert problems(filler_for(collection.version).model, info, edited) == []


def test_generation_is_not_pathologically_slow(collection: CollectionWorld) -> None:
    # The real figure (about 80 instances/s on one core) is in docs/simulator.md; this only catches a regression
    # such as re-parsing the form for every instance, with room for a busy CI machine.
    list(generate(collection.round, seed=0, today=TODAY))  # parse the form once
    started = time.monotonic()
    total = sum(len(list(generate(collection.round, seed=seed, today=TODAY))) for seed in range(5))
    assert total / (time.monotonic() - started) > 5
