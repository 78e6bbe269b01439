from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rasd.lib.request_context import acting_as
from rasd.registry.services import load_health_administration


class Command(BaseCommand):
    help = "Load the reference data shipped with rasd (Iraq's health administration). Safe to run again."

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, request_id="load_reference_data"):
            summary = load_health_administration()
        self.stdout.write(
            f"health administration: {len(summary.created)} created, {len(summary.updated)} updated, "
            f"{summary.unchanged} unchanged"
        )
