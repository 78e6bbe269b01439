"""`rasd round_issues ROUND [--json] [--status …] [--severity …] [--language …] [--xlsx PATH]`: the data-quality
issues of a round, for the whole country (the command acts as the system). Messages are in Arabic unless asked
otherwise, as the web pages show them by default. `--xlsx` writes the open issues as the dashboard's download does."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from rasd.collection.collect_settings import public_base
from rasd.collection.models import Round
from rasd.lib.commands import add_language_argument
from rasd.quality import issue_export, selectors
from rasd.quality.models import IssueStatus, Severity

COLUMNS = ("rule", "severity", "facility", "submission", "field", "status", "message")


class Command(BaseCommand):
    help = "Print the data-quality issues of a round (open ones unless --status says otherwise)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="the round's code, e.g. herams-2026")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")
        parser.add_argument(
            "--status", choices=[*IssueStatus.values, "all"], default=IssueStatus.OPEN, help="default: open"
        )
        parser.add_argument("--severity", choices=Severity.values, action="append", help="repeat for several")
        add_language_argument(parser, default="ar")
        parser.add_argument(
            "--xlsx", metavar="PATH", help="write the open issues to this Excel file (links use RASD_PUBLIC_URL)"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"No round with the code {options['round']!r}.")
        if options["xlsx"]:
            self._write_xlsx(round_, options)
            return
        statuses = () if options["status"] == "all" else (options["status"],)
        with translation.override(options["language"]):
            rows = selectors.issue_rows(None, round_, statuses=statuses, severities=tuple(options["severity"] or ()))
        if options["json"]:
            self.stdout.write(json.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write("no issues")
            return
        widths = {column: max(len(column), *(len(str(row[column])) for row in rows)) for column in COLUMNS[:-1]}
        self.stdout.write("  ".join(column.ljust(widths.get(column, 0)) for column in COLUMNS))
        for row in rows:
            self.stdout.write("  ".join(str(row[column]).ljust(widths.get(column, 0)) for column in COLUMNS))

    def _write_xlsx(self, round_: Round, options: dict[str, Any]) -> None:
        if options["status"] != IssueStatus.OPEN:
            raise CommandError("--xlsx writes the open issues: leave out --status.")
        issues = issue_export.open_issues(None, round_)
        if options["severity"]:
            issues = issues.filter(severity__in=options["severity"])
        rows = issue_export.issue_rows(None, issues, options["language"], base_url=public_base(""))
        count = issue_export.write_xlsx(rows, options["language"], options["xlsx"])
        self.stdout.write(f"{count} open issues written to {options['xlsx']}")
