"""Shared helpers of the paper double entry tests: the QR code of a printed form, a few answers that make a
plausible (not necessarily complete) default questionnaire, and keying through the services."""

from __future__ import annotations

from typing import Any

from rasd.accounts.models import User
from rasd.lib.request_context import acting_as
from rasd.paperentry import services
from rasd.paperentry.identify import read_payload
from rasd.paperentry.keying import key_sheet
from rasd.paperentry.models import PaperForm
from rasd.questionnaires.paper.render import qr_payload
from tests.collection_fixtures import CollectionWorld

DATE = "/data/identification/reporting_date"
CONFIRMED = "/data/confirmation/facility_confirmed"
RESPONDENT = "/data/confirmation/respondent_name"
DAMAGE = "/data/building/building_damage"
DAMAGE_CAUSES = "/data/building/building_damage_causes"
PARTNERS = "/data/support/partner_count"
BEDS = "/data/amenities/beds/beds_general"

# A tiny PNG and a PDF header: what a scanner produces, recognised by their first bytes.
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
PDF = b"%PDF-1.4\n%scan\n"


def qr(collection: CollectionWorld, code: str = "PHC-BASRA-1", round_code: str = "herams-2026") -> str:
    version = collection.version
    return qr_payload(version.questionnaire.form_id, version.version, code, round_code)


def choice(collection: CollectionWorld, path: str, index: int = 0) -> str:
    item = key_sheet(collection.version).by_path()[path]
    return str(item.choices[index]["name"])


def answers(collection: CollectionWorld, **overrides: Any) -> dict[str, Any]:
    values: dict[str, Any] = {
        DATE: "2026-03-05",
        CONFIRMED: "yes",
        RESPONDENT: "علي حسن",
        DAMAGE: choice(collection, DAMAGE, 0),
        PARTNERS: 2,
        BEDS: 12,
    }
    for key, value in overrides.items():
        path = globals()[key.upper()]
        if value is None:
            values.pop(path, None)
        else:
            values[path] = value
    return values


def open_form(user: User, collection: CollectionWorld, code: str = "PHC-BASRA-1") -> PaperForm:
    with acting_as(user):
        paper_form, _created = services.open_paper_form(user, read_payload(qr(collection, code)))
    return paper_form


def key(user: User, paper_form: PaperForm, values: dict[str, Any]) -> services.EntryOutcome:
    with acting_as(user):
        return services.save_entry(user, paper_form, values)


def post_data(collection: CollectionWorld, values: dict[str, Any]) -> dict[str, Any]:
    """The entry page's POST for these answers (fields are named q<position> in the key sheet)."""
    sheet = key_sheet(collection.version)
    data: dict[str, Any] = {}
    for index, item in enumerate(sheet.fields):
        if item.path in values:
            value = values[item.path]
            data[f"q{index}"] = value if isinstance(value, list) else str(value)
    return data
