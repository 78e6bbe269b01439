"""Commands an IT officer runs: reference data, the first administrator, the demo administrator."""

from __future__ import annotations

from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from rasd.accounts.models import User
from rasd.accounts.roles import Role
from rasd.audit.models import AuditEntry
from rasd.registry.models import Authority, Directorate


def _run(*args: str) -> str:
    out = StringIO()
    call_command(*args, stdout=out)
    return out.getvalue()


def test_reference_data_loads_iraqs_21_directorates_once(db: Any) -> None:
    assert "health administration: 23 created, 0 updated, 0 unchanged" in _run("load_reference_data")
    assert Authority.objects.count() == 2
    assert Directorate.objects.filter(authority__code="fmoh").count() == 18
    assert Directorate.objects.filter(authority__code="krg-moh").count() == 3
    erbil = Directorate.objects.get(code="erbil")
    assert (erbil.name_ar, erbil.name_ckb, erbil.governorate_pcode) == (
        "المديرية العامة لصحة أربيل",
        "بەڕێوەبەرایەتیی گشتیی تەندروستیی هەولێر",
        "IQG11",
    )
    entries = AuditEntry.objects.count()
    assert "health administration: 0 created, 0 updated, 23 unchanged" in _run("load_reference_data")
    assert AuditEntry.objects.count() == entries


def test_reference_data_keeps_a_kurdish_name_a_user_added(db: Any) -> None:
    _run("load_reference_data")
    Directorate.objects.filter(code="medical-city").update(name_ckb="")
    _run("load_reference_data")
    assert Directorate.objects.get(code="medical-city").name_ckb == "فەرمانگەی شاری پزیشکی"


def test_create_admin_reads_the_password_from_a_file(db: Any, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("a-long-enough-Pa55word\n")
    assert "created system administrator it-officer" in _run(
        "create_admin", "it-officer", "--password-file", str(secret)
    )
    user = User.objects.get(username="it-officer")
    assert user.role == Role.SYSTEM_ADMIN and user.check_password("a-long-enough-Pa55word")
    assert AuditEntry.objects.filter(action="user.created", object_id=str(user.pk), actor=None).exists()


def test_create_admin_refuses_a_short_password(db: Any, tmp_path: Path) -> None:
    secret = tmp_path / "password"
    secret.write_text("short")
    with pytest.raises(CommandError, match="at least 10"):
        _run("create_admin", "it-officer", "--password-file", str(secret))
    assert not User.objects.exists()


def test_the_demo_administrator_keeps_its_password_across_runs(db: Any, settings: Any, tmp_path: Path) -> None:
    settings.DATA_DIR = tmp_path
    first = _run("create_demo_admin")
    entries = AuditEntry.objects.count()
    assert _run("create_demo_admin") == first
    assert AuditEntry.objects.count() == entries
    password = first.split("password: ")[1].strip()
    assert User.objects.get(username="admin").check_password(password)


def test_the_demo_administrator_is_refused_in_production(db: Any, settings: Any) -> None:
    settings.PRODUCTION = True
    with pytest.raises(CommandError, match="refused"):
        _run("create_demo_admin")


def test_create_admin_on_an_existing_account_records_the_promotion(world: Any, tmp_path: Path, make_user: Any) -> None:
    from rasd.accounts.scoping import ScopeKind

    collector = make_user("old-collector", Role.DATA_COLLECTOR, ScopeKind.SECTORS, sectors=(world.basra_s1,))
    secret = tmp_path / "password"
    secret.write_text("a-long-enough-Pa55word")
    _run("create_admin", "old-collector", "--password-file", str(secret))
    collector.refresh_from_db()
    assert collector.role == Role.SYSTEM_ADMIN
    entry = AuditEntry.objects.filter(object_id=str(collector.pk)).first()
    assert entry is not None and entry.action == "user.role_changed"
    assert entry.changes["role"] == ["data_collector", "system_admin"]
