from __future__ import annotations

from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from rasd.questionnaires.diff import VersionDiff, diff_versions
from rasd.questionnaires.selectors import VersionNotFound, find_version


class Command(BaseCommand):
    help = "Show what changed between two versions of a questionnaire: fields, types, labels, choices and roles."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("form_id")
        parser.add_argument("old_version")
        parser.add_argument("new_version")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            old = find_version(options["form_id"], options["old_version"])
            new = find_version(options["form_id"], options["new_version"])
        except VersionNotFound as error:
            raise CommandError(str(error)) from error
        for line in report(diff_versions(old, new)):
            self.stdout.write(line)


def report(diff: VersionDiff) -> list[str]:
    lines = [f"{diff.old.questionnaire.form_id}: {diff.old.version} → {diff.new.version}"]
    if diff.is_empty:
        return [*lines, "no changes"]
    lines += [f"added    {f.path} ({f.type}){f' [{f.role}]' if f.role else ''}" for f in diff.added]
    lines += [f"removed  {f.path} ({f.type}){f' [{f.role}]' if f.role else ''}" for f in diff.removed]
    lines += [f"retyped  {r.path}: {r.old_type} → {r.new_type}" for r in diff.retyped]
    lines += [f"label    {r.path} [{r.language}]: {r.old_label!r} → {r.new_label!r}" for r in diff.relabelled]
    for change in diff.choices:
        if change.added:
            lines.append(f"choices  {change.path}: added {', '.join(change.added)}")
        if change.removed:
            lines.append(f"choices  {change.path}: removed {', '.join(change.removed)}")
    for moved in diff.roles:
        if moved.old_path != moved.new_path:
            lines.append(f"role     {moved.role}: {moved.old_path} → {moved.new_path}")
        else:
            lines.append(f"role     {moved.new_path}: {moved.old_role or '-'} → {moved.role or '-'}")
    return lines
