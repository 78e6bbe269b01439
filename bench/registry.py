"""Benchmarks of the master facility list, as named in docs/performance.md.

    python bench/registry.py [--import-sizes 5205 50000] [--duplicate-sizes 5205 100000]

Runs bench/registry_import.py (import with full validation, re-import, dry run, exports) and
bench/registry_duplicates.py (duplicate search, quality checks), each size in a fresh process on a throwaway
database (PostgreSQL when RASD_DATABASE_URL is set, SQLite otherwise), and prints one Markdown table with the
machine it ran on, ready to paste into docs/performance.md.
Targets: a 5,205-row import under 10 s; a 100,000-facility duplicate search under 60 s.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import registry_duplicates
import registry_import


def machine() -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory_gb:.0f} GB, Python {platform.python_version()}, "
        f"{platform.platform(terse=True)}"
    )


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| database | rows | step | seconds | rows/s | found | peak RSS (MB) |",
        "| --- | ---: | --- | ---: | ---: | ---: | ---: |",
    ]
    for result in results:
        lines.append(
            f"| {result['database']} | {result['rows']:,} | {result['step']} | {result['seconds']:.2f} | "
            f"{result['rows_per_s']:,} | {result.get('found', '')} | {result['peak_rss_mb']} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--import-sizes", type=int, nargs="*", default=registry_import.DEFAULT_SIZES)
    parser.add_argument("--duplicate-sizes", type=int, nargs="*", default=registry_duplicates.DEFAULT_SIZES)
    options = parser.parse_args()
    results = registry_import.run(options.import_sizes) + registry_duplicates.run(options.duplicate_sizes)
    print(f"Machine: {machine()}\n")  # noqa: T201
    print(markdown(results))  # noqa: T201


if __name__ == "__main__":
    main()
