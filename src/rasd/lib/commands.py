"""Helpers shared by management commands."""

from __future__ import annotations

import datetime

from django.core.management.base import CommandError


def iso_date(value: str) -> datetime.date:
    """An argparse `type` for a day given as YYYY-MM-DD."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from error
