"""Helpers shared by management commands."""

from __future__ import annotations

import argparse
import datetime

from django.conf import settings
from django.core.management.base import CommandError


def iso_date(value: str) -> datetime.date:
    """An argparse `type` for a day given as YYYY-MM-DD."""
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"not a date (YYYY-MM-DD): {value}") from error


def add_language_argument(parser: argparse.ArgumentParser, *, default: str = "en") -> None:
    """`--language ar|ckb|en`: the language of the messages a command prints."""
    parser.add_argument(
        "--language",
        default=default,
        choices=[code for code, _name in settings.LANGUAGES],
        help=f"language of the messages ({default})",
    )
