"""Form widgets of the registry pages."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django import forms


class LinkedSelect(forms.Select):
    """A select that depends on another field of its form: each option says which value of that field it belongs
    to (a sector its directorate, a district its governorate), and linked-select.js shows only the matching ones.

    Used with a ModelChoiceField: `belongs_to` receives an option's model instance and returns the value of the
    other field (as that field submits it) that the option belongs to."""

    def __init__(self, linked_to: str, belongs_to: Callable[[Any], object]) -> None:
        super().__init__(attrs={"data-linked-to": linked_to})
        self.belongs_to = belongs_to

    def create_option(
        self,
        name: str,
        value: Any,
        label: Any,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option: dict[str, Any] = super().create_option(name, value, label, selected, index, subindex, attrs)
        instance = getattr(value, "instance", None)
        if instance is not None:
            option["attrs"]["data-belongs-to"] = str(self.belongs_to(instance))
        return option
