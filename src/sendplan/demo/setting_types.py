"""Labels shared by the demo's places and its tests: sources, kinds and SEN2 placement groups.

Values are those of ``provision.Setting`` and ``ProvisionStrand`` choices, kept as strings so
the data modules stay Django-free. Each establishment type belongs to exactly one SEN2 placement
group, so the published counts by type of setting can be checked against the database.
"""

from __future__ import annotations

# Source labels (values of provision.Setting.Source), kept as strings so this module stays
# Django-free.
LA_OPEN_DATA = "la_open_data"
ESTIMATE = "estimate"
ILLUSTRATIVE = "illustrative"

# Setting.Kind and ProvisionStrand.Kind values.
MAINSTREAM, RESOURCED, SPECIAL, INDEPENDENT, POST16, OTHER = (
    "mainstream",
    "resourced",
    "special",
    "independent",
    "post16",
    "other",
)
S_MAINSTREAM, S_RP, S_SPECIAL, S_INDEPENDENT, S_POST16 = (
    "mainstream",
    "resourced_provision",
    "special_school",
    "independent",
    "post16",
)

# Establishment types, one per SEN2 placement group (see placement_group).
MAINTAINED = "Community or voluntary school (LA maintained)"
NURSERY = "Nursery school (LA maintained)"
ACADEMY = "Academy"
INDEPENDENT_SCHOOL = "Independent school"
PVI_EARLY_YEARS = "Private, voluntary or independent early years provider"
SPECIAL_MAINTAINED = "Community special school"
SPECIAL_ACADEMY = "Academy or free special school"
SPECIAL_INDEPENDENT = "Independent special school"
SPECIAL_NON_MAINTAINED = "Non-maintained special school"
AP_ACADEMY = "Alternative provision academy"
FE_COLLEGE = "Further education or sixth-form college"
SPECIALIST_POST16 = "Specialist post-16 institution"
TRAINING_PROVIDER = "Training provider (UKRLP)"

#: SEN2 placement groups the database can tell apart, with the published columns in each.
#: Free schools are academies in law and there are none in the 2012 list, so free-school
#: learners are placed at academies.
PLACEMENT_GROUPS: dict[str, tuple[str, ...]] = {
    "mainstream_la_maintained": ("mainstream_la_maintained",),
    "mainstream_la_maintained_rp": ("mainstream_la_maintained_resourced_provision",),
    "mainstream_academy_free": ("mainstream_academy", "mainstream_free_school"),
    "mainstream_academy_free_rp": (
        "mainstream_academy_resourced_provision",
        "mainstream_free_school_resourced_provision",
    ),
    "mainstream_independent": ("mainstream_independent",),
    "special_la_maintained": ("special_la_maintained",),
    "special_academy_free": ("special_academy_free",),
    "special_independent": ("special_independent",),
    "special_non_maintained": ("special_non_maintained",),
    "ap": ("ap_pru_academy", "ap_pru_free_school", "ap_pru_la_maintained"),
    "general_fe": ("general_fe_tertiary_colleges",),
    "specialist_post16": ("specialist_post_16_institutions",),
    "ukrlp": ("ukrlp_provider",),
    "nm_early_years": ("nm_early_years",),
}
#: Everyone else has no current placement: educated elsewhere, NEET or not recorded.
UNPLACED_GROUP = "no_placement"

_GROUP_BY_TYPE = {
    MAINTAINED: "mainstream_la_maintained",
    NURSERY: "mainstream_la_maintained",
    ACADEMY: "mainstream_academy_free",
    INDEPENDENT_SCHOOL: "mainstream_independent",
    PVI_EARLY_YEARS: "nm_early_years",
    SPECIAL_MAINTAINED: "special_la_maintained",
    SPECIAL_ACADEMY: "special_academy_free",
    SPECIAL_INDEPENDENT: "special_independent",
    SPECIAL_NON_MAINTAINED: "special_non_maintained",
    AP_ACADEMY: "ap",
    FE_COLLEGE: "general_fe",
    SPECIALIST_POST16: "specialist_post16",
    TRAINING_PROVIDER: "ukrlp",
}


def placement_group(establishment_type: str, strand_kind: str) -> str:
    """The SEN2 placement group of a placement, from its setting's type and its strand's kind.

    >>> placement_group("Academy", "resourced_provision")
    'mainstream_academy_free_rp'
    """
    group = _GROUP_BY_TYPE[establishment_type]
    return f"{group}_rp" if strand_kind == S_RP else group


def group_of_column(column: str) -> str:
    """The placement group a published setting column falls in."""
    for group, columns in PLACEMENT_GROUPS.items():
        if column in columns:
            return group
    return UNPLACED_GROUP
