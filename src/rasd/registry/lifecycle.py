"""Which facilities are still in service: neither closed for good nor merged into another."""

from __future__ import annotations

from django.db.models import Q

from rasd.registry.models import Facility, OperationalStatus


def active_q() -> Q:
    return ~Q(status=OperationalStatus.PERMANENTLY_CLOSED) & Q(merged_into__isnull=True)


def is_active(facility: Facility) -> bool:
    return facility.status != OperationalStatus.PERMANENTLY_CLOSED and facility.merged_into_id is None
