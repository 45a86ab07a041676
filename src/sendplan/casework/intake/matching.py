"""How alike a described child and a learner on record are: a score with the reasons for it,
so a caseworker sees why a record is offered as the same child and decides.

Plain functions on plain values. The weights favour what identifies a child (a unique pupil
number, a date of birth) over what many share (a family name, a postcode); a score of
:data:`SHOWN_FROM` or more is worth a caseworker's look.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

#: The lowest score shown as a possible match.
SHOWN_FROM = 25

WEIGHTS = {
    "upn": 50,
    "date_of_birth": 25,
    "family_name": 15,
    "given_name": 10,
    "given_initial": 4,
    "postcode": 15,
    "postcode_district": 5,
    "birth_day_month": 8,
}


@dataclass(frozen=True)
class Described:
    """A child as a request describes them."""

    given_name: str
    family_name: str
    date_of_birth: dt.date
    postcode: str = ""
    upn: str = ""


@dataclass(frozen=True)
class Match:
    score: int
    reasons: tuple[str, ...]


def _name(value: str) -> str:
    return re.sub(r"[^a-z]", "", value.lower())


def normalise_postcode(value: str) -> str:
    """A postcode in capitals with one space before its last three characters."""
    compact = re.sub(r"\s", "", value).upper()
    return f"{compact[:-3]} {compact[-3:]}" if len(compact) > 3 else compact


def _district(postcode: str) -> str:
    return normalise_postcode(postcode).split(" ")[0] if postcode.strip() else ""


def match(
    described: Described,
    *,
    given_name: str,
    family_name: str,
    date_of_birth: dt.date,
    postcode: str,
    upn: str,
) -> Match:
    """Score a learner on record against a described child.

    >>> child = Described("Amira", "Khan", dt.date(2016, 3, 4), "SE1 7PB")
    >>> match(child, given_name="Amira", family_name="KHAN", date_of_birth=dt.date(2016, 3, 4),
    ...       postcode="se17pb", upn="").score
    65
    """
    score = 0
    reasons: list[str] = []

    def add(key: str, reason: str) -> None:
        nonlocal score
        score += WEIGHTS[key]
        reasons.append(reason)

    if described.upn and upn and described.upn.strip().upper() == upn.upper():
        add("upn", "Same unique pupil number")
    if described.date_of_birth == date_of_birth:
        add("date_of_birth", "Same date of birth")
    elif (described.date_of_birth.month, described.date_of_birth.day) == (
        date_of_birth.month,
        date_of_birth.day,
    ):
        add("birth_day_month", "Same birthday in another year")
    if _name(described.family_name) and _name(described.family_name) == _name(family_name):
        add("family_name", "Same last name")
    if _name(described.given_name) and _name(described.given_name) == _name(given_name):
        add("given_name", "Same first name")
    elif (
        _name(described.given_name)[:1] and _name(described.given_name)[:1] == _name(given_name)[:1]
    ):
        add("given_initial", "First name starts with the same letter")
    if described.postcode.strip() and postcode.strip():
        if normalise_postcode(described.postcode) == normalise_postcode(postcode):
            add("postcode", "Same postcode")
        elif _district(described.postcode) == _district(postcode):
            add("postcode_district", "Same postcode area")
    return Match(score, tuple(reasons))
