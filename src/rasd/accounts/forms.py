from __future__ import annotations

from typing import Any, cast

from django import forms
from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm, PasswordChangeForm
from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from rasd.accounts import throttle
from rasd.accounts.models import User
from rasd.accounts.roles import Role, assignable_roles
from rasd.accounts.scoping import ScopeKind, scoped
from rasd.accounts.services import AccountDetails
from rasd.lib import request_context
from rasd.lib.forms import BootstrapMixin, StyledForm
from rasd.registry.models import Authority, Directorate, Sector


class ThrottledAuthenticationForm(AuthenticationForm):
    """Sign-in that refuses to even check the password while the account or address is locked."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("Wrong username or password."),
    }

    def clean(self) -> dict[str, Any]:
        username = (self.data.get("username") or "").strip()
        address = request_context.current().remote_addr
        minutes = throttle.minutes_locked(username, address)
        if minutes:
            raise ValidationError(
                ngettext(
                    "Too many failed sign-in attempts. Try again in %(minutes)d minute.",
                    "Too many failed sign-in attempts. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
                code="throttled",
            )
        try:
            return super().clean()
        except ValidationError:
            throttle.note_failure(username, address)
            raise


class StyledPasswordChangeForm(BootstrapMixin, PasswordChangeForm):
    pass


class AccountForm(StyledForm):
    username = forms.CharField(
        label=_("Username"),
        max_length=150,
        validators=[RegexValidator(r"^[A-Za-z0-9._-]+$", _("Use only Latin letters, digits and . - _"))],
    )
    full_name = forms.CharField(label=_("Full name"), max_length=200)
    email = forms.EmailField(label=_("Email"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    preferred_language = forms.ChoiceField(
        label=_("Language"), required=False, choices=[("", _("Default (Arabic)")), *settings.LANGUAGES]
    )
    role = forms.ChoiceField(label=_("Role"))
    scope_kind = forms.ChoiceField(label=_("Scope"), choices=ScopeKind.choices)
    scope_authority = forms.ModelChoiceField(label=_("Authority"), queryset=Authority.objects.none(), required=False)
    scope_directorates = forms.ModelMultipleChoiceField(
        label=_("Directorates"), queryset=Directorate.objects.none(), required=False
    )
    scope_sectors = forms.ModelMultipleChoiceField(label=_("Sectors"), queryset=Sector.objects.none(), required=False)
    reason = forms.CharField(label=_("Reason for the change"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args: Any, actor: User, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.actor = actor
        cast(forms.ChoiceField, self.fields["role"]).choices = [
            (role.value, role.label) for role in assignable_roles(actor.role)
        ]
        self.fields["scope_authority"].queryset = scoped(actor, Authority.objects.all())  # type: ignore[attr-defined]
        self.fields["scope_directorates"].queryset = scoped(  # type: ignore[attr-defined]
            actor, Directorate.objects.select_related("authority")
        )
        self.fields["scope_sectors"].queryset = scoped(  # type: ignore[attr-defined]
            actor, Sector.objects.select_related("directorate")
        )

    @classmethod
    def initial_for(cls, user: User) -> dict[str, Any]:
        return {
            "username": user.username,
            "full_name": user.full_name,
            "email": user.email,
            "phone": user.phone,
            "preferred_language": user.preferred_language,
            "role": user.role,
            "scope_kind": user.scope_kind,
            "scope_authority": user.scope_authority_id,
            "scope_directorates": list(user.scope_directorates.values_list("pk", flat=True)),
            "scope_sectors": list(user.scope_sectors.values_list("pk", flat=True)),
        }

    def details(self) -> AccountDetails:
        data = self.cleaned_data
        return AccountDetails(
            username=data["username"],
            full_name=data["full_name"],
            email=data["email"],
            phone=data["phone"],
            preferred_language=data["preferred_language"],
            role=data["role"],
            scope_kind=data["scope_kind"],
            scope_authority=data["scope_authority"],
            scope_directorates=list(data["scope_directorates"]),
            scope_sectors=list(data["scope_sectors"]),
        )


class NewAccountForm(AccountForm):
    password = forms.CharField(label=_("Password"), widget=forms.PasswordInput(render_value=False), strip=False)
    password_again = forms.CharField(
        label=_("Password again"), widget=forms.PasswordInput(render_value=False), strip=False
    )

    field_order = ["username", "full_name", "password", "password_again"]

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password") and data.get("password") != data.get("password_again"):
            self.add_error("password_again", _("The two passwords differ."))
        return data


class ChangeAccountForm(AccountForm):
    def clean_reason(self) -> str:
        reason: str = self.cleaned_data["reason"].strip()
        if not reason:
            raise ValidationError(_("Say why the account changes."))
        return reason


class PasswordResetForm(StyledForm):
    password = forms.CharField(label=_("New password"), widget=forms.PasswordInput, strip=False)
    reason = forms.CharField(label=_("Reason"), required=False)


class StatusForm(StyledForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 2}))


class UserFilterForm(StyledForm):
    q = forms.CharField(label=_("Search"), required=False)
    role = forms.ChoiceField(label=_("Role"), required=False, choices=[("", _("All")), *Role.choices])
    active = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[("", _("All")), ("1", _("Active")), ("0", _("Deactivated"))],
    )
