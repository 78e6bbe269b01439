"""Configuration from the environment, checked in fresh processes as an operator would start rasd."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _rasd(args: list[str], tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    clean = {key: value for key, value in os.environ.items() if not key.startswith(("RASD_", "DJANGO_"))}
    clean.update(RASD_DATA_DIR=str(tmp_path), **env)
    return subprocess.run(
        [sys.executable, "-m", "rasd", *args], env=clean, capture_output=True, text=True, timeout=120, check=False
    )


def _setting(name: str, tmp_path: Path, **env: str) -> str:
    code = f"from django.conf import settings; print(settings.{name})"
    result = _rasd(["shell", "--no-imports", "-c", code], tmp_path, **env)
    assert result.returncode == 0, result.stderr
    return result.stdout.strip()


def test_development_generates_a_secret_key_once_and_keeps_it(tmp_path: Path) -> None:
    first = _setting("SECRET_KEY", tmp_path)
    assert len(first) >= 50
    assert _setting("SECRET_KEY", tmp_path) == first
    assert (tmp_path / "secret_key").stat().st_mode & 0o077 == 0


def test_production_refuses_to_start_without_a_secret_key(tmp_path: Path) -> None:
    result = _rasd(["check"], tmp_path, RASD_PRODUCTION="1")
    assert result.returncode != 0
    assert "RASD_SECRET_KEY must be set" in result.stderr


def test_the_embedded_database_is_sqlite_in_wal_mode(tmp_path: Path) -> None:
    code = (
        "from django.db import connection; c = connection.cursor(); "
        "print(c.execute('PRAGMA journal_mode').fetchone()[0], connection.settings_dict['NAME'])"
    )
    result = _rasd(["shell", "--no-imports", "-c", code], tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["wal", str(tmp_path / "rasd.sqlite3")]


def test_a_database_url_selects_postgresql(tmp_path: Path) -> None:
    engine = _setting(
        "DATABASES['default']['ENGINE']", tmp_path, RASD_DATABASE_URL="postgres://rasd@db.example:5432/rasd"
    )
    assert engine == "django.db.backends.postgresql"


def test_a_malformed_boolean_is_a_clear_error(tmp_path: Path) -> None:
    result = _rasd(["check"], tmp_path, RASD_DEBUG="maybe")
    assert result.returncode != 0
    assert "RASD_DEBUG must be 1/0, true/false, yes/no or on/off, not 'maybe'" in result.stderr


@pytest.mark.parametrize("variable", ["RASD_SECRET_KEY"])
def test_production_deploy_check_is_clean(tmp_path: Path, variable: str) -> None:
    result = _rasd(
        ["check", "--deploy", "--fail-level", "WARNING"],
        tmp_path,
        RASD_PRODUCTION="1",
        RASD_SECRET_KEY="x" * 64 + "-production-grade-secret-key-value",
        RASD_ALLOWED_HOSTS="rasd.moh.gov.iq",
    )
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


def test_production_turns_on_secure_cookies_and_hsts(tmp_path: Path) -> None:
    env = {"RASD_PRODUCTION": "1", "RASD_SECRET_KEY": "k" * 60, "RASD_ALLOWED_HOSTS": "rasd.example"}
    assert _setting("SESSION_COOKIE_SECURE", tmp_path, **env) == "True"
    assert _setting("CSRF_COOKIE_SECURE", tmp_path, **env) == "True"
    assert _setting("SECURE_HSTS_SECONDS", tmp_path, **env) == "31536000"
    assert _setting("DEBUG", tmp_path, **env) == "False"


def test_json_logs_carry_the_request_id(tmp_path: Path) -> None:
    code = (
        "import logging; from rasd.lib.request_context import acting_as\n"
        "with acting_as(None, request_id='req-7'): logging.getLogger('rasd.test').warning('hello %s', 'عالم')"
    )
    result = _rasd(["shell", "--no-imports", "-c", code], tmp_path, RASD_LOG_FORMAT="json")
    import json

    line = json.loads(result.stderr.strip().splitlines()[-1])
    assert line["message"] == "hello عالم"
    assert line["request_id"] == "req-7"
    assert line["level"] == "WARNING"
