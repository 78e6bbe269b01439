from __future__ import annotations

import time
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.lib.request_context import acting_as
from rasd.registry.demo_loading import DemoAlreadyLoaded, load_demo_registry, reference_data_loaded


class Command(BaseCommand):
    help = (
        "Load a synthetic demo facility list (names marked synthetic), 17 real hospitals from Wikidata, a little "
        "history and a few deliberate data-quality problems. Needs the reference data. Running it again with "
        "the same options changes nothing."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--facilities", type=int, default=5205, help="how many synthetic facilities (5205)")
        parser.add_argument("--seed", type=int, default=1, help="another seed gives another list (1)")

    def handle(self, *args: Any, **options: Any) -> None:
        if settings.PRODUCTION:
            raise CommandError("refused: RASD_PRODUCTION=1; demo data must never reach a production registry")
        if not reference_data_loaded():
            raise CommandError("the reference data is missing: run `rasd load_reference_data` first")
        if options["facilities"] < 1:
            raise CommandError("--facilities must be at least 1")
        started = time.monotonic()
        try:
            with acting_as(None, request_id="load_demo_registry"):
                summary = load_demo_registry(options["facilities"], options["seed"])
        except DemoAlreadyLoaded as loaded:
            raise CommandError(
                f"another demo registry is loaded ({loaded}); use a fresh data directory for a different one"
            ) from loaded
        seconds = time.monotonic() - started
        if summary.already_loaded:
            self.stdout.write(f"demo registry ({summary.label}) already loaded: nothing changed ({seconds:.1f} s)")
            return
        self.stdout.write(
            f"demo registry ({summary.label}): {summary.sectors_created} sectors and "
            f"{summary.facilities_created} facilities created, of them {summary.real_hospitals} real hospitals "
            f"from Wikidata ({seconds:.1f} s)"
        )
        self.stdout.write("history:")
        for line in summary.history:
            self.stdout.write(f"  {line}")
        self.stdout.write("deliberate quality problems:")
        for line in summary.problems:
            self.stdout.write(f"  {line}")
