"""Codes shared by the whole system: SEN2 primary needs and the phases of education.

Plain data, no Django, so the engine, the command-line tools and the apps agree on one list.
"""

from __future__ import annotations

from typing import Final

#: SEN2 primary need codes with their DfE descriptions, in the order DfE publishes them.
NEEDS: Final[dict[str, str]] = {
    "SPLD": "Specific learning difficulty",
    "MLD": "Moderate learning difficulty",
    "SLD": "Severe learning difficulty",
    "PMLD": "Profound and multiple learning difficulty",
    "SEMH": "Social, emotional and mental health",
    "SLCN": "Speech, language and communication needs",
    "HI": "Hearing impairment",
    "VI": "Vision impairment",
    "MSI": "Multi-sensory impairment",
    "PD": "Physical disability",
    "ASD": "Autistic spectrum disorder",
    "DS": "Down syndrome",
    "OTH": "Other difficulty or disability",
}
NEED_CODES: Final[tuple[str, ...]] = tuple(NEEDS)

#: Phases by age in whole years, inclusive (CONTRACTS.md).
PHASES: Final[dict[str, tuple[int, int]]] = {
    "early_years": (0, 4),
    "primary": (5, 10),
    "secondary": (11, 15),
    "post16": (16, 19),
    "post19": (20, 25),
}
PHASE_LABELS: Final[dict[str, str]] = {
    "early_years": "Early years (0 to 4)",
    "primary": "Primary (5 to 10)",
    "secondary": "Secondary (11 to 15)",
    "post16": "Post-16 (16 to 19)",
    "post19": "Post-19 (20 to 25)",
}


def phase_for_age(age: int) -> str:
    """Return the phase of education for an age in whole years.

    >>> phase_for_age(11)
    'secondary'
    >>> phase_for_age(19)
    'post16'
    """
    for phase, (low, high) in PHASES.items():
        if low <= age <= high:
            return phase
    raise ValueError(f"age {age} is outside 0 to 25")
