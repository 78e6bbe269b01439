"""Which paper form a clerk holds: read from its QR code (a hand scanner "types" the JSON made by
`rasd.questionnaires.paper.render.qr_payload`, or it is pasted) or typed (facility code, round, version), then
checked: the round collects, accepts the version and expects the facility, and the facility is in the clerk's scope.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.translation import gettext as _

from rasd.accounts.scoping import scoped
from rasd.collection.models import ExpectedFacility, Round, RoundState
from rasd.lib.digits import latin_digits
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Facility

if TYPE_CHECKING:
    from rasd.accounts.models import User


class PaperEntryError(Exception):
    """A refused paper-entry action, with a translated message for the page. `field` names the form field it is
    about, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


@dataclass(frozen=True)
class Wanted:
    """What the clerk asked for, before it is checked. Empty strings are parts not given."""

    facility: str = ""
    form_id: str = ""
    version: str = ""
    round: str = ""
    payload: str = ""


@dataclass(frozen=True)
class Identity:
    round: Round
    version: QuestionnaireVersion
    facility: Facility
    payload: str


def read_payload(text: str) -> Wanted:
    """The QR code's JSON, `{"f": facility, "q": form id, "v": version, "r": round}`; raises `PaperEntryError`."""
    # A hand scanner set to another keyboard layout may deliver Arabic-Indic digits; braces and quotes survive.
    cleaned = latin_digits(text.strip()).replace("“", '"').replace("”", '"')
    try:
        data = json.loads(cleaned)
    except ValueError:
        data = None
    if not isinstance(data, dict) or not all(isinstance(value, str) for value in data.values()):
        raise PaperEntryError(
            _("Not a rasd paper form code: scan the QR code on the first page again, or type the details."),
            field="payload",
        )
    if not data.get("q") or not data.get("v"):
        raise PaperEntryError(_("The code names no form or version: it was not printed by rasd."), field="payload")
    return Wanted(
        facility=data.get("f", "").strip(),
        form_id=data["q"].strip(),
        version=data["v"].strip(),
        round=data.get("r", "").strip(),
        payload=text.strip(),
    )


def identify(user: User, wanted: Wanted) -> Identity:
    """The round, version and facility the paper form names, checked for this clerk; raises `PaperEntryError`."""
    if not wanted.facility:
        raise PaperEntryError(_("The code is of a blank form: type the facility code written on it."), field="facility")
    facility = (
        scoped(user, Facility.objects.select_related("directorate", "sector"))
        .filter(code__iexact=wanted.facility.strip())
        .first()
    )
    if facility is None:
        raise PaperEntryError(
            _("No facility with the code “%(code)s” in your part of the country.") % {"code": wanted.facility},
            field="facility",
        )
    round_ = _round(wanted)
    version = _version(round_, wanted)
    if round_.state != RoundState.COLLECTING:
        raise PaperEntryError(
            _("The round “%(round)s” is not collecting (it is %(state)s): paper forms are keyed while it collects.")
            % {"round": round_.code, "state": round_.get_state_display()},
            field="round",
        )
    expected = ExpectedFacility.objects.filter(round=round_, facility=facility, removed_at__isnull=True)
    if not expected.exists():
        raise PaperEntryError(
            _("The round “%(round)s” does not expect the facility “%(code)s”.")
            % {"round": round_.code, "code": facility.code},
            field="facility",
        )
    return Identity(round=round_, version=version, facility=facility, payload=wanted.payload)


def _round(wanted: Wanted) -> Round:
    if wanted.round:
        found = Round.objects.filter(code=wanted.round).first()
        if found is None:
            raise PaperEntryError(_("There is no round “%(round)s”.") % {"round": wanted.round}, field="round")
        return found
    # A form printed without a round: the round collecting its version (at most one collects a version).
    collecting = Round.objects.filter(
        state=RoundState.COLLECTING,
        versions__questionnaire__form_id=wanted.form_id,
        versions__version=wanted.version,
    ).first()
    if collecting is None:
        raise PaperEntryError(
            _("No round is collecting version “%(version)s” of the form “%(form)s”: choose the round.")
            % {"version": wanted.version, "form": wanted.form_id},
            field="round",
        )
    return collecting


def _version(round_: Round, wanted: Wanted) -> QuestionnaireVersion:
    version = (
        round_.versions.select_related("questionnaire")
        .filter(questionnaire__form_id=wanted.form_id, version=wanted.version)
        .first()
    )
    if version is None:
        raise PaperEntryError(
            _("The round “%(round)s” does not accept version “%(version)s” of the form “%(form)s”.")
            % {"round": round_.code, "version": wanted.version, "form": wanted.form_id},
            field="version",
        )
    return version
