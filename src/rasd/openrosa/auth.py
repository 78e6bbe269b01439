"""Who is calling: a device token in the URL (`/openrosa/key/<token>/…`) or HTTP Basic over a normal account.

Neither creates a session: every OpenRosa request carries its credential, and a session row per phone request
would be a database write for nothing. Failed Basic attempts count towards the sign-in throttle of the web
sign-in (accounts.throttle), so guessing a password over OpenRosa is exactly as slow as on the sign-in page.

HTTP Digest is not offered: see docs/openrosa.md.
"""

from __future__ import annotations

import base64
import binascii
import datetime
import functools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

from django.db import connection, models
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext

from rasd.accounts import throttle
from rasd.accounts.models import User
from rasd.collection.models import DeviceToken
from rasd.core.middleware import client_address

M = TypeVar("M", bound=models.Model)

REALM = "rasd"
# last_used_at is for managers ("when did this tablet last call?"); minutes are precise enough, and writing it on
# every request would add a write to every submission.
TOUCH_INTERVAL = datetime.timedelta(minutes=5)


@dataclass(frozen=True)
class Caller:
    user: User
    device: DeviceToken | None = None


@dataclass(frozen=True)
class Refusal:
    """Why the credential was not accepted; `challenge` asks the client for Basic credentials."""

    message: str
    challenge: bool


@functools.cache
def _token_sql() -> str:
    """The token and its collector in one query, written once: every submission from a phone makes it, and
    compiling the same ORM join for each request cost more CPU than running it. Only table and column names
    from the models are interpolated; the token is always a parameter."""
    columns = [f"d.{f.column}" for f in DeviceToken._meta.concrete_fields]
    columns += [f"u.{f.column}" for f in User._meta.concrete_fields]
    user_fk = DeviceToken._meta.get_field("user")
    assert isinstance(user_fk, models.ForeignKey)
    return (
        f"SELECT {', '.join(columns)} FROM {DeviceToken._meta.db_table} d "  # noqa: S608
        f"JOIN {User._meta.db_table} u ON u.{User._meta.pk.column} = d.{user_fk.column} WHERE d.token = %s"
    )


def _from_row(model: type[M], values: Sequence[Any]) -> M:
    """A model instance from raw column values, converted as the ORM would (dates, booleans on SQLite…)."""
    fields = model._meta.concrete_fields
    converted = []
    for field, value in zip(fields, values, strict=True):
        column = field.get_col(model._meta.db_table)
        for converter in connection.ops.get_db_converters(column) + column.get_db_converters(connection):
            value = converter(value, column, connection)
        converted.append(value)
    return model.from_db(connection.alias, [field.attname for field in fields], converted)


def _device_for(token: str) -> DeviceToken | None:
    with connection.cursor() as cursor:
        cursor.execute(_token_sql(), [token])
        row = cursor.fetchone()
    if row is None:
        return None
    split = len(DeviceToken._meta.concrete_fields)
    device = _from_row(DeviceToken, row[:split])
    device.user = _from_row(User, row[split:])
    return device


def by_token(token: str) -> Caller | Refusal:
    device = _device_for(token)
    if device is None or not device.is_active:
        # Unknown, revoked, or the collector's account was deactivated: the same answer for all three, so a
        # stranger learns nothing about which tokens exist.
        return Refusal(gettext("This device is not, or no longer, allowed to reach rasd. Ask your supervisor."), False)
    now = timezone.now()
    if device.last_used_at is None or now - device.last_used_at > TOUCH_INTERVAL:
        DeviceToken.objects.filter(pk=device.pk).update(last_used_at=now)
        device.last_used_at = now
    return Caller(user=device.user, device=device)


def _basic_credentials(request: HttpRequest) -> tuple[str, str] | None:
    scheme, _sep, encoded = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "basic" or not encoded:
        return None
    try:
        decoded = base64.b64decode(encoded.strip(), validate=True)
    except (binascii.Error, ValueError):
        return None
    try:
        pair = decoded.decode("utf-8")
    except UnicodeDecodeError:
        pair = decoded.decode("latin-1")  # RFC 7617: clients without a charset parameter may send Latin-1
    username, sep, password = pair.partition(":")
    if not sep or not username:
        return None
    return username, password


def by_basic_auth(request: HttpRequest) -> Caller | Refusal:
    credentials = _basic_credentials(request)
    if credentials is None:
        return Refusal(gettext("Sign in with your rasd user name and password."), True)
    username, password = credentials
    address = client_address(request)
    minutes = throttle.minutes_locked(username, address)
    if minutes:
        return Refusal(
            gettext("Too many failed sign-ins. Try again in %(minutes)d minutes.") % {"minutes": minutes}, True
        )
    user = User.objects.filter(username__iexact=username).first()
    if user is None:
        # Hash anyway, so that a missing account takes as long to refuse as a wrong password.
        User().set_password(password)
        valid = False
    else:
        valid = user.check_password(password) and user.is_active
    if not valid or user is None:
        throttle.note_failure(username, address)
        return Refusal(gettext("The user name or password is not correct."), True)
    return Caller(user=user)
