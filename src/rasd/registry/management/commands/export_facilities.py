from __future__ import annotations

import time
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.lib.commands import iso_date
from rasd.registry.exporting import FORMATS, ExportOptions, current, export_to_file, past
from rasd.registry.models import Directorate, Facility, FacilityVersion


class Command(BaseCommand):
    help = (
        "Write the facility list (or the list as it was on a past day) to a CSV, XLSX or GeoJSON file, with headers "
        "in Arabic, Kurdish or English. The file re-imports with `rasd import_facilities`."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("-o", "--output", type=Path, required=True, help="the file to write")
        parser.add_argument("--format", choices=FORMATS, help="default: from the output file's ending, else csv")
        parser.add_argument("--lang", choices=[code for code, _name in settings.LANGUAGES], default="en")
        parser.add_argument("--as-of", type=iso_date, help="the list as it was on this day (YYYY-MM-DD)")
        parser.add_argument("--hxl", action="store_true", help="add a row of HXL hashtags under the header")
        parser.add_argument("--directorate", nargs="+", default=[], metavar="CODE", help="only these directorates")

    def handle(self, *args: Any, **options: Any) -> None:
        output: Path = options["output"]
        suffix = output.suffix.lower().lstrip(".")
        fmt = options["format"] or (suffix if suffix in FORMATS else "csv")
        unknown = set(options["directorate"]) - set(
            Directorate.objects.filter(code__in=options["directorate"]).values_list("code", flat=True)
        )
        if unknown:
            raise CommandError(f"no directorate has the code: {', '.join(sorted(unknown))}")
        facilities, versions = Facility.objects.all(), FacilityVersion.objects.all()
        if options["directorate"]:
            facilities = facilities.filter(directorate__code__in=options["directorate"])
            versions = versions.filter(directorate__code__in=options["directorate"])
        selection = past(versions, options["as_of"]) if options["as_of"] else current(facilities)
        started = time.monotonic()
        export_to_file(selection, ExportOptions(format=fmt, language=options["lang"], hxl=options["hxl"]), output)
        self.stdout.write(f"wrote {output} ({fmt}, {options['lang']}) in {time.monotonic() - started:.1f} s")
