"""Why a run proposed this place: for the commissioner, and in plain words for the family.

:func:`proposal_explanation` reads one proposal, its run's parameters and (when the run still
has them, ``retention.py``) the run's stored inputs, and says:

* what the proposal saves a year, split into the place and the journey;
* the cost of moving the run charged (``move_cost``, ADR 0133), and whether the saving is
  larger, or why the learner moves anyway (no place now, or a place that does not take their
  age next year);
* the distance from home now and at the proposed place;
* the places nearer home than the proposed one, and the family's preferred school when the
  case records one, each with the reason it was not chosen
  (:func:`sendplan.engine.explain_assignment`, from the run's own placements).

:func:`family_words` turns it into the paragraphs the family read with the proposed
amendment; accepting a proposal freezes them on the amendment (ADR 0142).
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np

from sendplan.casework.family.models import FamilyPreference
from sendplan.engine import (
    COSTS_MORE,
    FULL,
    MOVE_NOT_WORTH,
    NOT_DESIGNATED,
    PREFERENCE,
    TOO_FAR,
    WRONG_AGE,
    Option,
    explain_assignment,
    haversine_km,
    round_pounds,
)
from sendplan.learners.models import Learner
from sendplan.planning.adapter import Place, PlanningInputs
from sendplan.planning.models import PlanningRunInputs, Proposal
from sendplan.planning.snapshot import load_inputs
from sendplan.planning.stability import MOVE_POINT_LABELS, offered_stay

#: At most this many nearer places are listed (the nearest first); the rest are counted.
NEARER_SHOWN = 5

#: Each engine reason in words a parent understands.
FAMILY_REASONS = {
    FULL: "it has no free place",
    WRONG_AGE: "it does not take children of this age",
    NOT_DESIGNATED: "it is not set up for this kind of need",
    TOO_FAR: "it is too far to travel",
    COSTS_MORE: "it would cost more, for the same kind of help",
    MOVE_NOT_WORTH: "the difference was too small to be worth a change of school",
    PREFERENCE: "the proposed school suited at least as well",
}

# Why the learner moves.
STAYS = "stays"
NO_PLACE_NOW = "no_place_now"
PLACE_ENDS = "place_ends"
SAVES_MORE_THAN_MOVE = "saves_more_than_move"
#: The run's record of the place now is not enough to say (no inputs, no strand on record).
NOT_KNOWN = "not_known"
NOT_PLACED = "not_placed"


@dataclass(frozen=True)
class OtherPlace:
    """A place nearer home than the proposed one, or the family's preferred school."""

    name: str
    kind: str
    km: float
    cost: int  # place plus transport a year
    reasons: tuple[str, ...]
    chosen: bool = False

    @property
    def family_reason(self) -> str:
        words = [FAMILY_REASONS.get(r, r) for r in self.reasons]
        if not words:
            return "it was not the best match"
        if len(words) == 1:
            return words[0]
        return ", ".join(words[:-1]) + " and " + words[-1]


@dataclass(frozen=True)
class Explanation:
    proposal: Proposal
    placed: bool
    moves: bool
    why_move: str  # one of the constants above
    move_point: str  # label of why the learner may move (stability), if known
    place_now: int | None
    travel_now: int | None
    km_now: float | None
    place_proposed: int | None
    travel_proposed: int | None
    km_proposed: float | None
    move_cost: int  # pounds the run charged for this move (0 when none was charged)
    cost_per_km: int
    #: Whether the nearer places were worked out from the run's own inputs.
    from_run_inputs: bool
    nearer: list[OtherPlace] = field(default_factory=list)
    nearer_not_shown: int = 0
    #: The family's preferred school, how the run saw it (None when not in the run).
    preferred: OtherPlace | None = None
    preferred_name: str = ""  # the school or kind of school the family asked for
    preferred_outside_run: bool = False

    @property
    def saving(self) -> int | None:
        if self.proposal.current_cost is None:
            return None
        return self.proposal.current_cost - self.proposal.proposed_cost

    @property
    def saving_place(self) -> int | None:
        if self.place_now is None or self.place_proposed is None:
            return None
        return self.place_now - self.place_proposed

    @property
    def saving_travel(self) -> int | None:
        if self.travel_now is None or self.travel_proposed is None:
            return None
        return self.travel_now - self.travel_proposed

    @property
    def saving_after_move(self) -> int | None:
        return None if self.saving is None else self.saving - self.move_cost


def _split(total: int | None, place: int | None) -> tuple[int | None, int | None]:
    if total is None or place is None:
        return place, None
    return place, total - place


def proposal_explanation(proposal: Proposal) -> Explanation:
    """Why the run proposed ``proposal``'s place. Who may read it is the caller's check."""
    run = proposal.run
    cost_per_km = int(run.parameters.get("cost_per_km", 0))
    run_move_cost = int(run.parameters.get("move_cost", 0))
    stored = None
    if not run.is_what_if:  # a what-if's places are not its base run's
        stored = PlanningRunInputs.objects.filter(run_id=run.pk).only("data").first()
    inputs = load_inputs(stored.data) if stored is not None else None
    index = None
    if inputs is not None:
        index = next(
            (i for i, x in enumerate(inputs.learners) if x.learner_id == proposal.learner_id),
            None,
        )
    moves = proposal.placed and proposal.proposed_strand_id != proposal.current_strand_id
    current = proposal.current_strand
    # Place now and the journey now: from the run's inputs, else today's register.
    place_now = km_now = None
    offered: bool | None = None
    move_point = ""
    if inputs is not None and index is not None:
        learner = inputs.learners[index]
        move_point = MOVE_POINT_LABELS.get(learner.move_point, "")
        places = inputs.register.index_of_strand()
        s = places.get(learner.current_strand_id) if learner.current_strand_id else None
        offered = int(inputs.problem.current_or_none()[index]) >= 0
        if s is not None:
            place_now = int(round_pounds(inputs.register.annual_cost[s]))
            km_now = float(
                haversine_km(
                    learner.lat, learner.lon, inputs.register.lat[s], inputs.register.lon[s]
                )
            )
    elif current is not None:
        place_now = int(round_pounds(current.annual_cost_per_place))
        offered = offered_stay(
            may_move=True, age=proposal.age, min_age=current.min_age, max_age=current.max_age
        )
        if proposal.current_cost is not None and cost_per_km:
            km_now = max(proposal.current_cost - place_now, 0) / cost_per_km
    place_now, travel_now = _split(proposal.current_cost, place_now)
    place_proposed, travel_proposed = _split(
        proposal.proposed_cost if proposal.placed else None, proposal.place_cost
    )
    charged = run_move_cost if moves and offered else 0
    if not proposal.placed:
        why = NOT_PLACED
    elif not moves:
        why = STAYS
    elif proposal.current_strand_id is None and not proposal.current_setting_name:
        why = NO_PLACE_NOW
    elif offered is None:
        why = NOT_KNOWN
    elif not offered:
        why = PLACE_ENDS
    else:
        why = SAVES_MORE_THAN_MOVE
    explanation = Explanation(
        proposal=proposal,
        placed=proposal.placed,
        moves=moves,
        why_move=why,
        move_point=move_point,
        place_now=place_now,
        travel_now=travel_now,
        km_now=km_now,
        place_proposed=place_proposed,
        travel_proposed=travel_proposed,
        km_proposed=proposal.km,
        move_cost=charged,
        cost_per_km=cost_per_km,
        from_run_inputs=inputs is not None and index is not None,
    )
    preference = (
        FamilyPreference.objects.select_related("setting")
        .filter(case__learner_id=proposal.learner_id)
        .order_by("-given_on", "-id")
        .first()
    )
    preferred_name = ""
    if preference is not None:
        preferred_name = (
            preference.setting.name if preference.setting else preference.get_setting_type_display()
        )
    if inputs is None or index is None:
        return _with(explanation, preferred_name=preferred_name)
    return _with_other_places(explanation, proposal, inputs, index, preference, preferred_name)


def _with(explanation: Explanation, **changes: Any) -> Explanation:
    return replace(explanation, **changes)


def _with_other_places(
    explanation: Explanation,
    proposal: Proposal,
    inputs: PlanningInputs,
    index: int,
    preference: FamilyPreference | None,
    preferred_name: str,
) -> Explanation:
    run = proposal.run
    places = inputs.register.places
    by_strand = inputs.register.index_of_strand()
    by_learner = {x.learner_id: i for i, x in enumerate(inputs.learners)}
    # The run's placements, as it stored them (learners erased since are gone from both).
    assignment = np.full(len(inputs.learners), -1, dtype=np.int64)
    for learner_id, strand_id in run.proposals.filter(placed=True).values_list(
        "learner_id", "proposed_strand_id"
    ):
        i = by_learner.get(learner_id)
        if i is not None and strand_id in by_strand:
            assignment[i] = by_strand[strand_id]
    chosen = int(assignment[index])
    km_bound = proposal.km if proposal.placed and proposal.km is not None else float("inf")
    options = explain_assignment(
        inputs.problem,
        assignment,
        index,
        chosen_cost=proposal.proposed_cost if chosen >= 0 else 0,
        cost_per_km=float(run.parameters["cost_per_km"]),
        unplaced_cost=int(run.parameters["unplaced_cost"]),
        max_km=float(run.parameters["max_km"]),
        move_cost=int(run.parameters.get("move_cost", 0)),
        # Every setting, so that the family's preferred school has its reasons too.
        within_km=float("inf"),
    )
    current = int(inputs.problem.current_or_none()[index])
    nearer = sorted(
        (o for o in options if not o.chosen and o.setting != current and o.km < km_bound),
        key=lambda o: (o.km, o.cost),
    )
    # One line per setting: a school with two strands shows its nearest (its first) strand.
    seen: set[int] = set()
    rows: list[OtherPlace] = []
    for o in nearer:
        place = places[o.setting]
        if place.setting_id in seen or place.setting_id == proposal.proposed_setting_id:
            continue
        seen.add(place.setting_id)
        rows.append(_other(place, o))
    preferred = None
    outside = False
    if preference is not None and preference.setting_id is not None:
        mine = [o for o in options if places[o.setting].setting_id == preference.setting_id]
        outside = not mine  # not among the kinds of place the run planned
        if mine:
            best = next((o for o in mine if o.chosen), None) or min(
                mine, key=lambda o: (len(o.reasons), o.cost)
            )
            preferred = _other(places[best.setting], best)
    return _with(
        explanation,
        nearer=rows[:NEARER_SHOWN],
        nearer_not_shown=max(len(rows) - NEARER_SHOWN, 0),
        preferred=preferred,
        preferred_name=preferred_name,
        preferred_outside_run=outside,
    )


def _other(place: Place, option: Option) -> OtherPlace:
    return OtherPlace(
        name=place.name,
        kind=place.strand_label,
        km=option.km,
        cost=option.cost,
        reasons=option.reasons,
        chosen=option.chosen,
    )


def _km(km: float | None) -> str:
    if km is None:
        return ""
    miles = km / 1.609344
    return f"about {miles:.1f} miles" if miles >= 0.95 else "less than a mile"


def family_words(explanation: Explanation, *, child: Learner) -> str:
    """The paragraphs the family read with the proposed amendment: plain English, no prices
    (ADR 0142). Frozen on the amendment when the proposal is accepted."""
    e = explanation
    p = e.proposal
    name = child.given_name or "your child"
    school = p.proposed_setting_name
    parts: list[str] = []
    if e.why_move == NO_PLACE_NOW:
        parts.append(f"{name} does not have a school or college place at the moment.")
    elif e.why_move == PLACE_ENDS:
        parts.append(
            f"{p.current_setting_name} does not take children of {name}'s age from next "
            f"September, so {name} will need a new place then."
        )
    elif e.why_move == SAVES_MORE_THAN_MOVE:
        parts.append(
            f"We know that changing school is a big step for {name}. We have weighed the "
            f"upheaval of a move, and we propose one only where the new school meets {name}'s "
            "needs and the change is clearly worth it."
        )
    journey = _km(e.km_proposed)
    line = f"{school} can give {name} the support set out in the plan"
    if journey:
        line += f", and it is {journey} from home"
        if e.km_now is not None and e.moves and e.km_proposed is not None:
            if e.km_proposed < e.km_now - 0.5:
                line += f" (nearer than {p.current_setting_name}, which is {_km(e.km_now)})"
            elif e.km_proposed > e.km_now + 0.5:
                line += f" ({p.current_setting_name} is {_km(e.km_now)})"
    parts.append(line + ".")
    if e.saving is not None and e.saving > 0:
        parts.append(
            f"The law asks the council to name a school that is an efficient use of its "
            f"resources. The place at {school}, with the journey, costs less than "
            f"{name}'s place now, and that money helps other children with special "
            "educational needs."
        )
    else:
        parts.append(
            "The law asks the council to name a school that is an efficient use of its "
            f"resources. Of the schools that can meet {name}'s needs and have room, "
            f"{school} is the best use of them."
        )
    if e.nearer:
        lines = [f"{o.name}: {o.family_reason}." for o in e.nearer]
        parts.append(f"We looked at the schools nearer home than {school}:\n" + "\n".join(lines))
    if e.preferred_name:
        if e.preferred is not None and e.preferred.chosen:
            parts.append(f"This is the school you asked for, {e.preferred_name}.")
        elif e.preferred is not None:
            parts.append(
                f"You asked for {e.preferred_name}. We did not propose it because "
                f"{e.preferred.family_reason}."
            )
        else:
            parts.append(
                f"You asked for {e.preferred_name}. You can still tell us why you think it is "
                "right for your child when you comment on these proposals."
            )
    return "\n\n".join(parts)
