"""`rasd load_demo [--facilities N] [--submissions N] [--seed S] [--json]`: a complete demo on an empty database
(see rasd.submissions.simulator.demo); safe to run again."""

from __future__ import annotations

import json
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.submissions.simulator import CannotFill
from rasd.submissions.simulator.demo import load_demo


class Command(BaseCommand):
    help = (
        "Prepare a complete demo: reference data, the demo facility list, the default questionnaire published, an "
        "open round, one collector per sector with a device token, the demo administrator and optionally simulated "
        "submissions. With --json, print the credentials and server URLs for scripts."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--facilities", type=int, default=5205, help="size of the demo facility list (5205)")
        parser.add_argument("--submissions", type=int, default=0, help="simulated submissions to store (0)")
        parser.add_argument("--seed", type=int, default=1, help="seed of the facility list and the answers (1)")
        parser.add_argument("--json", action="store_true", help="print the demo's access details as JSON")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("refused: RASD_PRODUCTION=1; demo data must never reach a production database")
        if options["facilities"] < 1 or options["submissions"] < 0:
            raise CommandError("--facilities must be at least 1 and --submissions at least 0")
        try:
            demo = load_demo(facilities=options["facilities"], submissions=options["submissions"], seed=options["seed"])
        except CannotFill as error:
            raise CommandError(f"cannot simulate submissions: {error}") from error
        if options["json"]:
            self.stdout.write(json.dumps(demo.as_json(), ensure_ascii=False, indent=2))
            return
        for step in demo.steps or ["the demo is already loaded: nothing changed"]:
            self.stdout.write(step)
        self.stdout.write(f"round {demo.round_code} (form {demo.form_id}) is collecting")
        self.stdout.write(
            f"{len(demo.collectors)} collectors; e.g. "
            + (f"{demo.collectors[0].username}: {demo.collectors[0].server_url}" if demo.collectors else "none")
        )
        self.stdout.write(f"demo administrator — username: {demo.admin_username}  password: {demo.admin_password}")
