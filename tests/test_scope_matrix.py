"""Nothing outside a user's scope can be read or changed, through any URL of rasd."""

from __future__ import annotations

import pytest

from rasd.registry.models import AdminArea, Facility
from tests import scope_matrix
from tests.conftest import Personas, World


def test_every_url_keeps_every_persona_inside_their_scope(
    world: World, personas: Personas, facilities: dict[str, Facility]
) -> None:
    sectors = [world.basra_s1, world.basra_s2, world.najaf_s1, world.erbil_s1]
    area = AdminArea.objects.get(pcode="IQG02Q01")  # boundaries are reference data: one area exercises its routes
    targets = [*personas.all().values(), *facilities.values(), *sectors, area, *_collection_targets(personas)]
    targets += _submission_targets(world, personas, facilities)
    findings = scope_matrix.check(scope_matrix.ROUTES, personas.all(), targets=targets)
    assert findings.violations == []
    assert findings.checked_requests > 200


# --- Collection targets (rasd.collection): one national round, and a device token for each of the two Basra
# collectors (sectors 1 and 2), so managers of other sectors or directorates must not open or revoke them. ---
def _collection_targets(personas: Personas) -> list[object]:
    import datetime

    from rasd.collection.models import DeviceToken, Round

    day = datetime.date(2026, 1, 1)
    round_ = Round.objects.create(
        code="matrix", name="marker-round", period_start=day, period_end=day, deadline=day, state="planning"
    )
    tokens = [
        DeviceToken.objects.create(
            user=collector, label=f"marker-token-{collector.username}", token=f"t-{collector.pk}"
        )
        for collector in (personas.basra_s1_collector, personas.basra_s2_collector)
    ]
    return [round_, *tokens]


# --- Submission targets (rasd.submissions): a record for every test facility (placed like its facility, sent by
# the collector of its sector where there is one), a quarantined record placed by the Basra directorate only (no
# sector: sector users must not see it) and one placed nowhere (only whole-country users see it). Each has an
# attachment; the marker is the first instanceID. ---
def _submission_targets(world: World, personas: Personas, facilities: dict[str, Facility]) -> list[object]:
    from tests.collection.test_submission_pages_data import make_record, small_round

    round_, version = small_round("matrix-submissions")
    senders = {world.basra_s1.pk: personas.basra_s1_collector, world.basra_s2.pk: personas.basra_s2_collector}
    photo = [("صورة.jpg", "image/jpeg", b"photo")]
    records = [
        make_record(
            round_,
            version,
            facility=facility,
            submitter=senders.get(facility.sector_id or 0),
            instance_id=f"uuid:marker-submission-{code}",
            attachments=photo,
        )
        for code, facility in facilities.items()
    ]
    for name, directorate in (("basra-directorate", world.basra), ("nowhere", None)):
        records.append(
            make_record(
                round_,
                version,
                directorate=directorate,
                facility_code="UNKNOWN-1",
                state="quarantined",
                reason="unknown_facility",
                instance_id=f"uuid:marker-submission-{name}",
                attachments=photo,
            )
        )
    return records


def test_every_url_pattern_is_in_the_matrix() -> None:
    assert scope_matrix.unlisted_patterns(scope_matrix.ROUTES) == []


@pytest.mark.urls("tests.unscoped_urls")
def test_the_matrix_catches_a_view_that_forgets_the_scoping_function(personas: Personas) -> None:
    routes = [
        *scope_matrix.ROUTES,
        scope_matrix.Route("leaky_user_list", "page"),
        scope_matrix.Route("leaky_user_detail", "object", model=scope_matrix.User),
    ]
    findings = scope_matrix.check(
        routes, personas.all(), targets=list(personas.all().values()), only={"leaky_user_list", "leaky_user_detail"}
    )
    leaks = "\n".join(findings.violations)
    assert "leaky_user_list: basra_manager sees out-of-scope marker-najaf-manager" in leaks
    assert "leaky_user_detail: basra_s1_collector read out-of-scope marker-erbil-manager (200)" in leaks
    assert all(violation.startswith("leaky_") for violation in findings.violations)


@pytest.mark.urls("tests.unscoped_urls")
def test_the_matrix_refuses_a_url_nobody_listed() -> None:
    assert scope_matrix.unlisted_patterns(scope_matrix.ROUTES) == ["leaky_user_list", "leaky_user_detail"]
