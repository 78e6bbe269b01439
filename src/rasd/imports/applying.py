"""Writing a checked import: every row through the one ingestion pipeline, all in one transaction, so a file is
imported whole or not at all."""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.db import transaction
from django.utils.translation import gettext as _

from rasd.audit.services import record
from rasd.imports.planning import ImportPlan, PlannedRow, Progress
from rasd.submissions.ingest import IncomingSubmission, IngestError, Outcome, ingest
from rasd.submissions.models import Source

if TYPE_CHECKING:
    from rasd.accounts.models import User


class ApplyFailed(Exception):
    """The pipeline refused a row: everything written for the file was rolled back."""

    def __init__(self, row: PlannedRow, message: str) -> None:
        super().__init__(message)
        self.row = row
        self.message = message


@dataclass(frozen=True)
class Applied:
    imported: int
    skipped: int  # rows the pipeline found already stored (another import finished in between)


def apply_plan(
    plan: ImportPlan, user: User, *, file_name: str, sha256: str, progress: Progress | None = None
) -> Applied:
    """Ingest every planned row as `user`, with its original submission time; raise ApplyFailed (nothing kept)
    when the pipeline refuses a row or cannot build its record."""
    reason = _("Imported from %(file)s") % {"file": file_name}
    imported = skipped = 0
    total = len(plan.to_import)
    with transaction.atomic():
        for done, row in enumerate(plan.to_import, start=1):
            incoming = IncomingSubmission(
                row.xml, Source.IMPORT, submitted_by=user, received_at=row.submitted_at, reason=reason
            )
            try:
                result = ingest(incoming)
            except IngestError as error:
                raise ApplyFailed(row, str(error.message)) from error
            if result.submission is None:
                # The pipeline keeps a raw submission whose record failed; an import must not leave one half-made.
                raise ApplyFailed(row, _("The record could not be built from this row (see the server log)."))
            if result.outcome == Outcome.DUPLICATE:
                skipped += 1
            else:
                imported += 1
            if progress is not None:
                progress("writing", done, total)
        record(
            "submissions.imported",
            plan.round,
            after={
                "file": file_name,
                "sha256": sha256,
                "source": plan.source,
                "version": plan.version.version,
                "rows": plan.rows_read,
                "imported": imported,
                "skipped": len(plan.skipped) + skipped,
                "warnings": len(plan.warnings),
            },
            reason=reason,
        )
    return Applied(imported, skipped)
