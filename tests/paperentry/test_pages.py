"""The paper double entry pages as clerks, resolvers and managers use them."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from rasd.paperentry.models import PaperEntry, PaperForm, PaperFormState, PaperResolution
from rasd.submissions.models import Attachment, RawSubmission, Submission
from tests.collection_fixtures import CollectionWorld
from tests.conftest import Personas, client_for
from tests.paperentry.helpers import (
    BEDS,
    DAMAGE,
    PNG,
    answers,
    choice,
    key,
    open_form,
    post_data,
    qr,
)

pytestmark = pytest.mark.usefixtures("english")  # the tests read messages


def test_scanning_the_qr_code_on_the_identify_page_opens_the_paper_form(
    collection: CollectionWorld, personas: Personas
) -> None:
    client = client_for(collection.collector)
    assert client.get("/paper/new/").status_code == 200
    response = client.post("/paper/new/", {"payload": qr(collection)})
    paper_form = PaperForm.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/paper/{paper_form.pk}/"
    again = client_for(personas.basra_s1_supervisor).post("/paper/new/", {"payload": qr(collection)})
    assert again["Location"] == f"/paper/{paper_form.pk}/"


def test_the_identify_page_names_what_is_wrong(collection: CollectionWorld) -> None:
    client = client_for(collection.collector)
    page = client.post("/paper/new/", {"payload": "not a code"}).content.decode()
    assert "Not a rasd paper form code" in page
    page = client.post("/paper/new/", {"payload": qr(collection, "PHC-NAJAF-1")}).content.decode()
    assert "No facility with the code “PHC-NAJAF-1” in your part of the country." in page
    typed = {"facility": "PHC-BASRA-1", "version": collection.version.pk, "round": "herams-2026"}
    assert client.post("/paper/new/", typed).status_code == 302
    assert not PaperForm.objects.exclude(facility__code="PHC-BASRA-1").exists()


def test_clerks_key_blind_and_arabic_digits_equal_ascii_ones(collection: CollectionWorld, personas: Personas) -> None:
    paper_form = open_form(collection.collector, collection)
    first = client_for(collection.collector)
    form_page = first.get(f"/paper/{paper_form.pk}/entry/").content.decode()
    assert 'data-path="/data/building/building_damage"' in form_page
    assert "/data/identification/facility" not in form_page  # from the QR code, not keyed
    data = post_data(collection, answers(collection, beds="١٢", partners="٢"))
    response = first.post(f"/paper/{paper_form.pk}/entry/", data)
    assert response.status_code == 302
    assert PaperEntry.objects.get().answers[BEDS] == 12
    refused = first.get(f"/paper/{paper_form.pk}/entry/", follow=True).content.decode()
    assert "the second must be keyed by another clerk" in refused

    second = client_for(personas.basra_s1_supervisor)
    blank = second.get(f"/paper/{paper_form.pk}/entry/").content.decode()
    assert "علي حسن" not in blank and 'value="12"' not in blank  # never the first entry's values
    detail = second.get(f"/paper/{paper_form.pk}/").content.decode()
    assert 'data-testid="blind"' in detail and "علي حسن" not in detail
    response = second.post(f"/paper/{paper_form.pk}/entry/", post_data(collection, answers(collection)), follow=True)
    assert "The two entries agree: the record was sent." in response.content.decode()
    assert Submission.objects.get().current_version.answers[BEDS] == 12  # type: ignore[union-attr]


def test_a_number_that_is_not_a_number_is_refused_on_the_page(collection: CollectionWorld) -> None:
    paper_form = open_form(collection.collector, collection)
    response = client_for(collection.collector).post(
        f"/paper/{paper_form.pk}/entry/", post_data(collection, answers(collection, beds="twelve"))
    )
    assert response.status_code == 200
    assert "Type a whole number" in response.content.decode()
    assert not PaperEntry.objects.exists()


def _conflicting(collection: CollectionWorld, personas: Personas) -> PaperForm:
    paper_form = open_form(collection.collector, collection)
    key(collection.collector, paper_form, answers(collection))
    key(personas.basra_s1_supervisor, paper_form, answers(collection, beds=21, damage=choice(collection, DAMAGE, 1)))
    return paper_form


def test_the_conflict_screen_shows_both_values_and_sends_the_resolution(
    collection: CollectionWorld, personas: Personas
) -> None:
    paper_form = _conflicting(collection, personas)
    assert not RawSubmission.objects.exists()
    clerk = client_for(collection.collector)
    refused = clerk.get(f"/paper/{paper_form.pk}/resolve/", follow=True).content.decode()
    assert "a third person" in refused

    manager = client_for(personas.basra_manager)
    url = f"/paper/{paper_form.pk}/resolve/"
    page = manager.get(url).content.decode()
    damage_labels = [c["labels"] for c in paper_form.version.fields.get(path=DAMAGE).choices]
    assert damage_labels[0]["en"] in page and damage_labels[1]["en"] in page  # labels, not codes
    decisions = {"c0": "second", "c1": "typed", "v1": "١٥"}  # 3.1 building damage, 8.2 beds
    no_scan = manager.post(url, decisions, follow=True).content.decode()
    assert "Upload the scanned paper form first" in no_scan
    upload = SimpleUploadedFile("صفحة-1.png", PNG, content_type="image/png")
    manager.post(f"/paper/{paper_form.pk}/scans/", {"file": upload, "next": "resolve"})
    warned = manager.post(url, decisions).content.decode()
    assert 'data-testid="problems"' in warned  # the default form's required questions are blank: a warning
    assert not RawSubmission.objects.exists()
    sent = manager.post(url, {**decisions, "confirm": "on"})
    submission = Submission.objects.get()
    assert sent.status_code == 302 and sent["Location"] == f"/submissions/{submission.pk}/"
    answers_sent = submission.current_version.answers  # type: ignore[union-attr]
    assert answers_sent[BEDS] == 15 and answers_sent[DAMAGE] == choice(collection, DAMAGE, 1)
    assert Attachment.objects.get().name == "01-صفحة-1.png"

    detail = manager.get(f"/paper/{paper_form.pk}/").content.decode()
    assert 'data-testid="compared"' in detail and 'data-testid="resolution"' in detail
    assert 'data-source="typed"' in detail and 'data-source="second"' in detail
    assert "marker-basra-manager" in detail  # the resolver
    record = manager.get(f"/submissions/{submission.pk}/").content.decode()
    assert 'data-testid="paper-history"' in record and f"/paper/{paper_form.pk}/" in record
    assert 'data-testid="paper-choices"' in record and "marker-basra-s1-collector" in record


def test_a_record_from_elsewhere_shows_no_paper_history(collection: CollectionWorld, personas: Personas) -> None:
    paper_form = open_form(collection.collector, collection)
    key(collection.collector, paper_form, answers(collection))
    key(personas.basra_s1_supervisor, paper_form, answers(collection))
    other = open_form(personas.basra_manager, collection, "HOSP-BASRA")
    assert other.state == PaperFormState.FIRST_ENTRY
    submission = Submission.objects.get()
    page = client_for(personas.basra_manager).get(f"/submissions/{submission.pk}/").content.decode()
    assert "Not needed: the two entries agreed." in page
    PaperForm.objects.filter(pk=paper_form.pk).update(submission=None)
    page = client_for(personas.basra_manager).get(f"/submissions/{submission.pk}/").content.decode()
    assert 'data-testid="paper-history"' not in page


def test_a_najaf_manager_cannot_see_or_resolve_a_basra_paper_form(
    collection: CollectionWorld, personas: Personas
) -> None:
    paper_form = _conflicting(collection, personas)
    najaf = client_for(personas.najaf_manager)
    for url in (f"/paper/{paper_form.pk}/", f"/paper/{paper_form.pk}/entry/", f"/paper/{paper_form.pk}/resolve/"):
        assert najaf.get(url).status_code == 404
    assert najaf.post(f"/paper/{paper_form.pk}/resolve/", {"c0": "first", "c1": "first"}).status_code == 404
    upload = SimpleUploadedFile("scan.png", PNG, content_type="image/png")
    assert najaf.post(f"/paper/{paper_form.pk}/scans/", {"file": upload}).status_code == 404
    assert "PHC-BASRA-1" not in najaf.get("/paper/").content.decode()
    assert not PaperResolution.objects.exists()


def test_who_may_open_the_pages(collection: CollectionWorld, personas: Personas) -> None:
    assert client_for(None).get("/paper/").status_code == 302
    assert client_for(personas.erbil_viewer).get("/paper/").status_code == 403  # neither perm
    assert client_for(personas.basra_manager).get("/paper/").status_code == 200


def test_the_list_filters_and_shows_agreement(collection: CollectionWorld, personas: Personas) -> None:
    paper_form = open_form(collection.collector, collection)
    key(collection.collector, paper_form, answers(collection))
    key(personas.basra_s1_supervisor, paper_form, answers(collection, respondent="عباس"))
    open_form(personas.basra_manager, collection, "HOSP-BASRA")
    client = client_for(personas.basra_manager)
    listing = client.get("/paper/", {"round": "herams-2026", "state": "conflicts"}).content.decode()
    assert f'data-paper-form="{paper_form.pk}"' in listing and listing.count("data-paper-form=") == 1
    assert 'data-clerk="basra-s1-collector"' in listing
    agreement = client.get(f"/paper/rounds/{collection.round.pk}/agreement/").content.decode()
    # Answered in either entry: 6 questions; they differ on the respondent only.
    assert 'data-count="compared">6<' in agreement and 'data-count="agreed">5<' in agreement


def test_a_refusal_by_the_pipeline_is_shown_on_the_conflict_screen(
    collection: CollectionWorld, personas: Personas
) -> None:
    paper_form = _conflicting(collection, personas)
    manager = client_for(personas.basra_manager)
    upload = SimpleUploadedFile("scan.pdf", b"%PDF-1.4\n", content_type="application/pdf")
    manager.post(f"/paper/{paper_form.pk}/scans/", {"file": upload})
    collection.round.state = "cleaning"
    collection.round.save(update_fields=["state"])
    page = manager.post(
        f"/paper/{paper_form.pk}/resolve/", {"c0": "first", "c1": "first", "confirm": "on"}, follow=True
    ).content.decode()
    assert "The record could not be sent" in page
    paper_form.refresh_from_db()
    assert paper_form.state == PaperFormState.CONFLICTS
    assert not PaperResolution.objects.exists() and not RawSubmission.objects.exists()
