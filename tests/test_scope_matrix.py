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
    targets = [*personas.all().values(), *facilities.values(), *sectors, area]
    findings = scope_matrix.check(scope_matrix.ROUTES, personas.all(), targets=targets)
    assert findings.violations == []
    assert findings.checked_requests > 200


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
