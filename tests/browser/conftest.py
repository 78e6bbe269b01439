"""Browser tests run against a real rasd server in its own process, set up the way `make demo` does:
fresh data directory, migrations, `rasd load_demo` with a demo facility list of 300 and 20 submissions, an
administrator. On the PostgreSQL run the server gets a fresh database of its own on the same server, dropped
afterwards (the same helpers as the end-to-end tests, tests/e2e/live.py)."""

from __future__ import annotations

import os
import subprocess
import sys
import time
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.e2e.live import free_port, fresh_database, rasd

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ADMIN_PASSWORD = "browser-test-Pa55word"


@dataclass
class LiveRasd:
    url: str
    admin_username: str
    admin_password: str


@pytest.fixture(scope="session")
def server_database_url() -> Iterator[str | None]:
    """None on SQLite (the server uses the file in its data directory); a fresh PostgreSQL database otherwise."""
    with fresh_database() as url:
        yield url


@pytest.fixture(scope="session")
def live_rasd(tmp_path_factory: pytest.TempPathFactory, server_database_url: str | None) -> Iterator[LiveRasd]:
    data_dir = tmp_path_factory.mktemp("rasd-data")
    env = {key: value for key, value in os.environ.items() if not key.startswith(("RASD_", "DJANGO_"))}
    env.update(RASD_DATA_DIR=str(data_dir), RASD_DEBUG="1", RASD_LOG_LEVEL="WARNING")
    if server_database_url:
        env["RASD_DATABASE_URL"] = server_database_url
    rasd("migrate", "--noinput", env=env)
    # What `make demo` loads, smaller: 300 facilities, an open round, collectors with tokens, 20 submissions.
    rasd("load_demo", "--facilities", "300", "--seed", "7", "--submissions", "20", env=env)
    password_file = data_dir / "admin-password"
    password_file.write_text(ADMIN_PASSWORD)
    rasd(
        "create_admin",
        "browser-admin",
        "--full-name",
        "مدير الاختبار",
        "--password-file",
        str(password_file),
        env=env,
    )
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "rasd", "runserver", "--noreload", f"127.0.0.1:{port}"],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"{url}/healthz", timeout=2) as response:  # noqa: S310 (local)
                    if response.status == 200:
                        break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise RuntimeError("the rasd server did not start") from None
                time.sleep(0.2)
        yield LiveRasd(url=url, admin_username="browser-admin", admin_password=ADMIN_PASSWORD)
    finally:
        server.terminate()
        server.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    if not CHROMIUM.exists():
        pytest.fail("Debian's chromium is missing: run `scripts/system-packages.sh --test` (make test does).")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(
            executable_path=str(CHROMIUM),
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield instance
        instance.close()


@pytest.fixture
def artifacts() -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    return ARTIFACTS
