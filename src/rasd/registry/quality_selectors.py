"""Reading quality findings and duplicate candidates for the pages, always within the user's scope."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.registry import duplicate_services
from rasd.registry.duplicates import Candidate
from rasd.registry.models import Directorate, Facility
from rasd.registry.quality import RULES, Finding, Rule, run_checks


def facilities_in_scope(user: User, directorate: Directorate | None = None) -> QuerySet[Facility]:
    facilities = scoped(user, Facility.objects.all())
    return facilities if directorate is None else facilities.filter(directorate=directorate)


@dataclass
class DirectorateCounts:
    directorate: Directorate
    cells: list[tuple[Rule, int]]  # in the order of RULES
    total: int


@dataclass
class QualitySummary:
    rows: list[DirectorateCounts]
    totals: list[tuple[Rule, int]]
    total: int


def quality_summary(user: User) -> QualitySummary:
    """Findings per directorate and rule, for the directorates in the user's scope (even those with none)."""
    counts = Counter((finding.directorate_id, finding.rule) for finding in run_checks(facilities_in_scope(user)))
    rows = []
    for directorate in scoped(user, Directorate.objects.all()):
        cells = [(rule, counts[(directorate.pk, rule.code)]) for rule in RULES]
        rows.append(DirectorateCounts(directorate, cells, sum(count for _rule, count in cells)))
    totals = [(rule, sum(row.cells[position][1] for row in rows)) for position, rule in enumerate(RULES)]
    return QualitySummary(rows=rows, totals=totals, total=sum(count for _rule, count in totals))


@dataclass
class FindingRow:
    finding: Finding
    rule: Rule
    facility: Facility


def findings(
    user: User, *, directorate: Directorate | None = None, rule: str = "", severity: str = ""
) -> list[Finding]:
    rules = [item for item in RULES if (not rule or item.code == rule) and (not severity or item.severity == severity)]
    return run_checks(facilities_in_scope(user, directorate), rules) if rules else []


def finding_rows(user: User, page: list[Finding]) -> list[FindingRow]:
    """One page of findings with their facilities (one query)."""
    by_id = scoped(user, Facility.objects.select_related("directorate")).in_bulk([item.facility_id for item in page])
    rules = {item.code: item for item in RULES}
    return [FindingRow(item, rules[item.rule], by_id[item.facility_id]) for item in page]


@dataclass
class CandidateRow:
    candidate: Candidate
    a: Facility
    b: Facility


def duplicate_candidates(user: User, *, directorate: Directorate | None, min_score: float) -> list[Candidate]:
    return duplicate_services.candidates(facilities_in_scope(user, directorate), min_score)


def candidate_rows(user: User, page: list[Candidate]) -> list[CandidateRow]:
    ids = [record.id for candidate in page for record in (candidate.a, candidate.b)]
    by_id = scoped(user, Facility.objects.select_related("directorate")).in_bulk(ids)
    return [CandidateRow(candidate, by_id[candidate.a.id], by_id[candidate.b.id]) for candidate in page]


def _point(facility: Facility) -> str:
    return "—" if facility.latitude is None else f"{facility.latitude:.5f}, {facility.longitude:.5f}"


def comparison(pair: duplicate_services.Pair) -> list[tuple[str, str, str]]:
    """The two facilities side by side: (label, value of a, value of b)."""

    def values(facility: Facility) -> list[str]:
        return [
            facility.code,
            facility.name_ar,
            facility.name_en,
            facility.name_ckb,
            facility.facility_type.name,
            facility.directorate.name,
            facility.sector.name if facility.sector else "—",
            facility.get_status_display(),
            facility.opened_on.isoformat() if facility.opened_on else "—",
            _point(facility),
            facility.get_location_source_display(),
            facility.admin_area.name if facility.admin_area else "—",
            facility.parent.code if facility.parent else "—",
        ]

    labels = [
        _("Code"),
        _("Name (Arabic)"),
        _("Name (English)"),
        _("Name (Kurdish)"),
        _("Type"),
        _("Directorate"),
        _("Sector"),
        _("Status"),
        _("Opened on"),
        _("Coordinates"),
        _("Location source"),
        _("Administrative area"),
        _("Main centre"),
    ]
    return list(zip(labels, values(pair.a), values(pair.b), strict=True))
