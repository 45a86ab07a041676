"""A plain run's engine inputs, stored so that a what-if can re-solve exactly them.

The register and the cohort move on after a run (placements end and start, rolls change,
officers accept proposals), so a what-if that read them again would mix the effect of its
change with everything else that changed since (ADR 0108). What is stored is the adapter's
output, not the engine's arrays alone: the proposals of a what-if need the learners' ids,
current places and costs, and the register's names and strand ids, as the base run saw them.

Format 1: zlib-compressed UTF-8 JSON, one list per column. JSON keeps floats exactly
(Python writes the shortest text that reads back to the same float), so a re-solve of the
stored inputs gives the base run's answer.

A learner whose record is deleted is taken out of every blob holding them
(:func:`without_learners`, called by ``planning.retention``); the blob keeps its format.
"""

from __future__ import annotations

import dataclasses
import json
import zlib
from collections.abc import Collection
from typing import Any

import numpy as np

from sendplan.planning.adapter import (
    CohortLearner,
    Place,
    PlanningInputs,
    RegisterPlaces,
    planning_inputs,
)

FORMAT = 1
_ARRAYS = ("lat", "lon", "min_age", "max_age", "needs", "vacancies", "annual_cost")


def _columns(rows: list[Any], cls: type) -> dict[str, list[Any]]:
    names = [f.name for f in dataclasses.fields(cls)]
    return {name: [getattr(row, name) for row in rows] for name in names}


def _rows(columns: dict[str, list[Any]], cls: type) -> list[Any]:
    """Rows back from columns; a column added since the blob was stored (one with a
    default, such as a learner's ``may_move``) takes its default."""
    names = [f.name for f in dataclasses.fields(cls) if f.name in columns]
    n = len(columns[names[0]]) if names else 0
    return [cls(**{name: columns[name][i] for name in names}) for i in range(n)]


def dump_inputs(inputs: PlanningInputs) -> bytes:
    """The inputs as compressed JSON (learners and places, not the derived problem)."""
    register = inputs.register
    data = {
        "format": FORMAT,
        "learners": _columns(inputs.learners, CohortLearner),
        "excluded": inputs.excluded,
        "places": _columns(register.places, Place),
        "arrays": {name: getattr(register, name).tolist() for name in _ARRAYS},
        "register_hash": register.register_hash,
        "warnings": register.warnings,
    }
    return _write(data)


def _write(data: dict[str, Any]) -> bytes:
    return zlib.compress(json.dumps(data, separators=(",", ":")).encode(), level=6)


def _read(blob: bytes | memoryview) -> dict[str, Any]:
    """The stored JSON (PostgreSQL hands the blob back as a memoryview)."""
    data: dict[str, Any] = json.loads(zlib.decompress(bytes(blob)))
    if data.get("format") != FORMAT:
        raise ValueError(f"stored planning inputs have format {data.get('format')}, not {FORMAT}")
    return data


def learner_ids(blob: bytes | memoryview) -> list[int]:
    """The record numbers of the learners a blob holds, in its order."""
    return [int(pk) for pk in _read(blob)["learners"]["learner_id"]]


def without_learners(blob: bytes | memoryview, gone: Collection[int]) -> tuple[bytes, int]:
    """The blob with the ``gone`` learners' rows taken out, and how many were taken out.

    Everything stored about them goes: record number, need, age, home point and LSOA,
    current place and its cost. A place one of them held (and the run freed) becomes a
    vacancy instead, so a re-solve still counts the places the run counted; the rows of
    everyone else, the register and the counts of learners left out stay as they were.
    """
    data = _read(blob)
    columns: dict[str, list[Any]] = data["learners"]
    ids = columns["learner_id"]
    unwanted = set(gone)
    keep = [i for i, pk in enumerate(ids) if pk not in unwanted]
    removed = len(ids) - len(keep)
    if not removed:
        return bytes(blob), 0
    kept = set(keep)
    strand_index = {strand: j for j, strand in enumerate(data["places"]["strand_id"])}
    for i, strand in enumerate(columns["current_strand_id"]):
        j = strand_index.get(strand) if strand else None
        if i not in kept and j is not None:
            data["places"]["vacancies"][j] += 1
            data["arrays"]["vacancies"][j] += 1
    data["learners"] = {name: [values[i] for i in keep] for name, values in columns.items()}
    return _write(data), removed


def load_inputs(blob: bytes | memoryview) -> PlanningInputs:
    """The inputs :func:`dump_inputs` stored. The engine's problem is rebuilt from them as
    the run built it: vacancies plus the places the cohort frees."""
    data = _read(blob)
    arrays = data["arrays"]
    register = RegisterPlaces(
        places=_rows(data["places"], Place),
        lat=np.array(arrays["lat"], dtype=float),
        lon=np.array(arrays["lon"], dtype=float),
        min_age=np.array(arrays["min_age"], dtype=np.int64),
        max_age=np.array(arrays["max_age"], dtype=np.int64),
        needs=np.array(arrays["needs"], dtype=np.int64),
        vacancies=np.array(arrays["vacancies"], dtype=np.int64),
        annual_cost=np.array(arrays["annual_cost"], dtype=float),
        register_hash=data["register_hash"],
        warnings=list(data["warnings"]),
    )
    learners = _rows(data["learners"], CohortLearner)
    return planning_inputs(learners, register, excluded=dict(data["excluded"]))
