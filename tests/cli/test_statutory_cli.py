"""`sendplan statutory timeline` as scripts use it: a subprocess, JSON out, exit codes 0 and 2."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
VENV_PYTHON = ROOT / ".venv" / "bin" / "python"
PYTHON = str(VENV_PYTHON if VENV_PYTHON.exists() else sys.executable)


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    # src on the path as well, so the tests also run before `make install`.
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")]),
    }
    return subprocess.run(
        [PYTHON, "-m", "sendplan", "statutory", *args],
        capture_output=True,
        text=True,
        env=env,
        cwd=ROOT,
        timeout=60,
    )


def test_request_alone_starts_the_three_assessment_deadlines():
    result = _run("timeline", "--request-received", "2024-01-08")
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout) == {
        "decision_to_assess": {"due": "2024-02-19", "basis": "Reg 5(1),(3); CoP 9.17"},
        "final_plan": {"due": "2024-05-27", "basis": "Reg 13(2); CoP 9.42"},
        "not_to_issue": {"due": "2024-04-29", "basis": "Reg 10(1),(3)"},
    }


def test_every_event_gives_every_contract_key_sorted_and_indented():
    result = _run(
        "timeline",
        "--request-received", "2024-01-08",
        "--advice-requested", "2024-02-29",
        "--draft-issued", "2024-04-29",
        "--plan-issued", "2024-02-29",
        "--review-meeting", "2025-02-10",
        "--amendment-proposed", "2025-02-24",
        "--transfer", "school",
        "--transfer-year", "2026",
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    assert list(out) == sorted(out)
    assert result.stdout.startswith('{\n  "advice": {\n    "basis"')
    assert {k: v["due"] for k, v in out.items()} == {
        "advice": "2024-04-11",
        "amended_plan": "2025-04-21",
        "annual_review": "2025-02-28",
        "decision_to_assess": "2024-02-19",
        "draft_comments_close": "2024-05-14",
        "final_plan": "2024-05-27",
        "not_to_issue": "2024-04-29",
        "phase_transfer": "2026-02-15",
        "review_decision": "2025-03-10",
        "review_report": "2025-02-24",
    }
    assert all(set(v) == {"due", "basis"} for v in out.values())
    assert out["phase_transfer"]["basis"] == "Reg 18(1)(b)"
    assert "plan_issued 2024-02-29 is before draft_issued" in result.stderr  # a warning only


def test_amended_plan_prints_the_12_week_ceiling_when_proposals_come_late():
    result = _run("timeline", "--request-received", "2024-01-08",
                  "--review-meeting", "2025-02-10", "--amendment-proposed", "2025-03-31")  # fmt: skip
    out = json.loads(result.stdout)["amended_plan"]
    assert out == {"due": "2025-05-05", "basis": "R (L & Ors) v Devon CC [2022] EWHC 493 (Admin)"}


def test_post16_transfer_is_due_31_march_of_the_transfer_year():
    result = _run("timeline", "--request-received", "2024-01-08",
                  "--transfer", "post16", "--transfer-year", "2028")  # fmt: skip
    assert json.loads(result.stdout)["phase_transfer"] == {
        "due": "2028-03-31",
        "basis": "Reg 18(1)(a)",
    }


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["timeline"], "--request-received"),
        (["timeline", "--request-received", "2023-02-29"], "not a calendar date"),
        (["timeline", "--request-received", "08/01/2024"], "YYYY-MM-DD"),
        (["timeline", "--request-received", "20240108"], "YYYY-MM-DD"),
        (["timeline", "--request-received", "2024-01-08", "--transfer", "school"], "together"),
        (["timeline", "--request-received", "2024-01-08", "--transfer-year", "2026"], "together"),
        (["timeline", "--request-received", "2024-01-08", "--transfer", "college",
          "--transfer-year", "2026"], "invalid choice"),
        (["timeline", "--request-received", "2024-01-08", "--transfer", "school",
          "--transfer-year", "26"], "four-digit"),
        (["timeline", "--request-received", "2024-01-08", "--transfer", "school",
          "--transfer-year", "0000"], "four-digit"),
        (["timeline", "--request-received", "9999-12-30"], "calendar"),
        ([], "COMMAND"),
    ],
)  # fmt: skip
def test_usage_errors_exit_2_with_a_clear_message_and_no_output(args, message):
    result = _run(*args)
    assert result.returncode == 2
    assert result.stdout == ""
    assert message in result.stderr
    assert "Traceback" not in result.stderr


def test_help_describes_the_timeline_and_exits_0():
    result = _run("timeline", "--help")
    assert result.returncode == 0
    assert "--request-received" in result.stdout and "--transfer-year" in result.stdout


def test_rules_lists_every_rule_with_its_unconfirmed_flag():
    result = _run("rules")
    assert result.returncode == 0
    table = json.loads(result.stdout)
    assert table["rules"]["review_decision"]["unconfirmed"] is True
    assert table["rules"]["final_plan"]["length"] == {
        "amount": 20, "unit": "weeks", "month": None, "day": None,
    }  # fmt: skip
