"""A provision strand's history: the services that change it leave a row saying who, and the
strand's page lists the changes (ADR 0148, amended)."""

from __future__ import annotations

import pytest
from django.urls import reverse

from sendplan.core.errors import PermissionDenied
from sendplan.core.models import GIAS_IMPORT
from sendplan.provision.gias import parse_gias
from sendplan.provision.models import ProvisionStrand
from sendplan.provision.selectors import strand_history
from sendplan.provision.services import convert_to_inclusion_base, settings_import_gias
from tests.factories import SettingFactory, StrandFactory
from tests.provision.gias_rows import establishment, gias_text, sen_columns

pytestmark = pytest.mark.django_db

Kind = ProvisionStrand.Kind


def _unit() -> ProvisionStrand:
    return StrandFactory(
        setting=SettingFactory(name="Brixton Hill Primary School"),
        kind=Kind.SEN_UNIT,
        capacity=12,
        min_age=4,
        max_age=11,
    )


def _school_with_unit(places: str) -> list:
    row = establishment(
        100601,
        "Sudbourne Primary School",
        **{
            "TypeOfResourcedProvision (name)": "SEN unit",
            "SenUnitCapacity": places,
            "SenUnitOnRoll": "6",
        },
        **sen_columns(["ASD - Autistic Spectrum Disorder"]),
    )
    return parse_gias(gias_text([row])).establishments


def test_a_conversion_leaves_a_history_row_with_the_user(cast):
    strand = _unit()
    convert_to_inclusion_base(
        converted_by=cast.caseworker, strand_id=strand.pk, expected_lock=strand.lock
    )
    latest = strand.history.order_by("-history_id").first()
    assert latest.history_type == "~"
    assert latest.history_user == cast.caseworker
    assert (latest.kind, latest.converted_from) == (Kind.INCLUSION_BASE, Kind.SEN_UNIT)
    change = strand_history(fetched_by=cast.health, strand_id=strand.pk)[0]
    assert change.who == cast.caseworker.display_name
    assert change.what == ("Converted to an inclusion base (was SEN unit)",)


def test_an_import_that_changes_the_places_leaves_a_history_row_with_the_user(cast):
    settings_import_gias(rows=_school_with_unit("8"), imported_by=cast.la_colleague)
    strand = ProvisionStrand.objects.get(setting__urn=100601, kind=Kind.SEN_UNIT)
    report = settings_import_gias(rows=_school_with_unit("10"), imported_by=cast.caseworker)
    assert report.strands_updated == 1
    added, changed = strand.history.order_by("history_id")
    assert (added.history_type, added.history_user) == ("+", cast.la_colleague)
    assert (changed.history_type, changed.history_user) == ("~", cast.caseworker)
    assert changed.capacity == 10
    entries = strand_history(fetched_by=cast.caseworker, strand_id=strand.pk)
    assert [(e.who, e.what) for e in entries] == [
        (cast.caseworker.display_name, ("Places: 8 to 10",)),
        (cast.la_colleague.display_name, ("Added to the register",)),
    ]


def test_an_import_from_the_command_line_is_named_where_no_one_is(cast):
    settings_import_gias(rows=_school_with_unit("8"))
    settings_import_gias(rows=_school_with_unit("10"))
    strand = ProvisionStrand.objects.get(setting__urn=100601, kind=Kind.SEN_UNIT)
    assert {h.history_change_reason for h in strand.history.all()} == {GIAS_IMPORT}
    entries = strand_history(fetched_by=cast.caseworker, strand_id=strand.pk)
    assert [(e.who, e.what) for e in entries] == [
        ("The GIAS import", ("Places: 8 to 10",)),
        ("The GIAS import", ("Added to the register",)),
    ]


def test_a_cost_change_says_both_figures(cast):
    strand = _unit()
    strand.top_up = 9_500
    strand.cost_is_default = False
    strand._history_user = cast.caseworker
    strand.save()
    change = strand_history(fetched_by=cast.caseworker, strand_id=strand.pk)[0]
    assert change.what == ("Top-up: £15,000 to £9,500", "Cost is a default: yes to no")


def test_a_save_that_changes_nothing_shown_is_left_out(cast):
    strand = _unit()
    strand.lock += 1
    strand.save()
    entries = strand_history(fetched_by=cast.caseworker, strand_id=strand.pk)
    assert [e.what for e in entries] == [("Added to the register",)]


def test_the_strand_page_lists_the_conversion_and_the_edit(cast):
    strand = _unit()
    strand.capacity = 14
    strand._history_user = cast.la_colleague
    strand.save()
    client = cast.client_for(cast.caseworker)
    url = reverse("provision:strand-convert", args=[strand.pk])
    client.post(url, {"expected_lock": strand.lock})
    html = client.get(reverse("provision:strand", args=[strand.pk])).content.decode()
    history = html[html.index('id="history"') :]
    assert "Converted to an inclusion base (was SEN unit)" in history
    assert "Places: 12 to 14" in history
    assert cast.caseworker.display_name in history
    assert cast.la_colleague.display_name in history
    # Newest first: the conversion, then the edit.
    assert history.index("Converted to an inclusion base") < history.index("Places: 12 to 14")


def test_families_cannot_read_a_strands_history(cast):
    strand = _unit()
    with pytest.raises(PermissionDenied):
        strand_history(fetched_by=cast.parent, strand_id=strand.pk)


def test_a_roll_moved_by_a_placement_is_not_put_down_to_the_next_editor(cast):
    strand = _unit()
    ProvisionStrand.objects.filter(pk=strand.pk).update(on_roll=strand.on_roll + 1)
    convert_to_inclusion_base(
        converted_by=cast.caseworker, strand_id=strand.pk, expected_lock=strand.lock
    )
    change = strand_history(fetched_by=cast.caseworker, strand_id=strand.pk)[0]
    assert change.what == ("Converted to an inclusion base (was SEN unit)",)
