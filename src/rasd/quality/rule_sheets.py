"""Cross-field rules attached to a questionnaire in its XLSForm: a `rasd_rules` sheet next to `survey` and
`choices`, one rule a row, with the columns of the catalogue file:

    code | name::Arabic (ar) | name::Kurdish Sorani (ckb) | name::English (en) | message::Arabic (ar) | …
         | left_side | operator | right_side | importance | missing_value_strategy

The languages are written as in the survey sheet's labels (`label::Arabic (ar)`; `name::ar` works too).
pyxform ignores the sheet, so the form itself is unchanged. `import_xlsform` saves the sheet's rules, attached to
the questionnaire, in the import's own transaction (`save_imported_rules`, an import hook): a refused row refuses
the whole import. `rasd load_quality_rules --questionnaire FORM_ID` reads the sheet again from the questionnaire's
latest published version. Both go through the same checks as any rule.
"""

from __future__ import annotations

import io
import re
import zipfile
from typing import TYPE_CHECKING, Any

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from rasd.quality.models import RuleOrigin
from rasd.quality.rule_services import definition_from, load_rules
from rasd.quality.services import QualityError
from rasd.questionnaires.models import Questionnaire, QuestionnaireVersion, VersionState
from rasd.questionnaires.xlsform import XLSFormError

if TYPE_CHECKING:
    from rasd.accounts.models import User

SHEET = "rasd_rules"
TRANSLATED = ("name", "message")
_LANGUAGE = re.compile(r"\(([A-Za-z-]+)\)\s*$")


def entries_of(content: bytes) -> list[tuple[int, dict[str, Any]]]:
    """The rules of the workbook's `rasd_rules` sheet with their row numbers (none when it has no such sheet)."""
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
    return [(number, _entry(headers, row)) for number, row in enumerate(rows[1:], start=2) if any(row)]


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


def load_version_rules(actor: User | None, version: QuestionnaireVersion) -> tuple[int, int, int]:
    """Save the rules of the version's `rasd_rules` sheet, attached to its questionnaire. Returns (created, changed,
    unchanged); a refused row stores none and the refusal names it ("rasd_rules sheet, row 3 (code): …")."""
    numbered = entries_of(bytes(version.xlsform))
    definitions = [definition_from(entry, RuleOrigin.DHIS2, version.questionnaire) for _row, entry in numbered]
    places = [_("%(sheet)s sheet, row %(row)d") % {"sheet": SHEET, "row": row} for row, _entry in numbered]
    reason = _("Rules of the questionnaire %(version)s") % {
        "version": f"{version.questionnaire.form_id} {version.version}"
    }
    return load_rules(actor, definitions, reason=reason, places=places)


def load_questionnaire_rules(actor: User | None, questionnaire: Questionnaire) -> tuple[int, int, int]:
    """Save the rules of the `rasd_rules` sheet of the questionnaire's latest published version."""
    version = (
        QuestionnaireVersion.objects.filter(questionnaire=questionnaire, state=VersionState.PUBLISHED)
        .order_by("-published_at", "-pk")
        .first()
    )
    if version is None:
        raise QualityError(_("The questionnaire has no published version."))
    return load_version_rules(actor, version)


def save_imported_rules(actor: User | None, version: QuestionnaireVersion) -> None:
    """The import hook (`rasd.questionnaires.hooks`): the rules of a new version's `rasd_rules` sheet are saved with
    it, or the import is refused with the reason."""
    content = bytes(version.xlsform)
    if not zipfile.is_zipfile(io.BytesIO(content)):
        return  # an older .xls workbook: only .xlsx workbooks carry a rasd_rules sheet rasd reads
    try:
        load_version_rules(actor, version)
    except QualityError as error:
        raise XLSFormError([error.message]) from None
    except PermissionDenied:
        raise XLSFormError(
            [_("The %(sheet)s sheet holds data-quality rules, which you may not change.") % {"sheet": SHEET}]
        ) from None
