"""`rasd validate_round ROUND`: check the current version of every record of a round again and update the issues
(after a rule, the master list or an assignment changed). Acts as the system; prints the open issues per rule."""

from __future__ import annotations

import sys
import time
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.collection.models import Round
from rasd.lib.request_context import acting_as
from rasd.quality import selectors, services


class Command(BaseCommand):
    help = "Run the data-quality rules on the current version of every record of a round and update its issues."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="the round's code, e.g. herams-2026")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"No round with the code {options['round']!r}.")
        started = time.monotonic()
        with acting_as(None, request_id="validate_round"):
            outcome = services.validate_round(round_, progress=self._progress if sys.stderr.isatty() else None)
        if sys.stderr.isatty():
            sys.stderr.write("\n")
        seconds = time.monotonic() - started
        self.stdout.write(
            f"{round_.code}: {outcome.records} records checked in {seconds:.1f} s; "
            f"{outcome.opened} issues opened, {outcome.resolved} resolved, {outcome.seen_again} seen again"
        )
        counts = selectors.open_counts_by_rule(None, round_)
        if not counts:
            self.stdout.write("no open issues")
            return
        width = max(len(count.rule) for count in counts)
        self.stdout.write(f"{'rule'.ljust(width)}  severity  open")
        for count in counts:
            self.stdout.write(f"{count.rule.ljust(width)}  {count.severity.ljust(8)}  {count.count}")

    def _progress(self, done: int, total: int) -> None:
        sys.stderr.write(f"\r{done}/{total} records")
        sys.stderr.flush()
