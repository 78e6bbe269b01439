from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.collection.models import Round
from rasd.lib.request_context import acting_as
from rasd.submissions.exporting import FORMATS, chunks, export_to_file
from rasd.submissions.models import Submission


class Command(BaseCommand):
    help = (
        "Write every record of a round (whole country) as JSON or CSV: instance IDs of the first and current "
        "version, number of versions, facility code, state, times, submitter and the answers of the current "
        "version. See docs/submissions.md."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", metavar="ROUND", help="the round's code")
        parser.add_argument("--format", choices=FORMATS, help="default: from the output file's ending, else json")
        parser.add_argument("-o", "--output", default="-", help="the file to write (default: standard output)")

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"no round has the code {options['round']!r}")
        output = str(options["output"])
        suffix = Path(output).suffix.lower().lstrip(".")
        fmt = options["format"] or (suffix if suffix in FORMATS else "json")
        # The command runs as the system: every record of the round, whatever part of the country it is in.
        records = Submission.objects.filter(round=round_)
        started = time.monotonic()
        with acting_as(None):
            if output == "-":
                for text in chunks(fmt, round_, records):
                    self.stdout.write(text, ending="")
                return
            export_to_file(fmt, round_, records, Path(output))
        self.stderr.write(f"wrote {output} ({fmt}, {records.count()} records) in {time.monotonic() - started:.1f} s")
