"""Requests as ODK Collect makes them: the protocol header, a device-token or Basic base, multipart bodies."""

from __future__ import annotations

import base64
import uuid
from collections.abc import Sequence
from typing import Any
from urllib.parse import quote

from django.test import Client
from django.urls import reverse

from rasd.collection.models import DeviceToken
from tests.conftest import PASSWORD

OPENROSA = {"X-OpenRosa-Version": "1.0"}
RESPONSE_NS = "http://openrosa.org/http/response"


def key_url(token: DeviceToken | str, url_name: str, **kwargs: str) -> str:
    value = token.token if isinstance(token, DeviceToken) else token
    return reverse(f"openrosa:key_{url_name}", kwargs={"token": value, **kwargs})


def basic_url(url_name: str, **kwargs: str) -> str:
    return reverse(f"openrosa:{url_name}", kwargs=kwargs)


def basic_headers(username: str, password: str = PASSWORD, **extra: str) -> dict[str, str]:
    credential = base64.b64encode(f"{username}:{password}".encode()).decode()
    return {**OPENROSA, "Authorization": f"Basic {credential}", **extra}


Part = tuple[str, bytes, str]  # file name, content, content type


def multipart(xml: bytes | None, attachments: Sequence[Part] = (), *, rfc2231: bool = False) -> tuple[bytes, str]:
    """A body as Collect builds it: `xml_submission_file` then one part per attachment, named by its file name
    (raw UTF-8, as OkHttp sends it), or with `filename*=` (RFC 2231) when asked."""
    boundary = uuid.uuid4().hex
    chunks: list[bytes] = []
    parts: list[tuple[str, str, bytes, str]] = []
    if xml is not None:
        parts.append(("xml_submission_file", "submission.xml", xml, "text/xml"))
    parts += [(name, name, content, content_type) for name, content, content_type in attachments]
    for field, filename, content, content_type in parts:
        if rfc2231 and field != "xml_submission_file":
            disposition = f"form-data; name=\"file\"; filename*=UTF-8''{quote(filename)}"
        else:
            disposition = f'form-data; name="{field}"; filename="{filename}"'
        chunks.append(
            f"--{boundary}\r\nContent-Disposition: {disposition}\r\nContent-Type: {content_type}\r\n\r\n".encode()
            + content
            + b"\r\n"
        )
    chunks.append(f"--{boundary}--\r\n".encode())
    return b"".join(chunks), f"multipart/form-data; boundary={boundary}"


def post(
    client: Client,
    url: str,
    xml: bytes | None,
    attachments: Sequence[Part] = (),
    *,
    headers: dict[str, str] | None = None,
    rfc2231: bool = False,
    **extra: Any,
) -> Any:
    body, content_type = multipart(xml, attachments, rfc2231=rfc2231)
    return client.generic(
        "POST", url, body, content_type=content_type, headers=headers if headers is not None else OPENROSA, **extra
    )


def message(response: Any) -> tuple[str, str]:
    """(nature, text) of an OpenRosaResponse envelope."""
    from lxml import etree

    document = etree.fromstring(response.content)
    assert document.tag == f"{{{RESPONSE_NS}}}OpenRosaResponse"
    node = document.find(f"{{{RESPONSE_NS}}}message")
    assert node is not None
    return str(node.get("nature")), node.text or ""
