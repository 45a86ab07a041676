"""How fast "who accessed this learner between two dates" is answered at 20,000 learners and
about 1,000,000 audit events (security.md section 2: under 60 s for a breach report).

Run: ``.venv/bin/python benchmarks/bench_audit_query.py`` (``make bench`` runs it too).

The area is ``pages_area``'s synthetic one, in its own SQLite file under ``var/bench/``
(reused on later runs; ``--rebuild`` makes it again), plus audit events spread over a year
by every synthetic user: most learners get a few dozen, one busy record gets thousands.
Times are the selector alone (count and first page), the page as an LA manager (Django test
``Client``, server time only) and the CSV download. Query counts are taken once per case.
Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
SEED = 20_261_128
BUSY_EVENTS = 5_000
WINDOW_END = dt.date(2026, 1, 15)  # pages_area's "today"
GOAL_SECONDS = 60.0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--learners", type=int, default=20_000)
    parser.add_argument("--events", type=int, default=1_000_000)
    parser.add_argument("--repeats", type=int, default=50, help="timed runs per case")
    parser.add_argument("--rebuild", action="store_true", help="build the area again")
    args = parser.parse_args(argv)

    database = BENCH_DIR / f"audit-{args.learners}.sqlite3"
    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    _setup_django(database)

    from django.core.management import call_command
    from pages_area import build_area

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    cast = build_area(args.learners, seed=SEED)
    events, busy_pk = _build_events(args.events, cast, random.Random(SEED))
    print(
        f"Area of {args.learners:,} learners and {events:,} audit events in "
        f"{database.relative_to(REPO)} (ready in {time.perf_counter() - started:.1f} s). "
        f"Load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores.",
        flush=True,
    )
    _measure(cast, busy_pk, args.repeats)
    return 0


def _setup_django(database: Path) -> None:
    os.environ["DJANGO_SETTINGS_MODULE"] = "sendplan.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["SENDPLAN_ENV"] = "test"
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path[:0] = [str(REPO / "src"), str(REPO / "benchmarks"), str(REPO)]
    import django

    django.setup()


def _build_events(total: int, cast: dict[str, Any], rng: random.Random) -> tuple[int, int]:
    """Insert audit events until there are ``total``; return the count and the busy learner.

    Raw INSERTs: ``at`` is auto_now_add, which bulk_create would overwrite with now.
    """
    from django.db import connection, transaction

    from sendplan.accounts.models import User
    from sendplan.learners.models import AuditEvent, Learner

    busy_pk = cast["record_pks"][0]
    have = AuditEvent.objects.count()
    if have >= total:
        return have, busy_pk
    learner_pks = list(Learner.objects.values_list("pk", flat=True))
    user_pks = list(User.objects.values_list("pk", flat=True))
    end = dt.datetime.combine(WINDOW_END, dt.time(18, 0), tzinfo=dt.UTC)
    year = 365 * 24 * 3600
    actions = ["view_record"] * 8 + ["export"]
    table = connection.ops.quote_name(AuditEvent._meta.db_table)
    sql = (
        f"INSERT INTO {table} (at, user_id, action, learner_id, detail) VALUES (%s, %s, %s, %s, %s)"
    )

    def row(learner_pk: int) -> tuple[str, int, str, int, str]:
        moment = end - dt.timedelta(seconds=rng.randrange(year))
        # Stored as Django stores datetimes in SQLite: UTC, no offset.
        stamp = moment.strftime("%Y-%m-%d %H:%M:%S.%f")
        return (stamp, rng.choice(user_pks), rng.choice(actions), learner_pk, "shown: identity")

    remaining = total - have
    busy = min(BUSY_EVENTS, remaining)
    batch: list[tuple[str, int, str, int, str]] = [row(busy_pk) for _ in range(busy)]
    with transaction.atomic(), connection.cursor() as cursor:
        for n in range(remaining - busy):
            batch.append(row(rng.choice(learner_pks)))
            if len(batch) >= 20_000 or n == remaining - busy - 1:
                cursor.executemany(sql, batch)
                batch = []
        if batch:
            cursor.executemany(sql, batch)
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    return AuditEvent.objects.count(), busy_pk


def _measure(cast: dict[str, Any], busy_pk: int, repeats: int) -> None:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sendplan.accounts.models import User
    from sendplan.learners.audit_queries import accesses_of
    from sendplan.learners.models import Learner

    manager = User.objects.get(username="bench-manager-0")
    client = Client()
    client.force_login(manager)
    ordinary = [pk for pk in cast["record_pks"] if pk != busy_pk]
    learners = {pk: Learner.objects.get(pk=pk) for pk in [*ordinary, busy_pk]}
    month = (WINDOW_END - dt.timedelta(days=30), WINDOW_END)
    year = (WINDOW_END - dt.timedelta(days=365), WINDOW_END)

    def query(pk: int, window: tuple[dt.date, dt.date]) -> Callable[[], object]:
        def run() -> object:
            log = accesses_of(
                learner=learners[pk], fetched_by=manager, since=window[0], until=window[1]
            )
            return log.count(), log[0:25]

        return run

    def dates(window: tuple[dt.date, dt.date], page: int = 1) -> dict[str, Any]:
        since, until = window
        return {
            "since_day": since.day,
            "since_month": since.month,
            "since_year": since.year,
            "until_day": until.day,
            "until_month": until.month,
            "until_year": until.year,
            "page": page,
        }

    def get(name: str, pk: int, data: dict[str, Any]) -> Callable[[], object]:
        url = reverse(name, args=[pk])

        def run() -> object:
            response = client.get(url, data)
            if response.status_code != 200:
                raise RuntimeError(f"{name} gave {response.status_code}")
            return response.content

        return run

    busy_count = accesses_of(
        learner=learners[busy_pk], fetched_by=manager, since=year[0], until=year[1]
    ).count()
    cases: list[tuple[str, Callable[[int], Callable[[], object]], int]] = [
        ("selector, 30 days, ordinary", lambda i: query(ordinary[i % len(ordinary)], month), 0),
        ("selector, 1 year, ordinary", lambda i: query(ordinary[i % len(ordinary)], year), 0),
        ("selector, 1 year, busy record", lambda i: query(busy_pk, year), 0),
        (
            "page, 30 days, ordinary",
            lambda i: get("learners:accesses", ordinary[i % len(ordinary)], dates(month)),
            0,
        ),
        (
            "page 1, 1 year, busy record",
            lambda i: get("learners:accesses", busy_pk, dates(year)),
            0,
        ),
        (
            "middle page, 1 year, busy",
            lambda i: get("learners:accesses", busy_pk, dates(year, busy_count // 50)),
            0,
        ),
        (
            f"CSV, 1 year, busy ({busy_count:,} rows)",
            lambda i: get("learners:accesses-csv", busy_pk, dates(year)),
            max(5, repeats // 5),
        ),
    ]

    plan = accesses_of(
        learner=learners[busy_pk], fetched_by=manager, since=year[0], until=year[1]
    )._events.explain()
    print(f"Query plan: {' | '.join(line.strip() for line in plan.splitlines())}\n")
    head = f"{'case':<38}{'queries':>9}{'p50 ms':>10}{'p95 ms':>10}"
    print(head)
    print("-" * len(head))
    worst = 0.0
    for name, make, runs in cases:
        runs = runs or repeats
        for i in range(3):  # warm-up
            make(i)()
        with CaptureQueriesContext(connection) as captured:
            make(0)()
        count = len(captured)
        times = []
        for i in range(runs):
            run = make(i)
            started = time.perf_counter()
            run()
            times.append((time.perf_counter() - started) * 1000)
        p95 = statistics.quantiles(times, n=20, method="inclusive")[18]
        worst = max(worst, p95)
        print(f"{name:<38}{count:>9}{statistics.median(times):>10.1f}{p95:>10.1f}")
    print(
        f"\nSlowest p95 {worst / 1000:.3f} s against the {GOAL_SECONDS:.0f} s goal for "
        "'who accessed child X in [t1, t2]'. Page and CSV queries include the session, the "
        "user's standing and the audit event the view writes."
    )


if __name__ == "__main__":
    sys.exit(main())
