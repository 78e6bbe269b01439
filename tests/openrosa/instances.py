"""Minimal valid instances of a questionnaire version, as ODK Collect would send them, for the protocol tests.

Only what the pipeline needs is filled in: the root element with the form's id and version, the facility (the
field whose catalogue role is `facility_code`), its directorate and sector, and meta/instanceID (and deprecatedID
for edits). Everything else is left unanswered, as a collector who saves early would leave it."""

from __future__ import annotations

import uuid

from lxml import etree

from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Facility

XFORMS_NS = "http://www.w3.org/2002/xforms"


def _primary_instance_root(version: QuestionnaireVersion) -> etree._Element:
    document = etree.fromstring(version.xform.encode("utf-8"))
    instance = document.find(f".//{{{XFORMS_NS}}}instance")
    assert instance is not None
    return next(child for child in instance if isinstance(child.tag, str))


def _field_path(version: QuestionnaireVersion, role: str) -> str:
    return str(version.fields.get(role=role).path)


def _set(root: etree._Element, path: str, value: str) -> None:
    """Set the element at an absolute path such as /data/identification/facility, creating the groups."""
    node = root
    for name in path.strip("/").split("/")[1:]:
        child = node.find(name)
        node = child if child is not None else etree.SubElement(node, name)
    node.text = value


def new_instance_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def instance_xml(
    version: QuestionnaireVersion,
    facility: Facility | str | None,
    *,
    instance_id: str | None = None,
    deprecated_id: str | None = None,
    form_id: str | None = None,
    form_version: str | None = None,
    answers: dict[str, str] | None = None,
) -> bytes:
    template = _primary_instance_root(version)
    # The form's instance sits in the XForms namespace inside the XForm; clients submit it without one.
    root = etree.Element(etree.QName(template).localname)
    root.set("id", form_id if form_id is not None else str(template.get("id")))
    root.set("version", form_version if form_version is not None else str(template.get("version")))
    facility_path = _field_path(version, "facility_code")
    group = facility_path.rsplit("/", 1)[0]
    if isinstance(facility, Facility):
        # The default form asks for the directorate and sector before the facility (its choice filter).
        _set(root, f"{group}/directorate", facility.directorate.code)
        if facility.sector is not None:
            _set(root, f"{group}/sector", facility.sector.code)
        _set(root, facility_path, facility.code)
    elif facility is not None:
        _set(root, facility_path, facility)
    for path, value in (answers or {}).items():
        _set(root, path, value)
    root_path = f"/{etree.QName(template).localname}"
    _set(root, f"{root_path}/meta/instanceID", instance_id or new_instance_id())
    if deprecated_id:
        _set(root, f"{root_path}/meta/deprecatedID", deprecated_id)
    return bytes(etree.tostring(root, xml_declaration=True, encoding="UTF-8"))
