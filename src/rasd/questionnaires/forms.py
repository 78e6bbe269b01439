"""Forms of the questionnaire pages."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasd.lib.forms import StyledForm
from rasd.questionnaires.models import Questionnaire, QuestionnaireVersion

MAX_UPLOAD_MB = 20


class UploadForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("XLSForm"),
        help_text=gettext_lazy("An Excel workbook (.xlsx) with survey, choices and settings sheets."),
    )
    publish = forms.BooleanField(
        label=gettext_lazy("Publish at once"),
        required=False,
        help_text=gettext_lazy("A published version can no longer change. Leave unticked to review it first."),
    )

    def clean_file(self) -> Any:
        source = self.cleaned_data["file"]
        if Path(source.name or "").suffix.lower() != ".xlsx":
            raise forms.ValidationError(_("Give an .xlsx file."))
        if source.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_MB})
        return source


class StateChangeForm(StyledForm):
    """Publishing or retiring: the user confirms and says why."""

    reason = forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=gettext_lazy("Kept in the audit log."),
    )
    confirm = forms.BooleanField(label=gettext_lazy("I have checked this version and confirm the change."))


class FieldFilterForm(StyledForm):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)
    role = forms.ChoiceField(label=gettext_lazy("Role"), required=False)

    def __init__(self, data: Any, *, roles: list[str], **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        kinds = sorted({role.split(":")[0] for role in roles})
        role: Any = self.fields["role"]
        role.choices = [
            ("", _("All fields")),
            ("*", _("Any role")),
            ("-", _("No role")),
            *((kind, kind) for kind in kinds),
        ]


class DiffForm(StyledForm):
    old = forms.ModelChoiceField(label=gettext_lazy("From version"), queryset=QuestionnaireVersion.objects.none())
    new = forms.ModelChoiceField(label=gettext_lazy("To version"), queryset=QuestionnaireVersion.objects.none())

    def __init__(self, data: Any, *, questionnaire: Questionnaire, **kwargs: Any) -> None:
        super().__init__(data, **kwargs)
        for name in ("old", "new"):
            choice: Any = self.fields[name]
            choice.queryset = questionnaire.versions.all()
            choice.label_from_instance = lambda version: f"{version.version} ({version.get_state_display()})"
