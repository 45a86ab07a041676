"""A fast path for reading a large, well-formed LEARNERS.csv with polars.

The line-by-line reader in :mod:`sendplan.cli.place` reports every problem with its line, but
takes seconds at England scale. This reader accepts a file only when it can prove the careful
reader would accept it too and read the same values; on anything unusual (quotes, blank
lines, surrounding spaces, a bad or missing value, a parse error) it returns ``None`` and the
caller reads the file the careful way, so messages keep their exact lines.
"""

from __future__ import annotations

import os
from dataclasses import dataclass

import numpy as np

# Smaller files are read faster by the csv module than polars takes to import (0.2-0.4 s).
FAST_BYTES = 2_000_000
# Any of these bytes may make polars and the csv module read a field differently: quotes, and
# separators that Python's str.strip removes but polars' strip_chars keeps.
# A NUL, or a carriage return not ending a line, is left to the careful reader too.
_UNUSUAL = (b'"', b"\x00", b"\x1c", b"\x1d", b"\x1e", b"\x1f", b"\n\n", b"\n\r\n", b"\r\r")


@dataclass
class Learners:
    ids: list[str]
    need: np.ndarray
    age: np.ndarray
    lat: np.ndarray
    lon: np.ndarray
    preferred: np.ndarray
    current: np.ndarray
    may_move: np.ndarray


def read_learners_fast(
    path: str, need_codes: tuple[str, ...], setting_ids: dict[str, int]
) -> Learners | None:
    """The learners in ``path`` if the file is large and flawless, else ``None``."""
    try:
        if os.path.getsize(path) < FAST_BYTES:
            return None
        with open(path, "rb") as fh:
            data = fh.read()
    except OSError:
        return None
    if data.startswith(b"\xef\xbb\xbf"):
        return None
    if any(marker in data for marker in _UNUSUAL):
        return None
    if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
        return None
    try:
        return _parse(data, need_codes, setting_ids)
    except Exception:  # noqa: BLE001 - any polars complaint means "read it the careful way"
        return None


def _parse(
    data: bytes, need_codes: tuple[str, ...], setting_ids: dict[str, int]
) -> Learners | None:
    import polars as pl

    header = data[: data.find(b"\n")].decode("utf-8").rstrip("\r").split(",")
    if any(h != h.strip() for h in header) or len(set(header)) != len(header):
        return None
    wanted = ["learner_id", "need", "age", "lat", "lon"]
    if not set(wanted) <= set(header):
        return None
    optional = [c for c in ("preferred_setting", "current_setting", "may_move") if c in header]
    columns = wanted + optional
    df = pl.read_csv(data, columns=columns, infer_schema=False, quote_char=None)
    checks = [pl.col(c).is_null().any().alias(f"null {c}") for c in wanted]
    checks += [(pl.col(c) != pl.col(c).str.strip_chars()).any().alias(f"pad {c}") for c in columns]
    if any(df.select(checks).row(0)):
        return None
    ids = df.get_column("learner_id")
    if ids.n_unique() != ids.len() or (ids == "").any():
        return None
    code = {c: i for i, c in enumerate(need_codes)}
    need = df.get_column("need").replace_strict(code, default=-1, return_dtype=pl.Int64)
    if (need < 0).any():
        return None
    nums = df.select(pl.col("age", "lat", "lon").cast(pl.Float64, strict=False))
    if any(nums.select(pl.all().is_null().any()).row(0)):
        return None
    age = nums.get_column("age").to_numpy()
    lat = nums.get_column("lat").to_numpy()
    lon = nums.get_column("lon").to_numpy()
    finite = np.isfinite(age).all() and np.isfinite(lat).all() and np.isfinite(lon).all()
    if not finite or (age != np.round(age)).any() or age.min() < 0 or age.max() > 25:
        return None
    if np.abs(lat).max() > 90 or np.abs(lon).max() > 180:
        return None
    index = {"": -1, **setting_ids}
    found: dict[str, np.ndarray] = {}
    for column in ("preferred_setting", "current_setting"):
        found[column] = np.full(df.height, -1, dtype=np.int64)
        if column in optional:
            given = df.get_column(column).fill_null("")
            mapped = given.replace_strict(index, default=-2, return_dtype=pl.Int64).to_numpy()
            if (mapped == -2).any():
                return None
            found[column] = mapped.astype(np.int64)
    may_move = np.ones(df.height, dtype=bool)
    if "may_move" in optional:
        # Exactly as the careful reader: empty or yes (any case) is yes, no is no.
        given = df.get_column("may_move").fill_null("").str.to_lowercase()
        yes_no = {"": 1, "yes": 1, "no": 0}
        mapped = given.replace_strict(yes_no, default=-1, return_dtype=pl.Int64).to_numpy()
        if (mapped < 0).any():
            return None
        may_move = mapped == 1
    return Learners(
        ids=ids.to_list(),
        need=need.to_numpy().astype(np.int64),
        age=age.astype(np.int64),
        lat=np.ascontiguousarray(lat, dtype=np.float64),
        lon=np.ascontiguousarray(lon, dtype=np.float64),
        preferred=found["preferred_setting"],
        current=found["current_setting"],
        may_move=may_move,
    )
