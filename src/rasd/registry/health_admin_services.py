"""Changes to the health administration that users make: primary-health-care sectors (audited, scope-checked).

Authorities and directorates come from the reference data (see reference_data); sectors are created and
renamed by the people who run a directorate.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import Scope, ScopeKind, covers, scope_of
from rasd.audit import services as audit
from rasd.registry.models import Directorate, Sector

SECTOR_FIELDS = ("code", "directorate", "name_ar", "name_en", "name_ckb")


def _require(actor: User | None, directorate: Directorate) -> None:
    """The actor may manage the registry and the directorate is inside their scope (None is the system)."""
    if actor is None:
        return
    if not actor.can(Perm.MANAGE_REGISTRY):
        raise PermissionDenied(_("You may not change the health administration."))
    if not covers(scope_of(actor), Scope(kind=ScopeKind.DIRECTORATES, directorate_ids=frozenset([directorate.pk]))):
        raise PermissionDenied(_("This directorate is outside your scope."))


@transaction.atomic
def create_sector(
    actor: User | None, *, code: str, directorate: Directorate, name_ar: str, name_en: str = "", name_ckb: str = ""
) -> Sector:
    _require(actor, directorate)
    sector = Sector(
        code=code.strip(),
        directorate=directorate,
        name_ar=name_ar.strip(),
        name_en=name_en.strip(),
        name_ckb=name_ckb.strip(),
    )
    sector.full_clean()
    sector.save()
    audit.record("sector.created", sector, after=audit.snapshot(sector, SECTOR_FIELDS))
    return sector


@transaction.atomic
def update_sector(
    actor: User | None, sector: Sector, *, name_ar: str, name_en: str, name_ckb: str, reason: str
) -> Sector:
    """Rename a sector; a reason is required. Nothing is stored (or audited) when the names are unchanged."""
    _require(actor, sector.directorate)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why.")]})
    before = audit.snapshot(sector, SECTOR_FIELDS)
    sector.name_ar, sector.name_en, sector.name_ckb = name_ar.strip(), name_en.strip(), name_ckb.strip()
    after = audit.snapshot(sector, SECTOR_FIELDS)
    if before == after:
        return sector
    sector.full_clean()
    sector.save()
    audit.record("sector.updated", sector, before=before, after=after, reason=reason)
    return sector
