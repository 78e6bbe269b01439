"""`rasd validate_round` and `rasd round_issues`."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from rasd.quality.models import Issue, IssueStatus
from tests.collection_fixtures import CollectionWorld
from tests.quality.helpers import PHONE, changed, clean_xml, send


def run(*args: str) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_validate_round_prints_open_issues_per_rule(collection: CollectionWorld) -> None:
    send(collection, changed(clean_xml(collection), {PHONE: "12345"}))
    send(collection, clean_xml(collection, "PHC-BASRA-2"))

    output = run("validate_round", "herams-2026")

    assert "2 records checked" in output and "0 issues opened" in output
    assert "xform.constraint" in output and "collection.outside_assignment" in output
    assert Issue.objects.count() == 2


def test_round_issues_json(collection: CollectionWorld) -> None:
    version = send(collection, changed(clean_xml(collection), {PHONE: "12345"}))

    rows = json.loads(run("round_issues", "herams-2026", "--json", "--language", "en"))

    assert rows == [
        {
            "rule": "xform.constraint",
            "severity": "high",
            "facility": "PHC-BASRA-1",
            "submission": version.submission.first_instance_id,
            "field": PHONE,
            "status": "open",
            "message": rows[0]["message"],
        }
    ]
    assert "Phone number of the respondent" in rows[0]["message"]
    # Arabic by default, as on the pages.
    assert "رقم هاتف المستجيب" in json.loads(run("round_issues", "herams-2026", "--json"))[0]["message"]


def test_round_issues_filters_by_status_and_severity(collection: CollectionWorld) -> None:
    xml = changed(clean_xml(collection), {PHONE: "12345"})
    first = send(collection, xml)
    send(collection, changed(xml, {PHONE: "07701234567"}, edit_of=first.instance_id))
    send(collection, clean_xml(collection, "PHC-BASRA-2"))

    def rules(*options: str) -> list[tuple[str, str]]:
        rows = json.loads(run("round_issues", "herams-2026", "--json", *options))
        return [(row["rule"], row["status"]) for row in rows]

    assert rules() == [("collection.outside_assignment", IssueStatus.OPEN)]
    assert rules("--status", "resolved") == [("xform.constraint", IssueStatus.RESOLVED)]
    assert len(rules("--status", "all")) == 2
    assert rules("--status", "all", "--severity", "high") == [("xform.constraint", IssueStatus.RESOLVED)]
    table = run("round_issues", "herams-2026", "--language", "en")
    assert "collection.outside_assignment" in table and "PHC-BASRA-2" in table


@pytest.mark.django_db
def test_an_unknown_round_is_refused() -> None:
    with pytest.raises(CommandError, match="No round"):
        run("validate_round", "no-such-round")
    with pytest.raises(CommandError, match="No round"):
        run("round_issues", "no-such-round")
