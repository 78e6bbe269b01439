"""Every change to user accounts goes through these functions: they check the rules, save, and write
the audit entry in one transaction."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from rasd.accounts.models import User
from rasd.accounts.roles import Perm, Role, assignable_roles
from rasd.accounts.scoping import Scope, ScopeKind, covers, scope_of, scoped
from rasd.audit import services as audit
from rasd.lib import request_context
from rasd.registry.models import Authority, Directorate, Sector

ROLE_SCOPE_KINDS: dict[Role, frozenset[ScopeKind]] = {
    Role.SYSTEM_ADMIN: frozenset({ScopeKind.ALL}),
    Role.NATIONAL_MANAGER: frozenset({ScopeKind.ALL, ScopeKind.AUTHORITY}),
    Role.DIRECTORATE_MANAGER: frozenset({ScopeKind.DIRECTORATES}),
    Role.SECTOR_SUPERVISOR: frozenset({ScopeKind.SECTORS}),
    Role.DATA_COLLECTOR: frozenset({ScopeKind.DIRECTORATES, ScopeKind.SECTORS}),
    Role.VIEWER: frozenset(ScopeKind),
}

AUDITED_FIELDS = (
    "username",
    "full_name",
    "email",
    "phone",
    "role",
    "scope_kind",
    "scope_authority",
    "scope_directorates",
    "scope_sectors",
    "preferred_language",
    "is_active",
)


@dataclass
class AccountDetails:
    """What an administrator fills in for an account."""

    username: str
    full_name: str
    role: str
    scope_kind: str
    email: str = ""
    phone: str = ""
    preferred_language: str = ""
    scope_authority: Authority | None = None
    scope_directorates: list[Directorate] = field(default_factory=list)
    scope_sectors: list[Sector] = field(default_factory=list)

    def scope(self) -> Scope:
        kind = ScopeKind(self.scope_kind)
        return Scope(
            kind=kind,
            authority_ids=frozenset([self.scope_authority.pk])
            if kind == ScopeKind.AUTHORITY and self.scope_authority
            else frozenset(),
            directorate_ids=frozenset(d.pk for d in self.scope_directorates)
            if kind == ScopeKind.DIRECTORATES
            else frozenset(),
            sector_ids=frozenset(s.pk for s in self.scope_sectors) if kind == ScopeKind.SECTORS else frozenset(),
        )


def _require_manager(actor: User) -> None:
    if not actor.can(Perm.MANAGE_USERS):
        raise PermissionDenied(_("You may not manage user accounts."))


def _require_manageable(actor: User, target: User) -> None:
    if target.pk == actor.pk:
        raise PermissionDenied(_("You cannot change your own role, scope or status."))
    if not scoped(actor, User.objects.filter(pk=target.pk)).exists():
        raise PermissionDenied(_("This account is outside your scope."))
    if Role(target.role) not in assignable_roles(actor.role):
        raise PermissionDenied(_("This account has a role you may not manage."))


def _validate(actor: User, details: AccountDetails, existing: User | None) -> None:
    errors: dict[str, list[str]] = {}
    username_taken = User.objects.filter(username__iexact=details.username)
    if existing is not None:
        username_taken = username_taken.exclude(pk=existing.pk)
    if username_taken.exists():
        errors.setdefault("username", []).append(_("This username is already taken."))
    role = Role(details.role)
    if role not in assignable_roles(actor.role):
        errors.setdefault("role", []).append(_("You may not give this role."))
    kind = ScopeKind(details.scope_kind)
    if kind not in ROLE_SCOPE_KINDS[role]:
        allowed = _(", ").join(str(k.label) for k in ScopeKind if k in ROLE_SCOPE_KINDS[role])
        errors.setdefault("scope_kind", []).append(
            _("A %(role)s must have one of these scopes: %(allowed)s.") % {"role": role.label, "allowed": allowed}
        )
    required = {
        ScopeKind.AUTHORITY: ("scope_authority", details.scope_authority is not None),
        ScopeKind.DIRECTORATES: ("scope_directorates", bool(details.scope_directorates)),
        ScopeKind.SECTORS: ("scope_sectors", bool(details.scope_sectors)),
    }
    if kind in required and not required[kind][1]:
        errors.setdefault(required[kind][0], []).append(_("Choose at least one."))
    elif not covers(scope_of(actor), details.scope()):
        errors.setdefault("scope_kind", []).append(_("You may only give a scope inside your own."))
    if errors:
        raise ValidationError(errors)


def _apply(user: User, details: AccountDetails) -> None:
    kind = ScopeKind(details.scope_kind)
    user.username = details.username.strip()
    user.full_name = details.full_name.strip()
    user.email = details.email.strip()
    user.phone = details.phone.strip()
    user.role = details.role
    user.scope_kind = kind
    user.preferred_language = details.preferred_language
    user.scope_authority = details.scope_authority if kind == ScopeKind.AUTHORITY else None
    user.save()
    user.scope_directorates.set(details.scope_directorates if kind == ScopeKind.DIRECTORATES else [])
    user.scope_sectors.set(details.scope_sectors if kind == ScopeKind.SECTORS else [])


@transaction.atomic
def create_account(actor: User, details: AccountDetails, password: str, reason: str = "") -> User:
    _require_manager(actor)
    _validate(actor, details, existing=None)
    user = User(username=details.username)
    validate_password(password, user)
    user.set_password(password)
    _apply(user, details)
    audit.record("user.created", user, after=audit.snapshot(user, AUDITED_FIELDS), reason=reason)
    return user


@transaction.atomic
def update_account(actor: User, user: User, details: AccountDetails, reason: str) -> User:
    _require_manager(actor)
    _require_manageable(actor, user)
    _validate(actor, details, existing=user)
    before = audit.snapshot(user, AUDITED_FIELDS)
    _apply(user, details)
    after = audit.snapshot(user, AUDITED_FIELDS)
    if before != after:
        action = "user.role_changed" if before["role"] != after["role"] else "user.updated"
        audit.record(action, user, before=before, after=after, reason=reason)
    return user


@transaction.atomic
def set_active(actor: User, user: User, active: bool, reason: str) -> User:
    _require_manager(actor)
    _require_manageable(actor, user)
    if not reason.strip():
        raise ValidationError({"reason": [_("Say why.")]})
    if user.is_active != active:
        user.is_active = active
        user.save(update_fields=["is_active"])
        audit.record(
            "user.reactivated" if active else "user.deactivated",
            user,
            before={"is_active": not active},
            after={"is_active": active},
            reason=reason,
        )
    return user


@transaction.atomic
def reset_password(actor: User, user: User, password: str, reason: str = "") -> None:
    """An administrator sets a new password for someone who lost theirs."""
    _require_manager(actor)
    _require_manageable(actor, user)
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    # The password itself (even hashed) never enters the log.
    audit.record("user.password_reset", user, reason=reason)


@transaction.atomic
def change_own_password(user: User, password: str) -> None:
    validate_password(password, user)
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record("user.password_changed", user)


@transaction.atomic
def note_sign_in(user: User) -> None:
    request_context.set_actor(user)
    audit.record("user.signed_in", user)


@transaction.atomic
def set_language_preference(user: User, language: str) -> None:
    if user.preferred_language != language:
        before = {"preferred_language": user.preferred_language}
        user.preferred_language = language
        user.save(update_fields=["preferred_language"])
        audit.record("user.language_changed", user, before=before, after={"preferred_language": language})


@transaction.atomic
def bootstrap_administrator(username: str, full_name: str, password: str) -> tuple[User, bool]:
    """Create the first system administrator, or reset that account's password. Used by commands only,
    where there is no acting user yet. Returns (user, created)."""
    user = User.objects.filter(username__iexact=username).first()
    created = user is None
    if user is None:
        user = User(username=username, full_name=full_name, role=Role.SYSTEM_ADMIN, scope_kind=ScopeKind.ALL)
    validate_password(password, user)
    before = audit.snapshot(user, AUDITED_FIELDS) if not created else {}
    promoted = not created and (user.role != Role.SYSTEM_ADMIN or user.scope_kind != ScopeKind.ALL)
    user.role = Role.SYSTEM_ADMIN
    user.scope_kind = ScopeKind.ALL
    user.is_active = True
    user.set_password(password)
    user.save()
    user.scope_directorates.clear()
    user.scope_sectors.clear()
    action = "user.created" if created else "user.role_changed" if promoted else "user.password_reset"
    audit.record(
        action,
        user,
        before=before,
        after=audit.snapshot(user, AUDITED_FIELDS),
        reason="bootstrap administrator from the command line",
    )
    return user, created
