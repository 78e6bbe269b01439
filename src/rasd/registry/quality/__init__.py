"""Data-quality checks of the facility list: a catalogue of rules run in bulk over any set of facilities.

Each rule has a stable code (used in the command's JSON and in links), a severity and a title. Rules read the
facilities with one query and place their points with one vectorised lookup, so checking the whole list costs the
same few queries whatever its size. docs/registry-quality.md describes every rule and how to fix what it finds.
"""

from __future__ import annotations

from collections.abc import Sequence

from django.conf import settings
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from rasd.registry.models import Facility
from rasd.registry.quality import location_rules as location
from rasd.registry.quality import record_rules as record
from rasd.registry.quality.base import SEVERITY_ORDER, Finding, Rule, Severity, read_rows
from rasd.registry.quality.places import Places

__all__ = ["RULES", "Finding", "Rule", "Severity", "rule", "run_checks"]

RULES: tuple[Rule, ...] = (
    Rule("missing_required", Severity.HIGH, _("Required attribute missing"), record.missing_required),
    Rule("code_format", Severity.HIGH, _("Malformed code"), record.code_format, active_only=False),
    Rule("duplicate_code", Severity.HIGH, _("Duplicate code"), record.duplicate_code, active_only=False),
    Rule("same_name_same_sector", Severity.MEDIUM, _("Same name in the same sector"), record.same_name_same_sector),
    Rule("missing_location", Severity.MEDIUM, _("No coordinates"), location.missing_location),
    Rule("null_island", Severity.HIGH, _("Coordinates at (0, 0)"), location.null_island),
    Rule("outside_country", Severity.HIGH, _("Outside the country"), location.outside_country),
    Rule("outside_assigned_area", Severity.MEDIUM, _("Outside the area set by hand"), location.outside_assigned_area),
    Rule(
        "outside_directorate_governorate",
        Severity.LOW,
        _("Outside the directorate's governorate"),
        location.outside_directorate_governorate,
    ),
    Rule("shared_coordinates", Severity.LOW, _("Same coordinates as another facility"), location.shared_coordinates),
    Rule(
        "opened_after_closed", Severity.HIGH, _("Opened after it closed"), record.opened_after_closed, active_only=False
    ),
    Rule(
        "closed_but_functional",
        Severity.MEDIUM,
        _("Closed but marked functional"),
        record.closed_but_functional,
        active_only=False,
    ),
    Rule(
        "branch_without_main_centre",
        Severity.MEDIUM,
        _("Branch without a main centre"),
        record.branch_without_main_centre,
    ),
    Rule("name_spacing", Severity.LOW, _("Extra spaces in a name"), record.name_spacing, active_only=False),
    Rule(
        "mixed_scripts",
        Severity.LOW,
        _("Arabic and Latin letters in one name"),
        record.mixed_scripts,
        active_only=False,
    ),
)
_BY_CODE = {item.code: item for item in RULES}


def rule(code: str) -> Rule | None:
    return _BY_CODE.get(code)


def run_checks(facilities: QuerySet[Facility], rules: Sequence[Rule] = RULES) -> list[Finding]:
    """Every finding of the given rules among `facilities`, most severe first, then by rule and code.

    Rules that compare facilities (duplicate codes, same names) compare them within `facilities` only."""
    rows = read_rows(facilities)
    active = [row for row in rows if row.active]
    places = Places(rows, settings.REGISTRY_DISTRICT_TOLERANCE_KM)
    findings = [
        Finding(
            rule=item.code,
            severity=item.severity,
            facility=row.code,
            message=message,
            facility_id=row.id,
            directorate_id=row.directorate_id,
        )
        for item in rules
        for row, message in item.check(active if item.active_only else rows, places)
    ]
    order = {item.code: position for position, item in enumerate(RULES)}
    return sorted(
        findings, key=lambda found: (SEVERITY_ORDER[Severity(found.severity)], order[found.rule], found.facility)
    )
