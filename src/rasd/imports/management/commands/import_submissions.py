from __future__ import annotations

import json
import sys
from pathlib import Path
from typing import Any, TextIO

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.collection.models import Round
from rasd.imports.columns import MappingError, parse_mapping
from rasd.imports.planning import CannotImport, Problem
from rasd.imports.services import ImportReport, import_export
from rasd.lib.commands import add_language_argument
from rasd.lib.request_context import acting_as

SHOWN_PROBLEMS = 200


class Command(BaseCommand):
    help = (
        "Import submissions from a KoboToolbox export (XLSX or CSV) or an ODK Central export (CSV zip) into a "
        "collecting round. Every row is checked first; if any row has an error nothing is written and the command "
        "exits with 1. Rows whose instanceID is already stored are skipped, so importing a file again is harmless."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("round", help="code of the round, e.g. herams-2026")
        parser.add_argument("path", type=Path, help="the export: .xlsx, .csv or .zip")
        parser.add_argument("--source", choices=["kobo", "central"], default="", help="default: told from the file")
        parser.add_argument("--mapping", type=Path, help="JSON mapping file (renamed fields, choice labels → codes)")
        parser.add_argument("--form-version", default="", help="read the rows as this version of the round")
        parser.add_argument("--dry-run", action="store_true", help="check every row and report; write nothing")
        parser.add_argument(
            "--as",
            dest="username",
            default="",
            help="the importing account (needs import_data and submit_data; default: the only active system "
            "administrator)",
        )
        parser.add_argument("--json", action="store_true", help="print the report as JSON")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        round_ = Round.objects.filter(code=options["round"]).first()
        if round_ is None:
            raise CommandError(f"no round with the code {options['round']!r}")
        user = _importer(options["username"])
        path: Path = options["path"]
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        try:
            mapping = parse_mapping(options["mapping"].read_bytes() if options["mapping"] else None)
        except (MappingError, OSError) as error:
            raise CommandError(f"{options['mapping']}: {error}") from error
        bar = ProgressBar(sys.stderr) if sys.stderr.isatty() and not options["json"] else None
        with translation.override(options["language"]), acting_as(user, request_id="import_submissions"):
            try:
                report = import_export(
                    path,
                    round_,
                    user,
                    source=options["source"],
                    mapping=mapping,
                    form_version=options["form_version"],
                    dry_run=options["dry_run"],
                    progress=bar.update if bar is not None else None,
                )
            except CannotImport as error:
                raise CommandError(f"{path}: {error}") from error
            finally:
                if bar is not None:
                    bar.close()
        if options["json"]:
            self.stdout.write(json.dumps(report.as_json(), ensure_ascii=False, indent=2))
        else:
            self._print(report)
        if report.errors:
            raise CommandError(f"{len(report.errors)} error(s); nothing was written", returncode=1)

    def _print(self, report: ImportReport) -> None:
        verb = "would import" if report.dry_run else "imported"
        count = report.to_import if report.dry_run else report.imported
        self.stdout.write(
            f"{report.file} ({report.source}, form version {report.version}): {report.rows} row(s) read, "
            f"{verb} {count}, {report.skipped} already imported, {len(report.errors)} error(s), "
            f"{len(report.warnings)} warning(s)"
        )
        for title, problems in (("errors", report.errors), ("warnings", report.warnings)):
            if problems:
                self.stdout.write(f"\n{title}:")
                self.stdout.write(_table(problems[:SHOWN_PROBLEMS]))
                if len(problems) > SHOWN_PROBLEMS:
                    self.stdout.write(f"… and {len(problems) - SHOWN_PROBLEMS} more (use --json for all)")
        if report.dry_run:
            self.stdout.write("\ndry run: nothing was written")


def _importer(username: str) -> User:
    if username:
        user = User.objects.filter(username__iexact=username, is_active=True).first()
        if user is None:
            raise CommandError(f"no active user {username!r}")
        return user
    admins = list(User.objects.filter(role=Role.SYSTEM_ADMIN, is_active=True)[:2])
    if len(admins) != 1:
        raise CommandError("name the importing account with --as USERNAME (there is not exactly one administrator)")
    return admins[0]


def _table(problems: list[Problem]) -> str:
    rows = [("row", "instanceID", "field", "message")]
    rows += [(str(p.row or ""), p.instance_id, p.field, p.message) for p in problems]
    widths = [min(40, max(len(row[index]) for row in rows)) for index in range(3)]
    return "\n".join(
        "  ".join(cell.ljust(width) for cell, width in zip(row[:3], widths, strict=True)) + "  " + row[3]
        for row in rows
    )


class ProgressBar:
    """A one-line text bar on a terminal: `checking [#####.....] 120/240`."""

    WIDTH = 30

    def __init__(self, stream: TextIO) -> None:
        self.stream = stream
        self.shown = False

    def update(self, stage: str, done: int, total: int) -> None:
        filled = self.WIDTH * done // total if total else 0
        bar = "#" * filled + "." * (self.WIDTH - filled)
        self.stream.write(f"\r{stage:<9} [{bar}] {done}/{total}" if total else f"\r{stage:<9}")
        self.stream.flush()
        self.shown = True

    def close(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
