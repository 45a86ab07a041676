"""Writes to the register of places."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from sendplan.accounts.models import User
from sendplan.core.locking import lock_bump, lock_check
from sendplan.core.models import GIAS_IMPORT
from sendplan.provision.gias import GiasEstablishment, GiasStrand
from sendplan.provision.models import (
    NEED_CHOICES,
    PLACE_FUNDING_SPECIAL,
    PLACE_FUNDING_UNIT,
    LocalService,
    ProvisionStrand,
    Setting,
    StrandDesignation,
)

#: Labelled default fee for an independent or non-maintained special school place, pounds a
#: year, until the LA enters the real one (DESIGN.md: about £52k on average in 2015-16,
#: higher since). ``cost_is_default`` stays True while it is used.
INDEPENDENT_FEE_DEFAULT = 60_000

#: Default place funding by strand kind (DESIGN.md "Money and places"): pounds a year.
PLACE_FUNDING_DEFAULTS = {
    ProvisionStrand.Kind.SPECIAL_SCHOOL: PLACE_FUNDING_SPECIAL,
    ProvisionStrand.Kind.INCLUSION_BASE: PLACE_FUNDING_UNIT,
    ProvisionStrand.Kind.SEN_UNIT: PLACE_FUNDING_UNIT,
    ProvisionStrand.Kind.RESOURCED_PROVISION: PLACE_FUNDING_UNIT,
    ProvisionStrand.Kind.POST16: PLACE_FUNDING_UNIT,
    ProvisionStrand.Kind.INDEPENDENT: 0,
}

SETTING_FIELDS = (
    "ukprn",
    "name",
    "kind",
    "establishment_type",
    "phase_of_education",
    "min_age",
    "max_age",
    "street",
    "town",
    "postcode",
    "latitude",
    "longitude",
    "la_code",
    "la_name",
    "in_area",
    "is_open",
    "ofsted_rating",
    "school_capacity",
    "pupils_on_roll",
    "source",
    "source_note",
)
STRAND_FIELDS = (
    "min_age",
    "max_age",
    "capacity",
    "on_roll",
    "capacity_is_estimate",
    "note",
    "place_funding",
    "top_up",
    "annual_fee",
)
_TRACKING = ("modified_at", "modified_by", "lock")
_BATCH = 500


@dataclass
class ImportReport:
    """What an import did; a second run of the same file reports everything unchanged."""

    created: int = 0
    updated: int = 0
    unchanged: int = 0
    closed: int = 0
    skipped_closed: int = 0
    skipped_other_la: int = 0
    skipped_out_of_scope: int = 0
    strands_created: int = 0
    strands_updated: int = 0
    #: ``la_codes`` that matched no establishment in the file (probably a typing error).
    unmatched_la: tuple[str, ...] = ()

    def summary(self) -> str:
        return (
            f"{self.created} settings created, {self.updated} updated, "
            f"{self.unchanged} unchanged, {self.closed} marked closed; "
            f"{self.strands_created} provision strands created, {self.strands_updated} updated; "
            f"skipped {self.skipped_closed} not open, {self.skipped_other_la} in other areas, "
            f"{self.skipped_out_of_scope} out of scope"
        )


def settings_import_gias(
    *,
    rows: Iterable[GiasEstablishment],
    la_codes: Collection[str] = (),
    urns: Collection[int] = (),
    imported_by: User | None = None,
) -> ImportReport:
    """Upsert checked GIAS rows into the register by URN, all in one transaction.

    Keeps open establishments: all of them, or with ``la_codes`` those whose LA (old
    three-digit code, name or GSS code) is listed, plus the ``urns`` named and any URN
    already on the register (an out-of-area school added earlier stays up to date). With
    ``la_codes`` a setting is in the area when its LA is listed. A URN on the register that
    GIAS now lists as closed is marked closed. A new strand gets the labelled default
    costs; an existing strand's costs are never overwritten. Strands GIAS no longer records
    are left for the LA to close. Runs in a fixed number of queries.
    """
    with transaction.atomic():
        return _Import(la_codes, urns, imported_by).run(list(rows))


class _Import:
    def __init__(self, la_codes: Collection[str], urns: Collection[int], user: User | None) -> None:
        self.la_filter = {code.strip().lower() for code in la_codes if code.strip()}
        self.urns = set(urns)
        self.user = user
        self.now: datetime = timezone.now()
        self.report = ImportReport()
        self.la_seen: set[str] = set()

    def run(self, rows: list[GiasEstablishment]) -> ImportReport:
        existing: dict[int, Setting] = {
            s.urn: s for s in Setting.objects.filter(urn__isnull=False) if s.urn is not None
        }
        kept: list[GiasEstablishment] = []
        new_settings: list[Setting] = []
        changed: dict[int, Setting] = {}
        for row in rows:
            setting = existing.get(row.urn)
            if not row.in_scope:
                self.report.skipped_out_of_scope += 1
            elif not row.is_open:
                if setting is not None and setting.is_open:
                    setting.is_open = False
                    self._touch(setting)
                    changed[row.urn] = setting
                    self.report.closed += 1
                else:
                    self.report.skipped_closed += 1
            elif not self._wanted(row, setting is not None):
                self.report.skipped_other_la += 1
            elif setting is None:
                setting = Setting(urn=row.urn, created_by=self.user, modified_by=self.user)
                for name, value in self._values(row, None).items():
                    setattr(setting, name, value)
                new_settings.append(setting)
                existing[row.urn] = setting
                kept.append(row)
            else:
                if _assign(setting, self._values(row, setting)):
                    self._touch(setting)
                    changed[row.urn] = setting
                kept.append(row)
        Setting.objects.bulk_create(new_settings, batch_size=_BATCH)
        touched_strands = self._strands(kept, existing)
        for urn in touched_strands - set(changed) - {s.urn for s in new_settings}:
            setting = existing[urn]
            self._touch(setting)
            changed[urn] = setting
        Setting.objects.bulk_update(
            list(changed.values()), [*SETTING_FIELDS, *_TRACKING], batch_size=_BATCH
        )
        self.report.unmatched_la = tuple(sorted(self.la_filter - self.la_seen))
        self.report.created = len(new_settings)
        self.report.updated = len(changed) - self.report.closed
        self.report.unchanged = len(kept) - self.report.created - self.report.updated
        return self.report

    def _wanted(self, row: GiasEstablishment, on_register: bool) -> bool:
        return not self.la_filter or self._in_area(row) or on_register or row.urn in self.urns

    def _in_area(self, row: GiasEstablishment) -> bool:
        matched = {row.la_code.lower(), row.la_name.lower(), row.gss_code.lower()} & self.la_filter
        self.la_seen |= matched
        return bool(matched)

    def _values(self, row: GiasEstablishment, setting: Setting | None) -> dict[str, Any]:
        note = ""
        if row.status == "closing":
            when = f" on {row.close_date}" if row.close_date else ""
            note = f"GIAS: open, but proposed to close{when}"
        if self.la_filter:
            in_area = self._in_area(row)
        else:
            in_area = True if setting is None else setting.in_area
        return {
            "ukprn": row.ukprn,
            "name": row.name,
            "kind": row.kind,
            "establishment_type": row.type_name,
            "phase_of_education": row.phase,
            "min_age": row.min_age,
            "max_age": row.max_age,
            "street": row.street,
            "town": row.town,
            "postcode": row.postcode,
            "latitude": row.latitude,
            "longitude": row.longitude,
            "la_code": row.la_code,
            "la_name": row.la_name,
            "in_area": in_area,
            "is_open": True,
            "ofsted_rating": row.ofsted_rating,
            "school_capacity": row.school_capacity,
            "pupils_on_roll": row.pupils_on_roll,
            "source": Setting.Source.GIAS,
            "source_note": note,
        }

    def _touch(self, obj: Setting | ProvisionStrand) -> None:
        obj.modified_at = self.now
        obj.modified_by = self.user
        lock_bump(obj)

    def _strands(self, rows: list[GiasEstablishment], settings: dict[int, Setting]) -> set[int]:
        """Create and update the strands GIAS records; return the URNs whose strands changed."""
        current: dict[tuple[int, str], ProvisionStrand] = {}
        for strand in (
            ProvisionStrand.objects.filter(setting__urn__isnull=False)
            .prefetch_related("designations")
            .order_by("-pk")
        ):
            # The oldest of a kind wins; an inclusion base converted from a SEN unit or
            # resourced provision is still what GIAS records as that (ADR 0148).
            current[(strand.setting_id, strand.reported_kind)] = strand
        new_strands: list[tuple[ProvisionStrand, tuple[str, ...]]] = []
        changed: list[ProvisionStrand] = []
        add: list[StrandDesignation] = []
        remove: list[int] = []
        touched: set[int] = set()
        for row in rows:
            setting = settings[row.urn]
            for found in row.strands:
                strand_or_none = current.get((setting.pk, found.kind))
                if strand_or_none is None:
                    strand = ProvisionStrand(
                        setting=setting,
                        kind=found.kind,
                        created_by=self.user,
                        modified_by=self.user,
                    )
                    _assign(strand, _strand_values(found, row, strand))
                    new_strands.append((strand, row.needs))
                    touched.add(row.urn)
                    continue
                strand = strand_or_none
                have = {d.need: d.pk for d in strand.designations.all()}
                add += [
                    StrandDesignation(strand=strand, need=n) for n in row.needs if n not in have
                ]
                gone = [pk for need, pk in have.items() if need not in row.needs]
                remove += gone
                fields_changed = _assign(strand, _strand_values(found, row, strand))
                if fields_changed:
                    self._touch(strand)
                    changed.append(strand)
                if fields_changed or gone or len(have) - len(gone) != len(row.needs):
                    touched.add(row.urn)
        # With history rows in the same batches, saying who imported (a bulk write sends no
        # signals, so simple-history would otherwise record nothing).
        bulk_create_with_history(
            [s for s, _ in new_strands],
            ProvisionStrand,
            batch_size=_BATCH,
            default_user=self.user,
            default_date=self.now,
            default_change_reason=GIAS_IMPORT,
        )
        add += [StrandDesignation(strand=s, need=n) for s, needs in new_strands for n in needs]
        StrandDesignation.objects.bulk_create(add, batch_size=_BATCH)
        for start in range(0, len(remove), _BATCH):
            StrandDesignation.objects.filter(pk__in=remove[start : start + _BATCH]).delete()
        bulk_update_with_history(
            changed,
            ProvisionStrand,
            [*STRAND_FIELDS, *_TRACKING],
            batch_size=_BATCH,
            default_user=self.user,
            default_date=self.now,
            default_change_reason=GIAS_IMPORT,
        )
        self.report.strands_created = len(new_strands)
        self.report.strands_updated = len(changed)
        return touched


def _strand_values(
    found: GiasStrand, row: GiasEstablishment, strand: ProvisionStrand
) -> dict[str, Any]:
    values: dict[str, Any] = {
        "min_age": row.min_age,
        "max_age": row.max_age,
        "capacity": found.capacity,
        "on_roll": found.on_roll,
        "capacity_is_estimate": found.capacity_is_estimate,
    }
    if found.note or strand.note.startswith("GIAS records no capacity"):
        values["note"] = found.note
    if strand.pk is None:  # costs are set once: later the LA's own figures replace them
        values["place_funding"] = PLACE_FUNDING_DEFAULTS[ProvisionStrand.Kind(found.kind)]
        values["top_up"] = 0
        is_independent = found.kind == ProvisionStrand.Kind.INDEPENDENT
        values["annual_fee"] = INDEPENDENT_FEE_DEFAULT if is_independent else None
    return values


def _assign(obj: Setting | ProvisionStrand, values: dict[str, Any]) -> bool:
    """Set the values that differ; True when any did."""
    changed = False
    for name, value in values.items():
        if getattr(obj, name) != value:
            setattr(obj, name, value)
            changed = True
    return changed


LOCAL_SERVICE_FIELDS = (
    "name",
    "organisation_id",
    "based_at_id",
    "kind",
    "description",
    "min_age",
    "max_age",
    "needs",
    "access",
    "access_note",
    "email",
    "phone",
    "website",
    "area_served",
    "active",
)


@transaction.atomic
def local_service_save(
    *,
    changed_by: User,
    expected_lock: int,
    pk: int | None = None,
    **values: Any,
) -> LocalService:
    """Add a local service to the register (``pk`` None) or change one (ADR 0147).

    ``values`` are :data:`LOCAL_SERVICE_FIELDS`. A save built from an older read is refused
    (``StaleEdit``); a service needs a way to reach it: an email, phone or web page."""
    from sendplan.provision.selectors import check_register_edit

    check_register_edit(changed_by)
    unknown = set(values) - set(LOCAL_SERVICE_FIELDS)
    if unknown:
        raise ValueError(f"not fields of a local service: {', '.join(sorted(unknown))}")
    row = LocalService() if pk is None else LocalService.objects.select_for_update().get(pk=pk)
    lock_check(row, expected=expected_lock)
    for name, value in values.items():
        setattr(row, name, value.strip() if isinstance(value, str) else value)
    errors: dict[str, str] = {}
    if row.min_age > row.max_age:
        errors["max_age"] = "The oldest age must be the same as or more than the youngest age"
    if not (row.email or row.phone or row.website):
        errors["email"] = "Enter an email address, phone number or web page for the service"
    unknown_needs = [code for code in row.needs or [] if code not in dict(NEED_CHOICES)]
    if unknown_needs:
        errors["needs"] = "Select needs from the list"
    if errors:
        raise ValidationError(errors)
    row.needs = [code for code, _label in NEED_CHOICES if code in (row.needs or [])]
    if pk is None:
        row.created_by = changed_by
    row.modified_by = changed_by
    row.full_clean()
    row.save()
    return row


#: The kinds the 2026 Schools White Paper proposes to call inclusion bases (ADR 0148).
CONVERTIBLE_KINDS = (ProvisionStrand.Kind.SEN_UNIT, ProvisionStrand.Kind.RESOURCED_PROVISION)


def not_convertible(strand: ProvisionStrand) -> str:
    """Why this strand cannot become an inclusion base; empty when it can."""
    if strand.kind == ProvisionStrand.Kind.INCLUSION_BASE:
        return "These places are already an inclusion base"
    if strand.kind not in CONVERTIBLE_KINDS:
        return (
            f"{strand.get_kind_display()} cannot become an inclusion base: only a SEN unit or "
            "resourced provision can"
        )
    return ""


@transaction.atomic
def convert_to_inclusion_base(
    *, converted_by: User, strand_id: int, expected_lock: int
) -> ProvisionStrand:
    """Make a SEN unit or resourced provision an inclusion base, keeping the former kind in
    ``converted_from`` so that SEN2 still reports which it was (ADR 0148).

    A conversion built from an older read of the strand is refused (``StaleEdit``); so is
    one of any other kind (``ValidationError`` on ``kind``). Places, roll, costs and
    designations are unchanged: placements keep pointing at the same strand.
    """
    from sendplan.provision.selectors import check_register_edit

    check_register_edit(converted_by)
    strand = ProvisionStrand.objects.select_for_update().get(pk=strand_id)
    lock_check(strand, expected=expected_lock)
    refusal = not_convertible(strand)
    if refusal:
        raise ValidationError({"kind": refusal})
    strand.converted_from = strand.kind
    strand.kind = ProvisionStrand.Kind.INCLUSION_BASE
    strand.converted_at = timezone.now()
    strand.modified_by = converted_by
    strand._history_user = converted_by  # type: ignore[attr-defined]
    strand.full_clean()
    strand.save()
    return strand
