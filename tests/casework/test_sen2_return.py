"""The SEN2 return from the record and into it: scope, trace, import, and the round trip."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
from django.core.management import call_command

from sendplan.casework.models import Case, Plan, Review
from sendplan.casework.sen2.export import build_return
from sendplan.casework.sen2.importer import import_return
from sendplan.core.models import SEN2_IMPORT
from sendplan.engine import sen2_check, sen2_person_xml, sen2_read, sen2_write
from sendplan.learners.models import Learner, Placement
from sendplan.provision.models import ProvisionStrand
from sendplan.provision.selectors import strand_history

pytestmark = pytest.mark.django_db

EVERY_MODULE = Path(__file__).parent / "sen2_every_module.xml"
CENSUS = dt.date(2026, 1, 15)


def persons(data: bytes) -> list[str]:
    document, _ = sen2_read(data)
    return [sen2_person_xml(p) for p in document.persons]


def command(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    try:
        call_command("sen2", *args, stdout=out, stderr=err)
    except SystemExit as stop:
        return int(stop.code or 0), out.getvalue(), err.getvalue()
    return 0, out.getvalue(), err.getvalue()


def load(path: Path = EVERY_MODULE) -> None:
    document, problems = sen2_check(path.read_bytes())
    assert problems == []
    import_return(document)


def test_the_hand_made_return_has_every_module_and_is_valid() -> None:
    document, problems = sen2_check(EVERY_MODULE.read_bytes())
    assert problems == []
    requests = [r for p in document.persons for r in p.requests]
    assert {r.outcome for r in requests} == {"Y", "N", "A", "W", "H"}
    assessments = [r.assessment for r in requests if r.assessment]
    assert {a.outcome for a in assessments} == {"Y", "N", "W", "H"}
    assert any(a.named_plan and a.named_plan.cease_date for a in assessments)
    active = [r.active_plans for r in requests if r.active_plans]
    assert any(a.review_outcome for a in active)
    assert any(pl.sen_setting for a in active for pl in a.placements)


def test_round_trip_import_into_an_empty_database_then_export_gives_the_same_persons() -> None:
    assert not Learner.objects.exists()
    load()
    document, _ = build_return(CENSUS, "208")
    exported = sen2_write(document)
    assert sen2_check(exported)[1] == []
    assert persons(exported) == persons(EVERY_MODULE.read_bytes())


def test_the_round_trip_of_the_reference_example() -> None:
    example = Path(__file__).parents[1] / "cli" / "malformed" / "good" / "sen2.xml"
    load(example)
    document, _ = build_return(CENSUS, "931")
    assert (
        sen2_write(document).split(b"<Persons>")[1] == example.read_bytes().split(b"<Persons>")[1]
    )


def test_importing_twice_changes_nothing_and_a_dry_run_writes_nothing() -> None:
    status, out, _ = command("import", str(EVERY_MODULE), "--dry-run")
    assert status == 0
    assert "would change: " in out and "9 created learners.Learner" in out
    assert not Learner.objects.exists() and not Case.objects.exists()
    assert command("import", str(EVERY_MODULE))[0] == 0
    counts = (Learner.objects.count(), Case.objects.count(), Plan.objects.count(),
              Placement.objects.count(), Review.objects.count())  # fmt: skip
    assert counts == (9, 9, 3, 4, 2)
    status, out, _ = command("import", str(EVERY_MODULE))
    assert (status, out.splitlines()[-1]) == (0, f"{EVERY_MODULE}: 9 persons; changed: no changes")


def test_an_import_with_any_error_is_refused_whole(tmp_path: Path) -> None:
    text = EVERY_MODULE.read_text(encoding="utf-8")
    bad = tmp_path / "bad.xml"
    bad.write_text(text.replace("<Sex>M</Sex>", "<Sex>Q</Sex>", 1), encoding="utf-8")
    status, out, err = command("import", str(bad))
    assert status == 1 and out == ""
    assert "Sex: rule D20: 'Q' is not one of the codes M, F" in err
    assert err.splitlines()[-1] == f"{bad}: 1 errors: nothing imported"
    assert not Learner.objects.exists()


def test_an_update_changes_only_what_differs() -> None:
    load()
    text = EVERY_MODULE.read_text(encoding="utf-8").replace(
        "<Ethnicity>BAFR</Ethnicity>", "<Ethnicity>BOTH</Ethnicity>"
    )
    document, problems = sen2_check(text.encode())
    assert problems == []
    report = import_return(document)
    assert report.lines == ["Person 8: update learners.Learner (ethnicity)"]


def test_the_history_of_what_an_import_writes_names_the_import(cast) -> None:
    """The command line imports with no signed-in person: each version it writes says it
    came from the return, and a strand's history names the import as who changed it."""
    load()
    learner = Learner.objects.exclude(pk__in=[cast.learner.pk, cast.other_learner.pk]).first()
    assert learner is not None
    assert learner.history.latest("history_id").history_change_reason == SEN2_IMPORT
    units = ProvisionStrand.objects.filter(kind=ProvisionStrand.Kind.SEN_UNIT)
    strand = units.exclude(setting=cast.setting).first()
    assert strand is not None, "the hand-made return places someone in a SEN unit"
    entries = strand_history(fetched_by=cast.caseworker, strand_id=strand.pk)
    assert [(e.who, e.what) for e in entries] == [("The SEN2 import", ("Added to the register",))]


def test_the_scope_follows_the_census_date() -> None:
    load()
    document, _ = build_return(dt.date(2027, 1, 21), "208")
    # 2026 is the period: plans still active, and requests still open, are returned;
    # Dan's plan ceased in 2025 and the requests decided in 2025 are not.
    names = [p.forename for p in document.persons]
    assert names == ["Cara", "Ada", "Gus", "Hana"]
    gus = document.persons[2].requests[0]
    assert gus.outcome == "H" and gus.assessment and gus.assessment.outcome == "Y"
    # Before the records began there is nothing to return.
    assert build_return(dt.date(2022, 1, 20), "208")[0].persons == []


def test_events_after_the_census_are_not_yet_known() -> None:
    load()
    case = Case.objects.get(learner__given_name="Cara")
    case.decision_on, case.assess = dt.date(2026, 1, 30), True
    case.save()
    document, _ = build_return(CENSUS, "208")
    cara = next(p for p in document.persons if p.forename == "Cara")
    assert (cara.requests[0].outcome, cara.requests[0].outcome_date) == ("A", None)


def test_the_trace_names_a_source_for_every_item(tmp_path: Path) -> None:
    load()
    out, trace = tmp_path / "return.xml", tmp_path / "trace.csv"
    status, stdout, err = command(
        "export", "--census-date", "2026-01-15", "--la", "208", "--out", str(out),
        "--trace", str(trace),
    )  # fmt: skip
    assert (status, err) == (0, "")
    assert stdout == f"{out}: 9 persons, 0 errors, 0 warnings\n"
    rows = list(csv.DictReader(trace.open(encoding="utf-8")))
    leaves = out.read_text(encoding="utf-8").split("<Persons>")[1].count("</")
    containers = sum(
        out.read_text(encoding="utf-8").count(f"</{name}>")
        for name in ("Persons", "Person", "Requests", "Assessment", "NamedPlan", "PlanDetail",
                     "ActivePlans", "PlacementDetail", "SENneed", "Message")
    )  # fmt: skip
    assert len(rows) == leaves - containers
    # Hana's home education: the code, and no SENsettingOther for a code that says it all.
    hana = [r["value"] for r in rows if r["person"] == "8" and "/SENsetting" in r["path"]]
    assert hana == ["EHE"]
    upn = next(r for r in rows if r["path"] == "UPN" and r["person"] == "3")
    assert upn["source"].startswith("learners.Learner ") and upn["source"].endswith(" upn")
    assert any(r["source"].startswith("default: ") for r in rows)


def test_export_usage_errors_write_nothing(tmp_path: Path) -> None:
    out = tmp_path / "missing" / "r.xml"
    status, _, err = command(
        "export", "--census-date", "2026-01-15", "--la", "208", "--out", str(out)
    )
    assert status == 2 and "is not a folder" in err
    status, _, err = command(
        "export", "--census-date", "2026-01-15", "--out", str(tmp_path / "r.xml")
    )
    assert status == 2 and "give --la CODE" in err
    assert list(tmp_path.iterdir()) == []


def test_a_plan_in_force_with_no_placement_recorded_is_returned_as_awaiting_one() -> None:
    load()
    Placement.objects.filter(learner__given_name="Ada").delete()
    document, trace = build_return(CENSUS, "208")
    ada = next(p for p in document.persons if p.forename == "Ada")
    active = ada.requests[0].active_plans
    assert active is not None
    [placement] = active.placements
    assert (placement.sen_setting, placement.sen_setting_other, placement.entry_date) == (
        "NIEO",
        "Awaiting a placement",
        "2025-06-20",
    )
    sources = [r.source for r in trace if r.path.endswith("PlacementDetail[1]/SENsetting")]
    assert any(s.startswith("default: no placement recorded") for s in sources)
    assert sen2_check(sen2_write(document))[1] == []
