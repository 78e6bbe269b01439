"""Who is acting and for which request, available to services and log lines without passing it around.

The middleware fills it for web requests; management commands set it with `acting_as()`.
"""

from __future__ import annotations

import contextvars
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from typing import Any


@dataclass(frozen=True)
class RequestContext:
    request_id: str = "-"
    remote_addr: str | None = None
    actor: Any = None  # the acting User, or None for the system


_current: contextvars.ContextVar[RequestContext] = contextvars.ContextVar("rasd_request_context")


def current() -> RequestContext:
    return _current.get(RequestContext())


@contextmanager
def bound(context: RequestContext) -> Iterator[RequestContext]:
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)


def set_actor(actor: Any) -> None:
    _current.set(replace(current(), actor=actor))


@contextmanager
def acting_as(actor: Any, request_id: str = "command") -> Iterator[RequestContext]:
    """Run service calls from a command or task on behalf of `actor` (None = the system)."""
    with bound(RequestContext(request_id=request_id, actor=actor)) as context:
        yield context
