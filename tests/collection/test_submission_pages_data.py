"""Submission records for tests of the submission pages, the export and the scope matrix.

Rows are created directly (raw submission, record, versions, attachments), as the ingestion pipeline would leave
them, so these tests do not depend on the pipeline's rules. Raw submissions, versions and attachments can only be
inserted (database triggers), so nothing here ever updates them. One test per area also goes through
`rasd.submissions.ingest` for realism.
"""

from __future__ import annotations

import datetime
import hashlib
import uuid
import zlib
from collections.abc import Sequence
from typing import Any
from xml.sax.saxutils import escape

from django.core.files.base import ContentFile

from rasd.accounts.models import User
from rasd.collection.models import DeviceToken, Round
from rasd.questionnaires.models import Questionnaire, QuestionnaireField, QuestionnaireVersion
from rasd.registry.models import Directorate, Facility, Sector
from rasd.submissions.models import (
    Attachment,
    RawSubmission,
    Source,
    Submission,
    SubmissionState,
    SubmissionVersion,
)

FACILITY = "/data/identification/facility"
DAMAGE = "/data/building/building_damage"
PARTNERS = "/data/support/partner_count"
CONFIRMED = "/data/confirmation/facility_confirmed"
CORRECTED_NAME = "/data/confirmation/corrected_name"

WHEN = datetime.datetime(2026, 3, 1, 9, 0, tzinfo=datetime.UTC)


def instance_xml(
    version: QuestionnaireVersion, instance_id: str, answers: dict[str, Any], deprecated: str = ""
) -> bytes:
    """A flat instance document: enough for the raw-XML download (the pages never parse it)."""
    form_id = version.questionnaire.form_id
    body = "".join(
        f"<{path.rsplit('/', 1)[-1]}>{escape(' '.join(map(str, value)) if isinstance(value, list) else str(value))}"
        f"</{path.rsplit('/', 1)[-1]}>"
        for path, value in answers.items()
    )
    meta = f"<instanceID>{instance_id}</instanceID>" + (
        f"<deprecatedID>{deprecated}</deprecatedID>" if deprecated else ""
    )
    root = f'<data id="{form_id}" version="{version.version}">'
    text = f'<?xml version="1.0" encoding="UTF-8"?>{root}{body}<meta>{meta}</meta></data>'
    return text.encode("utf-8")


def _raw(
    xml: bytes,
    instance_id: str,
    version: QuestionnaireVersion,
    *,
    submitter: User | None,
    device: DeviceToken | None,
    source: str,
    received_at: datetime.datetime,
    deprecated: str | None = None,
    reason: str = "",
) -> RawSubmission:
    return RawSubmission.objects.create(
        instance_id=instance_id,
        deprecated_id=deprecated,
        sha256=hashlib.sha256(xml).hexdigest(),
        xml_zlib=zlib.compress(xml),
        size=len(xml),
        form_id=version.questionnaire.form_id,
        form_version=version.version,
        source=source,
        received_at=received_at,
        submitted_by=submitter,
        device=device,
        reason=reason,
    )


def _attach(raw: RawSubmission, attachments: Sequence[tuple[str, str, bytes]]) -> None:
    for name, content_type, content in attachments:
        digest = hashlib.sha256(content).hexdigest()
        attachment = Attachment(raw=raw, name=name, content_type=content_type, size=len(content), sha256=digest)
        attachment.file.save(digest, ContentFile(content), save=False)
        attachment.save()


def make_record(
    round_: Round,
    version: QuestionnaireVersion,
    *,
    facility: Facility | None = None,
    directorate: Directorate | None = None,
    sector: Sector | None = None,
    answers: dict[str, Any] | None = None,
    submitter: User | None = None,
    device: DeviceToken | None = None,
    instance_id: str | None = None,
    state: str = SubmissionState.RECEIVED,
    reason: str = "",
    facility_code: str = "",
    source: str = Source.OPENROSA,
    received_at: datetime.datetime | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
    gps: tuple[float, float, float, float] | None = None,
) -> Submission:
    """A record with one version, placed by its facility (or by the directorate/sector given)."""
    instance_id = instance_id or f"uuid:{uuid.uuid4()}"
    received_at = received_at or WHEN
    code = facility_code or (facility.code if facility is not None else "")
    answers = dict(answers if answers is not None else ({FACILITY: code} if code else {}))
    xml = instance_xml(version, instance_id, answers)
    raw = _raw(xml, instance_id, version, submitter=submitter, device=device, source=source, received_at=received_at)
    _attach(raw, attachments)
    record = Submission.objects.create(
        round=round_,
        questionnaire=version.questionnaire,
        first_instance_id=instance_id,
        facility=facility,
        directorate=directorate or (facility.directorate if facility is not None else None),
        sector=sector or (facility.sector if facility is not None else None),
        state=state,
        quarantine_reason=reason,
        submitted_by=submitter,
        created_at=received_at,
        updated_at=received_at,
    )
    _version(record, raw, version, answers, code, 1, submitter=submitter, device=device, gps=gps)
    return record


def _version(
    record: Submission,
    raw: RawSubmission,
    version: QuestionnaireVersion,
    answers: dict[str, Any],
    code: str,
    number: int,
    *,
    submitter: User | None,
    device: DeviceToken | None,
    gps: tuple[float, float, float, float] | None = None,
    deprecated: str = "",
) -> SubmissionVersion:
    latitude, longitude, altitude, accuracy = gps or (None, None, None, None)
    created = SubmissionVersion.objects.create(
        submission=record,
        number=number,
        raw=raw,
        instance_id=raw.instance_id,
        deprecated_id=deprecated,
        questionnaire_version=version,
        answers=answers,
        facility_code=code,
        latitude=latitude,
        longitude=longitude,
        altitude=altitude,
        accuracy=accuracy,
        source=raw.source,
        submitted_by=submitter,
        device=device,
        received_at=raw.received_at,
    )
    record.current_version = created
    record.version_count = number
    record.updated_at = raw.received_at
    record.save(update_fields=["current_version", "version_count", "updated_at"])
    return created


def add_version(
    record: Submission,
    answers: dict[str, Any],
    *,
    submitter: User | None = None,
    reason: str = "",
    source: str = Source.WEB,
    received_at: datetime.datetime | None = None,
    attachments: Sequence[tuple[str, str, bytes]] = (),
) -> SubmissionVersion:
    """An edit: a new version whose deprecatedID names the current one."""
    current = record.current_version
    assert current is not None
    instance_id = f"uuid:{uuid.uuid4()}"
    version = current.questionnaire_version
    xml = instance_xml(version, instance_id, answers, deprecated=current.instance_id)
    received_at = received_at or (current.received_at + datetime.timedelta(hours=1))
    raw = _raw(
        xml,
        instance_id,
        version,
        submitter=submitter,
        device=None,
        source=source,
        received_at=received_at,
        deprecated=current.instance_id,
        reason=reason,
    )
    _attach(raw, attachments)
    return _version(
        record,
        raw,
        version,
        answers,
        current.facility_code,
        current.number + 1,
        submitter=submitter,
        device=None,
        deprecated=current.instance_id,
    )


def small_round(code: str = "matrix-round") -> tuple[Round, QuestionnaireVersion]:
    """A round with a two-question questionnaire (for tests that do not need the default questionnaire)."""
    questionnaire = Questionnaire.objects.create(form_id=f"{code}-form", title="marker-free questionnaire")
    version = QuestionnaireVersion.objects.create(
        questionnaire=questionnaire, version="1", xlsform=b"", xform="", md5="", languages=["ar", "en"]
    )
    fields = [
        ("/data/identification", "identification", "group", "group", {"ar": "التعريف", "en": "Identification"}, ""),
        (FACILITY, "facility", "question", "select_one", {"ar": "المؤسسة", "en": "Facility"}, "/data/identification"),
        (PARTNERS, "partner_count", "question", "integer", {"ar": "عدد الشركاء", "en": "Partners"}, ""),
    ]
    for position, (path, name, kind, type_, labels, parent) in enumerate(fields):
        QuestionnaireField.objects.create(
            version=version,
            position=position,
            path=path,
            name=name,
            kind=kind,
            type=type_,
            labels=labels,
            parent_path=parent,
            list_name="facilities.csv" if type_ == "select_one" else "",
        )
    round_ = Round.objects.create(
        code=code,
        name=f"Round {code}",
        period_start=datetime.date(2026, 1, 1),
        period_end=datetime.date(2026, 12, 31),
        deadline=datetime.date(2026, 12, 31),
        state="collecting",
    )
    round_.versions.add(version)
    return round_, version
