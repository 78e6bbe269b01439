"""`rasd load_demo` and `rasd simulate_round`: a small demo end to end, through the real services and ingest()."""

from __future__ import annotations

import http.server
import io
import json
import threading
from pathlib import Path
from typing import Any

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.collection.models import Assignment, DeviceToken, ExpectedFacility, Round, RoundState
from rasd.submissions.models import Source, Submission, SubmissionState, SubmissionVersion
from rasd.submissions.simulator import generate
from rasd.submissions.simulator.sending import post_all, submission_url
from tests.collection_fixtures import CollectionWorld


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


@pytest.fixture
def demo_settings(
    settings: Any, tmp_path: Path, fast_questionnaire_import: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    settings.DATA_DIR = tmp_path
    settings.RASD_PUBLIC_URL = ""
    monkeypatch.setenv("RASD_PORT", "8123")


def test_load_demo_json_on_an_empty_database(db: Any, demo_settings: None) -> None:
    output = run("load_demo", "--facilities", "40", "--submissions", "5", "--json")
    data = json.loads(output)
    assert set(data) == {"admin", "round", "form_id", "collectors"}
    assert set(data["admin"]) == {"username", "password"}
    assert User.objects.get(username=data["admin"]["username"]).check_password(data["admin"]["password"])
    year = timezone.localdate().year
    assert data["round"] == f"herams-iraq-{year}" and data["form_id"] == "herams_iraq"
    round_ = Round.objects.get(code=data["round"])
    assert round_.state == RoundState.COLLECTING and round_.name == f"HeRAMS Iraq {year}"
    assert ExpectedFacility.objects.filter(round=round_).count() >= 40
    assert data["collectors"]
    for collector in data["collectors"]:
        assert set(collector) == {"username", "server_url", "token"}
        user = User.objects.get(username=collector["username"])
        assert user.role == Role.DATA_COLLECTOR and collector["username"].startswith("collector-")
        assert DeviceToken.objects.get(token=collector["token"]).user == user
        assert collector["server_url"] == f"http://127.0.0.1:8123/openrosa/key/{collector['token']}"
        assert Assignment.objects.filter(round=round_, collector=user).exists()
    assert Submission.objects.filter(round=round_).count() == 5
    assert set(SubmissionVersion.objects.values_list("source", flat=True)) == {Source.SIMULATOR}
    assert not Submission.objects.filter(state=SubmissionState.QUARANTINED).exists()

    # Running it again finds everything in place and changes nothing.
    again = json.loads(run("load_demo", "--facilities", "40", "--submissions", "5", "--json"))
    assert again == data
    assert Submission.objects.count() == 5
    assert "already loaded" in run("load_demo", "--facilities", "40")


def test_load_demo_is_refused_in_production(db: Any, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refused"):
        run("load_demo")


def test_simulate_round_stores_one_record_per_facility(collection: CollectionWorld, admin: User) -> None:
    output = run("simulate_round", collection.round.code, "--seed", "4", "--collector", admin.username)
    assert "8 submission(s)" in output and "created: 8" in output
    assert Submission.objects.filter(round=collection.round).count() == 8
    by_code = {s.facility.code: s for s in Submission.objects.select_related("facility")}
    version = by_code["PHC-BASRA-1"].versions.get()
    assert version.submitted_by == collection.collector and version.source == Source.SIMULATOR
    assert version.answers["/data/identification/facility"] == "PHC-BASRA-1"
    # The same seed again: byte-identical resends, no second record.
    assert "duplicate: 8" in run("simulate_round", collection.round.code, "--seed", "4", "--collector", admin.username)
    assert Submission.objects.count() == 8


def test_simulate_round_unknown_round(db: Any) -> None:
    with pytest.raises(CommandError, match="no round"):
        run("simulate_round", "nope")


class _Recorder(http.server.BaseHTTPRequestHandler):
    requests: list[tuple[str, dict[str, str], bytes]] = []

    def do_POST(self) -> None:
        body = self.rfile.read(int(self.headers["Content-Length"]))
        self.requests.append((self.path, dict(self.headers), body))
        self.send_response(201)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args: Any) -> None:
        pass


def test_posting_over_openrosa(collection: CollectionWorld) -> None:
    _Recorder.requests = []
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Recorder)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        base = f"http://127.0.0.1:{server.server_address[1]}"
        url = submission_url(base, "tok")
        assert url == f"{base}/openrosa/key/tok/submission"
        tally = post_all(generate(collection.round, facilities=3, seed=1), url)
    finally:
        server.shutdown()
    assert tally.counts == {"201": 3}
    path, headers, body = _Recorder.requests[0]
    assert path == "/openrosa/key/tok/submission"
    assert headers["X-OpenRosa-Version"] == "1.0"
    assert headers["Content-Type"].startswith("multipart/form-data; boundary=")
    assert b'name="xml_submission_file"' in body and b"<instanceID>uuid:" in body
