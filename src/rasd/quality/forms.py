from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from rasd.lib.forms import StyledForm
from rasd.quality import expressions
from rasd.quality.models import MissingValueStrategy, Operator, Severity, ValidationRule
from rasd.quality.rule_selectors import ALL_QUESTIONNAIRES
from rasd.quality.rule_services import LANGUAGES, RuleDefinition
from rasd.quality.services import JUSTIFICATION_MAX
from rasd.questionnaires.models import Questionnaire


class AcceptIssueForm(StyledForm):
    justification = forms.CharField(
        label=_("Why is the answer valid as it is?"),
        max_length=JUSTIFICATION_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


ROWS = {"rows": "2"}


class RuleForm(StyledForm):
    """A cross-field rule as an administrator writes it. Only the shape is checked here: the rule itself (its
    expressions, fields and messages) is checked by `rule_services` when it is saved."""

    code = forms.CharField(
        label=_("Code"),
        max_length=50,
        help_text=_("Lower-case letters, digits and _; it never changes (issues carry it as dhis2.<code>)."),
        widget=forms.TextInput(attrs={"dir": "ltr"}),
    )
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200)
    name_ckb = forms.CharField(label=_("Name (Kurdish)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    message_ar = forms.CharField(
        label=_("Message (Arabic)"),
        widget=forms.Textarea(attrs=ROWS),
        help_text=_("{left} and {right} stand for the two sides' values in the record."),
    )
    message_ckb = forms.CharField(label=_("Message (Kurdish)"), widget=forms.Textarea(attrs=ROWS), required=False)
    message_en = forms.CharField(label=_("Message (English)"), widget=forms.Textarea(attrs=ROWS), required=False)
    left_side = forms.CharField(
        label=_("Left side"),
        max_length=expressions.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "spellcheck": "false"}),
        help_text=_("For example #{beds_functional:*}, ${beds_general} or count(#{service:*:*}, 'available')."),
    )
    operator = forms.ChoiceField(label=_("Operator"), choices=Operator.choices)
    right_side = forms.CharField(
        label=_("Right side"),
        max_length=expressions.MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2, "dir": "ltr", "spellcheck": "false"}),
    )
    importance = forms.ChoiceField(label=_("Importance"), choices=Severity.choices, initial=Severity.MEDIUM)
    missing_value_strategy = forms.ChoiceField(
        label=_("Missing value strategy"),
        choices=MissingValueStrategy.choices,
        initial=MissingValueStrategy.SKIP_IF_ANY_VALUE_MISSING,
    )
    questionnaire = forms.ModelChoiceField(
        label=_("Questionnaire"),
        queryset=Questionnaire.objects.order_by("form_id"),
        required=False,
        empty_label=_("Every questionnaire that has the fields"),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)
    reason = forms.CharField(label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, existing: ValidationRule | None = None, **kwargs: Any) -> None:
        if existing is not None:
            kwargs.setdefault("initial", self.initial_of(existing))
        super().__init__(*args, **kwargs)
        self.existing = existing
        if existing is None:
            del self.fields["reason"]
        else:
            del self.fields["code"]

    @staticmethod
    def initial_of(item: ValidationRule) -> dict[str, Any]:
        names = ("name", "message")
        return {
            **{f"{kind}_{language}": getattr(item, f"{kind}_{language}") for kind in names for language in LANGUAGES},
            "left_side": item.left_side,
            "operator": item.operator,
            "right_side": item.right_side,
            "importance": item.importance,
            "missing_value_strategy": item.missing_value_strategy,
            "questionnaire": item.questionnaire,
            "is_active": item.is_active,
        }

    def definition(self) -> RuleDefinition:
        data = self.cleaned_data
        return RuleDefinition(
            code=self.existing.code if self.existing is not None else data["code"].strip(),
            names={language: data[f"name_{language}"] for language in LANGUAGES},
            messages={language: data[f"message_{language}"] for language in LANGUAGES},
            left_side=data["left_side"],
            operator=data["operator"],
            right_side=data["right_side"],
            importance=data["importance"],
            missing_value_strategy=data["missing_value_strategy"],
            questionnaire=data["questionnaire"],
            is_active=data["is_active"],
        )


class RuleActiveForm(StyledForm):
    reason = forms.CharField(label=_("Why?"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RuleFilterForm(StyledForm):
    """The rule list's filters (every choice blank: no filter)."""

    active = forms.ChoiceField(
        label=_("Active"),
        required=False,
        choices=[("", _("Active or not")), ("yes", _("Active")), ("no", _("Switched off"))],
    )
    questionnaire = forms.ChoiceField(label=_("Questionnaire"), required=False)
    importance = forms.ChoiceField(
        label=_("Importance"), required=False, choices=[("", _("Any importance")), *Severity.choices]
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        questionnaires = Questionnaire.objects.order_by("form_id")
        field = self.fields["questionnaire"]
        assert isinstance(field, forms.ChoiceField)
        field.choices = [
            ("", _("Any questionnaire")),
            (ALL_QUESTIONNAIRES, _("Every questionnaire (not attached)")),
            *((str(pk), form_id) for pk, form_id in questionnaires.values_list("pk", "form_id")),
        ]
