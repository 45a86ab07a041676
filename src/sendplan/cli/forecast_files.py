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

import csv
import io
import zipfile
import zlib
from collections.abc import Sequence
from pathlib import Path

import numpy as np
import polars as pl

from sendplan.cli.input_files import ZIP_MAGIC, InputFileError, decode_text, read_bytes
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
#: The flow tables (new plans, requests) of each caseload layout: the stock-and-flow model's.
FLOW_MEMBERS = {
    CASELOAD_MEMBERS[0]: ("data/newplans.csv", "data/requests.csv"),
    CASELOAD_MEMBERS[1]: ("data/sen2_mi.csv",),
}


def _table(label: str, raw: bytes) -> TextTable:
    """A CSV's columns as text, or :class:`ForecastInputError` with its one problem."""
    try:
        text, _ = decode_text(label, raw)
    except InputFileError as error:
        raise ForecastInputError(error.problems) from None
    return TextTable(label, _frame(label, text, ragged=True))


def _frame(label: str, text: str, *, ragged: bool) -> pl.DataFrame:
    try:
        return pl.read_csv(io.StringIO(text), infer_schema_length=0, truncate_ragged_lines=ragged)
    except (pl.exceptions.PolarsError, ValueError) as error:
        raise ForecastInputError([_unreadable(label, text, error)]) from None


def _unreadable(label: str, text: str, error: Exception) -> str:
    """Where and why a table polars refused is not CSV: the csv module finds the line."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    try:
        for _ in reader:
            start = reader.line_num + 1
    except csv.Error as found:
        return f"{label}:{start}: row: is not valid CSV ({found})"
    # Polars explains over several lines; the first says what is wrong.
    first = (str(error).strip().splitlines() or [type(error).__name__])[0]
    return f"{label}:1: file: is not a readable CSV table ({first})"


def _member(path: Path, archive: zipfile.ZipFile, name: str) -> bytes:
    try:
        return archive.read(name)
    except (
        zipfile.BadZipFile,
        zlib.error,
        OSError,
        EOFError,
        ValueError,
        NotImplementedError,
    ) as error:
        message = f"cannot be unpacked ({error})"
        raise ForecastInputError([f"{path}/{name}:1: file: {message}"]) from None


def read_release(path: Path | str) -> Release:
    """The tables of one release: a zip as published, or its caseload CSV.

    Parameters
    ----------
    path
        A release zip, or its ``caseload.csv`` (2023-onwards layout; a
        ``sen_needs_all_plans.csv``, ``newplans.csv`` and ``requests.csv`` beside it are read
        too) or ``sen2_age_caseload.csv`` (2022 layout; with a ``sen2_mi.csv`` beside it).
        The zip's flow tables (:data:`FLOW_MEMBERS`) are read with its caseload.

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
    data = _bytes(path)
    if data.startswith(ZIP_MAGIC) or path.suffix.lower() == ".zip":
        return _read_zip(path, data)
    caseload = _table(str(path), data)
    sibling = path.with_name(Path(NEEDS_MEMBER).name)
    needs = None
    if path.name == Path(CASELOAD_MEMBERS[0]).name and sibling.is_file():
        needs = _table(str(sibling), _bytes(sibling))
    # The flow tables are read when they sit beside the caseload table, as in the zip.
    members = next((m for c, m in FLOW_MEMBERS.items() if Path(c).name == path.name), ())
    siblings = [path.with_name(Path(m).name) for m in members]
    flows = tuple(_table(str(f), _bytes(f)) for f in siblings if f.is_file())
    return Release(caseload=caseload, needs=needs, flows=flows)


def _bytes(path: Path) -> bytes:
    try:
        return read_bytes(path)
    except InputFileError as error:
        raise ForecastInputError(error.problems) from None


def _read_zip(path: Path, data: bytes) -> Release:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as error:
        raise ForecastInputError(
            [f"{path}:1: file: is not a readable zip archive ({error})"]
        ) from None
    with archive:
        names = set(archive.namelist())
        member = next((n for n in CASELOAD_MEMBERS if n in names), None)
        if member is None:
            raise ForecastInputError(
                [f"{path}:1: -: no data/caseload.csv or data/sen2_age_caseload.csv in the zip"]
            )
        caseload = _table(f"{path}/{member}", _member(path, archive, member))
        needs = None
        # Need by age is published beside the 2023-onwards caseload table only.
        if member == CASELOAD_MEMBERS[0] and NEEDS_MEMBER in names:
            needs = _table(f"{path}/{NEEDS_MEMBER}", _member(path, archive, NEEDS_MEMBER))
        flows = tuple(
            _table(f"{path}/{m}", _member(path, archive, m))
            for m in FLOW_MEMBERS[member]
            if m in names
        )
        return Release(caseload=caseload, needs=needs, flows=flows)


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
    try:
        text, _ = decode_text(str(path), _bytes(path))
    except InputFileError as error:
        raise ForecastInputError(error.problems) from None
    frame = _frame(str(path), text, ragged=False)
    return population_by_area(table=TextTable(str(path), frame), history=history)
