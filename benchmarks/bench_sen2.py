"""Benchmark the SEN2 return: export and validate 20,000 persons (target: each under 3 s).

    .venv/bin/python benchmarks/bench_sen2.py [--persons 20000] [--repeats 3]

A seeded synthetic caseload is made as record rows in memory (learners with needs and
placements, cases with plans, versions and reviews), attached the way the export's
prefetching attaches them, so the timings are of the mapping and the XML, not of a database:

* export: the record rows to the return and its trace (``build_return``), then the XML;
* validate: the XML read back, its structure and every content rule (``sen2_check``).

Medians are printed, never asserted.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import statistics
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendplan.settings")
os.environ.setdefault("SENDPLAN_ENV", "test")

import django  # noqa: E402

django.setup()

import numpy as np  # noqa: E402

from sendplan.casework.case.models import Case, Stage  # noqa: E402
from sendplan.casework.plans.models import Plan, PlanVersion  # noqa: E402
from sendplan.casework.reviews.models import Review  # noqa: E402
from sendplan.casework.sen2.export import build_return  # noqa: E402
from sendplan.engine import NEED_CODES, sen2_check, sen2_write, upn_check_letter  # noqa: E402
from sendplan.learners.models import Learner, Need, Placement  # noqa: E402
from sendplan.provision.models import Setting  # noqa: E402

CENSUS = dt.date(2026, 1, 15)


def _attach(row: Any, **related: list[Any]) -> Any:
    """Give an unsaved row the related rows prefetching would have given it."""
    row._prefetched_objects_cache = dict(related)
    return row


def caseload(persons: int, seed: int = 1) -> list[Learner]:
    """Learners most of whom have a plan, some a request still open or refused."""
    rng = np.random.default_rng(seed)
    settings = [Setting(pk=i + 1, urn=100000 + i, name=f"School {i}") for i in range(300)]
    learners = []
    for i in range(persons):
        pk = i + 1
        born = dt.date(2008, 9, 1) + dt.timedelta(days=int(rng.integers(0, 365 * 16)))
        body = f"208{2010 + i % 12:04d}{i % 100000:05d}"[:12]
        learner = Learner(
            pk=pk, given_name=f"Given{i}", family_name=f"Family{i:05d}", date_of_birth=born,
            sex="MF"[i % 2], ethnicity="WBRI", postcode="SW2 1RW",
            upn=upn_check_letter(body) + body,
        )  # fmt: skip
        received = dt.date(2025, 1, 6) + dt.timedelta(days=int(rng.integers(0, 300)))
        decided = received + dt.timedelta(weeks=6)
        kind = rng.random()
        case = Case(pk=pk, learner=learner, received_on=received, source="parent",
                    stage=Stage.FINAL_ISSUED, decision_on=decided, assess=kind > 0.1,
                    rights_given=True)  # fmt: skip
        plans, reviews = [], []
        if kind > 0.2:
            issued = received + dt.timedelta(weeks=18)
            case.draft_issued_on = case.final_issued_on = issued
            plan = Plan(pk=pk, learner=learner, case=case, status="maintained", issued_on=issued)
            setting = settings[int(rng.integers(len(settings)))]
            version = PlanVersion(pk=pk, plan=plan, number=1, status="issued", issued_on=issued,
                                  placement_setting=setting)  # fmt: skip
            if rng.random() < 0.5:
                reviews.append(Review(pk=pk, plan=plan, due_on=issued, meeting_on=issued,
                                      decision="maintain", decided_on=issued))  # fmt: skip
            plans.append(_attach(plan, versions=[version], reviews=reviews))
            placements = [Placement(pk=pk, learner=learner, setting=setting, started_on=issued)]
        else:
            case.stage = Stage.NOT_ASSESSING if not case.assess else Stage.NOT_ISSUING
            case.not_to_issue_on = decided + dt.timedelta(weeks=10) if case.assess else None
            placements = []
        needs = [Need(pk=pk * 2 + r, learner=learner, rank=r + 1, code=NEED_CODES[(i + r) % 13])
                 for r in range(2)]  # fmt: skip
        _attach(case, mediations=[], appeals=[], exceptions=[])
        learners.append(
            _attach(learner, cases=[case], plans=plans, needs=needs, placements=placements)
        )
    return learners


def _median(work: Any, repeats: int) -> tuple[str, Any]:
    """Median wall seconds and, since the machine may be shared, median CPU seconds."""
    walls, cpus, result = [], [], None
    for _ in range(repeats):
        wall, cpu = time.perf_counter(), time.process_time()
        result = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return f"{statistics.median(walls):.2f} s ({statistics.median(cpus):.2f} s CPU)", result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=20_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    learners = caseload(args.persons)

    def export() -> bytes:
        document, _trace = build_return(CENSUS, "208", learners=learners)
        return sen2_write(document)

    export_s, data = _median(export, args.repeats)
    validate_s, (document, problems) = _median(lambda: sen2_check(data), args.repeats)
    errors = sum(p.severity == "error" for p in problems)
    print(f"SEN2 return, {len(document.persons):,} persons, {len(data) / 1e6:.1f} MB of XML")
    print(f"  export (record rows -> return + trace -> XML): median {export_s}")
    print(f"  validate (XML -> structure + content rules):   median {validate_s}")
    print(f"  problems found: {errors} errors, {len(problems) - errors} warnings")
    print("  target: each under 3 s")


if __name__ == "__main__":
    main()
