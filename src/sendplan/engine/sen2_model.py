"""The SEN2 person-level return as data: one dataclass per XML element with children.

Each field's metadata names its element (DfE's spelling, ``reference/sen2.md`` §1) and its
cardinality, so the order of the fields *is* the order of the elements, and the writer, the
reader and the structure checks all follow this one table. Values are kept as the text the
file holds (``None`` when the element is absent), so a return read from a file with a wrong
code or a date that is not a date can still be reported item by item; the export turns the
record's dates and codes into that text.

Items whose element name, order or cardinality is inferred rather than confirmed by DfE are
marked (I) in sen2.md; the XSD is not public, so they are ours until it is checked.
"""

from __future__ import annotations

from dataclasses import dataclass, field, fields
from datetime import date
from typing import Any, Final

from sendplan.engine.codes import NEEDS

#: Elements that may occur any number of times.
MANY: Final[int] = 1_000_000


def _item(name: str, low: int = 0, high: int = 1, child: type | None = None) -> Any:
    """A field for element ``name``, occurring ``low`` to ``high`` times."""
    meta = {"xml": name, "min": low, "max": high, "child": child}
    if high > 1:
        return field(default_factory=list, metadata=meta)
    return field(default=None, metadata=meta)


def required(name: str) -> Any:
    return _item(name, 1, 1)


def optional(name: str) -> Any:
    return _item(name, 0, 1)


@dataclass
class CollectionDetails:
    collection: str | None = required("Collection")
    year: str | None = required("Year")
    reference_date: str | None = required("ReferenceDate")


@dataclass
class Source:
    source_level: str | None = required("SourceLevel")
    lea: str | None = required("LEA")
    software_code: str | None = optional("SoftwareCode")
    release: str | None = optional("Release")
    serial_no: str | None = optional("SerialNo")
    date_time: str | None = optional("DateTime")


@dataclass
class Header:
    collection_details: CollectionDetails | None = _item(
        "CollectionDetails", 1, 1, CollectionDetails
    )
    source: Source | None = _item("Source", 1, 1, Source)


@dataclass
class PlanDetail:
    """A setting named in Section I of the plan (rank 1 main, 2 secondary)."""

    urn: str | None = optional("URN")
    ukprn: str | None = optional("UKPRN")
    sen_setting: str | None = optional("SENsetting")
    sen_setting_other: str | None = optional("SENsettingOther")
    placement_rank: str | None = required("PlacementRank")
    sen_unit: str | None = optional("SENunitIndicator")
    resourced_provision: str | None = optional("ResourcedProvisionIndicator")


@dataclass
class PlacementDetail:
    """A setting attended while the plan was active."""

    urn: str | None = optional("URN")
    ukprn: str | None = optional("UKPRN")
    sen_setting: str | None = optional("SENsetting")
    sen_setting_other: str | None = optional("SENsettingOther")
    placement_rank: str | None = required("PlacementRank")
    entry_date: str | None = required("EntryDate")
    leaving_date: str | None = optional("LeavingDate")
    sen_unit: str | None = optional("SENunitIndicator")
    resourced_provision: str | None = optional("ResourcedProvisionIndicator")
    res: str | None = optional("Res")
    wbp: str | None = optional("WBP")


@dataclass
class SENneed:
    sen_type: str | None = required("SENtype")
    rank: str | None = required("SENtypeRank")


@dataclass
class NamedPlan:
    start_date: str | None = required("StartDate")
    plan_res: str | None = optional("PlanRes")
    plan_wbp: str | None = optional("PlanWBP")
    pb: str | None = required("PB")
    oa: str | None = optional("OA")
    dp: str | None = optional("DP")
    cease_date: str | None = optional("CeaseDate")
    cease_reason: str | None = optional("CeaseReason")
    details: list[PlanDetail] = _item("PlanDetail", 1, 2, PlanDetail)


@dataclass
class Assessment:
    outcome: str | None = required("AssessmentOutcome")
    outcome_date: str | None = optional("AssessmentOutcomeDate")
    mediation: str | None = required("AssessmentMediation")
    tribunal: str | None = required("AssessmentTribunal")
    other_mediation: str | None = required("OtherMediation")
    other_tribunal: str | None = required("OtherTribunal")
    week20: str | None = optional("Week20")
    named_plan: NamedPlan | None = _item("NamedPlan", 0, 1, NamedPlan)


@dataclass
class ActivePlans:
    transfer_la: str | None = optional("TransferLA")
    review_meeting: str | None = optional("ReviewMeeting")
    review_outcome: str | None = optional("ReviewOutcome")
    review_draft: str | None = optional("ReviewDraft")
    phase_transfer_due: str | None = optional("PhaseTransferDueDate")
    phase_transfer_final: str | None = optional("PhaseTransferFinalDate")
    last_review: str | None = optional("LastReview")
    placements: list[PlacementDetail] = _item("PlacementDetail", 0, MANY, PlacementDetail)
    needs: list[SENneed] = _item("SENneed", 1, 2, SENneed)


@dataclass
class Request:
    """One request for an EHC needs assessment and what followed it."""

    received_date: str | None = required("ReceivedDate")
    source: str | None = required("RequestSource")
    rya: str | None = required("RYA")
    outcome_date: str | None = optional("RequestOutcomeDate")
    outcome: str | None = required("RequestOutcome")
    mediation: str | None = required("RequestMediation")
    tribunal: str | None = required("RequestTribunal")
    exported: str | None = optional("Exported")
    assessment: Assessment | None = _item("Assessment", 0, 1, Assessment)
    active_plans: ActivePlans | None = _item("ActivePlans", 0, 1, ActivePlans)


@dataclass
class Person:
    surname: str | None = required("Surname")
    forename: str | None = required("Forename")
    birth_date: str | None = required("PersonBirthDate")
    sex: str | None = required("Sex")
    ethnicity: str | None = required("Ethnicity")
    postcode: str | None = required("PostCode")
    upn: str | None = optional("UPN")
    uln: str | None = optional("UniqueLearnerNumber")
    upn_unknown: str | None = optional("UPNunknown")
    requests: list[Request] = _item("Requests", 1, MANY, Request)

    def label(self) -> str:
        """How a message names this person: the UPN, or else the name (CONTRACTS.md)."""
        if self.upn:
            return self.upn
        return " ".join(part for part in (self.forename, self.surname) if part) or "no name"


@dataclass
class Sen2Return:
    """A whole return: the header and the persons (``Message/Header``, ``Message/Persons``)."""

    header: Header = field(default_factory=Header)
    persons: list[Person] = field(default_factory=list)


@dataclass(frozen=True)
class Element:
    """One entry of the schema: the element's name, field, cardinality and, for a parent, the
    dataclass its children fill."""

    name: str
    attribute: str
    low: int
    high: int
    child: type | None


def schema(cls: type) -> tuple[Element, ...]:
    """The elements of ``cls`` in document order.

    >>> [e.name for e in schema(SENneed)]
    ['SENtype', 'SENtypeRank']
    """
    cached: tuple[Element, ...] | None = _SCHEMAS.get(cls)
    if cached is None:
        cached = tuple(
            Element(
                f.metadata["xml"], f.name, f.metadata["min"], f.metadata["max"], f.metadata["child"]
            )
            for f in fields(cls)
        )
        _SCHEMAS[cls] = cached
    return cached


_SCHEMAS: dict[type, tuple[Element, ...]] = {}


# ---- Code lists (sen2.md §2) -------------------------------------------------------------

#: SENtype: the need codes of :mod:`sendplan.engine.codes` (DS from the 2025 return on).
SEN_TYPES: Final[dict[str, str]] = NEEDS
SEN_SETTINGS: Final[dict[str, str]] = {
    "OLA": "LA arrangements under CFA 2014 s61 (education otherwise than at school)",
    "OPA": "Parent or young-person arrangements under s42(5), not elective home education",
    "EHE": "Elective home education",
    "EYP": "Early-years provider with no GIAS URN",
    "OTH": "Other",
    "NEET": "16 to 25, not in education, employment or training",
    "NIEC": "Not in education or training, notice to cease issued",
    "NIEO": "Not in education or training, other (e.g. awaiting placement)",
}
CEASE_REASONS: Final[dict[str, str]] = {
    "1": "Reached maximum age",
    "2": "Needs met without an EHC plan",
    "3": "Moved on to higher education",
    "4": "Moved on to paid employment (not an apprenticeship)",
    "5": "Transferred to another local authority in England",
    "6": "Young person no longer wishes to engage in education or training",
    "7": "Moved outside England",
    "8": "Deceased",
    "9": "Other",
}
REQUEST_OUTCOMES: Final[dict[str, str]] = {
    "Y": "Assessed",
    "N": "Decided not to assess",
    "A": "Not yet decided",
    "W": "Withdrawn or ceased before a decision",
    "H": "Historical: decided before the collection period",
}
ASSESSMENT_OUTCOMES: Final[dict[str, str]] = {
    "Y": "Decided to issue a plan",
    "N": "Decided not to issue a plan",
    "A": "Not yet decided",
    "W": "Withdrawn",
    "H": "Historical: decided before the collection period",
    "S": "Plan issued after another LA's assessment",
}
REQUEST_SOURCES: Final[dict[str, str]] = {
    "1": "Young person or parent",
    "2": "School or other education setting",
    "3": "Health professionals",
    "4": "Social care professionals",
    "5": "Other",
}
UPN_UNKNOWN: Final[dict[str, str]] = {
    "UN1": "Under 6, no UPN yet",
    "UN2": "Never at a state-funded school in England",
    "UN3": "Educated outside England",
    "UN5": "Name or date of birth discrepancies prevent matching",
    "UN8": "New to the LA, UPN or ULN not yet known",
    "UN9": "Never at a state-funded school or FE setting in England",
    "UN10": "Request ended with no further action before the UPN or ULN was known",
}
REVIEW_OUTCOMES: Final[dict[str, str]] = {"A": "Amend", "C": "Cease", "M": "Maintain"}
SEXES: Final[dict[str, str]] = {"M": "Male", "F": "Female"}
ETHNICITIES: Final[dict[str, str]] = {
    "WBRI": "White British",
    "WIRI": "White Irish",
    "WIRT": "Traveller of Irish heritage",
    "WOTH": "Any other White background",
    "WROM": "Gypsy or Roma",
    "MWBC": "White and Black Caribbean",
    "MWBA": "White and Black African",
    "MWAS": "White and Asian",
    "MOTH": "Any other mixed background",
    "AIND": "Indian",
    "APKN": "Pakistani",
    "ABAN": "Bangladeshi",
    "AOTH": "Any other Asian background",
    "BCRB": "Black Caribbean",
    "BAFR": "Black African",
    "BOTH": "Any other Black background",
    "CHNE": "Chinese",
    "OOTH": "Any other ethnic group",
    "REFU": "Refused",
    "NOBT": "Information not yet obtained",
}
RESIDENTIAL: Final[dict[str, str]] = {"A": "Up to 38 weeks a year", "B": "39 to 52 weeks a year"}
BOOLEANS: Final[frozenset[str]] = frozenset({"0", "1"})

#: Published census dates by return year (sen2.md §0).
CENSUS_DATES: Final[dict[int, date]] = {
    2025: date(2025, 1, 16),
    2026: date(2026, 1, 15),
    2027: date(2027, 1, 21),
}
