"""Submissions for the quality tests: clean simulated instances of the default questionnaire, and copies with
chosen answers changed (to break a rule, or to fix it in an edit)."""

from __future__ import annotations

import datetime
import uuid

from lxml import etree

from rasd.accounts.models import User
from rasd.quality.models import Issue
from rasd.submissions.ingest import IncomingSubmission, ingest
from rasd.submissions.models import Source, SubmissionVersion
from rasd.submissions.simulator import generate
from tests.collection_fixtures import CollectionWorld

TODAY = datetime.date(2026, 6, 30)
PHONE = "/data/confirmation/respondent_phone"
DAMAGE = "/data/building/building_damage"


def clean_xml(collection: CollectionWorld, code: str = "PHC-BASRA-1", seed: int = 7) -> bytes:
    return next(i.xml for i in generate(collection.round, seed=seed, today=TODAY) if i.facility.code == code)


def changed(xml: bytes, answers: dict[str, str | None], *, edit_of: str = "") -> bytes:
    """`xml` with answers set (None empties the element; a missing element is created), a new instanceID and,
    for an edit, the deprecatedID of the version it replaces."""
    root = etree.fromstring(xml)
    for path, value in answers.items():
        parts = path.strip("/").split("/")[1:]
        node = root
        for part in parts:
            child = node.find(part)
            node = child if child is not None else etree.SubElement(node, part)
        node.text = value
    meta = root.find("meta")
    assert meta is not None
    instance = meta.find("instanceID")
    assert instance is not None
    instance.text = f"uuid:{uuid.uuid4()}"
    deprecated = meta.find("deprecatedID")
    if edit_of:
        if deprecated is None:
            deprecated = etree.Element("deprecatedID")
            instance.addnext(deprecated)
        deprecated.text = edit_of
    elif deprecated is not None:
        meta.remove(deprecated)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def send(
    collection: CollectionWorld,
    xml: bytes,
    *,
    user: User | None = None,
    received_at: datetime.datetime | None = None,
    source: Source = Source.SIMULATOR,
) -> SubmissionVersion:
    """Ingest `xml`. The default source is checked in full at ingestion; ODK Collect's (Source.OPENROSA) is not
    re-checked against its form there (the phone did it)."""
    result = ingest(IncomingSubmission(xml, source, user or collection.collector, received_at=received_at))
    assert result.version is not None
    return result.version


def rules_of(version: SubmissionVersion, status: str = "open") -> set[tuple[str, str]]:
    return set(Issue.objects.filter(submission_id=version.submission_id, status=status).values_list("rule", "field"))


FUNCTIONALITY = "/data/functionality_page/functionality"
BUILDING = "/data/building/building_damage"
EQUIPMENT = "/data/equipment/equipment_damage"
HAS_BEDS = "/data/amenities/beds/has_beds"
BEDS = "/data/amenities/beds/beds_general"
BEDS_FUNCTIONAL = "/data/amenities/beds/beds_general_functional"
SERVICE = "/data/services_general/group_100/service_100"
BARRIERS = "/data/services_general/group_100/service_100_barriers"
NURSES = ("/data/human_resources/hr_nurse/staff_nurse_female", "/data/human_resources/hr_nurse/staff_nurse_male")
NURSES_AVAILABLE = "/data/human_resources/hr_nurse/staff_nurse_available"
FIRST_STAFF = "/data/human_resources/hr_specialist/staff_specialist_female"  # where issues about all staff are shown
# The rules of this increment: cross-field, previous round, peers (not the form's own rules, nor placement).
NEW_RULE_PREFIXES = ("herams.", "dhis2.", "who_dq.")


def consistent(xml: bytes) -> bytes:
    """A simulated instance made to satisfy the HeRAMS catalogue: the simulator picks a cadre's availability
    without looking at its head counts, so a cadre with nobody counted is said not to be available."""
    root = etree.fromstring(xml)
    hr = root.find("human_resources")
    assert hr is not None
    for group in hr:
        counts = [child for child in group if child.tag.startswith("staff_") and not child.tag.endswith("_available")]
        available = next((child for child in group if child.tag.endswith("_available")), None)
        if available is not None and counts and all((child.text or "0") == "0" for child in counts):
            available.text = "not_available"
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def new_rules_of(version: SubmissionVersion, status: str = "open") -> set[tuple[str, str]]:
    return {(rule, field) for rule, field in rules_of(version, status) if rule.startswith(NEW_RULE_PREFIXES)}
