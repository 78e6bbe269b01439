"""Benchmark: the data-quality dashboard of a national round, and the export of its open issues.

    python bench/quality_dashboard.py [-n 5205] [--issues 3] [--work-dir DIR]

On a fresh SQLite database in a work directory (PostgreSQL instead when RASD_DATABASE_URL is set; the database must
exist and is migrated and filled): migrate, `load_demo` with -n facilities and no submission, then one record per
expected facility written directly with bulk inserts (not timed: the pipeline is benchmarked elsewhere), spread over
the review states, one in ten received after the deadline, each with about `--issues` issues spread over rules,
severities and statuses. Then times `round_dashboard` for the whole country and for one directorate's manager, and
the XLSX export of the open issues (rows and workbook), each the best of three runs, with its SQL statements.
Goal (issue 7): the dashboard well under a second for the 5,205 records of a national round. Prints JSON.
"""

from __future__ import annotations

import argparse
import datetime
import io
import json
import os
import random
import sys
import tempfile
import time
import zlib
from collections.abc import Callable
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("-n", type=int, default=5205, help="facilities, hence records (5205)")
    parser.add_argument("--issues", type=int, default=3, help="issues per record on average (3)")
    parser.add_argument("--work-dir", type=Path, help="data directory (default: a new temporary one)")
    options = parser.parse_args()
    work = options.work_dir or Path(tempfile.mkdtemp(prefix="rasd-bench-dashboard-"))
    work.mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "rasd.settings")
    os.environ.update(RASD_DATA_DIR=str(work), RASD_DEBUG="0", RASD_LOG_LEVEL="ERROR")
    sys.path.insert(0, str(ROOT / "src"))
    print(json.dumps(run(options.n, options.issues), indent=2))  # noqa: T201


def _best_of_three(action: Callable[[], object]) -> tuple[float, int]:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    seconds = []
    for _run in range(3):
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            action()
            seconds.append(time.perf_counter() - started)
    return round(min(seconds), 3), len(queries.captured_queries)


def _fill(round_: Any, issues_per_record: int) -> None:
    """One record per expected facility, with its version and raw XML, and issues (bulk inserts)."""
    from rasd.collection.models import ExpectedFacility
    from rasd.quality.models import Issue
    from rasd.questionnaires.models import QuestionnaireField
    from rasd.submissions.models import RawSubmission, Submission, SubmissionState, SubmissionVersion

    rng = random.Random(1)  # noqa: S311 (bench data, not secrets)
    version = round_.versions.get()
    paths = list(QuestionnaireField.objects.filter(version=version, kind="question").values_list("path", "labels"))
    beds = QuestionnaireField.objects.filter(version=version, role__startswith="beds:").values_list("path", flat=True)
    states = [*[SubmissionState.RECEIVED] * 5, SubmissionState.HAS_ISSUES, SubmissionState.EDITED]
    states += [SubmissionState.RETURNED, SubmissionState.APPROVED_DIRECTORATE, SubmissionState.APPROVED_NATIONAL]
    states += [SubmissionState.QUARANTINED, SubmissionState.REJECTED]
    expected = ExpectedFacility.objects.filter(round=round_).select_related("facility")
    on_time = datetime.datetime(2026, 6, 1, 9, 0, tzinfo=datetime.UTC)
    late = datetime.datetime.combine(round_.deadline, datetime.time(12), tzinfo=datetime.UTC) + datetime.timedelta(2)
    raws, records = [], []
    for position, item in enumerate(expected):
        facility = item.facility
        when = late if position % 10 == 0 else on_time
        instance = f"uuid:bench-dashboard-{position}"
        xml = f'<data id="{version.questionnaire.form_id}"><meta><instanceID>{instance}</instanceID></meta></data>'
        raws.append(
            RawSubmission(
                instance_id=instance,
                sha256="0" * 64,
                xml_zlib=zlib.compress(xml.encode()),
                size=len(xml),
                form_id=version.questionnaire.form_id,
                source="simulator",
                received_at=when,
            )
        )
        records.append(
            Submission(
                round=round_,
                questionnaire=version.questionnaire,
                first_instance_id=instance,
                facility=facility,
                directorate_id=facility.directorate_id,
                sector_id=facility.sector_id,
                state=rng.choice(states),
                version_count=1,
                created_at=when,
                updated_at=when,
            )
        )
    RawSubmission.objects.bulk_create(raws, batch_size=500)
    Submission.objects.bulk_create(records, batch_size=500)
    raw_ids = dict(RawSubmission.objects.filter(instance_id__startswith="uuid:bench-").values_list("instance_id", "pk"))
    stored = list(Submission.objects.filter(round=round_).select_related("facility"))
    versions = [
        SubmissionVersion(
            submission=record,
            number=1,
            raw_id=raw_ids[record.first_instance_id],
            instance_id=record.first_instance_id,
            questionnaire_version=version,
            answers={},
            facility_code=record.facility.code if record.facility else "",
            source="simulator",
            received_at=record.created_at,
        )
        for record in stored
    ]
    SubmissionVersion.objects.bulk_create(versions, batch_size=500)
    by_record = dict(SubmissionVersion.objects.filter(submission__round=round_).values_list("submission_id", "pk"))
    for record in stored:
        record.current_version_id = by_record[record.pk]
    Submission.objects.bulk_update(stored, ["current_version"], batch_size=500)

    issues = []
    for record in stored:
        taken: set[tuple[str, str]] = set()
        for _n in range(rng.randint(0, 2 * issues_per_record)):
            kind = rng.random()
            if kind < 0.6:
                path, labels = rng.choice(paths)
                rule, params = "xform.required", {"field": labels}
            elif kind < 0.8:
                path, rule = "", "collection.late"
                params = {"received": "2027-01-02", "deadline": "2026-12-31", "days": 2}
            else:
                path = rng.choice(list(beds))
                rule = rng.choice(["who_dq.outlier_moderate", "who_dq.outlier_extreme"])
                params = {"measure": {"en": "beds"}, "value": 90, "count": 40, "median": 10, "z": 6.1}
            if (rule, path) in taken:
                continue
            taken.add((rule, path))
            status = rng.choice(["open", "open", "open", "accepted", "resolved"])
            issues.append(
                Issue(
                    submission=record,
                    first_version_id=record.current_version_id,
                    last_version_id=record.current_version_id,
                    rule=rule,
                    severity="high" if rule == "xform.required" else "low",
                    field=path,
                    params=params,
                    status=status,
                )
            )
    Issue.objects.bulk_create(issues, batch_size=1000)


def run(n: int, issues_per_record: int) -> dict[str, Any]:
    import django

    django.setup()
    from django.core.management import call_command
    from django.db.models import Count

    from rasd.accounts.models import User
    from rasd.accounts.roles import Role
    from rasd.accounts.scoping import ScopeKind
    from rasd.accounts.services import AccountDetails, create_account
    from rasd.collection.models import Round
    from rasd.lib.request_context import acting_as
    from rasd.quality import issue_export
    from rasd.quality.dashboard import round_dashboard
    from rasd.quality.models import Issue
    from rasd.registry.models import Directorate
    from rasd.submissions.models import Submission
    from rasd.submissions.simulator.demo import load_demo

    call_command("migrate", verbosity=0)
    with acting_as(None):
        demo = load_demo(facilities=n, submissions=0, seed=1)
    round_ = Round.objects.get(code=demo.round_code)
    admin = User.objects.get(username=demo.admin_username)
    if not Submission.objects.filter(round=round_).exists():  # a second run in the same work directory reuses them
        _fill(round_, issues_per_record)
    # The directorate with the most records: the largest a directorate manager's dashboard gets.
    busiest = Submission.objects.filter(round=round_).values("directorate").annotate(n=Count("pk")).order_by("-n")
    directorate = Directorate.objects.get(pk=busiest[0]["directorate"])
    manager = User.objects.filter(username="bench-manager").first()
    if manager is None:
        with acting_as(admin):
            manager = create_account(
                admin,
                AccountDetails(
                    username="bench-manager",
                    full_name="bench manager",
                    role=Role.DIRECTORATE_MANAGER,
                    scope_kind=ScopeKind.DIRECTORATES,
                    scope_directorates=[directorate],
                ),
                "bench-Pa55word-long",
            )

    def export() -> None:
        rows = issue_export.issue_rows(admin, issue_export.open_issues(admin, round_), "ar")
        issue_export.write_xlsx(rows, "ar", io.BytesIO())

    national, national_queries = _best_of_three(lambda: round_dashboard(admin, round_))
    local, local_queries = _best_of_three(lambda: round_dashboard(manager, round_))
    exported, export_queries = _best_of_three(export)
    return {
        "database": "postgresql" if os.environ.get("RASD_DATABASE_URL", "").startswith("postgres") else "sqlite",
        "records": Submission.objects.filter(round=round_).count(),
        "issues": Issue.objects.filter(submission__round=round_).count(),
        "open_issues": issue_export.open_issues(None, round_).count(),
        "dashboard_national_s": national,
        "dashboard_national_queries": national_queries,
        "dashboard_one_directorate_s": local,
        "dashboard_one_directorate_queries": local_queries,
        "export_national_xlsx_s": exported,
        "export_queries": export_queries,
        "load_average": os.getloadavg()[0],
    }


if __name__ == "__main__":
    main()
