"""The register as SETTINGS.csv for ``sendplan place`` (CONTRACTS.md).

One row per provision strand of an open setting, with the strand's vacancies as ``places``
(on the day read, by ``provision.places``: the same figure the register's pages show).
``setting_id`` is ``<URN>-<strand id>`` (``s<setting id>-<strand id>`` for a setting without
a URN), stable across GIAS re-imports because imports update strands in place. On request
(``mainstream=True``), a mainstream school (or the mainstream side of a resourced school) with
no mainstream strand gets one row
``<URN>-mainstream`` with needs ``ALL``, its school vacancies as places and an annual cost of
``mainstream_cost``. These rows are opt-in: needs ``ALL`` at a low cost would send every
learner the optimiser can reach to mainstream, which is a decision for people, not a default.
Settings without coordinates cannot be placed and are skipped
with a warning.
"""

from __future__ import annotations

import csv
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from django.db.models import Prefetch
from django.utils import timezone

from sendplan.files import write_atomically
from sendplan.provision.models import ProvisionStrand, Setting, StrandDesignation
from sendplan.provision.places import VACANT, with_places

COLUMNS = (
    "setting_id",
    "name",
    "lat",
    "lon",
    "min_age",
    "max_age",
    "needs",
    "places",
    "annual_cost",
    "kind",
)

#: What a mainstream place costs the area with no LA figure: the school meets the first
#: £6,000 of support from its notional SEN budget; the LA's top-up varies by learner.
MAINSTREAM_COST_DEFAULT = 0

_MAINSTREAM_KINDS = {Setting.Kind.MAINSTREAM, Setting.Kind.RESOURCED}


@dataclass
class Export:
    rows: list[dict[str, str | int]] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def register_settings(on: dt.date | None = None) -> Iterable[Setting]:
    """Open settings with strands (their vacancies on ``on``, default today) and
    designations, in three queries."""
    designations = Prefetch("designations", queryset=StrandDesignation.objects.order_by("need"))
    strands = with_places(ProvisionStrand.objects.all(), on or timezone.localdate())
    strands = strands.order_by("kind", "pk").prefetch_related(designations)
    return (
        Setting.objects.filter(is_open=True)
        .prefetch_related(Prefetch("strands", queryset=strands))
        .order_by("name", "pk")
    )


def export_rows(
    settings: Iterable[Setting],
    *,
    mainstream: bool = False,
    mainstream_cost: int = MAINSTREAM_COST_DEFAULT,
) -> Export:
    """SETTINGS.csv rows for the settings (from :func:`register_settings`), with a warning
    for each one left out or guessed."""
    result = Export()
    for setting in settings:
        key = str(setting.urn) if setting.urn is not None else f"s{setting.pk}"
        label = f"{setting.name} ({'URN ' + str(setting.urn) if setting.urn else key})"
        if setting.latitude is None or setting.longitude is None:
            result.warnings.append(f"skipped {label}: no coordinates")
            continue
        common = {
            "name": setting.name,
            "lat": f"{setting.latitude:.6f}",
            "lon": f"{setting.longitude:.6f}",
            "kind": setting.kind,
        }
        strands = list(setting.strands.all())
        for strand in strands:
            needs = strand.need_codes
            if not needs and strand.kind != ProvisionStrand.Kind.MAINSTREAM:
                result.warnings.append(
                    f"{label}: {strand.get_kind_display()} has no designated needs; exported as ALL"
                )
            result.rows.append(
                {
                    "setting_id": f"{key}-{strand.pk}",
                    **common,
                    "min_age": strand.min_age,
                    "max_age": strand.max_age,
                    "needs": ";".join(needs) or "ALL",
                    "places": getattr(strand, VACANT),
                    "annual_cost": strand.annual_cost_per_place,
                }
            )
        has_mainstream = any(s.kind == ProvisionStrand.Kind.MAINSTREAM for s in strands)
        if mainstream and setting.kind in _MAINSTREAM_KINDS and not has_mainstream:
            result.rows.append(
                {
                    "setting_id": f"{key}-mainstream",
                    **common,
                    "min_age": setting.min_age,
                    "max_age": setting.max_age,
                    "needs": "ALL",
                    "places": _school_vacancies(setting),
                    "annual_cost": mainstream_cost,
                }
            )
    # Keep the contract's column order however the dicts were built.
    result.rows = [{column: row[column] for column in COLUMNS} for row in result.rows]
    return result


def write_settings_csv(path: Path, rows: Iterable[dict[str, str | int]]) -> None:
    """Write SETTINGS.csv whole or not at all: a temporary file beside it, then a rename."""
    with write_atomically(path) as out:
        writer = csv.DictWriter(out, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)


def _school_vacancies(setting: Setting) -> int:
    if setting.school_capacity is None or setting.pupils_on_roll is None:
        return 0
    return max(setting.school_capacity - setting.pupils_on_roll, 0)
