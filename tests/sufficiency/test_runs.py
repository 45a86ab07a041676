"""Every run records what made its numbers, and the same inputs give the same numbers."""

from __future__ import annotations

import hashlib
from pathlib import Path

import pytest
from django.core.management import call_command
from django.db import IntegrityError, transaction

from sendplan.core.tasks import run_claim
from sendplan.sufficiency import services
from sendplan.sufficiency.models import ForecastRun
from sendplan.sufficiency.runs import (
    code_version,
    demand_for,
    fingerprint,
    forecast_run_reproduce,
    forecast_run_request,
)
from tests.sufficiency.conftest import LA, SIMULATIONS, finish_run


def test_a_run_records_its_files_settings_and_code(finished_run):
    inputs = finished_run.inputs
    assert [Path(f["path"]).name for f in inputs["releases"]] == [
        "education-health-and-care-plans_2025.zip",
        "education-health-and-care-plans_2022.zip",
    ]
    for recorded in [*inputs["releases"], inputs["population"]]:
        digest = hashlib.sha256(Path(recorded["path"]).read_bytes()).hexdigest()
        assert recorded["sha256"] == digest
    assert (inputs["seed"], inputs["simulations"], inputs["horizon"]) == (0, SIMULATIONS, 10)
    assert inputs["code_version"] == code_version()
    assert inputs["assumptions"]["independent_fee"] == 60_000
    assert finished_run.fingerprint == fingerprint(inputs)


def test_a_run_records_the_assumptions_and_register_it_used(cast, demand):
    services.assumptions_update(
        changed_by=cast.la_colleague, expected_lock=0, data={"independent_fee": 80_000}
    )
    run = finish_run(demand, cast.la_colleague)
    assert run.inputs["assumptions"]["independent_fee"] == 80_000
    assert run.inputs["assumptions"]["version"] == 1
    # The cast's special school: one strand of 100 places for ASD and SLCN, ages 4-19.
    assert run.inputs["register"]["places"] == [
        {"kind": "special", "min_age": 4, "max_age": 19, "places": 100, "needs": ["ASD", "SLCN"]}
    ]
    assert run.outputs["costs"]["per_place"]["independent"] == 80_000


def test_a_finished_run_can_be_reproduced_exactly_from_its_record(finished_run):
    assert forecast_run_reproduce(finished_run) is True


def test_a_run_whose_files_changed_is_not_reproduced_silently(finished_run):
    inputs = dict(finished_run.inputs)
    inputs["releases"] = [dict(inputs["releases"][0], sha256="0" * 64), inputs["releases"][1]]
    with pytest.raises(ValueError, match="changed since the run"):
        demand_for(inputs)


def test_asking_twice_queues_one_run(db):
    first = forecast_run_request(la_code=LA, requested_by=None)
    second = forecast_run_request(la_code=LA, requested_by=None)
    assert first.pk == second.pk
    assert ForecastRun.objects.count() == 1


def test_a_run_is_claimed_once(db):
    run = forecast_run_request(la_code=LA, requested_by=None)
    assert run_claim(run=run) is True
    assert run_claim(run=run) is False


def test_the_database_allows_one_running_run_per_la(db):
    ForecastRun.objects.create(la_code=LA, status=ForecastRun.Status.RUNNING)
    with pytest.raises(IntegrityError), transaction.atomic():
        ForecastRun.objects.create(la_code=LA, status=ForecastRun.Status.RUNNING)


def test_the_command_is_safe_to_run_twice(db, capsys):
    call_command("sufficiency-run", "--la", LA, "--simulations", "20", "--horizon", "5")
    call_command("sufficiency-run", "--la", LA, "--simulations", "20", "--horizon", "5")
    out = capsys.readouterr().out
    assert "finished" in out
    assert "up to date" in out
    run = ForecastRun.objects.get()
    assert run.status == ForecastRun.Status.SUCCEEDED
    assert len(run.outputs["demand"]["years"]) == 5


def test_a_run_for_an_unknown_la_fails_with_a_message(db):
    run = forecast_run_request(la_code="E99999999", requested_by=None, simulations=20, horizon=2)
    assert run_claim(run=run)
    from sendplan.sufficiency.runs import forecast_run_execute

    run = forecast_run_execute(run)
    assert run.status == ForecastRun.Status.FAILED
    assert "E99999999" in run.message
