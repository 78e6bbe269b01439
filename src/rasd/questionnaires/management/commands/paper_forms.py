from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.questionnaires.models import VersionState
from rasd.questionnaires.paper.render import LANGUAGE_CHOICES, write_paper_pdf
from rasd.questionnaires.paper.selection import printable
from rasd.questionnaires.selectors import VersionNotFound, find_version
from rasd.registry.models import Directorate, Facility


class Command(BaseCommand):
    help = (
        "Print a questionnaire version as a PDF paper form (docs/paper-forms.md): blank, pre-filled for one facility, "
        "or one form per facility of a directorate (each starting on a new page). Without --version, the latest "
        "published version."
    )

    def add_base_argument(self, parser: CommandParser, *args: Any, **kwargs: Any) -> None:
        if "--version" not in args:  # this command's --version is the questionnaire version, not Django's
            super().add_base_argument(parser, *args, **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("form_id")
        parser.add_argument("--version", help="the version string (default: the latest published version)")
        parser.add_argument("--lang", required=True, choices=LANGUAGE_CHOICES, help="one language, or ar+en")
        target = parser.add_mutually_exclusive_group()
        target.add_argument("--facility", metavar="CODE", help="a form pre-filled for this facility")
        target.add_argument("--directorate", metavar="CODE", help="one form per facility of this directorate")
        parser.add_argument("--round", default="", help="the data collection round, printed and put in the QR code")
        parser.add_argument("-o", "--output", type=Path, required=True, help="the PDF file to write")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = find_version(options["form_id"], options["version"])
        except VersionNotFound as error:
            raise CommandError(str(error)) from error
        if options["version"] is None and version.state != VersionState.PUBLISHED:
            raise CommandError(f"{options['form_id']} has no published version: give --version")
        facilities: list[Facility | None] = [None]
        if options["facility"]:
            facility = (
                Facility.objects.select_related("directorate", "sector", "facility_type")
                .filter(code=options["facility"])
                .first()
            )
            if facility is None:
                raise CommandError(f"no facility with the code {options['facility']}")
            facilities = [facility]
        elif options["directorate"]:
            directorate = Directorate.objects.filter(code=options["directorate"]).first()
            if directorate is None:
                raise CommandError(f"no directorate with the code {options['directorate']}")
            facilities = list(printable(Facility.objects.filter(directorate=directorate)))
            if not facilities:
                raise CommandError(f"directorate {directorate.code} has no facility to print a form for")
        # Written straight to the file: a directorate's PDF is never held in memory as one piece (see render.py).
        with options["output"].open("wb") as out:
            write_paper_pdf(version, options["lang"], facilities, out, options["round"])
        forms = "a blank form" if facilities == [None] else f"{len(facilities)} form(s)"
        size = options["output"].stat().st_size // 1024
        self.stdout.write(f"{options['output']}: {forms} of {version} in {options['lang']}, {size} KiB")
