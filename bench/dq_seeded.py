"""Benchmark: recall and precision of the data-quality engine on a simulated round with planted errors, and the
time to ingest and validate the whole round.

    python bench/dq_seeded.py [--facilities 5205] [--per-class 20] [--seed 1] [--json] [--work-dir DIR]

On a throwaway database — SQLite in a temporary data directory removed afterwards (or --work-dir, kept), or, when
RASD_DATABASE_URL is set, a `test_<name>` database created and dropped on that server — it migrates, runs
`load_demo` with --facilities demo facilities (no submissions), then `rasd.quality.seeding.run`: a clean simulated
submission for every expected facility through `ingest()`, `validate_round` (the baseline: problems of the
simulator and of the demo list itself, reported apart), --per-class errors of each class planted as new
submissions through `ingest()`, and `validate_round` again. Prints a table per error class (planted, expected
findings, found, missed, false positives, recall, precision), the overall figures, the baseline and the timings
(wall clock, and CPU of this process); --json prints the same as JSON. Goals (issue 7): recall and precision
≥ 0.95; a whole round of 5,205 records validated in under a minute. Timings are only meaningful on an otherwise
idle machine.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--facilities", type=int, default=5205, help="demo facilities (5205, the national list)")
    parser.add_argument("--per-class", type=int, default=20, help="errors planted per class (20)")
    parser.add_argument("--seed", type=int, default=1, help="of the answers and of the choice of facilities (1)")
    parser.add_argument("--json", action="store_true", help="print JSON instead of tables")
    parser.add_argument("--work-dir", type=Path, help="an empty data directory, kept (default: a temporary one)")
    options = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="rasd-bench-seeded-") as temporary:
        work = options.work_dir or Path(temporary)
        work.mkdir(parents=True, exist_ok=True)
        if any(work.iterdir()):
            raise SystemExit(f"{work} is not empty: the benchmark needs an empty data directory")
        os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasd.settings")
        os.environ.update(RASD_DATA_DIR=str(work), RASD_DEBUG="0", RASD_LOG_LEVEL="ERROR")
        sys.path.insert(0, str(ROOT / "src"))
        result = run(options.facilities, options.per_class, options.seed, quiet=options.json)
    if options.json:
        print(json.dumps(result, indent=2, ensure_ascii=False))  # noqa: T201
    else:
        print(tables(result))  # noqa: T201


def run(facilities: int, per_class: int, seed: int, *, quiet: bool) -> dict[str, Any]:
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection

    from rasd.accounts.models import User
    from rasd.collection.models import Round
    from rasd.lib.request_context import acting_as
    from rasd.quality import seeding
    from rasd.submissions.simulator.demo import load_demo

    if settings.PRODUCTION:
        raise SystemExit("refused: RASD_PRODUCTION=1; the benchmark creates records")
    postgres = connection.vendor == "postgresql"
    if postgres:
        connection.creation.create_test_db(verbosity=0, autoclobber=True)
    else:
        call_command("migrate", verbosity=0)

    def log(line: str) -> None:
        if not quiet:
            print(f"… {line}", file=sys.stderr, flush=True)  # noqa: T201

    try:
        log(f"load_demo with {facilities} facilities")
        with acting_as(None):
            demo = load_demo(facilities=facilities, submissions=0, seed=1)
        round_ = Round.objects.get(code=demo.round_code)
        admin = User.objects.get(username=demo.admin_username)
        report = seeding.run(round_, admin, per_class=per_class, seed=seed, log=log)
    finally:
        if postgres:
            connection.creation.destroy_test_db(connection.settings_dict["NAME"], verbosity=0)
    return {
        "database": "postgresql" if postgres else "sqlite",
        "facilities": facilities,
        "per_class": per_class,
        "seed": seed,
        "load_average": round(os.getloadavg()[0], 2),
        **report.as_json(),
    }


def tables(result: dict[str, Any]) -> str:
    lines = [
        "| class | rules | planted | expected | found | missed | false pos. | recall | precision |",
        "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for item in result["classes"]:
        lines.append(
            f"| {item['title']} | {', '.join(f'`{rule}`' for rule in item['rules'])} | {item['injected']} | "
            f"{item['expected']} | {item['found']} | {item['missed']} | {item['false_positives']} | "
            f"{item['recall']:.3f} | {item['precision']:.3f} |"
        )
    overall = result["overall"]
    lines.append(
        f"| **all classes** | | {sum(item['injected'] for item in result['classes'])} | {overall['expected']} | "
        f"{overall['found']} | {overall['expected'] - overall['found']} | {overall['false_positives']} | "
        f"**{overall['recall']:.3f}** | **{overall['precision']:.3f}** |"
    )
    timings = result["timings"]
    lines += [
        "",
        f"Database {result['database']}, {result['records']:,} clean records ({result['facilities']:,} demo "
        f"facilities), {result['per_class']} errors per class, seed {result['seed']}, load average "
        f"{result['load_average']}.",
        "",
        "Baseline (open issues on the clean round, not counted): "
        + (", ".join(f"`{rule}` {count}" for rule, count in result["baseline"].items()) or "none"),
        "False positives: "
        + (
            ", ".join(f"`{rule}` on {code or '—'} ({what})" for rule, code, what in result["false_positive_findings"])
            or "none"
        ),
        "",
        "| step | records | seconds | records/s | CPU seconds (this process) |",
        "| --- | ---: | ---: | ---: | ---: |",
    ]
    for label, step, records in (
        ("simulate the clean round", "generate", "generate_records"),
        ("ingest the clean round", "ingest", "ingest_records"),
        ("validate_round, clean round", "validate_clean", "validate_clean_records"),
        ("ingest the planted errors", "inject", "inject_records"),
        ("validate_round after planting", "validate", "validate_records"),
    ):
        count, took, cpu = int(timings[records]), timings[f"{step}_s"], timings[f"{step}_cpu_s"]
        lines.append(f"| {label} | {count:,} | {took:.1f} | {count / took if took else 0:,.0f} | {cpu:.1f} |")
    return "\n".join(lines)


if __name__ == "__main__":
    main()
