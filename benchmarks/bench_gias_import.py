"""Figures for the GIAS import: time to check and upsert a national-sized file.

Run: ``.venv/bin/python benchmarks/bench_gias_import.py [ROWS]`` (default 30,000 rows).

Builds a seeded synthetic file on the real 139-column header (Windows-1252, like GIAS's own
downloads): mostly open mainstream schools, a tenth with resourced provision or SEN units,
special and independent special schools, closed schools. Imports it into a fresh SQLite
database, then imports it again (which must change nothing), and prints the times.
"""

from __future__ import annotations

import csv
import io
import os
import random
import shutil
import sys
import tempfile
import time
from pathlib import Path


def build_file(path: Path, header: list[str], rows: int, seed: int = 2025) -> None:
    rng = random.Random(seed)
    needs = ["ASD - Autistic Spectrum Disorder", "SLCN - Speech, language and Communication",
             "MLD - Moderate Learning Difficulty", "SEMH - Social, Emotional and Mental Health",
             "HI - Hearing Impairment", "PMLD - Profound and Multiple Learning Difficulty"]  # fmt: skip
    out = io.StringIO(newline="")
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(header)
    for n in range(rows):
        draw = rng.random()
        row = {
            "URN": str(100_000 + n),
            "LA (code)": str(200 + n % 150),
            "LA (name)": f"Area {n % 150}",
            "EstablishmentName": f"School {n} Café",
            "TypeOfEstablishment (code)": "34",
            "TypeOfEstablishment (name)": "Academy converter",
            "EstablishmentStatus (code)": "1",
            "EstablishmentStatus (name)": "Open",
            "OpenDate": "01-09-2012",
            "StatutoryLowAge": "4",
            "StatutoryHighAge": "11",
            "SchoolCapacity": str(rng.randint(200, 900)),
            "NumberOfPupils": str(rng.randint(150, 900)),
            "TypeOfResourcedProvision (name)": "Not applicable",
            "Easting": str(rng.randint(150_000, 650_000)),
            "Northing": str(rng.randint(50_000, 650_000)),
        }
        if draw < 0.05:
            row["EstablishmentStatus (code)"], row["EstablishmentStatus (name)"] = "2", "Closed"
        elif draw < 0.10:
            row["TypeOfEstablishment (code)"] = rng.choice(["7", "44", "10"])
            row["StatutoryHighAge"] = "19"
        elif draw < 0.20:
            row["TypeOfResourcedProvision (name)"] = rng.choice(
                ["Resourced provision", "SEN unit", "Resourced provision and SEN unit"]
            )
            row["ResourcedProvisionCapacity"] = row["SenUnitCapacity"] = str(rng.randint(6, 20))
            row["ResourcedProvisionOnRoll"] = row["SenUnitOnRoll"] = str(rng.randint(0, 20))
        if draw < 0.20:
            for k, need in enumerate(rng.sample(needs, rng.randint(1, 3)), start=1):
                row[f"SEN{k} (name)"] = need
        writer.writerow([row.get(column, "") for column in header])
    path.write_bytes(out.getvalue().encode("cp1252"))


def main() -> None:
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 30_000
    folder = Path(tempfile.mkdtemp(prefix="bench-gias-"))
    os.environ["DATABASE_URL"] = f"sqlite:///{folder / 'bench.sqlite3'}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "sendplan.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.management import call_command

    from sendplan.provision.gias import read_gias
    from sendplan.provision.models import ProvisionStrand, Setting
    from sendplan.provision.services import settings_import_gias

    call_command("migrate", verbosity=0)
    header_file = settings.SHARED_DATA_DIR / "gias-reference" / "edubasealldata_header.csv"
    header = next(csv.reader(io.StringIO(header_file.read_text(encoding="utf-8-sig"))))
    path = folder / "edubasealldata.csv"
    build_file(path, header, rows)
    print(f"{rows:,} rows, {path.stat().st_size / 1e6:.1f} MB (Windows-1252)")
    for attempt in ("first import", "second import"):
        started = time.perf_counter()
        gias = read_gias(path, progress=False)
        checked = time.perf_counter()
        report = settings_import_gias(rows=gias.establishments)
        done = time.perf_counter()
        print(
            f"{attempt}: check {checked - started:.2f} s + upsert {done - checked:.2f} s "
            f"= {done - started:.2f} s; {report.summary()}"
        )
    print(
        f"register: {Setting.objects.count():,} settings, {ProvisionStrand.objects.count():,} strands"
    )
    shutil.rmtree(folder)


if __name__ == "__main__":
    main()
