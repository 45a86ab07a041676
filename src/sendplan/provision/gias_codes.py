"""What GIAS's codes mean for the register: establishment types, statuses, SEN provision.

GIAS (Get Information about Schools) publishes codes that stay stable while their names
drift, so the mapping is by code, with the names in comments. The type codes are those of
``gias_establishment_types_20250422.csv`` in the shared data.
"""

from __future__ import annotations

from typing import Final

from sendplan.provision.models import ProvisionStrand, Setting

Kind = Setting.Kind
StrandKind = ProvisionStrand.Kind

#: TypeOfEstablishment (code) -> kind of setting. A code not listed here is a type GIAS
#: added after this table was written: it is kept as "other" rather than refusing the file.
TYPE_KINDS: Final[dict[int, str]] = {
    # Maintained, academy and free special schools.
    7: Kind.SPECIAL,  # Community special school
    12: Kind.SPECIAL,  # Foundation special school
    33: Kind.SPECIAL,  # Academy special sponsor led
    36: Kind.SPECIAL,  # Free schools special
    44: Kind.SPECIAL,  # Academy special converter
    # Independent and non-maintained special schools.
    8: Kind.INDEPENDENT,  # Non-maintained special school
    10: Kind.INDEPENDENT,  # Other independent special school
    # Post-16 providers.
    18: Kind.POST16,  # Further education
    31: Kind.POST16,  # Sixth form centres
    32: Kind.POST16,  # Special post 16 institution (specialist: gets a strand)
    39: Kind.POST16,  # Free schools 16 to 19
    45: Kind.POST16,  # Academy 16-19 converter
    46: Kind.POST16,  # Academy 16 to 19 sponsor led
    57: Kind.POST16,  # Academy secure 16 to 19
    # Mainstream schools (resourced when they have a resourced provision or SEN unit).
    1: Kind.MAINSTREAM,  # Community school
    2: Kind.MAINSTREAM,  # Voluntary aided school
    3: Kind.MAINSTREAM,  # Voluntary controlled school
    5: Kind.MAINSTREAM,  # Foundation school
    6: Kind.MAINSTREAM,  # City technology college
    11: Kind.MAINSTREAM,  # Other independent school
    15: Kind.MAINSTREAM,  # Local authority nursery school
    28: Kind.MAINSTREAM,  # Academy sponsor led
    34: Kind.MAINSTREAM,  # Academy converter
    35: Kind.MAINSTREAM,  # Free schools
    40: Kind.MAINSTREAM,  # University technical college
    41: Kind.MAINSTREAM,  # Studio schools
    # Alternative provision and the rest.
    14: Kind.OTHER,  # Pupil referral unit
    38: Kind.OTHER,  # Free schools alternative provision
    42: Kind.OTHER,  # Academy alternative provision converter
    43: Kind.OTHER,  # Academy alternative provision sponsor led
    24: Kind.OTHER,  # Secure units
    26: Kind.OTHER,  # Service children's education
    27: Kind.OTHER,  # Miscellaneous
    49: Kind.OTHER,  # Online provider
    56: Kind.OTHER,  # Institution funded by other government department
}

#: Types that never hold places an English local area can commission for school-age
#: learners: universities, Welsh, offshore and overseas schools. Skipped, not refused.
OUT_OF_SCOPE_TYPES: Final[frozenset[int]] = frozenset({25, 29, 30, 37})

#: Types whose whole roll is specialist places (one strand for the school).
SPECIALIST_TYPES: Final[dict[int, str]] = {
    **{
        code: StrandKind.SPECIAL_SCHOOL for code, kind in TYPE_KINDS.items() if kind == Kind.SPECIAL
    },
    8: StrandKind.INDEPENDENT,
    10: StrandKind.INDEPENDENT,
    32: StrandKind.POST16,
}

#: EstablishmentStatus (code) -> status. 1 Open, 2 Closed, 3 Open but proposed to close,
#: 4 Proposed to open.
STATUS_BY_CODE: Final[dict[int, str]] = {1: "open", 2: "closed", 3: "closing", 4: "proposed"}
STATUS_BY_NAME: Final[dict[str, str]] = {
    "open": "open",
    "closed": "closed",
    "open but proposed to close": "closing",
    "proposed to open": "proposed",
}
OPEN_STATUSES: Final[frozenset[str]] = frozenset({"open", "closing"})

#: GIAS SEN provision codes (the part of "ASD - Autistic Spectrum Disorder" before " - "),
#: upper-cased, to SEN2 codes. BESD is the pre-2014 name of SEMH that older records keep.
GIAS_NEEDS: Final[dict[str, str]] = {
    "SPLD": "SPLD",
    "MLD": "MLD",
    "SLD": "SLD",
    "PMLD": "PMLD",
    "SEMH": "SEMH",
    "BESD": "SEMH",
    "SLCN": "SLCN",
    "HI": "HI",
    "VI": "VI",
    "MSI": "MSI",
    "PD": "PD",
    "ASD": "ASD",
    "OTH": "OTH",
}
#: Values GIAS uses for "no provision recorded" in the SEN and resourced columns.
NOT_APPLICABLE: Final[frozenset[str]] = frozenset(
    {"", "not applicable", "not recorded", "n/a", "none", "does not apply"}
)


def status_of(code: str, name: str) -> str | None:
    """The establishment's status from its code, or its name when the code is blank."""
    if code.strip():
        try:
            return STATUS_BY_CODE.get(int(code))
        except ValueError:
            return None
    return STATUS_BY_NAME.get(" ".join(name.replace(",", " ").lower().split()))


def need_from_gias(value: str) -> str | None:
    """The SEN2 code for a GIAS SEN provision name, "" when none is recorded, None if unknown.

    >>> need_from_gias("ASD - Autistic Spectrum Disorder")
    'ASD'
    >>> need_from_gias("SpLD - Specific Learning Difficulty")
    'SPLD'
    >>> need_from_gias("")
    ''
    """
    text = value.strip()
    if text.lower() in NOT_APPLICABLE:
        return ""
    code = text.split(" - ", 1)[0].strip().upper()
    return GIAS_NEEDS.get(code)


def resourced_kinds(value: str) -> tuple[bool, bool] | None:
    """(has resourced provision, has SEN unit) from TypeOfResourcedProvision, None if unknown.

    >>> resourced_kinds("Resourced provision and SEN unit")
    (True, True)
    >>> resourced_kinds("Not applicable")
    (False, False)
    """
    text = value.strip().lower()
    if text in NOT_APPLICABLE:
        return (False, False)
    resourced = "resourced provision" in text
    unit = "sen unit" in text
    if not (resourced or unit):
        return None
    return (resourced, unit)
