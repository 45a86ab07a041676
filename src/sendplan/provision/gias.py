"""Reading and checking a GIAS ``edubasealldata`` file.

The reader checks every row and collects every problem (``FILE:LINE: column: what``) before
anything touches the database, so an import is all-or-nothing. Closed, not-yet-open and
out-of-scope establishments are checked only for what decides that (URN, type, status):
the national file carries decades of closed schools with patchy data that the register
never uses.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from pyproj import Transformer
from tqdm import tqdm

from sendplan.cli.input_files import InputFileError, read_text
from sendplan.engine import NEED_CODES
from sendplan.provision import gias_codes as codes
from sendplan.provision.models import Setting

SEN_COLUMNS = tuple(f"SEN{n} (name)" for n in range(1, 14))

#: Columns the import cannot do without; the others it uses are read when present.
REQUIRED_COLUMNS = (
    "URN",
    "LA (code)",
    "EstablishmentName",
    "TypeOfEstablishment (code)",
    "EstablishmentStatus (name)",
    "StatutoryLowAge",
    "StatutoryHighAge",
    "SchoolCapacity",
    "NumberOfPupils",
    "TypeOfResourcedProvision (name)",
    "ResourcedProvisionOnRoll",
    "ResourcedProvisionCapacity",
    "SenUnitOnRoll",
    "SenUnitCapacity",
    "Easting",
    "Northing",
    "SEN1 (name)",
)

#: The SEND age range ends at 25; GIAS gives some colleges an open-ended upper age.
MAX_AGE = 25
#: Identifiers and counts above this are typing errors (URNs have six digits, UKPRNs eight).
_BIGGEST = 99_999_999
#: Rows above which a progress bar is worth drawing (on a terminal).
PROGRESS_MIN_ROWS = 5_000

# British National Grid (OSGB36) to WGS84 longitude/latitude.
_TO_WGS84 = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)


@dataclass(frozen=True)
class Problem:
    line: int
    column: str
    message: str

    def render(self, filename: str) -> str:
        return f"{filename}:{self.line}: {self.column}: {self.message}"


@dataclass(frozen=True)
class GiasStrand:
    """A block of specialist places GIAS records for an establishment."""

    kind: str
    capacity: int
    on_roll: int
    capacity_is_estimate: bool
    note: str = ""


@dataclass
class GiasEstablishment:
    """One checked row of the file."""

    line: int
    urn: int
    type_code: int
    status: str
    name: str = ""
    ukprn: int | None = None
    la_code: str = ""
    la_name: str = ""
    gss_code: str = ""
    kind: str = Setting.Kind.OTHER
    type_name: str = ""
    phase: str = ""
    close_date: str = ""
    min_age: int = 0
    max_age: int = 0
    street: str = ""
    town: str = ""
    postcode: str = ""
    easting: float | None = None
    northing: float | None = None
    latitude: float | None = None
    longitude: float | None = None
    ofsted_rating: str = ""
    school_capacity: int | None = None
    pupils_on_roll: int | None = None
    needs: tuple[str, ...] = ()
    strands: tuple[GiasStrand, ...] = ()

    @property
    def is_open(self) -> bool:
        return self.status in codes.OPEN_STATUSES

    @property
    def in_scope(self) -> bool:
        return self.type_code not in codes.OUT_OF_SCOPE_TYPES


@dataclass
class GiasFile:
    establishments: list[GiasEstablishment] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    encoding: str = "utf-8"


def read_gias(path: Path, *, progress: bool | None = None) -> GiasFile:
    """Read and check a GIAS file; ``progress=None`` draws a bar on a terminal for big files.

    The file is read through :mod:`sendplan.cli.input_files` (UTF-8, else Windows-1252), so a
    folder, a binary or UTF-16 file, or a NUL byte is one problem, and nothing else is checked.
    """
    try:
        text, encoding = read_text(path, fallback="cp1252")
    except InputFileError as error:
        return GiasFile(problems=[Problem(error.line, error.column, error.message)])
    result = parse_gias(text, progress=progress)
    result.encoding = encoding
    return result


def parse_gias(text: str, *, progress: bool | None = None) -> GiasFile:
    """Check the text of a GIAS file row by row and convert its coordinates."""
    result = GiasFile()
    records = _records(text, result.problems)
    try:
        header_line, header = next(records)
    except StopIteration:
        result.problems.append(Problem(1, "header", "the file is empty"))
        return result
    header = [name.strip() for name in header]
    missing = [name for name in REQUIRED_COLUMNS if name not in header]
    if missing:
        result.problems.extend(
            Problem(header_line, name, "required column is missing") for name in missing
        )
        return result
    if progress is None:
        progress = sys.stderr.isatty() and text.count("\n") > PROGRESS_MIN_ROWS
    bar = tqdm(
        records,
        total=max(text.count("\n") - 1, 0),
        desc="Checking rows",
        unit=" rows",
        disable=not progress,
        file=sys.stderr,
    )
    first_line: dict[int, int] = {}
    for line, fields in bar:
        if len(fields) != len(header):
            result.problems.append(
                Problem(
                    line,
                    "row",
                    f"has {len(fields)} field{'s' if len(fields) != 1 else ''}, "
                    f"the header has {len(header)}",
                )
            )
            continue
        row = _Row(dict(zip(header, fields, strict=True)), line, result.problems)
        establishment = row.establishment()
        if establishment is None:
            continue
        if establishment.urn in first_line:
            result.problems.append(
                Problem(
                    line,
                    "URN",
                    f"{establishment.urn} is also on line {first_line[establishment.urn]}",
                )
            )
            continue
        first_line[establishment.urn] = line
        result.establishments.append(establishment)
    _add_coordinates(result.establishments)
    return result


def _records(text: str, problems: list[Problem]) -> Iterator[tuple[int, list[str]]]:
    """(first physical line, fields) for each non-blank record; a quoted field may span lines."""
    # Strict: a quote left open would swallow the rest of the file into one field.
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    start = 1
    while True:
        try:
            fields = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            problems.append(Problem(start, "row", f"is not valid CSV ({error})"))
            return
        line, start = start, reader.line_num + 1
        if fields and any(value.strip() for value in fields):
            yield line, fields


def _add_coordinates(establishments: Iterable[GiasEstablishment]) -> None:
    located = [e for e in establishments if e.easting is not None and e.northing is not None]
    if not located:
        return
    longitudes, latitudes = _TO_WGS84.transform(
        [e.easting for e in located], [e.northing for e in located]
    )
    for establishment, lon, lat in zip(located, longitudes, latitudes, strict=True):
        # Six decimals is about 10 cm: enough, and re-imports compare equal.
        establishment.longitude = round(float(lon), 6)
        establishment.latitude = round(float(lat), 6)


def _max_length(name: str) -> int:
    max_length = getattr(Setting._meta.get_field(name), "max_length", None)
    assert isinstance(max_length, int), name
    return max_length


class _Row:
    """One record's values by column, recording a Problem for each bad value."""

    def __init__(self, values: dict[str, str], line: int, problems: list[Problem]) -> None:
        self.values = values
        self.line = line
        self.problems = problems
        self.ok = True

    def problem(self, column: str, message: str) -> None:
        self.problems.append(Problem(self.line, column, message))
        self.ok = False

    def text(self, column: str, *, model_field: str | None = None, required: bool = False) -> str:
        value = self.values.get(column, "").strip()
        if required and not value:
            self.problem(column, "is empty")
        elif model_field and len(value) > _max_length(model_field):
            self.problem(column, f"is longer than {_max_length(model_field)} characters")
        return value

    def integer(
        self, column: str, *, required: bool = False, minimum: int = 0, maximum: int | None = None
    ) -> int | None:
        raw = self.values.get(column, "").strip()
        if not raw:
            if required:
                self.problem(column, "is empty")
            return None
        try:
            value = int(raw)
        except ValueError:
            self.problem(column, f"{raw!r} is not a whole number")
            return None
        if value < minimum or (maximum is not None and value > maximum):
            upper = "" if maximum is None else f" and at most {maximum}"
            self.problem(column, f"{value} must be at least {minimum}{upper}")
            return None
        return value

    def number(self, column: str, *, maximum: float) -> float | None:
        raw = self.values.get(column, "").strip()
        if not raw:
            return None
        try:
            value = float(raw)
        except ValueError:
            self.problem(column, f"{raw!r} is not a number")
            return None
        if not 0 <= value <= maximum:
            self.problem(column, f"{raw} is outside Great Britain (0 to {maximum:.0f} metres)")
            return None
        return value

    def date(self, column: str) -> str:
        """An ISO date from GIAS's dd-mm-yyyy (or dd/mm/yyyy), '' when empty."""
        raw = self.values.get(column, "").strip()
        if not raw:
            return ""
        parts = raw.replace("/", "-").split("-")
        try:
            day, month, year = (int(part) for part in parts)
            if len(parts[2]) != 4:
                raise ValueError("two-digit year")
            return dt.date(year, month, day).isoformat()
        except ValueError:
            self.problem(column, f"{raw!r} is not a date in the form dd-mm-yyyy")
            return ""

    def establishment(self) -> GiasEstablishment | None:
        urn = self.integer("URN", required=True, minimum=1, maximum=_BIGGEST)
        type_code = self.integer("TypeOfEstablishment (code)", required=True)
        status_name = self.values.get("EstablishmentStatus (name)", "")
        status = codes.status_of(self.values.get("EstablishmentStatus (code)", ""), status_name)
        if status is None:
            self.problem(
                "EstablishmentStatus (name)", f"{status_name.strip()!r} is not a GIAS status"
            )
        found = GiasEstablishment(
            line=self.line, urn=urn or 0, type_code=type_code or 0, status=status or "open"
        )
        if self.ok and (not found.is_open or not found.in_scope):
            return found
        # An open row, or one whose status or type is unreadable: check everything, so the
        # user sees all of the row's problems at once.
        self._fill(found)
        return found if self.ok else None

    def _fill(self, found: GiasEstablishment) -> None:
        found.name = self.text("EstablishmentName", model_field="name", required=True)
        found.ukprn = self.integer("UKPRN", minimum=1, maximum=_BIGGEST)
        found.la_code = self.text("LA (code)", model_field="la_code", required=True)
        found.la_name = self.text("LA (name)", model_field="la_name")
        found.gss_code = self.text("GSSLACode (name)")
        found.type_name = self.text("TypeOfEstablishment (name)", model_field="establishment_type")
        found.phase = self.text("PhaseOfEducation (name)", model_field="phase_of_education")
        self.date("OpenDate")
        found.close_date = self.date("CloseDate")
        found.street = self.text("Street", model_field="street")
        found.town = self.text("Town", model_field="town")
        found.postcode = self.text("Postcode", model_field="postcode")
        found.ofsted_rating = self.text("OfstedRating (name)", model_field="ofsted_rating")
        self._ages(found)
        self._location(found)
        found.school_capacity = self.integer("SchoolCapacity", maximum=_BIGGEST)
        found.pupils_on_roll = self.integer("NumberOfPupils", maximum=_BIGGEST)
        found.needs = self._needs()
        found.kind = codes.TYPE_KINDS.get(found.type_code, Setting.Kind.OTHER)
        found.strands = self._strands(found)
        if found.kind == Setting.Kind.MAINSTREAM and found.strands:
            found.kind = Setting.Kind.RESOURCED

    def _ages(self, found: GiasEstablishment) -> None:
        low = self.integer("StatutoryLowAge", required=True, maximum=MAX_AGE)
        high = self.integer("StatutoryHighAge", required=True)
        if low is None or high is None:
            return
        if high < low:
            self.problem("StatutoryHighAge", f"{high} is below StatutoryLowAge {low}")
            return
        found.min_age, found.max_age = low, min(high, MAX_AGE)

    def _location(self, found: GiasEstablishment) -> None:
        easting = self.number("Easting", maximum=700_000)
        northing = self.number("Northing", maximum=1_300_000)
        if (easting is None) != (northing is None):
            empty = "Northing" if northing is None else "Easting"
            if not self.values.get(empty, "").strip():
                self.problem(empty, "is empty while the other grid reference is given")
            return
        # GIAS writes 0/0 for establishments it has not located.
        if easting and northing:
            found.easting, found.northing = easting, northing

    def _needs(self) -> tuple[str, ...]:
        needs: set[str] = set()
        for column in SEN_COLUMNS:
            raw = self.values.get(column, "")
            need = codes.need_from_gias(raw)
            if need is None:
                known = ", ".join(sorted({c for c in codes.GIAS_NEEDS if c != "BESD"}))
                self.problem(column, f"{raw.strip()!r} is not a GIAS SEN provision code ({known})")
            elif need:
                needs.add(need)
        return tuple(code for code in NEED_CODES if code in needs)

    def _strands(self, found: GiasEstablishment) -> tuple[GiasStrand, ...]:
        strands = []
        specialist = codes.SPECIALIST_TYPES.get(found.type_code)
        if specialist:
            strands.append(_strand(specialist, found.school_capacity, found.pupils_on_roll))
            return tuple(strands)
        column = "TypeOfResourcedProvision (name)"
        kinds = codes.resourced_kinds(self.values.get(column, ""))
        if kinds is None:
            self.problem(column, f"{self.values[column].strip()!r} is not a GIAS provision type")
            return ()
        resourced, unit = kinds
        rp_capacity = self.integer("ResourcedProvisionCapacity", maximum=_BIGGEST)
        rp_roll = self.integer("ResourcedProvisionOnRoll", maximum=_BIGGEST)
        unit_capacity = self.integer("SenUnitCapacity", maximum=_BIGGEST)
        unit_roll = self.integer("SenUnitOnRoll", maximum=_BIGGEST)
        if resourced:
            strands.append(_strand(codes.StrandKind.RESOURCED_PROVISION, rp_capacity, rp_roll))
        if unit:
            strands.append(_strand(codes.StrandKind.SEN_UNIT, unit_capacity, unit_roll))
        return tuple(strands)


def _strand(kind: str, capacity: int | None, on_roll: int | None) -> GiasStrand:
    if capacity is not None:
        return GiasStrand(kind, capacity, on_roll or 0, capacity_is_estimate=False)
    # No capacity recorded: the roll is the best guess at the places, labelled as such.
    return GiasStrand(
        kind,
        on_roll or 0,
        on_roll or 0,
        capacity_is_estimate=True,
        note="GIAS records no capacity; places estimated from the number on roll",
    )
