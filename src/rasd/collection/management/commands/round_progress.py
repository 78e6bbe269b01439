"""`rasd round_progress ROUND [--json]`: how far a round has come, for the whole country (the command acts as the
system). The numbers are those of the web page (rasd.collection.progress)."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from rasd.collection import progress
from rasd.collection.models import Round


class Command(BaseCommand):
    help = (
        "Print a round's progress per authority, directorate and sector: expected, received, quarantined, approved, "
        "not yet visited and overdue facilities, and the collectors' submissions per day."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="the round's code, e.g. herams-2026")
        parser.add_argument("--json", action="store_true", help="print JSON instead of a table")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"No round with the code {options['round']!r}.")
        # Names in Arabic, the official language, as the web page shows by default.
        with translation.override("ar"):
            numbers = progress.round_progress(None, round_)
            if options["json"]:
                self.stdout.write(json.dumps(progress.as_json(numbers), ensure_ascii=False, indent=2))
                return
            self._table(numbers)

    def _table(self, numbers: progress.Progress) -> None:
        header = progress.TABLE_HEADER
        rows = [[str(cell) for cell in row] for row in progress.table_rows(numbers)]
        widths = [max(len(header[i]), *(len(row[i]) for row in rows)) for i in range(len(header))]
        self.stdout.write(f"{numbers.round.code} · deadline {numbers.round.deadline.isoformat()}")
        for row in [header, *rows]:
            self.stdout.write("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)))
        if numbers.collectors:
            self.stdout.write("")
            self.stdout.write("collector  submissions per day")
            for activity in numbers.collectors:
                days = ", ".join(f"{day.isoformat()}: {n}" for day, n in sorted(activity.days.items()))
                self.stdout.write(f"{activity.username}  {days}")
