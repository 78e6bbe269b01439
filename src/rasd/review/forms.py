"""The forms of the review pages: a decision or a comment on one record, and a bulk decision on a filtered list (also
posted by the approval pages' buttons). The rules (who may, which message is required, when a justification is
needed) are the services'; these forms only read the input."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import User
from rasd.lib.forms import StyledForm
from rasd.review.decisions import may_attempt
from rasd.review.services import MESSAGE_MAX, ReviewAction

BULK_ACTIONS = [
    (ReviewAction.APPROVE, _("Approve")),
    (ReviewAction.RETURN, _("Return to the collector")),
    (ReviewAction.REJECT, _("Reject")),
]


def _text(label: Any, *, missing: Any = None, rows: int = 2) -> forms.CharField:
    """A message, comment or justification; required when `missing` says what to write."""
    return forms.CharField(
        label=label,
        required=missing is not None,
        max_length=MESSAGE_MAX,
        widget=forms.Textarea(attrs={"rows": rows, "dir": "auto"}),
        error_messages={"required": missing},
    )


def errors_of(form: forms.Form) -> str:
    """A form's errors as one message for the page."""
    return " ".join(str(error) for errors in form.errors.values() for error in errors)


class DecisionForm(StyledForm):
    action = forms.ChoiceField(choices=ReviewAction.choices, widget=forms.HiddenInput)
    message = _text(_("Message"))
    justification = _text(_("Justification"))


class CommentForm(StyledForm):
    text = _text(_("Comment"), missing=_("Write the comment first."), rows=3)


class RecordIdsField(forms.Field):
    """The ids of the records ticked on the list (checkboxes named `ids`)."""

    widget = forms.MultipleHiddenInput

    def to_python(self, value: Any) -> list[int]:
        try:
            return [int(item) for item in value or []]
        except (TypeError, ValueError) as error:
            raise ValidationError(_("The selection is not valid: reload the list.")) from error


class BulkForm(StyledForm):
    TARGET_SELECTED = "selected"
    TARGET_ALL = "all"

    action = forms.ChoiceField(label=_("Decision"), choices=BULK_ACTIONS)
    target = forms.ChoiceField(
        label=_("Records"),
        choices=[(TARGET_SELECTED, _("The records ticked")), (TARGET_ALL, _("All the records matching the filters"))],
        initial=TARGET_SELECTED,
        widget=forms.RadioSelect,
    )
    ids = RecordIdsField(required=False)
    # How many records matched when the list was shown: "all" is refused if that changed meanwhile.
    expected = forms.IntegerField(min_value=0, required=False, widget=forms.HiddenInput)
    message = _text(_("Message to the collector, or reason for rejecting"))
    justification = _text(_("Justification (records with open high-severity issues)"))

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        action: Any = self.fields["action"]
        action.choices = [(value, label) for value, label in BULK_ACTIONS if may_attempt(actor, value)]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("target") == self.TARGET_SELECTED and not data.get("ids"):
            raise ValidationError(_("Tick the records to act on, or choose all the records matching the filters."))
        return data
