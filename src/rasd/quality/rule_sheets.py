"""Cross-field rules attached to a questionnaire in its XLSForm: a `rasd_rules` sheet next to `survey` and
`choices`, one rule a row, with the columns of the catalogue file:

    code | name::Arabic (ar) | name::Kurdish Sorani (ckb) | name::English (en) | message::Arabic (ar) | …
         | left_side | operator | right_side | importance | missing_value_strategy

The languages are written as in the survey sheet's labels (`label::Arabic (ar)`; `name::ar` works too).
pyxform ignores the sheet, so the form itself is unchanged. `rasd load_quality_rules --questionnaire FORM_ID`
reads it from the questionnaire's latest published version and saves the rules, attached to the questionnaire,
through the same checks as any rule.
"""

from __future__ import annotations

import io
import re
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from rasd.quality.models import RuleOrigin
from rasd.quality.rule_services import definition_from, load_rules
from rasd.quality.services import QualityError
from rasd.questionnaires.models import Questionnaire, QuestionnaireVersion, VersionState

if TYPE_CHECKING:
    from rasd.accounts.models import User

SHEET = "rasd_rules"
TRANSLATED = ("name", "message")
_LANGUAGE = re.compile(r"\(([A-Za-z-]+)\)\s*$")


def entries_of(content: bytes) -> list[dict[str, Any]]:
    """The rules of the workbook's `rasd_rules` sheet (none when it has no such sheet)."""
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds (zip, XML, key errors) for a file that is not a workbook
        raise QualityError(_("The questionnaire's file is not an Excel workbook (.xlsx).")) from error
    try:
        if SHEET not in workbook.sheetnames:
            return []
        rows = [
            ["" if value is None else str(value).strip() for value in row]
            for row in workbook[SHEET].iter_rows(values_only=True)
        ]
    finally:
        workbook.close()
    if not rows:
        return []
    headers = [header.strip() for header in rows[0]]
    return [_entry(headers, row) for row in rows[1:] if any(row)]


def _entry(headers: list[str], row: list[str]) -> dict[str, Any]:
    entry: dict[str, Any] = {key: {} for key in TRANSLATED}
    for header, value in zip(headers, row, strict=False):
        column, _sep, language = header.partition("::")
        if column in TRANSLATED and language:
            found = _LANGUAGE.search(language)
            entry[column][(found.group(1) if found else language).strip().lower()] = value
        elif header:
            entry[header] = value
    return entry


def load_questionnaire_rules(actor: User | None, questionnaire: Questionnaire) -> tuple[int, int, int]:
    """Save the rules of the `rasd_rules` sheet of the questionnaire's latest published version, attached to the
    questionnaire. Returns (created, changed, unchanged); a refused rule stores none."""
    version = (
        QuestionnaireVersion.objects.filter(questionnaire=questionnaire, state=VersionState.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )
    if version is None:
        raise QualityError(_("The questionnaire has no published version."))
    entries = entries_of(bytes(version.xlsform))
    definitions = [definition_from(entry, RuleOrigin.DHIS2, questionnaire) for entry in entries]
    reason = _("Rules of the questionnaire %(version)s") % {"version": f"{questionnaire.form_id} {version.version}"}
    return load_rules(actor, definitions, reason=reason)
