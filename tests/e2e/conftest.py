"""One demo site per test session (fresh data directory and, on the PostgreSQL run, a fresh database): the tests
start their own servers on it and look only at the submissions they sent themselves."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.live import fresh_database, server_env, server_side


@dataclass
class DemoSite:
    env: dict[str, str]
    demo: dict[str, Any]  # what `rasd load_demo --json` printed
    data_dir: Path


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[DemoSite]:
    with fresh_database() as database_url:
        data_dir = tmp_path_factory.mktemp("rasd-e2e")
        env = server_env(data_dir, database_url)
        yield DemoSite(env=env, demo=server_side("demo", "40", env=env), data_dir=data_dir)
