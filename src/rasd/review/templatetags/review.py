"""Review on pages of the submissions app, without that app depending on this one: the panel of a record's page
(`{% review_panel submission %}`: the state, the actions the reader may take now, the thread) and the bulk form of
the list (`{% review_bulk_form round count %}`), and the records returned to a collector on the home page
(`{% returned_panel %}`)."""

from __future__ import annotations

from typing import Any

from django import template

from rasd.accounts.roles import Perm
from rasd.collection.models import RoundState
from rasd.review import services
from rasd.review.forms import BulkForm
from rasd.review.services import ReviewAction
from rasd.submissions.forms import list_params
from rasd.submissions.selectors import returned_to

register = template.Library()


@register.inclusion_tag("review/_review_panel.html", takes_context=True)
def review_panel(context: template.Context, submission: Any) -> dict[str, Any]:
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"submission": submission, "events": []}
    actions = services.available_actions(user, submission)
    return {
        "submission": submission,
        "locked": submission.round.state == RoundState.CLOSED,
        "actions": [action.value for action in actions],
        "needs_justification": ReviewAction.APPROVE in actions and services.needs_justification(submission),
        "can_comment": services.may_comment(user, submission),
        "events": services.thread(submission),
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("review/_bulk_form.html", takes_context=True)
def review_bulk_form(context: template.Context, round_: Any, matching: int) -> dict[str, Any]:
    """The bulk decision form of a submission list: it carries the list's filters (the bulk view applies them again)
    and acts on the records ticked or on all `matching` ones. Shown to reviewers only."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if request is None or user is None or not user.can(Perm.REVIEW_SUBMISSIONS):
        return {"shown": False}
    return {
        "shown": True,
        "form": BulkForm(actor=user, initial={"expected": matching}, auto_id="bulk-%s"),
        "params": list_params(request.GET, round_),
        "matching": matching,
        "csrf_token": context.get("csrf_token"),
    }


# The returned records listed on the home page (the rest are counted, with a link to the list).
RETURNED_SHOWN = 10


@register.inclusion_tag("review/_returned_panel.html", takes_context=True)
def returned_panel(context: template.Context) -> dict[str, Any]:
    """For collectors, on the home page: their records a reviewer returned, with the reviewer's message."""
    request = context.get("request")
    user = getattr(request, "user", None)
    if user is None or not (user.can(Perm.SUBMIT_DATA) and user.can(Perm.VIEW_SUBMISSIONS)):
        return {"records": []}
    records = returned_to(user)
    shown = list(records[:RETURNED_SHOWN])
    return {
        "records": shown,
        "total": len(shown) if len(shown) < RETURNED_SHOWN else records.count(),
        "user": user,
    }
