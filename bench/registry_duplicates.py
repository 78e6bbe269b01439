"""Benchmark: the search for duplicate candidates, and the data-quality checks.

    python bench/registry_duplicates.py [--sizes 5205 100000]

For each size, in a fresh process and a throwaway database (SQLite in a temporary data directory; PostgreSQL
instead when RASD_DATABASE_URL is set, in a test_… database created and dropped here), with the reference data:

- "duplicates: search in memory": the synthetic demo list of that many facilities (rasd.registry.demo) is made
  as plain records and `duplicates.find_candidates` is timed on them. Reading the database is NOT included.
  Goal: under 60 s at 100,000 facilities.
- Up to DATABASE_LIMIT facilities, the demo registry of that size is also loaded into the database (through the
  importer, with its deliberate quality problems), then two steps are timed that DO include reading it:
  "duplicates: find_duplicates" (`duplicate_services.candidates`: read the active facilities, search, leave out
  decided pairs — what `rasd find_duplicates` and the duplicates page do) and "quality: check_registry"
  (`quality.run_checks` over every facility — what `rasd check_registry` and the quality pages do).

Each line gives the seconds, facilities per second, what was found, and the peak resident memory of that size's
process so far. Results are kept in docs/registry-quality.md. `run(sizes)` is what bench/registry.py calls.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Sized
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = [5205, 100_000]
DATABASE_LIMIT = 20_000  # loading 100,000 facilities through the importer is the import benchmark's business


def run(sizes: list[int]) -> list[dict[str, Any]]:
    """Run every size in its own process; one result per step and size."""
    results: list[dict[str, Any]] = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="rasd-bench-duplicates-") as data_dir:
            # As in production: no debug query log (it costs time and memory per query).
            env = {
                **os.environ,
                "RASD_DATA_DIR": data_dir,
                "RASD_DEBUG": "0",
                "DJANGO_SETTINGS_MODULE": "rasd.settings",
            }
            env["PYTHONPATH"] = os.pathsep.join([str(ROOT / "src"), env.get("PYTHONPATH", "")])
            command = [sys.executable, __file__, "--one", str(size)]
            finished = subprocess.run(command, env=env, capture_output=True, text=True, check=False)  # noqa: S603
            if finished.returncode != 0:
                raise RuntimeError(f"benchmark of {size} facilities failed:\n{finished.stderr[-3000:]}")
            results += json.loads(finished.stdout.strip().splitlines()[-1])
    return results


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # kilobytes on Linux


def _records(rows: list[dict[str, str]]) -> list[Any]:
    from rasd.registry.duplicates import Record

    directorates: dict[str, int] = {}
    records = []
    for position, row in enumerate(rows):
        located = bool(row["latitude"] and row["longitude"])
        records.append(
            Record(
                id=position,
                code=row["code"],
                name_ar=row["name_ar"],
                name_en=row["name_en"],
                name_ckb=row["name_ckb"],
                directorate=directorates.setdefault(row["directorate"], len(directorates)),
                latitude=float(row["latitude"]) if located else None,
                longitude=float(row["longitude"]) if located else None,
            )
        )
    return records


def _one(size: int) -> list[dict[str, Any]]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rasd.lib.request_context import acting_as
    from rasd.registry.demo import ensure_demo_sectors, synthetic_rows
    from rasd.registry.demo_loading import load_demo_registry
    from rasd.registry.duplicate_services import candidates
    from rasd.registry.duplicates import find_candidates
    from rasd.registry.models import Facility
    from rasd.registry.quality import run_checks

    postgres = connection.vendor == "postgresql"
    if postgres:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)
    results: list[dict[str, Any]] = []

    def step(name: str, facilities: int, action: Callable[[], Sized]) -> None:
        started = time.perf_counter()
        found = action()
        seconds = time.perf_counter() - started
        results.append(
            {
                "database": connection.vendor,
                "rows": facilities,
                "step": name,
                "seconds": round(seconds, 2),
                "rows_per_s": round(facilities / seconds),
                "found": len(found),
                "peak_rss_mb": round(_peak_mb()),
            }
        )

    try:
        call_command("load_reference_data", stdout=io.StringIO())
        with acting_as(None, request_id="bench"):
            ensure_demo_sectors()
        records = _records(synthetic_rows(size))
        step("duplicates: search in memory", size, lambda: find_candidates(records))
        if size <= DATABASE_LIMIT:
            with acting_as(None, request_id="bench"):
                load_demo_registry(size)
            stored = Facility.objects.count()
            step("duplicates: find_duplicates", stored, lambda: candidates(Facility.objects.all()))
            step("quality: check_registry", stored, lambda: run_checks(Facility.objects.all()))
    finally:
        if postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return results


def _table(results: list[dict[str, Any]]) -> str:
    lines = [f"{'database':<11}{'rows':>8}  {'step':<30}{'seconds':>9}{'rows/s':>9}{'found':>7}{'peak RSS MB':>13}"]
    for result in results:
        lines.append(
            f"{result['database']:<11}{result['rows']:>8}  {result['step']:<30}{result['seconds']:>9.2f}"
            f"{result['rows_per_s']:>9}{result['found']:>7}{result['peak_rss_mb']:>13}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.one:
        print(json.dumps(_one(options.one)))  # noqa: T201
        return
    print(_table(run(options.sizes)))  # noqa: T201


if __name__ == "__main__":
    main()
