"""Forms of paper double entry: identifying a paper form, keying it (generated from the version's questions),
uploading a scan, resolving conflicts, and the list's filters."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.collection.models import Round, RoundState
from rasd.lib.forms import StyledForm
from rasd.paperentry import keying
from rasd.paperentry.identify import Wanted
from rasd.paperentry.keying import KeyField, KeySheet
from rasd.paperentry.models import ChoiceSource, PaperFormState
from rasd.paperentry.services import Decision
from rasd.questionnaires.models import QuestionnaireVersion
from rasd.registry.models import Directorate
from rasd.submissions.answers import label_in

RADIO_MAX_CHOICES = 6


class VersionChoiceField(forms.ModelChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.questionnaire.form_id} {obj.version}"


class IdentifyForm(StyledForm):
    payload = forms.CharField(
        label=_("QR code of the paper form"),
        required=False,
        max_length=500,
        help_text=_("Put the cursor here and scan the QR code on the first page, or paste what it holds."),
        widget=forms.TextInput(attrs={"autofocus": True, "autocomplete": "off", "dir": "ltr", "spellcheck": "false"}),
    )
    facility = forms.CharField(
        label=_("Facility code"),
        required=False,
        max_length=40,
        help_text=_("Without a QR code (or for a blank form): the code written on the form."),
        widget=forms.TextInput(attrs={"dir": "ltr", "autocomplete": "off"}),
    )
    round = forms.ModelChoiceField(
        label=_("Round"), required=False, queryset=Round.objects.none(), to_field_name="code", empty_label="—"
    )
    version = VersionChoiceField(
        label=_("Questionnaire version"), required=False, queryset=QuestionnaireVersion.objects.none(), empty_label="—"
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        rounds = scoped(user, Round.objects.filter(state=RoundState.COLLECTING))
        round_field = self.fields["round"]
        version_field = self.fields["version"]
        assert isinstance(round_field, forms.ModelChoiceField) and isinstance(version_field, forms.ModelChoiceField)
        round_field.queryset = rounds
        version_field.queryset = (
            QuestionnaireVersion.objects.filter(rounds__in=rounds).select_related("questionnaire").distinct()
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("payload") and not (data.get("facility") and data.get("version")):
            raise forms.ValidationError(_("Scan the QR code, or type the facility code and choose the version."))
        return data

    def typed_wanted(self) -> Wanted:
        """What was typed (used to complete a QR code that lacks a part, or without one)."""
        data = self.cleaned_data
        version: QuestionnaireVersion | None = data.get("version")
        round_: Round | None = data.get("round")
        return Wanted(
            facility=data.get("facility", "").strip(),
            form_id=version.questionnaire.form_id if version else "",
            version=version.version if version else "",
            round=round_.code if round_ else "",
        )


# --- answers ---------------------------------------------------------------------------------------------------


class NumberAnswer(forms.CharField):
    """A number as written on paper, in Arabic-Indic or ASCII digits (a number input would refuse ١٢)."""

    def __init__(self, *, number_type: str, **kwargs: Any) -> None:
        self.number_type = number_type
        mode = "numeric" if number_type == "integer" else "decimal"
        widget = forms.TextInput(attrs={"inputmode": mode, "dir": "ltr", "autocomplete": "off", "size": 10})
        super().__init__(widget=widget, **kwargs)

    def clean(self, value: Any) -> int | float | None:
        text = super().clean(value)
        if not text:
            return None
        try:
            return keying.number(self.number_type, text)
        except keying.NotANumber:
            message = _("Type a whole number (e.g. 12 or ١٢).") if self.number_type == "integer" else None
            raise forms.ValidationError(message or _("Type a number (e.g. 12.5 or ١٢٫٥).")) from None


class DateAnswer(forms.CharField):
    def __init__(self, **kwargs: Any) -> None:
        widget = forms.TextInput(attrs={"placeholder": "dd/mm/yyyy", "dir": "ltr", "autocomplete": "off", "size": 12})
        super().__init__(widget=widget, **kwargs)

    def clean(self, value: Any) -> str | None:
        text = super().clean(value)
        if not text:
            return None
        day = keying.parse_date(text)
        if day is None:
            raise forms.ValidationError(_("Type the date as written on the form: day/month/year (e.g. 05/03/2026)."))
        return day.isoformat()


class PointWidget(forms.MultiWidget):
    def decompress(self, value: Any) -> list[Any]:
        return list(value[:2]) if isinstance(value, list | tuple) else [None, None]


class PointAnswer(forms.MultiValueField):
    """A GPS point keyed as latitude and longitude."""

    def __init__(self, **kwargs: Any) -> None:
        parts = (
            NumberAnswer(number_type="decimal", required=False),
            NumberAnswer(number_type="decimal", required=False),
        )
        attrs = {"inputmode": "decimal", "dir": "ltr", "autocomplete": "off", "size": 12}
        widget = PointWidget(
            widgets=[
                forms.TextInput(attrs={**attrs, "placeholder": _("latitude"), "aria-label": _("latitude")}),
                forms.TextInput(attrs={**attrs, "placeholder": _("longitude"), "aria-label": _("longitude")}),
            ]
        )
        super().__init__(fields=parts, widget=widget, require_all_fields=False, **kwargs)

    def compress(self, data_list: list[Any]) -> list[float] | None:
        values = [value for value in (data_list or []) if value is not None]
        if not values:
            return None
        if len(values) != 2:
            raise forms.ValidationError(_("Type both the latitude and the longitude, or neither."))
        return [float(value) for value in values]


def answer_field(item: KeyField, language: str) -> forms.Field:
    """The input for one question, by its type. Every answer may be left blank: paper can be blank."""
    common: dict[str, Any] = {
        "label": item.label(language),
        "required": False,
        "help_text": label_in(item.hints, language),
    }
    choices = [(str(choice["name"]), item.choice_label(str(choice["name"]), language)) for choice in item.choices]
    if item.type in keying.NUMBER_TYPES:
        return NumberAnswer(number_type=item.type, **common)
    if item.type in ("date", "datetime"):
        return DateAnswer(**common)
    if item.type == "geopoint":
        return PointAnswer(**common)
    if item.type == "select_one":
        if len(choices) <= RADIO_MAX_CHOICES:
            return forms.ChoiceField(choices=[("", _("Left blank")), *choices], widget=forms.RadioSelect, **common)
        return forms.ChoiceField(choices=[("", "—"), *choices], **common)
    if item.type == "select_multiple":
        return forms.MultipleChoiceField(choices=choices, widget=forms.CheckboxSelectMultiple, **common)
    widget = forms.Textarea(attrs={"rows": 3}) if item.multiline else forms.TextInput(attrs={"autocomplete": "off"})
    return forms.CharField(widget=widget, max_length=2000, **common)


def typed_answer(item: KeyField, value: Any) -> Any:
    """A cleaned form value as stored in answers: choices in the form's order, blanks as None."""
    if keying.is_blank(value):
        return None
    if item.type == "select_multiple":
        order = [str(choice["name"]) for choice in item.choices]
        return sorted(value, key=lambda name: order.index(name) if name in order else len(order))
    return value


class _Styler(StyledForm):
    """Styles a set of fields the way every declared field of a `StyledForm` is styled."""

    def __init__(self, fields: dict[str, forms.Field]) -> None:
        self.base_fields = fields  # type: ignore[misc]  # django-stubs types it as a ClassVar; set per instance here
        super().__init__()


def add_fields(form: forms.Form, fields: dict[str, forms.Field]) -> None:
    """Add fields made at run time (from a questionnaire) to a form, styled like its declared ones."""
    form.fields.update(_Styler(fields).fields)


class EntryForm(StyledForm):
    """Every question of the paper form, blank (blind double entry: the other entry is never shown here)."""

    def __init__(self, *args: Any, sheet: KeySheet, language: str, **kwargs: Any) -> None:
        self.sheet = sheet
        super().__init__(*args, **kwargs)
        add_fields(self, {f"q{index}": answer_field(item, language) for index, item in enumerate(sheet.fields)})

    def rows(self, language: str) -> list[tuple[list[str] | None, forms.BoundField, KeyField]]:
        """(headings when the group changes, the input, the question), in form order."""
        rows: list[tuple[list[str] | None, forms.BoundField, KeyField]] = []
        group = None
        for index, item in enumerate(self.sheet.fields):
            headings = self.sheet.headings(item.group_path, language) if item.group_path != group else None
            group = item.group_path
            rows.append((headings, self[f"q{index}"], item))
        return rows

    def answers(self) -> dict[str, Any]:
        found = {}
        for index, item in enumerate(self.sheet.fields):
            value = typed_answer(item, self.cleaned_data.get(f"q{index}"))
            if value is not None:
                found[item.path] = value
        return found


class ScanForm(StyledForm):
    file = forms.FileField(label=_("Scanned page (image or PDF)"))


class ResolveForm(StyledForm):
    """For each conflicting question: entry 1, entry 2, or another value typed from the scanned page."""

    confirm = forms.BooleanField(required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, sheet: KeySheet, conflicts: list[str], language: str, **kwargs: Any) -> None:
        by_path = sheet.by_path()
        self.items = [by_path[path] for path in conflicts]
        sources = [(str(value), label) for value, label in ChoiceSource.choices]
        fields: dict[str, forms.Field] = {}
        for index, item in enumerate(self.items):
            fields[f"c{index}"] = forms.ChoiceField(
                label=item.label(language), choices=sources, widget=forms.RadioSelect
            )
            fields[f"v{index}"] = answer_field(item, language)
            fields[f"v{index}"].label = _("Other value")
        super().__init__(*args, **kwargs)
        add_fields(self, fields)

    def decisions(self) -> dict[str, Decision]:
        found = {}
        for index, item in enumerate(self.items):
            source = ChoiceSource(self.cleaned_data[f"c{index}"])
            typed = typed_answer(item, self.cleaned_data.get(f"v{index}")) if source == ChoiceSource.TYPED else None
            found[item.path] = Decision(source, typed)
        return found

    def rows(self) -> list[tuple[KeyField, forms.BoundField, forms.BoundField]]:
        return [(item, self[f"c{index}"], self[f"v{index}"]) for index, item in enumerate(self.items)]


class ListFilterForm(StyledForm):
    round = forms.ModelChoiceField(
        label=_("Round"), required=False, queryset=Round.objects.none(), to_field_name="code", empty_label=_("All")
    )
    state = forms.ChoiceField(label=_("State"), required=False, choices=[("", _("All")), *PaperFormState.choices])
    directorate = forms.ModelChoiceField(
        label=_("Directorate"), required=False, queryset=Directorate.objects.none(), empty_label=_("All")
    )

    def __init__(self, *args: Any, user: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        round_field, directorate_field = self.fields["round"], self.fields["directorate"]
        assert isinstance(round_field, forms.ModelChoiceField)
        assert isinstance(directorate_field, forms.ModelChoiceField)
        round_field.queryset = scoped(user, Round.objects.all())
        directorate_field.queryset = scoped(user, Directorate.objects.all())
