"""What a rule is, what a check finds, and what a check is given (`Context`).

A `Rule` is an entry of the catalogue: a stable code, a severity, where it comes from (HeRAMS, DHIS2, WHO DQ, ODK),
its threshold and the message shown for a finding. A check is a function of a `Context` that returns `Finding`s
of one or more rules (the XForm re-check finds four kinds of problem in one pass over the instance).
"""

from __future__ import annotations

import dataclasses
import datetime
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.db import models
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from lxml import etree

from rasd.collection.attachments import facility_row, sector_rows
from rasd.questionnaires.models import QuestionnaireField, QuestionnaireVersion
from rasd.questionnaires.xpath import FormModel, csv_instance
from rasd.registry.quality.base import Severity
from rasd.submissions.instances import facility_attachments, form_model
from rasd.submissions.parsing import parse_instance

if TYPE_CHECKING:
    from rasd.collection.models import Round
    from rasd.registry.models import Facility, Sector
    from rasd.submissions.models import Submission, SubmissionVersion


class RuleSource(models.TextChoices):
    ODK = "odk", _("The questionnaire (XForm)")
    HERAMS = "herams", "HeRAMS"
    DHIS2 = "dhis2", "DHIS2"
    WHO_DQ = "who_dq", _("WHO Data Quality Review")
    RASD = "rasd", _("rasd (how this system collects)")


@dataclass(frozen=True)
class Rule:
    code: str  # stable: stored on issues, used in commands and links
    severity: Severity
    source: RuleSource
    title: Promise | str
    message: Promise | str  # %-format with the finding's params
    threshold: str = ""  # as documented, e.g. "5 km"; blank when the rule has none


@dataclass(frozen=True)
class Finding:
    rule: str
    field: str = ""  # a questionnaire path, blank for the record as a whole
    params: Mapping[str, Any] = dataclasses.field(default_factory=dict)
    severity: Severity | None = None  # the rule's, unless the rule is an administrator's (its importance)


@dataclass(frozen=True)
class FieldInfo:
    labels: Mapping[str, str]
    constraint_messages: Mapping[str, str]
    role: str


@dataclass(frozen=True)
class FormInfo:
    """A questionnaire version as the checks need it: its parsed XForm and its field catalogue."""

    model: FormModel
    fields: Mapping[str, FieldInfo]
    roles: Mapping[str, frozenset[str]]  # role -> the paths that have it
    questionnaire_id: int = 0

    _matches: dict[tuple[str, str], tuple[str, ...]] = dataclasses.field(default_factory=dict, compare=False)

    def paths_with_role(self, role: str) -> frozenset[str]:
        return self.roles.get(role, frozenset())

    def paths_matching(self, kind: str, key: str) -> tuple[str, ...]:
        """The paths, in form order, of the fields with the role `key` (kind "role"; a `*` part matches any part:
        `beds:*`) or with the XLSForm name `key` (kind "name"). Kept per form: a published version never changes."""
        found = self._matches.get((kind, key))
        if found is None:
            found = tuple(path for path, info in self.fields.items() if field_matches(kind, key, path, info.role))
            self._matches[(kind, key)] = found
        return found


def field_matches(kind: str, key: str, path: str, role: str) -> bool:
    if kind == "name":
        return path.rsplit("/", 1)[-1] == key
    if not role:
        return False
    if "*" not in key:
        return role == key
    wanted, parts = key.split(":"), role.split(":")
    return len(wanted) == len(parts) and all(w in ("*", p) for w, p in zip(wanted, parts, strict=True))


_forms: dict[tuple[int, str], FormInfo] = {}
_lock = threading.Lock()


def form_info(version_id: int, md5: str) -> FormInfo:
    """A questionnaire version's form, once per process (published versions never change; the md5 guards against a
    reused key). The XForm and the field catalogue are read only the first time."""
    key = (version_id, md5)
    with _lock:
        found = _forms.get(key)
    if found is None:
        version = QuestionnaireVersion.objects.get(pk=version_id)
        rows = QuestionnaireField.objects.filter(version_id=version_id).values_list(
            "path", "labels", "constraint_messages", "role"
        )
        fields = {path: FieldInfo(labels or {}, messages or {}, role) for path, labels, messages, role in rows}
        roles: dict[str, set[str]] = {}
        for path, info in fields.items():
            if info.role:
                roles.setdefault(info.role, set()).add(path)
        found = FormInfo(
            form_model(version),
            fields,
            {role: frozenset(paths) for role, paths in roles.items()},
            version.questionnaire_id,
        )
        with _lock:
            _forms[key] = found
    return found


@dataclass
class Context:
    """One version of a record, with what the checks read: its record, round, facility (directorate, sector and
    type loaded), form, and the day its checks are made for (the day it was received, as the phone would have
    checked `today()`). `sectors` are the facility's directorate's sectors when the caller has them already."""

    version: SubmissionVersion
    submission: Submission
    round: Round
    facility: Facility | None
    form: FormInfo
    sectors: Sequence[Sector] | None = None
    # What `validate_round` read once for many records (rules, peer statistics, previous rounds' records), by the
    # key its rules module registered (`catalogue.on_round`, `catalogue.on_batch`). Empty at ingestion: each
    # check then reads what it needs for this one record.
    shared: Mapping[str, object] = dataclasses.field(default_factory=dict)
    # True at ingestion for sources whose client enforced the form's own rules before sending (ODK Collect, ODK
    # Web Forms): the form is not re-checked then, only by `validate_round` (it is most of a check's cost).
    form_checked_by_client: bool = False

    @property
    def today(self) -> datetime.date:
        return timezone.localtime(self.version.received_at).date()

    @cached_property
    def instance(self) -> etree._Element:
        """The instance tree as stored (safely parsed), shaped as the form's primary instance (no namespaces)."""
        root = parse_instance(self.version.raw.xml).root
        return _plain(root, self.form.model.root_name)

    def attachments(self) -> dict[str, etree._Element]:
        """The secondary instances (facilities.csv, sectors.csv) the phone had for this facility."""
        if self.facility is None or self.sectors is None:
            return facility_attachments(self.facility)
        # The same as facility_attachments(), with the sectors read once per directorate by validate_round.
        sectors = sector_rows(self.facility, self.sectors)
        return {"facilities": csv_instance([facility_row(self.facility)]), "sectors": csv_instance(sectors)}


Check = Callable[[Context], Sequence[Finding]]

CACHE_SECONDS = 30.0


class TimedCache:
    """Values read from the database that change rarely (the rules in force, a round's peer statistics), kept in
    the process for `CACHE_SECONDS` so the ingestion hook does not read them for every submission. The process
    that changes them clears the cache; other processes see the change within the delay. `validate_round` reads
    them afresh."""

    def __init__(self) -> None:
        self._values: dict[object, tuple[float, object]] = {}
        self._lock = threading.Lock()
        _caches.append(self)

    def get(self, key: object, load: Callable[[], object]) -> object:
        now = time.monotonic()
        with self._lock:
            found = self._values.get(key)
        if found is not None and now - found[0] < CACHE_SECONDS:
            return found[1]
        value = load()
        with self._lock:
            self._values[key] = (now, value)
        return value

    def clear(self) -> None:
        with self._lock:
            self._values.clear()


_caches: list[TimedCache] = []


def clear_caches() -> None:
    """Forget every TimedCache of the process (tests call it between tests, whose databases are rolled back)."""
    for cache in _caches:
        cache.clear()


def _plain(root: etree._Element, root_name: str) -> etree._Element:
    """ODK Collect sends elements in no namespace under the form's root name; a client that puts a default namespace
    on the root puts it on every element. (A namespaced `orx:meta` is harmless: meta fields are never checked.)"""
    if root.tag == root_name:
        return root
    for node in root.iter():
        if isinstance(node.tag, str) and node.tag.startswith("{"):
            node.tag = etree.QName(node).localname
    root.tag = root_name
    etree.cleanup_namespaces(root)
    return root
