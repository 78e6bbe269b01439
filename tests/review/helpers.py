"""A round under review, shared by the review domain tests and the review pages tests (reviewui: import from here).

`review_world` (registered by tests/review/conftest.py): the collecting round of `collection`, with records sent
through the real pipeline in two directorates:

- Basra: PHC-BASRA-1 (by the sector-1 collector), PHC-BASRA-2 (sector-2 collector), HOSP-BASRA (Basra manager);
- Najaf: PHC-NAJAF-1 and HOSP-NAJAF (Najaf manager).

and the reviewers: `admin` (everything), `national` (national-fed: approves nationally; Basra and Najaf are both
federal), `basra_manager` / `najaf_manager` (approve for their directorate), `supervisor` (Basra sector 1: comments
and returns only), `collector` (Basra sector 1: no review permission). `send_record`, `edit_record` and
`with_high_issue` make more records or versions; `as_state` moves a record through the services.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

import pytest

from rasd.accounts.models import User
from rasd.collection.models import Round
from rasd.lib.request_context import acting_as
from rasd.review import services as review
from rasd.submissions.ingest import IncomingSubmission, ingest
from rasd.submissions.models import Source, Submission, SubmissionState
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas
from tests.quality.helpers import PHONE, changed, clean_xml

RECEIVED_AT = datetime.datetime(2026, 6, 30, 9, 0, tzinfo=datetime.UTC)
BAD_PHONE = {PHONE: "12345"}  # breaks the form's constraint: an open high-severity issue (xform.constraint)


@dataclass
class ReviewWorld:
    collection: CollectionWorld
    personas: Personas
    round: Round
    records: dict[str, Submission]  # by facility code

    @property
    def admin(self) -> User:
        return self.personas.admin

    @property
    def national(self) -> User:
        return self.personas.national_fed

    @property
    def basra_manager(self) -> User:
        return self.personas.basra_manager

    @property
    def najaf_manager(self) -> User:
        return self.personas.najaf_manager

    @property
    def supervisor(self) -> User:
        return self.personas.basra_s1_supervisor

    @property
    def collector(self) -> User:
        return self.personas.basra_s1_collector

    def basra(self) -> list[Submission]:
        return [self.records[code] for code in ("PHC-BASRA-1", "PHC-BASRA-2", "HOSP-BASRA")]

    def najaf(self) -> list[Submission]:
        return [self.records[code] for code in ("PHC-NAJAF-1", "HOSP-NAJAF")]

    def fresh(self, code: str) -> Submission:
        """The record as stored now."""
        return Submission.objects.get(pk=self.records[code].pk)


def send_record(
    collection: CollectionWorld, code: str, user: User, answers: dict[str, str | None] | None = None, seed: int = 7
) -> Submission:
    """A new record for the facility, through the pipeline (checked in full at ingestion)."""
    xml = changed(clean_xml(collection, code, seed=seed), answers or {})
    result = ingest(IncomingSubmission(xml, Source.SIMULATOR, user, received_at=RECEIVED_AT))
    assert result.submission is not None
    return Submission.objects.get(pk=result.submission.pk)


def edit_record(
    submission: Submission,
    user: User,
    answers: dict[str, str | None],
    reason: str = "corrected",
    source: Source = Source.PAPER,
) -> Submission:
    """A new version of the record, with a reason. A paper edit is checked in full at ingestion; a browser edit
    (`Source.WEB`) is not re-checked against the form's own rules there (the browser did it)."""
    current = submission.versions.order_by("-number").select_related("raw").first()
    assert current is not None
    xml = changed(current.raw.xml, answers, edit_of=current.instance_id)
    with acting_as(user):
        result = ingest(IncomingSubmission(xml, source, user, reason=reason))
    assert result.submission is not None, result
    return Submission.objects.get(pk=submission.pk)


def with_high_issue(collection: CollectionWorld, code: str, user: User) -> Submission:
    return send_record(collection, code, user, BAD_PHONE)


def as_state(world: ReviewWorld, code: str, state: SubmissionState) -> Submission:
    """Move a clean record to a review state through the services (as reviewers would)."""
    record = world.fresh(code)
    reviewer = world.najaf_manager if "NAJAF" in code else world.basra_manager
    with acting_as(reviewer):
        if state == SubmissionState.RETURNED:
            review.return_to_collector(reviewer, record, message="marker-return: check the beds")
        elif state == SubmissionState.REJECTED:
            review.reject(reviewer, record, comment="marker-reject: duplicate visit")
        elif state in (SubmissionState.APPROVED_DIRECTORATE, SubmissionState.APPROVED_NATIONAL):
            review.approve(reviewer, record)
            if state == SubmissionState.APPROVED_NATIONAL:
                with acting_as(world.national):
                    review.approve(world.national, record)
        else:
            raise ValueError(state)
    return world.fresh(code)


@pytest.fixture
def review_world(collection: CollectionWorld, personas: Personas) -> ReviewWorld:
    senders = {
        "PHC-BASRA-1": personas.basra_s1_collector,
        "PHC-BASRA-2": personas.basra_s2_collector,
        "HOSP-BASRA": personas.basra_manager,
        "PHC-NAJAF-1": personas.najaf_manager,
        "HOSP-NAJAF": personas.najaf_manager,
    }
    records = {code: send_record(collection, code, user) for code, user in senders.items()}
    return ReviewWorld(collection, personas, collection.round, records)
