"""A list of functions other apps hook into an app's work (ingestion, questionnaire import) without that app
knowing them. Each app keeps its own registry and says what its hooks receive and may do."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, Generic, TypeVar

F = TypeVar("F", bound=Callable[..., Any])


class Hooks(Generic[F]):
    def __init__(self) -> None:
        self._hooks: list[F] = []

    def register(self, fn: F) -> F:
        """Add `fn` to the hooks (once; usable as a decorator). Hooks run in registration order."""
        if fn not in self._hooks:
            self._hooks.append(fn)
        return fn

    def unregister(self, fn: F) -> None:
        if fn in self._hooks:
            self._hooks.remove(fn)

    def registered(self) -> tuple[F, ...]:
        return tuple(self._hooks)
