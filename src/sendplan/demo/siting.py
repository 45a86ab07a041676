"""Candidate sites for the demo's siting page: where Lambeth could add specialist places.

Hosts are real schools already in the demo register (by name); two sites are invented and
named as such. Every figure (places a block, capital, running cost) is an illustrative
default, said so in each candidate's note: capital of roughly £60,000 to £110,000 a place
and running costs near the register's own for the kind of place.
"""

from __future__ import annotations

from dataclasses import dataclass

from sendplan.accounts.models import Organisation
from sendplan.planning.models import CandidateSite
from sendplan.provision.models import ProvisionStrand, Setting

NOTE = "Demo: illustrative figures, not Lambeth's plans."

K = CandidateSite.Kind


@dataclass(frozen=True)
class CandidateSpec:
    name: str
    kind: str
    host: str  # a setting's name in the demo register; empty for a named site
    needs: str
    ages: tuple[int, int]
    block_places: int
    max_blocks: int
    capital_per_block: int
    annual_cost_per_place: int
    lat: float | None = None
    lon: float | None = None
    lsoa_code: str = ""


CANDIDATES: tuple[CandidateSpec, ...] = (
    # Special school strands that could take more (Elm Court's own proposal is to 210).
    CandidateSpec("Elm Court School: more places", K.EXPAND_STRAND, "Elm Court School",
                  "MLD;SLCN;ASD;SLD", (11, 19), 10, 6, 800_000, 30_000),
    CandidateSpec("Turney School: more places", K.EXPAND_STRAND, "Turney School",
                  "ASD;SLCN;MLD", (5, 19), 8, 3, 720_000, 32_000),
    CandidateSpec("Livity School: more places", K.EXPAND_STRAND, "Livity School",
                  "SLD;PMLD;ASD;SLCN;PD;MSI", (2, 11), 6, 2, 660_000, 38_000),
    CandidateSpec("Michael Tippett School: more places", K.EXPAND_STRAND,
                  "Michael Tippett School", "PMLD;SLD;ASD;PD;MSI", (11, 19), 6, 2, 690_000,
                  40_000),
    # Mainstream schools that could host a base.
    CandidateSpec("Bonneville Primary School: autism base", K.RESOURCED_BASE,
                  "Bonneville Primary School", "ASD", (4, 10), 8, 1, 420_000, 22_000),
    CandidateSpec("Rosendale Primary School: inclusion base", K.INCLUSION_BASE,
                  "Rosendale Primary School", "ASD;SLCN", (4, 10), 8, 2, 360_000, 20_000),
    CandidateSpec("Heathbrook Primary School: inclusion base", K.INCLUSION_BASE,
                  "Heathbrook Primary School", "SEMH;SLCN", (4, 10), 8, 1, 320_000, 19_000),
    CandidateSpec("Dunraven School: resourced base", K.RESOURCED_BASE, "Dunraven School",
                  "ASD;SLCN", (11, 16), 10, 2, 560_000, 24_000),
    CandidateSpec("Norwood School: resourced base", K.RESOURCED_BASE, "Norwood School",
                  "ASD;MLD", (11, 16), 10, 2, 540_000, 24_000),
    CandidateSpec("Stockwell Park High School: inclusion base", K.INCLUSION_BASE,
                  "Stockwell Park High School", "SEMH", (11, 16), 8, 2, 380_000, 21_000),
    # Sites the council names for a new special school (invented for the demo).
    CandidateSpec("Brixton council site (demo): new special school", K.NEW_SPECIAL_SCHOOL, "",
                  "ASD;SLCN;SEMH", (5, 16), 16, 5, 1_600_000, 31_000, lat=51.4610,
                  lon=-0.1160),
    CandidateSpec("West Norwood former depot (demo): new special school",
                  K.NEW_SPECIAL_SCHOOL, "", "SEMH;ASD", (11, 19), 12, 4, 1_300_000, 33_000,
                  lsoa_code="E01003066"),
)  # fmt: skip


def build_candidates(*, la: Organisation, settings: list[Setting]) -> dict[str, int]:
    """The demo's candidate sites; a host missing from the register leaves its site out."""
    by_name = {s.name: s for s in settings}
    special = {
        s.setting_id: s
        for s in ProvisionStrand.objects.filter(
            setting__in=settings, kind=ProvisionStrand.Kind.SPECIAL_SCHOOL
        ).order_by("pk")
    }
    rows = []
    for spec in CANDIDATES:
        host = by_name.get(spec.host) if spec.host else None
        if spec.host and host is None:
            continue
        strand = special.get(host.pk) if host is not None and spec.kind == K.EXPAND_STRAND else None
        rows.append(
            CandidateSite(
                la=la,
                name=spec.name,
                kind=spec.kind,
                host_setting=host,
                host_strand=strand,
                latitude=spec.lat,
                longitude=spec.lon,
                lsoa_code=spec.lsoa_code,
                needs=spec.needs,
                min_age=spec.ages[0],
                max_age=spec.ages[1],
                block_places=spec.block_places,
                max_blocks=spec.max_blocks,
                capital_per_block=spec.capital_per_block,
                annual_cost_per_place=spec.annual_cost_per_place,
                note=NOTE,
            )
        )
    CandidateSite.objects.bulk_create(rows)
    return {"candidate sites": len(rows)}


def reset_candidates(la: Organisation | None) -> int:
    if la is None:
        return 0
    removed = CandidateSite.objects.filter(la=la).delete()[1].get(CandidateSite._meta.label, 0)
    CandidateSite.history.filter(la_id=la.pk).delete()
    return removed
