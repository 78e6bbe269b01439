"""`rasd process_pending_submissions [--limit N]`: build the records of raw submissions stored but never
processed (a crash between storing and building, or a validation hook that failed). Safe to run at any time,
also while submissions arrive: a record is built exactly once."""

from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from rasd.lib.request_context import acting_as
from rasd.submissions.ingest import process_pending


class Command(BaseCommand):
    help = "Build the records of raw submissions that were stored but not processed."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--limit", type=int, default=None, help="Process at most this many.")

    def handle(self, *args: Any, limit: int | None = None, **options: Any) -> None:
        with acting_as(None):
            completed = process_pending(limit)
        self.stdout.write(f"{completed} pending submission(s) completed")
