"""Fixtures and helpers shared by the registry tests."""

from __future__ import annotations

import datetime
from typing import Any

import pytest
from django.conf import settings
from django.test import Client

from rasd.accounts.models import User
from rasd.lib.request_context import acting_as
from rasd.registry.facility_rules import FacilityDetails
from rasd.registry.facility_services import create_facility
from rasd.registry.models import BoundarySet, Directorate, Facility, FacilityType, Sector
from tests.conftest import client_for


@pytest.fixture
def boundaries(db: Any) -> BoundarySet:
    """Iraq's boundaries as shipped (COD-AB 2019), current (loaded once per test session, see tests/conftest.py)."""
    return BoundarySet.objects.get(is_current=True)


def english(user: User) -> Client:
    """A signed-in client that reads the pages in English (for assertions on their text)."""
    client = client_for(user)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def make(
    code: str,
    name_ar: str,
    directorate: Directorate,
    sector: Sector | None = None,
    *,
    type_code: str = "phc-main",
    **details: Any,
) -> Facility:
    """A facility created by the system through the one write path, valid from 2024-01-01."""
    with acting_as(None):
        return create_facility(
            None,
            code,
            FacilityDetails(
                facility_type=FacilityType.objects.get(code=type_code),
                directorate=directorate,
                sector=sector,
                name_ar=name_ar,
                **details,
            ),
            valid_from=datetime.date(2024, 1, 1),
        )
