"""A valid edit of a simulated (or any default-form) instance, as ODK Collect sends one: the same answers with a
few changed, a new instanceID and meta/deprecatedID naming the instance it replaces.

The changes keep every rule of the form without reading it: a different respondent and head counts of staff
moved by one within 0–500 (no other answer depends on them), or, for other forms, only the IDs change.
"""

from __future__ import annotations

import hashlib
import random
import re
import uuid

from lxml import etree

STAFF = re.compile(r"^staff_.+_(female|male)$")
RESPONDENTS = ("حسن علي", "آمنة جواد", "سجاد كامل", "ليلى مهدي", "ئاوات کەریم")


def edit_instance(xml: bytes, *, seed: int = 0) -> bytes:
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=True)
    root = etree.fromstring(xml, parser)
    rng = random.Random(f"edit:{seed}:{hashlib.sha256(xml).hexdigest()}")  # noqa: S311 (test data, not secrets)
    meta = next((child for child in root if etree.QName(child).localname == "meta"), None)
    if meta is None:
        meta = etree.SubElement(root, "meta")
    instance_id = next((child for child in meta if etree.QName(child).localname == "instanceID"), None)
    if instance_id is None:
        instance_id = etree.SubElement(meta, "instanceID")
    deprecated = next((child for child in meta if etree.QName(child).localname == "deprecatedID"), None)
    if deprecated is None:
        deprecated = etree.Element("deprecatedID")
        instance_id.addnext(deprecated)
    deprecated.text = instance_id.text
    instance_id.text = f"uuid:{uuid.UUID(int=rng.getrandbits(128), version=4)}"
    for element in root.iter():
        if not isinstance(element.tag, str) or len(element):
            continue
        name = etree.QName(element).localname
        if name == "respondent_name" and element.text:
            element.text = rng.choice(RESPONDENTS)
        elif STAFF.match(name) and element.text and element.text.isdigit() and rng.random() < 0.3:
            count = int(element.text) + rng.choice((-1, 1))
            element.text = str(min(500, max(0, count)))
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")
