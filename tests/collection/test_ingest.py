"""The ingestion pipeline: new records, resends, edits and refusals (rasd.submissions.ingest)."""

from __future__ import annotations

import uuid
from xml.sax.saxutils import escape

import pytest

from rasd.accounts.models import User
from rasd.collection.models import RoundState
from rasd.submissions.ingest import (
    DeprecatedNotFound,
    IncomingAttachment,
    IncomingSubmission,
    InstanceConflict,
    NotAcceptingSubmissions,
    NotPermitted,
    Outcome,
    StaleEdit,
    UnknownForm,
    UnknownFormVersion,
    ingest,
)
from rasd.submissions.models import RawSubmission, Source, Submission, SubmissionState, SubmissionVersion
from tests.collection_fixtures import CollectionWorld

FACILITY = "PHC-BASRA-1"  # in the collector's sector (basra-1), expected in the round


def new_id() -> str:
    return f"uuid:{uuid.uuid4()}"


def make_instance(
    facility: str | None = FACILITY,
    *,
    instance_id: str | None = None,
    deprecated_id: str | None = None,
    form_id: str = "herams_iraq",
    version: str = "2026.1",
    answers: dict[str, str] | None = None,
    root: str = "data",
) -> bytes:
    """A minimal valid instance of the default questionnaire (element structure as in its XForm)."""
    values = {
        "building/building_damage": "none",
        "support/partner_count": "3",
        "confirmation/gps": "30.5 47.8 12 5",
        "functionality_page/functionality_causes": "staff supplies",
    }
    values.update(answers or {})
    if facility is not None:
        values["identification/facility"] = facility
    groups: dict[str, list[str]] = {}
    for path, value in values.items():
        group, name = path.split("/")
        groups.setdefault(group, []).append(f"<{name}>{escape(value)}</{name}>")
    body = "".join(f"<{group}>{''.join(children)}</{group}>" for group, children in groups.items())
    meta = f"<instanceID>{instance_id or new_id()}</instanceID>"
    if deprecated_id:
        meta += f"<deprecatedID>{deprecated_id}</deprecatedID>"
    return (
        f'<?xml version="1.0"?><{root} xmlns:jr="http://openrosa.org/javarosa" '
        f'xmlns:orx="http://openrosa.org/xforms" id="{form_id}" version="{version}">'
        "<start>2026-03-01T09:00:00.000+03:00</start><end>2026-03-01T09:40:00.000+03:00</end>"
        f"{body}<meta>{meta}<instanceName>test</instanceName></meta></{root}>"
    ).encode()


def submit(
    world: CollectionWorld,
    xml: bytes,
    *,
    user: User | None = None,
    attachments: tuple[IncomingAttachment, ...] = (),
) -> object:
    return ingest(
        IncomingSubmission(
            xml=xml,
            source=Source.OPENROSA,
            submitted_by=user or world.collector,
            device=world.token if user is None else None,
            attachments=attachments,
            user_agent="org.odk.collect.android/v2024.3.0",
        )
    )


@pytest.mark.django_db
def test_new_submission_creates_a_record(collection: CollectionWorld) -> None:
    instance_id = new_id()
    result = submit(collection, make_instance(instance_id=instance_id))
    assert result.outcome == Outcome.CREATED
    submission = Submission.objects.get()
    assert submission.first_instance_id == instance_id
    assert submission.round == collection.round
    assert submission.facility == collection.facilities[FACILITY]
    assert submission.state == SubmissionState.RECEIVED
    assert submission.version_count == 1
    version = submission.current_version
    assert version is not None and version.number == 1
    assert version.answers["/data/identification/facility"] == FACILITY
    assert version.answers["/data/support/partner_count"] == 3
    assert version.answers["/data/confirmation/gps"] == [30.5, 47.8, 12.0, 5.0]
    assert version.answers["/data/functionality_page/functionality_causes"] == ["staff", "supplies"]
    assert (version.latitude, version.longitude, version.altitude, version.accuracy) == (30.5, 47.8, 12.0, 5.0)
    assert version.started_at is not None and version.ended_at is not None
    assert version.device == collection.token
    assert RawSubmission.objects.get().xml == make_instance(instance_id=instance_id)


@pytest.mark.django_db
def test_identical_resend_is_one_record(collection: CollectionWorld) -> None:
    xml = make_instance()
    assert submit(collection, xml).outcome == Outcome.CREATED
    again = submit(collection, xml)
    assert again.outcome == Outcome.DUPLICATE
    assert again.submission is not None
    assert Submission.objects.count() == 1 and RawSubmission.objects.count() == 1


@pytest.mark.django_db
def test_same_instance_id_different_xml_conflicts(collection: CollectionWorld) -> None:
    instance_id = new_id()
    submit(collection, make_instance(instance_id=instance_id))
    with pytest.raises(InstanceConflict) as error:
        submit(collection, make_instance(instance_id=instance_id, answers={"support/partner_count": "4"}))
    assert error.value.status == 409
    assert RawSubmission.objects.count() == 1


@pytest.mark.django_db
def test_edit_makes_version_two(collection: CollectionWorld) -> None:
    first = new_id()
    submit(collection, make_instance(instance_id=first))
    second = new_id()
    result = submit(
        collection, make_instance(instance_id=second, deprecated_id=first, answers={"support/partner_count": "5"})
    )
    assert result.outcome == Outcome.EDITED
    submission = Submission.objects.get()
    assert submission.version_count == 2
    assert submission.first_instance_id == first
    current = submission.current_version
    assert current is not None
    assert (current.number, current.instance_id, current.deprecated_id) == (2, second, first)
    assert current.answers["/data/support/partner_count"] == 5
    # Sending the edit again is a duplicate, not a stale edit.
    again = submit(
        collection, make_instance(instance_id=second, deprecated_id=first, answers={"support/partner_count": "5"})
    )
    assert again.outcome == Outcome.DUPLICATE


@pytest.mark.django_db
def test_stale_edit_conflicts(collection: CollectionWorld) -> None:
    first = new_id()
    submit(collection, make_instance(instance_id=first))
    submit(collection, make_instance(deprecated_id=first, answers={"support/partner_count": "5"}))
    with pytest.raises(StaleEdit) as error:
        submit(collection, make_instance(deprecated_id=first, answers={"support/partner_count": "6"}))
    assert error.value.status == 409
    assert SubmissionVersion.objects.count() == 2 and RawSubmission.objects.count() == 2


@pytest.mark.django_db
def test_edit_of_unknown_instance_is_not_found(collection: CollectionWorld) -> None:
    with pytest.raises(DeprecatedNotFound) as error:
        submit(collection, make_instance(deprecated_id=new_id()))
    assert error.value.status == 404
    assert not RawSubmission.objects.exists()


@pytest.mark.django_db
def test_unknown_form_and_version(collection: CollectionWorld) -> None:
    with pytest.raises(UnknownForm) as error:
        submit(collection, make_instance(form_id="nope"))
    assert error.value.status == 404
    with pytest.raises(UnknownFormVersion) as version_error:
        submit(collection, make_instance(version="1999"))
    assert version_error.value.status == 404
    assert not RawSubmission.objects.exists()


@pytest.mark.django_db
def test_round_not_collecting(collection: CollectionWorld) -> None:
    collection.round.state = RoundState.CLEANING
    collection.round.save()
    with pytest.raises(NotAcceptingSubmissions) as error:
        submit(collection, make_instance())
    assert error.value.status == 409
    assert not RawSubmission.objects.exists()


@pytest.mark.django_db
def test_edit_while_cleaning_is_accepted_but_not_once_closed(collection: CollectionWorld) -> None:
    first = new_id()
    submit(collection, make_instance(instance_id=first))
    collection.round.state = RoundState.CLEANING
    collection.round.save()
    second = new_id()
    assert submit(collection, make_instance(instance_id=second, deprecated_id=first)).outcome == Outcome.EDITED
    collection.round.state = RoundState.CLOSED
    collection.round.save()
    with pytest.raises(NotAcceptingSubmissions):
        submit(collection, make_instance(deprecated_id=second))
    assert RawSubmission.objects.count() == 2


@pytest.mark.django_db
def test_viewer_may_not_submit(collection: CollectionWorld, personas: object) -> None:
    viewer = personas.erbil_viewer  # type: ignore[attr-defined]
    with pytest.raises(NotPermitted) as error:
        submit(collection, make_instance(), user=viewer)
    assert error.value.status == 403
    assert not RawSubmission.objects.exists()


@pytest.mark.django_db
def test_two_edits_of_one_version_racing(collection: CollectionWorld, monkeypatch: pytest.MonkeyPatch) -> None:
    """The loser of a race passed the "is it current?" check before the winner committed: the unique
    deprecated_id of the raw table refuses its insert, and it is told its copy is stale."""
    from rasd.submissions import ingest as pipeline

    first = new_id()
    submit(collection, make_instance(instance_id=first))
    looked_up = pipeline._find_predecessor(first, pipeline._find_form("herams_iraq", "2026.1"))
    submit(collection, make_instance(deprecated_id=first, answers={"support/partner_count": "5"}))
    monkeypatch.setattr(pipeline, "_find_predecessor", lambda deprecated_id, form: looked_up)
    with pytest.raises(StaleEdit):
        submit(collection, make_instance(deprecated_id=first, answers={"support/partner_count": "6"}))
    assert SubmissionVersion.objects.count() == 2 and RawSubmission.objects.count() == 2
