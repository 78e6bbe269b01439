"""The scope matrix for the submission routes alone (quick to run while working on them; the full matrix in
tests/test_scope_matrix.py runs them too)."""

from __future__ import annotations

from rasd.registry.models import Facility
from tests import scope_matrix
from tests.conftest import Personas, World
from tests.test_scope_matrix import _submission_targets


def test_submission_routes_keep_every_persona_inside_their_scope(
    world: World, personas: Personas, facilities: dict[str, Facility]
) -> None:
    targets = [*personas.all().values(), *facilities.values(), *_submission_targets(world, personas, facilities)]
    names = {route.name for route in scope_matrix.ROUTES if route.name.startswith("submissions:")}
    findings = scope_matrix.check(scope_matrix.ROUTES, personas.all(), targets=targets, only=names)
    assert findings.violations == []
    assert findings.checked_requests > 100
