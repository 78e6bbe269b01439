from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from rasd.lib.commands import add_language_argument, iso_date
from rasd.lib.request_context import acting_as
from rasd.registry.importing import UnreadableFile, import_file
from rasd.registry.importing.columns import MappingError, load_mapping


class Command(BaseCommand):
    help = (
        "Create or update facilities from a CSV (UTF-8), XLSX or GeoJSON file. Every row is checked first: if any "
        "has a problem, nothing is written, one line per problem (row N: column: message) goes to standard "
        "output and the command exits with 1. Importing the same file again changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--dry-run", action="store_true", help="check and show what would change; write nothing")
        parser.add_argument("--sheet", help="the sheet of an XLSX workbook to read (default: the first)")
        parser.add_argument("--mapping", type=Path, help='JSON file {"header in the file": "column name", ...}')
        parser.add_argument("--valid-from", type=iso_date, help="the day the changes take effect (default: today)")
        parser.add_argument("--reason", default="", help="why, kept with every new version (default: 'import of FILE')")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            mapping = load_mapping(options["mapping"]) if options["mapping"] else {}
        except MappingError as error:
            raise CommandError(str(error)) from error
        with translation.override(options["language"]), acting_as(None, request_id="import_facilities"):
            try:
                result = import_file(
                    path,
                    actor=None,
                    sheet=options["sheet"],
                    mapping=mapping,
                    dry_run=options["dry_run"],
                    valid_from=options["valid_from"],
                    reason=options["reason"] or f"import of {path.name}",
                )
            except UnreadableFile as error:
                raise CommandError(f"{path}: {error}") from error
        for warning in result.warnings:
            self.stderr.write(f"warning: {warning}")
        if result.problems:
            for problem in result.problems:
                self.stdout.write(problem)
            raise CommandError(f"{len(result.problems)} problem(s); nothing was written", returncode=1)
        if options["dry_run"]:
            if options["verbosity"] >= 1:
                for change in result.changes:
                    columns = ", ".join(field.column for field in change.fields)
                    action = "create" if change.created else "update"
                    self.stdout.write(f"row {change.row}: {action} {change.code}: {columns}")
            self.stdout.write(f"dry run, nothing written: {result.summary()}")
            return
        self.stdout.write(result.summary())
