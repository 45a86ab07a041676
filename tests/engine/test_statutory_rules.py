"""The rules table: every row of statutory.md §1 is there, keys are stable, flags are honest."""

from __future__ import annotations

from sendplan.engine.statutory_rules import EXCEPTIONS, REFERENCE_INDEX, RULES, Event

# Stored by the casework apps and printed by reports: changing one is a breaking change.
STABLE_RULE_KEYS = {
    "assessment_notify_bodies", "decision_to_assess", "advice", "not_to_issue",
    "draft_comments_close", "final_plan", "annual_review", "early_years_review",
    "review_invitations", "review_advice_circulated", "review_report", "review_decision",
    "amendment_representations", "amended_plan", "amended_plan_ceiling",
    "phase_transfer_school", "phase_transfer_post16", "phase_transfer_post16_other",
    "pfa_review_focus", "pfa_assessment_advice", "reassessment_final_plan",
    "reassessment_request_response", "ceasing_maintained", "maximum_age",
    "mediation_contact", "mediation_certificate", "mediation_arranged", "appeal",
    "unopposed_assess", "unopposed_not_to_issue", "unopposed_final_plan",
    "unopposed_amended_plan", "tribunal_order_compliance",
}  # fmt: skip
STABLE_EXCEPTION_KEYS = {
    "reg10_4_a", "reg10_4_b", "reg10_4_c", "reg10_4_d",
    "reg8_2_exceptional", "reg8_2_absence", "reg8_2_appointment", "covid_2020",
}  # fmt: skip


def test_every_row_t1_to_t27_of_the_reference_is_implemented():
    assert set(REFERENCE_INDEX) == {f"T{n}" for n in range(1, 28)}


def test_rule_and_exception_keys_are_the_documented_stable_set():
    assert set(RULES) == STABLE_RULE_KEYS
    assert set(EXCEPTIONS) == STABLE_EXCEPTION_KEYS


def test_each_rule_is_stored_under_its_own_key_with_a_basis():
    for key, r in RULES.items():
        assert r.key == key
        assert r.basis.strip(), key


def test_rules_start_and_stop_on_known_events():
    known = {e.value for e in Event}
    for r in RULES.values():
        assert r.starts_on in known, r.key
        assert set(r.stops_on.split(" | ")) <= known, r.key


def test_rules_name_only_known_exceptions():
    for r in RULES.values():
        assert set(r.exceptions) <= set(EXCEPTIONS), r.key


def test_reg10_4_exceptions_relieve_the_assessment_clocks_and_reg8_2_only_advice():
    reg10 = {"reg10_4_a", "reg10_4_b", "reg10_4_c", "reg10_4_d"}
    for key in ("decision_to_assess", "not_to_issue", "final_plan", "reassessment_final_plan"):
        assert reg10 <= set(RULES[key].exceptions)
    reg8 = {k for k in EXCEPTIONS if k.startswith("reg8_2")}
    assert {k for k, r in RULES.items() if reg8 & set(r.exceptions)} == {"advice"}


def test_unconfirmed_parts_of_the_reference_are_flagged_for_check_locally():
    flagged = {k for k, r in RULES.items() if r.unconfirmed}
    assert {
        "review_report",
        "review_decision",
        "reassessment_request_response",
        "maximum_age",
        "appeal",
        "tribunal_order_compliance",
    } <= flagged
    for key in ("decision_to_assess", "not_to_issue", "final_plan", "draft_comments_close"):
        assert key not in flagged
    for r in RULES.values():
        if "UNCONFIRMED" in r.basis or "UNCONFIRMED" in r.note:
            assert r.unconfirmed, r.key


def test_the_covid_disapplication_is_limited_to_2020():
    x = EXCEPTIONS["covid_2020"]
    assert (x.valid_from.isoformat(), x.valid_to.isoformat()) == ("2020-05-01", "2020-09-25")
