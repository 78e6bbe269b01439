"""Choosing the facilities a registry command works on."""

from __future__ import annotations

from django.core.management.base import CommandError
from django.db.models import QuerySet

from rasd.registry.models import Directorate, Facility


def facilities_of(directorate_code: str | None) -> QuerySet[Facility]:
    """Every facility, or those of one directorate (by code)."""
    if not directorate_code:
        return Facility.objects.all()
    directorate = Directorate.objects.filter(code=directorate_code).first()
    if directorate is None:
        raise CommandError(f"no directorate with the code {directorate_code}")
    return Facility.objects.filter(directorate=directorate)
