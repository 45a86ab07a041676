"""The planning engine's front door: everything the apps and the command line may use.

The engine is pure Python, numpy and solvers: no Django, nothing else from sendplan, and no
files (the command line and the apps' adapters read them and hand over plain data). It takes
and returns dataclasses, numpy arrays and polars frames. Apps and the command line import
from this package only (``from sendplan.engine import place``), never from the modules
behind it, so those can be split, merged and renamed freely; import-linter contracts in
pyproject.toml check both rules.

Every entry point follows one convention (:mod:`sendplan.engine.results`): a bad argument
raises ``ValueError`` naming it; otherwise the result carries ``status``, ``message`` and
``success``.

Each name is loaded on first use, so the legal clock does not load the optimiser and
``sendplan place`` does not load polars: importing everything costs about a second and
100 MB, which a command-line tool or a web worker should not pay for what it never uses.

Examples
--------
>>> from sendplan.engine import NEEDS, phase_for_age
>>> phase_for_age(11), NEEDS["ASD"]
('secondary', 'Autistic spectrum disorder')
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from sendplan.engine.adulthood import (
        ADULTHOOD_RULES,
        CARE_ACT_FLAG_AGE_MONTHS,
        CARE_ACT_LEAD_MONTHS,
        CEASE_REASONS_WITHOUT_OUTCOMES,
        REVIEW_DECISION_MONTHS,
        AdulthoodRule,
        CareActFlag,
        age_in_years,
        care_act_assessment_due,
        care_act_flag,
        cease_needs_outcomes_considered,
        plan_at_risk_of_lapsing,
    )
    from sendplan.engine.bank_holidays import is_bank_holiday
    from sendplan.engine.cells import FORMULA_START, safe_cell, safe_row
    from sendplan.engine.codes import (
        MAX_AGE,
        NEED_CODES,
        NEEDS,
        PHASE_KEYS,
        PHASE_LABELS,
        PHASES,
        RELEASE_NEEDS,
        REQUEST_SOURCES,
        phase_for_age,
        phase_index,
    )
    from sendplan.engine.delivery import (
        PERIOD_WEEKS,
        PERIOD_WORDS,
        TERM_WEEKS,
        DeliveryFigures,
        Quantity,
        Term,
        WeekRecord,
        delivery_figures,
        is_shortfall,
        last_weeks,
        minutes_in_words,
        parse_quantity,
        percent_of,
        sum_figures,
        term_of,
        term_weeks,
        week_start,
    )
    from sendplan.engine.dsg import (
        CASELOAD_LINES,
        CENTRAL_UPLIFT,
        CentralFigure,
        CentralLine,
        CentralYear,
        Decision,
        DsgPlan,
        DsgYear,
        central_projection,
        dsg_plan,
        income_by_year,
        move_back,
        new_base,
        new_placement,
        rolled_spend,
    )
    from sendplan.engine.forecast import (
        BREAKDOWN_COLUMNS,
        DEFAULT_METHOD,
        FORECAST_METHODS,
        OUTPUT_COLUMNS,
        ForecastResult,
        forecast_caseload,
        population_by_area,
    )
    from sendplan.engine.forecast_backtest import BacktestResult, backtest
    from sendplan.engine.forecast_backtest import summarise as backtest_summary
    from sendplan.engine.forecast_data import (
        AGE_BANDS,
        AGE_CELLS,
        ENGLAND_CODE,
        MAX_PROBLEMS,
        Area,
        CaseloadHistory,
        ForecastInputError,
        Release,
        TextTable,
        caseload_history,
        check_release,
    )
    from sendplan.engine.forecast_demand import (
        PLACEMENT_KEYS,
        PLACEMENT_LABELS,
        SPECIALIST,
        Band,
        Demand,
        ModelFlows,
        PlacementMix,
        area_demand,
        placement_mix,
    )
    from sendplan.engine.forecast_nowcast import (
        LiveRecord,
        Nowcast,
        conversion_rates,
        nowcast,
    )
    from sendplan.engine.forecast_projection import (
        PlaceChange,
        Projection,
        ScenarioSpec,
        StrandPlaces,
        UnitCosts,
        allocate_capacity,
        combined_growth,
        project,
    )
    from sendplan.engine.geo import EARTH_RADIUS_KM, haversine_km
    from sendplan.engine.identifiers import (
        nhs_check_digit,
        nhs_number_problem,
        uln_problem,
        upn_check_letter,
        upn_problem,
    )
    from sendplan.engine.ledger import (
        HIGH_NEEDS,
        PARTNERS,
        CostedPlacement,
        Ledger,
        PlacesUsed,
        committed_spend,
        financial_year,
        financial_year_label,
        share_of_year,
        year_bounds,
    )
    from sendplan.engine.placement import (
        MAX_ANNUAL_COST,
        MAX_COST_PER_KM,
        MAX_PERCENT,
        MAX_PLACES,
        MAX_POUNDS,
        PlacementProblem,
        PlacementResult,
        check_problem,
        place,
    )
    from sendplan.engine.placement_explain import (
        COSTS_MORE,
        FULL,
        MOVE_NOT_WORTH,
        NOT_DESIGNATED,
        PREFERENCE,
        TOO_FAR,
        WRONG_AGE,
        Option,
        explain,
        explain_assignment,
    )
    from sendplan.engine.placement_model import ALL_NEEDS, round_pounds
    from sendplan.engine.placement_whatif import Strand, WhatIf, what_if, with_strand
    from sendplan.engine.reform import (
        REFORM_GROUPS,
        REFORM_LABELS,
        ReformYear,
        reform_figures,
    )
    from sendplan.engine.results import COMPLETE, INFEASIBLE, OPTIMAL, TIME_LIMIT
    from sendplan.engine.sen2_checks import (
        HEAVY_USE_SHARE as SEN2_HEAVY_USE_SHARE,
    )
    from sendplan.engine.sen2_checks import (
        check_return as sen2_check,
    )
    from sendplan.engine.sen2_checks import (
        collection_period as sen2_collection_period,
    )
    from sendplan.engine.sen2_checks import (
        heavy_use as sen2_heavy_use,
    )
    from sendplan.engine.sen2_checks import (
        parse_date as sen2_parse_date,
    )
    from sendplan.engine.sen2_checks import (
        validate as sen2_validate,
    )
    from sendplan.engine.sen2_model import (
        CENSUS_DATES as SEN2_CENSUS_DATES,
    )
    from sendplan.engine.sen2_model import (
        ETHNICITIES as SEN2_ETHNICITIES,
    )
    from sendplan.engine.sen2_model import (
        SEN_SETTINGS as SEN2_SETTINGS,
    )
    from sendplan.engine.sen2_model import (
        SEXES as SEN2_SEXES,
    )
    from sendplan.engine.sen2_model import (
        UPN_UNKNOWN as SEN2_UPN_UNKNOWN,
    )
    from sendplan.engine.sen2_model import (
        ActivePlans as Sen2ActivePlans,
    )
    from sendplan.engine.sen2_model import (
        Assessment as Sen2Assessment,
    )
    from sendplan.engine.sen2_model import (
        CollectionDetails as Sen2CollectionDetails,
    )
    from sendplan.engine.sen2_model import (
        Header as Sen2Header,
    )
    from sendplan.engine.sen2_model import (
        NamedPlan as Sen2NamedPlan,
    )
    from sendplan.engine.sen2_model import (
        Person as Sen2Person,
    )
    from sendplan.engine.sen2_model import (
        PlacementDetail as Sen2PlacementDetail,
    )
    from sendplan.engine.sen2_model import (
        PlanDetail as Sen2PlanDetail,
    )
    from sendplan.engine.sen2_model import (
        Request as Sen2Request,
    )
    from sendplan.engine.sen2_model import (
        Sen2Return,
    )
    from sendplan.engine.sen2_model import (
        SENneed as Sen2Need,
    )
    from sendplan.engine.sen2_model import (
        Source as Sen2Source,
    )
    from sendplan.engine.sen2_rules import (
        SEN2_RULES,
        Sen2Problem,
        Sen2Rule,
    )
    from sendplan.engine.sen2_xml import (
        Sen2ReadError,
        gc_paused,
    )
    from sendplan.engine.sen2_xml import (
        person_xml as sen2_person_xml,
    )
    from sendplan.engine.sen2_xml import (
        read_return as sen2_read,
    )
    from sendplan.engine.sen2_xml import (
        write_return as sen2_write,
    )
    from sendplan.engine.siting import MAX_CAPITAL, Candidates, SiteResult, site, with_candidates
    from sendplan.engine.statutory import (
        EXCEPTIONS,
        REFERENCE_INDEX,
        RULES,
        TIMELINE_KEYS,
        Deadline,
        add_months,
        add_working_days,
        amended_plan_due,
        appeal_due,
        compulsory_school_age_ends,
        due,
        is_on_time,
        maximum_age_end,
        order_problems,
        phase_transfer_due,
        rule,
        timeline,
    )
    from sendplan.engine.statutory_case import (
        OPEN_ORDER,
        UNOPPOSED_RULES,
        CaseClock,
        DeadlineStatus,
        RiskSettings,
        case_clock,
        check_case,
    )
    from sendplan.engine.statutory_measure import TimelinessMeasure, twenty_week_measure
    from sendplan.engine.statutory_types import (
        AdviceRequest,
        Appeal,
        CaseEvents,
        Event,
        ExceptionRecord,
        LawfulException,
        Length,
        Mediation,
        Rule,
        TribunalOrder,
    )
__all__ = [
    # The pathway to adulthood.
    "ADULTHOOD_RULES",
    "CARE_ACT_FLAG_AGE_MONTHS",
    "CARE_ACT_LEAD_MONTHS",
    "CEASE_REASONS_WITHOUT_OUTCOMES",
    "REVIEW_DECISION_MONTHS",
    "AdulthoodRule",
    "CareActFlag",
    "age_in_years",
    "care_act_assessment_due",
    "care_act_flag",
    "cease_needs_outcomes_considered",
    "plan_at_risk_of_lapsing",
    # Where to add places.
    "MAX_CAPITAL",
    "Candidates",
    "SiteResult",
    "site",
    "with_candidates",
    # The SEN2 return: its document, XML and checks.
    "Sen2Return",
    "Sen2Header",
    "Sen2CollectionDetails",
    "Sen2Source",
    "Sen2Person",
    "Sen2Request",
    "Sen2Assessment",
    "Sen2NamedPlan",
    "Sen2PlanDetail",
    "Sen2ActivePlans",
    "Sen2PlacementDetail",
    "Sen2Need",
    "SEN2_CENSUS_DATES",
    "SEN2_SETTINGS",
    "SEN2_ETHNICITIES",
    "SEN2_SEXES",
    "SEN2_UPN_UNKNOWN",
    "SEN2_RULES",
    "Sen2Problem",
    "Sen2Rule",
    "Sen2ReadError",
    "gc_paused",
    "sen2_person_xml",
    "sen2_read",
    "sen2_write",
    "sen2_check",
    "sen2_validate",
    "sen2_collection_period",
    "sen2_heavy_use",
    "SEN2_HEAVY_USE_SHARE",
    "sen2_parse_date",
    # Codes: SEN2 needs and phases of education.
    "MAX_AGE",
    "NEEDS",
    "NEED_CODES",
    "PHASES",
    "PHASE_KEYS",
    "PHASE_LABELS",
    "RELEASE_NEEDS",
    "REQUEST_SOURCES",
    "phase_for_age",
    "phase_index",
    # Cells that stay text in a spreadsheet.
    "FORMULA_START",
    "safe_cell",
    "safe_row",
    # How results end.
    "COMPLETE",
    "INFEASIBLE",
    "OPTIMAL",
    "TIME_LIMIT",
    # Geography and identifiers.
    "EARTH_RADIUS_KM",
    "haversine_km",
    "nhs_check_digit",
    "nhs_number_problem",
    "uln_problem",
    "upn_check_letter",
    "upn_problem",
    # Provision delivered against specified.
    "PERIOD_WEEKS",
    "PERIOD_WORDS",
    "TERM_WEEKS",
    "DeliveryFigures",
    "Quantity",
    "Term",
    "WeekRecord",
    "delivery_figures",
    "is_shortfall",
    "last_weeks",
    "minutes_in_words",
    "parse_quantity",
    "percent_of",
    "sum_figures",
    "term_of",
    "term_weeks",
    "week_start",
    # The Dedicated Schools Grant management plan and what a decision does.
    "CASELOAD_LINES",
    "CENTRAL_UPLIFT",
    "CentralFigure",
    "CentralLine",
    "CentralYear",
    "Decision",
    "DsgPlan",
    "DsgYear",
    "central_projection",
    "dsg_plan",
    "income_by_year",
    "move_back",
    "new_base",
    "new_placement",
    "rolled_spend",
    # The nowcast from the live record.
    "LiveRecord",
    "Nowcast",
    "conversion_rates",
    "nowcast",
    # The local SEND reform plan's figures.
    "REFORM_GROUPS",
    "REFORM_LABELS",
    "ReformYear",
    "reform_figures",
    # The ledger of committed spend.
    "HIGH_NEEDS",
    "committed_spend",
    "CostedPlacement",
    "Ledger",
    "PARTNERS",
    "PlacesUsed",
    "financial_year",
    "financial_year_label",
    "share_of_year",
    "year_bounds",
    # Placement: the optimiser, its explanations and what-ifs.
    "ALL_NEEDS",
    "MAX_ANNUAL_COST",
    "MAX_COST_PER_KM",
    "MAX_PERCENT",
    "MAX_PLACES",
    "MAX_POUNDS",
    "Option",
    "PlacementProblem",
    "PlacementResult",
    "Strand",
    "WhatIf",
    "check_problem",
    "explain",
    "explain_assignment",
    "COSTS_MORE",
    "FULL",
    "MOVE_NOT_WORTH",
    "NOT_DESIGNATED",
    "PREFERENCE",
    "TOO_FAR",
    "WRONG_AGE",
    "place",
    "round_pounds",
    "what_if",
    "with_strand",
    # The legal clock.
    "EXCEPTIONS",
    "OPEN_ORDER",
    "REFERENCE_INDEX",
    "RULES",
    "TIMELINE_KEYS",
    "UNOPPOSED_RULES",
    "AdviceRequest",
    "Appeal",
    "CaseClock",
    "CaseEvents",
    "Deadline",
    "DeadlineStatus",
    "Event",
    "ExceptionRecord",
    "LawfulException",
    "Length",
    "Mediation",
    "RiskSettings",
    "Rule",
    "TimelinessMeasure",
    "TribunalOrder",
    "add_months",
    "add_working_days",
    "amended_plan_due",
    "appeal_due",
    "case_clock",
    "check_case",
    "compulsory_school_age_ends",
    "due",
    "is_bank_holiday",
    "is_on_time",
    "maximum_age_end",
    "order_problems",
    "phase_transfer_due",
    "rule",
    "timeline",
    "twenty_week_measure",
    # Caseload forecasting: the history, the forecast, backtests.
    "AGE_BANDS",
    "AGE_CELLS",
    "BREAKDOWN_COLUMNS",
    "DEFAULT_METHOD",
    "ENGLAND_CODE",
    "FORECAST_METHODS",
    "MAX_PROBLEMS",
    "OUTPUT_COLUMNS",
    "Area",
    "BacktestResult",
    "CaseloadHistory",
    "ForecastInputError",
    "ForecastResult",
    "Release",
    "TextTable",
    "backtest",
    "backtest_summary",
    "caseload_history",
    "check_release",
    "forecast_caseload",
    "population_by_area",
    # Sufficiency: one area's demand, places gap and high-needs spend.
    "PLACEMENT_KEYS",
    "PLACEMENT_LABELS",
    "SPECIALIST",
    "Band",
    "Demand",
    "ModelFlows",
    "PlaceChange",
    "PlacementMix",
    "Projection",
    "ScenarioSpec",
    "StrandPlaces",
    "UnitCosts",
    "allocate_capacity",
    "area_demand",
    "combined_growth",
    "placement_mix",
    "project",
]

# Where each name lives: "module" when the name is the same there, "module:name" when not.
_HOME: dict[str, str] = {
    **dict.fromkeys(
        (
            "ADULTHOOD_RULES",
            "CARE_ACT_FLAG_AGE_MONTHS",
            "CARE_ACT_LEAD_MONTHS",
            "CEASE_REASONS_WITHOUT_OUTCOMES",
            "REVIEW_DECISION_MONTHS",
            "AdulthoodRule",
            "CareActFlag",
            "age_in_years",
            "care_act_assessment_due",
            "care_act_flag",
            "cease_needs_outcomes_considered",
            "plan_at_risk_of_lapsing",
        ),
        "adulthood",
    ),
    "Sen2Return": "sen2_model",
    "Sen2Header": "sen2_model:Header",
    "Sen2CollectionDetails": "sen2_model:CollectionDetails",
    "Sen2Source": "sen2_model:Source",
    "Sen2Person": "sen2_model:Person",
    "Sen2Request": "sen2_model:Request",
    "Sen2Assessment": "sen2_model:Assessment",
    "Sen2NamedPlan": "sen2_model:NamedPlan",
    "Sen2PlanDetail": "sen2_model:PlanDetail",
    "Sen2ActivePlans": "sen2_model:ActivePlans",
    "Sen2PlacementDetail": "sen2_model:PlacementDetail",
    "Sen2Need": "sen2_model:SENneed",
    "SEN2_CENSUS_DATES": "sen2_model:CENSUS_DATES",
    "SEN2_SETTINGS": "sen2_model:SEN_SETTINGS",
    "SEN2_ETHNICITIES": "sen2_model:ETHNICITIES",
    "SEN2_SEXES": "sen2_model:SEXES",
    "SEN2_UPN_UNKNOWN": "sen2_model:UPN_UNKNOWN",
    "SEN2_RULES": "sen2_rules",
    "Sen2Problem": "sen2_rules",
    "Sen2Rule": "sen2_rules",
    "Sen2ReadError": "sen2_xml",
    "gc_paused": "sen2_xml",
    "sen2_person_xml": "sen2_xml:person_xml",
    "sen2_read": "sen2_xml:read_return",
    "sen2_write": "sen2_xml:write_return",
    "sen2_check": "sen2_checks:check_return",
    "sen2_validate": "sen2_checks:validate",
    "sen2_collection_period": "sen2_checks:collection_period",
    "sen2_heavy_use": "sen2_checks:heavy_use",
    "SEN2_HEAVY_USE_SHARE": "sen2_checks:HEAVY_USE_SHARE",
    "sen2_parse_date": "sen2_checks:parse_date",
    **dict.fromkeys(
        (
            "MAX_AGE",
            "NEEDS",
            "NEED_CODES",
            "PHASES",
            "PHASE_KEYS",
            "PHASE_LABELS",
            "RELEASE_NEEDS",
            "REQUEST_SOURCES",
            "phase_for_age",
            "phase_index",
        ),
        "codes",
    ),
    **dict.fromkeys(("FORMULA_START", "safe_cell", "safe_row"), "cells"),
    **dict.fromkeys(("COMPLETE", "INFEASIBLE", "OPTIMAL", "TIME_LIMIT"), "results"),
    **dict.fromkeys(("EARTH_RADIUS_KM", "haversine_km"), "geo"),
    **dict.fromkeys(
        (
            "nhs_check_digit",
            "nhs_number_problem",
            "uln_problem",
            "upn_check_letter",
            "upn_problem",
        ),
        "identifiers",
    ),
    **dict.fromkeys(
        (
            "MAX_ANNUAL_COST",
            "MAX_COST_PER_KM",
            "MAX_PERCENT",
            "MAX_PLACES",
            "MAX_POUNDS",
            "PlacementProblem",
            "PlacementResult",
            "check_problem",
            "place",
        ),
        "placement",
    ),
    **dict.fromkeys(
        (
            "CASELOAD_LINES",
            "CENTRAL_UPLIFT",
            "CentralFigure",
            "CentralLine",
            "CentralYear",
            "Decision",
            "DsgPlan",
            "DsgYear",
            "central_projection",
            "dsg_plan",
            "income_by_year",
            "move_back",
            "new_base",
            "new_placement",
            "rolled_spend",
        ),
        "dsg",
    ),
    **dict.fromkeys(
        (
            "LiveRecord",
            "Nowcast",
            "conversion_rates",
            "nowcast",
        ),
        "forecast_nowcast",
    ),
    **dict.fromkeys(
        (
            "REFORM_GROUPS",
            "REFORM_LABELS",
            "ReformYear",
            "reform_figures",
        ),
        "reform",
    ),
    **dict.fromkeys(
        (
            "HIGH_NEEDS",
            "CostedPlacement",
            "Ledger",
            "PARTNERS",
            "PlacesUsed",
            "financial_year",
            "committed_spend",
            "financial_year_label",
            "share_of_year",
            "year_bounds",
        ),
        "ledger",
    ),
    **dict.fromkeys(
        (
            "PERIOD_WEEKS",
            "PERIOD_WORDS",
            "TERM_WEEKS",
            "DeliveryFigures",
            "Quantity",
            "Term",
            "WeekRecord",
            "delivery_figures",
            "is_shortfall",
            "last_weeks",
            "minutes_in_words",
            "parse_quantity",
            "percent_of",
            "sum_figures",
            "term_of",
            "term_weeks",
            "week_start",
        ),
        "delivery",
    ),
    **dict.fromkeys(
        (
            "Option",
            "explain",
            "explain_assignment",
            "COSTS_MORE",
            "FULL",
            "MOVE_NOT_WORTH",
            "NOT_DESIGNATED",
            "PREFERENCE",
            "TOO_FAR",
            "WRONG_AGE",
        ),
        "placement_explain",
    ),
    **dict.fromkeys(("ALL_NEEDS", "round_pounds"), "placement_model"),
    **dict.fromkeys(("Strand", "WhatIf", "what_if", "with_strand"), "placement_whatif"),
    **dict.fromkeys(
        ("MAX_CAPITAL", "Candidates", "SiteResult", "site", "with_candidates"), "siting"
    ),
    **dict.fromkeys(
        (
            "EXCEPTIONS",
            "REFERENCE_INDEX",
            "RULES",
            "TIMELINE_KEYS",
            "Deadline",
            "add_months",
            "add_working_days",
            "amended_plan_due",
            "appeal_due",
            "compulsory_school_age_ends",
            "due",
            "is_on_time",
            "maximum_age_end",
            "order_problems",
            "phase_transfer_due",
            "rule",
            "timeline",
        ),
        "statutory",
    ),
    **dict.fromkeys(
        (
            "OPEN_ORDER",
            "UNOPPOSED_RULES",
            "CaseClock",
            "DeadlineStatus",
            "RiskSettings",
            "case_clock",
            "check_case",
        ),
        "statutory_case",
    ),
    **dict.fromkeys(("TimelinessMeasure", "twenty_week_measure"), "statutory_measure"),
    **dict.fromkeys(
        (
            "AdviceRequest",
            "Appeal",
            "CaseEvents",
            "Event",
            "ExceptionRecord",
            "LawfulException",
            "Length",
            "Mediation",
            "Rule",
            "TribunalOrder",
        ),
        "statutory_types",
    ),
    "is_bank_holiday": "bank_holidays",
    **dict.fromkeys(
        (
            "AGE_BANDS",
            "AGE_CELLS",
            "ENGLAND_CODE",
            "MAX_PROBLEMS",
            "Area",
            "CaseloadHistory",
            "ForecastInputError",
            "Release",
            "TextTable",
            "caseload_history",
            "check_release",
        ),
        "forecast_data",
    ),
    **dict.fromkeys(
        (
            "BREAKDOWN_COLUMNS",
            "DEFAULT_METHOD",
            "FORECAST_METHODS",
            "OUTPUT_COLUMNS",
            "ForecastResult",
            "forecast_caseload",
            "population_by_area",
        ),
        "forecast",
    ),
    **dict.fromkeys(("BacktestResult", "backtest"), "forecast_backtest"),
    "backtest_summary": "forecast_backtest:summarise",
    **dict.fromkeys(
        (
            "PLACEMENT_KEYS",
            "PLACEMENT_LABELS",
            "SPECIALIST",
            "Band",
            "Demand",
            "ModelFlows",
            "PlacementMix",
            "area_demand",
            "placement_mix",
        ),
        "forecast_demand",
    ),
    **dict.fromkeys(
        (
            "PlaceChange",
            "Projection",
            "ScenarioSpec",
            "StrandPlaces",
            "UnitCosts",
            "allocate_capacity",
            "combined_growth",
            "project",
        ),
        "forecast_projection",
    ),
}

if not TYPE_CHECKING:
    # Defined for the interpreter only: mypy reads the imports above, so a misspelt name
    # is still an error there rather than an Any.

    def __getattr__(name: str) -> Any:
        home = _HOME.get(name)
        if home is None:
            raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
        module, _, attribute = home.partition(":")
        value = getattr(importlib.import_module(f"{__name__}.{module}"), attribute or name)
        globals()[name] = value  # later look-ups skip this function
        return value

    def __dir__() -> list[str]:
        return sorted({*globals(), *__all__})
