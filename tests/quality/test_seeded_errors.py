"""The seeded-error benchmark on a small demo round: errors of every class the engine claims to catch are planted
as new submissions through the pipeline, and the engine must find at least 95% of them with at least 95% of its
findings right (bench/dq_seeded.py runs the same at national size; docs/data-quality.md has the figures)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from rasd.accounts.models import User
from rasd.collection.models import Round
from rasd.lib.request_context import acting_as
from rasd.quality import seeding
from rasd.quality.models import Issue
from rasd.submissions.simulator.demo import load_demo

FACILITIES = 150  # enough mobile units, hospitals and closed facilities in the demo list for every class
PER_CLASS = 3


@pytest.fixture
def demo_round(
    db: Any, settings: Any, tmp_path: Path, fast_questionnaire_import: None, monkeypatch: pytest.MonkeyPatch
) -> tuple[Round, User]:
    settings.DATA_DIR = tmp_path
    settings.RASD_PUBLIC_URL = ""
    monkeypatch.setenv("RASD_PORT", "8123")
    with acting_as(None):
        demo = load_demo(facilities=FACILITIES, submissions=0, seed=1)
    return Round.objects.get(code=demo.round_code), User.objects.get(username=demo.admin_username)


def test_planted_errors_are_found_and_findings_are_right(demo_round: tuple[Round, User]) -> None:
    round_, admin = demo_round
    report = seeding.run(round_, admin, per_class=PER_CLASS, seed=3)

    per_class = {
        item.code: f"planted {item.injected}, recall {item.found}/{item.expected}, {item.false_positives} false"
        for item in report.classes
    }
    summary = f"per class: {per_class}; false positives: {report.false_positives}; baseline: {report.baseline}"
    assert len(report.classes) >= 12
    assert all(item.injected >= 1 for item in report.classes), summary
    assert report.recall >= 0.95, summary
    assert report.precision >= 0.95, summary
    # The bookkeeping itself: a planted late submission is an issue on the record that carries it, and the clean
    # round was sent in full through the pipeline.
    assert Issue.objects.filter(submission__round=round_, rule="collection.late").count() == PER_CLASS
    assert report.timings["ingest_records"] == report.records > 100
