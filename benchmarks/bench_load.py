"""Load on PostgreSQL through gunicorn: 16 and 50 clients at once, p50, p95 and errors.

Run: ``.venv/bin/python benchmarks/bench_load.py`` (``make bench`` runs it too). It needs
the PostgreSQL server the suite uses (``BENCH_DATABASE_URL``, by default the local one at
127.0.0.1:5432 with database ``sendplan_bench_load``, created when missing); without one it
says so and stops.

The area is the synthetic one of ``bench_pages.py`` (2,000 learners, from a seed), built
once into that database. Staff sessions are made in the database as a sign-in would make
them, then ``gunicorn`` serves ``sendplan.wsgi`` on a local port with ``--workers`` sync
workers, and each client (a thread) keeps one connection's worth of requests going:
the work tray, the learner list, a search, learner records, the register of places and a
setting page, in turn, each as a different member of staff. Every response other than 200
counts as an error, as does a refused or dropped connection. Figures are printed, never
asserted; the client threads share the machine with the server, so the load average at
the start is printed beside them.

Everyone in the area is synthetic.
"""

from __future__ import annotations

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

REPO = Path(__file__).resolve().parent.parent
LEARNERS = 2_000
SEED = 20_260_105
DEFAULT_DATABASE = "postgresql://postgres@127.0.0.1:5432/sendplan_bench_load"
STAFF = 8


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, nargs="+", default=[16, 50])
    parser.add_argument("--seconds", type=float, default=20.0, help="time at each load")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1) + 1)
    parser.add_argument("--port", type=int, default=8765)
    args = parser.parse_args(argv)

    database = os.environ.get("BENCH_DATABASE_URL", DEFAULT_DATABASE)
    if not _database_ready(database):
        print(f"No PostgreSQL at {_without_password(database)}: nothing measured.")
        return 1
    _setup_django(database)
    urls, cookies = _prepare()
    load_before = os.getloadavg()[0]
    server = _start_gunicorn(database, args.workers, args.port)
    try:
        rows = [_run(args.port, urls, cookies, n, args.seconds) for n in args.clients]
    finally:
        server.terminate()
        server.wait(timeout=30)
    _print_table(rows, args, load_before)
    return 0


def _without_password(url: str) -> str:
    parts = urlsplit(url)
    return url.replace(parts.password, "***") if parts.password else url


def _database_ready(url: str) -> bool:
    import psycopg

    parts = urlsplit(url)
    name = parts.path.lstrip("/")
    server = url.rsplit("/", 1)[0] + "/postgres"
    try:
        with psycopg.connect(server, autocommit=True, connect_timeout=5) as connection:
            found = connection.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if found.fetchone() is None:
                connection.execute(f'CREATE DATABASE "{name}"')
    except psycopg.OperationalError:
        return False
    return True


def _environment(database: str) -> dict[str, str]:
    # As production runs the code (no DEBUG, quiet logs), over plain HTTP on a local port.
    return {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "sendplan.settings",
        "DATABASE_URL": database,
        "DATABASE_CONN_MAX_AGE": "60",
        "SENDPLAN_ENV": "test",
        "DEBUG": "false",
        "LOG_LEVEL": "WARNING",
    }


def _setup_django(database: str) -> None:
    os.environ.update(_environment(database))
    sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks")]
    import django

    django.setup()


def _prepare() -> tuple[list[str], list[str]]:
    """Build the area once; return the URLs to request and one session cookie per member of staff."""
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.urls import reverse
    from pages_area import area_is_built, build_area

    from sendplan.accounts.models import User

    call_command("migrate", verbosity=0, interactive=False)
    if not area_is_built(LEARNERS):
        print(f"Building an area of {LEARNERS:,} learners ...", file=sys.stderr, flush=True)
    cast = build_area(LEARNERS, seed=SEED)

    cookies = []
    for number in range(STAFF):
        client = Client()
        client.force_login(User.objects.get(username=f"bench-caseworker-{number}"))
        session = client.cookies[settings.SESSION_COOKIE_NAME].value
        cookies.append(f"{settings.SESSION_COOKIE_NAME}={session}")
    records = [reverse("learners:record", args=[pk]) for pk in cast["record_pks"][:20]]
    settings_pages = [reverse("provision:setting", args=[pk]) for pk in cast["setting_pks"][:10]]
    urls = [
        reverse("home"),
        reverse("learners:list"),
        reverse("learners:list") + "?page=3",
        reverse("provision:register"),
        reverse("provision:register") + "?need=ASD&phase=secondary",
        *records,
        *settings_pages,
    ]
    return urls, cookies


def _start_gunicorn(database: str, workers: int, port: int) -> subprocess.Popen[bytes]:
    gunicorn = Path(sys.executable).with_name("gunicorn")
    command = [str(gunicorn), "sendplan.wsgi", f"--workers={workers}"]
    command += [f"--bind=127.0.0.1:{port}", "--log-level=warning", "--timeout=60"]
    env = _environment(database) | {"PYTHONPATH": str(REPO / "src")}
    server = subprocess.Popen(command, env=env, cwd=REPO)
    for _ in range(150):
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/")
            connection.getresponse().read()
            return server
        except OSError:
            time.sleep(0.2)
    server.terminate()
    raise RuntimeError(f"gunicorn did not answer on port {port}")


def _run(port: int, urls: list[str], cookies: list[str], clients: int, seconds: float) -> dict:
    latencies: list[float] = []
    errors: dict[str, int] = {}
    lock = threading.Lock()
    stop = time.perf_counter() + seconds

    def client(number: int) -> None:
        cookie = cookies[number % len(cookies)]
        connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        turn = number
        mine: list[float] = []
        failed: dict[str, int] = {}
        while time.perf_counter() < stop:
            url = urls[turn % len(urls)]
            turn += 1
            started = time.perf_counter()
            try:
                connection.request("GET", url, headers={"Cookie": cookie})
                response = connection.getresponse()
                response.read()
                if response.status != 200:
                    failed[str(response.status)] = failed.get(str(response.status), 0) + 1
                    continue
            except (OSError, http.client.HTTPException) as error:
                failed[type(error).__name__] = failed.get(type(error).__name__, 0) + 1
                connection.close()
                connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
                continue
            mine.append((time.perf_counter() - started) * 1000)
        connection.close()
        with lock:
            latencies.extend(mine)
            for kind, count in failed.items():
                errors[kind] = errors.get(kind, 0) + count

    threads = [threading.Thread(target=client, args=(n,)) for n in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    elapsed = time.perf_counter() - started
    return {
        "clients": clients,
        "requests": len(latencies) + sum(errors.values()),
        "per_second": len(latencies) / elapsed,
        "p50": statistics.median(latencies) if latencies else float("nan"),
        "p95": _p95(latencies) if len(latencies) > 1 else float("nan"),
        "errors": errors,
    }


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _print_table(rows: list[dict[str, Any]], args: argparse.Namespace, load: float) -> None:
    print(
        f"\ngunicorn, {args.workers} sync workers, PostgreSQL; an area of {LEARNERS:,} learners; "
        f"{args.seconds:.0f} s at each load. Load average at the start: {load:.1f} "
        f"on {os.cpu_count()} cores (the clients run on the same machine).\n"
    )
    head = f"{'clients':>8}{'requests':>10}{'per s':>8}{'p50 ms':>9}{'p95 ms':>9}  errors"
    print(head)
    print("-" * (len(head) + 10))
    for r in rows:
        errors = ", ".join(f"{k}: {v}" for k, v in sorted(r["errors"].items())) or "none"
        print(
            f"{r['clients']:>8}{r['requests']:>10,}{r['per_second']:>8.1f}"
            f"{r['p50']:>9.1f}{r['p95']:>9.1f}  {errors}"
        )


if __name__ == "__main__":
    sys.exit(main())
