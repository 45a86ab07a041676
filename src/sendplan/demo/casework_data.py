"""The demo's EHC casework, calibrated to Lambeth's published SEN2 figures.

Requests arrive at Lambeth's published yearly rate (``requests.csv``); each is decided,
withdrawn or assessed in the published shares, on time as often as published (6-week
decisions), and plans are issued within 20 weeks as often as published with and without
exceptions (``timeliness_20_week.csv``, ``assessments.csv``). The simulation runs over the
last 27 months to ``as_at``: whatever is still under way on that day becomes an open case at
its stage (requested, assessing, drafting, out for comments), the rest a closed one.

The demo learners stand for Lambeth's whole caseload; for the casework, some of them play
children whose request is under way, or was refused or withdrawn, in the last year. They get
no plan in the casework tables, so every casework invariant holds.

Everything here is plain Python and numpy: dates and outcomes in memory, written by
``sendplan.demo.casework_write``.
"""

from __future__ import annotations

import csv
import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from sendplan.casework import clock
from sendplan.demo.calibration import EXTRACT, LA_CODE

#: How far back requests are simulated: long enough that every final plan of the last
#: 12 months, even a year late, has its request in the window.
WINDOW_DAYS = 830
#: Plans issued in this many days before as_at count as "the last 12 months".
YEAR = 365


@dataclass(frozen=True)
class PublishedCasework:
    """Lambeth's latest published calendar year of requests, assessments and timeliness."""

    year: str
    requests: int
    assess: float
    not_assess: float
    withdrawn: float
    decided_in_6_weeks: float
    assessed_not_issued: float
    plans_issued: int
    within_20_weeks: float  # including exception cases, %
    within_20_weeks_ex: float  # excluding exception cases, %
    exception_share: float
    exception_within_20_weeks: float
    request_ages: dict[str, int] = field(default_factory=dict)


def _lambeth(path: Path, topic_prefix: str) -> list[dict[str, str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            r
            for r in csv.DictReader(handle)
            if r["new_la_code"] == LA_CODE and r["breakdown_topic"].startswith(topic_prefix)
        ]


def read_published_casework(data_dir: Path) -> PublishedCasework:
    """The latest year in which every figure the demo needs is published (not 'x')."""
    folder = data_dir / EXTRACT
    requests = {r["time_period"]: r for r in _lambeth(folder / "requests.csv", "All")}
    assessments = {r["time_period"]: r for r in _lambeth(folder / "assessments.csv", "All")}
    timeliness = {r["time_period"]: r for r in _lambeth(folder / "timeliness_20_week.csv", "All")}
    years = sorted(
        y
        for y in set(requests) & set(assessments) & set(timeliness)
        if requests[y]["requests_decided_to_assess"] != "x"
        and requests[y]["request_outcome_six_weeks"] != "x"
    )
    year = years[-1]
    rq, asm, tl = requests[year], assessments[year], timeliness[year]
    received = int(rq["requests_received_in_year"])
    den, den_ex = int(tl["plans_issued_den"]), int(tl["plans_issued_den_ex"])
    within, within_ex = int(tl["plans_issued_within_20_weeks"]), int(tl["plans_issued_20_weeks_ex"])
    decided = int(rq["request_outcome_six_weeks"]) + int(rq["request_outcome_over_6_weeks"])
    ages = {
        r["breakdown"]: int(r["requests_received_in_year"])
        for r in _lambeth(folder / "requests.csv", "Child or young persons age")
        if r["time_period"]
        == max(
            row["time_period"]
            for row in _lambeth(folder / "requests.csv", "Child or young persons age")
        )
    }
    return PublishedCasework(
        year=year,
        requests=received,
        assess=int(rq["requests_decided_to_assess"]) / received,
        not_assess=int(rq["requests_decided_not_to_assess"]) / received,
        withdrawn=int(rq["requests_withdrawn"]) / received,
        decided_in_6_weeks=int(rq["request_outcome_six_weeks"]) / decided,
        assessed_not_issued=int(asm["assess_not_issued"]) / int(asm["assess_in_year"]),
        plans_issued=den,
        within_20_weeks=100 * within / den,
        within_20_weeks_ex=100 * within_ex / den_ex,
        exception_share=(den - den_ex) / den,
        exception_within_20_weeks=(within - within_ex) / max(den - den_ex, 1),
        request_ages=ages,
    )


def age_label(age: int) -> str:
    """The published age breakdown a request at this age falls in."""
    if age <= 2:
        return "Aged 2 and under"
    if age >= 20:
        return "Aged 20 and over"
    return f"Aged {age}"


@dataclass
class AdviceSim:
    kind: str  # AdviceRequest.Kind value
    requested_on: dt.date
    due_on: dt.date
    received_on: dt.date | None


@dataclass
class CaseSim:
    """One request and what had happened to it by ``as_at``."""

    received_on: dt.date
    stage: str  # casework Stage value on as_at
    decision_on: dt.date | None = None
    assess: bool | None = None
    draft_started_on: dt.date | None = None
    draft_issued_on: dt.date | None = None
    comments_on: dt.date | None = None
    final_issued_on: dt.date | None = None
    not_to_issue_on: dt.date | None = None
    closed_on: dt.date | None = None
    exception: bool = False
    advice: list[AdviceSim] = field(default_factory=list)
    learner: int = -1  # index of the synthetic learner, set when learners are matched


def _flags(rng: np.random.Generator, n: int, share: float) -> np.ndarray:
    """Exactly round(n * share) True values in a seeded random order (tight calibration)."""
    flags = np.zeros(n, dtype=bool)
    flags[: int(round(n * share))] = True
    return rng.permutation(flags)


def _days(rng: np.random.Generator, low: int, high: int) -> dt.timedelta:
    return dt.timedelta(days=int(rng.integers(low, high + 1)))


ADVICE_KINDS = ("education", "health", "ep", "social_care")


def simulate(
    published: PublishedCasework, *, as_at: dt.date, rng: np.random.Generator
) -> list[CaseSim]:
    """Every request of the window, taken as far as ``as_at`` allows.

    Requests that ended (refused, withdrawn, plan issued) more than a year before ``as_at``
    are dropped: they would only be history.
    """
    start = as_at - dt.timedelta(days=WINDOW_DAYS)
    n = int(round(published.requests * WINDOW_DAYS / 365))
    offsets = np.sort(rng.integers(0, WINDOW_DAYS, size=n))
    share = published.assess + published.not_assess + published.withdrawn
    outcome = rng.choice(
        3, size=n, p=[published.assess / share, published.not_assess / share,
                      published.withdrawn / share],
    )  # fmt: skip
    decided_in_time = _flags(rng, n, published.decided_in_6_weeks)
    exception = _flags(rng, n, published.exception_share)
    on_time_ex = _flags(rng, n, published.exception_within_20_weeks)
    on_time = _flags(rng, n, published.within_20_weeks_ex / 100)
    # Decisions not to issue are rare (0.5 %): at least two in the last year, so the stage shows.
    recent = (offsets >= WINDOW_DAYS - 300) & (outcome == 0)
    not_issued = np.zeros(n, dtype=bool)
    candidates = np.flatnonzero(recent)
    k = max(2, int(round(len(candidates) * published.assessed_not_issued)))
    not_issued[rng.choice(candidates, size=min(k, len(candidates)), replace=False)] = True
    cases = []
    for i in range(n):
        received = start + dt.timedelta(days=int(offsets[i]))
        sim = CaseSim(received_on=received, stage="requested")
        timely = bool(on_time_ex[i] if exception[i] else on_time[i])
        dta_due = clock.due(clock.DECISION_TO_ASSESS, received)
        # A plan on time cannot follow a very late decision, so those are only a little late.
        decision = (
            received + _days(rng, 14, (dta_due - received).days)
            if decided_in_time[i]
            else dta_due + _days(rng, 1, 20 if timely and outcome[i] == 0 else 45)
        )
        if outcome[i] == 2:  # withdrawn before a decision
            closed = received + _days(rng, 7, 40)
            if closed <= as_at:
                sim.closed_on, sim.stage = closed, "withdrawn"
        elif decision > as_at:
            pass  # still waiting for the decision
        elif outcome[i] == 1:
            sim.decision_on, sim.assess, sim.stage = decision, False, "not_assessing"
            _maybe_close(sim, as_at, rng)
        else:
            sim.decision_on, sim.assess, sim.stage = decision, True, "assessing"
            _assess(sim, as_at, rng, exception=bool(exception[i]), on_time=timely,
                    not_issued=bool(not_issued[i]))  # fmt: skip
        ended = {
            "not_assessing": sim.decision_on,
            "closed": sim.decision_on,
            "withdrawn": sim.closed_on,
            "not_issuing": sim.not_to_issue_on,
            "final_issued": sim.final_issued_on,
        }.get(sim.stage)
        if ended is not None and ended <= as_at - dt.timedelta(days=YEAR):
            continue
        cases.append(sim)
    return cases


def _maybe_close(sim: CaseSim, as_at: dt.date, rng: np.random.Generator) -> None:
    """Half the refusals whose appeal time has passed are closed: no appeal came."""
    assert sim.decision_on is not None
    appeal_by = clock.appeal_due(decision_on=sim.decision_on)
    closed = appeal_by + _days(rng, 1, 20)
    if closed <= as_at and rng.random() < 0.5:
        sim.closed_on, sim.stage = closed, "closed"


def _assess(
    sim: CaseSim,
    as_at: dt.date,
    rng: np.random.Generator,
    *,
    exception: bool,
    on_time: bool,
    not_issued: bool,
) -> None:
    """Advice, the draft, comments and the final plan after a decision to assess."""
    assert sim.decision_on is not None
    received, decision = sim.received_on, sim.decision_on
    final_due = clock.due(clock.FINAL_PLAN, received)
    asked = decision + _days(rng, 0, 6)
    for kind in ADVICE_KINDS:
        due = clock.due(clock.ADVICE, asked)
        late = not on_time and rng.random() < 0.3
        got = due + _days(rng, 1, 30) if late else asked + _days(rng, 20, (due - asked).days)
        sim.advice.append(AdviceSim(kind, asked, due, got))
    if not_issued:
        sim.not_to_issue_on = max(a.received_on for a in sim.advice if a.received_on) + _days(
            rng, 3, 14
        )
    else:
        earliest_final = max(max(a.received_on for a in sim.advice if a.received_on), decision)
        earliest_final += dt.timedelta(days=28)  # drafting and 15 days for comments
        if on_time and earliest_final <= final_due:
            final = earliest_final + _days(rng, 0, (final_due - earliest_final).days)
        else:
            final = max(final_due, earliest_final) + _days(rng, 1, 120)
            if rng.random() < 0.01:
                final += dt.timedelta(days=200)  # the rare plan over a year late
        sim.exception = exception
        sim.final_issued_on = final
        sim.draft_issued_on = final - _days(rng, 15, 24)
        latest_advice = max(a.received_on for a in sim.advice if a.received_on)
        sim.draft_started_on = max(latest_advice, decision) + _days(rng, 0, 5)
        if sim.draft_started_on > sim.draft_issued_on:
            sim.draft_started_on = sim.draft_issued_on
        sim.comments_on = sim.draft_issued_on + _days(rng, 6, 15)
    # Now cut the story at as_at.
    for advice in sim.advice:
        if advice.received_on is not None and advice.received_on > as_at:
            advice.received_on = None
    sim.advice = [a for a in sim.advice if a.requested_on <= as_at]
    if sim.not_to_issue_on is not None:
        if sim.not_to_issue_on <= as_at:
            sim.stage = "not_issuing"
        else:
            sim.not_to_issue_on = None
        return
    assert sim.final_issued_on and sim.draft_issued_on and sim.draft_started_on
    if sim.final_issued_on <= as_at:
        sim.stage = "final_issued"
        return
    sim.final_issued_on = None
    if sim.draft_issued_on <= as_at:
        sim.stage = "consulting"
        if sim.comments_on and sim.comments_on > as_at:
            sim.comments_on = None
        return
    sim.draft_issued_on = sim.comments_on = None
    if sim.draft_started_on <= as_at:
        sim.stage = "drafting"
    else:
        sim.draft_started_on = None
