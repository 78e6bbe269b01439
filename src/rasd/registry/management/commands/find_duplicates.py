from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.registry.duplicate_services import candidates
from rasd.registry.duplicates import DEFAULT_MIN_SCORE, Candidate, Record
from rasd.registry.management.selection import facilities_of


def _names(record: Record) -> dict[str, str]:
    return {"ar": record.name_ar, "en": record.name_en, "ckb": record.name_ckb}


def as_json(candidate: Candidate) -> dict[str, Any]:
    return {
        "score": candidate.score,
        "name_similarity": candidate.name_similarity,
        "distance_km": candidate.distance_km,
        "a": candidate.a.code,
        "b": candidate.b.code,
        "names": {"a": _names(candidate.a), "b": _names(candidate.b)},
    }


class Command(BaseCommand):
    help = (
        "List pairs of facilities in service that are probably the same place, best first, scored from their "
        "names and the distance between them (docs/registry-quality.md). Pairs a reviewer already dismissed or "
        "confirmed are left out. Exits 0."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the pairs as one JSON list")
        parser.add_argument(
            "--min-score", type=float, default=DEFAULT_MIN_SCORE, help=f"lowest score shown ({DEFAULT_MIN_SCORE:g})"
        )
        parser.add_argument("--directorate", metavar="CODE", help="only pairs within this directorate")

    def handle(self, *args: Any, **options: Any) -> None:
        if not 0 <= options["min_score"] <= 100:
            raise CommandError("--min-score must be between 0 and 100")
        facilities = facilities_of(options["directorate"])
        found = candidates(facilities, options["min_score"])
        if options["json"]:
            self.stdout.write(json.dumps([as_json(candidate) for candidate in found], ensure_ascii=False, indent=1))
            return
        for candidate in found:
            distance = "?" if candidate.distance_km is None else f"{candidate.distance_km:.2f} km"
            self.stdout.write(
                f"{candidate.score:5.1f}\t{candidate.a.code}\t{candidate.b.code}\t{distance}\t"
                f"{candidate.a.name_ar or candidate.a.name_en} | {candidate.b.name_ar or candidate.b.name_en}"
            )
        pairs = "1 pair" if len(found) == 1 else f"{len(found)} pairs"
        self.stdout.write(f"{pairs} scoring {options['min_score']:g} or more")
