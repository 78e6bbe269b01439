"""Importing a KoboToolbox or ODK Central export into a round: read, check every row, then (unless it is a dry
run, and only when no row has an error) write them all in one transaction. The command and the web's background
task both call `import_export`."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.utils.translation import gettext as _

from rasd.accounts.roles import Perm
from rasd.collection.models import RoundState
from rasd.imports.applying import ApplyFailed, apply_plan
from rasd.imports.columns import Mapping
from rasd.imports.planning import CannotImport, Problem, Progress, plan_import
from rasd.imports.readers import read_export
from rasd.imports.records import UnreadableExport

if TYPE_CHECKING:
    from rasd.accounts.models import User
    from rasd.collection.models import Round


@dataclass
class ImportReport:
    file: str
    source: str
    version: str
    dry_run: bool
    rows: int = 0
    to_import: int = 0
    imported: int = 0
    skipped: int = 0
    errors: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def written(self) -> bool:
        return self.imported > 0

    def as_json(self) -> dict[str, Any]:
        return {
            "file": self.file,
            "source": self.source,
            "version": self.version,
            "dry_run": self.dry_run,
            "rows": self.rows,
            "to_import": self.to_import,
            "imported": self.imported,
            "skipped": self.skipped,
            "errors": [problem.as_json() for problem in self.errors],
            "warnings": [problem.as_json() for problem in self.warnings],
        }


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def import_export(
    path: Path,
    round_: Round,
    user: User,
    *,
    source: str = "",
    mapping: Mapping | None = None,
    form_version: str = "",
    dry_run: bool = False,
    file_name: str = "",
    progress: Progress | None = None,
) -> ImportReport:
    """Import the export at `path` into `round_` as `user` (who needs import_data and submit_data). Raises
    CannotImport when the file as a whole cannot be imported; row problems are in the report."""
    name = file_name or path.name
    if not (user.can(Perm.IMPORT_DATA) and user.can(Perm.SUBMIT_DATA)):
        raise CannotImport(_("The account %(user)s may not import submissions.") % {"user": user.get_username()})
    if not dry_run and round_.state != RoundState.COLLECTING:
        raise CannotImport(
            _("The round “%(round)s” is not collecting: submissions can only be imported while it collects.")
            % {"round": round_.code}
        )
    if progress is not None:
        progress("reading", 0, 0)
    try:
        export = read_export(path, source)
    except UnreadableExport as error:
        raise CannotImport(str(error)) from error
    plan = plan_import(export, round_, user, mapping or Mapping(), form_version=form_version, progress=progress)
    report = ImportReport(
        file=name,
        source=export.source,
        version=plan.version.version,
        dry_run=dry_run,
        rows=plan.rows_read,
        to_import=len(plan.to_import),
        skipped=len(plan.skipped),
        errors=plan.errors,
        warnings=plan.warnings,
    )
    if dry_run and round_.state != RoundState.COLLECTING:
        message = _("The round is not collecting: a real import will be refused until it collects.")
        report.warnings.insert(0, Problem(0, "", "", message))
    if dry_run or plan.errors or not plan.to_import:
        return report
    try:
        applied = apply_plan(plan, user, file_name=name, sha256=file_sha256(path), progress=progress)
    except ApplyFailed as failed:
        report.errors.append(Problem(failed.row.row, failed.row.instance_id, "", failed.message))
        return report
    report.imported = applied.imported
    report.skipped += applied.skipped
    return report
