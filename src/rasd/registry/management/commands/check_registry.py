from __future__ import annotations

import json
from collections import Counter
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.utils import translation

from rasd.lib.commands import add_language_argument
from rasd.registry.management.selection import facilities_of
from rasd.registry.quality import RULES, run_checks


class Command(BaseCommand):
    help = (
        "Run the data-quality rules over the facility list (docs/registry-quality.md). Prints one line per finding "
        "and a count per rule, or with --json a list of {rule, severity, facility, message}. Always exits 0: "
        "findings are data to fix, not a failure of the command."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--json", action="store_true", help="print the findings as one JSON list")
        parser.add_argument("--directorate", metavar="CODE", help="only the facilities of this directorate")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        facilities = facilities_of(options["directorate"])
        with translation.override(options["language"]):
            findings = run_checks(facilities)
            if options["json"]:
                self.stdout.write(json.dumps([finding.as_json() for finding in findings], ensure_ascii=False, indent=1))
                return
            for finding in findings:
                self.stdout.write(f"{finding.severity}\t{finding.rule}\t{finding.facility}\t{finding.message}")
            counts = Counter(finding.rule for finding in findings)
            self.stdout.write(f"findings: {len(findings)}, among {facilities.count()} facilities; by rule:")
            for rule in RULES:
                self.stdout.write(f"  {rule.code} ({rule.severity}, {rule.title}): {counts[rule.code]}")
