"""`rasd create_round`: a round for scripts and demos, acting as the system."""

from __future__ import annotations

import json
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import transaction

from rasd.collection import services
from rasd.collection.models import RoundState
from rasd.lib.commands import iso_date
from rasd.lib.request_context import acting_as
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Directorate


class Command(BaseCommand):
    help = (
        "Create a collection round accepting the given questionnaire versions, expect the open facilities of the "
        "whole country (or of the directorates given), and optionally assign them by sector and start collecting."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code", help="unique code, e.g. herams-2026")
        parser.add_argument("--name", required=True)
        parser.add_argument("--start", type=iso_date, required=True, help="start of the period (YYYY-MM-DD)")
        parser.add_argument("--end", type=iso_date, required=True, help="end of the period (YYYY-MM-DD)")
        parser.add_argument("--deadline", type=iso_date, help="deadline for submissions (default: the end)")
        parser.add_argument(
            "--form-version",
            action="append",
            required=True,
            metavar="FORM_ID:VERSION",
            help="a published questionnaire version the round accepts (repeatable)",
        )
        parser.add_argument("--directorate", action="append", default=[], help="directorate code (repeatable)")
        parser.add_argument("--no-facilities", action="store_true", help="expect no facility yet")
        parser.add_argument("--assign", action="store_true", help="assign the facilities to collectors by sector")
        parser.add_argument("--collect", action="store_true", help="start collecting at once")
        parser.add_argument("--json", action="store_true", help="print the result as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        versions = [self._version(spec) for spec in options["form_version"]]
        directorates = [self._directorate(code) for code in options["directorate"]]
        with acting_as(None, request_id="create_round"):
            try:
                with transaction.atomic():
                    round_ = services.create_round(
                        None,
                        code=options["code"],
                        name=options["name"],
                        period_start=options["start"],
                        period_end=options["end"],
                        deadline=options["deadline"] or options["end"],
                        versions=versions,
                    )
                    expected = 0
                    if not options["no_facilities"]:
                        expected = services.expect_facilities_in_scope(None, round_, directorates=directorates)
                    assigned = services.assign_by_scope(None, round_) if options["assign"] else 0
                    if options["collect"]:
                        services.set_round_state(None, round_, RoundState.COLLECTING, reason="create_round --collect")
            except services.CollectionError as error:
                raise CommandError(error.message, returncode=1) from error
        result = {
            "round": round_.code,
            "state": round_.state,
            "expected": expected,
            "assignments": assigned,
        }
        if options["json"]:
            self.stdout.write(json.dumps(result))
        else:
            self.stdout.write(f"{round_.code}: {round_.state}, {expected} expected facilities, {assigned} assignments")

    def _version(self, spec: str) -> QuestionnaireVersion:
        form_id, _sep, version = spec.partition(":")
        found = QuestionnaireVersion.objects.filter(questionnaire__form_id=form_id, version=version).first()
        if found is None:
            raise CommandError(f"no questionnaire version {spec} (give FORM_ID:VERSION)", returncode=1)
        return found

    def _directorate(self, code: str) -> Directorate:
        found = Directorate.objects.filter(code=code).first()
        if found is None:
            raise CommandError(f"no directorate with code {code}", returncode=1)
        return found
