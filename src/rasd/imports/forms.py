from __future__ import annotations

from pathlib import Path
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasd.collection.models import Round
from rasd.imports.models import SourceChoice
from rasd.lib.forms import StyledForm

MAX_UPLOAD_MB = 100
SUFFIXES = (".xlsx", ".csv", ".zip")


class ImportForm(StyledForm):
    file = forms.FileField(
        label=gettext_lazy("Export file"),
        help_text=gettext_lazy("KoboToolbox: XLSX or CSV. ODK Central: the CSV zip (with its repeat files)."),
    )
    mapping = forms.FileField(
        label=gettext_lazy("Mapping file"),
        required=False,
        help_text=gettext_lazy("Optional JSON: renamed fields, choice labels → codes, columns to ignore."),
    )
    source = forms.ChoiceField(label=gettext_lazy("Source"), choices=SourceChoice.choices, required=False)
    form_version = forms.ChoiceField(label=gettext_lazy("Questionnaire version"), required=False)
    dry_run = forms.BooleanField(
        label=gettext_lazy("Check only: report the problems and write nothing"), required=False, initial=True
    )

    def __init__(self, *args: Any, round_: Round, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["form_version"]
        assert isinstance(field, forms.ChoiceField)
        versions = [version.version for version in round_.versions.all()]
        field.choices = [("", _("The one the file names, else the newest"))] + [(name, name) for name in versions]

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if Path(upload.name or "").suffix.lower() not in SUFFIXES:
            raise forms.ValidationError(_("Give an .xlsx, .csv or .zip export."))
        if upload.size > MAX_UPLOAD_MB * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than %(size)s MB.") % {"size": MAX_UPLOAD_MB})
        return upload
