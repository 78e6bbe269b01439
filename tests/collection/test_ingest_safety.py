"""Hostile or oversized input is refused before anything is stored (rasd.submissions.parsing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from lxml import etree

from rasd.submissions import parsing
from rasd.submissions.ingest import IncomingAttachment, MalformedSubmission, TooLarge
from rasd.submissions.models import Attachment, RawSubmission, Submission
from tests.collection.test_ingest import make_instance, submit
from tests.collection_fixtures import CollectionWorld

BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
 <!ENTITY lol4 "&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;&lol3;">
 <!ENTITY lol5 "&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;&lol4;">
 <!ENTITY lol6 "&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;&lol5;">
 <!ENTITY lol7 "&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;&lol6;">
 <!ENTITY lol8 "&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;&lol7;">
 <!ENTITY lol9 "&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;&lol8;">
]>
<data id="herams_iraq" version="2026.1"><identification><facility>&lol9;</facility></identification>
<meta><instanceID>uuid:11111111-1111-4111-8111-111111111111</instanceID></meta></data>"""


def external_entity(target: str) -> bytes:
    return (
        f'<?xml version="1.0"?><!DOCTYPE data [<!ENTITY xxe SYSTEM "{target}">]>'
        '<data id="herams_iraq" version="2026.1"><identification><facility>&xxe;</facility></identification>'
        "<meta><instanceID>uuid:22222222-2222-4222-8222-222222222222</instanceID></meta></data>"
    ).encode()


def assert_nothing_stored() -> None:
    assert not RawSubmission.objects.exists()
    assert not Submission.objects.exists()
    assert not Attachment.objects.exists()


@pytest.mark.django_db
def test_billion_laughs_is_refused(collection: CollectionWorld) -> None:
    with pytest.raises(MalformedSubmission) as error:
        submit(collection, BILLION_LAUGHS)
    assert error.value.status == 400
    assert_nothing_stored()


@pytest.mark.django_db
def test_external_entities_are_refused_and_no_file_is_read(
    collection: CollectionWorld, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("marker-secret-content")
    opened: list[str] = []
    real_open = open

    def spy_open(file: Any, *args: Any, **kwargs: Any) -> Any:
        opened.append(str(file))
        return real_open(file, *args, **kwargs)

    monkeypatch.setattr("builtins.open", spy_open)
    for target in (secret.as_uri(), "file:///etc/passwd", "http://127.0.0.1:9/evil.dtd"):
        with pytest.raises(MalformedSubmission):
            submit(collection, external_entity(target))
    assert not any("secret" in name or "passwd" in name for name in opened)
    assert_nothing_stored()


def test_the_parser_itself_neither_expands_nor_fetches(tmp_path: Path) -> None:
    """Second line of defence: even if the declaration check were bypassed, lxml is set up not to resolve."""
    secret = tmp_path / "secret.txt"
    secret.write_text("marker-secret-content")
    root = etree.fromstring(external_entity(secret.as_uri()), parser=parsing._parser())
    assert b"marker-secret-content" not in etree.tostring(root)
    try:
        bomb = etree.fromstring(BILLION_LAUGHS, parser=parsing._parser())
    except etree.XMLSyntaxError:
        return  # libxml2's own amplification limit refused it: fine too
    assert len(etree.tostring(bomb)) < 10_000


@pytest.mark.django_db
@pytest.mark.parametrize(
    "xml",
    [
        b'<!DOCTYPE data><data id="herams_iraq" version="2026.1"><meta><instanceID>uuid:x</instanceID></meta></data>',
        b'<data id="herams_iraq" version="2026.1"><meta><instanceID>uuid:x</instanceID></meta>',
        b'<data version="2026.1"><meta><instanceID>uuid:x</instanceID></meta></data>',
        b"",
        b"not xml at all",
        '<data id="herams_iraq"/>'.encode("utf-16"),
    ],
    ids=["doctype", "truncated", "no-form-id", "empty", "text", "utf16"],
)
def test_malformed_submissions(collection: CollectionWorld, xml: bytes) -> None:
    with pytest.raises(MalformedSubmission) as error:
        submit(collection, xml)
    assert error.value.status == 400 and str(error.value.message)
    assert_nothing_stored()


@pytest.mark.django_db
def test_too_large_xml(collection: CollectionWorld, settings: Any) -> None:
    settings.SUBMISSION_MAX_XML_BYTES = 1000
    with pytest.raises(TooLarge) as error:
        submit(collection, make_instance(answers={"confirmation/respondent_name": "x" * 2000}))
    assert error.value.status == 413
    assert_nothing_stored()


@pytest.mark.django_db
def test_too_large_attachments(collection: CollectionWorld, settings: Any) -> None:
    settings.SUBMISSION_MAX_ATTACHMENT_BYTES = 1000
    photos = tuple(IncomingAttachment(f"{name}.jpg", "image/jpeg", name.encode() * 600) for name in "ab")
    with pytest.raises(TooLarge):
        submit(collection, make_instance(), attachments=photos)
    assert_nothing_stored()


def test_missing_instance_id_is_generated() -> None:
    parsed = parsing.parse_instance(b'<data id="f" version="1"><meta/></data>')
    assert parsed.instance_id.startswith("uuid:") and parsed.instance_id_generated
    assert (parsed.form_id, parsed.form_version, parsed.deprecated_id) == ("f", "1", "")


def test_namespaced_meta_is_read() -> None:
    parsed = parsing.parse_instance(
        b'<data xmlns:orx="http://openrosa.org/xforms" id="f"><orx:meta><orx:instanceID>uuid:a</orx:instanceID>'
        b"<orx:deprecatedID>uuid:b</orx:deprecatedID></orx:meta></data>"
    )
    assert (parsed.instance_id, parsed.deprecated_id, parsed.form_version) == ("uuid:a", "uuid:b", "")
