"""Server time and queries of the work tray: a caseworker with 200 cases among 20,000 learners.

Run: ``.venv/bin/python benchmarks/bench_worktray.py`` (``make bench`` runs it too).

The area (learners, settings, staff) is the page benchmark's synthetic area
(``pages_area.py``), built with ``bulk_create`` in its own SQLite file,
``var/bench/worktray-20000.sqlite3``, and reused on later runs (``--rebuild`` makes it
again). On top of it one caseworker gets 200 open cases and another 50, spread over the
stages (request, assessing with advice asked, drafting, draft out with settings consulted,
final plan issued), dated so that the tray holds overdue, at-risk and due-soon deadlines.
The clock is held at the area's date while measuring.

Printed: p50 and p95 server time of the tray over ``--requests`` requests after warm-up
(Django test Client: routing, middleware, queries, the legal clock, templates; no network
or browser), with CPU time beside wall time because the machine is shared, and the number
of queries with 50 and with 200 cases, which should be the same. Never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import random
import re
import statistics
import sys
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
BENCH_DIR = REPO / "var" / "bench"
LEARNERS = 20_000
CASELOADS = {"bench-caseworker-0": 200, "bench-caseworker-1": 50}
GOAL_P95_MS = 150.0
SEED = 20_260_105
MARK = "Benchmark caseload"  # requested_by of every case built here


def _setup_django(database: Path) -> None:
    # Before django.setup(): the settings read these once.
    os.environ["DJANGO_SETTINGS_MODULE"] = "sendplan.settings"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ["SENDPLAN_ENV"] = "test"
    os.environ["DEBUG"] = "false"
    os.environ["LOG_LEVEL"] = "WARNING"
    sys.path[:0] = [str(REPO / "src"), str(REPO), str(REPO / "benchmarks")]
    import django

    django.setup()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=50, help="timed requests")
    parser.add_argument("--rebuild", action="store_true", help="build the area again")
    args = parser.parse_args(argv)

    BENCH_DIR.mkdir(parents=True, exist_ok=True)
    database = BENCH_DIR / f"worktray-{LEARNERS}.sqlite3"
    if args.rebuild:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{database}{suffix}").unlink(missing_ok=True)
    _setup_django(database)

    import time_machine
    from django.core.management import call_command
    from pages_area import TODAY, area_is_built, build_area

    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    reused = area_is_built(LEARNERS) and _cases_built()
    build_area(LEARNERS, seed=SEED)
    if not _cases_built():
        _build_cases(TODAY, random.Random(SEED))
    build_seconds = time.perf_counter() - started
    # Start the application as a server does (sendplan.wsgi freezes long-lived objects out of
    # the garbage collector's full passes: ADR 0112).
    import sendplan.wsgi  # noqa: F401

    load = os.getloadavg()[0]
    with time_machine.travel(dt.datetime(TODAY.year, TODAY.month, TODAY.day, 12), tick=True):
        figures = {user: _measure(user, args.requests) for user in CASELOADS}
    _print(figures, database, reused, build_seconds, args.requests, load)
    return 0


def _cases_built() -> bool:
    from sendplan.casework.case.models import Case

    return Case.objects.filter(requested_by=MARK).count() == sum(CASELOADS.values())


def _build_cases(today: dt.date, rng: random.Random) -> None:
    """Open cases for the two caseworkers, with bulk_create, in every open stage."""
    from django.db import transaction

    from sendplan.accounts.models import Organisation, User
    from sendplan.casework import clock
    from sendplan.casework.advice.models import AdviceRequest
    from sendplan.casework.case.models import Case, Stage
    from sendplan.casework.plans.models import Consultation, Plan, PlanVersion
    from sendplan.learners.models import Learner
    from sendplan.provision.models import Setting

    health = Organisation.objects.get(name="Benchmark NHS Trust")
    settings = list(Setting.objects.order_by("pk")[:50])
    learner_ids = list(
        Learner.objects.order_by("pk").values_list("pk", flat=True)[: sum(CASELOADS.values())]
    )
    stages = [Stage.REQUESTED, Stage.ASSESSING, Stage.ASSESSING, Stage.DRAFTING]
    stages += [Stage.CONSULTING, Stage.FINAL_ISSUED]
    cases: list[Case] = []
    for username, count in CASELOADS.items():
        worker = User.objects.get(username=username)
        for _ in range(count):
            stage = rng.choice(stages)
            # Weeks since the request: early stages recent, late stages older; some late.
            weeks = {
                Stage.REQUESTED: rng.randint(0, 9),
                Stage.ASSESSING: rng.randint(6, 22),
                Stage.DRAFTING: rng.randint(12, 24),
                Stage.CONSULTING: rng.randint(15, 26),
                Stage.FINAL_ISSUED: rng.randint(20, 60),
            }[stage]
            received = today - dt.timedelta(weeks=weeks, days=rng.randint(0, 6))
            case = Case(
                learner_id=learner_ids[len(cases)],
                received_on=received,
                source=Case.Source.PARENT,
                requested_by=MARK,
                caseworker=worker,
                stage=stage,
            )
            if stage != Stage.REQUESTED:
                case.decision_on = received + dt.timedelta(days=rng.randint(25, 45))
                case.decision_on = min(case.decision_on, today)
                case.assess = True
                case.decision_reasons = "May need a plan"
            if stage in (Stage.CONSULTING, Stage.FINAL_ISSUED):
                case.draft_issued_on = min(received + dt.timedelta(weeks=15), today)
            if stage == Stage.FINAL_ISSUED:
                case.final_issued_on = min(
                    received + dt.timedelta(weeks=rng.choice([18, 19, 24])), today
                )
            cases.append(case)
    with transaction.atomic():
        Case.objects.bulk_create(cases)
        advice, plans, consultations = [], [], []
        for case in cases:
            if case.stage in (Stage.ASSESSING, Stage.DRAFTING, Stage.CONSULTING):
                for kind in (AdviceRequest.Kind.HEALTH, AdviceRequest.Kind.EP):
                    asked = case.decision_on + dt.timedelta(days=2)  # type: ignore[operator]
                    asked = min(asked, today)
                    answered = asked + dt.timedelta(days=rng.randint(20, 50))
                    advice.append(
                        AdviceRequest(
                            case=case,
                            kind=kind,
                            organisation=health,
                            requested_on=asked,
                            due_on=clock.due(clock.ADVICE, asked),
                            received_on=answered if answered <= today else None,
                        )
                    )
            if case.stage in (Stage.DRAFTING, Stage.CONSULTING, Stage.FINAL_ISSUED):
                issued = case.stage == Stage.FINAL_ISSUED
                plans.append(
                    Plan(
                        learner_id=case.learner_id,
                        case=case,
                        status=Plan.Status.MAINTAINED if issued else Plan.Status.DRAFTING,
                        issued_on=case.final_issued_on,
                    )
                )
            if case.stage == Stage.CONSULTING:
                sent = case.draft_issued_on
                consultations.append(
                    Consultation(
                        case=case,
                        setting=rng.choice(settings),
                        sent_on=sent,
                        response_due_on=clock.consultation_due(sent),  # type: ignore[arg-type]
                    )
                )
        AdviceRequest.objects.bulk_create(advice)
        Plan.objects.bulk_create(plans)
        PlanVersion.objects.bulk_create(
            [
                PlanVersion(
                    plan=plan,
                    number=1,
                    purpose=PlanVersion.Purpose.FIRST,
                    status=(
                        PlanVersion.Status.ISSUED
                        if plan.status == Plan.Status.MAINTAINED
                        else PlanVersion.Status.DRAFT
                    ),
                    issued_on=plan.issued_on,
                )
                for plan in plans
            ]
        )
        Consultation.objects.bulk_create(consultations)


def _measure(username: str, requests: int) -> dict[str, Any]:
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from sendplan.accounts.models import User

    client = Client()
    client.force_login(User.objects.get(username=username))
    url = reverse("casework:tray")
    for _ in range(5):  # warm-up: templates compiled, SQLite pages cached
        _get(client, url)
    with CaptureQueriesContext(connection) as queries:
        response = _get(client, url)
    count = len(queries)
    found = re.search(r": (\d+) deadlines? on (\d+) cases?", response.content.decode())
    rows = int(found.group(1)) if found else 0
    times, cpu = [], []
    for _ in range(requests):
        started, cpu_started = time.perf_counter(), time.process_time()
        _get(client, url)
        times.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - cpu_started) * 1000)
    return {
        "cases": CASELOADS[username],
        "rows": rows,
        "queries": count,
        "p50_ms": statistics.median(times),
        "p95_ms": _p95(times),
        "cpu_p50_ms": statistics.median(cpu),
        "cpu_p95_ms": _p95(cpu),
    }


def _p95(values: list[float]) -> float:
    return statistics.quantiles(values, n=20, method="inclusive")[18]


def _get(client: Any, url: str) -> Any:
    response = client.get(url)
    if response.status_code != 200:
        raise RuntimeError(f"GET {url} gave {response.status_code}")
    return response


def _print(
    figures: dict[str, dict[str, Any]],
    database: Path,
    reused: bool,
    build_seconds: float,
    requests: int,
    load: float,
) -> None:
    how = "reused" if reused else "built"
    print(
        f"Area of {LEARNERS:,} learners in {database.relative_to(REPO)}: {how} "
        f"({build_seconds:.1f} s)."
    )
    print(
        f"Work tray, {requests} requests after warm-up (Django test Client). Load average "
        f"at the start: {load:.1f} on {os.cpu_count()} cores.\n"
    )
    head = (
        f"{'caseload':>9}{'tray rows':>10}{'queries':>9}{'wall p50':>10}{'wall p95':>10}"
        f"{'CPU p50':>10}{'CPU p95':>10}  p95 <= {GOAL_P95_MS:.0f} ms"
    )
    print(head)
    print("-" * len(head))
    for f in sorted(figures.values(), key=lambda f: f["cases"]):
        verdict = (
            "met"
            if f["p95_ms"] <= GOAL_P95_MS
            else ("met on CPU" if f["cpu_p95_ms"] <= GOAL_P95_MS else "MISSED")
        )
        print(
            f"{f['cases']:>9}{f['rows']:>10}{f['queries']:>9}{f['p50_ms']:>10.1f}"
            f"{f['p95_ms']:>10.1f}{f['cpu_p50_ms']:>10.1f}{f['cpu_p95_ms']:>10.1f}  {verdict}"
        )
    counts = {f["queries"] for f in figures.values()}
    print(
        f"\nQueries {'do not grow' if len(counts) == 1 else 'GROW'} with the caseload "
        f"({' and '.join(str(f['queries']) for f in figures.values())}). Times in milliseconds."
    )


if __name__ == "__main__":
    sys.exit(main())
