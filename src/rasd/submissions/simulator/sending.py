"""Delivering simulated instances: straight into the ingestion pipeline, or over HTTP to an OpenRosa server
(rasd or any other) exactly as ODK Collect posts them."""

from __future__ import annotations

import http.client
import secrets
import time
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from rasd.lib.request_context import acting_as
from rasd.submissions.ingest import IncomingSubmission, IngestError, ingest
from rasd.submissions.models import Source
from rasd.submissions.simulator import SimulatedInstance

Progress = Callable[[int, Counter[str]], None]


@dataclass
class Tally:
    """How the deliveries ended: outcome (created, edited, …, or an error code / HTTP status) → count."""

    counts: Counter[str] = field(default_factory=Counter)
    seconds: float = 0.0

    @property
    def total(self) -> int:
        return sum(self.counts.values())


def ingest_all(instances: Iterable[SimulatedInstance], *, every: int = 0, progress: Progress | None = None) -> Tally:
    """Each instance through `ingest()` as its collector (source: simulator). Refusals are counted, not raised."""
    tally = Tally()
    started = time.monotonic()
    for instance in instances:
        with acting_as(instance.collector, request_id="simulator"):
            try:
                result = ingest(
                    IncomingSubmission(xml=instance.xml, source=Source.SIMULATOR, submitted_by=instance.collector)
                )
                tally.counts[str(result.outcome)] += 1
            except IngestError as error:
                tally.counts[error.code] += 1
        if every and progress and tally.total % every == 0:
            progress(tally.total, tally.counts)
    tally.seconds = time.monotonic() - started
    return tally


def submission_url(server_url: str, token: str = "") -> str:
    """`…/submission` of an OpenRosa server URL; `token` makes `<base>/openrosa/key/<token>` of a base URL."""
    base = server_url.rstrip("/")
    if token:
        base = f"{base}/openrosa/key/{token}"
    return f"{base}/submission"


def multipart(xml: bytes) -> tuple[bytes, str]:
    boundary = f"----rasd{secrets.token_hex(12)}"
    body = (
        (
            f'--{boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; filename="submission.xml"\r\n'
            "Content-Type: text/xml\r\n\r\n"
        ).encode()
        + xml
        + f"\r\n--{boundary}--\r\n".encode()
    )
    return body, f"multipart/form-data; boundary={boundary}"


def post_all(
    instances: Iterable[SimulatedInstance],
    url: str,
    *,
    timeout: float = 60.0,
    every: int = 0,
    progress: Progress | None = None,
) -> Tally:
    """POST each instance to `url` (…/submission) as ODK Collect does, on one kept-alive connection; the tally
    counts HTTP statuses ("201", "409", …) and "error" for connection failures."""
    parts = urllib.parse.urlsplit(url)
    connection_class = http.client.HTTPSConnection if parts.scheme == "https" else http.client.HTTPConnection
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    tally = Tally()
    started = time.monotonic()
    connection = connection_class(parts.netloc, timeout=timeout)
    try:
        for instance in instances:
            body, content_type = multipart(instance.xml)
            headers = {
                "X-OpenRosa-Version": "1.0",
                "Content-Type": content_type,
                "User-Agent": "rasd-simulator",
                "Date": time.strftime("%a, %d %b %Y %H:%M:%S GMT", time.gmtime()),
            }
            for attempt in range(2):  # one retry on a dropped keep-alive connection
                try:
                    connection.request("POST", path, body=body, headers=headers)
                    response = connection.getresponse()
                    response.read()
                    tally.counts[str(response.status)] += 1
                    break
                except (OSError, http.client.HTTPException):
                    connection.close()
                    connection = connection_class(parts.netloc, timeout=timeout)
                    if attempt:
                        tally.counts["error"] += 1
            if every and progress and tally.total % every == 0:
                progress(tally.total, tally.counts)
    finally:
        connection.close()
    tally.seconds = time.monotonic() - started
    return tally
