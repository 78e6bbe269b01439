"""Bootstrap styling for Django forms, applied once here instead of in every template."""

from __future__ import annotations

from typing import Any

from django import forms


def _css_class(widget: forms.Widget) -> str:
    if isinstance(widget, forms.Select | forms.SelectMultiple):
        return "form-select"
    if isinstance(widget, forms.CheckboxInput | forms.RadioSelect | forms.CheckboxSelectMultiple):
        return "form-check-input"
    return "form-control"


class BootstrapMixin:
    """Mix into any Form: every widget gets Bootstrap's class."""

    fields: dict[str, forms.Field]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            css = _css_class(field.widget)
            existing = field.widget.attrs.get("class", "")
            field.widget.attrs["class"] = f"{existing} {css}".strip()


class StyledForm(BootstrapMixin, forms.Form):
    pass
