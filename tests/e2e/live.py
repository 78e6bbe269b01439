"""A real rasd server in its own process group for the end-to-end tests: a fresh data directory, a fresh
PostgreSQL database on the PostgreSQL run (RASD_DATABASE_URL set, as `make test` does), the demo loaded by
`rasd load_demo` (shared by the tests of a session), and gunicorn or runserver on a free port. The server can be
killed with SIGKILL (master and workers at once, as a power cut or the OOM killer would) and started again on the
same port and data."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
SERVER_SIDE = Path(__file__).resolve().parent / "server_side.py"


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def fresh_database() -> Iterator[str | None]:
    """None on SQLite (the server uses the file in its data directory); a new PostgreSQL database, dropped at the
    end, when the tests run against PostgreSQL."""
    base_url = os.environ.get("RASD_DATABASE_URL", "")
    if not base_url.startswith("postgres"):
        yield None
        return
    import psycopg

    name = f"rasd_e2e_{uuid.uuid4().hex[:8]}"
    admin_url = base_url.replace("postgres://", "postgresql://", 1)
    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    try:
        yield base_url.rsplit("/", 1)[0] + "/" + name
    finally:
        with psycopg.connect(admin_url, autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def server_env(data_dir: Path, database_url: str | None) -> dict[str, str]:
    # The test process's own settings (pytest-django's test database, debug flags) must not leak into the server.
    env = {key: value for key, value in os.environ.items() if not key.startswith(("RASD_", "DJANGO_"))}
    env.update(RASD_DATA_DIR=str(data_dir), RASD_DEBUG="0", RASD_LOG_LEVEL="WARNING")
    # The default questionnaire is checked with ODK Validate by the questionnaire tests; here it only costs time.
    env["RASD_ODK_VALIDATE"] = "0"
    if database_url:
        env["RASD_DATABASE_URL"] = database_url
    return env


def rasd(*args: str, env: dict[str, str], timeout: float = 300) -> str:
    finished = subprocess.run(
        [sys.executable, "-m", "rasd", *args], env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    if finished.returncode != 0:
        raise RuntimeError(f"rasd {' '.join(args)} failed ({finished.returncode}):\n{finished.stderr[-4000:]}")
    return finished.stdout


def server_side(*args: str, env: dict[str, str]) -> Any:
    """Run tests/e2e/server_side.py against the server's database and return its JSON output (the last line)."""
    finished = subprocess.run(
        [sys.executable, str(SERVER_SIDE), *args], env=env, capture_output=True, text=True, timeout=300, check=False
    )
    if finished.returncode != 0:
        raise RuntimeError(f"server_side {' '.join(args)} failed:\n{finished.stderr[-4000:]}")
    return json.loads(finished.stdout.strip().splitlines()[-1])


class RasdServer:
    """gunicorn (the production server) or `rasd runserver`, in a process group of its own."""

    def __init__(self, env: dict[str, str], *, kind: str = "gunicorn", workers: int = 2) -> None:
        self.env = env
        self.kind = kind
        self.workers = workers
        self.port = free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self.process: subprocess.Popen[bytes] | None = None
        self.log = Path(env["RASD_DATA_DIR"]) / "server.log"

    def command(self) -> list[str]:
        if self.kind == "runserver":
            return [sys.executable, "-m", "rasd", "runserver", "--noreload", f"127.0.0.1:{self.port}"]
        return [
            sys.executable,
            "-m",
            "gunicorn",
            "rasd.wsgi",
            "--bind",
            f"127.0.0.1:{self.port}",
            "--workers",
            str(self.workers),
            "--graceful-timeout",
            "2",
        ]

    def start(self, timeout: float = 60) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                self.command(), env=self.env, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + timeout
        while True:
            try:
                with urllib.request.urlopen(f"{self.url}/healthz", timeout=2) as response:  # noqa: S310 (loopback)
                    if response.status == 200:
                        return
            except OSError:
                pass
            if time.monotonic() > deadline or self.process.poll() is not None:
                self.stop()
                raise RuntimeError(f"rasd ({self.kind}) did not start:\n{self.log.read_text()[-4000:]}")
            time.sleep(0.2)

    def kill(self) -> None:
        """SIGKILL the whole process group: no worker gets to finish its request or roll anything back."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait(timeout=10)
        self.process = None

    def stop(self) -> None:
        if self.process is None:
            return
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait(timeout=10)
        except ProcessLookupError:
            pass
        self.process = None
