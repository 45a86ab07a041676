"""`sendplan sufficiency-run` forecasts the area it is given, or the configured one; with
neither it stops and says what to set, rather than forecasting some other area."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from sendplan.sufficiency.models import ForecastRun
from tests.sufficiency.conftest import LA


def _run(*args: str) -> str:
    out = io.StringIO()
    call_command("sufficiency-run", *args, stdout=out)
    return out.getvalue()


def test_without_an_area_or_the_setting_the_command_stops_with_a_usage_error(db, settings):
    settings.SENDPLAN_LA_CODE = ""
    with pytest.raises(CommandError) as raised:
        _run()
    assert raised.value.returncode == 2
    assert str(raised.value) == (
        "no area to forecast: give --la CODE (the council's ONS code, such as E09000022) or "
        "set SENDPLAN_LA_CODE"
    )
    assert not ForecastRun.objects.exists()


def test_without_la_the_configured_area_is_forecast(db, settings):
    settings.SENDPLAN_LA_CODE = LA
    ForecastRun.objects.create(la_code=LA, status=ForecastRun.Status.RUNNING)
    assert _run() == f"a run for {LA} is already in progress\n"


def test_la_wins_over_the_configured_area(db, settings):
    settings.SENDPLAN_LA_CODE = "E08000009"
    ForecastRun.objects.create(la_code=LA, status=ForecastRun.Status.RUNNING)
    assert _run("--la", LA) == f"a run for {LA} is already in progress\n"
