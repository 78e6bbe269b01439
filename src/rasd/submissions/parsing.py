"""Reading an instance XML safely, once.

OpenRosa instances never carry a DOCTYPE, so any DTD or entity declaration is refused outright: that closes
the door on entity expansion ("billion laughs") and external entities (file:///etc/passwd, http://…) before
a parser could be tricked into reading a file or the network. The parser is also configured not to resolve
entities, load DTDs, touch the network or build huge trees, as a second line of defence.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext_lazy as _
from lxml import etree

if TYPE_CHECKING:
    from django.utils.functional import _StrPromise

# Looked for in the raw bytes before parsing; ASCII-compatible encodings (UTF-8, the only one ODK Collect
# sends) show these markers as-is. The tree check after parsing catches anything else.
_DECLARATION = re.compile(rb"<!\s*(DOCTYPE|ENTITY|ELEMENT|ATTLIST|NOTATION)", re.IGNORECASE)
_UTF16_BOM = (b"\xff\xfe", b"\xfe\xff")


class UnsafeOrInvalidXML(Exception):
    """The bytes are not an acceptable instance; `message` says why in the reader's language."""

    def __init__(self, message: str | _StrPromise) -> None:
        super().__init__(str(message))
        self.message = message


@dataclass(frozen=True)
class ParsedInstance:
    root: etree._Element
    root_name: str
    form_id: str
    form_version: str
    instance_id: str
    instance_id_generated: bool  # the instance had none; one was made up as ODK Central does
    deprecated_id: str
    instance_name: str


def _parser() -> etree.XMLParser:
    return etree.XMLParser(
        resolve_entities=False,
        no_network=True,
        load_dtd=False,
        dtd_validation=False,
        huge_tree=False,
        remove_comments=True,
        remove_pis=True,
    )


def localname(element: etree._Element) -> str:
    tag: object = element.tag
    if not isinstance(tag, str):  # comments, processing instructions, entity references
        return ""
    return tag if tag[0] != "{" else tag.rpartition("}")[2]


def parse_instance(xml: bytes) -> ParsedInstance:
    """Parse `xml` and read what identifies it. Raises `UnsafeOrInvalidXML`."""
    if not xml.strip():
        raise UnsafeOrInvalidXML(_("The submission is empty."))
    if xml.startswith(_UTF16_BOM):
        # Only so the declaration check above the parser can see every byte; ODK clients send UTF-8.
        raise UnsafeOrInvalidXML(_("The submission must be encoded in UTF-8."))
    if _DECLARATION.search(xml):
        raise UnsafeOrInvalidXML(_("The submission contains a DOCTYPE or entity declaration, which is not allowed."))
    try:
        tree = etree.fromstring(xml, parser=_parser()).getroottree()
    except (etree.XMLSyntaxError, ValueError) as exc:
        raise UnsafeOrInvalidXML(_("The submission is not well-formed XML: %(error)s") % {"error": exc}) from exc
    docinfo: Any = tree.docinfo
    if docinfo.doctype or docinfo.internalDTD is not None or docinfo.externalDTD is not None:
        raise UnsafeOrInvalidXML(_("The submission contains a DOCTYPE or entity declaration, which is not allowed."))
    # Without a DTD an entity reference cannot be declared, so libxml2 already refused any (undefined entity).
    root = tree.getroot()
    form_id = (root.get("id") or "").strip()
    if not form_id:
        raise UnsafeOrInvalidXML(_("The submission's root element has no form ID (id attribute)."))
    meta = _meta(root)
    instance_id = _text(meta, "instanceID") or _text(root, "instanceID")
    generated = not instance_id
    if generated:
        instance_id = f"uuid:{uuid.uuid4()}"
    if len(instance_id) > 255:
        raise UnsafeOrInvalidXML(_("The instance ID is too long."))
    deprecated_id = _text(meta, "deprecatedID")
    if len(deprecated_id) > 255:
        raise UnsafeOrInvalidXML(_("The deprecated ID is too long."))
    if deprecated_id and deprecated_id == instance_id:
        raise UnsafeOrInvalidXML(_("A submission cannot replace itself (instanceID equals deprecatedID)."))
    return ParsedInstance(
        root=root,
        root_name=localname(root),
        form_id=form_id[:100],
        form_version=(root.get("version") or "").strip()[:100],
        instance_id=instance_id,
        instance_id_generated=generated,
        deprecated_id=deprecated_id,
        instance_name=_text(meta, "instanceName"),
    )


def _meta(root: etree._Element) -> etree._Element | None:
    for child in root:
        if localname(child) == "meta":
            return child
    return None


def _text(parent: etree._Element | None, name: str) -> str:
    if parent is None:
        return ""
    for child in parent:
        if localname(child) == name:
            return (child.text or "").strip()
    return ""
