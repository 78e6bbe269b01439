from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand

from rasd.lib.request_context import acting_as
from rasd.registry.geography_services import load_boundaries
from rasd.registry.reference_data import load_facility_types, load_health_administration


class Command(BaseCommand):
    help = (
        "Load the reference data shipped with rasd: Iraq's health administration, facility types, "
        "boundaries (OCHA COD-AB 2019) and population. Safe to run again: unchanged data is left alone."
    )

    def handle(self, *args: Any, **options: Any) -> None:
        with acting_as(None, request_id="load_reference_data"):
            administration = load_health_administration()
            types = load_facility_types()
            geography = load_boundaries()
        for label, summary in (("health administration", administration), ("facility types", types)):
            self.stdout.write(
                f"{label}: {len(summary.created)} created, {len(summary.updated)} updated, "
                f"{summary.unchanged} unchanged"
            )
        self.stdout.write(
            f"boundaries: {geography.areas_created} areas created, {geography.areas_updated} updated; "
            f"population figures written: {geography.figures_written}"
        )
