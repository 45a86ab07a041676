"""The subject access export holds every record and audit event about one learner, and only
theirs (security.md §2, "SAR"); a model tied to a learner can only be left out by name."""

from __future__ import annotations

import datetime as dt
import json
import re
import zipfile
from dataclasses import dataclass
from io import StringIO

import numpy as np
import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import models

from sendplan.accounts.models import Role
from sendplan.casework.advice.models import AdviceRequest, AdviceSection
from sendplan.casework.case.models import CaseException, Stage
from sendplan.casework.disputes.models import Appealable, Mediation, Tribunal, TribunalOrder
from sendplan.casework.family.models import FamilyComment
from sendplan.casework.plans.models import Consultation
from sendplan.casework.reviews.models import Review
from sendplan.learners.models import AuditEvent, ConsentToShare, Learner, SharingNotice
from sendplan.planning.adapter import CohortLearner, Place, RegisterPlaces, planning_inputs
from sendplan.planning.models import (
    PlanningRun,
    PlanningRunInputs,
    PlanningRunInputsLearner,
    Proposal,
)
from sendplan.planning.snapshot import dump_inputs
from sendplan.privacy.subject_access import EXCLUDED, reply_due, sar_models
from tests.casework.conftest import ADVICE, DRAFT, FINAL, TODAY, at, make_case
from tests.factories import MembershipFactory, OrganisationFactory, UserFactory

#: Rows the learner has in each model once ``_populate`` has run (history tables apart).
EXPECTED = {
    "learners.Learner": 1,
    "learners.Need": 2,
    "learners.Involvement": 3,
    "learners.SharingNotice": 1,
    "learners.ConsentToShare": 1,
    "learners.Placement": 1,
    "learners.AuditEvent": 1,
    "casework.Case": 1,
    "casework.AdviceRequest": 1,
    "casework.AdviceSection": 1,
    "casework.CaseException": 1,
    "casework.Consultation": 1,
    "casework.Mediation": 1,
    "casework.Tribunal": 1,
    "casework.TribunalOrder": 1,
    "casework.FamilyComment": 1,
    "casework.Plan": 1,
    "casework.PlanVersion": 1,
    "casework.PlanNeed": 1,
    "casework.PlanOutcome": 1,
    "casework.PlanProvision": 1,
    "casework.Review": 1,
    "planning.Proposal": 1,
    "planning.PlanningRunInputsLearner": 1,
}


def _blob(learner_ids: list[int]) -> bytes:
    """Stored planning inputs holding these learners (ADR 0108), with one place."""
    learners = [
        CohortLearner(pk, "ASD", 11, 51.45, -0.12, "E01000001", "phase_transfer", None, "", None)
        for pk in learner_ids
    ]
    place = Place(
        1, 1, "Oak", "special_school", "Special school", True, False, "DfE", True, False, 1
    )
    register = RegisterPlaces(
        places=[place],
        lat=np.array([51.46]),
        lon=np.array([-0.11]),
        min_age=np.array([4], dtype=np.int64),
        max_age=np.array([19], dtype=np.int64),
        needs=np.array([1], dtype=np.int64),
        vacancies=np.array([1], dtype=np.int64),
        annual_cost=np.array([30_000.0]),
        register_hash="0" * 64,
    )
    return dump_inputs(planning_inputs(learners, register, excluded={}))


def _populate(cast, learner: Learner, inputs: PlanningRunInputs) -> None:
    """One row in every model that refers to a learner, made for ``learner``."""
    user = cast.caseworker
    case = make_case(cast, Stage.FINAL_ISSUED, learner=learner)
    plan = case.plan
    version = plan.versions.get()
    health_org = OrganisationFactory(name="Health body (test)")
    SharingNotice.objects.create(
        learner=learner,
        purpose=SharingNotice.Purpose.SHARE_HEALTH,
        told="Parent",
        told_on=dt.date(2025, 1, 6),
    )
    ConsentToShare.objects.create(
        learner=learner, organisation=health_org, given_by="Parent", given_on=dt.date(2025, 1, 6)
    )
    advice = AdviceRequest.objects.create(
        case=case,
        kind=AdviceRequest.Kind.HEALTH,
        organisation=health_org,
        practitioner=cast.health,
        requested_on=ADVICE,
        due_on=ADVICE + dt.timedelta(weeks=6),
        received_on=ADVICE + dt.timedelta(weeks=5),
        summary="Advice summary (synthetic).",
    )
    AdviceSection.objects.create(advice_request=advice, section="C", text="Health needs.")
    version.advice.add(advice)
    CaseException.objects.create(
        case=case, advice_request=advice, key="reg8_2", reason="Synthetic", starts_on=ADVICE
    )
    Consultation.objects.create(
        case=case,
        setting=cast.setting,
        sent_on=DRAFT,
        response_due_on=DRAFT + dt.timedelta(days=15),
    )
    Mediation.objects.create(case=case, about=Appealable.PLAN_CONTENTS, adviser_contacted_on=FINAL)
    tribunal = Tribunal.objects.create(
        case=case, about=Appealable.PLAN_CONTENTS, registered_on=FINAL + dt.timedelta(days=20)
    )
    TribunalOrder.objects.create(
        tribunal=tribunal,
        kind=TribunalOrder.Kind.OTHER,
        description="Synthetic order",
        due_on=FINAL + dt.timedelta(days=60),
    )
    FamilyComment.objects.create(case=case, version=version, given_on=DRAFT, text="Comments.")
    assert Review.objects.filter(plan=plan).count() == 1  # issuing the plan scheduled it
    Proposal.objects.create(
        run=inputs.run,
        learner=learner,
        need="ASD",
        age=11,
        phase="secondary",
        reason_in_cohort="phase_transfer",
        placed=False,
        proposed_cost=60_000,
        placement=learner.placements.first(),
    )
    PlanningRunInputsLearner.objects.create(inputs=inputs, learner_id=learner.pk)
    AuditEvent.objects.create(user=user, action=AuditEvent.Action.VIEW_RECORD, learner=learner)


def _all_pks() -> dict[str, set]:
    return {
        m._meta.label: set(m._base_manager.values_list("pk", flat=True))
        for m in apps.get_models(include_auto_created=True)
    }


@dataclass
class Filled:
    cast: object
    learner: Learner
    other_rows: dict[str, set]  # every row made for the other learner, by model


@pytest.fixture
def filled(cast) -> Filled:
    with at(TODAY):
        run = PlanningRun.objects.create(la=cast.la, requested_by=cast.la_colleague)
        inputs = PlanningRunInputs.objects.create(
            run=run, learners=2, places=1, data=_blob([cast.learner.pk, cast.other_learner.pk])
        )
        _populate(cast, cast.learner, inputs)
        before = _all_pks()
        _populate(cast, cast.other_learner, inputs)
        after = _all_pks()
    other = {label: after[label] - before.get(label, set()) for label in after}
    other["learners.Learner"] = {cast.other_learner.pk}
    other["learners.Need"] |= set(cast.other_learner.needs.values_list("pk", flat=True))
    return Filled(cast=cast, learner=cast.learner, other_rows=other)


def _export(tmp_path, learner_id: int, username: str = "manager", **kw) -> tuple[str, dict]:
    out = StringIO()
    path = tmp_path / "bundle.zip"
    args = ["--learner", str(learner_id), "--out", str(path), "--requested-by", username]
    for key, value in kw.items():
        args += [f"--{key.replace('_', '-')}", value]
    call_command("subject-access", *args, stdout=out)
    with zipfile.ZipFile(path) as zf:
        files = {
            name: (zf.read(name).decode() if name.endswith(".txt") else json.loads(zf.read(name)))
            for name in zf.namelist()
        }
    return out.getvalue(), files


def _histories() -> dict[str, type[models.Model]]:
    """simple-history's table for each model that has one, by the model's label."""
    return {
        m.instance_type._meta.label: m for m in apps.get_models() if hasattr(m, "instance_type")
    }


def test_bundle_holds_every_model_with_the_learners_rows_and_no_one_elses(filled, tmp_path):
    _, files = _export(tmp_path, filled.learner.pk)

    for label, count in EXPECTED.items():
        assert len(files[f"{label}.json"]) == count, label
    # History: every change to each of the learner's records, and at least one.
    histories = _histories()
    assert {"learners.Learner", "casework.Case", "casework.PlanVersion"} <= set(histories)
    for label in EXPECTED:
        history = histories.get(label)
        if history is None:
            continue
        ids = [row["id"] for row in files[f"{label}.json"]]
        expected = history._base_manager.filter(id__in=ids).count()
        assert expected >= 1, label
        assert len(files[f"{history._meta.label}.json"]) == expected, label
    # Nothing made for the other learner appears anywhere.
    for name, rows in files.items():
        if not name.endswith(".json") or name == "people.json":
            continue
        label = name.removesuffix(".json")
        key = "history_id" if label.split(".")[1].startswith("Historical") else "id"
        leaked = {row[key] for row in rows} & filled.other_rows.get(label, set())
        assert not leaked, label
        for row in rows:
            for column in ("learner", "learner_id"):
                if column in row:
                    assert row[column] == filled.learner.pk, label


def test_rows_use_field_names_iso_dates_and_readable_labels(filled, tmp_path):
    _, files = _export(tmp_path, filled.learner.pk)

    learner = files["learners.Learner.json"][0]
    assert learner["given_name"] == filled.learner.given_name
    assert learner["date_of_birth"] == "2014-05-17"
    assert learner["responsible_la_label"] == "Lambeth Council (test)"
    placement = files["learners.Placement.json"][0]
    assert placement["setting_label"] == "Test Special School"
    assert "learner_label" not in placement  # the learner's own row is in the bundle
    case = files["casework.Case.json"][0]
    assert case["caseworker"] == filled.cast.caseworker.pk
    assert case["caseworker_label"] == filled.cast.caseworker.get_full_name()
    assert case["stage_display"] == "Final plan issued"
    outcome = files["casework.PlanOutcome.json"][0]
    assert outcome["needs"] == [files["casework.PlanNeed.json"][0]["id"]]
    version = files["casework.PlanVersion.json"][0]
    assert version["advice"] == [files["casework.AdviceRequest.json"][0]["id"]]
    stored = files["planning.PlanningRunInputsLearner.json"][0]["stored_row"]
    assert stored["learner_id"] == filled.learner.pk and stored["need"] == "ASD"
    # Who did what: name and roles only, never account data.
    people = {p["id"]: p for p in files["people.json"]}
    caseworker = people[filled.cast.caseworker.pk]
    assert set(caseworker) == {"id", "name", "roles"}
    assert caseworker["roles"][0]["role"] == "LA EHC coordinator"
    text = json.dumps({name: rows for name, rows in files.items() if name.endswith(".json")})
    assert "argon2" not in text and "pbkdf2" not in text and "password" not in text
    assert "@example.test" not in text


def test_readme_lists_each_file_with_its_count_and_the_reply_date(filled, tmp_path):
    _, files = _export(tmp_path, filled.learner.pk, received_on="2025-07-25")

    readme = files["README.txt"]
    assert "Request received: 2025-07-25" in readme
    # 25 August 2025 is the summer bank holiday: the reply is due the next working day.
    assert "Reply due by: 2025-08-26" in readme
    for name, rows in files.items():
        if name != "README.txt":
            count = f"{len(rows)} row" if len(rows) == 1 else f"{len(rows)} rows"
            assert f"- {name} ({count}): " in readme, name


def test_reply_is_due_one_calendar_month_later_on_a_working_day():
    assert reply_due(dt.date(2025, 3, 4)) == dt.date(2025, 4, 4)
    assert reply_due(dt.date(2025, 1, 31)) == dt.date(2025, 2, 28)  # no 31 February
    assert reply_due(dt.date(2025, 5, 3)) == dt.date(2025, 6, 3)
    assert reply_due(dt.date(2025, 4, 5)) == dt.date(2025, 5, 6)  # Mon 5 May: bank holiday
    assert reply_due(dt.date(2025, 9, 13)) == dt.date(2025, 10, 13)  # Sat 13 Sep -> Mon


def _chained_to_learner() -> set[type[models.Model]]:
    """Every concrete model with a chain of foreign keys or one-to-ones to Learner, found
    here independently of the export's own walk."""
    everything = [
        m
        for m in apps.get_models(include_auto_created=True)
        if not m._meta.abstract and not m._meta.proxy
    ]
    reached: set[type[models.Model]] = {Learner}
    grew = True
    while grew:
        grew = False
        for model in everything:
            if model in reached:
                continue
            for f in model._meta.concrete_fields:
                if (f.many_to_one or f.one_to_one) and f.related_model in reached:
                    reached.add(model)
                    grew = True
                    break
    return reached


def test_every_model_tied_to_a_learner_is_in_the_bundle_or_excluded_by_name(filled, tmp_path):
    _, files = _export(tmp_path, filled.learner.pk)
    chained = _chained_to_learner()
    # Not vacuous: the independent walk reaches records several steps from the learner.
    assert {m._meta.label for m in chained} >= {
        "casework.AdviceSection",
        "casework.TribunalOrder",
        "casework.PlanProvision",
        "casework.HistoricalReview",
        "planning.Proposal",
    }
    missing = []
    for model in chained:
        label = model._meta.label
        owner = model._meta.auto_created  # a many-to-many table: ids on its owner's rows
        if f"{label}.json" in files or label in EXCLUDED:
            continue
        if owner and f"{owner._meta.label}.json" in files:
            continue
        missing.append(label)
    assert missing == []
    # The history of every exported model is exported too (simple-history's tables name the
    # original row by a plain number, so no key chain finds HistoricalLearner).
    for model in apps.get_models():
        original = getattr(model, "instance_type", None)
        if original is not None and f"{original._meta.label}.json" in files:
            assert f"{model._meta.label}.json" in files, model._meta.label
    assert "learners.HistoricalLearner.json" in files
    assert not any(f"{label}.json" in files for label in EXCLUDED)


def test_the_walk_never_passes_through_an_excluded_model():
    found, links = sar_models()
    labels = {m._meta.label for m in found}
    assert not labels & set(EXCLUDED)
    assert all(link.parent._meta.label not in EXCLUDED for link in links)


def test_export_is_audited_with_counts_only(filled, tmp_path):
    before = set(AuditEvent.objects.values_list("pk", flat=True))

    printed, files = _export(tmp_path, filled.learner.pk)

    new = AuditEvent.objects.exclude(pk__in=before)
    assert new.count() == 1
    event = new.get()
    assert (event.action, event.user, event.learner_id) == (
        AuditEvent.Action.EXPORT,
        filled.cast.la_colleague,
        filled.learner.pk,
    )
    rows = sum(len(v) for k, v in files.items() if k.endswith(".json") and k != "people.json")
    assert event.detail == f"subject access export: {len(files)} files, {rows} rows"
    for text in (event.detail, printed):
        assert filled.learner.given_name not in text
        assert filled.learner.family_name not in text
        assert filled.cast.caseworker.last_name not in text
    assert re.search(rf"Wrote {len(files)} files \({rows:,} rows\)", printed)
    assert not [p for p in tmp_path.iterdir() if p.name != "bundle.zip"]  # no temp file left


@pytest.mark.parametrize("who", ["senco", "health", "parent"])
def test_a_requester_who_is_not_la_staff_is_refused(filled, tmp_path, who):
    events = AuditEvent.objects.count()

    with pytest.raises(CommandError, match="may not export") as refused:
        _export(tmp_path, filled.learner.pk, username=who)

    assert refused.value.returncode == 1
    assert AuditEvent.objects.count() == events
    assert list(tmp_path.iterdir()) == []


def test_la_staff_of_another_local_authority_is_refused(filled, tmp_path):
    MembershipFactory(
        user=UserFactory(username="elsewhere"),
        organisation=filled.cast.other_la,
        role=Role.LA_MANAGER,
    )

    with pytest.raises(CommandError, match="may not export") as refused:
        _export(tmp_path, filled.learner.pk, username="elsewhere")

    assert refused.value.returncode == 1


def test_a_missing_requester_is_refused(filled, tmp_path):
    with pytest.raises(CommandError, match="--requested-by") as refused:
        call_command(
            "subject-access", "--learner", str(filled.learner.pk), "--out", str(tmp_path / "b.zip")
        )
    assert refused.value.returncode == 1


def test_an_unknown_learner_exits_1(filled, tmp_path):
    missing = Learner.objects.order_by("-pk").first().pk + 100

    with pytest.raises(CommandError, match=f"no learner with id {missing}") as refused:
        _export(tmp_path, missing)

    assert refused.value.returncode == 1
    assert list(tmp_path.iterdir()) == []


def test_a_missing_folder_exits_2(filled, tmp_path):
    events = AuditEvent.objects.count()
    out = tmp_path / "nowhere" / "bundle.zip"

    with pytest.raises(CommandError, match="does not exist") as refused:
        call_command(
            "subject-access",
            "--learner",
            str(filled.learner.pk),
            "--out",
            str(out),
            "--requested-by",
            "manager",
        )

    assert refused.value.returncode == 2
    assert not out.parent.exists()
    assert AuditEvent.objects.count() == events
