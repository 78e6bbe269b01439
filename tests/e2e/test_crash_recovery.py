"""The fault test: the server dies (SIGKILL, master and workers at once) in the middle of a stream of
submissions, comes back, and the phones simply retry — as ODK Collect does with whatever it has not seen
acknowledged. Every submission must end up stored exactly once: no record lost, none doubled, no raw
submission left half-processed (or, if one was, `rasd process_pending_submissions` completes it).
"""

from __future__ import annotations

import http.client
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

from tests.e2e.conftest import DemoSite
from tests.e2e.live import RasdServer, rasd, server_side

SUBMISSIONS = 60
CLIENTS = 2
KILL_AFTER = 20


@dataclass
class Phone:
    """One collector's phone: sends its queue in order, retrying each submission until it gets 201."""

    server: str
    queue: list[tuple[str, bytes]]  # (token, instance XML)
    acknowledged: list[str] = field(default_factory=list)
    retries: int = 0
    refused: list[tuple[int, str]] = field(default_factory=list)  # 4xx: a bug, never retried
    thread: threading.Thread | None = None

    def post(self, conn: http.client.HTTPConnection, token: str, xml: bytes) -> int:
        boundary = uuid.uuid4().hex
        body = (
            (
                f"--{boundary}\r\nContent-Disposition: form-data; name=xml_submission_file; "
                'filename="instance.xml"\r\nContent-Type: text/xml\r\n\r\n'
            ).encode()
            + xml
            + f"\r\n--{boundary}--\r\n".encode()
        )
        headers = {"X-OpenRosa-Version": "1.0", "Content-Type": f"multipart/form-data; boundary={boundary}"}
        conn.request("POST", f"/openrosa/key/{token}/submission", body=body, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        if 400 <= response.status < 500:
            self.refused.append((response.status, text[:300]))
        return response.status

    def run(self, deadline: float) -> None:
        address = urlsplit(self.server)
        conn = http.client.HTTPConnection(address.hostname or "127.0.0.1", address.port, timeout=15)
        for token, xml in self.queue:
            while time.monotonic() < deadline:
                try:
                    status = self.post(conn, token, xml)
                except (OSError, http.client.HTTPException):
                    status = 0  # connection refused/reset or cut mid-response: the server is down
                if status == 201:
                    self.acknowledged.append(token)
                    break
                if 400 <= status < 500:
                    break
                self.retries += 1
                conn.close()
                time.sleep(0.05)
        conn.close()


def test_sigkill_mid_stream_every_submission_stored_exactly_once(demo_site: DemoSite, tmp_path: Path) -> None:
    demo = demo_site.demo
    tokens = {collector["username"]: collector["token"] for collector in demo["collectors"]}
    index = server_side("instances", str(tmp_path), demo["round"], str(SUBMISSIONS), env=demo_site.env)
    queue = [(tokens[item["collector"]], Path(item["file"]).read_bytes()) for item in index]
    server = RasdServer(demo_site.env, workers=2)
    phones = [Phone(server.url, queue[number::CLIENTS]) for number in range(CLIENTS)]

    server.start()
    try:
        deadline = time.monotonic() + 120
        for phone in phones:
            phone.thread = threading.Thread(target=phone.run, args=(deadline,), daemon=True)
            phone.thread.start()
        while sum(len(phone.acknowledged) for phone in phones) < KILL_AFTER:
            assert time.monotonic() < deadline, "the stream never reached the kill point"
            time.sleep(0.01)
        server.kill()
        time.sleep(1)  # the phones keep trying against a dead server meanwhile
        server.start()
        for phone in phones:
            assert phone.thread is not None
            phone.thread.join(timeout=max(1, deadline - time.monotonic()))
            assert not phone.thread.is_alive(), "a phone was still retrying at the deadline"
    finally:
        server.stop()

    assert [refused for phone in phones for refused in phone.refused] == []
    assert sum(len(phone.acknowledged) for phone in phones) == SUBMISSIONS
    assert sum(phone.retries for phone in phones) >= 1  # the kill did interrupt the stream

    stored = server_side("stored", demo["round"], env=demo_site.env)
    if stored["pending"]:
        # A raw submission stored just before the kill and never resent would wait here; the command finishes it.
        rasd("process_pending_submissions", env=demo_site.env)
        stored = server_side("stored", demo["round"], env=demo_site.env)
    sent = {item["instance_id"] for item in index}
    assert stored["pending"] == 0
    assert {instance: stored["raw"].get(instance, 0) for instance in sent} == dict.fromkeys(sent, 1)
    assert {instance: stored["versions"].get(instance, 0) for instance in sent} == dict.fromkeys(sent, 1)
    records = [record for record in stored["records"] if record["first"] in sent]
    assert sorted(record["first"] for record in records) == sorted(sent)
    assert all(record["versions"] == 1 and record["current"] == record["first"] for record in records)
