from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.utils import translation

from rasd.lib.commands import add_language_argument
from rasd.lib.request_context import acting_as
from rasd.questionnaires.services import XLSFormError, import_xlsform


class Command(BaseCommand):
    help = (
        "Import an XLSForm (.xlsx) as a new version of the questionnaire its settings sheet names. The form is "
        "converted with pyxform and checked with ODK Validate; if anything is wrong nothing is stored, the problems "
        "go to standard output one per line and the command exits with 1."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--publish", action="store_true", help="publish the new version at once")
        add_language_argument(parser)

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            content = path.read_bytes()
        except OSError as error:
            raise CommandError(f"{path}: {error.strerror}") from error
        with translation.override(options["language"]), acting_as(None, request_id="import_questionnaire"):
            try:
                version = import_xlsform(None, content, filename=path.name, publish=options["publish"])
            except XLSFormError as error:
                for problem in error.problems:
                    self.stdout.write(problem)
                raise CommandError(f"{len(error.problems)} problem(s); nothing was stored", returncode=1) from error
        for warning in version.warnings:
            self.stderr.write(f"warning: {warning}")
        self.stdout.write(
            f"{version.questionnaire.form_id} {version.version}: {version.state}, "
            f"{version.fields.count()} fields, languages {', '.join(version.languages) or '-'}"
        )
