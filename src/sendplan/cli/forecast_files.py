"""Reading the published files the forecast works from: DfE caseload releases and ONS
population projections.

The engine takes tables, never paths. This module opens a release zip (or a bare
``caseload.csv`` / ``sen2_age_caseload.csv``, with a ``sen_needs_all_plans.csv`` beside it
when there is one), reads every column as text and hands the tables to the engine, which
checks them. Problems are lines of ``FILE:LINE: column: what is wrong``, a zip member being
named ``release.zip/data/caseload.csv``. ``sendplan forecast`` and the sufficiency app both
read through here, so they refuse the same files with the same words.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from sendplan.engine import (
    MAX_PROBLEMS,
    CaseloadHistory,
    ForecastInputError,
    Release,
    TextTable,
    caseload_history,
    check_release,
    population_by_area,
)

#: The caseload tables of a release zip, newest layout first, and its need-by-age table.
CASELOAD_MEMBERS = ("data/caseload.csv", "data/sen2_age_caseload.csv")
NEEDS_MEMBER = "data/sen_needs_all_plans.csv"


def _table(label: str, raw: bytes) -> TextTable:
    text = raw.decode("utf-8-sig", errors="replace")
    frame = pl.read_csv(io.StringIO(text), infer_schema_length=0, truncate_ragged_lines=True)
    return TextTable(label, frame)


def read_release(path: Path | str) -> Release:
    """The tables of one release: a zip as published, or its caseload CSV.

    Parameters
    ----------
    path
        A release zip, or its ``caseload.csv`` (2023-onwards layout; a
        ``sen_needs_all_plans.csv`` beside it is read too) or ``sen2_age_caseload.csv``
        (2022 layout).

    Returns
    -------
    Release
        Its tables as text, not yet checked.

    Raises
    ------
    ForecastInputError
        When the file is missing, or is a zip without a caseload table.

    Examples
    --------
    >>> read_release("/no/such/release.zip")
    Traceback (most recent call last):
    ...
    sendplan.engine.forecast_data.ForecastInputError: /no/such/release.zip:1: -: file not found
    """
    path = Path(path)
    if not path.exists():
        raise ForecastInputError([f"{path}:1: -: file not found"])
    if zipfile.is_zipfile(path):
        with zipfile.ZipFile(path) as archive:
            names = set(archive.namelist())
            member = next((n for n in CASELOAD_MEMBERS if n in names), None)
            if member is None:
                raise ForecastInputError(
                    [f"{path}:1: -: no data/caseload.csv or data/sen2_age_caseload.csv in the zip"]
                )
            caseload = _table(f"{path}/{member}", archive.read(member))
            needs = None
            # Need by age is published beside the 2023-onwards caseload table only.
            if member == CASELOAD_MEMBERS[0] and NEEDS_MEMBER in names:
                needs = _table(f"{path}/{NEEDS_MEMBER}", archive.read(NEEDS_MEMBER))
            return Release(caseload=caseload, needs=needs)
    caseload = _table(str(path), path.read_bytes())
    sibling = path.with_name(Path(NEEDS_MEMBER).name)
    needs = None
    if path.name == Path(CASELOAD_MEMBERS[0]).name and sibling.exists():
        needs = _table(str(sibling), sibling.read_bytes())
    return Release(caseload=caseload, needs=needs)


def read_releases(paths: Sequence[Path | str]) -> list[Release]:
    """Read one or more releases (:func:`read_release`), refusing if any cannot be read.

    Parameters
    ----------
    paths
        Release zips or caseload CSVs, in any order.

    Returns
    -------
    list of Release
        Their tables, in the order given, not yet checked.

    Raises
    ------
    ForecastInputError
        When a file cannot be read: listing that, and every problem of the files that
        could, in the order given.

    Examples
    --------
    >>> read_releases([])
    Traceback (most recent call last):
    ...
    sendplan.engine.forecast_data.ForecastInputError: -:1: --caseload: no caseload file given
    """
    read: list[Release | ForecastInputError] = []
    for path in paths:
        try:
            read.append(read_release(path))
        except ForecastInputError as error:
            read.append(error)
    releases = [r for r in read if isinstance(r, Release)]
    if not read:
        raise ForecastInputError(["-:1: --caseload: no caseload file given"])
    if len(releases) == len(read):
        return releases
    # A file that cannot be read is reported with the problems of the others, in the order
    # given; a history is only built when every file was read.
    problems: list[str] = []
    for item in read:
        if isinstance(item, ForecastInputError):
            problems.extend(item.problems)
            continue
        try:
            check_release(release=item)
        except ForecastInputError as error:
            problems.extend(error.problems)
    raise ForecastInputError(problems[:MAX_PROBLEMS])


def load_caseload(paths: Sequence[Path | str]) -> CaseloadHistory:
    """Read one or more releases and return the checked caseload history.

    Parameters
    ----------
    paths
        Release zips or caseload CSVs (:func:`read_release`). Where years overlap, the file
        with the latest year wins.

    Returns
    -------
    CaseloadHistory

    Raises
    ------
    ForecastInputError
        Listing every problem, in the order the files were given.
    """
    return caseload_history(releases=read_releases(paths))


def read_population(path: Path | str, history: CaseloadHistory) -> dict[int, np.ndarray]:
    """An ONS SNPP projection (``--population``) by LA of ``history``, age cell and mid-year.

    Parameters
    ----------
    path
        A CSV in the layout of ``data/ons-snpp-2022-lambeth/``.
    history
        The caseload history whose LAs the projection is for.

    Returns
    -------
    dict
        As :func:`sendplan.engine.population_by_area`.

    Raises
    ------
    ForecastInputError
        Listing every problem as ``FILE:LINE: column: what is wrong``.

    Examples
    --------
    >>> read_population("/no/such.csv", None)
    Traceback (most recent call last):
    ...
    sendplan.engine.forecast_data.ForecastInputError: /no/such.csv:1: -: file not found
    """
    path = Path(path)
    if not path.exists():
        raise ForecastInputError([f"{path}:1: -: file not found"])
    text = path.read_bytes().decode("utf-8-sig")
    frame = pl.read_csv(io.StringIO(text), infer_schema_length=0)
    return population_by_area(table=TextTable(str(path), frame), history=history)
