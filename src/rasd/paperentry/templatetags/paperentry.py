"""`{% paper_history submission %}`: on a record's page, the paper form it came from (both entries, the
resolution, the scans) with a link to the paper form's page. Shows nothing for records from other sources."""

from __future__ import annotations

from typing import Any

from django import template
from django.db.models import Prefetch

from rasd.accounts.scoping import scoped
from rasd.paperentry import selectors
from rasd.paperentry.models import PaperEntry, PaperForm
from rasd.submissions.answers import answer_language

register = template.Library()


@register.inclusion_tag("paperentry/_history.html", takes_context=True)
def paper_history(context: template.Context, submission: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    found = (
        scoped(user, PaperForm.objects.filter(submission=submission))
        .select_related("resolution__resolver")
        .prefetch_related(Prefetch("entries", queryset=PaperEntry.objects.select_related("clerk")))
        .first()
        if submission is not None and user is not None
        else None
    )
    if found is None:
        return {"paper_form": None}
    return {
        "paper_form": found,
        "entries": sorted(found.entries.all(), key=lambda entry: entry.number),
        "resolution": getattr(found, "resolution", None),
        "choices": selectors.resolution_rows(found, answer_language()),
        "scan_count": found.scans.count(),
    }
