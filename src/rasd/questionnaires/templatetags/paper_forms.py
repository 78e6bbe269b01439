"""`{% paper_form_links facility %}`: download links for the printed form of a facility and of its directorate."""

from __future__ import annotations

from typing import Any

from django import template

from rasd.accounts.roles import Perm
from rasd.questionnaires.paper.selection import latest_published
from rasd.registry.models import Facility

register = template.Library()


@register.inclusion_tag("questionnaires/paper/_links.html", takes_context=True)
def paper_form_links(context: dict[str, Any], facility: Facility) -> dict[str, Any]:
    """Links to the latest published version of the default questionnaire, in Arabic and in Arabic with English."""
    request = context.get("request")
    user = getattr(request, "user", None)
    allowed = user is not None and user.is_authenticated and user.can(Perm.VIEW_QUESTIONNAIRES)
    return {"facility": facility, "version": latest_published() if allowed else None}
