"""The settings module refuses unsafe or mistyped configuration."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from django.core.exceptions import ImproperlyConfigured

from sendplan.env import envbool, envint

GOOD_KEY = "k" * 50
# Variables a developer may have set that would change what these tests load.
STRIPPED = {
    "SENDPLAN_ENV",
    "DEBUG",
    "SECRET_KEY",
    "SENDPLAN_SERVICE_URL",
    "SENDPLAN_SECOND_FACTOR",
    "SENDPLAN_LA_CODE",
    "SENDPLAN_SERVICE_NAME",
    "SENDPLAN_PARTNERSHIP_NAME",
    "SENDPLAN_DEMO",
    "SENDPLAN_TASKS_BACKEND",
}


def load_settings(*, show: str = "", **env: str) -> subprocess.CompletedProcess[str]:
    """Import the settings with ``env``; ``show`` names settings to print, one a line."""
    clean = {k: v for k, v in os.environ.items() if k not in STRIPPED}
    names = [n for n in show.split(",") if n]
    code = "import sendplan.settings as s\n" + "".join(f"print(s.{n})\n" for n in names)
    return subprocess.run(
        [sys.executable, "-c", code],
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_refuses_to_start_without_a_secret_key():
    result = load_settings(SENDPLAN_ENV="production", DEBUG="false", ALLOWED_HOSTS="x.test")
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_refuses_to_start_with_debug_on():
    result = load_settings(
        SENDPLAN_ENV="production", SECRET_KEY=GOOD_KEY, DEBUG="true", ALLOWED_HOSTS="x.test"
    )
    assert result.returncode != 0
    assert "DEBUG must be off" in result.stderr


def test_production_starts_with_a_key_debug_off_hosts_and_an_https_address():
    result = load_settings(
        SENDPLAN_ENV="production",
        SECRET_KEY=GOOD_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="x.test",
        SENDPLAN_SERVICE_URL="https://x.test",
    )
    assert result.returncode == 0, result.stderr


def test_production_refuses_a_plain_http_service_address_for_email_links():
    result = load_settings(
        SENDPLAN_ENV="production",
        SECRET_KEY=GOOD_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="x.test",
        SENDPLAN_SERVICE_URL="http://x.test",
    )
    assert "SENDPLAN_SERVICE_URL must be the service's https:// address" in result.stderr


def test_background_work_goes_to_the_database_queue_by_default():
    result = subprocess.run(
        [sys.executable, "-c", "from sendplan import settings; print(settings.TASKS)"],
        env={k: v for k, v in os.environ.items() if k not in STRIPPED},
        capture_output=True,
        text=True,
        check=False,
    )
    assert "'django_tasks_db.DatabaseBackend'" in result.stdout, result.stderr


def test_production_refuses_to_run_background_work_in_the_web_process():
    result = load_settings(
        SENDPLAN_ENV="production",
        SECRET_KEY=GOOD_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="x.test",
        SENDPLAN_SERVICE_URL="https://x.test",
        SENDPLAN_TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
    )
    assert "SENDPLAN_TASKS_BACKEND must be a queue that workers run" in result.stderr


def test_development_needs_no_variables():
    result = load_settings()
    assert result.returncode == 0, result.stderr


def test_unknown_environment_name_is_refused():
    result = load_settings(SENDPLAN_ENV="prod")
    assert "SENDPLAN_ENV must be development, test or production" in result.stderr


@pytest.mark.parametrize("raw, expected", [("true", True), ("0", False), ("ON", True), ("", False)])
def test_envbool_reads_the_usual_spellings(monkeypatch, raw, expected):
    monkeypatch.setenv("SP_FLAG", raw)
    assert envbool("SP_FLAG", not expected) is expected


def test_envbool_refuses_a_typo(monkeypatch):
    monkeypatch.setenv("SP_FLAG", "ture")
    with pytest.raises(ImproperlyConfigured, match="SP_FLAG must be one of"):
        envbool("SP_FLAG", False)


def test_envint_refuses_words_and_values_below_the_minimum(monkeypatch):
    monkeypatch.setenv("SP_N", "five")
    with pytest.raises(ImproperlyConfigured, match="whole number"):
        envint("SP_N", 1)
    monkeypatch.setenv("SP_N", "0")
    with pytest.raises(ImproperlyConfigured, match="at least 1"):
        envint("SP_N", 1, minimum=1)


def test_production_refuses_to_turn_the_second_factor_off():
    result = load_settings(
        SENDPLAN_ENV="production",
        SECRET_KEY=GOOD_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="x.test",
        SENDPLAN_SERVICE_URL="https://x.test",
        SENDPLAN_SECOND_FACTOR="false",
    )
    assert "SENDPLAN_SECOND_FACTOR cannot be turned off in production" in result.stderr


def test_the_idle_timeout_must_be_a_whole_number_of_at_least_five_minutes():
    assert load_settings(SENDPLAN_IDLE_MINUTES="15").returncode == 0
    too_short = load_settings(SENDPLAN_IDLE_MINUTES="4")
    assert "SENDPLAN_IDLE_MINUTES must be at least 5, not 4" in too_short.stderr
    not_a_number = load_settings(SENDPLAN_IDLE_MINUTES="half an hour")
    assert "SENDPLAN_IDLE_MINUTES must be a whole number" in not_a_number.stderr


def test_no_area_a_neutral_name_and_no_demo_notice_by_default():
    result = load_settings(show="SENDPLAN_LA_CODE,PARTNERSHIP_NAME,SENDPLAN_DEMO")
    assert result.stdout.splitlines() == ["", "SENDplan", "False"], result.stderr


def test_the_partnership_name_defaults_to_the_service_name():
    result = load_settings(show="PARTNERSHIP_NAME", SENDPLAN_SERVICE_NAME="Our SEND service")
    assert result.stdout.splitlines() == ["Our SEND service"], result.stderr


def test_the_area_is_read_from_its_variable_and_a_malformed_code_is_refused():
    result = load_settings(show="SENDPLAN_LA_CODE", SENDPLAN_LA_CODE=" e08000009 ")
    assert result.stdout.splitlines() == ["E08000009"], result.stderr
    wrong = load_settings(SENDPLAN_LA_CODE="208")
    assert "SENDPLAN_LA_CODE must be an ONS code such as E09000022, not '208'" in wrong.stderr
