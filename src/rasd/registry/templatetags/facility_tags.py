"""Template filters for the facility pages."""

from __future__ import annotations

from django import template

from rasd.registry.models import AdminArea
from rasd.registry.selectors import district_of

register = template.Library()


@register.filter
def district(area: AdminArea | None) -> AdminArea | None:
    """The district of a facility's area (its parent when the area is a sub-district), from fetched parents."""
    return district_of(area)
