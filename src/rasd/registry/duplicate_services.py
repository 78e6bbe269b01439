"""Suspected duplicate facilities in the database, and reviewers' decisions on them.

The scoring is in `rasd.registry.duplicates`; this module feeds it the active facilities of a queryset, leaves out
pairs a reviewer already decided, and records decisions: a dismissal is remembered, a confirmation merges the two
facilities through `facility_services.merge_facilities`.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import scoped
from rasd.audit import services as audit
from rasd.registry import facility_services
from rasd.registry.duplicates import DEFAULT_MIN_SCORE, Candidate, Record, find_candidates, score_pair
from rasd.registry.lifecycle import active_q, is_active
from rasd.registry.models import DuplicateDecision, Facility

# In the order of Record's fields.
_RECORD_FIELDS = ("pk", "code", "name_ar", "name_en", "name_ckb", "directorate_id", "latitude", "longitude")
_AUDITED = ("facility_a", "facility_b", "decision", "note")


def record_of(facility: Facility) -> Record:
    return Record(
        id=facility.pk,
        code=facility.code,
        name_ar=facility.name_ar,
        name_en=facility.name_en,
        name_ckb=facility.name_ckb,
        directorate=facility.directorate_id,
        latitude=facility.latitude,
        longitude=facility.longitude,
    )


def records(facilities: QuerySet[Facility]) -> list[Record]:
    """Every facility of the queryset as a record, read in one query without building model instances."""
    return [Record(*values) for values in facilities.values_list(*_RECORD_FIELDS)]


def candidates(facilities: QuerySet[Facility], min_score: float = DEFAULT_MIN_SCORE) -> list[Candidate]:
    """Undecided pairs of active facilities, both from `facilities`, best first."""
    found = find_candidates(records(facilities.filter(active_q())), min_score)
    if not found:
        return []
    decided = set(DuplicateDecision.objects.values_list("facility_a_id", "facility_b_id"))
    return [candidate for candidate in found if (candidate.a.id, candidate.b.id) not in decided]


@dataclass
class Pair:
    """Two facilities as a reviewer sees them: `a` has the lower id."""

    a: Facility
    b: Facility
    candidate: Candidate
    decision: DuplicateDecision | None


def pair(first: Facility, second: Facility) -> Pair:
    a, b = sorted((first, second), key=lambda facility: facility.pk)
    decision = DuplicateDecision.objects.filter(facility_a=a, facility_b=b).select_related("decided_by").first()
    return Pair(a=a, b=b, candidate=score_pair(record_of(a), record_of(b)), decision=decision)


def _require(actor: User | None, *facilities: Facility) -> None:
    if actor is None:
        return
    if not actor.can(Perm.MANAGE_REGISTRY):
        raise PermissionDenied(_("You may not change the facility list."))
    ids = {facility.pk for facility in facilities}
    if scoped(actor, Facility.objects.filter(pk__in=ids)).count() != len(ids):
        raise PermissionDenied(_("A facility is outside your scope."))


def _check_pair(first: Facility, second: Facility) -> None:
    if first.pk == second.pk:
        raise ValidationError(_("A facility cannot be its own duplicate."))
    if not (is_active(first) and is_active(second)):
        raise ValidationError(_("Only facilities still in service can be reviewed as duplicates."))


def _decide(actor: User | None, a: Facility, b: Facility, decision: str, note: str) -> DuplicateDecision:
    existing = DuplicateDecision.objects.filter(facility_a=a, facility_b=b).first()
    before = audit.snapshot(existing, _AUDITED) if existing else {}
    saved, _created = DuplicateDecision.objects.update_or_create(
        facility_a=a, facility_b=b, defaults={"decision": decision, "note": note, "decided_by": actor}
    )
    audit.record(
        f"facility.duplicate_{decision}", saved, before=before, after=audit.snapshot(saved, _AUDITED), reason=note
    )
    return saved


@transaction.atomic
def dismiss(actor: User | None, first: Facility, second: Facility, *, note: str) -> DuplicateDecision:
    """Two facilities are different places: the pair is not suggested again."""
    _require(actor, first, second)
    _check_pair(first, second)
    if not note.strip():
        raise ValidationError({"note": [_("Say why these are different facilities.")]})
    a, b = sorted((first, second), key=lambda facility: facility.pk)
    if DuplicateDecision.objects.filter(facility_a=a, facility_b=b).exists():
        raise ValidationError(_("This pair was already decided."))
    return _decide(actor, a, b, DuplicateDecision.Decision.DISMISSED, note.strip())


@transaction.atomic
def confirm(
    actor: User | None, *, keep: Facility, absorb: Facility, on: datetime.date, reason: str
) -> DuplicateDecision:
    """Two facilities are one place: `absorb` is merged into `keep` (its code becomes an alias) and the decision is
    remembered. A pair dismissed earlier may still be confirmed."""
    _require(actor, keep, absorb)
    _check_pair(keep, absorb)
    facility_services.merge_facilities(actor, keep=keep, absorb=absorb, on=on, reason=reason)
    a, b = sorted((keep, absorb), key=lambda facility: facility.pk)
    return _decide(actor, a, b, DuplicateDecision.Decision.CONFIRMED, reason.strip())
