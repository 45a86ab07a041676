"""The engine's front door: what it offers, that it offers the real thing, and what it costs."""

from __future__ import annotations

import ast
import importlib
import subprocess
import sys
from pathlib import Path

import pytest

import sendplan.engine as engine

INIT = Path(engine.__file__)


def _type_checking_imports() -> dict[str, str]:
    """Name offered -> "module" or "module:name", as the TYPE_CHECKING block imports it."""
    tree = ast.parse(INIT.read_text(encoding="utf-8"))
    block = next(
        n for n in tree.body if isinstance(n, ast.If) and "TYPE_CHECKING" in ast.unparse(n.test)
    )
    found: dict[str, str] = {}
    for node in block.body:
        assert isinstance(node, ast.ImportFrom) and node.module
        module = node.module.removeprefix("sendplan.engine.")
        for alias in node.names:
            offered = alias.asname or alias.name
            found[offered] = module if offered == alias.name else f"{module}:{alias.name}"
    return found


def test_every_name_offered_is_listed_once_and_found_where_the_front_door_says() -> None:
    assert len(engine.__all__) == len(set(engine.__all__))
    assert _type_checking_imports() == engine._HOME
    assert set(engine._HOME) == set(engine.__all__)


@pytest.mark.parametrize("name", engine.__all__)
def test_each_name_is_the_very_object_its_module_defines(name: str) -> None:
    module, _, attribute = engine._HOME[name].partition(":")
    home = importlib.import_module(f"sendplan.engine.{module}")
    assert getattr(engine, name) is getattr(home, attribute or name)


def test_an_unknown_name_is_an_attribute_error() -> None:
    with pytest.raises(AttributeError, match="has no attribute 'no_such_name'"):
        engine.no_such_name  # noqa: B018
    with pytest.raises(ImportError):
        exec("from sendplan.engine import no_such_name", {})


def _loaded_after(statement: str) -> set[str]:
    code = f"import sys\n{statement}\nprint(' '.join(sorted(sys.modules)))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    return {m.split(".")[0] for m in result.stdout.split()}


def test_the_legal_clock_loads_no_numerical_library() -> None:
    loaded = _loaded_after("from sendplan.engine import case_clock, timeline, twenty_week_measure")
    assert not loaded & {"numpy", "polars", "scipy", "ortools"}


def test_the_optimiser_loads_neither_polars_nor_scipy() -> None:
    loaded = _loaded_after("from sendplan.engine import NEED_CODES, PlacementProblem, place")
    assert "numpy" in loaded
    assert not loaded & {"polars", "scipy"}
