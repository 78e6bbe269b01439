"""The open issues of a round as an Excel workbook, for field follow-up: one row per issue, with the record's
facility, place and collector, a link to the record, the rule, the question and the message, all in the chosen
language (right to left for Arabic and Kurdish). Text is neutralised against formula injection as in the other
exports (`rasd.registry.exporting.neutralise`)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO, TYPE_CHECKING, Any

from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.quality.dashboard import catalogue_of, records_in_scope, rule_titles
from rasd.quality.models import Issue, IssueStatus, Severity
from rasd.quality.rules import message_for
from rasd.registry.exporting import Cell, neutralise
from rasd.registry.models import Directorate, Sector
from rasd.registry.quality.base import SEVERITY_ORDER
from rasd.submissions.answers import label_in

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from rasd.collection.models import Round

RTL_LANGUAGES = ("ar", "ckb")
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"

# (header, column width in characters)
COLUMNS = (
    (_("Facility code"), 16),
    (_("Facility"), 36),
    (_("Directorate"), 24),
    (_("Sector"), 24),
    (_("Collector"), 24),
    (_("Record"), 40),
    (_("Version"), 9),
    (_("Rule code"), 28),
    (_("Rule"), 40),
    (_("Severity"), 11),
    (_("Question"), 40),
    (_("Message"), 80),
    (_("Found on"), 12),
)


def open_issues(user: User | None, round_: Round, directorate: Directorate | None = None) -> QuerySet[Issue]:
    """The open issues of the round in the user's scope (`user=None`: the whole country), optionally one
    directorate's (already checked to be in scope)."""
    return Issue.objects.filter(submission__in=records_in_scope(user, round_, directorate), status=IssueStatus.OPEN)


# What a row needs, read as plain values: building 5,000 issues with their records, facilities and versions as
# model instances took most of the export's time (and the versions' answers are not needed).
_VALUES = (
    "rule",
    "severity",
    "field",
    "params",
    "created_at",
    "submission_id",
    "submission__submitted_by_id",
    "submission__directorate_id",
    "submission__sector_id",
    "submission__facility__code",
    "submission__facility__name_ar",
    "submission__facility__name_en",
    "submission__facility__name_ckb",
    "last_version__number",
    "last_version__facility_code",
    "last_version__questionnaire_version_id",
)
_LINK_PLACEHOLDER = 2_147_483_647


def issue_rows(user: User | None, issues: QuerySet[Issue], language: str, base_url: str = "") -> list[list[Cell]]:
    """The rows of the sheet (without the header), in `language`, by directorate, facility, record, then the most
    severe first. `base_url` makes the record links absolute. A collector's name is given only when `user` may see
    the account, as on the submission pages."""
    found = [dict(zip(_VALUES, values, strict=True)) for values in issues.values_list(*_VALUES).order_by()]
    directorates = Directorate.objects.in_bulk({row["submission__directorate_id"] for row in found} - {None})
    sectors = Sector.objects.in_bulk({row["submission__sector_id"] for row in found} - {None})
    accounts = User.objects.filter(pk__in={row["submission__submitted_by_id"] for row in found} - {None})
    visible = {account.pk: account for account in (accounts if user is None else scoped(user, accounts))}
    catalogue = catalogue_of(row["last_version__questionnaire_version_id"] for row in found)
    link = base_url + reverse("submissions:submission_detail", args=[_LINK_PLACEHOLDER])

    def order(row: dict[str, Any]) -> tuple[str, str, int, int, str, str]:
        directorate = directorates.get(row["submission__directorate_id"])
        severity = SEVERITY_ORDER.get(Severity(row["severity"]), 3)
        place = directorate.code if directorate is not None else ""
        return (place, _facility_code(row), row["submission_id"], severity, row["rule"], row["field"])

    found.sort(key=order)
    rows: list[list[Cell]] = []
    with translation.override(language):
        titles = rule_titles({row["rule"] for row in found}, language)
        severities = {str(severity): str(severity.label) for severity in Severity}
        names = {pk: item.name for pk, item in directorates.items()}
        sector_names = {pk: item.name for pk, item in sectors.items()}
        for row in found:
            account = visible.get(row["submission__submitted_by_id"])
            facility = {code: row[f"submission__facility__name_{code}"] or "" for code in ("ar", "en", "ckb")}
            rows.append(
                [
                    _facility_code(row),
                    label_in(facility, language),
                    names.get(row["submission__directorate_id"], ""),
                    sector_names.get(row["submission__sector_id"], ""),
                    (account.full_name or account.username) if account is not None else "",
                    link.replace(str(_LINK_PLACEHOLDER), str(row["submission_id"])),
                    row["last_version__number"],
                    row["rule"],
                    titles.get(row["rule"], row["rule"]),
                    severities.get(row["severity"], row["severity"]),
                    catalogue.label(row["field"], language) if row["field"] else "",
                    message_for(row["rule"], row["field"], row["params"] or {}),
                    timezone.localtime(row["created_at"]).date(),
                ]
            )
    return rows


def _facility_code(row: dict[str, Any]) -> str:
    # The facility as the master list knows it, or the code as submitted when it is unknown.
    return str(row["submission__facility__code"] or row["last_version__facility_code"])


def write_xlsx(rows: Iterable[list[Cell]], language: str, target: IO[bytes] | str) -> int:
    """Write the sheet (openpyxl's write-only mode): bold frozen header, widths, a filter on every column, right to
    left for Arabic and Kurdish. Returns the number of issues written."""
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    workbook = Workbook(write_only=True)
    with translation.override(language):
        sheet = workbook.create_sheet(str(_("Open issues"))[:31])
        headers = [str(header) for header, _width in COLUMNS]
    # The view and the columns are written before the first row.
    sheet.sheet_view.rightToLeft = language in RTL_LANGUAGES
    sheet.freeze_panes = "A2"
    for position, (_header, width) in enumerate(COLUMNS, start=1):
        sheet.column_dimensions[get_column_letter(position)].width = width
    bold = Font(bold=True)
    header_cells = []
    for header in headers:
        cell = WriteOnlyCell(sheet, value=header)
        cell.font = bold
        header_cells.append(cell)
    sheet.append(header_cells)
    count = 0
    for values in rows:
        sheet.append([neutralise(_legal(value)) for value in values])
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(COLUMNS))}{count + 1}"
    workbook.save(target)
    return count


def _legal(value: Cell) -> Cell:
    """Control characters an XLSX cannot hold (a pasted answer may carry them) are dropped."""
    from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE

    return ILLEGAL_CHARACTERS_RE.sub("", value) if isinstance(value, str) else value
