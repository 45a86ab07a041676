"""Benchmark ``sendplan place`` against a plain min-cost flow and a greedy allocation.

    .venv/bin/python benchmarks/bench_place.py [--sizes la,region,england] [--seed 1]

For each size a seeded synthetic instance (see ``place_instances.py``) is written as CSV to a
temporary folder. Three separate processes then solve it, each timed by ``/usr/bin/time``
(wall seconds and peak resident memory):

* ``sendplan place`` itself, as a user would run it (CSV in, CSV and JSON out);
* the baseline: the same problem as one OR-Tools node per learner with every eligible arc,
  built straight from the arrays (no CSV), which also checks that our objective is optimal;
* a greedy first-come-first-served allocation (learners in file order each take their
  cheapest eligible setting with a place left), for its extra cost.

Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import json
import math
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE))
sys.path.insert(1, str(ROOT / "src"))

from place_instances import Instance, generate, write_csv  # noqa: E402

SIZES = {"la": (5_000, 300), "region": (100_000, 2_000), "england": (650_000, 25_000)}
PER_KM, UNPLACED = 400.0, 250_000
R = 6371.0088


def _timed(cmd: list[str]) -> tuple[float, float, str]:
    """Wall seconds, peak RSS in MB and stdout of one process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    fd, stats = tempfile.mkstemp()
    os.close(fd)
    t0 = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-o", stats, "-f", "%e %M", *cmd], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    _, kb = Path(stats).read_text().split()[-2:]
    os.unlink(stats)
    return wall, int(kb) / 1024, done.stdout


def _arcs(inst: Instance) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every eligible (learner, setting, cost) within max_km, learner by learner."""
    from scipy.spatial import cKDTree

    def xyz(lat: np.ndarray, lon: np.ndarray) -> np.ndarray:
        la, lo = np.radians(lat), np.radians(lon)
        return np.column_stack((np.cos(la) * np.cos(lo), np.cos(la) * np.sin(lo), np.sin(la)))

    stree = cKDTree(xyz(inst.s_lat, inst.s_lon))
    chord = 2 * math.sin(inst.max_km / (2 * R)) * (1 + 1e-9)
    out: list[tuple[np.ndarray, np.ndarray, np.ndarray]] = []
    n = inst.l_age.size
    for lo in range(0, n, 50_000):
        hi = min(n, lo + 50_000)
        pairs = cKDTree(xyz(inst.l_lat[lo:hi], inst.l_lon[lo:hi])).sparse_distance_matrix(
            stree, chord, output_type="ndarray"
        )
        li, si = pairs["i"].astype(np.int64) + lo, pairs["j"].astype(np.int64)
        p1, p2 = np.radians(inst.l_lat[li]), np.radians(inst.s_lat[si])
        dl = np.radians(inst.s_lon[si] - inst.l_lon[li])
        h = np.sin((p2 - p1) / 2) ** 2 + np.cos(p1) * np.cos(p2) * np.sin(dl / 2) ** 2
        d = 2 * R * np.arcsin(np.sqrt(np.minimum(h, 1)))
        nd, age = inst.s_needs[si], inst.l_age[li]
        ok = (
            (d <= inst.max_km)
            & ((nd == -1) | ((nd >> inst.l_need[li]) & 1).astype(bool))
            & (inst.s_min_age[si] <= age) & (age <= inst.s_max_age[si])
        )  # fmt: skip
        cost = np.floor(inst.s_cost[si[ok]] + PER_KM * d[ok] + 0.5).astype(np.int64)
        out.append((li[ok], si[ok], cost))
    li = np.concatenate([o[0] for o in out])
    si = np.concatenate([o[1] for o in out])
    cost = np.concatenate([o[2] for o in out])
    order = np.lexsort((cost, li))
    return li[order], si[order], cost[order]


def baseline(npz: str) -> None:
    """One node per learner, every eligible arc; prints JSON figures."""
    from ortools.graph.python.min_cost_flow import SimpleMinCostFlow

    inst = Instance(**{k: v[()] if v.ndim == 0 else v for k, v in np.load(npz).items()})
    t0 = time.perf_counter()
    li, si, cost = _arcs(inst)
    n, m = inst.l_age.size, inst.s_lat.size
    sink = n + m
    mcf = SimpleMinCostFlow()
    mcf.add_arcs_with_capacity_and_unit_cost(li, si + n, np.ones(li.size, np.int64), cost)
    mcf.add_arcs_with_capacity_and_unit_cost(np.arange(n, n + m), np.full(m, sink),
                                             inst.s_places, np.zeros(m, np.int64))  # fmt: skip
    mcf.add_arcs_with_capacity_and_unit_cost(np.arange(n), np.full(n, sink),
                                             np.ones(n, np.int64), np.full(n, UNPLACED))  # fmt: skip
    supply = np.zeros(sink + 1, np.int64)
    supply[:n], supply[sink] = 1, -n
    mcf.set_nodes_supplies(np.arange(sink + 1), supply)
    t1 = time.perf_counter()
    status = mcf.solve()
    t2 = time.perf_counter()
    # Greedy first come, first served on the same arcs (sorted cheapest first per learner).
    left = inst.s_places.tolist()
    start = np.searchsorted(li, np.arange(n + 1)).tolist()
    sl, cl = si.tolist(), cost.tolist()
    greedy, g_unplaced = 0, 0
    for i in range(n):
        for k in range(start[i], start[i + 1]):
            if left[sl[k]]:
                left[sl[k]] -= 1
                greedy += cl[k]
                break
        else:
            greedy += UNPLACED
            g_unplaced += 1
    print(json.dumps({"status": str(status), "objective": mcf.optimal_cost(), "arcs": int(li.size),
                      "build_s": t1 - t0, "solve_s": t2 - t1, "greedy": greedy,
                      "greedy_unplaced": g_unplaced}))  # fmt: skip


# Runs of each process per size; the table gives the median (England's take minutes).
REPEATS = {"la": 5, "region": 3, "england": 1}


def _median_timed(cmd: list[str], repeats: int) -> tuple[float, float, str]:
    runs = [_timed(cmd) for _ in range(repeats)]
    walls = sorted(r[0] for r in runs)
    return walls[len(walls) // 2], max(r[1] for r in runs), runs[-1][2]


def run(size: str, seed: int, homes: str) -> dict[str, object]:
    n, m = SIZES[size]
    inst = generate(n, m, seed=seed, homes=homes)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lp, sp = write_csv(inst, folder)
        np.savez(folder / "inst.npz", **inst.__dict__)
        out, summ = folder / "placements.csv", folder / "summary.json"
        wall, mb, _ = _median_timed([sys.executable, "-m", "sendplan", "place", "--learners",
                                     str(lp), "--settings", str(sp), "--out", str(out),
                                     "--summary", str(summ), "--max-km", str(inst.max_km)],
                                    REPEATS[size])  # fmt: skip
        ours = json.loads(summ.read_text())
        b_wall, b_mb, b_out = _median_timed(
            [sys.executable, __file__, "--baseline", str(folder / "inst.npz")], REPEATS[size]
        )
        base = json.loads(b_out)
    from sendplan.engine.placement_model import age_classes, make_groups

    groups = make_groups(inst.l_need, inst.l_age, inst.l_lat, inst.l_lon,
                         np.full(n, -1), age_classes(inst.s_min_age, inst.s_max_age),
                         by_preference=False).count.size  # fmt: skip
    return {"size": size, "homes": homes, "groups": groups, "n": n, "m": m, "max_km": inst.max_km, "wall": wall, "mb": mb,
            "ours": ours, "b_wall": b_wall, "b_mb": b_mb, "base": base}  # fmt: skip


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="la,region,england")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument(
        "--homes",
        default="continuous,lsoa",
        help="home points: continuous (each its own) and/or lsoa (nearest LSOA centroid)",
    )
    ap.add_argument("--baseline", help=argparse.SUPPRESS)
    args = ap.parse_args()
    if args.baseline:
        baseline(args.baseline)
        return
    print("Wall seconds are medians of", ", ".join(f"{k} {v}" for k, v in REPEATS.items()),
          "runs; peak MB is the highest of them.")  # fmt: skip
    print(
        "| size | homes | learners x settings | groups | max_km | arcs/learner | sendplan place s | peak MB | "
        "solve_seconds | baseline s (solve s) | baseline MB | ratio | optimal? | greedy extra | "
        "load avg before / after |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size, homes in [(s, h) for s in args.sizes.split(",") for h in args.homes.split(",")]:
        load_before = os.getloadavg()[0]
        r = run(size.strip(), args.seed, homes.strip())
        ours, base = r["ours"], r["base"]
        assert isinstance(ours, dict) and isinstance(base, dict)
        same = "yes" if ours["objective"] == base["objective"] else f"NO ({base['objective']})"
        extra = 100 * (base["greedy"] - base["objective"]) / base["objective"]
        print(f"| {r['size']} | {r['homes']} | {r['n']:,} x {r['m']:,} | {r['groups']:,} | "
              f"{r['max_km']} | "
              f"{base['arcs'] / r['n']:.1f} | {r['wall']:.2f} | {r['mb']:.0f} | "
              f"{ours['solve_seconds']:.2f} | {r['b_wall']:.2f} ({base['solve_s']:.2f}) | "
              f"{r['b_mb']:.0f} | {r['wall'] / r['b_wall']:.2f} | {same} | +{extra:.1f}% | "
              f"{load_before:.1f} / {os.getloadavg()[0]:.1f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
