"""Run beside a live test server, on its database (the environment says which), never inside pytest's process.

Usage:
    python tests/e2e/server_side.py demo FACILITIES                       # migrate + `rasd load_demo --json`
    python tests/e2e/server_side.py instances OUTDIR ROUND COUNT [SEED]   # simulated instances → files + index.json
    python tests/e2e/server_side.py assigned ROUND                       # facilities per collector, as JSON
    python tests/e2e/server_side.py stored ROUND                         # what the database holds, as JSON
"""

from __future__ import annotations

import io
import json
import os
import sys
from collections import Counter
from pathlib import Path


def demo(facilities: int) -> object:
    """Migrate and run `rasd load_demo --json` in one process. The demo makes one account per sector, and hashing
    30-odd passwords properly takes most of its time; these accounts sign in with device tokens here, so a fast
    hasher is enough (as in the unit tests, tests/conftest.py)."""
    from django.conf import settings
    from django.core.management import call_command

    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("migrate", interactive=False, verbosity=0)
    output = io.StringIO()
    call_command("load_demo", "--facilities", str(facilities), "--json", stdout=output)
    lines = output.getvalue().splitlines()
    # The JSON document (indented) starts at the first line that opens an object, after any progress message.
    return json.loads("\n".join(lines[next(n for n, line in enumerate(lines) if line.startswith("{")) :]))


def instances(out_dir: Path, round_code: str, count: int, seed: int) -> list[dict[str, str]]:
    """`count` simulated instances of the round's form, each with the username of the collector assigned to its
    facility (so the test posts it with that collector's token). The simulator yields one instance per
    expected facility; further seeds give further instances."""
    from rasd.collection.models import Round
    from rasd.submissions.simulator import generate

    round_ = Round.objects.get(code=round_code)
    out_dir.mkdir(parents=True, exist_ok=True)
    index: list[dict[str, str]] = []
    seen: set[str] = set()
    while len(index) < count:
        before = len(index)
        for simulated in generate(round_, seed=seed):
            # A facility nobody is assigned to (e.g. a hospital under the directorate) has no phone to come from.
            if simulated.instance_id in seen or simulated.collector is None:
                continue
            seen.add(simulated.instance_id)
            path = out_dir / f"{len(index):05d}.xml"
            path.write_bytes(simulated.xml)
            index.append(
                {"file": str(path), "instance_id": simulated.instance_id, "collector": simulated.collector.username}
            )
            if len(index) == count:
                break
        if len(index) == before:
            raise SystemExit(f"the simulator yields no new instance for round {round_code} (seed {seed})")
        seed += 1
    (out_dir / "index.json").write_text(json.dumps(index))
    return index


def assigned(round_code: str) -> dict[str, int]:
    """How many facilities each collector is assigned in the round (a collector may have none)."""
    from rasd.collection.models import Assignment

    return dict(
        Counter(Assignment.objects.filter(round__code=round_code).values_list("collector__username", flat=True))
    )


def stored(round_code: str) -> dict[str, object]:
    """Raw submissions and versions per instanceID, raw submissions waiting for processing, and the records."""
    from rasd.submissions.models import RawSubmission, Submission, SubmissionVersion

    records = Submission.objects.filter(round__code=round_code).values_list(
        "first_instance_id", "version_count", "current_version__instance_id"
    )
    return {
        "raw": Counter(RawSubmission.objects.values_list("instance_id", flat=True)),
        "versions": Counter(SubmissionVersion.objects.values_list("instance_id", flat=True)),
        "pending": RawSubmission.objects.filter(version__isnull=True).count(),
        "records": [{"first": first, "versions": n, "current": current} for first, n, current in records],
    }


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasd.settings")
    import django

    django.setup()
    command, *args = sys.argv[1:]
    if command == "demo":
        result: object = demo(int(args[0]))
    elif command == "instances":
        result = instances(Path(args[0]), args[1], int(args[2]), int(args[3]) if len(args) > 3 else 0)
    elif command == "assigned":
        result = assigned(args[0])
    elif command == "stored":
        result = stored(args[0])
    else:
        raise SystemExit(__doc__)
    print(json.dumps(result))  # noqa: T201


if __name__ == "__main__":
    main()
