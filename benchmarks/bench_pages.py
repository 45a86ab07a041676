"""Server time and queries of the busiest pages, at 2,000 and at 20,000 learners.

Run: ``.venv/bin/python benchmarks/bench_pages.py`` (``make bench`` runs it too).

Each area is built once, from a seed, in its own SQLite file under ``var/bench/`` (reused
on later runs; ``--rebuild`` makes it again), in a child process so that each size gets
its own Django settings. The child signs in with Django's test ``Client`` and times each
page over ``--requests`` requests after a short warm-up: that is server time (URL
routing, middleware, queries, templates), without a network or a browser. The number of
queries per page is counted once per page with ``CaptureQueriesContext``; it should be
the same at both sizes. Figures are printed, never asserted: the tests own the query
budgets, and this machine is shared.

Everyone in the area is synthetic: names are drawn from short lists of common words.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
SIZES = (2_000, 20_000)
GOAL_P95_MS = 150.0
SEED = 20_260_105


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, help="measure one area of this size (child mode)")
    parser.add_argument("--requests", type=int, default=50, help="timed requests per page")
    parser.add_argument("--rebuild", action="store_true", help="build the areas again")
    parser.add_argument(
        "--sizes", type=int, nargs="+", default=list(SIZES), help="area sizes to compare"
    )
    args = parser.parse_args(argv)
    if args.learners:
        print(json.dumps(measure(args.learners, args.requests, args.rebuild)))
        return 0

    load_before = os.getloadavg()[0]
    results: dict[int, dict[str, Any]] = {}
    for size in args.sizes:
        command = [sys.executable, __file__, "--learners", str(size)]
        command += ["--requests", str(args.requests)] + (["--rebuild"] if args.rebuild else [])
        print(f"Measuring an area of {size:,} learners ...", file=sys.stderr, flush=True)
        done = subprocess.run(command, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            print(done.stdout + done.stderr, file=sys.stderr)
            return 1
        results[size] = json.loads(done.stdout.strip().splitlines()[-1])
    _print_table(results, args.requests, load_before)
    return 0


def _print_table(results: dict[int, dict[str, Any]], requests: int, load: float) -> None:
    sizes = sorted(results)
    pages = list(results[sizes[0]]["pages"])
    print()
    for size in sizes:
        r = results[size]
        print(
            f"Area of {size:,} learners and {r['settings']} settings in {r['file']}: "
            + (
                f"reused ({r['build_seconds']:.1f} s)"
                if r["reused"]
                else f"built in {r['build_seconds']:.1f} s"
            )
        )
    print(
        f"Server time of {requests} requests per page after warm-up (Django test Client). "
        f"Load average at the start: {load:.1f} on {os.cpu_count()} cores; "
        "wall time grows with other work on the machine, CPU time (this process only) much less.\n"
    )
    head = (
        f"{'page':<28}{'learners':>9}{'queries':>9}{'wall p50':>10}{'wall p95':>10}"
        f"{'CPU p50':>10}{'CPU p95':>10}  p95 <= {GOAL_P95_MS:.0f} ms"
    )
    print(head)
    print("-" * len(head))
    for page in pages:
        for size in sizes:
            f = results[size]["pages"][page]
            verdict = (
                "met"
                if f["p95_ms"] <= GOAL_P95_MS
                else ("met on CPU" if f["cpu_p95_ms"] <= GOAL_P95_MS else "MISSED")
            )
            print(
                f"{page if size == sizes[0] else '':<28}{size:>9,}{f['queries']:>9}"
                f"{f['p50_ms']:>10.1f}{f['p95_ms']:>10.1f}{f['cpu_p50_ms']:>10.1f}"
                f"{f['cpu_p95_ms']:>10.1f}  {verdict}"
            )
    same = all(len({results[s]["pages"][p]["queries"] for s in sizes}) == 1 for p in pages)
    print(
        f"\nQueries per page {'are the same' if same else 'CHANGE'} at "
        + " and ".join(f"{s:,}" for s in sizes)
        + " learners. Times in milliseconds."
    )


# The child: one area, one database file.


def _setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sendplan.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    # Measure as production would run: no DEBUG query log, quiet logs.
    os.environ["SENDPLAN_ENV"] = "test"
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path[:0] = [str(REPO / "src"), str(REPO)]
    import django

    django.setup()


def measure(size: int, requests: int, rebuild: bool) -> dict[str, Any]:
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = BENCH_DIR / f"pages-{size}.sqlite3"
    if rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    _setup_django(database)

    from django.core.management import call_command
    from pages_area import area_is_built, build_area

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    reused = area_is_built(size)
    cast = build_area(size, seed=SEED)
    build_seconds = time.perf_counter() - started
    # Start the application as a server does (sendplan.wsgi freezes long-lived objects out of
    # the garbage collector's full passes: ADR 0112).
    import sendplan.wsgi  # noqa: F401

    return {
        "file": str(database.relative_to(REPO)),
        "reused": reused,
        "build_seconds": build_seconds,
        "settings": cast["settings"],
        "pages": _time_pages(cast, requests),
    }


def _time_pages(cast: dict[str, Any], requests: int) -> dict[str, dict[str, float]]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sendplan.accounts.models import User

    def client_for(username: str) -> Client:
        client = Client()
        client.force_login(User.objects.get(username=username))
        return client

    caseworker = client_for("bench-caseworker-0")
    searcher = client_for("bench-caseworker-1")
    searched = searcher.post(reverse("learners:list"), {"text": cast["search_text"]})
    assert searched.status_code == 302, searched.status_code
    senco = client_for("bench-senco-0")
    learners_url = reverse("learners:list")
    mid_page = max(1, cast["learners"] // 25 // 2)
    record_pks = cast["record_pks"]

    pages: dict[str, tuple[Client, Any]] = {
        "learner list, page 1": (caseworker, lambda i: learners_url),
        "learner list, middle page": (caseworker, lambda i: f"{learners_url}?page={mid_page}"),
        "learner search by name": (searcher, lambda i: learners_url),
        "learner list as a SENCO": (senco, lambda i: learners_url),
        "learner record": (
            caseworker,
            lambda i: reverse("learners:record", args=[record_pks[i % len(record_pks)]]),
        ),
        "register of places": (caseworker, lambda i: reverse("provision:register")),
        "register, filtered": (
            caseworker,
            lambda i: reverse("provision:register") + "?need=ASD&phase=secondary&vacancies=on",
        ),
        "register, page 2": (caseworker, lambda i: reverse("provision:register") + "?page=2"),
        "setting page": (
            caseworker,
            lambda i: reverse("provision:setting", args=[cast["setting_pks"][i % 20]]),
        ),
    }
    figures: dict[str, dict[str, float]] = {}
    for name, (client, url_for) in pages.items():
        for i in range(5):  # warm-up: templates compiled, SQLite pages cached
            _get(client, url_for(i))
        with CaptureQueriesContext(connection) as queries:
            _get(client, url_for(0))
        # Count now: the next request's request_started signal empties the query log.
        count = len(queries)
        times, cpu = [], []
        for i in range(requests):
            url = url_for(i)
            started, cpu_started = time.perf_counter(), time.process_time()
            _get(client, url)
            times.append((time.perf_counter() - started) * 1000)
            cpu.append((time.process_time() - cpu_started) * 1000)
        figures[name] = {
            "queries": count,
            "p50_ms": statistics.median(times),
            "p95_ms": _p95(times),
            "cpu_p50_ms": statistics.median(cpu),
            "cpu_p95_ms": _p95(cpu),
        }
    return figures


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _get(client: Any, url: str) -> None:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} gave {response.status_code}")


if __name__ == "__main__":
    sys.exit(main())
