"""What the SEN2 return asks of the demo's learners that the cohort does not draw (ADR 0128).

Ethnicity, a postcode in Lambeth and, for a learner with neither UPN nor ULN, why not. Drawn
from a generator of their own, so the rest of the demo (and its fingerprint) is what it was.
"""

from __future__ import annotations

import datetime as dt

import numpy as np

from sendplan.learners.models import Learner

# Lambeth's broad ethnic mix, roughly (2021 census, school-age): CBDS main codes.
_ETHNICITIES = {
    "WBRI": 24, "WOTH": 10, "WIRI": 1, "MWBC": 6, "MWBA": 3, "MWAS": 2, "MOTH": 6,
    "BAFR": 15, "BCRB": 9, "BOTH": 6, "AIND": 2, "APKN": 1, "ABAN": 1, "AOTH": 3,
    "CHNE": 1, "OOTH": 6, "REFU": 2, "NOBT": 2,
}  # fmt: skip
_DISTRICTS = ("SE1", "SE5", "SE11", "SE21", "SE24", "SE27", "SW2", "SW4", "SW8", "SW9", "SW16")
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"


def add_return_details(rows: list[Learner], *, seed: int, as_at: dt.date) -> int:
    """Fill ethnicity, postcode and the UPN-unknown reason; return how many were filled."""
    rng = np.random.default_rng([seed, 2])
    codes = list(_ETHNICITIES)
    weights = np.array(list(_ETHNICITIES.values()), dtype=float)
    drawn = rng.choice(len(codes), size=len(rows), p=weights / weights.sum())
    for row, code in zip(rows, drawn, strict=True):
        row.ethnicity = codes[code]
        letters = rng.choice(list(_INWARD_LETTERS), size=2)
        district = _DISTRICTS[int(rng.integers(len(_DISTRICTS)))]
        row.postcode = f"{district} {int(rng.integers(1, 10))}{letters[0]}{letters[1]}"
        if not row.upn and not row.uln:
            young = (as_at - row.date_of_birth).days < 6 * 365
            row.upn_unknown = "UN1" if young else "UN8"
    Learner.objects.bulk_update(rows, ["ethnicity", "postcode", "upn_unknown"], batch_size=500)
    return len(rows)
