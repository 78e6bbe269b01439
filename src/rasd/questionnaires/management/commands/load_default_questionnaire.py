from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.lib.request_context import acting_as
from rasd.questionnaires.default_form import FILENAME, build_xlsx
from rasd.questionnaires.models import QuestionnaireVersion, VersionState
from rasd.questionnaires.services import XLSFormError, import_xlsform, publish_version
from rasd.questionnaires.xlsform import parse_xlsform


class Command(BaseCommand):
    help = (
        "Build the default questionnaire “HeRAMS Iraq standard” from its CSV sheets and import it as a new version. "
        "Safe to re-run: a version that is already loaded with the same XForm is left as it is."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--publish", action="store_true", help="publish the version (if it is still a draft)")

    def handle(self, *args: Any, **options: Any) -> None:
        content = build_xlsx()
        with acting_as(None, request_id="load_default_questionnaire"):
            try:
                parsed = parse_xlsform(content)
                existing = QuestionnaireVersion.objects.filter(
                    questionnaire__form_id=parsed.form_id, version=parsed.version
                ).first()
                if existing is None:
                    version = import_xlsform(None, content, filename=FILENAME, publish=options["publish"])
                    self.stdout.write(f"{version.questionnaire.form_id} {version.version}: {version.state}")
                    return
            except XLSFormError as error:
                for problem in error.problems:
                    self.stdout.write(problem)
                raise CommandError(f"{len(error.problems)} problem(s); nothing was stored", returncode=1) from error
            if existing.md5 != parsed.md5:
                raise CommandError(
                    f"{parsed.form_id} {parsed.version} is already loaded with a different form: "
                    "bump the version in settings.csv",
                    returncode=1,
                )
            if options["publish"] and existing.state == VersionState.DRAFT:
                publish_version(None, existing)
                self.stdout.write(f"{parsed.form_id} {parsed.version}: already loaded, now published")
                return
        self.stdout.write(f"{parsed.form_id} {parsed.version}: already loaded ({existing.state})")
