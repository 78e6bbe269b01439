"""Suspected duplicates: spelling variants compare equal, near places with alike names are paired, and reviewers
dismiss a pair for good or confirm it, which merges the two facilities."""

from __future__ import annotations

import json
from io import StringIO
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from rasd.audit.models import AuditEntry
from rasd.registry.duplicate_services import candidates
from rasd.registry.duplicates import Record, find_candidates, score_pair
from rasd.registry.models import AliasKind, DuplicateDecision, Facility, FacilityAlias, OperationalStatus
from rasd.registry.names import match_keys
from tests.conftest import Personas, World, client_for
from tests.registry.conftest import english, make


def arabic(name: str) -> str:
    return match_keys(name)[0]


def latin(name: str) -> str:
    return match_keys(name)[1]


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("مركز صحي أحمد", "مركز صحي احمد"),  # hamza on alef
        ("مستشفى الإمام", "مستشفى الامام"),  # hamza under alef
        ("مركز صحي الحرية", "مركز صحي الحريه"),  # ta marbuta / ha
        ("مركز صحي مصطفى", "مركز صحي مصطفي"),  # alef maqsura / ya
        ("مَرْكَز صِحِّي الحُسَين", "مركز صحي الحسين"),  # diacritics
        ("مركز صحي الحـــسين", "مركز صحي الحسين"),  # tatweel
        ("بنکەی تەندروستیی کانی\u200cماسێ", "بنکەی تەندروستیی کانیماسێ"),  # zero-width non-joiner
        ("بنکەی تەندروستیی کانیماسێ", "مركز صحي كانيماسي"),  # Kurdish letters, and the Kurdish generic words
        ("مركز صحي حي الرسالة ٣", "مركز صحي حي الرسالة 3"),  # Arabic-Indic digits
        ("مركز صحي حي الرسالة ۳", "مركز صحي حي الرسالة 3"),  # Extended Arabic-Indic digits (Kurdish)
        ("مركز الرعاية الصحية الأولية في حي الحسين", "مركز صحي الحسين"),  # generic words
        ("مركز الكرادة للرعاية الصحية الأولية", "المركز الصحي في الكرادة"),  # the article, "for the"
    ],
)
def test_arabic_and_kurdish_spelling_variants_have_one_key(one: str, other: str) -> None:
    assert arabic(one) == arabic(other) != ""


@pytest.mark.parametrize(
    ("one", "other"),
    [
        ("Al-Hussein PHC", "Hussain Health Center"),
        ("El Husayn Primary Health Care Centre", "Al-Hussein P.H.C."),
        ("Sulaymaniyah PHCC", "Sulaimaniya Health Centre"),
        ("Al-Qadisiya Clinic", "Kadisiyah Health Clinic"),
        ("Al-Zahraa PHC", "Zahra Health Center"),
        ("Hay Al-Jihad Medical Centre", "Al Jihaad PHC"),
    ],
)
def test_english_transliteration_variants_have_one_key(one: str, other: str) -> None:
    assert latin(one) == latin(other) != ""


def test_words_that_tell_facilities_apart_are_kept() -> None:
    assert arabic("مستشفى البصرة العام") != arabic("مركز صحي البصرة")  # a hospital is not a health centre
    assert arabic("مركز صحي الحسين الفرعي") != arabic("مركز صحي الحسين")  # a branch is not the main centre
    assert arabic("مركز صحي") == "صحي مركز"  # a name of generic words only keeps them


def record(
    pk: int, name_ar: str, name_en: str = "", *, directorate: int = 1, at: tuple[float, float] | None = None
) -> Record:
    latitude, longitude = at if at else (None, None)
    return Record(pk, f"F{pk}", name_ar, name_en, "", directorate, latitude, longitude)


BASRA = (30.5000, 47.8000)


def near(km_north: float) -> tuple[float, float]:
    return (BASRA[0] + km_north / 111.2, BASRA[1])


def test_one_centre_typed_twice_nearby_is_a_pair_with_its_score() -> None:
    found = find_candidates(
        [
            record(1, "مركز صحي الحسين", "Al-Hussein PHC", at=BASRA),
            record(2, "مركز الرعاية الصحية الأولية في حي الحسين", "Hussain Health Center", at=near(0.1)),
        ]
    )
    assert [(c.a.code, c.b.code, c.score, c.name_similarity) for c in found] == [("F1", "F2", 100.0, 100.0)]
    assert found[0].distance_km == pytest.approx(0.1, abs=0.005)


def test_the_score_falls_with_distance() -> None:
    scores = [
        score_pair(record(1, "مركز صحي الحسين", at=BASRA), record(2, "مركز صحي الحسين", at=near(km))).score
        for km in (0.1, 1, 3, 10)
    ]
    assert scores == [100.0, 96.0, 86.0, 51.0]


def test_the_same_name_far_apart_is_not_a_pair() -> None:
    assert find_candidates([record(1, "مركز صحي الحسين", at=BASRA), record(2, "مركز صحي الحسين", at=near(50))]) == []


def test_names_that_differ_only_in_the_place_or_the_number_are_not_pairs() -> None:
    records = [
        record(1, "مركز طب الأسرة في حي الحرية ٣ (تجريبي)", at=BASRA),
        record(2, "مركز طب الأسرة في قرية الرملة ٣ (تجريبي)", at=near(0.2)),
        record(3, "مركز صحي الحسين 1", at=near(0.4)),
        record(4, "مركز صحي الحسين 2", at=near(0.5)),
    ]
    assert find_candidates(records, min_score=60) == []


def test_facilities_without_coordinates_are_compared_within_their_directorate() -> None:
    records = [
        record(1, "مركز صحي الحسين", directorate=1),
        record(2, "مركز صحي الحسين", directorate=1, at=BASRA),
        record(3, "مركز صحي الحسين", directorate=2),
        record(4, "مركز صحي الزهراء", directorate=1),
    ]
    pairs = [(c.a.code, c.b.code, c.score, c.distance_km) for c in find_candidates(records)]
    assert pairs == [("F1", "F2", 95.0, None)]


def test_crowded_cells_are_compared_in_chunks_without_missing_a_pair() -> None:
    crowd = [record(pk, f"مركز صحي رقم {pk}", at=near(pk / 1000)) for pk in range(1, 1200)]
    twins = [record(5000, "مركز صحي الشهداء", at=BASRA), record(5001, "مركز صحي الشهداء", at=near(0.05))]
    found = find_candidates([twins[0], *crowd, twins[1]])
    assert [(c.a.code, c.b.code) for c in found] == [("F5000", "F5001")]


# In the database -----------------------------------------------------------------------------------------------


@pytest.fixture
def twins(world: World, facilities: dict[str, Facility]) -> tuple[Facility, Facility]:
    """One Basra centre entered twice, 40 m apart."""
    first = make(
        "BSR-1", "مركز صحي الأمل", world.basra, world.basra_s1, name_en="Al-Amal PHC", latitude=30.5, longitude=47.8
    )
    second = make(
        "BSR-2",
        "مركز الرعاية الصحية الاولية في حي الامل",
        world.basra,
        world.basra_s1,
        name_en="Al Amal Health Center",
        latitude=30.5003,
        longitude=47.8002,
    )
    return first, second


def review_url(pair: tuple[Facility, Facility]) -> str:
    return f"/registry/quality/duplicates/{pair[0].pk}/{pair[1].pk}/"


def find(*args: str) -> Any:
    out = StringIO()
    call_command("find_duplicates", "--json", *args, stdout=out)
    return json.loads(out.getvalue())


def test_the_command_lists_pairs_as_json(twins: tuple[Facility, Facility]) -> None:
    [pair] = find()
    assert (pair["a"], pair["b"], pair["score"]) == ("BSR-1", "BSR-2", 100.0)
    assert pair["distance_km"] == pytest.approx(0.039, abs=0.002)
    assert pair["names"]["a"] == {"ar": "مركز صحي الأمل", "en": "Al-Amal PHC", "ckb": ""}
    assert find("--directorate", "najaf") == []


def test_closed_and_merged_facilities_are_not_candidates(twins: tuple[Facility, Facility]) -> None:
    Facility.objects.filter(pk=twins[1].pk).update(status=OperationalStatus.PERMANENTLY_CLOSED)
    assert candidates(Facility.objects.all()) == []


def test_a_manager_sees_the_pair_and_its_comparison(twins: tuple[Facility, Facility], personas: Personas) -> None:
    client = english(personas.basra_manager)
    listing = client.get("/registry/quality/duplicates/").content.decode()
    assert f'href="{review_url(twins)}"' in listing
    page = client.get(review_url(twins)).content.decode()
    assert "Score 100 of 100" in page and "0.04 km apart" in page
    assert 'data-testid="dismiss"' in page and 'data-testid="confirm"' in page


def test_a_dismissed_pair_stays_dismissed(twins: tuple[Facility, Facility], personas: Personas) -> None:
    client = english(personas.basra_manager)
    response = client.post(review_url(twins), {"action": "dismiss", "note": "Two buildings on one street"})
    assert response.status_code == 302
    decision = DuplicateDecision.objects.get()
    assert (decision.facility_a, decision.facility_b, decision.decision) == (*twins, "dismissed")
    assert decision.decided_by == personas.basra_manager
    entry = AuditEntry.objects.get(action="facility.duplicate_dismissed")
    assert entry.actor == personas.basra_manager and entry.changes["note"] == [None, "Two buildings on one street"]
    assert "BSR-2" not in client.get("/registry/quality/duplicates/").content.decode()
    assert find() == []
    again = client.post(review_url(twins), {"action": "dismiss", "note": "again"})
    assert "This pair was already decided." in again.content.decode()


def test_a_dismissal_needs_a_note(twins: tuple[Facility, Facility], personas: Personas) -> None:
    response = english(personas.basra_manager).post(review_url(twins), {"action": "dismiss", "note": " "})
    assert response.status_code == 200 and not DuplicateDecision.objects.exists()


def test_confirming_merges_and_the_losers_code_becomes_an_alias(
    twins: tuple[Facility, Facility], personas: Personas
) -> None:
    keep, absorb = twins
    data = {"action": "confirm", "keep": keep.pk, "on": "2025-03-01", "reason": "The same centre typed twice"}
    response = english(personas.basra_manager).post(review_url((absorb, keep)), data)
    assert response["Location"] == "/registry/facilities/BSR-1/"
    absorb.refresh_from_db()
    assert absorb.merged_into == keep and absorb.status == OperationalStatus.PERMANENTLY_CLOSED
    assert FacilityAlias.objects.filter(facility=keep, kind=AliasKind.CODE, value="BSR-2").exists()
    decision = DuplicateDecision.objects.get()
    assert (decision.decision, decision.note) == ("confirmed", "The same centre typed twice")
    assert AuditEntry.objects.filter(action="facility.duplicate_confirmed", actor=personas.basra_manager).exists()
    assert AuditEntry.objects.filter(action="facility.merged_away").exists()
    page = english(personas.basra_manager).get(review_url(twins)).content.decode()
    assert 'data-testid="decision"' in page and 'data-testid="confirm"' not in page


def test_only_managers_decide(twins: tuple[Facility, Facility], personas: Personas) -> None:
    client = client_for(personas.basra_s1_collector)
    assert client.get(review_url(twins)).status_code == 200
    assert client.post(review_url(twins), {"action": "dismiss", "note": "x"}).status_code == 403
    assert not DuplicateDecision.objects.exists()


def test_a_pair_with_a_facility_outside_the_scope_is_not_found(
    twins: tuple[Facility, Facility], facilities: dict[str, Facility], personas: Personas
) -> None:
    najaf = facilities["PHC-NAJAF-1"]
    client = client_for(personas.basra_manager)
    for pair in ((twins[0], najaf), (najaf, twins[0])):
        assert client.get(review_url(pair)).status_code == 404
        assert client.post(review_url(pair), {"action": "dismiss", "note": "x"}).status_code == 404
    assert client.get(review_url((twins[0], twins[0]))).status_code == 404


def test_pairs_are_listed_only_when_both_facilities_are_in_scope(
    world: World, facilities: dict[str, Facility], personas: Personas
) -> None:
    make("BSR-3", "مركز صحي الشهداء", world.basra, world.basra_s1, latitude=30.5, longitude=47.8)
    make("BSR-4", "مركز صحي الشهداء", world.basra, world.basra_s2, latitude=30.5001, longitude=47.8)
    assert "BSR-4" in english(personas.basra_manager).get("/registry/quality/duplicates/").content.decode()
    assert "BSR-4" not in english(personas.basra_s1_collector).get("/registry/quality/duplicates/").content.decode()
    assert "BSR-4" not in english(personas.najaf_manager).get("/registry/quality/duplicates/").content.decode()


def test_a_pair_dismissed_earlier_can_still_be_merged(twins: tuple[Facility, Facility], personas: Personas) -> None:
    client = english(personas.basra_manager)
    client.post(review_url(twins), {"action": "dismiss", "note": "Looked different at first"})
    data = {"action": "confirm", "keep": twins[1].pk, "on": "2025-03-01", "reason": "A visit showed one centre"}
    assert client.post(review_url(twins), data).status_code == 302
    decision = DuplicateDecision.objects.get()
    assert decision.decision == "confirmed"
    entry = AuditEntry.objects.get(action="facility.duplicate_confirmed")
    assert entry.changes["decision"] == ["dismissed", "confirmed"]


def test_the_command_prints_one_line_per_pair_and_checks_the_minimum(twins: tuple[Facility, Facility]) -> None:
    out = StringIO()
    call_command("find_duplicates", "--min-score", "90", stdout=out)
    assert out.getvalue().splitlines() == [
        "100.0\tBSR-1\tBSR-2\t0.04 km\tمركز صحي الأمل | مركز الرعاية الصحية الاولية في حي الامل",
        "1 pair scoring 90 or more",
    ]
    with pytest.raises(CommandError, match="between 0 and 100"):
        call_command("find_duplicates", "--min-score", "101")
