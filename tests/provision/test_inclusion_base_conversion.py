"""A SEN unit or resourced provision becomes an inclusion base, keeping its former kind for
SEN2 (ADR 0148): the service, the SEN2 return, the reform figures and the pages."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from sendplan.casework.sen2.export import build_return
from sendplan.casework.sen2.importer import import_return
from sendplan.core.errors import PermissionDenied, StaleEdit
from sendplan.engine import REFORM_GROUPS, sen2_check, sen2_person_xml, sen2_read, sen2_write
from sendplan.provision.models import ProvisionStrand
from sendplan.provision.services import convert_to_inclusion_base
from sendplan.sufficiency.runs import _LOCAL_KINDS, _register_snapshot
from sendplan.sufficiency.selectors import costed
from tests.factories import PlacementFactory, SettingFactory, StrandFactory
from tests.provision.gias_rows import LAMBETH_FILE_ROWS, write_gias
from tests.provision.test_gias_import import import_gias

pytestmark = pytest.mark.django_db

Kind = ProvisionStrand.Kind
EVERY_MODULE = Path(__file__).parents[1] / "casework" / "sen2_every_module.xml"
CENSUS = dt.date(2026, 1, 15)


def _unit(kind: str = Kind.SEN_UNIT, **values: object) -> ProvisionStrand:
    fields: dict[str, object] = {"capacity": 12, "min_age": 4, "max_age": 11, **values}
    return StrandFactory(
        setting=SettingFactory(name="Brixton Hill Primary School"), kind=kind, **fields
    )


# The service ---------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [Kind.SEN_UNIT, Kind.RESOURCED_PROVISION])
def test_a_unit_becomes_an_inclusion_base_keeping_its_former_kind(cast, kind):
    strand = _unit(kind, on_roll=9, top_up=12_000)
    converted = convert_to_inclusion_base(
        converted_by=cast.caseworker, strand_id=strand.pk, expected_lock=strand.lock
    )
    converted.refresh_from_db()
    assert converted.kind == Kind.INCLUSION_BASE
    assert converted.converted_from == kind
    assert converted.reported_kind == kind
    assert converted.converted_at is not None
    assert converted.modified_by == cast.caseworker
    assert converted.lock == strand.lock + 1
    # The places themselves are untouched.
    assert (converted.capacity, converted.on_roll, converted.top_up) == (12, 9, 12_000)
    assert converted.need_codes == ["ASD"]


@pytest.mark.parametrize(
    "kind", [Kind.SPECIAL_SCHOOL, Kind.MAINSTREAM, Kind.POST16, Kind.INDEPENDENT]
)
def test_other_kinds_are_refused(cast, kind):
    strand = _unit(kind)
    with pytest.raises(ValidationError) as refused:
        convert_to_inclusion_base(
            converted_by=cast.caseworker, strand_id=strand.pk, expected_lock=strand.lock
        )
    assert "only a SEN unit or resourced provision" in refused.value.message_dict["kind"][0]
    strand.refresh_from_db()
    assert (strand.kind, strand.converted_from) == (kind, "")


def test_an_inclusion_base_cannot_be_converted_again(cast):
    strand = _unit()
    convert_to_inclusion_base(
        converted_by=cast.caseworker, strand_id=strand.pk, expected_lock=strand.lock
    )
    with pytest.raises(ValidationError, match="already an inclusion base"):
        convert_to_inclusion_base(
            converted_by=cast.caseworker, strand_id=strand.pk, expected_lock=strand.lock + 1
        )
    strand.refresh_from_db()
    assert strand.converted_from == Kind.SEN_UNIT


def test_a_conversion_from_an_older_read_is_refused(cast):
    strand = _unit()
    ProvisionStrand.objects.filter(pk=strand.pk).update(lock=strand.lock + 1)
    with pytest.raises(StaleEdit):
        convert_to_inclusion_base(
            converted_by=cast.caseworker, strand_id=strand.pk, expected_lock=strand.lock
        )
    strand.refresh_from_db()
    assert strand.kind == Kind.SEN_UNIT


def test_only_those_who_may_change_the_register_convert(cast):
    strand = _unit()
    for user in (cast.health, cast.senco, cast.parent):
        with pytest.raises(PermissionDenied):
            convert_to_inclusion_base(converted_by=user, strand_id=strand.pk, expected_lock=1)
    strand.refresh_from_db()
    assert strand.kind == Kind.SEN_UNIT


def test_a_gias_reimport_updates_the_converted_base_and_adds_no_unit(cast, tmp_path):
    path = write_gias(tmp_path / "edubasealldata.csv", LAMBETH_FILE_ROWS)
    import_gias(path, "--la", "208")
    unit = ProvisionStrand.objects.get(setting__urn=100601, kind=Kind.SEN_UNIT)
    convert_to_inclusion_base(
        converted_by=cast.caseworker, strand_id=unit.pk, expected_lock=unit.lock
    )
    ProvisionStrand.objects.filter(pk=unit.pk).update(capacity=3)
    status, out, _ = import_gias(path, "--la", "208")
    assert status == 0 and "0 provision strands created, 1 updated" in out
    kinds = ProvisionStrand.objects.filter(setting__urn=100601).values_list("kind", flat=True)
    assert sorted(kinds) == [Kind.INCLUSION_BASE, Kind.RESOURCED_PROVISION]
    again = ProvisionStrand.objects.get(pk=unit.pk)
    assert (again.kind, again.converted_from, again.capacity) == (
        Kind.INCLUSION_BASE,
        Kind.SEN_UNIT,
        8,
    )
    assert again.lock == unit.lock + 2  # a form read before the import is refused


# SEN2 ----------------------------------------------------------------------------------


def _indicators(data: bytes) -> list[tuple[str | None, str | None]]:
    document, _ = sen2_read(data)
    return [
        (placement.sen_unit, placement.resourced_provision)
        for person in document.persons
        for request in person.requests
        if request.active_plans
        for placement in request.active_plans.placements
    ]


def _export() -> bytes:
    document, _ = build_return(CENSUS, "208")
    return sen2_write(document)


@pytest.mark.parametrize(
    ("kind", "flags"),
    [(Kind.SEN_UNIT, ("1", "0")), (Kind.RESOURCED_PROVISION, ("0", "1"))],
)
def test_sen2_reports_a_converted_strand_as_it_did_before(cast, kind, flags):
    original = EVERY_MODULE.read_text()
    placed = (
        "<EntryDate>2025-09-03</EntryDate>\n"
        "            <SENunitIndicator>0</SENunitIndicator>\n"
        "            <ResourcedProvisionIndicator>0</ResourcedProvisionIndicator>"
    )
    assert placed in original
    flagged = placed.replace(">0</SENunit", f">{flags[0]}</SENunit").replace(
        ">0</Resourced", f">{flags[1]}</Resourced"
    )
    data = original.replace(placed, flagged).encode()
    document, problems = sen2_check(data)
    assert problems == []
    import_return(document)
    strand = ProvisionStrand.objects.get(kind=kind, setting__urn=123456)
    before = _export()
    assert flags in _indicators(before)

    convert_to_inclusion_base(
        converted_by=cast.caseworker, strand_id=strand.pk, expected_lock=strand.lock
    )
    after = _export()
    assert _indicators(after) == _indicators(before)
    assert [sen2_person_xml(p) for p in sen2_read(after)[0].persons] == [
        sen2_person_xml(p) for p in sen2_read(before)[0].persons
    ]
    # Importing the return again finds the converted strand rather than adding a new unit.
    import_return(sen2_check(after)[0])
    at_school = ProvisionStrand.objects.filter(setting__urn=123456)
    assert list(at_school.values_list("kind", flat=True)) == [Kind.INCLUSION_BASE]


# Reform figures ------------------------------------------------------------------------


def test_reform_figures_count_a_converted_strand_as_an_inclusion_base(cast):
    strand = _unit(Kind.RESOURCED_PROVISION, capacity=17)
    placement = PlacementFactory(setting=strand.setting, strand=strand)
    convert_to_inclusion_base(
        converted_by=cast.caseworker, strand_id=strand.pk, expected_lock=strand.lock
    )
    placement.refresh_from_db()
    assert costed(placement).kind == Kind.INCLUSION_BASE
    places = [p for p in _register_snapshot()["places"] if p["places"] == 17]
    assert [p["kind"] for p in places] == ["resourced"]
    assert _LOCAL_KINDS[Kind.INCLUSION_BASE] in REFORM_GROUPS["inclusion_base"]


# The pages -----------------------------------------------------------------------------


def test_the_setting_links_to_the_strand_whose_page_offers_the_conversion(cast):
    strand = _unit()
    client = cast.client_for(cast.caseworker)
    setting_page = client.get(reverse("provision:setting", args=[strand.setting.pk]))
    page_url = reverse("provision:strand", args=[strand.pk])
    convert_url = reverse("provision:strand-convert", args=[strand.pk])
    assert page_url in setting_page.content.decode()
    shown = client.get(page_url).content.decode()
    assert "Convert to inclusion base" in shown and convert_url in shown


def test_readers_see_the_strand_but_not_the_conversion(cast):
    strand = _unit()
    page_url = reverse("provision:strand", args=[strand.pk])
    convert_url = reverse("provision:strand-convert", args=[strand.pk])
    client = cast.client_for(cast.health)
    assert convert_url not in client.get(page_url).content.decode()
    assert client.get(convert_url).status_code == 403
    assert client.post(convert_url, {"expected_lock": strand.lock}).status_code == 403
    assert cast.client_for(cast.parent).get(page_url).status_code == 403
    missing = reverse("provision:strand", args=[strand.pk + 1000])
    assert cast.client_for(cast.caseworker).get(missing).status_code == 404
    assert cast.client_for(cast.caseworker).post(page_url).status_code == 405
    strand.refresh_from_db()
    assert strand.kind == Kind.SEN_UNIT


def test_confirming_converts_and_the_page_says_what_it_was(cast):
    strand = _unit()
    client = cast.client_for(cast.caseworker)
    url = reverse("provision:strand-convert", args=[strand.pk])
    asked = client.get(url).content.decode()
    assert "Convert these places to an inclusion base?" in asked and "SEN unit: 12 places" in asked
    assert f'name="expected_lock" value="{strand.lock}"' in asked
    response = client.post(url, {"expected_lock": strand.lock}, follow=True)
    strand.refresh_from_db()
    assert strand.kind == Kind.INCLUSION_BASE
    html = response.content.decode()
    assert response.redirect_chain[-1][0] == reverse("provision:strand", args=[strand.pk])
    assert "the places are now an inclusion base" in html
    assert "Converted from SEN unit" in html
    assert "Convert to inclusion base</a>" not in html


def test_a_stale_confirmation_is_refused_saying_who(cast):
    strand = _unit()
    client = cast.client_for(cast.caseworker)
    url = reverse("provision:strand-convert", args=[strand.pk])
    ProvisionStrand.objects.filter(pk=strand.pk).update(
        lock=strand.lock + 1, capacity=14, modified_by=cast.la_colleague
    )
    response = client.post(url, {"expected_lock": strand.lock})
    assert response.status_code == 409
    html = response.content.decode()
    assert cast.la_colleague.display_name in html and "govuk-error-summary" in html
    assert f'name="expected_lock" value="{strand.lock + 1}"' in html
    assert "14 places" in html
    strand.refresh_from_db()
    assert strand.kind == Kind.SEN_UNIT


def test_a_special_school_strand_offers_no_conversion(cast):
    strand = _unit(Kind.SPECIAL_SCHOOL)
    client = cast.client_for(cast.caseworker)
    assert (
        "Convert to inclusion base"
        not in client.get(reverse("provision:strand", args=[strand.pk])).content.decode()
    )
    url = reverse("provision:strand-convert", args=[strand.pk])
    html = client.post(url, {"expected_lock": strand.lock}).content.decode()
    assert "only a SEN unit or resourced provision" in html
    assert "govuk-error-summary" in html
    strand.refresh_from_db()
    assert strand.kind == Kind.SPECIAL_SCHOOL
