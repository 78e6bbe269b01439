"""Login throttling: after too many failed attempts for one account (or from one address) within a
window, further attempts are refused until the window has passed. Stored in the database, so every
server process sees the same counts."""

from __future__ import annotations

import datetime
import math

from django.conf import settings
from django.db.models import QuerySet
from django.utils import timezone

from rasd.accounts.models import FailedLogin, User


def _window() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.LOGIN_THROTTLE_WINDOW_MINUTES)


def _unlock_time(failures: QuerySet[FailedLogin], limit: int) -> datetime.datetime | None:
    """When `limit` failures fall in the window, the lock lifts as the oldest of the newest `limit` leaves it."""
    newest = list(failures.order_by("-at").values_list("at", flat=True)[:limit])
    return newest[-1] + _window() if len(newest) >= limit else None


def minutes_locked(username: str, remote_addr: str | None) -> int:
    """0 when a sign-in attempt may go ahead; otherwise how many minutes until it may."""
    since = timezone.now() - _window()
    # A successful sign-in wipes the slate for that account: failures before it stop counting.
    last_login = User.objects.filter(username__iexact=username).values_list("last_login", flat=True).first()
    account_since = max(since, last_login) if last_login else since
    unlocks = [
        _unlock_time(
            FailedLogin.objects.filter(username__iexact=username, at__gt=account_since),
            settings.LOGIN_THROTTLE_PER_ACCOUNT,
        )
    ]
    if remote_addr:
        unlocks.append(
            _unlock_time(
                FailedLogin.objects.filter(remote_addr=remote_addr, at__gt=since),
                settings.LOGIN_THROTTLE_PER_ADDRESS,
            )
        )
    latest = max((when for when in unlocks if when is not None), default=None)
    if latest is None:
        return 0
    return max(1, math.ceil((latest - timezone.now()).total_seconds() / 60))


RETENTION = datetime.timedelta(days=30)


def note_failure(username: str, remote_addr: str | None) -> None:
    FailedLogin.objects.create(username=username[:150], remote_addr=remote_addr)
    # Old failures no longer affect throttling: forget them here, so the table cannot grow without bound.
    FailedLogin.objects.filter(at__lt=timezone.now() - RETENTION).delete()
