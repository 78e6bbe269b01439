"""The filters of a round's submission list (also used by its CSV download, with the same query parameters)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.collection.models import Round
from rasd.registry.facility_filters import PlacementFilterForm
from rasd.submissions.models import QuarantineReason, Source, SubmissionState
from rasd.submissions.selectors import MY_QUEUE, SubmissionFilters, submitters

QUEUE_CHOICES = [
    ("", _("All")),
    (MY_QUEUE, _("Waiting for me")),
    ("directorate", _("Waiting for the directorate")),
    ("national", _("Waiting for national approval")),
    ("collector", _("Returned to the collector")),
    ("placement", _("Waiting for placement (quarantine)")),
]

FILTER_FIELDS = (
    "q",
    "directorate",
    "sector",
    "collector",
    "received_from",
    "received_to",
    "state",
    "reason",
    "source",
    "queue",
    "sort",
)


def list_params(params: QueryDict, round: Round) -> list[tuple[str, str]]:
    """The list's filters as query pairs (from its query string, or from a form carrying them), the round named."""
    kept = [(name, value) for name, values in params.lists() if name in FILTER_FIELDS for value in values if value]
    return [("round", round.code), *kept]


class _UserChoice(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.full_name or obj.username} ({obj.username})"


class SubmissionFilterForm(PlacementFilterForm):
    field_order = ["round", *FILTER_FIELDS]

    round = forms.ModelChoiceField(
        label=_("Round"), queryset=Round.objects.none(), to_field_name="code", required=False, empty_label=None
    )
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=200,
        widget=forms.SearchInput(
            attrs={"autocomplete": "off", "dir": "auto", "placeholder": _("Facility name or code, instance ID")}
        ),
    )
    collector = _UserChoice(label=_("Submitted by"), queryset=User.objects.none(), required=False, empty_label=_("All"))
    received_from = forms.DateField(
        label=_("Received from"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    received_to = forms.DateField(
        label=_("Received to"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *SubmissionState.choices])
    reason = forms.ChoiceField(
        label=_("Reason for quarantine"), required=False, choices=[("", _("All")), *QuarantineReason.choices]
    )
    source = forms.ChoiceField(label=_("Source"), required=False, choices=[("", _("All")), *Source.choices])
    queue = forms.ChoiceField(label=_("Waiting for"), required=False, choices=QUEUE_CHOICES)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("-received", _("Newest first")), ("received", _("Oldest first"))],
    )

    def __init__(self, data: QueryDict | None, *, user: User, round: Round | None, **kwargs: Any) -> None:
        super().__init__(data, user=user, **kwargs)
        self.user = user
        fields: dict[str, Any] = self.fields
        fields["round"].queryset = scoped(user, Round.objects.all())
        fields["collector"].queryset = submitters(user, round) if round is not None else User.objects.none()

    def filters(self) -> SubmissionFilters:
        """The filters chosen. One that is not valid (e.g. a directorate outside the scope) is left out; the page
        says so (see `errors`)."""
        if not self.is_bound:
            return SubmissionFilters()
        self.is_valid()
        chosen = {name: value for name, value in self.cleaned_data.items() if name in FILTER_FIELDS}
        chosen["sort"] = chosen.get("sort") or "-received"
        return SubmissionFilters(**chosen, reader=self.user)
