"""The statutory time limits of the EHC process, as data.

Each row of ``shared/reference/statutory.md`` §1 (T1–T27) becomes one or more :class:`Rule`
records or, for the rows that are exceptions rather than limits (T7, T8, T9), one or more
:class:`LawfulException` records. :data:`REFERENCE_INDEX` maps every T-number to the keys that
implement it, so a test can prove nothing was left out.

Keys are stable: the casework apps store them, the CLI prints some of them, and reports
group by them. Never rename a key; add a new one and retire the old one in an ADR.

Abbreviations in ``basis``: "Reg" = SEND Regulations 2014 (SI 2014/1530); "CFA" = Children
and Families Act 2014; "CoP" = SEND Code of Practice 0–25 (January 2015). Where the reference
marks a fact UNCONFIRMED the rule carries ``unconfirmed=True`` and the interface should say
"check locally".
"""

from __future__ import annotations

from datetime import date
from types import MappingProxyType

from sendplan.engine.statutory_types import Event, LawfulException, Length, Rule

__all__ = ["EXCEPTIONS", "REFERENCE_INDEX", "RULES", "Event", "LawfulException", "Length", "Rule"]

E = Event
_REG10_4 = ("reg10_4_a", "reg10_4_b", "reg10_4_c", "reg10_4_d", "covid_2020")
_REG8_2 = ("reg8_2_exceptional", "reg8_2_absence", "reg8_2_appointment", "covid_2020")


def _w(n: int) -> Length:
    return Length(n, "weeks")


_EXCEPTION_LIST = (
    LawfulException(
        "reg10_4_a",
        "Advice asked of a school or post-16 head/principal in the period from 1 week before "
        "the institution closes for 4 weeks or more to 1 week before it reopens",
        "Reg 10(4)(a); Reg 13(3); Reg 5(4)",
        "T7",
        note="For the 6-week decision the same grounds are in Reg 5(4) (paragraph letters "
        "UNCONFIRMED).",
    ),
    LawfulException(
        "reg10_4_b",
        "Advice asked of an early years provider in the period from 1 week before it closes "
        "for 4 weeks or more to 1 week before it reopens",
        "Reg 10(4)(b); Reg 13(3); Reg 5(4)",
        "T7",
    ),
    LawfulException(
        "reg10_4_c",
        "Exceptional personal circumstances affecting the child or the parent, or the young person",
        "Reg 10(4)(c); Reg 13(3); Reg 5(4)",
        "T7",
    ),
    LawfulException(
        "reg10_4_d",
        "The child or the parent, or the young person, is absent from the area for a "
        "continuous period of at least 4 weeks",
        "Reg 10(4)(d); Reg 13(3); Reg 5(4)",
        "T7",
        note="CoP 9.43: the family should be told when an exception is used.",
    ),
    LawfulException(
        "reg8_2_exceptional",
        "Exceptional circumstances make it impractical for the body to give advice within 6 weeks",
        "Reg 8(2)",
        "T8",
        unconfirmed=True,
        note="Paragraph letters of Reg 8(2) not confirmed. A waiting list is NOT an exception.",
    ),
    LawfulException(
        "reg8_2_absence",
        "The child or the parent, or the young person, is absent from the area for at least "
        "4 weeks",
        "Reg 8(2)",
        "T8",
        unconfirmed=True,
        note="Paragraph letters of Reg 8(2) not confirmed.",
    ),
    LawfulException(
        "reg8_2_appointment",
        "The child or young person fails to keep an appointment for an examination or test",
        "Reg 8(2)",
        "T8",
        unconfirmed=True,
        note="Paragraph letters of Reg 8(2) not confirmed.",
    ),
    LawfulException(
        "covid_2020",
        "Coronavirus made compliance impractical (temporary disapplication)",
        "SI 2020/471",
        "T9",
        valid_from=date(2020, 5, 1),
        valid_to=date(2020, 9, 25),
        note="Historic: only for limits running between 1 May and 25 September 2020.",
    ),
)

_RULE_LIST = (
    Rule(
        "assessment_notify_bodies",
        "Tell the ICB, social care and the head/setting SEN lead that an assessment is "
        "being considered",
        Length(),
        E.ASSESSMENT_CONSIDERED,
        E.BODIES_NOTIFIED,
        (),
        "Reg 4(2)",
        kind="condition",
        reference="T1",
        note="On considering whether to assess; no number of days is set.",
    ),
    Rule(
        "decision_to_assess",
        "Decision whether to carry out an EHC needs assessment",
        _w(6),
        E.REQUEST_RECEIVED,
        E.DECISION_TO_ASSESS_NOTIFIED,
        _REG10_4,
        "Reg 5(1),(3); CoP 9.17",
        reference="T2",
        note="A 'no' must carry appeal, mediation and IAS information.",
    ),
    Rule(
        "advice",
        "Advice from a body asked to give it (school, health, social care, EP)",
        _w(6),
        E.ADVICE_REQUESTED,
        E.ADVICE_RECEIVED,
        _REG8_2,
        "Reg 8(1)",
        reference="T3",
        note="Runs from the body's receipt of the authority's request; one clock per request.",
    ),
    Rule(
        "not_to_issue",
        "Notice of a decision not to issue an EHC plan",
        _w(16),
        E.REQUEST_RECEIVED,
        E.NOT_TO_ISSUE_NOTIFIED,
        _REG10_4,
        "Reg 10(1),(3)",
        reference="T4",
    ),
    Rule(
        "draft_comments_close",
        "Draft plan: time to comment, ask for a named setting and ask for a meeting",
        Length(15, "days"),
        E.DRAFT_ISSUED,
        E.DRAFT_COMMENTS_RECEIVED,
        (),
        "Reg 13(1)",
        kind="minimum_period",
        reference="T5",
        note="At least 15 days from service of the draft; the final plan cannot be issued "
        "before the period closes unless the family has responded.",
    ),
    Rule(
        "final_plan",
        "Final EHC plan issued",
        _w(20),
        E.REQUEST_RECEIVED,
        E.PLAN_ISSUED,
        _REG10_4,
        "Reg 13(2); CoP 9.42",
        reference="T6",
        note="Sent to the family, the named institution and the commissioning body.",
    ),
    Rule(
        "annual_review",
        "Annual review of the EHC plan",
        Length(12, "months"),
        E.PLAN_ISSUED,
        E.REVIEW_MEETING,
        (),
        "CFA s44",
        reference="T10",
        note="First within 12 months of the plan being made, then within 12 months of the "
        "previous review. 12 months from 29 February is 28 February.",
    ),
    Rule(
        "early_years_review",
        "Review for a child under 5 (recommended interval)",
        Length(6, "months"),
        E.PLAN_ISSUED,
        E.REVIEW_MEETING,
        (),
        "CoP 9.178",
        kind="guidance",
        reference="T11",
        note="The Code says authorities should consider reviewing every 3 to 6 months; the "
        "interval is a local setting (3–6), 6 by default. Not a hard duty.",
    ),
    Rule(
        "review_invitations",
        "Invitations to the review meeting",
        _w(2),
        E.REVIEW_MEETING,
        E.REVIEW_INVITATIONS_SENT,
        (),
        "Reg 20(2)–(4) (attends school); Reg 21(2)–(4) (no school)",
        kind="notice_before",
        reference="T12",
        note="At least 2 weeks' notice of the meeting.",
    ),
    Rule(
        "review_advice_circulated",
        "Advice and information circulated before the review meeting",
        _w(2),
        E.REVIEW_MEETING,
        E.REVIEW_ADVICE_CIRCULATED,
        (),
        "Reg 20(2)–(4) (attends school); Reg 21(2)–(4) (no school)",
        kind="notice_before",
        reference="T12",
    ),
    Rule(
        "review_report",
        "Review report circulated",
        _w(2),
        E.REVIEW_MEETING,
        E.REVIEW_REPORT_CIRCULATED,
        (),
        "Reg 21(7); Reg 20 (paragraph UNCONFIRMED)",
        unconfirmed=True,
        reference="T13",
        note="By the head/setting, or by the authority when there is no setting. The paragraph "
        "of Reg 20 for the school case is not confirmed.",
    ),
    Rule(
        "review_decision",
        "Authority's decision after the review: maintain, amend or cease",
        _w(4),
        E.REVIEW_MEETING,
        E.REVIEW_DECISION_NOTIFIED,
        (),
        "Reg 20(10) (paragraph UNCONFIRMED)",
        unconfirmed=True,
        reference="T14",
        note="Text confirmed by local offer pages; the paragraph number is believed to be "
        "20(10). Appeal rights if not amending or ceasing.",
    ),
    Rule(
        "amendment_representations",
        "Proposed amendments: time for representations, a named setting and a meeting",
        Length(15, "days"),
        E.AMENDMENT_PROPOSED,
        E.AMENDMENT_REPRESENTATIONS_RECEIVED,
        (),
        "Reg 22(2)–(3)",
        kind="minimum_period",
        reference="T15",
    ),
    Rule(
        "amended_plan",
        "Final amended plan, or notice that the plan will not be amended",
        _w(8),
        E.AMENDMENT_PROPOSED,
        f"{E.AMENDED_PLAN_ISSUED} | {E.NOT_TO_AMEND_NOTIFIED}",
        (),
        "Reg 22(4)",
        reference="T15",
        note="Within 8 weeks of sending the proposals; after a review also no later than the "
        "12-week ceiling (amended_plan_ceiling).",
    ),
    Rule(
        "amended_plan_ceiling",
        "Final amended plan after a review meeting (case-law ceiling)",
        _w(12),
        E.REVIEW_MEETING,
        E.AMENDED_PLAN_ISSUED,
        (),
        "R (L & Ors) v Devon CC [2022] EWHC 493 (Admin)",
        reference="T16",
        note="Proposals must accompany the 4-week decision, so 4 + 8 weeks from the meeting.",
    ),
    Rule(
        "phase_transfer_school",
        "Phase transfer (school): plan reviewed and amended to name the next school",
        Length(unit="fixed_date", month=2, day=15),
        E.TRANSFER,
        E.TRANSFER_REVIEW_COMPLETED,
        (),
        "Reg 18(1)(b)",
        reference="T17",
        note="15 February of the calendar year of the transfer (early years→school, "
        "infant→junior, primary→middle/secondary, middle→secondary). The reference words "
        "it 'before 15 February'; the project reads the date itself as on time.",
    ),
    Rule(
        "phase_transfer_post16",
        "Phase transfer (secondary school to post-16 institution)",
        Length(unit="fixed_date", month=3, day=31),
        E.TRANSFER,
        E.TRANSFER_REVIEW_COMPLETED,
        (),
        "Reg 18(1)(a)",
        reference="T18",
        note="31 March of the calendar year of the transfer.",
    ),
    Rule(
        "phase_transfer_post16_other",
        "Transfer between post-16 institutions at any other time",
        Length(5, "months"),
        E.TRANSFER,
        E.TRANSFER_REVIEW_COMPLETED,
        (),
        "Reg 18(2)",
        kind="notice_before",
        reference="T19",
        note="At least 5 months before the transfer date (same day of the month, or the last "
        "day of a shorter month).",
    ),
    Rule(
        "pfa_review_focus",
        "Reviews from Year 9 consider preparation for adulthood and independent living",
        Length(),
        E.YEAR9_REVIEW,
        E.REVIEW_MEETING,
        (),
        "Reg 20(6), 21(6); CoP 8.9",
        kind="condition",
        reference="T20",
    ),
    Rule(
        "pfa_assessment_advice",
        "Assessment advice from Year 9 includes preparation for adulthood",
        Length(),
        E.YEAR9_ASSESSMENT,
        E.ADVICE_REQUESTED,
        (),
        "Reg 6(1)",
        kind="condition",
        reference="T21",
    ),
    Rule(
        "reassessment_final_plan",
        "Final plan after a re-assessment",
        _w(14),
        E.REASSESSMENT_DECISION_NOTIFIED,
        E.PLAN_ISSUED,
        _REG10_4,
        "Reg 27(2),(3)",
        reference="T22",
    ),
    Rule(
        "reassessment_request_response",
        "Answer to a request for a re-assessment",
        Length(15, "days"),
        E.REASSESSMENT_REQUESTED,
        E.REASSESSMENT_DECISION_NOTIFIED,
        (),
        "Reg 25 (UNCONFIRMED)",
        unconfirmed=True,
        reference="T22",
        note="Believed 15 days; not confirmed by the reference.",
    ),
    Rule(
        "ceasing_maintained",
        "Plan maintained after a decision to cease, until the appeal time has passed",
        Length(2, "months"),
        E.CEASE_DECISION_NOTIFIED,
        E.PLAN_CEASED,
        (),
        "CFA s45; Regs 29–31; CoP 9.200",
        kind="minimum_period",
        reference="T23",
        note="Under 18 only if the plan is no longer necessary; maintained until the appeal "
        "time passes (see appeal) or any appeal ends. Never cease only because the young "
        "person is 19 or over.",
    ),
    Rule(
        "maximum_age",
        "Plan may continue to the end of the academic year in which the young person is 25",
        Length(25, "academic_year_end"),
        E.DATE_OF_BIRTH,
        E.PLAN_CEASED,
        (),
        "Reg 46 (per the reference; believed CFA s46)",
        unconfirmed=True,
        kind="condition",
        reference="T24",
        note="The academic year is taken to end on 31 July (UNCONFIRMED).",
    ),
    Rule(
        "mediation_contact",
        "Family contacts the mediation adviser before appealing",
        Length(2, "months"),
        E.APPEALABLE_DECISION_NOTIFIED,
        E.MEDIATION_ADVISER_CONTACTED,
        (),
        "Regs 32–42 (CFA section believed s55, UNCONFIRMED)",
        unconfirmed=True,
        reference="T25",
        note="Not needed for appeals about section I only.",
    ),
    Rule(
        "mediation_certificate",
        "Mediation certificate when mediation is declined",
        Length(3, "working_days"),
        E.MEDIATION_DECLINED,
        E.MEDIATION_CERTIFICATE_ISSUED,
        (),
        "Regs 32–42 (paragraph UNCONFIRMED)",
        unconfirmed=True,
        reference="T25",
    ),
    Rule(
        "mediation_arranged",
        "Authority arranges mediation",
        Length(30, "days"),
        E.MEDIATION_REQUESTED,
        E.MEDIATION_HELD,
        (),
        "Regs 32–42 (paragraph UNCONFIRMED)",
        unconfirmed=True,
        reference="T25",
    ),
    Rule(
        "appeal",
        "Appeal to the First-tier Tribunal (SEND)",
        Length(2, "months"),
        E.APPEALABLE_DECISION_NOTIFIED,
        E.APPEAL_REGISTERED,
        (),
        "Tribunal Procedure Rules (rule number UNCONFIRMED)",
        unconfirmed=True,
        reference="T25",
        note="2 months from the decision or 1 month from the mediation certificate, "
        "whichever is later (see statutory.appeal_due).",
    ),
    Rule(
        "unopposed_assess",
        "Unopposed appeal: notice that the authority will assess",
        _w(2),
        E.TRIBUNAL_NOTIFIED_UNOPPOSED,
        E.DECISION_TO_ASSESS_NOTIFIED,
        (),
        "Reg 45 as substituted by SI 2015/359 reg 8",
        reference="T26",
    ),
    Rule(
        "unopposed_not_to_issue",
        "Unopposed appeal: decision not to issue",
        _w(10),
        E.TRIBUNAL_NOTIFIED_UNOPPOSED,
        E.NOT_TO_ISSUE_NOTIFIED,
        (),
        "Reg 45 as substituted by SI 2015/359 reg 8",
        reference="T26",
    ),
    Rule(
        "unopposed_final_plan",
        "Unopposed appeal: final plan",
        _w(14),
        E.TRIBUNAL_NOTIFIED_UNOPPOSED,
        E.PLAN_ISSUED,
        (),
        "Reg 45 as substituted by SI 2015/359 reg 8",
        reference="T26",
    ),
    Rule(
        "unopposed_amended_plan",
        "Unopposed appeal about contents: amended plan",
        _w(5),
        E.TRIBUNAL_NOTIFIED_UNOPPOSED,
        E.AMENDED_PLAN_ISSUED,
        (),
        "Reg 45 as substituted by SI 2015/359 reg 8",
        reference="T26",
    ),
    Rule(
        "tribunal_order_compliance",
        "Compliance with a Tribunal order",
        Length(),
        E.TRIBUNAL_ORDER,
        E.ORDER_COMPLIED,
        (),
        "Regs 43–44 (limits UNCONFIRMED)",
        unconfirmed=True,
        kind="condition",
        reference="T27",
        note="Limits vary by order; not confirmed by the reference.",
    ),
)

RULES: MappingProxyType[str, Rule] = MappingProxyType({r.key: r for r in _RULE_LIST})
"""Every rule by key (read-only)."""

EXCEPTIONS: MappingProxyType[str, LawfulException] = MappingProxyType(
    {x.key: x for x in _EXCEPTION_LIST}
)
"""Every lawful exception by key (read-only)."""


def _index() -> dict[str, tuple[str, ...]]:
    index: dict[str, list[str]] = {}
    for item in (*_RULE_LIST, *_EXCEPTION_LIST):
        index.setdefault(item.reference, []).append(item.key)
    return {ref: tuple(keys) for ref, keys in index.items()}


REFERENCE_INDEX: MappingProxyType[str, tuple[str, ...]] = MappingProxyType(_index())
"""``"T6" -> ("final_plan",)``: which keys implement each row of the reference."""
