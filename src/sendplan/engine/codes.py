"""Codes shared by the whole system: SEN2 primary needs and the phases of education.

The one list of each: the engine, the command line and the apps all take them from here, so
a page, an export and the optimiser can never disagree about what ``SPLD`` or ``post16``
means. Plain data and numpy, no Django.
"""

from __future__ import annotations

from typing import Final

import numpy as np
import numpy.typing as npt

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

#: The primary needs DfE's caseload release counts (its ``number_<need>`` columns), in the
#: release's alphabetical order: every SEN2 code but DS, which the published figures count
#: under OTH, then "Unknown". The forecast's need breakdown follows this order.
RELEASE_NEEDS: Final[tuple[str, ...]] = (*sorted(set(NEED_CODES) - {"DS"}), "Unknown")

#: SEN2 ``RequestSource`` (item 2.2, mandatory from 2026) by who asked for the assessment: 1
#: the young person or a parent, 2 a school or other education setting, 3 health, 4 social
#: care, 5 other. The values are UNCONFIRMED against DfE's 2026 specification (sen2.md).
REQUEST_SOURCES: Final[dict[str, int]] = {
    "parent": 1,
    "young_person": 1,
    "setting": 2,
    "health": 3,
    "social_care": 4,
    "other": 5,
}

#: Phases by age in whole years, inclusive (CONTRACTS.md), youngest first.
PHASES: Final[dict[str, tuple[int, int]]] = {
    "early_years": (0, 4),
    "primary": (5, 10),
    "secondary": (11, 15),
    "post16": (16, 19),
    "post19": (20, 25),
}
PHASE_KEYS: Final[tuple[str, ...]] = tuple(PHASES)
PHASE_LABELS: Final[dict[str, str]] = {
    "early_years": "Early years (0 to 4)",
    "primary": "Primary (5 to 10)",
    "secondary": "Secondary (11 to 15)",
    "post16": "Post-16 (16 to 19)",
    "post19": "Post-19 (20 to 25)",
}
#: The oldest age the system plans for: an EHC plan can run to the end of the academic year
#: in which the young person turns 25.
MAX_AGE: Final[int] = 25

# First age of each phase, for vectorised look-ups.
_PHASE_START = np.array([low for low, _ in PHASES.values()])


def phase_index(ages: npt.ArrayLike) -> npt.NDArray[np.int64]:
    """Index into :data:`PHASE_KEYS` of each age, for whole arrays of ages.

    Parameters
    ----------
    ages
        Ages in whole years, 0 to :data:`MAX_AGE`.

    Returns
    -------
    numpy.ndarray
        One int64 index per age.

    Raises
    ------
    ValueError
        If any age is outside 0 to 25.

    Examples
    --------
    >>> [PHASE_KEYS[i] for i in phase_index([0, 4, 5, 10, 11, 15, 16, 19, 20, 25])]
    ['early_years', 'early_years', 'primary', 'primary', 'secondary', 'secondary', 'post16', 'post16', 'post19', 'post19']
    >>> phase_index([26])
    Traceback (most recent call last):
    ...
    ValueError: ages must be between 0 and 25
    """
    a = np.asarray(ages)
    if a.size and (a.min() < 0 or a.max() > MAX_AGE):
        raise ValueError(f"ages must be between 0 and {MAX_AGE}")
    return np.asarray(np.searchsorted(_PHASE_START, a, side="right") - 1, dtype=np.int64)


def phase_for_age(age: int) -> str:
    """Return the phase of education for an age in whole years.

    Parameters
    ----------
    age
        Age in whole years, 0 to :data:`MAX_AGE`.

    Returns
    -------
    str
        A key of :data:`PHASES`.

    Raises
    ------
    ValueError
        If the age is outside 0 to 25.

    Examples
    --------
    >>> phase_for_age(11)
    'secondary'
    >>> phase_for_age(19)
    'post16'
    >>> phase_for_age(26)
    Traceback (most recent call last):
    ...
    ValueError: age 26 is outside 0 to 25
    """
    if not 0 <= age <= MAX_AGE:
        raise ValueError(f"age {age} is outside 0 to {MAX_AGE}")
    return PHASE_KEYS[int(phase_index(age))]
