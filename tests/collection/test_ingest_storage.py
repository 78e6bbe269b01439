"""What is stored: attachments (split posts, Arabic names, shared files), failing hooks and pending raws,
typed answers, and how many queries a submission costs."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext

from rasd.submissions import hooks
from rasd.submissions.ingest import IncomingAttachment, Outcome, process_pending
from rasd.submissions.models import Attachment, RawSubmission, Submission, SubmissionVersion
from rasd.submissions.normalise import build_plan, normalise
from rasd.submissions.parsing import parse_instance
from tests.collection.test_ingest import make_instance, new_id, submit
from tests.collection_fixtures import CollectionWorld

PHOTO = IncomingAttachment("photo-1.jpg", "image/jpeg", b"\xff\xd8marker-photo-1")
ARABIC = IncomingAttachment("صورة المبنى.jpg", "image/jpeg", b"\xff\xd8marker-photo-2")


@pytest.mark.django_db
def test_split_posts_add_attachments_to_one_record(collection: CollectionWorld) -> None:
    xml = make_instance()
    first = submit(collection, xml, attachments=(PHOTO,))
    assert (first.outcome, first.attachments_added) == (Outcome.CREATED, 1)
    second = submit(collection, xml, attachments=(PHOTO, ARABIC))
    assert (second.outcome, second.attachments_added) == (Outcome.DUPLICATE, 1)
    assert Submission.objects.count() == 1 and RawSubmission.objects.count() == 1
    stored = {a.name: a for a in Attachment.objects.all()}
    assert set(stored) == {"photo-1.jpg", "صورة المبنى.jpg"}
    arabic = stored["صورة المبنى.jpg"]
    assert arabic.size == len(ARABIC.content) and arabic.file.read() == ARABIC.content
    assert arabic.file.name == f"submissions/{arabic.sha256[:2]}/{arabic.sha256}"


@pytest.mark.django_db
def test_identical_content_shares_one_file(collection: CollectionWorld) -> None:
    same = IncomingAttachment("again.jpg", "image/jpeg", PHOTO.content)
    submit(collection, make_instance(), attachments=(PHOTO,))
    submit(collection, make_instance(), attachments=(same, IncomingAttachment("../../etc/x.jpg", "", b"z")))
    files = {a.file.name for a in Attachment.objects.filter(sha256__in=[a.sha256 for a in Attachment.objects.all()])}
    assert len(files) == 2
    assert Attachment.objects.filter(name="x.jpg").exists()  # a path in a name is never used as a path
    _dirs, names = default_storage.listdir(f"submissions/{Attachment.objects.first().sha256[:2]}")  # type: ignore[union-attr]
    assert not [name for name in names if name.startswith(".incoming-")]


@pytest.fixture
def failing_hook() -> Iterator[list[str]]:
    calls: list[str] = []

    def hook(version: SubmissionVersion) -> None:
        calls.append(version.instance_id)
        if len(calls) == 1:
            raise RuntimeError("marker-hook-bug")

    hooks.register(hook)
    yield calls
    hooks.unregister(hook)


@pytest.mark.django_db
def test_a_failing_hook_keeps_the_raw_and_process_pending_completes_it(
    collection: CollectionWorld, failing_hook: list[str], caplog: Any
) -> None:
    instance_id = new_id()
    result = submit(collection, make_instance(instance_id=instance_id), attachments=(PHOTO,))
    assert result.outcome == Outcome.CREATED and result.submission is None and result.version is None
    assert RawSubmission.objects.count() == 1 and Attachment.objects.count() == 1
    assert not Submission.objects.exists() and not SubmissionVersion.objects.exists()
    assert instance_id in caplog.text
    assert process_pending() == 1  # the hook works now
    record = Submission.objects.get()
    assert record.first_instance_id == instance_id and record.version_count == 1
    assert failing_hook == [instance_id, instance_id]
    assert process_pending() == 0


@pytest.mark.django_db
def test_a_resend_completes_a_pending_raw(collection: CollectionWorld, failing_hook: list[str]) -> None:
    xml = make_instance()
    assert submit(collection, xml).submission is None
    again = submit(collection, xml)
    assert again.outcome == Outcome.COMPLETED and again.submission is not None
    assert Submission.objects.count() == 1


@pytest.mark.django_db
def test_an_edit_of_a_pending_version_completes_it_first(collection: CollectionWorld, failing_hook: list[str]) -> None:
    first = new_id()
    submit(collection, make_instance(instance_id=first))
    result = submit(collection, make_instance(deprecated_id=first))
    assert result.outcome == Outcome.EDITED
    assert result.submission is not None and result.submission.version_count == 2


@pytest.mark.django_db
def test_pending_raws_are_completed_even_after_the_round_moved_on(
    collection: CollectionWorld, failing_hook: list[str]
) -> None:
    submit(collection, make_instance())
    collection.round.state = "cleaning"
    collection.round.save()
    call_command("process_pending_submissions", "--limit", "5")
    assert Submission.objects.get().round == collection.round


@pytest.mark.django_db
def test_typed_answers(collection: CollectionWorld) -> None:
    answers = {
        "identification/reporting_date": "2026-03-01",
        "confirmation/respondent_name": "  د. علي  ",
        "support/partner_names": "",
        "support/partner_count": "not-a-number",
    }
    result = submit(collection, make_instance(answers=answers))
    assert result.version is not None
    stored = SubmissionVersion.objects.get().answers
    assert stored["/data/identification/reporting_date"] == "2026-03-01"
    assert stored["/data/confirmation/respondent_name"] == "د. علي"
    assert "/data/support/partner_names" not in stored  # empty answers are left out
    assert stored["/data/support/partner_count"] == "not-a-number"  # kept as sent rather than dropped
    assert "/data/meta/instanceID" not in stored and "/data/start" not in stored


def test_groups_and_repeats_are_flattened_by_path() -> None:
    plan = build_plan(
        [
            ("/data/g", "group", "group", ""),
            ("/data/g/n", "question", "decimal", ""),
            ("/data/g/where", "question", "geopoint", ""),
            ("/data/r", "repeat", "repeat", ""),
            ("/data/r/name", "question", "text", ""),
            ("/data/r/sub", "group", "group", ""),
            ("/data/r/sub/count", "question", "integer", ""),
            ("/data/code", "question", "select_one", "facility_code"),
        ]
    )
    parsed = parse_instance(
        b'<other id="f"><g><n>2.5</n><where>1 2</where></g><r><name>a</name><sub><count>1</count></sub></r>'
        b"<r><name>b</name></r><r/><code> X-1 </code><unknown>y</unknown></other>"
    )
    result = normalise(parsed.root, plan)
    assert result.answers == {
        "/data/g/n": 2.5,
        "/data/g/where": [1.0, 2.0],
        "/data/r": [{"/data/r/name": "a", "/data/r/sub/count": 1}, {"/data/r/name": "b"}],
        "/data/code": "X-1",
    }
    assert result.facility_code == "X-1" and result.gps == [1.0, 2.0]


@pytest.mark.django_db
def test_queries_per_new_submission(
    collection: CollectionWorld, django_assert_max_num_queries: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The pipeline's own statements: the validation hooks' are counted by their tests (tests/quality/test_hook.py).
    monkeypatch.setattr(hooks._registry, "_hooks", [])
    submit(collection, make_instance())  # warms the per-version catalogue cache, as any running server has
    with CaptureQueriesContext(connection) as context:
        result = submit(collection, make_instance())
    assert result.outcome == Outcome.CREATED
    # Savepoints exist here only because the test itself runs in a transaction.
    statements = [q["sql"] for q in context.captured_queries if not q["sql"].startswith(("SAVEPOINT", "RELEASE"))]
    # The version with its round, the facility with its expectation and assignment, the raw, the record, the
    # version, the record's pointer to it: six statements (eight with the record's savepoint in production).
    assert len(statements) <= 6, statements
    with django_assert_max_num_queries(10):
        submit(collection, make_instance())
