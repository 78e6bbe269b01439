"""Benchmark: ingesting ODK submissions over OpenRosa under the production server.

    python bench/ingest.py [--preload 0 100000] [--clients 1 8] [-n 2000] [--workers 2] [--repeat 3]
    python bench/ingest.py --profile [-n 500]

For each preload size, in a child process and on its own database (SQLite in a work directory; PostgreSQL
instead when RASD_DATABASE_URL is set, in a `rasd_bench_ingest_<preload>` database on that server): migrate and
`rasd load_demo` (demo facility list, default questionnaire, a collecting round, one collector per sector with a
device token); with --preload N, put N realistic records in first (simulated instances through the ingestion
service itself, in batches — not timed; the database is kept and reused by later runs, the empty one never is);
generate -n simulated instances per run up front (not timed); start gunicorn with --workers W; then post them
over OpenRosa (`POST …/openrosa/key/<token>/submission`, multipart `xml_submission_file`, X-OpenRosa-Version,
keep-alive connections, each instance with the token of the collector whose facility it is) from C client
threads, after 20 untimed warm-up posts. Measured per run:

- submissions/s until the last 201, and *sustained*: until the database holds every record and no raw
  submission waits for processing (the pipeline is synchronous, so both should agree; we check);
- p50/p95 latency of the POST;
- database growth per 1,000 submissions (PostgreSQL: pg_database_size; SQLite: database + WAL after a
  checkpoint, plus stored attachments);
- CPU per submission of the gunicorn processes and, on PostgreSQL, of the database server's processes.

--profile runs cProfile around the ingestion service alone (no HTTP) for -n submissions and prints where the
time goes, with the SQL statements per submission. Targets (issue 5, docs/performance.md): ≥ 200 submissions/s
sustained with 8 clients on PostgreSQL, no more than 20% slower at 100,000 records, p95 < 100 ms, < 10 MiB per
1,000 submissions. Numbers are only meaningful on an otherwise idle machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_WORK_DIR = Path(tempfile.gettempdir()) / "rasd-bench-ingest"
CLOCK_TICKS = os.sysconf("SC_CLK_TCK")
INSTANCE_ID = re.compile(rb"<instanceID>[^<]*</instanceID>")


# --- Parent process: one child per preload size, then the table. ----------------------------------------------
def postgres_url() -> str | None:
    url = os.environ.get("RASD_DATABASE_URL", "")
    return url if url.startswith("postgres") else None


def _pg_admin(sql: str, *params: str) -> list[tuple[Any, ...]]:
    import psycopg

    url = postgres_url()
    assert url is not None
    with psycopg.connect(url.replace("postgres://", "postgresql://", 1), autocommit=True) as conn:
        cursor = conn.execute(sql, params or None)  # type: ignore[arg-type]
        return list(cursor.fetchall()) if cursor.description else []


def database_env(preload: int, work_dir: Path, *, fresh: bool, prefix: str = "rasd_bench_ingest") -> dict[str, str]:
    """The environment of a child and its server: its own data directory and database. The empty database is
    always rebuilt; a pre-loaded one is kept for the next run (building 100,000 records takes a while)."""
    data_dir = work_dir / f"{'postgresql' if postgres_url() else 'sqlite'}-{preload}"
    fresh = fresh or preload == 0
    if fresh and data_dir.exists():
        shutil.rmtree(data_dir)
    data_dir.mkdir(parents=True, exist_ok=True)
    env = {key: value for key, value in os.environ.items() if not key.startswith(("RASD_", "DJANGO_"))}
    env.update(RASD_DATA_DIR=str(data_dir), RASD_DEBUG="0", RASD_LOG_LEVEL="WARNING")
    env["DJANGO_SETTINGS_MODULE"] = "rasd.settings"
    base = postgres_url()
    if base:
        name = f"{prefix}_{preload}"
        exists = _pg_admin("SELECT 1 FROM pg_database WHERE datname = %s", name)
        if exists and fresh:
            _pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)')
        if not exists or fresh:
            _pg_admin(f'CREATE DATABASE "{name}"')
            (data_dir / "demo.json").unlink(missing_ok=True)
        env["RASD_DATABASE_URL"] = base.rsplit("/", 1)[0] + "/" + name
    return env


def run_child(env: dict[str, str], arguments: list[str]) -> list[dict[str, Any]]:
    command = [sys.executable, __file__, *arguments]
    finished = subprocess.run(command, env=env, stdout=subprocess.PIPE, check=False)  # noqa: S603
    if finished.returncode != 0:
        raise SystemExit(f"benchmark child failed ({finished.returncode}): {' '.join(arguments)}")
    result: list[dict[str, Any]] = json.loads(finished.stdout.decode().strip().splitlines()[-1])
    return result


def machine() -> str:
    memory_gb = os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES") / 2**30
    return (
        f"{platform.machine()}, {os.cpu_count()} cores, {memory_gb:.0f} GB, Python {platform.python_version()}, "
        f"{platform.platform(terse=True)}"
    )


def markdown(results: list[dict[str, Any]]) -> str:
    lines = [
        "| database | workers | records before | clients | submissions | subs/s (sustained) | p50 / p95 ms "
        "| MiB per 1,000 | app CPU ms/sub | db CPU ms/sub |",
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |",
    ]
    for r in results:
        db_cpu = "" if r["db_cpu_ms"] is None else f"{r['db_cpu_ms']:.1f}"
        lines.append(
            f"| {r['database']} | {r['workers']} | {r['records_before']:,} | {r['clients']} | {r['ok']:,} "
            f"| {r['rate']:.0f} ({r['sustained']:.0f}) | {r['p50_ms']:.0f} / {r['p95_ms']:.0f} "
            f"| {r['mib_per_1000']:.2f} | {r['app_cpu_ms']:.1f} | {db_cpu} |"
        )
    return "\n".join(lines)


def median_rows(runs: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """One row per (database, preload, workers, clients): the median of each figure over the repetitions."""
    groups: dict[tuple[Any, ...], list[dict[str, Any]]] = {}
    for run in runs:
        groups.setdefault((run["database"], run["preload"], run["workers"], run["clients"]), []).append(run)
    rows = []
    for group in groups.values():
        row = dict(group[0])
        for key in ("rate", "sustained", "p50_ms", "p95_ms", "mib_per_1000", "app_cpu_ms"):
            row[key] = statistics.median(run[key] for run in group)
        row["db_cpu_ms"] = None if group[0]["db_cpu_ms"] is None else statistics.median(r["db_cpu_ms"] for r in group)
        row["ok"] = min(run["ok"] for run in group)
        row["records_before"] = group[0]["records_before"]
        rows.append(row)
    return rows


# --- Child process: Django is set up on the scenario's database. ----------------------------------------------
def ensure_demo(data_dir: Path, facilities: int | None) -> dict[str, Any]:
    """`rasd load_demo --json` once per database; its output (tokens, round) is kept beside the data."""
    saved = data_dir / "demo.json"
    if saved.exists():
        demo: dict[str, Any] = json.loads(saved.read_text())
        return demo
    rasd = [sys.executable, "-m", "rasd"]
    subprocess.run([*rasd, "migrate", "--noinput", "--verbosity", "0"], check=True)  # noqa: S603
    extra = ["--facilities", str(facilities)] if facilities else []
    output = subprocess.run([*rasd, "load_demo", *extra, "--json"], check=True, capture_output=True, text=True)  # noqa: S603
    lines = output.stdout.splitlines()  # the JSON document (indented) follows any progress message
    demo = json.loads("\n".join(lines[next(n for n, line in enumerate(lines) if line.startswith("{")) :]))
    saved.write_text(json.dumps(demo))
    return demo


class InstancePool:
    """Simulated instances of the round's form. The simulator's output is the realistic part (answers shaped by
    facility type, relevance, constraints); beyond `distinct` instances, copies of them are used, which costs the
    server exactly as much and saves minutes of generation for 100,000 records. Every instance handed out gets a
    fresh instanceID: the simulator's are reproducible from the seed, so on a reused database they would be
    identical resends (201, but no new record)."""

    def __init__(self, round_code: str, distinct: int, seed: int) -> None:
        from rasd.collection.models import Round
        from rasd.submissions.simulator import generate

        self.items: list[tuple[str, bytes]] = []  # (collector username, xml)
        round_ = Round.objects.get(code=round_code)
        while len(self.items) < distinct:
            before = len(self.items)
            for simulated in generate(round_, seed=seed):
                if simulated.collector is None:
                    continue  # no collector is assigned to this facility: no phone would send it
                self.items.append((simulated.collector.username, simulated.xml))
                if len(self.items) >= distinct:
                    break
            if len(self.items) == before:
                raise SystemExit(f"the simulator yields nothing for round {round_code}")
            seed += 1
        self.next = 0

    def take(self, count: int) -> list[tuple[str, bytes]]:
        taken = []
        for _ in range(count):
            collector, xml = self.items[self.next % len(self.items)]
            xml = INSTANCE_ID.sub(f"<instanceID>uuid:{uuid.uuid4()}</instanceID>".encode(), xml, count=1)
            self.next += 1
            taken.append((collector, xml))
        return taken


def preload_records(target: int, round_code: str, pool: InstancePool, batch: int = 250) -> int:
    """Bring the round to `target` records through the ingestion service, `batch` per transaction (one commit per
    submission would be the HTTP path's cost; this is set-up, not measurement)."""
    from django.db import transaction

    from rasd.accounts.models import User
    from rasd.collection.models import DeviceToken
    from rasd.submissions.ingest import IncomingSubmission, ingest
    from rasd.submissions.models import Source, Submission

    have = Submission.objects.filter(round__code=round_code).count()
    users = {user.username: user for user in User.objects.all()}
    devices = {token.user_id: token for token in DeviceToken.objects.filter(revoked_at__isnull=True)}
    started = time.perf_counter()
    done = 0
    while have + done < target:
        chunk = pool.take(min(batch, target - have - done))
        with transaction.atomic():
            for username, xml in chunk:
                user = users.get(username)
                device = devices.get(user.pk) if user is not None else None
                ingest(IncomingSubmission(xml=xml, source=Source.OPENROSA, submitted_by=user, device=device))
        done += len(chunk)
        if done % 5000 < batch:
            rate = done / (time.perf_counter() - started)
            print(f"  preloaded {have + done:,} / {target:,} ({rate:.0f}/s)", file=sys.stderr)  # noqa: T201
    return have + done


def database_size(data_dir: Path) -> int:
    """Bytes the database occupies: pg_database_size, or the SQLite file and its WAL after a checkpoint; plus
    stored attachments (none in this benchmark, but a real form with photos would have them)."""
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("SELECT pg_database_size(current_database())")
            size = int(cursor.fetchone()[0])
        else:
            cursor.execute("PRAGMA wal_checkpoint(TRUNCATE)")
            size = sum(path.stat().st_size for path in data_dir.glob("rasd.sqlite3*"))
    media = data_dir / "media"
    return size + sum(path.stat().st_size for path in media.rglob("*") if path.is_file())


def table_sizes() -> dict[str, int]:
    """PostgreSQL only: the biggest tables with their indexes, to explain the growth."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return {}
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT relname, pg_total_relation_size(oid) FROM pg_class WHERE relkind = 'r' "
            "AND relnamespace = 'public'::regnamespace ORDER BY 2 DESC LIMIT 8"
        )
        return {name: int(size) for name, size in cursor.fetchall()}


def stored_counts(round_code: str) -> tuple[int, int]:
    from rasd.submissions.models import RawSubmission, Submission

    records = Submission.objects.filter(round__code=round_code).count()
    return records, RawSubmission.objects.filter(version__isnull=True).count()


def cpu_ticks(root: int) -> int:
    """CPU ticks used so far by a process and its live descendants (Linux /proc)."""
    stats: dict[int, tuple[int, int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        stats[int(entry.name)] = (int(fields[1]), sum(int(value) for value in fields[11:15]))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        if pid in stats:
            total += stats[pid][1]
            todo.extend(child for child, (parent, _) in stats.items() if parent == pid)
    return total


def postmaster_pid() -> int | None:
    """The PostgreSQL server's main process, when it runs on this machine (its backends are its children)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        backend = int(cursor.fetchone()[0])
    try:
        return int(Path(f"/proc/{backend}/stat").read_text().rsplit(")", 1)[1].split()[1])
    except OSError:
        return None


class Server:
    """gunicorn in its own process group, so that stopping it never leaves a worker behind."""

    def __init__(self, workers: int, data_dir: Path) -> None:
        with socket.socket() as sock:
            sock.bind(("127.0.0.1", 0))
            self.port = int(sock.getsockname()[1])
        command = [sys.executable, "-m", "gunicorn", "rasd.wsgi", "--bind", f"127.0.0.1:{self.port}"]
        command += ["--workers", str(workers), "--graceful-timeout", "5", "--timeout", "120"]
        self.log = (data_dir / "gunicorn.log").open("ab")
        self.process = subprocess.Popen(command, stdout=self.log, stderr=subprocess.STDOUT, start_new_session=True)  # noqa: S603
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{self.port}/healthz", timeout=2):
                    return
            except OSError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    self.stop()
                    raise SystemExit(f"gunicorn did not start; see {data_dir / 'gunicorn.log'}") from None
                time.sleep(0.2)

    def stop(self) -> None:
        try:
            os.killpg(self.process.pid, signal.SIGTERM)
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
        except ProcessLookupError:
            pass
        self.log.close()


def multipart(xml: bytes) -> tuple[bytes, str]:
    boundary = uuid.uuid4().hex
    head = (
        f'--{boundary}\r\nContent-Disposition: form-data; name="xml_submission_file"; filename="submission.xml"'
        "\r\nContent-Type: text/xml\r\n\r\n"
    )
    return head.encode() + xml + f"\r\n--{boundary}--\r\n".encode(), f"multipart/form-data; boundary={boundary}"


def post_all(
    port: int, requests: list[tuple[str, bytes, str]], clients: int, head_first: bool
) -> tuple[float, list[float], dict[str, int]]:
    """POST every (path, body, content type) from `clients` keep-alive connections; wall time, the latency of each
    201, and the count of every status (or error name)."""
    latencies: list[float] = []
    statuses: dict[str, int] = {}
    lock = threading.Lock()
    position = iter(range(len(requests)))
    headers = {"X-OpenRosa-Version": "1.0", "Accept-Encoding": "identity"}

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", port, timeout=120)
        while True:
            with lock:
                index = next(position, None)
            if index is None:
                break
            path, body, content_type = requests[index]
            start = time.perf_counter()
            try:
                if head_first:
                    conn.request("HEAD", path, headers=headers)
                    conn.getresponse().read()
                conn.request("POST", path, body=body, headers={**headers, "Content-Type": content_type})
                response = conn.getresponse()
                response.read()
                status = str(response.status)
            except (OSError, http.client.HTTPException) as error:
                status = type(error).__name__
                conn.close()
            elapsed = time.perf_counter() - start
            with lock:
                statuses[status] = statuses.get(status, 0) + 1
                if status == "201":
                    latencies.append(elapsed)
        conn.close()

    threads = [threading.Thread(target=client) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return time.perf_counter() - started, latencies, statuses


def percentile(values: list[float], fraction: float) -> float:
    if len(values) < 2:
        return values[0] if values else float("nan")
    return statistics.quantiles(values, n=100, method="inclusive")[round(fraction * 100) - 1]


def one_run(
    server: Server, pool: InstancePool, demo: dict[str, Any], data_dir: Path, options: argparse.Namespace, **run: Any
) -> dict[str, Any]:
    from django.db import connection

    tokens = {collector["username"]: collector["token"] for collector in demo["collectors"]}
    fallback = demo["collectors"][0]["token"]

    def requests(count: int) -> list[tuple[str, bytes, str]]:
        built = []
        for username, xml in pool.take(count):
            body, content_type = multipart(xml)
            built.append((f"/openrosa/key/{tokens.get(username, fallback)}/submission", body, content_type))
        return built

    post_all(server.port, requests(options.warmup), 1, options.head_first)
    timed = requests(options.n)  # built before the clock starts
    records_before, _ = stored_counts(demo["round"])
    size_before = database_size(data_dir)
    postmaster = postmaster_pid()
    connection.close()  # no idle transaction of ours while the server works
    app0 = cpu_ticks(server.process.pid)
    db0 = cpu_ticks(postmaster) if postmaster else 0
    wall, latencies, statuses = post_all(server.port, timed, run["clients"], options.head_first)
    app_ticks = cpu_ticks(server.process.pid) - app0
    db_ticks = cpu_ticks(postmaster) - db0 if postmaster else 0
    # Sustained: the clock stops when every acknowledged submission is a record and nothing waits.
    ok = statuses.get("201", 0)
    drain_started = time.perf_counter()
    while True:
        records, pending = stored_counts(demo["round"])
        if (records >= records_before + ok and pending == 0) or time.perf_counter() - drain_started > 60:
            break
        time.sleep(0.1)
    drain = time.perf_counter() - drain_started if records < records_before + ok or pending else 0.0
    growth = database_size(data_dir) - size_before
    return {
        **run,
        "database": connection.vendor,
        "records_before": records_before,
        "ok": ok,
        "statuses": statuses,
        "records_added": records - records_before,
        "pending_after": pending,
        "wall_s": round(wall, 3),
        "drain_s": round(drain, 3),
        "rate": ok / wall,
        "sustained": ok / (wall + drain),
        "p50_ms": percentile(latencies, 0.50) * 1000,
        "p95_ms": percentile(latencies, 0.95) * 1000,
        "mib_per_1000": growth / max(ok, 1) * 1000 / 2**20,
        "app_cpu_ms": app_ticks / CLOCK_TICKS * 1000 / max(ok, 1),
        "db_cpu_ms": db_ticks / CLOCK_TICKS * 1000 / max(ok, 1) if postmaster else None,
    }


def child(options: argparse.Namespace) -> list[dict[str, Any]]:
    import django

    django.setup()
    data_dir = Path(os.environ["RASD_DATA_DIR"])
    demo = ensure_demo(data_dir, options.facilities)
    preload = options.preload[-1]
    runs = len(options.workers) * len(options.clients) * options.repeat
    distinct = min(options.distinct, (options.n + options.warmup) * runs + preload)
    pool = InstancePool(demo["round"], max(distinct, 1), seed=options.seed)
    if preload:
        preload_records(preload, demo["round"], pool)
    results = []
    for workers in options.workers:
        server = Server(workers, data_dir)
        try:
            for repeat in range(options.repeat):
                for clients in options.clients:
                    result = one_run(
                        server, pool, demo, data_dir, options, workers=workers, clients=clients, repeat=repeat
                    )
                    result["preload"] = preload
                    print(json.dumps(result), file=sys.stderr)  # noqa: T201
                    results.append(result)
        finally:
            server.stop()
    results[-1]["tables"] = table_sizes()
    return results


def profile(options: argparse.Namespace) -> None:
    """cProfile around `ingest()` alone: where a submission's time goes once the HTTP layer is out of the way."""
    import cProfile
    import pstats

    import django

    django.setup()
    from django.db import connection

    from rasd.accounts.models import User
    from rasd.collection.models import DeviceToken
    from rasd.submissions.ingest import IncomingSubmission, ingest
    from rasd.submissions.models import Source

    data_dir = Path(os.environ["RASD_DATA_DIR"])
    demo = ensure_demo(data_dir, options.facilities)
    pool = InstancePool(demo["round"], min(options.distinct, options.n + 20), seed=options.seed)
    users = {user.username: user for user in User.objects.all()}
    devices = {token.user_id: token for token in DeviceToken.objects.filter(revoked_at__isnull=True)}

    def incoming(username: str, xml: bytes) -> IncomingSubmission:
        user = users.get(username)
        device = devices.get(user.pk) if user is not None else None
        return IncomingSubmission(xml=xml, source=Source.OPENROSA, submitted_by=user, device=device)

    for username, xml in pool.take(20):  # warm caches (catalogue, form parsing) outside the profile
        ingest(incoming(username, xml))
    batch = [incoming(username, xml) for username, xml in pool.take(options.n)]
    queries = [0]

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        queries[0] += 1
        return execute(sql, params, many, context)

    profiler = cProfile.Profile()
    with connection.execute_wrapper(count):
        started = time.perf_counter()
        profiler.enable()
        for item in batch:
            ingest(item)
        profiler.disable()
        elapsed = time.perf_counter() - started
    print(  # noqa: T201
        f"ingest() alone, {connection.vendor}, {len(batch)} submissions: {elapsed / len(batch) * 1000:.2f} ms each "
        f"under the profiler ({len(batch) / elapsed:.0f}/s), {queries[0] / len(batch):.1f} SQL statements each\n"
    )
    # Cumulative time of rasd's own functions (full paths, to filter on them), then the hottest functions overall.
    pstats.Stats(profiler).sort_stats("cumulative").print_stats(r"/rasd/", 30)
    pstats.Stats(profiler).strip_dirs().sort_stats("tottime").print_stats(25)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--preload", type=int, nargs="+", default=[0], help="records stored before (0 100000)")
    parser.add_argument("--clients", type=int, nargs="+", default=[1, 8], help="concurrent clients (1 8)")
    parser.add_argument("-n", type=int, default=2000, help="timed submissions per run (2000)")
    # One sync worker per core: the work is CPU-bound (parsing, normalising, the database on the same machine),
    # and in the smoke sweep 3 or 4 workers on 2 cores were slower than 2, as with ODK Central.
    parser.add_argument(
        "--workers",
        type=int,
        nargs="+",
        default=[os.cpu_count() or 2],
        help="gunicorn workers (cores); several = a sweep",
    )
    parser.add_argument("--repeat", type=int, default=1, help="runs per setting; the table shows medians")
    parser.add_argument("--warmup", type=int, default=20, help="untimed posts before each run (20)")
    parser.add_argument("--head-first", action="store_true", help="HEAD before each POST, as ODK Collect does")
    parser.add_argument("--facilities", type=int, help="demo facility list size (load_demo's default)")
    parser.add_argument("--distinct", type=int, default=2000, help="simulated instances; the rest are copies")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work-dir", type=Path, default=DEFAULT_WORK_DIR, help="data directories (kept)")
    parser.add_argument("--fresh", action="store_true", help="rebuild pre-loaded databases too")
    parser.add_argument("--clean", action="store_true", help="remove the kept data directories and databases")
    parser.add_argument("--db-prefix", default="rasd_bench_ingest", help="PostgreSQL databases: <prefix>_<preload>")
    parser.add_argument("--profile", action="store_true", help="cProfile the ingestion service (-n 500 is plenty)")
    parser.add_argument("--json-out", type=Path, help="append every run as one JSON line")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    options = parser.parse_args()
    if options.child and options.profile:
        profile(options)
        return
    if options.child:
        print(json.dumps(child(options)))  # noqa: T201
        return

    if options.clean:
        shutil.rmtree(options.work_dir, ignore_errors=True)
        if postgres_url():
            for (name,) in _pg_admin("SELECT datname FROM pg_database WHERE datname LIKE %s", f"{options.db_prefix}_%"):
                _pg_admin(f'DROP DATABASE "{name}" WITH (FORCE)')
        return
    runs: list[dict[str, Any]] = []
    for preload in [0] if options.profile else options.preload:
        env = database_env(preload, options.work_dir, fresh=options.fresh, prefix=options.db_prefix)
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [env.get("PYTHONPATH"), str(ROOT / "src")]))
        arguments = [*sys.argv[1:], "--child", "--preload", str(preload)]
        if options.profile:
            subprocess.run([sys.executable, __file__, *arguments], env=env, check=True)  # noqa: S603
            return
        runs += run_child(env, arguments)
        if preload == 0 and postgres_url():
            _pg_admin(f'DROP DATABASE IF EXISTS "{options.db_prefix}_{preload}" WITH (FORCE)')
    if options.json_out:
        with options.json_out.open("a", encoding="utf-8") as handle:
            for run in runs:
                handle.write(json.dumps(run) + "\n")
    print(f"Machine: {machine()}\n")  # noqa: T201
    print(markdown(median_rows(runs)))  # noqa: T201
    for run in runs:
        if run.get("tables"):
            sizes = ", ".join(f"{name} {size / 2**20:.1f} MiB" for name, size in run["tables"].items())
            print(f"\nLargest tables after the {run['preload']:,}-record runs: {sizes}")  # noqa: T201
        bad = {status: n for status, n in run["statuses"].items() if status != "201"}
        if bad or run["records_added"] != run["ok"] or run["pending_after"]:
            print(f"\nWARNING run {run}: statuses {bad}, records added {run['records_added']}")  # noqa: T201


if __name__ == "__main__":
    main()
