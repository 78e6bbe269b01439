"""What changed between two versions of a questionnaire, as data: the command and the diff page render it."""

from __future__ import annotations

from dataclasses import dataclass, field

from rasd.questionnaires.models import QuestionnaireField, QuestionnaireVersion


@dataclass(frozen=True)
class FieldRef:
    path: str
    type: str
    role: str = ""


@dataclass(frozen=True)
class Retyped:
    path: str
    old_type: str
    new_type: str


@dataclass(frozen=True)
class Relabelled:
    path: str
    language: str
    old_label: str
    new_label: str


@dataclass(frozen=True)
class ChoicesChanged:
    path: str
    added: tuple[str, ...]
    removed: tuple[str, ...]


@dataclass(frozen=True)
class RoleMoved:
    """`role` is now on `new_path` (it was on `old_path`), or the field at `new_path` had `old_role` before.

    An empty `role` means the field lost its role; an empty `old_role` on the same path means it gained one."""

    role: str
    old_path: str
    new_path: str
    old_role: str = ""


@dataclass
class VersionDiff:
    old: QuestionnaireVersion
    new: QuestionnaireVersion
    added: list[FieldRef] = field(default_factory=list)
    removed: list[FieldRef] = field(default_factory=list)
    retyped: list[Retyped] = field(default_factory=list)
    relabelled: list[Relabelled] = field(default_factory=list)
    choices: list[ChoicesChanged] = field(default_factory=list)
    roles: list[RoleMoved] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return not (self.added or self.removed or self.retyped or self.relabelled or self.choices or self.roles)


def diff_versions(old: QuestionnaireVersion, new: QuestionnaireVersion) -> VersionDiff:
    old_fields = {f.path: f for f in old.fields.order_by("position")}
    new_fields = {f.path: f for f in new.fields.order_by("position")}
    result = VersionDiff(old=old, new=new)
    result.added = [FieldRef(f.path, f.type, f.role) for path, f in new_fields.items() if path not in old_fields]
    result.removed = [FieldRef(f.path, f.type, f.role) for path, f in old_fields.items() if path not in new_fields]
    for path, after in new_fields.items():
        before = old_fields.get(path)
        if before is None:
            continue
        if before.type != after.type:
            result.retyped.append(Retyped(path, before.type, after.type))
        result.relabelled += _relabelled(before, after)
        old_choices = [c["name"] for c in before.choices]
        new_choices = [c["name"] for c in after.choices]
        added = tuple(name for name in new_choices if name not in old_choices)
        removed = tuple(name for name in old_choices if name not in new_choices)
        if added or removed:
            result.choices.append(ChoicesChanged(path, added, removed))
    result.roles = _roles_moved(old_fields, new_fields)
    return result


def _relabelled(before: QuestionnaireField, after: QuestionnaireField) -> list[Relabelled]:
    languages = list(dict.fromkeys([*before.labels, *after.labels]))
    return [
        Relabelled(after.path, language, before.labels.get(language, ""), after.labels.get(language, ""))
        for language in languages
        if before.labels.get(language, "") != after.labels.get(language, "")
    ]


def _roles_moved(
    old_fields: dict[str, QuestionnaireField], new_fields: dict[str, QuestionnaireField]
) -> list[RoleMoved]:
    old_by_role = {f.role: f.path for f in old_fields.values() if f.role}
    new_roles = {f.role for f in new_fields.values() if f.role}
    moved: list[RoleMoved] = []
    for path, after in new_fields.items():
        before = old_fields.get(path)
        old_role = before.role if before is not None else ""
        if after.role and old_by_role.get(after.role, path) != path:
            moved.append(RoleMoved(after.role, old_by_role[after.role], path, old_role=old_role))
        elif before is not None and old_role != after.role and not (not after.role and old_role in new_roles):
            moved.append(RoleMoved(after.role, path, path, old_role=old_role))
    return moved
