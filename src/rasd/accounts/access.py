"""View-level access: who may open a page at all. What they see on it is limited by `scoping.scoped`."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Concatenate, ParamSpec

from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest
from django.http.response import HttpResponseBase

from rasd.accounts.roles import Perm

if TYPE_CHECKING:
    from rasd.accounts.models import User

P = ParamSpec("P")


class AuthenticatedRequest(HttpRequest):
    """A request that passed `requires()`: its user is a signed-in rasd account."""

    user: User


View = Callable[Concatenate[AuthenticatedRequest, P], HttpResponseBase]  # pages, downloads, streams


def requires(perm: Perm) -> Callable[[View[P]], Callable[..., HttpResponseBase]]:
    """Sign-in required, then the role must grant `perm` (else 403)."""
    return requires_any(perm)


def requires_any(*perms: Perm) -> Callable[[View[P]], Callable[..., HttpResponseBase]]:
    """Sign-in required, then the role must grant at least one of `perms` (else 403)."""

    def decorator(view: View[P]) -> Callable[..., HttpResponseBase]:
        @wraps(view)
        def wrapped(request: AuthenticatedRequest, *args: P.args, **kwargs: P.kwargs) -> HttpResponseBase:
            if not any(request.user.can(perm) for perm in perms):
                raise PermissionDenied
            return view(request, *args, **kwargs)

        protected: Callable[..., HttpResponseBase] = login_required(wrapped)
        return protected

    return decorator
