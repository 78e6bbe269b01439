"""What an import found and did: problems as "row N: column: message", counts, and the changes row by row."""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True, slots=True)
class Problem:
    row: int
    column: str  # the header the user sees in the file, or the canonical column name when the file has none
    message: str

    def __str__(self) -> str:
        return f"row {self.row}: {self.column}: {self.message}"


@dataclass(frozen=True, slots=True)  # tens of thousands of rows make a million of these
class FieldChange:
    column: str
    before: str
    after: str


@dataclass(slots=True)
class RowChange:
    row: int
    code: str
    created: bool
    fields: list[FieldChange] = field(default_factory=list)


@dataclass
class ImportResult:
    """Nothing was written when `problems` is not empty (nor on a dry run)."""

    problems: list[str] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    warnings: list[str] = field(default_factory=list)
    changes: list[RowChange] = field(default_factory=list)  # created and updated rows, in file order
    issues: list[Problem] = field(default_factory=list)  # the same problems as objects (for a table)
    written: bool = False

    def summary(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"
