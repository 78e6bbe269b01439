from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from rasd.lib.forms import StyledForm
from rasd.quality.services import JUSTIFICATION_MAX


class AcceptIssueForm(StyledForm):
    justification = forms.CharField(
        label=_("Why is the answer valid as it is?"),
        max_length=JUSTIFICATION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
