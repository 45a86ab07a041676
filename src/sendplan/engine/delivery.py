"""Provision delivered against provision specified: reading a plan's "how much" and "how
often" as a quantity, the weeks and terms delivery is counted in, and the shortfall rule.

No Django: the delivery app hands over plain numbers and dates (ADR 0135).

Examples
--------
>>> q = parse_quantity("30 minutes", "twice a week")
>>> q.minutes_per_session, q.sessions, q.period, q.minutes_per_week
(30, 2, 'week', 60.0)
>>> parse_quantity("as advised", "regularly") is None
True
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

#: Teaching weeks in a term: the 39 weeks of the school year over its three terms. A row
#: specified "per term" is expected at this share each week of the term.
TERM_WEEKS = 13

#: Periods a quantity is specified over, and how many weeks each holds.
PERIOD_WEEKS: dict[str, int] = {"week": 1, "fortnight": 2, "term": TERM_WEEKS}

PERIOD_WORDS: dict[str, str] = {"week": "a week", "fortnight": "a fortnight", "term": "a term"}

_NUMBERS = {
    "a": 1,
    "an": 1,
    "one": 1,
    "once": 1,
    "two": 2,
    "twice": 2,
    "three": 3,
    "thrice": 3,
    "four": 4,
    "five": 5,
    "six": 6,
    "seven": 7,
    "eight": 8,
    "nine": 9,
    "ten": 10,
    "twelve": 12,
}
_NUMBER = r"(\d+(?:\.\d+)?|" + "|".join(sorted(_NUMBERS, key=len, reverse=True)) + ")"


def _number(word: str) -> float:
    return float(word) if word[0].isdigit() else float(_NUMBERS[word])


@dataclass(frozen=True)
class Quantity:
    """How much provision a row specifies: sessions of so many minutes, so many a period."""

    minutes_per_session: int
    sessions: int
    period: str  # a key of PERIOD_WEEKS

    def __post_init__(self) -> None:
        if self.minutes_per_session < 1:
            raise ValueError("minutes_per_session must be at least 1")
        if self.sessions < 1:
            raise ValueError("sessions must be at least 1")
        if self.period not in PERIOD_WEEKS:
            raise ValueError(f"period must be one of {', '.join(PERIOD_WEEKS)}")

    @property
    def minutes_per_week(self) -> float:
        """Minutes expected in a week the provision is due."""
        return self.minutes_per_session * self.sessions / PERIOD_WEEKS[self.period]

    def describe(self) -> str:
        """In words: ``30 minutes, 2 times a week``."""
        times = "once" if self.sessions == 1 else f"{self.sessions} times"
        return f"{minutes_in_words(self.minutes_per_session)}, {times} {PERIOD_WORDS[self.period]}"


def minutes_in_words(minutes: float) -> str:
    """``90`` as ``1 hour 30 minutes``; rounded to the whole minute.

    >>> minutes_in_words(45), minutes_in_words(60), minutes_in_words(150)
    ('45 minutes', '1 hour', '2 hours 30 minutes')
    """
    whole = round(minutes)
    hours, rest = divmod(whole, 60)
    parts = []
    if hours:
        parts.append(f"{hours} hour{'s' if hours != 1 else ''}")
    if rest or not hours:
        parts.append(f"{rest} minute{'s' if rest != 1 else ''}")
    return " ".join(parts)


_MINUTES = re.compile(_NUMBER + r"\s*(minutes?|mins?|hours?|hrs?)\b")
_HALF_HOUR = re.compile(r"\bhalf an hour\b")
_TIMES = re.compile(_NUMBER + r"\s*(?:times|sessions?|x)?\s*(?:a|per|each|every)\s+(week|term)")
_TIMES_WEEKLY = re.compile(_NUMBER + r"\s*(?:times\s+)?(weekly|termly)")
_WORD_PERIODS: tuple[tuple[re.Pattern[str], int, str], ...] = (
    (re.compile(r"\b(daily|every day|each day|each school day|every school day)\b"), 5, "week"),
    (re.compile(r"\b(fortnightly|every two weeks|every other week)\b"), 1, "fortnight"),
    (re.compile(r"\bhalf[- ]termly\b"), 2, "term"),
    (re.compile(r"\b(weekly|every week|each week)\b"), 1, "week"),
    (re.compile(r"\b(termly|every term|each term)\b"), 1, "term"),
)


def _minutes(how_much: str) -> int | None:
    text = how_much.lower()
    if _HALF_HOUR.search(text):
        return 30
    found = _MINUTES.search(text)
    if found is None:
        return None
    value = _number(found.group(1))
    minutes = value * 60 if found.group(2).startswith("h") else value
    return round(minutes) if minutes >= 1 else None


def _frequency(how_often: str) -> tuple[int, str] | None:
    text = how_often.lower()
    for pattern in (_TIMES, _TIMES_WEEKLY):
        found = pattern.search(text)
        if found is not None:
            count = _number(found.group(1))
            period = "week" if found.group(2) in ("week", "weekly") else "term"
            return (int(count), period) if count >= 1 and count == int(count) else None
    for pattern, count, period in _WORD_PERIODS:
        if pattern.search(text):
            return count, period
    return None


def parse_quantity(how_much: str, how_often: str) -> Quantity | None:
    """The quantity a plan's row specifies, or None where its words are not clear enough.

    "How much" must name minutes or hours ("45 minutes", "1.5 hours", "half an hour");
    "how often" a count per week or term ("twice a week", "3 times weekly", "6 sessions a
    term"), or a word for one ("daily": five a week, "weekly", "fortnightly", "termly",
    "half-termly": two a term). Anything else ("as needed", "regularly", "monthly") is left
    for a caseworker to quantify: a guess would put a false figure in front of a family.

    >>> parse_quantity("1 hour", "four times weekly").describe()
    '1 hour, 4 times a week'
    >>> parse_quantity("20 minutes", "daily").minutes_per_week
    100.0
    >>> parse_quantity("15 hours", "weekly in term time").minutes_per_week
    900.0
    >>> parse_quantity("45 minutes", "6 sessions a term").describe()
    '45 minutes, 6 times a term'
    """
    minutes = _minutes(how_much)
    frequency = _frequency(how_often)
    if minutes is None or frequency is None:
        return None
    sessions, period = frequency
    return Quantity(minutes_per_session=minutes, sessions=sessions, period=period)


# Weeks and terms.


def week_start(day: dt.date) -> dt.date:
    """The Monday of ``day``'s week: delivery is recorded week by week, Monday to Sunday.

    >>> week_start(dt.date(2026, 12, 5))
    datetime.date(2026, 11, 30)
    """
    return day - dt.timedelta(days=day.weekday())


def last_weeks(today: dt.date, count: int) -> list[dt.date]:
    """The Mondays of the last ``count`` complete weeks before ``today``'s, oldest first.

    >>> last_weeks(dt.date(2026, 12, 5), 2)
    [datetime.date(2026, 11, 16), datetime.date(2026, 11, 23)]
    """
    if count < 1:
        raise ValueError("count must be at least 1")
    this_week = week_start(today)
    return [this_week - dt.timedelta(weeks=n) for n in range(count, 0, -1)]


@dataclass(frozen=True)
class Term:
    """A school term as delivery is counted: autumn 1 September to 31 December, spring 1
    January to 31 March, summer 1 April to 31 July (August is in no term)."""

    name: str
    start: dt.date
    end: dt.date

    @property
    def label(self) -> str:
        return f"{self.name.capitalize()} term {self.start.year}"


def term_of(day: dt.date) -> Term | None:
    """The term ``day`` falls in, or None in August.

    >>> term_of(dt.date(2026, 12, 5)).label
    'Autumn term 2026'
    >>> term_of(dt.date(2026, 8, 10)) is None
    True
    """
    year = day.year
    if day.month >= 9:
        return Term("autumn", dt.date(year, 9, 1), dt.date(year, 12, 31))
    if day.month <= 3:
        return Term("spring", dt.date(year, 1, 1), dt.date(year, 3, 31))
    if day.month <= 7:
        return Term("summer", dt.date(year, 4, 1), dt.date(year, 7, 31))
    return None


def term_weeks(
    term: Term, *, started_on: dt.date, ended_on: dt.date | None, today: dt.date
) -> list[dt.date]:
    """The Mondays of the term's complete weeks before ``today``'s in which the commitment
    was in force (a week counts when its Monday is inside the term and the commitment)."""
    last = min(term.end, week_start(today) - dt.timedelta(days=1))
    if ended_on is not None:
        last = min(last, ended_on)
    first = max(term.start, started_on)
    monday = week_start(first)
    if monday < first:
        monday += dt.timedelta(weeks=1)
    weeks = []
    while monday <= last:
        weeks.append(monday)
        monday += dt.timedelta(weeks=1)
    return weeks


# Delivered against specified.


@dataclass(frozen=True)
class WeekRecord:
    """What was recorded for one week: minutes delivered and missed, and whether any
    provision was due at all (a school holiday or closure records none due)."""

    delivered: int
    missed: int = 0
    due: bool = True


@dataclass(frozen=True)
class DeliveryFigures:
    """Delivered against specified over some weeks."""

    expected: float  # minutes specified in the weeks provision was due
    delivered: int  # minutes recorded as delivered
    missed: int  # minutes recorded as missed
    weeks: int  # weeks counted (due, recorded or not)
    not_recorded: int  # weeks counted with nothing recorded (counted as nothing delivered)

    @property
    def percent(self) -> float | None:
        """Delivered as a percentage of specified; None when nothing was due."""
        if self.expected <= 0:
            return None
        return 100 * self.delivered / self.expected


def delivery_figures(
    *, minutes_per_week: float, weeks: Iterable[dt.date], records: Mapping[dt.date, WeekRecord]
) -> DeliveryFigures:
    """Delivered against specified over ``weeks`` (their Mondays).

    A week recorded as having nothing due counts for neither; a week with nothing recorded
    counts as due and not delivered, so silence never looks like delivery.

    >>> w = [dt.date(2026, 11, 2), dt.date(2026, 11, 9), dt.date(2026, 11, 16)]
    >>> f = delivery_figures(minutes_per_week=60, weeks=w,
    ...                      records={w[0]: WeekRecord(60), w[1]: WeekRecord(30, 30)})
    >>> f.expected, f.delivered, f.not_recorded, round(f.percent, 1)
    (180.0, 90, 1, 50.0)
    """
    if minutes_per_week < 0:
        raise ValueError("minutes_per_week must not be negative")
    expected = 0.0
    delivered = missed = counted = silent = 0
    for week in weeks:
        record = records.get(week)
        if record is not None and not record.due:
            continue
        counted += 1
        expected += minutes_per_week
        if record is None:
            silent += 1
            continue
        delivered += record.delivered
        missed += record.missed
    return DeliveryFigures(expected, delivered, missed, counted, silent)


def is_shortfall(figures: DeliveryFigures, *, threshold_percent: float) -> bool:
    """Whether delivery fell below ``threshold_percent`` of what was specified.

    >>> f = DeliveryFigures(expected=240, delivered=180, missed=60, weeks=4, not_recorded=0)
    >>> is_shortfall(f, threshold_percent=80), is_shortfall(f, threshold_percent=75)
    (True, False)
    """
    if not 0 < threshold_percent <= 100:
        raise ValueError("threshold_percent must be above 0 and at most 100")
    percent = figures.percent
    return percent is not None and percent < threshold_percent


def percent_of(delivered: float, expected: float) -> float | None:
    """Delivered as a percentage of expected (None when nothing was expected).

    >>> percent_of(45, 60), percent_of(0, 0)
    (75.0, None)
    """
    return None if expected <= 0 else 100 * delivered / expected


def sum_figures(parts: Sequence[DeliveryFigures]) -> DeliveryFigures:
    """Several rows' figures added together."""
    return DeliveryFigures(
        sum(p.expected for p in parts),
        sum(p.delivered for p in parts),
        sum(p.missed for p in parts),
        sum(p.weeks for p in parts),
        sum(p.not_recorded for p in parts),
    )
