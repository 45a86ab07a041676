"""Benchmark ``sendplan site`` (where to add places) on seeded synthetic areas.

    .venv/bin/python benchmarks/bench_site.py [--sizes small,mid,la,council] [--seed 1]
                                              [--repeats 3] [--plain]

Each size is a ``place_instances.py`` area with candidate sites drawn around its towns
(resourced bases of 8 places a block, special schools of 40, inclusion bases of 6) and
stability as a council's records give it: four learners in five have a current setting (an
optimal placement of the area), and of those three in four may not move. ``sendplan site`` runs
as a user would run it, in its own process, timed by ``/usr/bin/time`` (median wall seconds and
CPU seconds, highest peak resident memory). With ``--plain`` the same model is also solved as a plain
mixed-integer programme with one variable per learner and option (HiGHS via scipy), for the
ratio of times and to check the objective; a greedy that opens blocks by saving per pound of
capital gives the extra cost of not optimising. Figures are printed, never asserted.
"""

from __future__ import annotations

import argparse
import csv
import json
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

# learners, settings, candidates
SIZES = {
    "small": (600, 45, 15),
    "mid": (3_000, 150, 40),
    "la": (5_000, 300, 20),
    "council": (5_000, 300, 60),
}
BUDGET = 40_000_000
MOVE = 5_000  # pounds a year for moving a learner who may move
KINDS = (  # kind, needs, ages, block places, most blocks, capital a block, annual cost a place
    ("resourced", "ASD;SLCN", (4, 11), 8, 2, 900_000, 19_000),
    ("resourced", "ASD;SEMH", (11, 16), 8, 2, 1_100_000, 21_000),
    ("special", "ASD;SLD;PMLD;MLD", (4, 19), 40, 3, 9_000_000, 34_000),
    ("other", "SEMH", (5, 16), 6, 2, 450_000, 22_000),
)


def candidates_csv(inst: Instance, k: int, seed: int, path: Path) -> None:
    rng = np.random.default_rng(seed + 7)
    at = rng.choice(inst.l_lat.size, size=k, replace=False)  # near where learners live
    with path.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow(["candidate_id", "name", "lat", "lon", "min_age", "max_age", "needs", "kind",
                    "block_places", "max_blocks", "capital_per_block", "annual_cost"])  # fmt: skip
        for i, learner in enumerate(at.tolist()):
            kind, needs, (lo, hi), block, most, capital, cost = KINDS[i % len(KINDS)]
            w.writerow([f"C{i + 1}", f"Site {i + 1}", f"{inst.l_lat[learner] + 0.004:.6f}",
                        f"{inst.l_lon[learner]:.6f}", lo, hi, needs, kind, block, most,
                        int(capital * rng.uniform(0.8, 1.25)) // 1000 * 1000,
                        int(cost * rng.uniform(0.9, 1.1)) // 100 * 100])  # fmt: skip


def add_stability(inst: Instance, learners: Path, settings: Path, seed: int) -> None:
    """Current settings from an optimal placement of the area; three in four may not move."""
    from sendplan.cli.place import load
    from sendplan.engine import place

    ids, setting_ids, problem = load(str(learners), str(settings))
    now = place(problem, max_km=inst.max_km).assignment
    rng = np.random.default_rng(seed + 11)
    has = (now >= 0) & (rng.random(now.size) < 0.8)
    stays = has & (rng.random(now.size) < 0.75)
    rows = list(csv.reader(learners.open(encoding="utf-8")))
    with learners.open("w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh, lineterminator="\n")
        w.writerow([*rows[0], "current_setting", "may_move"])
        for i, row in enumerate(rows[1:]):
            current = setting_ids[now[i]] if has[i] else ""
            w.writerow([*row, current, "no" if stays[i] else ("yes" if has[i] else "")])


def _timed(cmd: list[str]) -> tuple[float, float, float]:
    """Wall seconds, peak MB and CPU seconds (user + system) of one process."""
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    fd, stats = tempfile.mkstemp()
    os.close(fd)
    t0 = time.perf_counter()
    done = subprocess.run(["/usr/bin/time", "-o", stats, "-f", "%e %M %U %S", *cmd], env=env,
                          capture_output=True, text=True, check=False)  # fmt: skip
    wall = time.perf_counter() - t0
    if done.returncode != 0:
        raise RuntimeError(done.stderr)
    kb, user, system = Path(stats).read_text().split()[-3:]
    os.unlink(stats)
    return wall, int(kb) / 1024, float(user) + float(system)


def plain(folder: Path, max_km: float, budget: float, years: float) -> dict[str, float]:
    """One variable per (learner, option): the model as the contract states it."""
    from scipy.optimize import Bounds, LinearConstraint, milp
    from scipy.sparse import coo_array

    from sendplan.cli.site import load_all
    from sendplan.engine import haversine_km

    t0 = time.perf_counter()
    _, _, _, p, c = load_all(*(str(folder / f) for f in ("l.csv", "s.csv", "c.csv")))
    lat = np.concatenate((p.setting_lat, c.lat))
    lon = np.concatenate((p.setting_lon, c.lon))
    needs = np.concatenate((p.needs, c.needs))
    lo, hi = np.concatenate((p.min_age, c.min_age)), np.concatenate((p.max_age, c.max_age))
    cost_s = np.concatenate((p.annual_cost, c.annual_cost))
    m, k, n = p.n_settings, c.n, p.n_learners
    cur = p.current_or_none()
    fixed = p.fixed()
    li, si, price = [], [], []
    for i in range(n):
        km = haversine_km(p.lat[i], p.lon[i], lat, lon)
        cost = np.floor(cost_s + 400.0 * km + 0.5)
        ok = ((needs >> p.need[i]) & 1).astype(bool) & (lo <= p.age[i]) & (p.age[i] <= hi)
        ok &= km <= max_km
        if fixed[i]:
            ok[:] = False
        if cur[i] >= 0:
            ok[cur[i]] = True
        s = np.flatnonzero(ok & (cost < 250_000))
        extra = np.where((cur[i] >= 0) & (s != cur[i]), MOVE, 0)
        li.append(np.full(s.size, i)), si.append(s), price.append(cost[s] + extra)
    li, si, price = np.concatenate(li), np.concatenate(si), np.concatenate(price)
    a = li.size
    cols = a + n + k
    obj = np.concatenate((price, np.full(n, 250_000.0), c.capital_per_block / years))
    ub = np.concatenate((np.ones(a), np.where(fixed, 0, 1), c.max_blocks))
    assign = coo_array((np.ones(a + n), (np.concatenate((li, np.arange(n))), np.arange(a + n))),
                       shape=(n, cols))  # fmt: skip
    cap = coo_array(
        (np.concatenate((np.ones(a), -c.block_places.astype(float))),
         (np.concatenate((si, m + np.arange(k))), np.concatenate((np.arange(a), a + n + np.arange(k))))),
        shape=(m + k, cols),
    )  # fmt: skip
    places = np.concatenate((p.places, np.zeros(k)))
    budget_row = coo_array((c.capital_per_block, (np.zeros(k, int), a + n + np.arange(k))),
                           shape=(1, cols))  # fmt: skip
    res = milp(obj, integrality=np.ones(cols), bounds=Bounds(np.zeros(cols), ub),
               constraints=[LinearConstraint(assign, 1, 1), LinearConstraint(cap, -np.inf, places),
                            LinearConstraint(budget_row, -np.inf, budget)],
               options={"mip_rel_gap": 0.0})  # fmt: skip
    return {"objective": float(res.fun), "status": int(res.status),
            "seconds": time.perf_counter() - t0}  # fmt: skip


def greedy(folder: Path, max_km: float, budget: float, years: float) -> float:
    """Open blocks one at a time by annual saving per pound of capital, while any saves."""
    from sendplan.cli.site import load_all
    from sendplan.engine import place
    from sendplan.engine.siting import with_candidates

    _, _, _, p, c = load_all(*(str(folder / f) for f in ("l.csv", "s.csv", "c.csv")))
    blocks = np.zeros(c.n, dtype=np.int64)

    def total(b: np.ndarray) -> float:
        q = with_candidates(p, c)
        q = type(q)(**{**q.__dict__, "places": np.concatenate((p.places, b * c.block_places))})
        return (
            place(q, max_km=max_km, move_cost=MOVE).objective
            + float((b * c.capital_per_block).sum()) / years
        )

    best = total(blocks)
    while True:
        spent = float((blocks * c.capital_per_block).sum())
        options = []
        for j in range(c.n):
            if blocks[j] < c.max_blocks[j] and spent + c.capital_per_block[j] <= budget:
                b = blocks.copy()
                b[j] += 1
                t = total(b)
                if t < best:
                    options.append(((best - t) / max(c.capital_per_block[j], 1.0), j, t))
        if not options:
            return best
        _, j, best = max(options)
        blocks[j] += 1


def run(size: str, seed: int, repeats: int, with_plain: bool) -> dict[str, object]:
    n, m, k = SIZES[size]
    inst = generate(n, m, seed=seed)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        lp, sp = write_csv(inst, folder)
        lp, sp = lp.rename(folder / "l.csv"), sp.rename(folder / "s.csv")
        add_stability(inst, lp, sp, seed)
        candidates_csv(inst, k, seed, folder / "c.csv")
        cmd = [sys.executable, "-m", "sendplan", "site", "--learners", str(lp), "--settings",
               str(sp), "--candidates", str(folder / "c.csv"), "--budget", str(BUDGET),
               "--out", str(folder / "sites.csv"), "--summary", str(folder / "sum.json"),
               "--max-km", str(inst.max_km), "--move-cost", str(MOVE)]  # fmt: skip
        runs = [_timed(cmd) for _ in range(repeats)]
        ours = json.loads((folder / "sum.json").read_text())
        sites = list(csv.DictReader((folder / "sites.csv").open(encoding="utf-8")))
        out: dict[str, object] = {
            "size": size, "n": n, "m": m, "k": k, "max_km": inst.max_km,
            "wall": sorted(r[0] for r in runs)[len(runs) // 2],
            "mb": max(r[1] for r in runs), "ours": ours,
            "cpu": sorted(r[2] for r in runs)[len(runs) // 2],
            "blocks": sum(int(r["blocks"]) for r in sites),
        }  # fmt: skip
        if with_plain:
            out["plain"] = plain(folder, inst.max_km, BUDGET, 30.0)
            out["greedy"] = greedy(folder, inst.max_km, BUDGET, 30.0)
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="la,council")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--repeats", type=int, default=3)
    ap.add_argument("--plain", action="store_true", help="also solve the plain MIP and greedy")
    args = ap.parse_args()
    print(f"Budget {BUDGET:,} pounds, capital over 30 years, move cost {MOVE:,}; wall seconds are medians of "
          f"{args.repeats} runs, peak MB the highest.")  # fmt: skip
    print(
        "| size | learners x settings x candidates | sendplan site s | CPU s | peak MB | status "
        "| gap | blocks | annual saving | plain MIP s | same objective? | greedy extra | load avg |"
    )
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|")
    for size in args.sizes.split(","):
        r = run(size.strip(), args.seed, args.repeats, args.plain)
        ours = r["ours"]
        assert isinstance(ours, dict)
        plain_s = same = extra = "-"
        if "plain" in r:
            pl = r["plain"]
            assert isinstance(pl, dict)
            plain_s = f"{pl['seconds']:.1f}"
            same = "yes" if abs(pl["objective"] - ours["objective"]) < 0.01 else (
                f"NO ({pl['objective']:.2f})")  # fmt: skip
            greedy_total = float(r["greedy"])  # type: ignore[arg-type]
            extra = f"+{100 * (greedy_total - ours['objective']) / ours['objective']:.2f}%"
        print(f"| {r['size']} | {r['n']:,} x {r['m']:,} x {r['k']} | {r['wall']:.2f} | "
              f"{r['cpu']:.2f} | {r['mb']:.0f} | {ours['status']} | {ours['gap']:.2g} | {r['blocks']} | "
              f"{ours['annual_saving']:,} | {plain_s} | {same} | {extra} | "
              f"{os.getloadavg()[0]:.1f} |", flush=True)  # fmt: skip


if __name__ == "__main__":
    main()
