"""Forms of the round pages. Choices are always read through the scoping function, so nobody can pick a facility,
collector or part of the country outside their scope (the services check again)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.collection.models import Round, RoundState
from rasd.collection.services import collectors_in_scope
from rasd.lib.forms import StyledForm
from rasd.questionnaires.models import QuestionnaireVersion, VersionState
from rasd.registry.models import Authority, Directorate, Facility, Sector

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
REASON_HELP = gettext_lazy("Kept in the audit log.")


def _reason_field(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=gettext_lazy("Reason"),
        max_length=2000,
        required=required,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=REASON_HELP,
    )


class VersionChoiceField(forms.ModelMultipleChoiceField):  # type: ignore[type-arg]
    def label_from_instance(self, obj: Any) -> str:
        return f"{obj.questionnaire.title} — {obj.questionnaire.form_id} {obj.version}"


class RoundForm(StyledForm):
    code = forms.SlugField(
        label=gettext_lazy("Code"),
        max_length=60,
        help_text=gettext_lazy("Short and unique, in Latin letters, digits and -, e.g. herams-2026."),
    )
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    period_start = forms.DateField(label=gettext_lazy("Start of the period"), widget=DATE)
    period_end = forms.DateField(label=gettext_lazy("End of the period"), widget=DATE)
    deadline = forms.DateField(label=gettext_lazy("Deadline for submissions"), widget=DATE)
    versions = VersionChoiceField(
        label=gettext_lazy("Questionnaire versions accepted"),
        queryset=QuestionnaireVersion.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 4}),
        help_text=gettext_lazy("Only published versions can be chosen. Hold Ctrl to choose several."),
    )
    expect = forms.ChoiceField(
        label=gettext_lazy("Expected facilities"),
        choices=[
            ("all", gettext_lazy("Every open facility in my scope")),
            ("directorates", gettext_lazy("The open facilities of the directorates chosen below")),
            ("none", gettext_lazy("None yet: I will add them later")),
        ],
        initial="all",
    )
    directorates = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Directorates"), queryset=Directorate.objects.none(), required=False
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        versions: Any = self.fields["versions"]
        versions.queryset = scoped(
            actor, QuestionnaireVersion.objects.filter(state=VersionState.PUBLISHED).select_related("questionnaire")
        )
        directorates: Any = self.fields["directorates"]
        directorates.queryset = scoped(actor, Directorate.objects.select_related("authority"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("expect") == "directorates" and not data.get("directorates"):
            self.add_error("directorates", _("Choose at least one."))
        return data


class RoundVersionsForm(StyledForm):
    """Change the versions a round accepts, e.g. add a corrected version of the questionnaire while collecting."""

    versions = VersionChoiceField(
        label=gettext_lazy("Questionnaire versions accepted"),
        queryset=QuestionnaireVersion.objects.none(),
        widget=forms.SelectMultiple(attrs={"size": 4}),
    )
    reason = _reason_field()

    def __init__(self, *args: Any, actor: User, round_: Round, **kwargs: Any) -> None:
        kwargs.setdefault("initial", {"versions": list(round_.versions.values_list("pk", flat=True))})
        super().__init__(*args, **kwargs)
        versions: Any = self.fields["versions"]
        # Versions already accepted stay choosable even once retired; new ones must be published.
        versions.queryset = scoped(
            actor,
            QuestionnaireVersion.objects.filter(
                Q(state=VersionState.PUBLISHED) | Q(pk__in=round_.versions.values("pk"))
            ).select_related("questionnaire"),
        )


class StateForm(StyledForm):
    state = forms.ChoiceField(choices=RoundState.choices, widget=forms.HiddenInput)
    reason = _reason_field()


class ExpectScopeForm(StyledForm):
    """Add every open facility of part of the country to a round."""

    authority = forms.ModelChoiceField(
        label=gettext_lazy("Authority"), queryset=Authority.objects.none(), required=False
    )
    directorates = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Directorates"), queryset=Directorate.objects.none(), required=False
    )
    sectors = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Sectors"), queryset=Sector.objects.none(), required=False
    )

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: Any = self.fields
        fields["authority"].queryset = scoped(actor, Authority.objects.all())
        fields["directorates"].queryset = scoped(actor, Directorate.objects.select_related("authority"))
        fields["sectors"].queryset = scoped(actor, Sector.objects.select_related("directorate"))


def facility_in_scope(actor: User, code: str) -> Facility:
    """The facility a typed code names, if the actor may see it (codes are matched without regard to case)."""
    facility = scoped(actor, Facility.objects.filter(code__iexact=code.strip())).first()
    if facility is None:
        raise forms.ValidationError(_("No facility with this code in your scope."))
    return facility


class ExpectedChangeForm(StyledForm):
    """Add or remove one facility, named by its code (read through the scoping function)."""

    code = forms.CharField(label=gettext_lazy("Facility code"), max_length=40)
    expected = forms.TypedChoiceField(
        choices=[("1", "1"), ("0", "0")], coerce=lambda value: value == "1", widget=forms.HiddenInput
    )
    reason = _reason_field()

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor

    def clean_code(self) -> Facility:
        return facility_in_scope(self.actor, self.cleaned_data["code"])


class AssignForm(StyledForm):
    code = forms.CharField(label=gettext_lazy("Facility code"), max_length=40)
    collector = forms.ModelChoiceField(label=gettext_lazy("Collector"), queryset=User.objects.none())

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        collector: Any = self.fields["collector"]
        collector.queryset = collectors_in_scope(actor).order_by("full_name", "username")

    def clean_code(self) -> Facility:
        return facility_in_scope(self.actor, self.cleaned_data["code"])


class UnassignForm(AssignForm):
    reason = _reason_field()


class TokenForm(StyledForm):
    label = forms.CharField(
        label=gettext_lazy("Device"),
        max_length=100,
        help_text=gettext_lazy("A name to recognise the phone or tablet by, e.g. “tablet 3” or its serial number."),
    )


class RevokeForm(StyledForm):
    reason = _reason_field()


class ListFilterForm(StyledForm):
    q = forms.CharField(label=gettext_lazy("Search"), required=False, max_length=200)


def round_choices(round_: Round) -> list[tuple[str, str]]:
    """The states a round may move to next, for its buttons."""
    from rasd.collection.models import ROUND_TRANSITIONS

    return [(state, str(RoundState(state).label)) for state in RoundState if state in ROUND_TRANSITIONS[round_.state]]
