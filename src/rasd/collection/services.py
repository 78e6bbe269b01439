"""Every change to rounds, expected facilities, assignments and device tokens goes through these functions.

Each one checks the actor's permission and scope itself (the pages check too, but commands, the demo loader and the
simulator call these directly), changes the rows and writes the audit entry in one transaction, so a refused action
leaves nothing half-written. `actor=None` is the system (commands run `acting_as(None)`): it may do anything,
everywhere. See docs/collection.md.
"""

from __future__ import annotations

import secrets
from collections.abc import Iterable, Sequence
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied
from django.db import IntegrityError, models, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.roles import Perm, Role
from rasd.accounts.scoping import ScopeKind, scoped
from rasd.audit import services as audit
from rasd.collection.models import (
    ROUND_TRANSITIONS,
    Assignment,
    DeviceToken,
    ExpectedFacility,
    Round,
    RoundState,
)
from rasd.questionnaires.models import QuestionnaireVersion, VersionState
from rasd.registry.models import Authority, Directorate, Facility, Sector
from rasd.registry.models.facilities import OperationalStatus

__all__ = [
    "CollectionError",
    "assign",
    "assign_by_scope",
    "create_round",
    "expect_facilities_in_scope",
    "issue_device_token",
    "revoke_device_token",
    "set_expected",
    "set_round_state",
    "unassign",
    "unlock_round",
]

M = TypeVar("M", bound=models.Model)

ROUND_FIELDS = ["code", "name", "period_start", "period_end", "deadline", "state", "versions"]
TOKEN_LABEL_MAX = 100


class CollectionError(Exception):
    """A refused change, with a translated message for the page. `field` names the form field it is about, if any."""

    def __init__(self, message: str, *, field: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.field = field


# --- permission and scope helpers -------------------------------------------------------------------------------


def _require(actor: User | None, perm: Perm, message: str) -> None:
    if actor is not None and not actor.can(perm):
        raise PermissionDenied(message)


def _visible(actor: User | None, queryset: QuerySet[M]) -> QuerySet[M]:
    """What the actor may touch; the system (None) covers the whole country."""
    return queryset if actor is None else scoped(actor, queryset)


def _require_facility_in_scope(actor: User | None, facility: Facility) -> None:
    if not _visible(actor, Facility.objects.filter(pk=facility.pk)).exists():
        raise PermissionDenied(_("This facility is outside your scope."))


def _require_collector_in_scope(actor: User | None, collector: User) -> None:
    if not _visible(actor, User.objects.filter(pk=collector.pk)).exists():
        raise PermissionDenied(_("This collector is outside your scope."))
    # Tokens and assignments are for data collectors only: a token for a manager's account would let whoever holds
    # it act with that manager's rights over OpenRosa (office users sign in with their own password instead).
    if collector.role != Role.DATA_COLLECTOR:
        raise CollectionError(_("Only data collector accounts get assignments and device tokens."))


def _require_open(round_: Round) -> None:
    if round_.state == RoundState.CLOSED:
        raise CollectionError(_("The round is closed: it can no longer change."))


def _locked(round_: Round) -> Round:
    """The round's row, locked for the rest of the transaction, so concurrent changes queue up behind each other."""
    return Round.objects.select_for_update().get(pk=round_.pk)


def _reason(reason: str) -> str:
    return reason.strip()[:2000]


# --- rounds -----------------------------------------------------------------------------------------------------


def create_round(
    actor: User | None,
    *,
    code: str,
    name: str,
    period_start: date,
    period_end: date,
    deadline: date,
    versions: Iterable[QuestionnaireVersion],
) -> Round:
    """A new round in planning. Its versions must be published; facilities are added afterwards
    (`expect_facilities_in_scope`), since that part depends on the actor's scope."""
    _require(actor, Perm.MANAGE_ROUNDS, _("You may not create collection rounds."))
    code = slugify(code.strip())
    name = name.strip()
    chosen = list(versions)
    if not code:
        raise CollectionError(_("Give the round a code (letters, digits and -)."), field="code")
    if not name:
        raise CollectionError(_("Give the round a name."), field="name")
    if period_end < period_start:
        raise CollectionError(_("The period ends before it starts."), field="period_end")
    if deadline < period_start:
        raise CollectionError(_("The deadline is before the period starts."), field="deadline")
    not_published = [str(version) for version in chosen if version.state != VersionState.PUBLISHED]
    if not_published:
        raise CollectionError(
            _("Only published questionnaire versions can be chosen: %(versions)s.")
            % {"versions": ", ".join(not_published)},
            field="versions",
        )
    try:
        with transaction.atomic():
            round_ = Round.objects.create(
                code=code,
                name=name,
                period_start=period_start,
                period_end=period_end,
                deadline=deadline,
                created_by=actor,
            )
            round_.versions.set(chosen)
            audit.record("round.created", round_, after=audit.snapshot(round_, ROUND_FIELDS))
    except IntegrityError as error:
        if Round.objects.filter(code=code).exists():
            raise CollectionError(_("A round with this code already exists."), field="code") from error
        raise
    return round_


def _clashing_rounds(round_: Round, versions: Sequence[QuestionnaireVersion]) -> list[str]:
    """Other collecting rounds accepting one of these versions: a submission names only its form version, so at most
    one collecting round may accept each version or nobody could tell which round a submission belongs to."""
    clashes = (
        Round.objects.filter(state=RoundState.COLLECTING, versions__in=[version.pk for version in versions])
        .exclude(pk=round_.pk)
        .distinct()
    )
    return [f"{other.name} ({other.code})" for other in clashes]


def set_round_state(actor: User | None, round: Round, state: str, *, reason: str = "") -> Round:
    """Move the round along planning → collecting → cleaning → (collecting | closed)."""
    _require(actor, Perm.MANAGE_ROUNDS, _("You may not change the state of collection rounds."))
    with transaction.atomic():
        locked = _locked(round)
        if state not in ROUND_TRANSITIONS.get(locked.state, frozenset()):
            raise CollectionError(
                _("A round cannot go from “%(old)s” to “%(new)s”.")
                % {"old": RoundState(locked.state).label, "new": _state_label(state)}
            )
        if state == RoundState.COLLECTING:
            # Lock the versions too, so two rounds starting at the same moment cannot both take the same version.
            versions = list(
                QuestionnaireVersion.objects.select_for_update()
                .filter(pk__in=locked.versions.values("pk"))
                .select_related("questionnaire")
                .order_by("pk")
            )
            if not any(version.state == VersionState.PUBLISHED for version in versions):
                raise CollectionError(_("The round needs at least one published questionnaire version to collect."))
            clashes = _clashing_rounds(locked, versions)
            if clashes:
                raise CollectionError(
                    _("Another round is already collecting with the same questionnaire version: %(rounds)s.")
                    % {"rounds": ", ".join(clashes)}
                )
        before = {"state": locked.state}
        locked.state = state
        locked.save(update_fields=["state"])
        audit.record("round.state_changed", locked, before=before, after={"state": state}, reason=_reason(reason))
    round.state = locked.state
    return round


def unlock_round(actor: User | None, round_: Round, *, reason: str) -> Round:
    """Reopen a closed round's locked data (closed → cleaning), e.g. to correct an error found after closing. Only a
    system administrator may, with a reason; the round's records keep their review states. Close it again with
    `set_round_state`. This is the one way out of "closed", hence outside ROUND_TRANSITIONS."""
    _require(actor, Perm.UNLOCK_ROUNDS, _("You may not unlock closed rounds."))
    reason = _reason(reason)
    if not reason:
        raise CollectionError(_("Say why the round's data must change again."), field="reason")
    with transaction.atomic():
        locked = _locked(round_)
        if locked.state != RoundState.CLOSED:
            raise CollectionError(_("Only a closed round can be unlocked."))
        locked.state = RoundState.CLEANING
        locked.save(update_fields=["state"])
        audit.record(
            "round.unlocked",
            locked,
            before={"state": RoundState.CLOSED.value},
            after={"state": locked.state},
            reason=reason,
        )
    round_.state = locked.state
    return round_


def _state_label(state: str) -> str:
    try:
        return str(RoundState(state).label)
    except ValueError:
        return state


def set_round_versions(
    actor: User | None, round: Round, versions: Iterable[QuestionnaireVersion], *, reason: str = ""
) -> Round:
    """Change which questionnaire versions the round accepts (e.g. add a corrected version while collecting)."""
    _require(actor, Perm.MANAGE_ROUNDS, _("You may not change collection rounds."))
    chosen = list(versions)
    with transaction.atomic():
        locked = _locked(round)
        _require_open(locked)
        new = [version for version in chosen if not locked.versions.filter(pk=version.pk).exists()]
        if any(version.state != VersionState.PUBLISHED for version in new):
            raise CollectionError(_("Only published questionnaire versions can be added."), field="versions")
        if locked.state == RoundState.COLLECTING:
            # As when a round starts collecting: lock the versions so no other round takes one meanwhile.
            list(QuestionnaireVersion.objects.select_for_update().filter(pk__in=[v.pk for v in chosen]).order_by("pk"))
            if not any(version.state == VersionState.PUBLISHED for version in chosen):
                raise CollectionError(_("A collecting round needs at least one published version."), field="versions")
            clashes = _clashing_rounds(locked, chosen)
            if clashes:
                raise CollectionError(
                    _("Another round is already collecting with the same questionnaire version: %(rounds)s.")
                    % {"rounds": ", ".join(clashes)},
                    field="versions",
                )
        before = audit.snapshot(locked, ["versions"])
        locked.versions.set(chosen)
        after = audit.snapshot(locked, ["versions"])
        if before != after:
            audit.record("round.versions_changed", locked, before=before, after=after, reason=_reason(reason))
    return round


# --- expected facilities ----------------------------------------------------------------------------------------


def expect_facilities_in_scope(
    actor: User | None,
    round: Round,
    *,
    authority: Authority | None = None,
    directorates: Iterable[Directorate] = (),
    sectors: Iterable[Sector] = (),
) -> int:
    """Expect every open facility of that part of the country (the whole country when none is given), within the
    actor's own scope. Facilities already expected, or removed by hand, are left as they are. Returns how many were
    added."""
    _require(actor, Perm.MANAGE_ROUNDS, _("You may not choose the facilities of a round."))
    area = Q()
    if authority is not None:
        area |= Q(directorate__authority=authority)
    directorate_ids = [directorate.pk for directorate in directorates]
    sector_ids = [sector.pk for sector in sectors]
    if directorate_ids:
        area |= Q(directorate__in=directorate_ids)
    if sector_ids:
        area |= Q(sector__in=sector_ids)
    with transaction.atomic():
        locked = _locked(round)
        _require_open(locked)
        candidates = _visible(actor, Facility.objects.filter(area, status=OperationalStatus.OPEN))
        # Removed rows count as present: a facility taken out by hand, with a reason, stays out.
        present = ExpectedFacility.objects.filter(round=locked).values("facility_id")
        new_ids = list(candidates.exclude(pk__in=present).order_by("pk").values_list("pk", flat=True))
        ExpectedFacility.objects.bulk_create(
            [ExpectedFacility(round=locked, facility_id=pk, added_by=actor) for pk in new_ids], batch_size=1000
        )
        if new_ids:
            audit.record(
                "round.facilities_expected",
                locked,
                after={
                    "added": len(new_ids),
                    "authority": authority.pk if authority else None,
                    "directorates": sorted(directorate_ids),
                    "sectors": sorted(sector_ids),
                },
            )
    return len(new_ids)


def set_expected(
    actor: User | None,
    round: Round,
    facility: Facility,
    expected: bool,
    *,
    reason: str,
) -> None:
    """Add one facility to the round, or take it out. A removed facility keeps its row (with when and by whom), and
    its assignments go, so collectors no longer receive it in their facilities list."""
    _require(actor, Perm.MANAGE_ROUNDS, _("You may not choose the facilities of a round."))
    _require_facility_in_scope(actor, facility)
    with transaction.atomic():
        locked = _locked(round)
        _require_open(locked)
        row = ExpectedFacility.objects.filter(round=locked, facility=facility).first()
        if expected:
            if facility.status == OperationalStatus.PERMANENTLY_CLOSED:
                raise CollectionError(_("This facility is permanently closed."))
            if row is not None and row.removed_at is None:
                return
            if row is None:
                row = ExpectedFacility.objects.create(round=locked, facility=facility, added_by=actor)
            else:
                row.removed_at = None
                row.removed_by = None
                row.save(update_fields=["removed_at", "removed_by"])
            audit.record(
                "round.facility_added",
                locked,
                after={"facility": facility.code},
                reason=_reason(reason),
            )
            return
        if row is None or row.removed_at is not None:
            return
        row.removed_at = timezone.now()
        row.removed_by = actor
        row.save(update_fields=["removed_at", "removed_by"])
        dropped, _counts = Assignment.objects.filter(round=locked, facility=facility).delete()
        audit.record(
            "round.facility_removed",
            locked,
            before={"facility": facility.code},
            after={"assignments_removed": dropped},
            reason=_reason(reason),
        )


# --- assignments ------------------------------------------------------------------------------------------------


def _collector_facilities_q(collector: User) -> Q:
    """The facilities a collector's own scope covers: sectors for sector-scoped collectors, directorates (all their
    facilities, hospitals included) for directorate-scoped ones."""
    scope = collector.resolve_scope()
    if scope.kind == ScopeKind.SECTORS:
        return Q(sector__in=sorted(scope.sector_ids))
    if scope.kind == ScopeKind.DIRECTORATES:
        return Q(directorate__in=sorted(scope.directorate_ids))
    return Q(pk__in=[])  # collectors never have wider scopes (accounts.services.ROLE_SCOPE_KINDS)


def collectors_in_scope(actor: User | None) -> QuerySet[User]:
    """Active data collectors the actor may manage."""
    return _visible(actor, User.objects.filter(role=Role.DATA_COLLECTOR, is_active=True))


def assign_by_scope(actor: User | None, round: Round) -> int:
    """The default assignment: every active data collector in the actor's scope gets the expected facilities of their
    own sectors (or directorates), within the actor's scope. Idempotent: returns how many assignments were added."""
    _require(actor, Perm.MANAGE_COLLECTORS, _("You may not assign facilities to collectors."))
    with transaction.atomic():
        locked = _locked(round)
        _require_open(locked)
        expected = _visible(
            actor,
            Facility.objects.filter(
                pk__in=ExpectedFacility.objects.filter(round=locked, removed_at__isnull=True).values("facility_id")
            ),
        )
        new: list[Assignment] = []
        for collector in collectors_in_scope(actor).order_by("pk"):
            have = Assignment.objects.filter(round=locked, collector=collector).values("facility_id")
            wanted = expected.filter(_collector_facilities_q(collector)).exclude(pk__in=have)
            new += [
                Assignment(round=locked, facility_id=pk, collector=collector, assigned_by=actor)
                for pk in wanted.order_by("pk").values_list("pk", flat=True)
            ]
        Assignment.objects.bulk_create(new, batch_size=1000)
        if new:
            audit.record("round.assigned_by_scope", locked, after={"added": len(new)})
    return len(new)


def assign(actor: User | None, round: Round, facility: Facility, collector: User) -> Assignment:
    """Ask a collector to visit one expected facility (inside both the actor's and the collector's scope)."""
    _require(actor, Perm.MANAGE_COLLECTORS, _("You may not assign facilities to collectors."))
    _require_facility_in_scope(actor, facility)
    _require_collector_in_scope(actor, collector)
    if not collector.is_active:
        raise CollectionError(_("This account is deactivated."))
    if not Facility.objects.filter(_collector_facilities_q(collector), pk=facility.pk).exists():
        raise CollectionError(_("This facility is outside the collector's own scope."))
    with transaction.atomic():
        locked = _locked(round)
        _require_open(locked)
        if not ExpectedFacility.objects.filter(round=locked, facility=facility, removed_at__isnull=True).exists():
            raise CollectionError(_("The round does not expect this facility."))
        existing = Assignment.objects.filter(round=locked, facility=facility, collector=collector).first()
        if existing is not None:
            return existing
        assignment = Assignment.objects.create(round=locked, facility=facility, collector=collector, assigned_by=actor)
        audit.record("assignment.created", assignment, after=_assignment_snapshot(assignment))
    return assignment


def unassign(
    actor: User | None,
    round: Round,
    facility: Facility,
    collector: User,
    *,
    reason: str,
) -> None:
    """Take a facility off a collector's list for this round (nothing happens if it was not on it)."""
    _require(actor, Perm.MANAGE_COLLECTORS, _("You may not assign facilities to collectors."))
    _require_facility_in_scope(actor, facility)
    _require_collector_in_scope(actor, collector)
    with transaction.atomic():
        locked = _locked(round)
        _require_open(locked)
        assignment = Assignment.objects.filter(round=locked, facility=facility, collector=collector).first()
        if assignment is None:
            return
        before = _assignment_snapshot(assignment)
        audit.record("assignment.removed", assignment, before=before, reason=_reason(reason))
        assignment.delete()


def _assignment_snapshot(assignment: Assignment) -> dict[str, Any]:
    return {
        "round": assignment.round.code,
        "facility": assignment.facility.code,
        "collector": assignment.collector.username,
    }


# --- device tokens ----------------------------------------------------------------------------------------------


def issue_device_token(actor: User | None, collector: User, label: str) -> DeviceToken:
    """A new credential for one of the collector's devices. The token is 256 random bits (URL-safe)."""
    _require(actor, Perm.MANAGE_COLLECTORS, _("You may not issue device tokens."))
    _require_collector_in_scope(actor, collector)
    if not collector.is_active:
        raise CollectionError(_("This account is deactivated."))
    label = label.strip()
    if not label:
        raise CollectionError(_("Name the device, e.g. “tablet 3”."), field="label")
    if len(label) > TOKEN_LABEL_MAX:
        raise CollectionError(
            _("The device name is longer than %(max)s characters.") % {"max": TOKEN_LABEL_MAX}, field="label"
        )
    with transaction.atomic():
        token = DeviceToken.objects.create(
            user=collector, label=label, token=secrets.token_urlsafe(32), created_by=actor
        )
        # The token itself never enters the log: whoever reads the log must not be able to act as the device.
        audit.record("device_token.issued", token, after={"user": collector.username, "label": label})
    return token


def revoke_device_token(actor: User | None, token: DeviceToken, *, reason: str = "") -> DeviceToken:
    """Stop a device from reaching the server (lost or replaced). The row stays, so its submissions still name it."""
    _require(actor, Perm.MANAGE_COLLECTORS, _("You may not revoke device tokens."))
    if not _visible(actor, DeviceToken.objects.filter(pk=token.pk)).exists():
        raise PermissionDenied(_("This device token is outside your scope."))
    with transaction.atomic():
        locked = DeviceToken.objects.select_for_update().get(pk=token.pk)
        if locked.revoked_at is None:
            locked.revoked_at = timezone.now()
            locked.revoked_by = actor
            locked.save(update_fields=["revoked_at", "revoked_by"])
            audit.record(
                "device_token.revoked",
                locked,
                before={"revoked_at": None},
                after={"revoked_at": locked.revoked_at.isoformat()},
                reason=_reason(reason),
            )
    token.revoked_at = locked.revoked_at
    token.revoked_by = locked.revoked_by
    return token
