"""Benchmark: the data-quality checks — the ingestion hook per submission, and `validate_round` per record.

    python bench/validate_round.py [-n 500] [--work-dir DIR]

On a fresh SQLite database in a work directory (PostgreSQL instead when RASD_DATABASE_URL is set; the database
must exist and is migrated and filled): migrate, `load_demo` with -n facilities (the default questionnaire
published, a collecting round, one collector per sector), simulate one instance per facility (not timed), ingest
them through the pipeline with the quality hook timed around each call, then run `validate_round` twice on the
round (the first run after ingestion changes nothing, so both measure a full re-check). Prints JSON: the hook's
mean and p95 per submission (wall clock, and CPU time), the ingestion per submission with the hook, and
validate_round per record with the 5,205-record extrapolation. Targets (issue 7): the hook costs a few ms of the
pipeline's ~6 ms; a whole round of 5,205 records is validated in under a minute. Numbers are only meaningful on an
otherwise idle machine; `--seed` adds new records to an existing work directory.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
NATIONAL = 5205


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=500, help="facilities, hence records (500)")
    parser.add_argument("--work-dir", type=Path, help="data directory (default: a new temporary one)")
    parser.add_argument("--seed", type=int, default=1, help="of the answers; another seed adds new records (1)")
    options = parser.parse_args()
    work = options.work_dir or Path(tempfile.mkdtemp(prefix="rasd-bench-quality-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasd.settings")
    os.environ.update(RASD_DATA_DIR=str(work), RASD_DEBUG="0", RASD_LOG_LEVEL="WARNING")
    sys.path.insert(0, str(ROOT / "src"))
    print(json.dumps(run(options.n, options.seed), indent=2))  # noqa: T201


def run(n: int, seed: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command

    from rasd.accounts.models import User
    from rasd.collection.models import Round
    from rasd.lib.request_context import acting_as
    from rasd.quality import services
    from rasd.submissions import hooks
    from rasd.submissions.ingest import IncomingSubmission, ingest
    from rasd.submissions.models import Source
    from rasd.submissions.simulator import generate
    from rasd.submissions.simulator.demo import load_demo

    call_command("migrate", verbosity=0)
    with acting_as(None):
        demo = load_demo(facilities=n, submissions=0, seed=1)
    round_ = Round.objects.get(code=demo.round_code)
    fallback = User.objects.get(username=demo.admin_username)  # for facilities no collector is assigned
    instances = list(generate(round_, seed=seed, today=datetime.date(2026, 6, 30)))

    timings: list[float] = []
    cpu: list[float] = []

    def timed_hook(version: Any) -> None:
        started, started_cpu = time.perf_counter(), time.thread_time()
        services.check_new_version(version)
        timings.append(time.perf_counter() - started)
        cpu.append(time.thread_time() - started_cpu)

    hooks.unregister(services.check_new_version)
    hooks.register(timed_hook)
    started = time.perf_counter()
    for instance in instances:
        ingest(IncomingSubmission(instance.xml, Source.SIMULATOR, instance.collector or fallback))
    ingest_seconds = time.perf_counter() - started

    rounds, rounds_cpu = [], []
    for _run in range(2):
        started, started_cpu = time.perf_counter(), time.process_time()
        outcome = services.validate_round(round_)
        rounds.append(time.perf_counter() - started)
        rounds_cpu.append(time.process_time() - started_cpu)
    per_record = min(rounds) / max(outcome.records, 1)
    per_record_cpu = min(rounds_cpu) / max(outcome.records, 1)
    timings.sort()
    if not timings:
        raise SystemExit("no new records: pass another --seed to add some")
    return {
        "records": outcome.records,
        "database": "postgresql" if os.environ.get("RASD_DATABASE_URL", "").startswith("postgres") else "sqlite",
        "hook_mean_ms": round(statistics.fmean(timings) * 1000, 2),
        "hook_p95_ms": round(timings[int(len(timings) * 0.95) - 1] * 1000, 2),
        "hook_cpu_mean_ms": round(statistics.fmean(cpu) * 1000, 2),
        "ingest_with_hook_ms": round(ingest_seconds / len(instances) * 1000, 2),
        "validate_round_s": [round(seconds, 2) for seconds in rounds],
        "validate_round_per_record_ms": round(per_record * 1000, 2),
        "validate_round_cpu_per_record_ms": round(per_record_cpu * 1000, 2),
        "extrapolated_5205_s": round(per_record * NATIONAL, 1),
        "extrapolated_5205_cpu_s": round(per_record_cpu * NATIONAL, 1),
        "load_average": os.getloadavg()[0],
    }


if __name__ == "__main__":
    main()
