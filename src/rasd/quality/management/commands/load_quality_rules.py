"""`rasd load_quality_rules [--file PATH | --questionnaire FORM_ID]`: create or update cross-field rules.

Without options, the HeRAMS rules shipped with rasd (`rasd/quality/data/herams_rules.json`); `--file`, another
catalogue in the same format; `--questionnaire`, the `rasd_rules` sheet of the questionnaire's latest published
XLSForm, attached to that questionnaire. Safe to re-run: unchanged rules are left alone, and a rule an
administrator deactivated stays deactivated. Run it after `rasd load_default_questionnaire`: a rule naming a field
no questionnaire has is refused, and then none of the file's rules is stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.lib.request_context import acting_as
from rasd.quality import rule_services, rule_sheets
from rasd.quality.services import QualityError
from rasd.questionnaires.models import Questionnaire


class Command(BaseCommand):
    help = "Create or update cross-field data-quality rules: the HeRAMS catalogue, a file, or a questionnaire's sheet."

    def add_arguments(self, parser: CommandParser) -> None:
        source = parser.add_mutually_exclusive_group()
        source.add_argument(
            "--file", type=Path, help="a catalogue in the format of rasd/quality/data/herams_rules.json"
        )
        source.add_argument(
            "--questionnaire", help="the form ID of a questionnaire whose XLSForm has a rasd_rules sheet"
        )

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            with acting_as(None, request_id="load_quality_rules"):
                if options["questionnaire"]:
                    questionnaire = Questionnaire.objects.filter(form_id=options["questionnaire"]).first()
                    if questionnaire is None:
                        raise CommandError(f"No questionnaire with the form ID {options['questionnaire']!r}.")
                    created, changed, unchanged = rule_sheets.load_questionnaire_rules(None, questionnaire)
                else:
                    path: Path = options["file"] or rule_services.CATALOGUE
                    if not path.is_file():
                        raise CommandError(f"No such file: {path}")
                    created, changed, unchanged = rule_services.load_catalogue(None, path)
        except QualityError as error:
            raise CommandError(error.message) from None
        self.stdout.write(f"{created} rules created, {changed} changed, {unchanged} unchanged")
