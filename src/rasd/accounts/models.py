"""User accounts: one role and one scope each."""

from __future__ import annotations

from typing import Any, ClassVar

from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from rasd.accounts.roles import Perm, Role, role_has
from rasd.accounts.scoping import Scope, ScopeKind, user_scope_q


class UserManager(BaseUserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> User:
        # Usernames are matched without regard to case: "Ahmed" and "ahmed" are one account.
        return self.get(username__iexact=username)

    def create_superuser(self, username: str, password: str | None = None, **extra: Any) -> User:
        """For Django's `createsuperuser`: goes through the audited service like `rasd create_admin`."""
        from rasd.accounts.services import bootstrap_administrator

        if not password:
            raise ValueError("a password is required")
        user, _created = bootstrap_administrator(username, extra.get("full_name") or username, password)
        return user


class User(AbstractBaseUser):
    username = models.CharField(
        _("username"),
        max_length=150,
        unique=True,
        help_text=_("Letters, digits and . - _ only."),
    )
    full_name = models.CharField(_("full name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    role = models.CharField(_("role"), max_length=30, choices=Role.choices)
    scope_kind = models.CharField(_("scope"), max_length=20, choices=ScopeKind.choices)
    scope_authority = models.ForeignKey(
        "registry.Authority",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("authority"),
    )
    scope_directorates = models.ManyToManyField(
        "registry.Directorate", blank=True, related_name="+", verbose_name=_("directorates")
    )
    scope_sectors = models.ManyToManyField("registry.Sector", blank=True, related_name="+", verbose_name=_("sectors"))
    preferred_language = models.CharField(_("language"), max_length=10, blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    date_joined = models.DateTimeField(_("created"), default=timezone.now)

    objects: ClassVar[UserManager] = UserManager()

    USERNAME_FIELD = "username"
    REQUIRED_FIELDS: ClassVar[list[str]] = ["full_name"]

    class Meta:
        ordering = ["username"]
        verbose_name = _("user")
        verbose_name_plural = _("users")
        constraints = [
            models.UniqueConstraint(Lower("username"), name="user_username_ci_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.full_name} ({self.username})" if self.full_name else self.username

    def can(self, perm: Perm) -> bool:
        return self.is_active and role_has(self.role, perm)

    def resolve_scope(self) -> Scope:
        kind = ScopeKind(self.scope_kind)
        if kind == ScopeKind.ALL:
            return Scope(kind=kind)
        if kind == ScopeKind.AUTHORITY:
            ids = frozenset([self.scope_authority_id]) if self.scope_authority_id else frozenset()
            return Scope(kind=kind, authority_ids=ids)
        if kind == ScopeKind.DIRECTORATES:
            return Scope(kind=kind, directorate_ids=frozenset(self.scope_directorates.values_list("pk", flat=True)))
        return Scope(kind=kind, sector_ids=frozenset(self.scope_sectors.values_list("pk", flat=True)))

    def scope_label(self) -> str:
        """A short description of the scope in the active language."""
        kind = ScopeKind(self.scope_kind)
        if kind == ScopeKind.ALL:
            return str(kind.label)
        if kind == ScopeKind.AUTHORITY:
            return str(self.scope_authority) if self.scope_authority else "—"
        units: Any = self.scope_directorates.all() if kind == ScopeKind.DIRECTORATES else self.scope_sectors.all()
        # Translators: separator between items of a list of names (Arabic uses "، ").
        return gettext(", ").join(str(unit) for unit in units) or "—"

    @classmethod
    def in_scope_q(cls, scope: Scope) -> Q:
        return user_scope_q(scope)

    # Django's auth machinery asks these of every user model.
    @property
    def is_staff(self) -> bool:
        return False

    def has_perm(self, perm: str, obj: object = None) -> bool:
        return False

    def has_module_perms(self, app_label: str) -> bool:
        return False


class FailedLogin(models.Model):
    """One failed sign-in, kept to slow down password guessing (see accounts.throttle)."""

    username = models.CharField(max_length=150, db_index=True)
    remote_addr = models.GenericIPAddressField(null=True, blank=True, db_index=True)
    at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        indexes = [models.Index(fields=["username", "at"]), models.Index(fields=["remote_addr", "at"])]

    def __str__(self) -> str:
        return f"{self.username} from {self.remote_addr} at {self.at:%Y-%m-%d %H:%M}"
