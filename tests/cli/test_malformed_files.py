"""Every malformed file in tests/cli/malformed/ through the real command.

Each case is refused with exit status 1 and exactly the lines in its ``.expected`` file (one
``FILE:LINE: column: problem`` per problem, no traceback), and nothing is written: no output
file, no temporary file beside it, no row in the database. The importers run on SQLite, and on
PostgreSQL when DATABASE_URL names one.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from django.core.management import call_command

from sendplan.__main__ import main
from sendplan.cli import forecast, place, sen2, site
from sendplan.learners.models import Learner
from sendplan.provision.models import ProvisionStrand, Setting

CORPUS = Path(__file__).parent / "malformed"
GOOD = CORPUS / "good"


def cases(command: str) -> list[Path]:
    folder = CORPUS / command
    return sorted(p for p in folder.iterdir() if p.suffix != ".expected")


def expected(case: Path, **names: Path) -> list[str]:
    text = case.with_suffix(".expected").read_text(encoding="utf-8")
    for name, path in {"file": case, **names}.items():
        text = text.replace("{" + name + "}", str(path))
    return text.splitlines()


def test_the_corpus_has_at_least_fifty_files_each_with_its_expected_lines() -> None:
    commands = [
        "place-learners", "place-settings", "site-candidates", "forecast-caseload",
        "forecast-population",
    ]  # fmt: skip
    all_cases = [case for command in [*commands, "gias", "sen2"] for case in cases(command)]
    assert len(all_cases) >= 50
    assert all(case.with_suffix(".expected").is_file() for case in all_cases)


def _run_place(learners: Path, settings: Path, out: Path, capsys) -> tuple[int, list[str]]:
    status = place.main(
        ["--learners", str(learners), "--settings", str(settings), "--out", str(out / "p.csv"),
         "--summary", str(out / "s.json")]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert captured.out == ""
    return status, captured.err.splitlines()


@pytest.mark.parametrize("case", cases("place-learners"), ids=lambda p: p.name)
def test_place_refuses_malformed_learners(case: Path, tmp_path: Path, capsys) -> None:
    settings = GOOD / "settings.csv"
    status, lines = _run_place(case, settings, tmp_path, capsys)
    assert (status, lines) == (1, expected(case, settings=settings))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", cases("place-settings"), ids=lambda p: p.name)
def test_place_refuses_malformed_settings(case: Path, tmp_path: Path, capsys) -> None:
    status, lines = _run_place(GOOD / "learners.csv", case, tmp_path, capsys)
    assert (status, lines) == (1, expected(case))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", cases("site-candidates"), ids=lambda p: p.name)
def test_site_refuses_malformed_candidates(case: Path, tmp_path: Path, capsys) -> None:
    settings = GOOD / "settings.csv"
    status = site.main(
        ["--learners", str(GOOD / "learners.csv"), "--settings", str(settings),
         "--candidates", str(case), "--budget", "1000000", "--out", str(tmp_path / "sites.csv"),
         "--placements", str(tmp_path / "p.csv"), "--summary", str(tmp_path / "s.json")]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert captured.out == ""
    assert (status, captured.err.splitlines()) == (1, expected(case, settings=settings))
    assert list(tmp_path.iterdir()) == []


def test_site_accepts_the_good_candidates(tmp_path: Path, capsys) -> None:
    status = site.main(
        ["--learners", str(GOOD / "learners.csv"), "--settings", str(GOOD / "settings.csv"),
         "--candidates", str(GOOD / "candidates.csv"), "--budget", "1000000",
         "--out", str(tmp_path / "sites.csv")]
    )  # fmt: skip
    assert (status, capsys.readouterr().err) == (0, "")


def _run_forecast(argv: list[str], out: Path, capsys) -> tuple[int, list[str]]:
    status = forecast.main(
        [*argv, "--horizon", "2", "--simulations", "10", "--out", str(out / "f.csv"),
         "--breakdowns-out", str(out / "b.csv")]
    )  # fmt: skip
    captured = capsys.readouterr()
    assert captured.out == ""
    return status, captured.err.splitlines()


@pytest.mark.parametrize("case", cases("forecast-caseload"), ids=lambda p: p.name)
def test_forecast_refuses_malformed_caseload(case: Path, tmp_path: Path, capsys) -> None:
    status, lines = _run_forecast(["--caseload", str(case)], tmp_path, capsys)
    assert (status, lines) == (1, expected(case))
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("case", cases("forecast-population"), ids=lambda p: p.name)
def test_forecast_refuses_malformed_population(case: Path, tmp_path: Path, capsys) -> None:
    argv = ["--caseload", str(GOOD / "caseload.csv"), "--population", str(case)]
    status, lines = _run_forecast(argv, tmp_path, capsys)
    assert (status, lines) == (1, expected(case))
    assert list(tmp_path.iterdir()) == []


def test_good_companion_files_are_accepted(tmp_path: Path, capsys) -> None:
    """The corpus's good files pass, so each refusal above is the malformed file's doing."""
    status, lines = _run_place(GOOD / "learners.csv", GOOD / "settings.csv", tmp_path, capsys)
    assert (status, lines) == (0, [])
    argv = ["--caseload", str(GOOD / "caseload.csv"), "--population", str(GOOD / "population.csv")]
    assert forecast.main([*argv, "--horizon", "2", "--simulations", "10",
                          "--out", str(tmp_path / "f.csv")]) == 0  # fmt: skip


@pytest.mark.parametrize("case", cases("sen2"), ids=lambda p: p.name)
def test_sen2_validate_refuses_malformed_returns(case: Path, tmp_path: Path, capsys) -> None:
    report = tmp_path / "report.csv"
    status = sen2.main([str(case), "--report", str(report)])
    captured = capsys.readouterr()
    assert (status, captured.err.splitlines()) == (1, expected(case))
    if captured.out:  # a return it could read: the summary, and the same problems as CSV
        assert captured.out.startswith(f"{case}: 1 persons, ")
        assert len(report.read_text(encoding="utf-8").splitlines()) == len(expected(case)) + 1
    else:
        assert list(tmp_path.iterdir()) == []


def test_the_good_sen2_return_is_valid(capsys) -> None:
    assert sen2.main([str(GOOD / "sen2.xml")]) == 0
    captured = capsys.readouterr()
    assert (captured.out, captured.err) == (
        f"{GOOD / 'sen2.xml'}: 1 persons, 0 errors, 0 warnings\n",
        "",
    )


@pytest.mark.parametrize("command", ["place", "forecast"])
def test_a_folder_given_as_a_file_is_one_problem(command: str, tmp_path: Path, capsys) -> None:
    folder = tmp_path / "inputs"
    folder.mkdir()
    out = tmp_path / "out"
    out.mkdir()
    if command == "place":
        status, lines = _run_place(folder, GOOD / "settings.csv", out, capsys)
    else:
        status, lines = _run_forecast(["--caseload", str(folder)], out, capsys)
    assert (status, lines) == (1, [f"{folder}:1: file: is a folder, not a file"])
    assert list(out.iterdir()) == []


# The importers: the database is left as it was --------------------------------------------


def _import_gias(path: Path) -> tuple[int, str, list[str]]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("provision", "import-gias", str(path), stdout=out, stderr=err)
    except SystemExit as exit_:
        return int(exit_.code or 0), out.getvalue(), err.getvalue().splitlines()
    return 0, out.getvalue(), err.getvalue().splitlines()


@pytest.mark.django_db
@pytest.mark.parametrize("case", cases("gias"), ids=lambda p: p.name)
def test_gias_import_refuses_malformed_file_and_writes_nothing(case: Path) -> None:
    assert _import_gias(case) == (1, "", expected(case))
    assert (Setting.objects.count(), ProvisionStrand.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_gias_import_of_a_folder_is_one_problem(tmp_path: Path) -> None:
    assert _import_gias(tmp_path) == (1, "", [f"{tmp_path}:1: file: is a folder, not a file"])
    assert not Setting.objects.exists()


def test_sen2_validate_runs_from_the_console_script_without_django(capsys) -> None:
    assert main(["sen2", "validate", str(GOOD / "sen2.xml")]) == 0
    assert capsys.readouterr().out.endswith("1 persons, 0 errors, 0 warnings\n")
    assert main(["sen2", "validate"]) == 2


@pytest.mark.django_db
@pytest.mark.parametrize("case", cases("sen2"), ids=lambda p: p.name)
def test_sen2_import_refuses_malformed_returns_and_writes_nothing(case: Path) -> None:
    out, err = io.StringIO(), io.StringIO()
    with pytest.raises(SystemExit) as stop:
        call_command("sen2", "import", str(case), stdout=out, stderr=err)
    assert stop.value.code == 1 and out.getvalue() == ""
    lines = err.getvalue().splitlines()
    errors = [line for line in expected(case) if ": warning: " not in line]
    assert lines[: len(errors)] == errors
    assert not Learner.objects.exists()
