"""`rasd import_submissions ROUND PATH`: summary and problem table, --json, --dry-run, --mapping, exit status."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command

from rasd.submissions.models import RawSubmission
from tests.imports.conftest import ImportWorld, kobo_row, kobo_xlsx


def _call(*args: str) -> str:
    out = io.StringIO()
    call_command("import_submissions", *args, stdout=out, stderr=io.StringIO())
    return out.getvalue()


def test_the_command_imports_and_prints_a_summary(imports: ImportWorld) -> None:
    path = imports.write("kobo.xlsx", kobo_xlsx([kobo_row(1), kobo_row(2)]))

    out = _call("imports-2026", str(path), "--as", imports.importer.username)

    assert "2 row(s) read, imported 2, 0 already imported, 0 error(s)" in out
    assert RawSubmission.objects.count() == 2
    again = _call("imports-2026", str(path), "--as", imports.importer.username)
    assert "imported 0, 2 already imported" in again


def test_json_output_and_a_failing_exit_status_on_errors(imports: ImportWorld) -> None:
    path = imports.write("bad.xlsx", kobo_xlsx([kobo_row(1, cells={"services/beds": "x"})]))
    out = io.StringIO()

    with pytest.raises(CommandError, match="1 error") as raised:
        call_command(
            "import_submissions", "imports-2026", str(path), "--as", imports.importer.username, "--json", stdout=out
        )

    assert raised.value.returncode == 1
    report = json.loads(out.getvalue())
    assert report["errors"] == [
        {"row": 2, "instance_id": "uuid:kobo-1", "field": "beds", "message": "“x” is not a whole number."}
    ]
    assert (report["file"], report["source"], report["imported"]) == ("bad.xlsx", "kobo", 0)
    assert not RawSubmission.objects.exists()


def test_a_dry_run_with_a_mapping_file(imports: ImportWorld) -> None:
    row = kobo_row(1, cells={"services/anc": "yes"})
    path = imports.write("kobo.xlsx", kobo_xlsx([row]))
    mapping = imports.write("mapping.json", json.dumps({"choices": {"anc": {"yes": "available"}}}).encode())

    out = _call("imports-2026", str(path), "--as", imports.importer.username, "--dry-run", "--mapping", str(mapping))

    assert "would import 1" in out and "dry run: nothing was written" in out
    assert not RawSubmission.objects.exists()


def test_the_administrator_imports_when_no_account_is_named(imports: ImportWorld) -> None:
    path = imports.write("kobo.xlsx", kobo_xlsx([kobo_row(1, "PHC-NAJAF-1")]))

    _call("imports-2026", str(path))

    assert RawSubmission.objects.get().submitted_by == imports.personas.admin


def test_refusals_are_clear(imports: ImportWorld) -> None:
    path = imports.write("kobo.xlsx", kobo_xlsx([kobo_row(1)]))
    with pytest.raises(CommandError, match="no round"):
        _call("nope", str(path))
    with pytest.raises(CommandError, match="may not import"):
        _call("imports-2026", str(path), "--as", imports.personas.erbil_viewer.username)
    with pytest.raises(CommandError, match="not valid JSON"):
        _call("imports-2026", str(path), "--mapping", str(imports.write("m.json", b"{")))


def test_the_progress_bar_draws_on_one_line() -> None:
    from rasd.imports.management.commands.import_submissions import ProgressBar

    stream = io.StringIO()
    bar = ProgressBar(stream)
    bar.update("checking", 5, 10)
    bar.update("writing", 10, 10)
    bar.close()

    assert stream.getvalue() == (
        "\rchecking  [###############...............] 5/10\rwriting   [##############################] 10/10\n"
    )
