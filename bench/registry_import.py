"""Benchmark: importing and exporting the facility list.

    python bench/registry_import.py [--sizes 5205 50000]

For each size, in a fresh process and a throwaway database (SQLite in a temporary data directory; PostgreSQL
instead when RASD_DATABASE_URL is set, in a test_… database created and dropped here): load the reference data,
write that many synthetic facilities (rasd.registry.demo) to a CSV file, then time `rasd import_facilities` on it
(full validation and writing), the same import again (everything unchanged), a dry run, and exports to CSV and
XLSX. Each step is the `rasd` command as an administrator runs it, in its own process (its start-up included).
Prints one line per step: rows, seconds, rows per second and the peak resident memory of that process.
Goal: the import of 5,205 facilities in under 10 s. Results are kept in docs/performance.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = [5205, 50000]


def run(sizes: list[int]) -> list[dict[str, Any]]:
    """Run every size in its own process; one result per step and size."""
    results: list[dict[str, Any]] = []
    for size in sizes:
        with tempfile.TemporaryDirectory(prefix="rasd-bench-import-") as data_dir:
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
                raise RuntimeError(f"benchmark of {size} rows failed:\n{finished.stderr[-3000:]}")
            results += json.loads(finished.stdout.strip().splitlines()[-1])
    return results


def _timed(command: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Run one `rasd` command: (seconds, its peak resident memory in MB). It is started from a small launcher
    process (`--measure`), because a process forked from this one would count this one's memory as its own."""
    with tempfile.TemporaryFile() as errors:
        launcher = [sys.executable, __file__, "--measure", *command]
        finished = subprocess.run(launcher, env=env, stdout=subprocess.PIPE, stderr=errors, check=False)  # noqa: S603
        measured = json.loads(finished.stdout or b"{}")
        if finished.returncode != 0 or measured.get("exit") != 0:
            errors.seek(0)
            raise RuntimeError(f"{' '.join(command)} failed:\n{errors.read().decode()[-3000:]}")
    return measured["seconds"], measured["peak_mb"]


def _measure(command: list[str]) -> None:
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL)  # noqa: S603
    _pid, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    exit_code = os.waitstatus_to_exitcode(status)
    print(json.dumps({"seconds": seconds, "peak_mb": usage.ru_maxrss / 1024, "exit": exit_code}))  # noqa: T201


def _one(size: int) -> list[dict[str, Any]]:
    """Prepare a database with `size` synthetic facilities in a CSV file, then time each command on it."""
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection

    from rasd.lib.request_context import acting_as
    from rasd.registry.demo import ensure_demo_sectors, synthetic_rows

    env = dict(os.environ)
    postgres = connection.vendor == "postgresql"
    if postgres:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
        url = urlsplit(env["RASD_DATABASE_URL"])
        env["RASD_DATABASE_URL"] = urlunsplit(url._replace(path="/" + connection.settings_dict["NAME"]))
    else:
        call_command("migrate", verbosity=0)
    results: list[dict[str, Any]] = []
    try:
        call_command("load_reference_data", stdout=io.StringIO())
        with acting_as(None):
            ensure_demo_sectors()
        rows = synthetic_rows(size)
        work = Path(env["RASD_DATA_DIR"])
        source = work / "facilities.csv"
        with source.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
            writer.writeheader()
            writer.writerows(rows)
        connection.close()
        rasd = [sys.executable, "-m", "rasd"]
        for step, arguments in (
            ("import (validate + write)", ["import_facilities", str(source)]),
            ("import again (unchanged)", ["import_facilities", str(source)]),
            ("dry run", ["import_facilities", str(source), "--dry-run", "-v", "0"]),
            ("export csv", ["export_facilities", "-o", str(work / "out.csv")]),
            ("export xlsx", ["export_facilities", "-o", str(work / "out.xlsx"), "--lang", "ar"]),
        ):
            seconds, peak = _timed([*rasd, *arguments], env)
            results.append(
                {
                    "database": connection.vendor,
                    "rows": size,
                    "step": step,
                    "seconds": round(seconds, 2),
                    "rows_per_s": round(size / seconds),
                    "peak_rss_mb": round(peak),
                }
            )
    finally:
        if postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return results


def _table(results: list[dict[str, Any]]) -> str:
    lines = [f"{'database':<11}{'rows':>8}  {'step':<28}{'seconds':>9}{'rows/s':>9}{'peak RSS MB':>13}"]
    for result in results:
        lines.append(
            f"{result['database']:<11}{result['rows']:>8}  {result['step']:<28}{result['seconds']:>9.2f}"
            f"{result['rows_per_s']:>9}{result['peak_rss_mb']:>13}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=DEFAULT_SIZES)
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--measure", nargs=argparse.REMAINDER, help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.measure:
        _measure(options.measure)
        return
    if options.one:
        print(json.dumps(_one(options.one)))  # noqa: T201
        return
    print(_table(run(options.sizes)))  # noqa: T201


if __name__ == "__main__":
    main()
