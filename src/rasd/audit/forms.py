from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rasd.audit import selectors
from rasd.lib.forms import StyledForm


def _all(values: list[str]) -> list[tuple[str, str]]:
    return [("", str(_("All"))), *((value, value) for value in values)]


class EntryFilterForm(StyledForm):
    actor = forms.CharField(label=_("User"), required=False)
    action = forms.ChoiceField(label=_("Action"), required=False, choices=lambda: _all(selectors.known_actions()))
    object_type = forms.ChoiceField(
        label=_("Object type"), required=False, choices=lambda: _all(selectors.known_object_types())
    )
    object_id = forms.CharField(label=_("Object id"), required=False)
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def criteria(self) -> selectors.EntryFilter:
        if not self.is_bound:
            return selectors.EntryFilter()
        # Fields with an error are left out (and the form shows the error); the valid ones still filter.
        self.is_valid()
        data = {name: self.cleaned_data.get(name) for name in self.fields}
        return selectors.EntryFilter(
            actor=(data["actor"] or "").strip(),
            action=data["action"] or "",
            object_type=data["object_type"] or "",
            object_id=(data["object_id"] or "").strip(),
            since=data["since"],
            until=data["until"],
        )
