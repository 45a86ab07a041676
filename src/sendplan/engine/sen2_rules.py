"""The rules a SEN2 return is checked against, and the problems the checks report.

DfE publishes its validation rules as a spreadsheet whose numbers and messages were not
available when this was written (``reference/sen2.md`` §3), so every id here is ours: S for
the structure (element names, order, how many), D for the content rules of sen2.md §3.3.
``origin`` says whose rule it is: ``DfE`` when the condition is stated by DfE's
specification or guide as sen2.md cites it, ``ours`` when it is our inference or our
judgement (the messages say so: ``rule D19 (ours)``). Check both against DfE's rules
spreadsheet before relying on them for a submission.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Final, Literal

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class Sen2Rule:
    id: str
    severity: Severity
    origin: Literal["DfE", "ours"]
    summary: str


def _rules(*rows: tuple[str, Severity, Literal["DfE", "ours"], str]) -> dict[str, Sen2Rule]:
    return {row[0]: Sen2Rule(*row) for row in rows}


SEN2_RULES: Final[dict[str, Sen2Rule]] = _rules(
    ("S01", "error", "ours", "An element the return does not have, or in the wrong place"),
    ("S02", "error", "ours", "Elements out of the specification's order"),
    ("S03", "error", "DfE", "A required element missing or empty"),
    ("S04", "error", "DfE", "An element given more times than it may be"),
    ("S05", "error", "ours", "A value where elements belong, or elements where a value belongs"),
    ("S06", "warning", "ours", "An element name in other letter case than DfE's"),
    ("D01", "error", "DfE", "A UPN, a ULN or a UPNunknown reason is given"),
    ("D02", "error", "DfE", "The UPN is 13 characters with the right check letter"),
    ("D03", "error", "DfE", "The ULN is 10 digits with the right check digit"),
    ("D04", "error", "ours", "No UPNunknown reason together with a UPN"),
    ("D05", "error", "DfE", "Dates are YYYY-MM-DD and not after the reference date"),
    ("D06", "error", "DfE", "RequestOutcomeDate given exactly when the request was decided"),
    ("D07", "error", "ours", "An Assessment exactly when the request was to assess (Y or H)"),
    ("D08", "error", "DfE", "AssessmentOutcomeDate as the assessment outcome requires"),
    ("D09", "error", "DfE", "A NamedPlan only when the assessment led to a plan"),
    ("D10", "error", "DfE", "One or two PlanDetail, ranks 1 and 2 once each"),
    ("D11", "error", "DfE", "CeaseDate and CeaseReason together, in the period"),
    ("D12", "warning", "ours", "CeaseReason 1 (maximum age) only once the age is reached"),
    ("D13", "error", "DfE", "A setting as a URN, a UKPRN or a SENsetting code"),
    ("D14", "warning", "ours", "Other or no setting described in SENsettingOther"),
    ("D15", "error", "DfE", "One or two SENneed: one primary need (rank 1), no repeats"),
    ("D16", "error", "DfE", "A plan active at the census has a placement at the census"),
    ("D17", "error", "ours", "Placements end after they start and rank-1 ones do not overlap"),
    ("D18", "error", "ours", "Ages within 0 to 25"),
    ("D19", "warning", "ours", "Annual reviews recorded consistently and within 12 months"),
    ("D20", "error", "DfE", "Codes and 1/0 flags from the specification's lists"),
    ("D21", "error", "DfE", "Header: census reference date, year and LA number"),
    ("D22", "warning", "ours", "Timeliness: 6-week decision, 20-week plan"),
    ("D23", "warning", "ours", "PostCode looks like a UK postcode"),
    ("D24", "error", "ours", "ActivePlans only under a request with a NamedPlan"),
    ("D25", "error", "ours", "At most one request per person with an active plan"),
)


@dataclass(frozen=True)
class Sen2Problem:
    """One problem in a return: where (the person and the element path) and what."""

    person: int | None  # 1-based position of the Person element; None for the header
    who: str  # the person's UPN, or else their name; "Header" or "Message" above them
    path: str
    rule: str
    message: str

    @property
    def severity(self) -> Severity:
        return SEN2_RULES[self.rule].severity

    @property
    def origin(self) -> str:
        return SEN2_RULES[self.rule].origin

    def line(self, file: str) -> str:
        """The command line's form: ``FILE: Person N (UPN or name): PATH: rule ID: what``.

        >>> Sen2Problem(3, "Ada Example", "Sex", "D20", "X is not a Sex code").line("r.xml")
        'r.xml: Person 3 (Ada Example): Sex: rule D20: X is not a Sex code'
        >>> Sen2Problem(1, "A1", "UPN", "D04", "both").line("r.xml")
        'r.xml: Person 1 (A1): UPN: rule D04 (ours): both'
        """
        where = self.who if self.person is None else f"Person {self.person} ({self.who})"
        rule = self.rule if self.origin == "DfE" else f"{self.rule} (ours)"
        warning = "warning: " if self.severity == "warning" else ""
        return f"{file}: {where}: {self.path}: rule {rule}: {warning}{self.message}"
