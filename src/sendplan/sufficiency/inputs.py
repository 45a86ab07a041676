"""The sufficiency app's adapter to the engine: from the published files to one area's
demand.

It finds the files a run uses, records what they were (path, sha256, size), reads them
(``sendplan.cli.forecast_files``) and asks the engine for the forecast and the area's demand
by need x phase (:func:`sendplan.engine.area_demand`). No Django here either: the service
passes paths in and stores what comes out.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from sendplan.cli.forecast_files import read_population, read_releases
from sendplan.engine import (
    Demand,
    ForecastInputError,
    area_demand,
    caseload_history,
    forecast_caseload,
)

#: Release files, newest first; the engine takes the latest where years overlap.
RELEASES = (
    "dfe-ehcp-sen2/education-health-and-care-plans_2025.zip",
    "dfe-ehcp-sen2/education-health-and-care-plans_2022.zip",
)
POPULATION = "ons-snpp-2022-lambeth/lambeth_snpp2022_persons_age0-25.csv"


@dataclass(frozen=True)
class InputFile:
    path: str
    sha256: str
    size: int

    def to_json(self) -> dict[str, object]:
        return {"path": self.path, "sha256": self.sha256, "bytes": self.size}


def describe_files(paths: list[Path]) -> list[InputFile]:
    """Each input's path, sha256 and size: what a run must record to be reproduced."""
    out = []
    for path in paths:
        digest = hashlib.sha256()
        with path.open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
        out.append(InputFile(str(path), digest.hexdigest(), path.stat().st_size))
    return out


def default_paths(data_dir: Path) -> tuple[list[Path], Path | None]:
    releases = [data_dir / r for r in RELEASES if (data_dir / r).exists()]
    population = data_dir / POPULATION
    return releases, population if population.exists() else None


def forecast_demand(
    *,
    releases: list[Path],
    population: Path | None,
    la_code: str,
    horizon: int,
    simulations: int,
    seed: int,
) -> Demand:
    """Read the files, run the forecast and return ``la_code``'s demand by need x phase x year.

    The placement mix comes from the first release (the newest, :data:`RELEASES`).
    """
    tables = read_releases(releases)
    history = caseload_history(releases=tables)
    if la_code not in {a.code for a in history.las}:
        raise ForecastInputError([f"{releases[0]}:1: new_la_code: {la_code} is not in the release"])
    pop = read_population(population, history) if population else None
    result = forecast_caseload(
        history=history, horizon=horizon, simulations=simulations, seed=seed, population=pop
    )
    return area_demand(history=history, forecast=result, la_code=la_code, release=tables[0])
