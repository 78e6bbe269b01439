"""Issues as reviewers see them: on the record's page, counted on the list, accepted with a justification."""

from __future__ import annotations

import pytest

from rasd.audit.models import AuditEntry
from rasd.quality.models import Issue, IssueStatus
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, client_for
from tests.quality.helpers import PHONE, changed, clean_xml, send

pytestmark = pytest.mark.usefixtures("english")  # the tests read messages


def _broken(collection: CollectionWorld) -> Issue:
    version = send(collection, changed(clean_xml(collection), {PHONE: "12345"}))
    return Issue.objects.get(submission=version.submission, rule="xform.constraint", field=PHONE)


def test_the_record_page_shows_its_issues_and_the_list_counts_them(
    collection: CollectionWorld, personas: Personas
) -> None:
    issue = _broken(collection)
    client = client_for(personas.basra_manager)

    page = client.get(f"/submissions/{issue.submission_id}/").content.decode()
    assert 'data-testid="issues"' in page
    assert f'data-rule="{issue.rule}"' in page and 'data-status="open"' in page
    assert issue.message() in page

    listing = client.get(f"/submissions/?round={collection.round.code}").content.decode()
    assert f'href="/submissions/{issue.submission_id}/#issues">' in listing


def test_a_manager_accepts_an_issue_with_a_justification(collection: CollectionWorld, personas: Personas) -> None:
    issue = _broken(collection)
    client = client_for(personas.basra_manager)

    refused = client.post(f"/quality/issues/{issue.pk}/accept/", {"justification": "  "}, follow=True)
    assert "Say why the answer is valid as it is." in refused.content.decode()
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN

    response = client.post(f"/quality/issues/{issue.pk}/accept/", {"justification": "landline of the centre"})
    assert response.status_code == 302 and response["Location"].endswith(f"/submissions/{issue.submission_id}/#issues")
    issue.refresh_from_db()
    assert issue.status == IssueStatus.ACCEPTED and issue.justification == "landline of the centre"
    entry = AuditEntry.objects.get(action="quality.issue_accepted")
    assert entry.reason == "landline of the centre" and entry.actor == personas.basra_manager


def test_collectors_and_other_directorates_cannot_accept(collection: CollectionWorld, personas: Personas) -> None:
    issue = _broken(collection)
    assert (
        client_for(personas.basra_s1_collector)
        .post(f"/quality/issues/{issue.pk}/accept/", {"justification": "x"})
        .status_code
        == 403
    )
    assert (
        client_for(personas.najaf_manager)
        .post(f"/quality/issues/{issue.pk}/accept/", {"justification": "x"})
        .status_code
        == 404
    )
    issue.refresh_from_db()
    assert issue.status == IssueStatus.OPEN
