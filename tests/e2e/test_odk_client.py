"""ODK's own form engine against a real rasd: the closest thing to a collector's phone that runs in CI.

tests/e2e/odk_client/run.mjs drives @getodk/xforms-engine (the engine of ODK Web Forms, headless in Node with
jsdom) over OpenRosa: formList with a collector's token, the form, its manifest and the collector's
facilities.csv/sectors.csv (hashes checked), a filled instance in Arabic whose facility comes from that CSV
through the form's choice filters, HEAD then POST, then an edit of the submitted instance (deprecatedID) sent
again. Here we check what rasd stored, through `rasd export_submissions` as a script would.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.conftest import DemoSite
from tests.e2e.live import RasdServer, rasd, server_side

HARNESS = Path(__file__).resolve().parent / "odk_client"
ENGINE = HARNESS / "node_modules" / "@getodk" / "xforms-engine"


@pytest.fixture
def node() -> str:
    """Checked before the demo site is built, so that a machine without Node skips at once."""
    node = shutil.which("node")
    if node is None:
        pytest.skip("Node.js is missing: the ODK client test needs node >= 20.19 (scripts/system-packages.sh)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=True).stdout.strip()
    major, minor = (int(part) for part in version.lstrip("v").split(".")[:2])
    assert (major, minor) >= (20, 19), f"@getodk/xforms-engine needs node >= 20.19, this is {version}"
    assert ENGINE.exists(), "the ODK client is not installed: run `make odk-client` (make test does it)"
    return node


def run_client(node: str, server_url: str) -> dict[str, Any]:
    finished = subprocess.run(
        [node, str(HARNESS / "run.mjs"), server_url], capture_output=True, text=True, timeout=180, check=False
    )
    assert finished.returncode == 0, f"the ODK client failed:\n{finished.stderr[-4000:]}"
    summary: dict[str, Any] = json.loads(finished.stdout.strip().splitlines()[-1])
    return summary


def answer(answers: dict[str, Any], name: str) -> Any:
    """Answers are keyed by field path; look one up by its last segment so the test does not hard-code groups."""
    found = [value for path, value in answers.items() if path.rstrip("/").rsplit("/", 1)[-1] == name]
    assert len(found) == 1, f"{name} not found once among {sorted(answers)[:20]}…"
    return found[0]


def test_odk_engine_fills_in_arabic_submits_and_edits(node: str, demo_site: DemoSite, tmp_path: Path) -> None:
    demo = demo_site.demo
    # A collector with facilities to visit (in a small demo list some sectors have none).
    assigned = server_side("assigned", demo["round"], env=demo_site.env)
    collector = max(demo["collectors"], key=lambda collector: assigned.get(collector["username"], 0))
    server = RasdServer(demo_site.env, workers=2)
    server.start()
    try:
        summary = run_client(node, f"{server.url}/openrosa/key/{collector['token']}")
    finally:
        server.stop()

    assert summary["form_id"] == demo["form_id"]
    assert summary["language"].startswith("Arabic")
    # The questions were shown in Arabic (Arabic script in the label the engine rendered).
    assert re.search("[\u0621-\u064a]", summary["labels"]["directorate"] or ""), summary["labels"]
    assert summary["first"]["status"] == summary["edit"]["status"] == 201
    assert summary["edit"]["deprecated_id"] == summary["first"]["instance_id"]
    assert summary["answered"] > 100  # the whole questionnaire, not just its first page

    export = tmp_path / "export.json"
    rasd("export_submissions", demo["round"], "--format", "json", "-o", str(export), env=demo_site.env)
    records = json.loads(export.read_text(encoding="utf-8"))
    ours = [record for record in records if record["first_instance_id"] == summary["first"]["instance_id"]]
    assert len(ours) == 1, "the first submission and its edit must make one record"
    record = ours[0]
    assert record["current_instance_id"] == summary["edit"]["instance_id"]
    assert record["version_count"] == 2
    assert record["facility_code"] == summary["facility"]
    assert record["submitted_by"] == collector["username"]
    # Placed (the facility is in this collector's assignment): edited, or has issues if a data-quality rule found some.
    assert record["state"] in ("edited", "has_issues")
    assert answer(record["answers"], "staff_nurse_female") == summary["changed"]["value"]
    assert answer(record["answers"], "respondent_name") == "أحمد عبد الله"
    assert answer(record["answers"], "facility") == summary["facility"]
