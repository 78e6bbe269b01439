"""Forms for creating and changing facilities. Choices are limited to the user's scope; the rules themselves are
checked by rasd.registry.facility_rules through the services, whose errors the forms then show."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from rasd.accounts.models import User
from rasd.accounts.scoping import scoped
from rasd.lib.forms import StyledForm
from rasd.registry.facility_rules import FacilityDetails
from rasd.registry.geo import current_boundary_set
from rasd.registry.models import (
    AdminArea,
    Authority,
    Directorate,
    Facility,
    FacilityType,
    LocationSource,
    OperationalStatus,
    Ownership,
    Sector,
    Settlement,
)
from rasd.registry.models.geography import AdminLevel
from rasd.registry.widgets import LinkedSelect

Fieldsets = list[tuple[str, list[forms.BoundField]]]


class DateInput(forms.DateInput):
    input_type = "date"

    def __init__(self) -> None:
        super().__init__(format="%Y-%m-%d")


def effective_date() -> forms.DateField:
    return forms.DateField(label=_("Takes effect on"), initial=timezone.localdate, widget=DateInput())


def reason_field(required: bool = True) -> forms.CharField:
    return forms.CharField(
        label=_("Reason for the change"),
        required=required,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("Kept in the facility's history and the audit log."),
    )


def sector_field(required: bool = False) -> forms.ModelChoiceField[Sector]:
    return forms.ModelChoiceField(
        label=_("Sector"),
        queryset=Sector.objects.none(),
        required=required,
        empty_label=_("None: reports to the directorate"),
        widget=LinkedSelect("directorate", lambda sector: sector.directorate_id),
    )


def find_in_scope(user: User, code: str) -> Facility:
    """The facility with this code among those the user may see, or a form error."""
    found = scoped(user, Facility.objects.filter(code=code.strip())).first()
    if found is None:
        raise ValidationError(_("No facility with the code %(code)s in your scope.") % {"code": code.strip()})
    return found


class ServiceErrors:
    """Forms whose fields are named differently from the services' error keys say so here."""

    service_fields: dict[str, str] = {}


class FacilityForm(ServiceErrors, StyledForm):
    """Create a facility (with a code) or change one (with a reason). Status, closing and merging have their own
    forms, so that each of those changes is recorded as what it is."""

    service_fields = {"parent": "parent_code", "code": "code"}

    code = forms.CharField(label=_("Code"), max_length=40, help_text=_("Permanent: a code is never changed or reused."))
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200, required=False)
    name_ckb = forms.CharField(label=_("Name (Kurdish)"), max_length=200, required=False)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    facility_type = forms.ModelChoiceField(label=_("Type"), queryset=FacilityType.objects.none())
    ownership = forms.ChoiceField(label=_("Ownership"), choices=Ownership.choices, initial=Ownership.PUBLIC_MOH)
    directorate = forms.ModelChoiceField(label=_("Directorate"), queryset=Directorate.objects.none())
    sector = sector_field()
    managing_authority = forms.ModelChoiceField(
        label=_("Managing authority"),
        queryset=Authority.objects.none(),
        required=False,
        empty_label=_("The directorate's authority"),
    )
    parent_code = forms.CharField(
        label=_("Main centre (code)"),
        max_length=40,
        required=False,
        help_text=_("For a branch: the code of the main centre it depends on."),
    )
    status = forms.ChoiceField(
        label=_("Status"),
        choices=[
            (OperationalStatus.OPEN, OperationalStatus.OPEN.label),
            (OperationalStatus.PLANNED, OperationalStatus.PLANNED.label),
        ],
        initial=OperationalStatus.OPEN,
    )
    opened_on = forms.DateField(label=_("Opened on"), required=False, widget=DateInput())
    functional = forms.NullBooleanField(label=_("Functional"), required=False)
    settlement = forms.ChoiceField(label=_("Urban or rural"), choices=Settlement.choices, initial=Settlement.UNKNOWN)
    catchment_population = forms.IntegerField(label=_("Catchment population"), required=False, min_value=0)
    latitude = forms.FloatField(label=_("Latitude"), required=False, min_value=-90, max_value=90)
    longitude = forms.FloatField(label=_("Longitude"), required=False, min_value=-180, max_value=180)
    location_source = forms.ChoiceField(
        label=_("Location source"), choices=LocationSource.choices, initial=LocationSource.UNKNOWN
    )
    location_precision_m = forms.IntegerField(label=_("Location precision (m)"), required=False, min_value=0)
    admin_area_overridden = forms.BooleanField(
        label=_("Set the sub-district by hand"),
        required=False,
        help_text=_("Normally the sub-district comes from the coordinates."),
    )
    admin_area = forms.ModelChoiceField(
        label=_("Sub-district"), queryset=AdminArea.objects.none(), required=False, to_field_name="pcode"
    )
    admin_area_override_reason = forms.CharField(
        label=_("Why the sub-district is set by hand"), max_length=300, required=False
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=200, required=False)
    phone = forms.CharField(label=_("Phone"), max_length=60, required=False)
    email = forms.EmailField(label=_("Email"), required=False)
    address = forms.CharField(label=_("Address"), max_length=300, required=False)
    valid_from = effective_date()
    reason = reason_field(required=False)

    FIELDSETS = (
        (_("Names and type"), ("code", "name_ar", "name_ckb", "name_en", "facility_type", "ownership")),
        (_("Health administration"), ("directorate", "sector", "managing_authority", "parent_code")),
        (_("Status"), ("status", "opened_on", "functional", "settlement", "catchment_population")),
        (
            _("Location"),
            (
                *("latitude", "longitude", "location_source", "location_precision_m"),
                *("admin_area_overridden", "admin_area", "admin_area_override_reason"),
            ),
        ),
        (_("Contact"), ("contact_name", "phone", "email", "address")),
        (_("The change"), ("valid_from", "reason")),
    )

    def __init__(self, *args: Any, user: User, facility: Facility | None = None, **kwargs: Any) -> None:
        if facility is not None:
            kwargs.setdefault("initial", self.initial_for(facility))
        super().__init__(*args, **kwargs)
        self.user = user
        self.facility = facility
        fields: dict[str, Any] = self.fields
        types = FacilityType.objects.filter(is_active=True)
        if facility is not None:  # a type taken out of use stays possible for the facilities that have it
            types = types | FacilityType.objects.filter(pk=facility.facility_type_id)
        fields["facility_type"].queryset = types
        fields["directorate"].queryset = scoped(user, Directorate.objects.all())
        fields["sector"].queryset = scoped(user, Sector.objects.all())
        fields["managing_authority"].queryset = scoped(user, Authority.objects.all())
        sub_districts = AdminArea.objects.filter(boundary_set=current_boundary_set(), level=AdminLevel.SUB_DISTRICT)
        fields["admin_area"].queryset = sub_districts.defer("geometry").order_by("name_ar")
        fields["admin_area"].label_from_instance = lambda area: f"{area.name} · {area.pcode}"
        fields["admin_area_overridden"].widget.attrs["data-area-override"] = ""
        for name in (
            *("latitude", "longitude", "location_precision_m", "catchment_population", "phone", "email", "code"),
            "name_en",
        ):
            fields[name].widget.attrs["dir"] = "ltr"
        for name in ("name_ar", "name_ckb"):
            fields[name].widget.attrs["dir"] = "rtl"
        fields["latitude"].widget.attrs["step"] = "any"
        fields["longitude"].widget.attrs["step"] = "any"
        if facility is not None:
            del fields["code"], fields["status"]
            fields["reason"].required = True

    @staticmethod
    def initial_for(facility: Facility) -> dict[str, Any]:
        details = FacilityDetails.of(facility).values()
        initial = {name: value for name, value in details.items() if not hasattr(value, "pk")}
        initial.update(
            facility_type=facility.facility_type_id,
            directorate=facility.directorate_id,
            sector=facility.sector_id,
            managing_authority=facility.managing_authority_id,
            admin_area=facility.admin_area.pcode if facility.admin_area else None,
            parent_code=facility.parent.code if facility.parent else "",
        )
        return initial

    def fieldsets(self) -> Fieldsets:
        return [(str(title), [self[name] for name in names if name in self.fields]) for title, names in self.FIELDSETS]

    def clean_parent_code(self) -> Facility | None:
        code: str = self.cleaned_data["parent_code"].strip()
        return find_in_scope(self.user, code) if code else None

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("admin_area_overridden"):
            data["admin_area"] = None
            data["admin_area_override_reason"] = ""
        return data

    def details(self) -> FacilityDetails:
        """The facility as the form describes it; for a change, everything the form does not show is kept."""
        data = self.cleaned_data
        if self.facility is not None:
            details = FacilityDetails.of(self.facility)
        else:
            details = FacilityDetails(facility_type=data["facility_type"], directorate=data["directorate"])
            details.status = data["status"]
        details.parent = data["parent_code"]
        for name in (
            *("name_ar", "name_en", "name_ckb", "facility_type", "ownership", "directorate", "sector"),
            *("managing_authority", "opened_on", "functional", "settlement", "catchment_population"),
            *("latitude", "longitude", "location_source", "location_precision_m"),
            *("admin_area_overridden", "admin_area", "admin_area_override_reason"),
            *("contact_name", "phone", "email", "address"),
        ):
            value = data[name]
            setattr(details, name, value.strip() if isinstance(value, str) else value)
        return details


class CloseForm(ServiceErrors, StyledForm):
    service_fields = {"valid_from": "on"}

    permanently = forms.TypedChoiceField(
        label=_("Closed"),
        choices=[("0", _("Temporarily")), ("1", _("Permanently"))],
        coerce=lambda value: value == "1",
        initial="0",
    )
    on = forms.DateField(label=_("Closed on"), initial=timezone.localdate, widget=DateInput())
    reason = reason_field()


class ReopenForm(ServiceErrors, StyledForm):
    service_fields = {"valid_from": "on"}

    on = forms.DateField(label=_("Open again from"), initial=timezone.localdate, widget=DateInput())
    reason = reason_field()


class MergeForm(ServiceErrors, StyledForm):
    service_fields = {"absorb": "absorb_code", "valid_from": "on"}

    absorb_code = forms.CharField(
        label=_("Code of the facility to merge into this one"),
        max_length=40,
        help_text=_("It closes for good; its code and names become other names of this facility."),
    )
    on = forms.DateField(label=_("Merged on"), initial=timezone.localdate, widget=DateInput())
    reason = reason_field()

    def __init__(self, *args: Any, user: User, keep: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.user = user
        self.keep = keep
        self.fields["absorb_code"].widget.attrs["dir"] = "ltr"

    def clean_absorb_code(self) -> Facility:
        absorb = find_in_scope(self.user, self.cleaned_data["absorb_code"])
        if absorb.pk == self.keep.pk:
            raise ValidationError(_("A facility cannot be merged into itself."))
        return absorb


class SplitForm(ServiceErrors, StyledForm):
    service_fields = {"valid_from": "on"}

    close_original = forms.BooleanField(
        label=_("Close this facility for good"),
        required=False,
        help_text=_("Leave unticked when this facility carries on beside the new ones."),
    )
    on = forms.DateField(label=_("Split on"), initial=timezone.localdate, widget=DateInput())
    reason = reason_field()


class NewFacilityForm(ServiceErrors, StyledForm):
    """One facility carved out of another; it takes the original's directorate, ownership and authority."""

    code = forms.CharField(label=_("Code"), max_length=40)
    name_ar = forms.CharField(label=_("Name (Arabic)"), max_length=200)
    name_en = forms.CharField(label=_("Name (English)"), max_length=200, required=False)
    facility_type = forms.ModelChoiceField(label=_("Type"), queryset=FacilityType.objects.none())
    sector = forms.ModelChoiceField(
        label=_("Sector"), queryset=Sector.objects.none(), required=False, empty_label=_("None")
    )

    def __init__(self, *args: Any, user: User, original: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        fields: dict[str, Any] = self.fields
        fields["facility_type"].queryset = FacilityType.objects.filter(is_active=True)
        fields["sector"].queryset = scoped(user, Sector.objects.filter(directorate=original.directorate_id))
        fields["code"].widget.attrs["dir"] = "ltr"
        fields["name_en"].widget.attrs["dir"] = "ltr"
        fields["sector"].initial = original.sector_id
        self.original = original

    def has_changed(self) -> bool:
        """A row is filled in once it has a code or a name (the type and sector alone do not count)."""
        return any(name in self.changed_data for name in ("code", "name_ar", "name_en"))

    def details(self) -> FacilityDetails:
        original = self.original
        return FacilityDetails(
            facility_type=self.cleaned_data["facility_type"],
            directorate=original.directorate,
            sector=self.cleaned_data["sector"],
            name_ar=self.cleaned_data["name_ar"].strip(),
            name_en=self.cleaned_data["name_en"].strip(),
            ownership=original.ownership,
            managing_authority=original.managing_authority,
            settlement=original.settlement,
        )


MAX_SPLIT = 5


NewFacilityFormSet = forms.formset_factory(
    NewFacilityForm,
    extra=MAX_SPLIT - 1,
    min_num=1,
    max_num=MAX_SPLIT,
    validate_min=True,
    validate_max=True,
)


def add_service_errors(error: ValidationError, form: forms.Form, rows: dict[str, forms.Form] | None = None) -> None:
    """Show a service's ValidationError on the form. Keys are "field" or "CODE: field" (the facility's code);
    errors about a facility in `rows` (by code) go on that row's form."""
    if not hasattr(error, "error_dict"):
        form.add_error(None, error.messages)
        return
    for key, messages in error.message_dict.items():
        code, _separator, name = key.rpartition(": ")
        target = (rows or {}).get(code, form)
        name = getattr(target, "service_fields", {}).get(name, name)
        target.add_error(name if name in target.fields else None, messages)
