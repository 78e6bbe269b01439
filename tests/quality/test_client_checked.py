"""Versions from clients that enforce the form (ODK Collect, ODK Web Forms) are not re-checked against the form at
ingestion — most of a check's cost — but `validate_round` checks them, and an edit from such a client leaves the
record's form issues for `validate_round` to decide."""

from __future__ import annotations

from rasd.quality.models import IssueStatus
from rasd.quality.services import validate_round
from rasd.submissions.models import Source
from tests.collection_fixtures import CollectionWorld
from tests.quality.helpers import PHONE, changed, clean_xml, rules_of, send


def test_a_phone_submission_is_checked_against_its_form_by_validate_round(collection: CollectionWorld) -> None:
    version = send(collection, changed(clean_xml(collection), {PHONE: "12345"}), source=Source.OPENROSA)
    assert ("xform.constraint", PHONE) not in rules_of(version)

    validate_round(collection.round)

    assert ("xform.constraint", PHONE) in rules_of(version)


def test_a_phone_edit_leaves_form_issues_to_validate_round(collection: CollectionWorld) -> None:
    first = send(collection, changed(clean_xml(collection), {PHONE: "12345"}))
    assert ("xform.constraint", PHONE) in rules_of(first)

    edit = send(
        collection,
        changed(clean_xml(collection), {PHONE: "07701234567"}, edit_of=first.instance_id),
        source=Source.OPENROSA,
    )
    assert ("xform.constraint", PHONE) in rules_of(edit)  # not decided by the hook

    validate_round(collection.round)

    assert ("xform.constraint", PHONE) in rules_of(edit, IssueStatus.RESOLVED)
