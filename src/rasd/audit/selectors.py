from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import models
from django.db.models import QuerySet

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.audit.models import AuditEntry


def history_of(instance: models.Model) -> QuerySet[AuditEntry]:
    """Entries about one object, newest first. Callers have already checked the reader may see the object."""
    return AuditEntry.objects.filter(object_type=instance._meta.label_lower, object_id=str(instance.pk)).select_related(
        "actor"
    )


@dataclass(frozen=True)
class EntryFilter:
    actor: str = ""
    action: str = ""
    object_type: str = ""
    object_id: str = ""
    since: datetime.date | None = None
    until: datetime.date | None = None


def entries_for(reader: User, criteria: EntryFilter) -> QuerySet[AuditEntry]:
    entries = scoped(reader, AuditEntry.objects.select_related("actor"))
    if criteria.actor:
        entries = entries.filter(actor_username__iexact=criteria.actor)
    if criteria.action:
        entries = entries.filter(action__startswith=criteria.action)
    if criteria.object_type:
        entries = entries.filter(object_type=criteria.object_type)
    if criteria.object_id:
        entries = entries.filter(object_id=criteria.object_id)
    if criteria.since:
        entries = entries.filter(created_at__date__gte=criteria.since)
    if criteria.until:
        entries = entries.filter(created_at__date__lte=criteria.until)
    return entries


def known_actions() -> list[str]:
    return list(AuditEntry.objects.order_by("action").values_list("action", flat=True).distinct())


def known_object_types() -> list[str]:
    return list(AuditEntry.objects.order_by("object_type").values_list("object_type", flat=True).distinct())
