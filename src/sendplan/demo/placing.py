"""Current placements for the synthetic cohort: a setting of the right type, age and need.

Each learner's SEN2 setting column decides which strands may take them (a Lambeth maintained
primary, an illustrative independent special school ...). Among those, the draw favours
strands designated for the learner's primary need, whose age range includes the learner, that
still have room, and that are near home, with a distance scale that suits the type (a mainstream
school is local; an independent special school may be a county away).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from sendplan.demo.learners_data import SyntheticLearner
from sendplan.demo.settings_data import SettingSpec, StrandSpec

#: Distance scale (km) of the preference for near settings, by the start of the column name.
_SCALE_KM = (
    ("mainstream_independent", 6.0),
    ("mainstream", 1.5),
    ("special_independent", 40.0),
    ("special_non_maintained", 40.0),
    ("special", 5.0),
    ("specialist_post_16", 20.0),
    ("ap_", 10.0),
    ("nm_early_years", 2.0),
)
_UNDESIGNATED = 0.02  # weight of a strand not designated for the learner's primary need


@dataclass
class StrandSlot:
    """A strand the builder has saved, with what the draw needs to know about it."""

    setting_index: int
    strand_index: int
    spec: StrandSpec
    latitude: float
    longitude: float
    limit: int | None
    taken: int = 0


def _scale(column: str) -> float:
    for prefix, km in _SCALE_KM:
        if column.startswith(prefix):
            return km
    return 4.0


def _km(lat: float, lon: float, lats: np.ndarray, lons: np.ndarray) -> np.ndarray:
    # An equirectangular approximation is ample for a preference at London's latitude.
    dy = (lats - lat) * 111.2
    dx = (lons - lon) * 111.2 * np.cos(np.radians(lat))
    return np.hypot(dx, dy)


def slots_for(settings: list[SettingSpec]) -> list[StrandSlot]:
    slots = []
    for i, spec in enumerate(settings):
        for j, strand in enumerate(spec.strands):
            limit = (
                int(strand.capacity * strand.fill_limit) if strand.capacity is not None else None
            )
            slots.append(StrandSlot(i, j, strand, spec.latitude, spec.longitude, limit))
    return slots


def place_learners(
    learners: list[SyntheticLearner], slots: list[StrandSlot], rng: np.random.Generator
) -> tuple[dict[int, StrandSlot], int]:
    """Choose a strand for every learner whose column is a placement.

    Returns the chosen slot by learner index, and how many had to go outside every candidate's
    age range (the published figures include a few adults in mainstream schools).
    """
    by_column: dict[str, list[StrandSlot]] = {}
    for slot in slots:
        for column in slot.spec.columns:
            by_column.setdefault(column, []).append(slot)
    arrays = {
        column: (
            np.array([s.latitude for s in group]),
            np.array([s.longitude for s in group]),
            np.array([s.spec.min_age for s in group]),
            np.array([s.spec.max_age for s in group]),
        )
        for column, group in by_column.items()
    }
    chosen: dict[int, StrandSlot] = {}
    out_of_age = 0
    for learner in learners:
        group = by_column.get(learner.column)
        if not group:
            continue  # educated elsewhere, NEET or placement not recorded
        lats, lons, lows, highs = arrays[learner.column]
        room = np.array([s.limit is None or s.taken < s.limit for s in group])
        gap = np.maximum(lows - learner.age, 0) + np.maximum(learner.age - highs, 0)
        fits = room & (gap == 0)
        if not fits.any():
            out_of_age += 1
            fits = room & (gap == gap[room].min())
        designated = np.array([learner.primary_need in s.spec.needs for s in group])
        need_weight = np.where(designated, 1.0, _UNDESIGNATED) if (fits & designated).any() else 1
        weight = (
            fits
            * need_weight
            * np.exp(-_km(learner.latitude, learner.longitude, lats, lons) / _scale(learner.column))
        )
        if weight.sum() <= 0:  # everyone very far away: fall back to the fitting strands
            weight = fits.astype(float)
        pick = group[int(rng.choice(len(group), p=weight / weight.sum()))]
        pick.taken += 1
        chosen[learner.index] = pick
    return chosen, out_of_age


def start_date(
    learner: SyntheticLearner, strand: StrandSpec, reference: dt.date, rng: np.random.Generator
) -> dt.date:
    """When the learner started at the setting: a September since they reached its age range,
    or, for about one in seven, a move during a school year."""
    entry_age = max(strand.min_age, 2)
    years_there = int(rng.integers(0, max(min(learner.age - entry_age, 5), 0) + 1))
    start = dt.date(reference.year - years_there, 9, 1)
    if years_there and rng.random() < 0.15:
        start += dt.timedelta(days=int(rng.integers(30, 300)))
    earliest = learner.date_of_birth + dt.timedelta(days=365)
    return max(start, earliest)
