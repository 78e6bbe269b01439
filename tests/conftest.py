"""Shared test world: Iraq-like health administration and named personas with different scopes.

Personas are created through the real account services, so every test also exercises the rules and the audit log.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.test import Client
from django.utils import translation

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.accounts.scoping import ScopeKind
from rasd.accounts.services import AccountDetails, bootstrap_administrator, create_account
from rasd.lib.request_context import acting_as
from rasd.quality.rules import clear_caches
from rasd.registry.facility_rules import FacilityDetails
from rasd.registry.facility_services import FacilityWrite, write_facilities
from rasd.registry.geography_services import load_boundaries
from rasd.registry.models import Authority, Directorate, Facility, FacilityType, Sector

pytest_plugins = ["tests.collection_fixtures"]

PASSWORD = "correct-horse-battery-42"


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup: None, django_db_blocker: Any) -> None:
    """Iraq's boundaries (414 areas with population) are loaded once into the test database: most tests only read
    them, and loading takes a second. Tests that change them run in a transaction like any other."""
    with django_db_blocker.unblock(), acting_as(None):
        load_boundaries()


@pytest.fixture(autouse=True)
def media_in_tmp(settings: Any, tmp_path: Any) -> None:
    """Uploads made by a test go to its own temporary directory, never to var/."""
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture(autouse=True)
def fresh_quality_caches() -> None:
    """The data-quality rules in force and the peer statistics are kept in the process for a while: never from one
    test's rolled-back database into the next."""
    clear_caches()


@pytest.fixture
def english(settings: Any) -> Iterator[None]:
    """Messages in English, for tests that read them: pages (rasd's default language is Arabic) and services."""
    settings.LANGUAGE_CODE = "en"
    with translation.override("en"):
        yield


def pytest_configure() -> None:
    # Hashing passwords properly is slow by design; tests need speed, not strength.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@dataclass
class World:
    fed: Authority
    krg: Authority
    basra: Directorate
    najaf: Directorate
    erbil: Directorate
    medical_city: Directorate  # a national department: no sectors
    basra_s1: Sector
    basra_s2: Sector
    najaf_s1: Sector
    erbil_s1: Sector


@pytest.fixture
def world(db: Any) -> World:
    fed = Authority.objects.create(code="fmoh", name_ar="وزارة الصحة الاتحادية", name_en="Federal MoH")
    krg = Authority.objects.create(code="krg-moh", name_ar="وزارة الصحة في الإقليم", name_en="KRG MoH")
    basra = Directorate.objects.create(
        code="basra", authority=fed, governorate_pcode="IQG02", name_ar="دائرة صحة البصرة", name_en="Basra DoH"
    )
    najaf = Directorate.objects.create(
        code="najaf", authority=fed, governorate_pcode="IQG04", name_ar="دائرة صحة النجف", name_en="Najaf DoH"
    )
    erbil = Directorate.objects.create(
        code="erbil", authority=krg, governorate_pcode="IQG11", name_ar="صحة أربيل", name_en="Erbil DoH"
    )
    return World(
        fed=fed,
        krg=krg,
        basra=basra,
        najaf=najaf,
        erbil=erbil,
        medical_city=Directorate.objects.create(code="medical-city", authority=fed, name_ar="دائرة مدينة الطب"),
        basra_s1=Sector.objects.create(code="basra-1", directorate=basra, name_ar="marker-sector-basra-1"),
        basra_s2=Sector.objects.create(code="basra-2", directorate=basra, name_ar="marker-sector-basra-2"),
        najaf_s1=Sector.objects.create(code="najaf-1", directorate=najaf, name_ar="marker-sector-najaf-1"),
        erbil_s1=Sector.objects.create(code="erbil-1", directorate=erbil, name_ar="marker-sector-erbil-1"),
    )


@pytest.fixture
def admin(world: World) -> User:
    with acting_as(None):
        user, _created = bootstrap_administrator("admin", "marker-admin", PASSWORD)
    return user


MakeUser = Callable[..., User]


@pytest.fixture
def make_user(admin: User) -> MakeUser:
    """Create an account through the services, acting as the system administrator."""

    def make(
        username: str,
        role: Role,
        scope_kind: ScopeKind,
        *,
        authority: Authority | None = None,
        directorates: tuple[Directorate, ...] = (),
        sectors: tuple[Sector, ...] = (),
        full_name: str | None = None,
    ) -> User:
        details = AccountDetails(
            username=username,
            full_name=full_name or f"marker-{username}",
            role=role,
            scope_kind=scope_kind,
            scope_authority=authority,
            scope_directorates=list(directorates),
            scope_sectors=list(sectors),
        )
        with acting_as(admin):
            return create_account(admin, details, PASSWORD)

    return make


@dataclass
class Personas:
    admin: User
    national_fed: User
    national_krg: User
    basra_manager: User
    najaf_manager: User
    erbil_manager: User
    basra_s1_supervisor: User
    basra_s1_collector: User
    basra_s2_collector: User
    erbil_viewer: User
    medical_city_manager: User

    def all(self) -> dict[str, User]:
        return dict(vars(self))


@pytest.fixture
def personas(world: World, admin: User, make_user: MakeUser) -> Personas:
    w = world
    return Personas(
        admin=admin,
        national_fed=make_user("national-fed", Role.NATIONAL_MANAGER, ScopeKind.AUTHORITY, authority=w.fed),
        national_krg=make_user("national-krg", Role.NATIONAL_MANAGER, ScopeKind.AUTHORITY, authority=w.krg),
        basra_manager=make_user(
            "basra-manager", Role.DIRECTORATE_MANAGER, ScopeKind.DIRECTORATES, directorates=(w.basra,)
        ),
        najaf_manager=make_user(
            "najaf-manager", Role.DIRECTORATE_MANAGER, ScopeKind.DIRECTORATES, directorates=(w.najaf,)
        ),
        erbil_manager=make_user(
            "erbil-manager", Role.DIRECTORATE_MANAGER, ScopeKind.DIRECTORATES, directorates=(w.erbil,)
        ),
        basra_s1_supervisor=make_user(
            "basra-s1-supervisor", Role.SECTOR_SUPERVISOR, ScopeKind.SECTORS, sectors=(w.basra_s1,)
        ),
        basra_s1_collector=make_user(
            "basra-s1-collector", Role.DATA_COLLECTOR, ScopeKind.SECTORS, sectors=(w.basra_s1,)
        ),
        basra_s2_collector=make_user(
            "basra-s2-collector", Role.DATA_COLLECTOR, ScopeKind.SECTORS, sectors=(w.basra_s2,)
        ),
        erbil_viewer=make_user("erbil-viewer", Role.VIEWER, ScopeKind.DIRECTORATES, directorates=(w.erbil,)),
        medical_city_manager=make_user(
            "medical-city-manager", Role.DIRECTORATE_MANAGER, ScopeKind.DIRECTORATES, directorates=(w.medical_city,)
        ),
    )


@pytest.fixture
def facilities(world: World) -> dict[str, Facility]:
    """A PHC centre in every sector and a hospital (no sector) in every directorate, named 'marker-…' so that the
    scope matrix can spot them on any page. Keys are the facility codes."""
    phc = FacilityType.objects.create(code="phc-main", level_of_care="primary", name_ar="مركز صحي رئيسي")
    hospital = FacilityType.objects.create(code="hospital", level_of_care="secondary", name_ar="مستشفى")
    writes = []
    for sector in (world.basra_s1, world.basra_s2, world.najaf_s1, world.erbil_s1):
        code = f"PHC-{sector.code}".upper()
        details = FacilityDetails(
            facility_type=phc, directorate=sector.directorate, sector=sector, name_ar=f"marker-{code}"
        )
        writes.append(FacilityWrite(code, details))
    for directorate in (world.basra, world.najaf, world.erbil, world.medical_city):
        code = f"HOSP-{directorate.code}".upper()
        writes.append(
            FacilityWrite(
                code, FacilityDetails(facility_type=hospital, directorate=directorate, name_ar=f"marker-{code}")
            )
        )
    with acting_as(None):
        created = write_facilities(None, writes, valid_from=datetime.date(2024, 1, 1), reason="test world").created
    return {facility.code: facility for facility in created}


def client_for(user: User | None) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client
