"""The one place that limits what a user may read or change to their part of the country.

Every view and service that reads domain objects goes through `scoped()` (or `get_scoped_or_404()`).
Each scoped model says how it hangs off the health administration by defining
`in_scope_q(scope) -> Q`, usually with `hierarchy_q`. A model without it cannot be scoped, and
`scoped()` refuses it loudly rather than returning everything.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, TypeVar

from django.core.exceptions import ImproperlyConfigured, ObjectDoesNotExist
from django.db import models
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    pass

M = TypeVar("M", bound=models.Model)


class ScopeKind(models.TextChoices):
    ALL = "all", _("Whole country")
    AUTHORITY = "authority", _("One authority")
    DIRECTORATES = "directorates", _("Directorates")
    SECTORS = "sectors", _("Sectors")


@dataclass(frozen=True)
class Scope:
    """What a user covers, resolved to ids once per request."""

    kind: ScopeKind
    authority_ids: frozenset[int] = frozenset()
    directorate_ids: frozenset[int] = frozenset()
    sector_ids: frozenset[int] = frozenset()

    @property
    def is_national(self) -> bool:
        return self.kind == ScopeKind.ALL


NOTHING = Scope(kind=ScopeKind.SECTORS)


def scope_of(user: Any) -> Scope:
    """The user's scope; an anonymous or inactive user covers nothing."""
    if user is None or not getattr(user, "is_authenticated", False) or not user.is_active:
        return NOTHING
    cached: Scope | None = getattr(user, "_rasd_scope", None)
    if cached is None:
        cached = user.resolve_scope()
        user._rasd_scope = cached
    return cached


def hierarchy_q(scope: Scope, *, authority: str | None, directorate: str | None, sector: str | None) -> Q:
    """Q for a model reachable from authority/directorate/sector through the given lookups.

    A lookup left as None means the model is not tied to that level; a user scoped at that level then sees
    none of it (objects above a user's level must say explicitly how they are shown, as Authority does).
    """
    if scope.kind == ScopeKind.ALL:
        return Q()
    level_lookup = {
        ScopeKind.AUTHORITY: (authority, scope.authority_ids),
        ScopeKind.DIRECTORATES: (directorate, scope.directorate_ids),
        ScopeKind.SECTORS: (sector, scope.sector_ids),
    }
    lookup, ids = level_lookup[ScopeKind(scope.kind)]
    if lookup is None or not ids:
        return Q(pk__in=[])
    return Q(**{f"{lookup}__in": sorted(ids)})


def scoped(user: Any, queryset: QuerySet[M]) -> QuerySet[M]:
    """`queryset` limited to what `user` may see."""
    in_scope_q = getattr(queryset.model, "in_scope_q", None)
    if in_scope_q is None:
        raise ImproperlyConfigured(f"{queryset.model.__name__} has no in_scope_q(); it cannot be scoped")
    scope = scope_of(user)
    condition: Q = in_scope_q(scope)
    if not condition:  # national scope: no filter at all
        return queryset
    # Filter through a subquery so reverse lookups cannot duplicate rows.
    return queryset.filter(pk__in=queryset.model._default_manager.filter(condition).values("pk"))


def get_scoped_or_404(user: Any, queryset: QuerySet[M], **lookup: Any) -> M:
    """One object the user may see, or 404 — never 403, so nobody learns what exists outside their scope."""
    try:
        return scoped(user, queryset).get(**lookup)
    except ObjectDoesNotExist as exc:
        raise Http404 from exc


def user_scope_q(scope: Scope) -> Q:
    """Which accounts a scope covers: those whose own scope lies at or below it and overlaps it."""
    if scope.kind == ScopeKind.ALL:
        return Q()
    if scope.kind == ScopeKind.AUTHORITY:
        ids = sorted(scope.authority_ids)
        return (
            Q(scope_kind=ScopeKind.AUTHORITY, scope_authority__in=ids)
            | Q(scope_kind=ScopeKind.DIRECTORATES, scope_directorates__authority__in=ids)
            | Q(scope_kind=ScopeKind.SECTORS, scope_sectors__directorate__authority__in=ids)
        )
    if scope.kind == ScopeKind.DIRECTORATES:
        ids = sorted(scope.directorate_ids)
        return Q(scope_kind=ScopeKind.DIRECTORATES, scope_directorates__in=ids) | Q(
            scope_kind=ScopeKind.SECTORS, scope_sectors__directorate__in=ids
        )
    return Q(scope_kind=ScopeKind.SECTORS, scope_sectors__in=sorted(scope.sector_ids))


def covers(outer: Scope, inner: Scope) -> bool:
    """True when everything `inner` covers is also covered by `outer` (used before granting a scope)."""
    if outer.kind == ScopeKind.ALL:
        return True
    if inner.kind == ScopeKind.ALL:
        return False
    from rasd.registry.models import Directorate, Sector

    if inner.kind == ScopeKind.AUTHORITY:
        if outer.kind != ScopeKind.AUTHORITY:
            return False
        return inner.authority_ids <= outer.authority_ids
    if inner.kind == ScopeKind.DIRECTORATES:
        if outer.kind == ScopeKind.AUTHORITY:
            parents = set(
                Directorate.objects.filter(pk__in=inner.directorate_ids).values_list("authority_id", flat=True)
            )
            return parents <= outer.authority_ids
        return outer.kind == ScopeKind.DIRECTORATES and inner.directorate_ids <= outer.directorate_ids
    sectors = Sector.objects.filter(pk__in=inner.sector_ids)
    if outer.kind == ScopeKind.AUTHORITY:
        return set(sectors.values_list("directorate__authority_id", flat=True)) <= outer.authority_ids
    if outer.kind == ScopeKind.DIRECTORATES:
        return set(sectors.values_list("directorate_id", flat=True)) <= outer.directorate_ids
    return inner.sector_ids <= outer.sector_ids
