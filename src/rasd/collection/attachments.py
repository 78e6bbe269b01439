"""The form attachments rasd generates per user: `facilities.csv` and `sectors.csv`.

The default questionnaire picks the facility from `facilities.csv` and the sector from `sectors.csv`
(`select_one_from_file`). Each user gets only the facilities they are asked to report on: a data collector those
of their assignments, an office user the facilities the round expects within their scope. The columns are those of
the examples in `questionnaires/default/`; see docs/questionnaire.md.

The bytes are deterministic (fixed column order, rows ordered by code, `\n` line ends), so their md5 — the hash
the OpenRosa manifest announces — changes exactly when the content does, and phones download the file again only
then.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import Exists, OuterRef, QuerySet

from rasd.accounts.roles import Perm, Role
from rasd.accounts.scoping import scoped
from rasd.collection.models import Assignment, ExpectedFacility, Round, RoundState
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Facility, Sector

FACILITIES = "facilities.csv"
SECTORS = "sectors.csv"
ATTACHMENT_NAMES: tuple[str, ...] = (FACILITIES, SECTORS)

FACILITY_COLUMNS = (
    "name",
    "label",
    "label_ar",
    "label_ckb",
    "label_en",
    "directorate",
    "sector",
    "type",
    "level_of_care",
    "status",
)
SECTOR_COLUMNS = ("name", "label", "label_ar", "label_ckb", "label_en", "directorate")


def facility_row(facility: Facility) -> dict[str, str]:
    """One facility's row of `facilities.csv`, as the form's calculations read it (the same columns and values
    as `facilities_csv`)."""
    values = (
        facility.code,
        facility.name_ar,
        facility.name_ar,
        facility.name_ckb,
        facility.name_en,
        facility.directorate.code,
        facility.sector.code if facility.sector else "",
        facility.facility_type.code,
        facility.facility_type.level_of_care,
        facility.status,
    )
    return dict(zip(FACILITY_COLUMNS, (value or "" for value in values), strict=True))


def sector_rows(facility: Facility, sectors: Iterable[Sector] | None = None) -> list[dict[str, str]]:
    """The rows of `sectors.csv` for a facility's directorate (all its sectors unless `sectors` is given)."""
    if sectors is None:
        sectors = Sector.objects.filter(directorate_id=facility.directorate_id).order_by("code")
    code = facility.directorate.code
    return [
        dict(
            zip(
                SECTOR_COLUMNS,
                (sector.code, sector.name_ar, sector.name_ar, sector.name_ckb or "", sector.name_en or "", code),
                strict=True,
            )
        )
        for sector in sectors
    ]


def collecting_rounds(version: QuestionnaireVersion) -> QuerySet[Round]:
    """The rounds that accept `version` now (normally one: a version is accepted by one collecting round)."""
    return Round.objects.filter(state=RoundState.COLLECTING, versions=version)


def facilities_for(user: Any, version: QuestionnaireVersion) -> QuerySet[Facility]:
    """The facilities `user` reports on with `version`: a data collector's assignments (of facilities still
    expected), an office user's expected facilities within their scope. Empty for anybody who may not submit."""
    if user is None or not user.can(Perm.SUBMIT_DATA):
        return Facility.objects.none()
    rounds = collecting_rounds(version)
    if user.role == Role.DATA_COLLECTOR:
        still_expected = ExpectedFacility.objects.filter(
            round=OuterRef("round"), facility=OuterRef("facility"), removed_at__isnull=True
        )
        ids = Assignment.objects.filter(round__in=rounds, collector=user).filter(Exists(still_expected))
        return Facility.objects.filter(pk__in=ids.values("facility"))
    expected = scoped(user, ExpectedFacility.objects.filter(round__in=rounds, removed_at__isnull=True))
    return Facility.objects.filter(pk__in=expected.values("facility"))


def _csv(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(["" if value is None else value for value in row] for row in rows)
    return buffer.getvalue().encode("utf-8")


def facilities_csv(facilities: QuerySet[Facility]) -> bytes:
    # Clients show the `label` column whatever the form's language: Arabic, the official name.
    rows = facilities.order_by("code").values_list(
        "code",
        "name_ar",
        "name_ar",
        "name_ckb",
        "name_en",
        "directorate__code",
        "sector__code",
        "facility_type__code",
        "facility_type__level_of_care",
        "status",
    )
    return _csv(FACILITY_COLUMNS, rows)


def sectors_csv(user: Any, facilities: QuerySet[Facility]) -> bytes:
    """The sectors of the facilities' directorates that the user covers: the form asks for the sector before the
    facility, so a collector needs their own sectors, a directorate manager all those of the directorate."""
    directorates = facilities.values("directorate")
    sectors = scoped(user, Sector.objects.filter(directorate__in=directorates))
    rows = sectors.order_by("code").values_list(
        "code", "name_ar", "name_ar", "name_ckb", "name_en", "directorate__code"
    )
    return _csv(SECTOR_COLUMNS, rows)


def form_attachment(user: Any, version: QuestionnaireVersion, name: str) -> bytes | None:
    """The bytes of the attachment `name` of `version` as `user` gets it, or None when rasd has no such file."""
    if name == FACILITIES:
        return facilities_csv(facilities_for(user, version))
    if name == SECTORS:
        return sectors_csv(user, facilities_for(user, version))
    return None
