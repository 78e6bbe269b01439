"""Account pages: sign-in, own password, and user management within the manager's scope."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import PasswordChangeForm
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.db.models import Q
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse_lazy
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from rasd.accounts import services
from rasd.accounts.access import AuthenticatedRequest, requires
from rasd.accounts.forms import (
    AccountForm,
    ChangeAccountForm,
    NewAccountForm,
    PasswordResetForm,
    StatusForm,
    StyledPasswordChangeForm,
    ThrottledAuthenticationForm,
    UserFilterForm,
)
from rasd.accounts.models import User
from rasd.accounts.roles import Perm, Role, assignable_roles
from rasd.accounts.scoping import get_scoped_or_404, scoped
from rasd.audit.selectors import history_of
from rasd.lib.forms import show_service_errors


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = ThrottledAuthenticationForm
    redirect_authenticated_user = True

    def form_valid(self, form: ThrottledAuthenticationForm) -> HttpResponse:  # type: ignore[override]
        response = super().form_valid(form)
        services.note_sign_in(form.get_user())
        return response


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = StyledPasswordChangeForm
    success_url = reverse_lazy("core:home")

    def form_valid(self, form: PasswordChangeForm) -> HttpResponse:
        services.change_own_password(form.user, form.cleaned_data["new_password1"])
        update_session_auth_hash(self.request, form.user)  # stay signed in with the new password
        messages.success(self.request, _("Your password was changed."))
        return redirect(self.get_success_url())


@requires(Perm.VIEW_USERS)
@require_safe
def user_list(request: AuthenticatedRequest) -> HttpResponse:
    filters = UserFilterForm(request.GET or None)
    users = scoped(request.user, User.objects.all()).select_related("scope_authority")
    if filters.is_valid():
        query = filters.cleaned_data["q"].strip()
        if query:
            users = users.filter(
                Q(username__icontains=query) | Q(full_name__icontains=query) | Q(email__icontains=query)
            )
        if filters.cleaned_data["role"]:
            users = users.filter(role=filters.cleaned_data["role"])
        if filters.cleaned_data["active"]:
            users = users.filter(is_active=filters.cleaned_data["active"] == "1")
    page = Paginator(users.prefetch_related("scope_directorates", "scope_sectors"), 50).get_page(
        request.GET.get("page")
    )
    context = {"filters": filters, "page": page, "can_manage": request.user.can(Perm.MANAGE_USERS)}
    template = "accounts/_user_rows.html" if request.headers.get("HX-Request") else "accounts/user_list.html"
    return render(request, template, context)


@requires(Perm.VIEW_USERS)
@require_safe
def user_detail(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_scoped_or_404(request.user, User.objects.all(), pk=pk)
    context = {
        "account": account,
        "history": history_of(account),
        "can_manage": _may_manage(request.user, account),
        "status_form": StatusForm(),
    }
    return render(request, "accounts/user_detail.html", context)


def _may_manage(actor: User, account: User) -> bool:
    return (
        actor.can(Perm.MANAGE_USERS) and account.pk != actor.pk and Role(account.role) in assignable_roles(actor.role)
    )


@requires(Perm.MANAGE_USERS)
def user_create(request: AuthenticatedRequest) -> HttpResponse:
    form = NewAccountForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            account = services.create_account(
                request.user, form.details(), form.cleaned_data["password"], form.cleaned_data["reason"]
            )
        except ValidationError as error:
            show_service_errors(form, error, unkeyed_field="password")
        else:
            messages.success(request, _("Account %(username)s created.") % {"username": account.username})
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "creating": True})


@requires(Perm.MANAGE_USERS)
def user_edit(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_scoped_or_404(request.user, User.objects.all(), pk=pk)
    if not _may_manage(request.user, account):
        raise PermissionDenied
    form: AccountForm = ChangeAccountForm(
        request.POST or None, actor=request.user, initial=AccountForm.initial_for(account)
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.update_account(request.user, account, form.details(), form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_errors(form, error, unkeyed_field="password")
        else:
            messages.success(request, _("Account %(username)s saved.") % {"username": account.username})
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_form.html", {"form": form, "account": account, "creating": False})


@requires(Perm.MANAGE_USERS)
@require_POST
def user_set_active(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_scoped_or_404(request.user, User.objects.all(), pk=pk)
    form = StatusForm(request.POST)
    activate = request.POST.get("active") == "1"
    if not form.is_valid():
        messages.error(request, _("Say why the account is deactivated or reactivated."))
    else:
        services.set_active(request.user, account, activate, form.cleaned_data["reason"])
        messages.success(request, _("Account reactivated.") if activate else _("Account deactivated."))
    return redirect("accounts:user_detail", pk=account.pk)


@requires(Perm.MANAGE_USERS)
def user_reset_password(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    account = get_scoped_or_404(request.user, User.objects.all(), pk=pk)
    if not _may_manage(request.user, account):
        raise PermissionDenied
    form = PasswordResetForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.reset_password(request.user, account, form.cleaned_data["password"], form.cleaned_data["reason"])
        except ValidationError as error:
            show_service_errors(form, error, unkeyed_field="password")
        else:
            messages.success(request, _("New password set for %(username)s.") % {"username": account.username})
            return redirect("accounts:user_detail", pk=account.pk)
    return render(request, "accounts/user_password.html", {"form": form, "account": account})
