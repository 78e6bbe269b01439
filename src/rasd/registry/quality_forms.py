"""Forms of the data-quality and duplicate pages: filters within the user's scope, and reviewers' decisions."""

from __future__ import annotations

from typing import Any

from django import forms
from django.http import QueryDict
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.lib.forms import StyledForm
from rasd.registry.duplicates import DEFAULT_MIN_SCORE
from rasd.registry.facility_forms import DateInput, ServiceErrors, reason_field
from rasd.registry.models import Directorate, Facility
from rasd.registry.quality import RULES, Severity


class _ByDirectorate(StyledForm):
    """A filter by directorate, among those in the user's scope."""

    directorate = forms.ModelChoiceField(
        label=_("Directorate"), queryset=Directorate.objects.none(), required=False, empty_label=_("All")
    )

    def __init__(self, data: QueryDict | None, *, user: User, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        directorate: Any = self.fields["directorate"]
        directorate.queryset = scoped(user, Directorate.objects.all())


class FindingFilterForm(_ByDirectorate):
    rule = forms.ChoiceField(
        label=_("Check"), required=False, choices=[("", _("All")), *((rule.code, rule.title) for rule in RULES)]
    )
    severity = forms.ChoiceField(label=_("Severity"), required=False, choices=[("", _("All")), *Severity.choices])


class DuplicateFilterForm(_ByDirectorate):
    min_score = forms.IntegerField(
        label=_("Lowest score"), required=False, min_value=50, max_value=100, initial=int(DEFAULT_MIN_SCORE)
    )


class DismissForm(StyledForm):
    note = forms.CharField(
        label=_("Why are these different facilities?"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("The pair will not be suggested again."),
    )


class ConfirmForm(ServiceErrors, StyledForm):
    service_fields = {"valid_from": "on", "absorb": "keep"}

    keep = forms.TypedChoiceField(label=_("Keep"), coerce=int)
    on = forms.DateField(label=_("Merged on"), initial=timezone.localdate, widget=DateInput())
    reason = reason_field()

    def __init__(self, *args: Any, pair: tuple[Facility, Facility], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        keep: Any = self.fields["keep"]
        keep.choices = [(facility.pk, f"{facility.code} {facility.name}") for facility in pair]
        keep.help_text = _("The other closes for good; its code and names become other names of the one kept.")
