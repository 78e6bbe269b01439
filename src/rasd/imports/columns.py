"""Which questionnaire field a column of an export holds, and which choice code a cell names.

A header is matched, within the main table or one repeat group, by: the mapping file; the field's path joined
with the export's separator (`identification/facility`, `identification-facility`); the path below the repeat
group; then the bare name, or a label in any language (Kobo can write labels as headers), when only one field has
it. Kobo's and Central's own columns, metadata and the per-option 0/1 columns of a multiple choice are recognised
and left alone. Choice cells may hold the code, the mapping file's entry, or a label in Arabic, Kurdish or English.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext as _

from rasd.questionnaires.models import FieldKind, QuestionnaireField

GEOPOINT_PARTS = ("latitude", "longitude", "altitude", "accuracy")
_KOBO_PART = re.compile(r"^_(?P<name>.+)_(?P<part>latitude|longitude|altitude|precision)$")
_CENTRAL_PART = re.compile(r"^(?P<prefix>.+)-(?P<part>Latitude|Longitude|Altitude|Accuracy)$")
METADATA_GROUPS = ("meta", "formhub")


class MappingError(ValueError):
    """The mapping file cannot be used; the message is for the user."""


@dataclass(frozen=True)
class Mapping:
    """A mapping file: `{"fields": {"old column or name": "field name or path"}, "choices": {"field name":
    {"label or old code": "code"}}, "ignore": ["column", ...]}`; every key is optional."""

    fields: dict[str, str] = field(default_factory=dict)
    choices: dict[str, dict[str, str]] = field(default_factory=dict)
    ignore: frozenset[str] = frozenset()

    def as_json(self) -> dict[str, Any]:
        return {"fields": self.fields, "choices": self.choices, "ignore": sorted(self.ignore)}


def parse_mapping(data: bytes | str | dict[str, Any] | None) -> Mapping:
    if not data:
        return Mapping()
    try:
        loaded = json.loads(data) if isinstance(data, bytes | str) else data
    except ValueError as error:
        raise MappingError(_("The mapping file is not valid JSON: %(error)s") % {"error": error}) from error
    if not isinstance(loaded, dict) or set(loaded) - {"fields", "choices", "ignore"}:
        raise MappingError(_("The mapping file must be a JSON object with the keys “fields”, “choices” and “ignore”."))
    fields, choices, ignore = loaded.get("fields", {}), loaded.get("choices", {}), loaded.get("ignore", [])
    if not isinstance(fields, dict) or not all(isinstance(v, str) for v in fields.values()):
        raise MappingError(_("“fields” must map column names to field names."))
    if not isinstance(choices, dict) or not all(
        isinstance(table, dict) and all(isinstance(code, str) for code in table.values()) for table in choices.values()
    ):
        raise MappingError(_("“choices” must map field names to tables of label → code."))
    if not isinstance(ignore, list) or not all(isinstance(item, str) for item in ignore):
        raise MappingError(_("“ignore” must be a list of column names."))
    return Mapping(
        fields={str(k).strip(): v.strip() for k, v in fields.items()},
        choices={str(name): {str(k): str(v).strip() for k, v in table.items()} for name, table in choices.items()},
        ignore=frozenset(item.strip() for item in ignore),
    )


def label_key(text: str) -> str:
    """How labels are compared: trimmed, case-insensitive, runs of white space as one space."""
    return " ".join(text.split()).casefold()


@dataclass(frozen=True)
class Target:
    field: QuestionnaireField
    part: str = ""  # one of GEOPOINT_PARTS for a geopoint split over several columns


IGNORED = "ignored"  # a column that is known and deliberately not read (export metadata, option columns)


class Columns:
    """The fields of one questionnaire version, ready to match the headers of one export."""

    def __init__(self, fields: Iterable[QuestionnaireField], separator: str, mapping: Mapping) -> None:
        self.separator = separator
        self.mapping = mapping
        self.fields = [item for item in fields if item.path.count("/") >= 2]
        self.repeats = [item for item in self.fields if item.kind == FieldKind.REPEAT]
        self._labels: dict[int, dict[str, str]] = {}
        self._matched: dict[tuple[str, str], Target | str | None] = {}
        self._scopes: dict[str, _Scope] = {}
        for item in self.fields:
            self._scope(self.container_of(item)).add(item, self._segments(item), separator)

    def _scope(self, container: str) -> _Scope:
        return self._scopes.setdefault(container, _Scope(container))

    def container_of(self, item: QuestionnaireField) -> str:
        """The path of the innermost repeat group holding a field ("" outside every repeat)."""
        inside = [repeat.path for repeat in self.repeats if item.path.startswith(repeat.path + "/")]
        return max(inside, key=len, default="")

    @staticmethod
    def _segments(item: QuestionnaireField) -> list[str]:
        return item.path.split("/")[2:]

    def repeat_for(self, table: str) -> QuestionnaireField | None:
        """The repeat group a sheet (Kobo, names cut to 31 characters) or file (Central) holds."""
        for item in self.repeats:
            if table in (item.name, self.separator.join(self._segments(item))):
                return item
        cut = [item for item in self.repeats if len(table) >= 31 and item.name.startswith(table)]
        return cut[0] if len(cut) == 1 else None

    def resolve_mapped(self, name: str) -> QuestionnaireField | None:
        """The field a mapping file names: a full path, a path below the root, or a name used once."""
        path = name if name.startswith("/") else None
        for item in self.fields:
            if path == item.path or "/".join(self._segments(item)) == name:
                return item
        named = [item for item in self.fields if item.name == name]
        return named[0] if len(named) == 1 else None

    def check_mapping(self) -> list[str]:
        """The field names of the mapping file that the questionnaire does not have."""
        return [target for target in self.mapping.fields.values() if self.resolve_mapped(target) is None]

    def match(self, header: str, container: str) -> Target | str | None:
        """The field a header holds, IGNORED for a known column that is not an answer, None for an unknown one."""
        key = (header, container)
        if key not in self._matched:
            self._matched[key] = self._match(header, container)
        return self._matched[key]

    def _match(self, header: str, container: str) -> Target | str | None:
        last = header.rsplit(self.separator, 1)[-1]
        if header in self.mapping.ignore:
            return IGNORED
        mapped = self.mapping.fields.get(header) or self.mapping.fields.get(last)
        if mapped:
            found = self.resolve_mapped(mapped)
            return Target(found) if found is not None else None
        scope = self._scopes.get(container) or _Scope(container)
        found = scope.exact.get(header)
        if found is not None:
            return Target(found)
        part = self._geopoint_part(header, scope)
        if part is not None:
            return part
        if last.startswith("_") or header.split(self.separator, 1)[0] in METADATA_GROUPS:
            return IGNORED  # Kobo's own columns (_id, _tags, _notes…) and metadata (meta/…, formhub/uuid)
        if self.separator in header:
            parent = self.match(header.rsplit(self.separator, 1)[0], container)
            if isinstance(parent, Target) and parent.field.type == "select_multiple":
                return IGNORED  # a per-option 0/1 column (`barriers/staff`): the field's own column is read
        named = scope.by_name.get(last) or scope.by_label.get(label_key(header)) or scope.by_label.get(label_key(last))
        return Target(named) if named is not None else None

    def _geopoint_part(self, header: str, scope: _Scope) -> Target | None:
        # Kobo writes `_gps_latitude`, `_services/gps_latitude` or `services/_gps_latitude` depending on the export.
        kobo = _KOBO_PART.match(header) or _KOBO_PART.match(header.rsplit(self.separator, 1)[-1])
        if kobo:
            name = kobo["name"]
            found = scope.exact.get(name) or scope.by_name.get(name.rsplit(self.separator, 1)[-1])
            part = "accuracy" if kobo["part"] == "precision" else kobo["part"]
        else:
            central = _CENTRAL_PART.match(header) if self.separator == "-" else None
            if central is None:
                return None
            prefix = central["prefix"]
            found = scope.exact.get(prefix) or scope.by_name.get(prefix.rsplit("-", 1)[-1])
            part = central["part"].lower()
        if found is None or found.type != "geopoint":
            return None
        return Target(found, part)

    def choice_code(self, item: QuestionnaireField, text: str) -> str | None:
        """The code a cell names: a code of the list, then the mapping file's table, then a label in any language."""
        codes = {str(choice["name"]) for choice in item.choices}
        if text in codes:
            return text
        table = self.mapping.choices.get(item.name) or self.mapping.choices.get("/".join(self._segments(item))) or {}
        mapped = table.get(text) or {label_key(key): code for key, code in table.items()}.get(label_key(text))
        if mapped:
            return mapped
        return self._labels_of(item).get(label_key(text))

    def _labels_of(self, item: QuestionnaireField) -> dict[str, str]:
        labels = self._labels.get(item.pk)
        if labels is None:
            labels = {}
            for choice in item.choices:
                for text in (choice.get("labels") or {}).values():
                    if text:
                        labels.setdefault(label_key(str(text)), str(choice["name"]))
            self._labels[item.pk] = labels
        return labels


@dataclass
class _Scope:
    """The fields directly inside one container (the form, or one repeat group), by joined path and by name."""

    container: str
    exact: dict[str, QuestionnaireField] = field(default_factory=dict)
    by_name: dict[str, QuestionnaireField] = field(default_factory=dict)
    by_label: dict[str, QuestionnaireField] = field(default_factory=dict)  # Kobo exports with labels as headers
    _ambiguous: set[str] = field(default_factory=set)
    _ambiguous_labels: set[str] = field(default_factory=set)

    def add(self, item: QuestionnaireField, segments: list[str], separator: str) -> None:
        self.exact[separator.join(segments)] = item
        if self.container:
            below = item.path.removeprefix(self.container + "/").split("/")
            self.exact.setdefault(separator.join(below), item)
        _add_unique(self.by_name, self._ambiguous, item.name, item)
        if item.kind == FieldKind.QUESTION:
            for key in {label_key(str(text)) for text in item.labels.values() if text}:
                _add_unique(self.by_label, self._ambiguous_labels, key, item)


def _add_unique(index: dict[str, QuestionnaireField], ambiguous: set[str], key: str, item: QuestionnaireField) -> None:
    """Index `item` under `key` unless another field has the same key (then neither is found by it)."""
    if key in ambiguous:
        return
    if key in index:
        del index[key]
        ambiguous.add(key)
    else:
        index[key] = item
