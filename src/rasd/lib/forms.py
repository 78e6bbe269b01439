"""Bootstrap styling for Django forms, applied once here instead of in every template."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError


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


def show_service_errors(form: forms.Form, error: ValidationError, *, unkeyed_field: str | None = None) -> None:
    """Put a service's ValidationError on the form: errors keyed by a field of the form go on that field, the rest on
    the form as a whole (or on `unkeyed_field`, for a service that raises plain messages about one input)."""
    if not hasattr(error, "error_dict"):
        form.add_error(unkeyed_field if unkeyed_field in form.fields else None, error.messages)
        return
    for field, messages in error.message_dict.items():
        form.add_error(field if field in form.fields else None, messages)
