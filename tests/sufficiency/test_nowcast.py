"""The nowcast's counts from the live record, and the table on the sufficiency page."""

from __future__ import annotations

import datetime as dt
import re

from django.urls import reverse

from sendplan.casework.case.models import Stage
from sendplan.casework.models import Case, Plan
from sendplan.casework.plans.models import CeaseReason
from sendplan.engine import Band, Demand, ModelFlows, Nowcast, Projection
from sendplan.sufficiency import selectors
from sendplan.sufficiency.models import ForecastRun
from sendplan.sufficiency.report import Report, nowcast_rows
from tests.casework.conftest import at
from tests.factories import LearnerFactory
from tests.sufficiency.test_money import _cells

ON = dt.date(2026, 10, 1)


def _case(la, stage, received, **fields):
    return Case.objects.create(
        learner=LearnerFactory(responsible_la=la),
        received_on=received,
        source=Case.Source.PARENT,
        requested_by="mother",
        stage=stage,
        **fields,
    )


def _plan(la, born, **fields):
    fields.setdefault("status", Plan.Status.MAINTAINED)
    fields.setdefault("issued_on", dt.date(2020, 1, 1))
    return Plan.objects.create(
        learner=LearnerFactory(responsible_la=la, date_of_birth=born), **fields
    )


def test_the_live_record_is_counted_on_the_day(cast):
    before = selectors.live_record(fetched_by=cast.la_colleague, on=ON)
    la = cast.la
    _case(la, Stage.REQUESTED, dt.date(2026, 9, 1))
    _case(
        la,
        Stage.CONSULTING,
        dt.date(2026, 5, 1),
        decision_on=dt.date(2026, 6, 1),
        assess=True,
        draft_issued_on=dt.date(2026, 8, 1),
    )
    _case(la, Stage.REQUESTED, dt.date(2026, 11, 1))  # after the day: not yet received
    _case(
        la,
        Stage.NOT_ASSESSING,
        dt.date(2026, 2, 1),
        decision_on=dt.date(2026, 3, 1),
        assess=False,
        rights_given=True,
    )
    _case(
        la,
        Stage.FINAL_ISSUED,
        dt.date(2025, 2, 1),
        decision_on=dt.date(2025, 3, 1),
        assess=True,
        draft_issued_on=dt.date(2025, 5, 1),
        final_issued_on=dt.date(2025, 6, 1),
    )
    _case(cast.other_la, Stage.REQUESTED, dt.date(2026, 9, 1))  # another LA's
    _plan(la, dt.date(2002, 3, 4))  # 25 in March 2027
    _plan(la, dt.date(2015, 1, 1), cease_decided_on=dt.date(2026, 9, 20))
    _plan(
        la,
        dt.date(2010, 1, 1),
        status=Plan.Status.CEASED,
        ceased_on=dt.date(2026, 1, 1),
        cease_reason=CeaseReason.NEEDS_MET,
    )
    _plan(
        la,
        dt.date(2000, 1, 1),
        status=Plan.Status.CEASED,
        ceased_on=dt.date(2025, 7, 31),
        cease_reason=CeaseReason.MAXIMUM_AGE,
    )
    _plan(cast.other_la, dt.date(2002, 3, 4))
    live = selectors.live_record(fetched_by=cast.la_colleague, on=ON)
    assert live.plans == before.plans + 2
    assert live.open_cases.get("requested", 0) == before.open_cases.get("requested", 0) + 1
    assert live.open_cases.get("drafting", 0) == before.open_cases.get("drafting", 0) + 1
    assert (
        sorted(live.finished)[-2:]
        == sorted([*before.finished, ("requested", False), ("drafting", True)])[-2:]
    )
    assert len(live.finished) == len(before.finished) + 2
    # Received in the year to 1 October 2026: the open request, the draft, the refusal.
    assert live.requests_last_year == before.requests_last_year + 3
    assert live.cease_decided == before.cease_decided + 1
    assert live.ceased_other_last_year == before.ceased_other_last_year + 1
    assert dt.date(2002, 3, 4) in live.birth_dates


def test_the_page_shows_the_live_record_against_the_model(cast, finished_run):
    with at(ON):
        html = cast.client_for(cast.la_colleague).get(reverse("sufficiency:overview")).content
    rows = _cells(html.decode(), "The live record against the published-data model")
    labels = [r[0] for r in rows]
    assert labels == [
        "EHC plans now",
        "New plans in the next 12 months",
        "Plans ceasing in the next 12 months",
        "EHC plans in 12 months",
        "Growth in a year",
    ]
    assert rows[0][1].endswith("on 1 October 2026")
    assert "in January" in rows[0][2] and "80% interval" in rows[3][2]
    # The published-data model's own flows for its first year, beside the record's.
    assert re.fullmatch(r"[\d,]+ in 2025 \(January to December.*", rows[1][2])
    assert rows[2][2].startswith("Net outflow of ")
    assert rows[4][2].endswith("%")


def _number(text: str) -> int:
    return int(text.replace(",", "").replace("−", "-"))


def test_the_page_shows_the_models_flows_with_their_80_percent_intervals(cast, finished_run):
    flows = finished_run.outputs["demand"]["flows"]
    assert flows["new_plans_lower80"] is not None  # the run kept the intervals
    with at(ON):
        html = cast.client_for(cast.la_colleague).get(reverse("sufficiency:overview")).content
    rows = _cells(html.decode(), "The live record against the published-data model")
    new = re.fullmatch(
        r"([\d,]+) in 2025 \(January to December; 80% interval ([\d,]+) to ([\d,]+)\)",
        rows[1][2],
    )
    assert new is not None, rows[1][2]
    low, point, high = _number(new[2]), _number(new[1]), _number(new[3])
    assert low <= point <= high and low < high
    assert point == round(flows["new_plans"])
    out = re.match(
        r"Net outflow of (-?[\d,]+) in 2025 \(80% interval (-?[\d,]+) to (-?[\d,]+)\): ", rows[2][2]
    )
    assert out is not None, rows[2][2]
    low, point, high = _number(out[2]), _number(out[1]), _number(out[3])
    assert low <= point <= high and low < high
    assert point == round(flows["net_outflow"])


def test_the_live_record_takes_four_queries_however_large(cast, django_assert_num_queries):
    selectors.live_record(fetched_by=cast.la_colleague, on=ON)  # the user's standing settles
    with django_assert_num_queries(4):
        selectors.live_record(fetched_by=cast.la_colleague, on=ON)
    for i in range(5):
        _case(cast.la, Stage.REQUESTED, dt.date(2026, 9, 1 + i))
        _plan(cast.la, dt.date(2010, 1, 1 + i))
    with django_assert_num_queries(4):
        selectors.live_record(fetched_by=cast.la_colleague, on=ON)


def _hand_made(flows: ModelFlows | None, *, stored: bool = True) -> Report:
    """A run of one need forecast from January 2025 to January 2026 at 1,090 plans."""
    demand = Demand(
        la_code="E09000022",
        la_name="Lambeth",
        origin_year=2025,
        actuals=((2025, 1000.0),),
        years=(2026,),
        total={2026: Band(1090.0, 1040.0, 1150.0)},
        plans={},
        shares={},
        flows=flows,
    )
    stored_demand = demand.to_json()
    if not stored:
        del stored_demand["flows"]  # as runs made before the flows were kept
    run = ForecastRun(la_code="E09000022", outputs={"demand": stored_demand})
    baseline = Projection("baseline", "Baseline", demand.total, {}, {}, {}, {}, {}, demand.total)
    return Report(run=run, demand=Demand.from_json(stored_demand), costs={}, projections=[baseline])


NOWCAST = Nowcast(
    on=ON,
    until=ON + dt.timedelta(days=365),
    plans=1010,
    conversion={"requested": 0.6, "assessing": 0.9, "drafting": 1.0},
    from_record={"requested": False, "assessing": False, "drafting": False},
    new_from_open=80.0,
    new_from_requests=120.0,
    ceasing_age=30,
    ceasing_other=20.0,
)


def test_the_model_column_shows_the_models_new_plans_and_net_outflow():
    rows = nowcast_rows(NOWCAST, _hand_made(ModelFlows(2025, 1000.0, 150.4, 60.4)))
    assert rows[1]["model"].startswith("150 in 2025 (January to December")
    assert rows[2]["model"].startswith("Net outflow of 60 in 2025: plans ceased plus plans moving")
    # 1,000 + 150 - 60 is the 1,090 the page shows for January 2026: no further note.
    assert "flows alone" not in rows[2]["model"]
    assert rows[3]["model"].startswith("1,090 in January 2026")
    assert rows[1]["live"].startswith("200: ") and rows[2]["live"].startswith("50: ")


def test_the_model_column_gives_each_flows_80_percent_interval():
    flows = ModelFlows(2025, 1000.0, 150.4, 60.4, 120.2, 184.6, 35.0, 90.5)
    rows = nowcast_rows(NOWCAST, _hand_made(flows))
    assert rows[1]["model"] == "150 in 2025 (January to December; 80% interval 120 to 185)"
    assert rows[2]["model"].startswith(
        "Net outflow of 60 in 2025 (80% interval 35 to 90): plans ceased plus plans moving"
    )
    # The point figures are the flows': 1,000 + 150 - 60 is still the 1,090 shown.
    assert "flows alone" not in rows[2]["model"]


def test_a_run_stored_before_the_flows_intervals_shows_the_points_and_how_to_fill_them():
    report = _hand_made(ModelFlows(2025, 1000.0, 150.4, 60.4, 120.0, 185.0, 35.0, 90.0))
    stored = report.run.outputs["demand"]
    for key in (
        "new_plans_lower80",
        "new_plans_upper80",
        "net_outflow_lower80",
        "net_outflow_upper80",
    ):
        del stored["flows"][key]  # as runs made before the intervals were kept
    rows = nowcast_rows(
        NOWCAST,
        Report(
            run=report.run,
            demand=Demand.from_json(stored),
            costs={},
            projections=report.projections,
        ),
    )
    assert rows[1]["model"] == (
        "150 in 2025 (January to December; no 80% interval: this run was made before the "
        "flows' intervals were kept, re-running fills it)"
    )
    assert rows[2]["model"].startswith("Net outflow of 60 in 2025: plans ceased")


def test_a_total_moved_by_the_population_says_what_the_flows_alone_give():
    rows = nowcast_rows(NOWCAST, _hand_made(ModelFlows(2025, 1000.0, 150.0, 80.0)))
    assert rows[2]["model"].endswith(
        "The flows alone give 1,070 next January; the population projection and the "
        "assumptions move the forecast to 1,090"
    )


def test_an_old_run_without_flows_shows_a_dash_and_how_to_fill_it():
    rows = nowcast_rows(NOWCAST, _hand_made(None, stored=False))
    for row in rows[1:3]:
        assert row["model"].startswith("– (this run was made before the model's flows were kept")
    assert rows[3]["model"].startswith("1,090 in January 2026")
    other_method = nowcast_rows(NOWCAST, _hand_made(None))
    assert "did not come from the stock-and-flow model" in other_method[1]["model"]


def test_the_page_renders_an_old_run_without_flows(cast, finished_run):
    assert finished_run.outputs["demand"]["flows"] is not None  # the default method kept them
    outputs = finished_run.outputs
    del outputs["demand"]["flows"]
    ForecastRun.objects.filter(pk=finished_run.pk).update(outputs=outputs)
    with at(ON):
        response = cast.client_for(cast.la_colleague).get(reverse("sufficiency:overview"))
    assert response.status_code == 200
    rows = _cells(response.content.decode(), "The live record against the published-data model")
    assert "re-running fills it" in rows[1][2] and "re-running fills it" in rows[2][2]
    assert "80% interval" in rows[3][2]
