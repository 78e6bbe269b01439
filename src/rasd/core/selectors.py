"""Read-only queries for the home page."""

from __future__ import annotations

from typing import Any

from rasd.accounts.models import User
from rasd.accounts.roles import Perm
from rasd.accounts.scoping import scoped
from rasd.registry.models import Authority, Directorate, Sector
from rasd.registry.selectors import open_facility_count


def home_summary(user: User) -> dict[str, Any]:
    summary: dict[str, Any] = {
        "authorities": scoped(user, Authority.objects.all()).count(),
        "directorates": scoped(user, Directorate.objects.all()).count(),
        "sectors": scoped(user, Sector.objects.all()).count(),
    }
    if user.can(Perm.VIEW_REGISTRY):
        summary["open_facilities"] = open_facility_count(user)
    if user.can(Perm.VIEW_USERS):
        summary["active_users"] = scoped(user, User.objects.filter(is_active=True)).count()
    return summary
