"""The default questionnaire "HeRAMS Iraq standard", kept as reviewable CSV sheets and built into an XLSForm.

`default/survey.csv`, `default/choices.csv` and `default/settings.csv` hold one XLSForm row per line (UTF-8), so
a yearly revision is an ordinary diff. `build_xlsx` writes them, unchanged, into the three sheets of an `.xlsx`
workbook that pyxform and the questionnaire import read. `default/facilities.csv` and `default/sectors.csv` are
small examples of the per-collector attachments, used only to check the form; see docs/questionnaire.md.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path

from openpyxl import Workbook

DEFAULT_DIR = Path(__file__).resolve().parent / "default"
SHEETS = ("survey", "choices", "settings")
FILENAME = "herams_iraq.xlsx"
ATTACHMENTS = ("facilities.csv", "sectors.csv")


def read_sheet(directory: Path, sheet: str) -> list[list[str]]:
    """The rows of one sheet's CSV, header first."""
    with (directory / f"{sheet}.csv").open(encoding="utf-8", newline="") as handle:
        return list(csv.reader(handle))


def build_xlsx(directory: Path = DEFAULT_DIR) -> bytes:
    """The XLSForm workbook built from the CSV sheets in `directory`."""
    workbook = Workbook()
    default_sheet = workbook.active
    if default_sheet is not None:
        workbook.remove(default_sheet)
    for sheet in SHEETS:
        worksheet = workbook.create_sheet(sheet)
        for row in read_sheet(directory, sheet):
            worksheet.append([cell if cell != "" else None for cell in row])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
