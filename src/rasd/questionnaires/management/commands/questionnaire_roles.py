from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.questionnaires.selectors import VersionNotFound, find_version
from rasd.questionnaires.semantic_roles import missing_required_roles


class Command(BaseCommand):
    help = (
        "List the rasd roles of a questionnaire version (role → field path) and the required roles it lacks. "
        "Without --version: the latest published version, or else the latest version."
    )

    def create_parser(self, prog_name: str, subcommand: str, **kwargs: Any) -> CommandParser:
        # --version names the questionnaire version here, replacing Django's "show the program version".
        return super().create_parser(prog_name, subcommand, conflict_handler="resolve", **kwargs)

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("form_id")
        parser.add_argument("--version", dest="form_version", help="the version string (default: latest)")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            version = find_version(options["form_id"], options["form_version"])
        except VersionNotFound as error:
            raise CommandError(str(error)) from error
        self.stdout.write(f"{version.questionnaire.form_id} {version.version} ({version.state})")
        roles = version.fields.exclude(role="").order_by("position").values_list("role", "path")
        for role, path in roles:
            self.stdout.write(f"{role}\t{path}")
        missing = missing_required_roles(role for role, _path in roles)
        for role in missing:
            self.stdout.write(f"missing required role: {role}")
