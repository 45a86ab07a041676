"""The manager's figures: provision delivered against specified by provider, by setting and
by kind of provision, in four-week periods over the last year, from the weekly totals (no
learner is named or read, so no audit event: ADR 0132's rule for aggregates)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db.models import Sum

from sendplan.accounts.access import standing_for
from sendplan.accounts.models import Organisation, User
from sendplan.delivery.models import Responsible, WeeklyTotal
from sendplan.engine import last_weeks, percent_of
from sendplan.provision.models import Setting

#: The views of the figures: query-string word and heading.
DIMENSIONS: dict[str, str] = {
    "provider": "Provider",
    "setting": "Setting",
    "kind": "Kind of provision",
}

KIND_LABELS = {
    "F": "Special educational provision (F)",
    "G": "Health care provision (G)",
    "H1": "Social care provision (H1)",
    "H2": "Other social care provision (H2)",
}

PERIOD_WEEKS = 4
PERIODS = 13  # a year of four-week periods


@dataclass(frozen=True)
class Period:
    start: dt.date  # a Monday
    end: dt.date  # the Sunday of its last week

    @property
    def label(self) -> str:
        return f"{self.start:%-d %b} to {self.end:%-d %b %Y}"


@dataclass
class Group:
    key: object
    label: str
    responsible: str = ""
    expected: list[int] = field(default_factory=list)
    delivered: list[int] = field(default_factory=list)

    def percent(self, i: int) -> float | None:
        return percent_of(self.delivered[i], self.expected[i])

    @property
    def latest(self) -> float | None:
        return self.percent(len(self.expected) - 1)

    @property
    def year_percent(self) -> float | None:
        return percent_of(sum(self.delivered), sum(self.expected))


@dataclass
class Figures:
    dimension: str
    periods: list[Period]
    groups: list[Group]
    area: Group


def periods_to(today: dt.date) -> list[Period]:
    weeks = last_weeks(today, PERIOD_WEEKS * PERIODS)
    return [
        Period(weeks[i], weeks[i + PERIOD_WEEKS - 1] + dt.timedelta(days=6))
        for i in range(0, len(weeks), PERIOD_WEEKS)
    ]


def delivery_figures_for(*, fetched_by: User, today: dt.date, dimension: str) -> Figures:
    """The figures for the user's council(s), in three queries whatever the data's size."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be one of {', '.join(DIMENSIONS)}")
    periods = periods_to(today)
    la_ids = sorted(standing_for(fetched_by).la_ids)
    key = {"provider": "organisation_id", "setting": "setting_id", "kind": "section"}[dimension]
    columns = ["week_starting", key] + (["responsible"] if dimension == "provider" else [])
    rows = (
        WeeklyTotal.objects.filter(
            la_id__in=la_ids,
            week_starting__gte=periods[0].start,
            week_starting__lte=periods[-1].end,
        )
        .values(*columns)
        .annotate(expected=Sum("expected_minutes"), delivered=Sum("delivered_minutes"))
        .order_by()
    )
    n = len(periods)
    groups: dict[object, Group] = {}
    area = Group("area", "Whole area", expected=[0] * n, delivered=[0] * n)
    for row in rows:
        index = (row["week_starting"] - periods[0].start).days // (7 * PERIOD_WEEKS)
        group_key = (row[key], row.get("responsible", ""))
        group = groups.setdefault(
            group_key,
            Group(group_key, "", row.get("responsible", ""), [0] * n, [0] * n),
        )
        for target in (group, area):
            target.expected[index] += row["expected"] or 0
            target.delivered[index] += row["delivered"] or 0
    _label(groups.values(), dimension)
    ordered = sorted(
        groups.values(),
        key=lambda g: (g.latest if g.latest is not None else 101.0, g.label.casefold()),
    )
    return Figures(dimension, periods, ordered, area)


def _label(groups: object, dimension: str) -> None:
    every = list(groups)  # type: ignore[call-overload]
    responsible_words = dict(Responsible.choices)
    if dimension == "kind":
        for g in every:
            g.label = KIND_LABELS.get(g.key[0], g.key[0])
        return
    ids = [g.key[0] for g in every if g.key[0] is not None]
    if dimension == "provider":
        names = dict(Organisation.objects.filter(pk__in=ids).values_list("pk", "name"))
        for g in every:
            who = responsible_words.get(g.responsible, "")
            g.label = names.get(g.key[0], f"No organisation named ({who.lower()})")
        return
    names = dict(Setting.objects.filter(pk__in=ids).values_list("pk", "name"))
    for g in every:
        g.label = names.get(g.key[0], "No setting named")
