"""A run's proposals as rows for a spreadsheet (written safely by ``sendplan.web.spreadsheets``).

Learners appear by record number only: the file leaves the system, and a
commissioner's plan needs no names (Caldicott: minimum necessary).
"""

from __future__ import annotations

from collections.abc import Iterable

from sendplan.planning.cohort import REASON_LABELS
from sendplan.planning.models import PlanningRun, Proposal
from sendplan.web.spreadsheets import Cell

HEADER = (
    "Learner record",
    "Status",
    "In the cohort because",
    "Primary need",
    "Age on planning date",
    "Phase",
    "Ward",
    "Current setting",
    "Current annual cost (£)",
    "Proposed setting",
    "Proposed kind of place",
    "Distance (km)",
    "Place cost (£)",
    "Proposed annual cost with transport (£)",
)


def proposal_rows(proposals: Iterable[Proposal]) -> list[list[Cell]]:
    rows: list[list[Cell]] = []
    for p in proposals:
        status = Proposal.STATUS if p.placed else "proposed: no suitable local place"
        if p.decision:
            # The decision only: its reason is free text and stays in the system.
            status += f"; {p.get_decision_display().lower()}"
        rows.append(
            [
                p.learner_id,
                status,
                REASON_LABELS.get(p.reason_in_cohort, p.reason_in_cohort),
                p.need,
                p.age,
                p.phase,
                p.ward_name,
                p.current_setting_name,
                p.current_cost,
                p.proposed_setting_name,
                p.proposed_kind,
                None if p.km is None else round(p.km, 2),
                p.place_cost,
                p.proposed_cost,
            ]
        )
    return rows


def run_rows(run: PlanningRun) -> list[list[Cell]]:
    return proposal_rows(run.proposals.order_by("pk"))
