"""Reading a submission POST: `xml_submission_file` plus attachment parts, into memory.

Submissions are small (the XML is tens of kilobytes; Collect splits big media over several POSTs, each under
`X-OpenRosa-Accept-Content-Length`), so everything is read into memory, capped at that limit: no temporary files.

File names: Django's multipart parser decodes part headers as UTF-8, so the raw UTF-8 names ODK Collect sends
(`filename="صورة.jpg"`) and RFC 2231 names (`filename*=UTF-8''%D8%B5...`) both arrive as proper text. A header
that is not valid UTF-8 is skipped by Django as malformed; no known OpenRosa client sends one.

Chunked requests: under WSGI a request without Content-Length has, for Django, an empty body, even though the
server (gunicorn) has decoded the chunks into `wsgi.input`. The body is then read from there, up to the limit.
"""

from __future__ import annotations

import io
from dataclasses import dataclass
from typing import IO, Any

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.core.files.uploadedfile import UploadedFile
from django.core.files.uploadhandler import MemoryFileUploadHandler
from django.http import HttpRequest
from django.http.multipartparser import MultiPartParser, MultiPartParserError

from rasd.submissions.ingest import IncomingAttachment

XML_PART = "xml_submission_file"
_READ_SIZE = 64 * 1024


class BodyTooLarge(Exception):
    """The body grew past the limit while being read (only possible without Content-Length)."""


class BadUpload(Exception):
    """Not a readable multipart body."""


@dataclass(frozen=True)
class Upload:
    xml: bytes | None
    attachments: tuple[IncomingAttachment, ...]


class _InMemoryHandler(MemoryFileUploadHandler):
    """Django's in-memory handler, without its 2.5 MB switch to temporary files: the view has capped the size."""

    def handle_raw_input(
        self,
        input_data: IO[bytes],
        META: dict[str, Any],
        content_length: int,
        boundary: str,
        encoding: str | None = None,
    ) -> None:
        self.activated = True


def is_chunked(request: HttpRequest) -> bool:
    return not request.META.get("CONTENT_LENGTH") and "chunked" in request.headers.get("Transfer-Encoding", "").lower()


def declared_length(request: HttpRequest) -> int | None:
    try:
        return int(request.META.get("CONTENT_LENGTH") or "")
    except ValueError:
        return None


def _read_chunked(request: HttpRequest, limit: int) -> bytes:
    stream = request.META["wsgi.input"]
    parts: list[bytes] = []
    size = 0
    while True:
        chunk = stream.read(_READ_SIZE)
        if not chunk:
            return b"".join(parts)
        size += len(chunk)
        if size > limit:
            raise BodyTooLarge
        parts.append(chunk)


def read_upload(request: HttpRequest, limit: int) -> Upload:
    """The XML and attachments of a submission POST. Raises BodyTooLarge or BadUpload."""
    if not request.content_type or request.content_type.lower() != "multipart/form-data":
        raise BadUpload("not multipart/form-data")
    meta: dict[str, Any] = request.META
    stream: Any = request
    if is_chunked(request):
        body = _read_chunked(request, limit)
        meta = {**request.META, "CONTENT_LENGTH": str(len(body))}
        stream = io.BytesIO(body)
    try:
        fields, files = MultiPartParser(meta, stream, [_InMemoryHandler(request)], "utf-8").parse()
    except (MultiPartParserError, RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent, ValueError) as exc:
        raise BadUpload(str(exc)) from exc

    xml: bytes | None = None
    attachments: list[IncomingAttachment] = []
    for part_name, uploaded_files in files.lists():
        for uploaded in uploaded_files:
            content = _content(uploaded)
            if part_name == XML_PART and xml is None:
                xml = content
                continue
            name = uploaded.name or part_name
            attachments.append(IncomingAttachment(name=name, content_type=uploaded.content_type or "", content=content))
    plain_field = fields.get(XML_PART)
    if xml is None and isinstance(plain_field, str):
        # A client that sends the XML as a plain field (no filename): accept it all the same.
        xml = plain_field.encode("utf-8")
    return Upload(xml=xml, attachments=tuple(attachments))


def _content(uploaded: UploadedFile) -> bytes:
    uploaded.seek(0)
    data: bytes = uploaded.read()
    return data
