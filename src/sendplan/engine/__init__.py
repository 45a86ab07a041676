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
        phase_for_age,
        phase_index,
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
        PlacementMix,
        area_demand,
        placement_mix,
    )
    from sendplan.engine.forecast_projection import (
        PlaceChange,
        Projection,
        ScenarioSpec,
        StrandPlaces,
        UnitCosts,
        allocate_capacity,
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
    from sendplan.engine.placement_explain import Option, explain
    from sendplan.engine.placement_model import ALL_NEEDS, round_pounds
    from sendplan.engine.placement_whatif import Strand, WhatIf, what_if, with_strand
    from sendplan.engine.results import COMPLETE, INFEASIBLE, OPTIMAL, TIME_LIMIT
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
    # Codes: SEN2 needs and phases of education.
    "MAX_AGE",
    "NEEDS",
    "NEED_CODES",
    "PHASES",
    "PHASE_KEYS",
    "PHASE_LABELS",
    "RELEASE_NEEDS",
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
    "PlaceChange",
    "PlacementMix",
    "Projection",
    "ScenarioSpec",
    "StrandPlaces",
    "UnitCosts",
    "allocate_capacity",
    "area_demand",
    "placement_mix",
    "project",
]

# Where each name lives: "module" when the name is the same there, "module:name" when not.
_HOME: dict[str, str] = {
    **dict.fromkeys(
        (
            "MAX_AGE",
            "NEEDS",
            "NEED_CODES",
            "PHASES",
            "PHASE_KEYS",
            "PHASE_LABELS",
            "RELEASE_NEEDS",
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
    **dict.fromkeys(("Option", "explain"), "placement_explain"),
    **dict.fromkeys(("ALL_NEEDS", "round_pounds"), "placement_model"),
    **dict.fromkeys(("Strand", "WhatIf", "what_if", "with_strand"), "placement_whatif"),
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
