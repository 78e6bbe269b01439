"""Double entry through the services: two clerks, the comparison, the resolution, and that nothing reaches the
pipeline before the entries agree or a third person has resolved them."""

from __future__ import annotations

import pytest
from django.db import DatabaseError, transaction

from rasd.audit.models import AuditEntry
from rasd.collection.models import RoundState
from rasd.lib.request_context import acting_as
from rasd.paperentry import services
from rasd.paperentry.identify import PaperEntryError
from rasd.paperentry.models import AppendOnlyError, ChoiceSource, PaperEntry, PaperFormState, PaperResolution
from rasd.submissions.ingest import IngestError, NotAcceptingSubmissions
from rasd.submissions.models import Attachment, RawSubmission, Source, Submission
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas
from tests.paperentry.helpers import (
    BEDS,
    DAMAGE,
    PARTNERS,
    PDF,
    PNG,
    RESPONDENT,
    answers,
    choice,
    key,
    open_form,
)

pytestmark = pytest.mark.usefixtures("english")  # the tests read messages


def test_the_first_entry_waits_for_a_second_clerk_and_the_same_clerk_is_refused(
    collection: CollectionWorld,
) -> None:
    paper_form = open_form(collection.collector, collection)
    outcome = key(collection.collector, paper_form, answers(collection))
    paper_form.refresh_from_db()
    assert outcome.entry.number == 1
    assert paper_form.state == PaperFormState.SECOND_ENTRY
    with pytest.raises(PaperEntryError) as caught:
        key(collection.collector, paper_form, answers(collection))
    assert "the second must be keyed by another clerk" in caught.value.message
    assert PaperEntry.objects.count() == 1
    assert not RawSubmission.objects.exists()
    assert AuditEntry.objects.filter(action="paper_entry.saved").count() == 1


def test_two_agreeing_entries_send_exactly_one_paper_record(collection: CollectionWorld, personas: Personas) -> None:
    paper_form = open_form(collection.collector, collection)
    key(collection.collector, paper_form, answers(collection))
    # Same answers, keyed differently: spaces in the text, the choices of a multiple choice in another order.
    second = answers(collection, respondent="  علي   حسن ", beds=12.0)
    outcome = key(personas.basra_s1_supervisor, paper_form, second)
    assert outcome.conflicts == []
    paper_form.refresh_from_db()
    assert paper_form.state == PaperFormState.SENT
    submission = Submission.objects.get()
    assert paper_form.submission == submission
    version = submission.current_version
    assert version is not None
    assert version.source == Source.PAPER
    assert version.submitted_by == personas.basra_s1_supervisor
    assert submission.facility == collection.facilities["PHC-BASRA-1"]
    # Placed, not in quarantine (the few answers keyed leave data-quality issues open: docs/review.md).
    assert submission.state == "has_issues" and submission.quarantine_reason == ""
    assert version.answers[BEDS] == 12
    assert version.answers[RESPONDENT] == "علي حسن"
    assert version.answers["/data/identification/facility"] == "PHC-BASRA-1"
    assert version.answers["/data/identification/directorate"] == "basra"
    assert version.answers["/data/identification/sector"] == "basra-1"
    assert "agree" in version.raw.reason
    assert AuditEntry.objects.filter(action="paper_form.sent", object_id=str(paper_form.pk)).count() == 1


def test_differing_entries_wait_for_a_resolution_and_nothing_enters_the_pipeline(
    collection: CollectionWorld, personas: Personas
) -> None:
    paper_form = open_form(collection.collector, collection)
    key(collection.collector, paper_form, answers(collection))
    outcome = key(personas.basra_s1_supervisor, paper_form, answers(collection, beds=21, partners=None))
    assert outcome.conflicts == [PARTNERS, BEDS]
    paper_form.refresh_from_db()
    assert paper_form.state == PaperFormState.CONFLICTS
    assert not RawSubmission.objects.exists()
    assert not Submission.objects.exists()
    with pytest.raises(PaperEntryError):
        key(personas.basra_manager, paper_form, answers(collection))  # no third entry


def _conflicting(collection: CollectionWorld, personas: Personas) -> object:
    paper_form = open_form(collection.collector, collection)
    key(collection.collector, paper_form, answers(collection))
    key(personas.basra_s1_supervisor, paper_form, answers(collection, beds=21, damage=choice(collection, DAMAGE, 1)))
    return paper_form


def test_a_clerk_of_either_entry_may_not_resolve_and_a_scan_is_needed_first(
    collection: CollectionWorld, personas: Personas
) -> None:
    paper_form = _conflicting(collection, personas)
    decisions = {BEDS: services.Decision(ChoiceSource.FIRST), DAMAGE: services.Decision(ChoiceSource.SECOND)}
    for clerk in (collection.collector, personas.basra_s1_supervisor):
        with acting_as(clerk), pytest.raises(PaperEntryError) as caught:
            services.resolve(clerk, paper_form, decisions)  # type: ignore[arg-type]
        assert "a third person" in caught.value.message
    with acting_as(personas.basra_manager), pytest.raises(PaperEntryError) as caught:
        services.resolve(personas.basra_manager, paper_form, decisions)  # type: ignore[arg-type]
    assert "Upload the scanned paper form first" in caught.value.message
    assert not RawSubmission.objects.exists()
    assert not PaperResolution.objects.exists()


def test_a_third_person_resolves_and_only_the_resolved_version_enters_the_pipeline(
    collection: CollectionWorld, personas: Personas
) -> None:
    paper_form = _conflicting(collection, personas)
    manager = personas.basra_manager
    with acting_as(manager):
        scan = services.upload_scan(manager, paper_form, "صفحة-1.png", PNG)  # type: ignore[arg-type]
        decisions = {
            BEDS: services.Decision(ChoiceSource.TYPED, 15),
            DAMAGE: services.Decision(ChoiceSource.SECOND),
        }
        result = services.resolve(manager, paper_form, decisions)  # type: ignore[arg-type]
    submission = result.submission
    assert submission is not None and Submission.objects.get() == submission
    version = submission.current_version
    assert version is not None
    assert version.answers[BEDS] == 15
    assert version.answers[DAMAGE] == choice(collection, DAMAGE, 1)
    assert version.answers[PARTNERS] == 2  # agreed by both entries
    assert version.submitted_by == manager and version.source == Source.PAPER
    assert "1 conflict" not in version.raw.reason and "2 conflicts resolved by" in version.raw.reason
    attachment = Attachment.objects.get(raw=version.raw)
    assert attachment.sha256 == scan.sha256 and attachment.file.name == scan.file.name  # one file on disk
    resolution = PaperResolution.objects.get(paper_form=paper_form)
    assert resolution.resolver == manager
    assert {row["path"]: row["source"] for row in resolution.choices} == {BEDS: "typed", DAMAGE: "second"}
    assert [row["chosen"] for row in resolution.choices] == [choice(collection, DAMAGE, 1), 15]
    assert PaperEntry.objects.filter(paper_form=paper_form).count() == 2  # both entries kept
    paper_form.refresh_from_db()  # type: ignore[attr-defined]
    assert paper_form.state == PaperFormState.SENT  # type: ignore[attr-defined]
    actions = set(AuditEntry.objects.values_list("action", flat=True))
    assert {"paper_scan.uploaded", "paper_form.resolved", "paper_form.sent"} <= actions


def test_a_refusal_by_the_pipeline_loses_nothing(collection: CollectionWorld, personas: Personas) -> None:
    paper_form = _conflicting(collection, personas)
    manager = personas.basra_manager
    with acting_as(manager):
        services.upload_scan(manager, paper_form, "scan.pdf", PDF)  # type: ignore[arg-type]
    collection.round.state = RoundState.CLEANING
    collection.round.save(update_fields=["state"])
    decisions = {BEDS: services.Decision(ChoiceSource.FIRST), DAMAGE: services.Decision(ChoiceSource.FIRST)}
    with acting_as(manager), pytest.raises(IngestError):
        services.resolve(manager, paper_form, decisions)  # type: ignore[arg-type]
    paper_form.refresh_from_db()  # type: ignore[attr-defined]
    assert paper_form.state == PaperFormState.CONFLICTS  # type: ignore[attr-defined]
    assert PaperEntry.objects.count() == 2
    assert not PaperResolution.objects.exists()
    assert not RawSubmission.objects.exists()


def test_scans_must_be_images_or_pdf(collection: CollectionWorld) -> None:
    paper_form = open_form(collection.collector, collection)
    with acting_as(collection.collector), pytest.raises(PaperEntryError) as caught:
        services.upload_scan(collection.collector, paper_form, "scan.png", b"<html>not an image</html>")
    assert "image (JPEG, PNG, TIFF) or a PDF" in caught.value.message


def test_entries_are_history_they_never_change(collection: CollectionWorld) -> None:
    paper_form = open_form(collection.collector, collection)
    entry = key(collection.collector, paper_form, answers(collection)).entry
    entry.answers = {}
    with pytest.raises(AppendOnlyError):
        entry.save()
    with pytest.raises(AppendOnlyError):
        entry.delete()
    with pytest.raises(DatabaseError), transaction.atomic():
        PaperEntry.objects.filter(pk=entry.pk).update(answers={})


def test_agreed_entries_the_pipeline_refuses_wait_and_a_third_person_sends_them(
    collection: CollectionWorld, personas: Personas, monkeypatch: pytest.MonkeyPatch
) -> None:
    paper_form = open_form(collection.collector, collection)
    key(collection.collector, paper_form, answers(collection))

    def refuse(incoming: object) -> object:
        raise NotAcceptingSubmissions("No round is collecting this form version at the moment.")

    with monkeypatch.context() as patch:
        patch.setattr(services, "ingest", refuse)
        outcome = key(personas.basra_s1_supervisor, paper_form, answers(collection))
    assert outcome.conflicts == [] and "No round is collecting" in outcome.send_error
    paper_form.refresh_from_db()
    assert paper_form.state == PaperFormState.CONFLICTS
    assert PaperEntry.objects.count() == 2 and not RawSubmission.objects.exists()
    with acting_as(personas.basra_manager):  # nothing to choose, so no scan needed
        result = services.resolve(personas.basra_manager, paper_form, {})
    assert result.submission is not None and result.version is not None
    assert result.version.answers[BEDS] == 12
