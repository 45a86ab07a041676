"""The examples in the engine's and the command line's docstrings are run, so they stay true."""

from __future__ import annotations

import doctest
import importlib
import pkgutil

import pytest

import sendplan.cli
import sendplan.engine

MODULES = sorted(
    [
        sendplan.engine.__name__,  # the front door's own example
        *(
            info.name
            for package in (sendplan.engine, sendplan.cli)
            for info in pkgutil.iter_modules(package.__path__, prefix=f"{package.__name__}.")
        ),
    ]
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    module = importlib.import_module(name)
    failed, _ = doctest.testmod(module, optionflags=doctest.NORMALIZE_WHITESPACE)
    assert failed == 0


def test_the_examples_are_found() -> None:
    found = sum(
        len(test.examples)
        for name in MODULES
        for test in doctest.DocTestFinder().find(importlib.import_module(name))
    )
    assert found >= 40
