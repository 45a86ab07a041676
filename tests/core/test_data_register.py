"""The register of personal data is complete, points at real fields, and is published as is."""

from __future__ import annotations

import csv
import importlib
import io
from pathlib import Path

import pytest
from django.apps import apps
from django.core.exceptions import FieldDoesNotExist
from django.core.management import call_command

from sendplan.core import data_register as register
from sendplan.core.data_register import HISTORY, NOT_PERSONAL, REGISTER, TRACKED, Category
from sendplan.core.models import Tracked
from sendplan.learners.models import Learner, Need

DOC = Path(__file__).resolve().parents[2] / "docs" / "data-register.md"


def undecided_fields() -> list[str]:
    return [
        f"{model._meta.label}.{field.name}"
        for model in register.project_models()
        for field in register.model_fields(model)
        if register.decide(model, field) is None
    ]


def models_for_key(key: str) -> list[type]:
    if key == TRACKED:
        return [Tracked]
    if key == HISTORY:
        return [m for m in register.project_models() if register.is_history(m)]
    return [apps.get_model(key)]


def missing_fields(declared: list[tuple[str, str]]) -> list[str]:
    missing = []
    for key, name in declared:
        for model in models_for_key(key):
            try:
                field = model._meta.get_field(name)
            except FieldDoesNotExist:
                missing.append(f"{key}.{name}")
                continue
            if field.auto_created and not field.concrete:  # a reverse relation
                missing.append(f"{key}.{name} (reverse relation)")
    return missing


def test_every_field_of_every_project_model_is_registered_or_declared_not_personal():
    assert undecided_fields() == []


def test_the_walk_covers_every_app_and_the_history_tables():
    labels = {m._meta.label for m in register.project_models()}
    for expected in (
        "learners.Learner",
        "learners.HistoricalLearner",
        "accounts.User",
        "casework.PlanVersion",
        "casework.HistoricalCase",
        "provision.Setting",
        "planning.Proposal",
        "sufficiency.ForecastRun",
    ):
        assert expected in labels


def test_a_history_table_inherits_its_base_models_entries():
    history = Learner.history.model  # type: ignore[attr-defined]
    entry = register.decide(history, history._meta.get_field("nhs_number"))
    assert entry == register.decide(Learner, Learner._meta.get_field("nhs_number"))
    assert isinstance(entry, register.Entry)
    assert entry.model == "learners.Learner"
    assert not [e for e in REGISTER if e.model.startswith("learners.Historical")]


def test_an_unregistered_field_is_named_in_the_failure(monkeypatch):
    without = tuple(e for e in REGISTER if (e.model, e.field) != ("learners.Learner", "upn"))
    monkeypatch.setattr(register, "REGISTER", without)
    assert sorted(undecided_fields()) == [
        "learners.HistoricalLearner.upn",
        "learners.Learner.upn",
    ]


def test_a_link_to_a_learner_is_not_waved_through_by_type(monkeypatch):
    without = tuple(e for e in REGISTER if (e.model, e.field) != ("learners.Need", "learner"))
    monkeypatch.setattr(register, "REGISTER", without)
    assert register.decide(Need, Need._meta.get_field("learner")) is None


def test_every_registered_field_exists():
    assert missing_fields([(e.model, e.field) for e in REGISTER]) == []


def test_every_field_declared_not_personal_exists():
    declared = [(key, name) for key, names in NOT_PERSONAL.items() for name in sorted(names)]
    assert missing_fields(declared) == []


def test_a_misspelt_field_is_reported():
    assert missing_fields([("learners.Learner", "nhs_numbr")]) == ["learners.Learner.nhs_numbr"]


def test_no_field_is_registered_twice_or_also_declared_not_personal():
    keys = [(e.model, e.field) for e in REGISTER]
    assert len(keys) == len(set(keys))
    both = [f"{m}.{f}" for m, f in keys if f in NOT_PERSONAL.get(m, frozenset())]
    assert both == []


def test_every_special_category_field_has_an_article_9_condition():
    special = [e for e in REGISTER if e.category is Category.SPECIAL]
    assert special
    assert [f"{e.model}.{e.field}" for e in special if not e.article_9] == []


def test_personal_fields_claim_no_article_9_condition_or_policy_document():
    personal = [e for e in REGISTER if e.category is Category.PERSONAL]
    assert all(e.article_9 == "" and not e.needs_policy_document for e in personal)


@pytest.mark.parametrize(
    ("model", "field", "category"),
    [
        ("learners.Need", "code", Category.SPECIAL),
        ("casework.AdviceSection", "text", Category.SPECIAL),
        ("learners.Involvement", "kind", Category.SPECIAL),
        ("learners.Learner", "nhs_number", Category.PERSONAL),
        ("accounts.User", "email", Category.PERSONAL),
    ],
)
def test_health_and_needs_are_special_category_and_identifiers_personal(model, field, category):
    (entry,) = [e for e in REGISTER if (e.model, e.field) == (model, field)]
    assert entry.category is category


def test_a_schedule_1_part_2_condition_needs_an_appropriate_policy_document():
    (entry,) = [e for e in REGISTER if (e.model, e.field) == ("learners.Need", "code")]
    assert "para 6" in entry.article_9
    assert entry.needs_policy_document


def test_every_entry_says_what_for_on_which_basis_and_for_how_long():
    for e in REGISTER:
        assert e.purpose.text and e.purpose.retention
        assert e.purpose.article_6 in {register.PUBLIC_TASK, register.LEGAL_OBLIGATION}


def _command():
    module = importlib.import_module("sendplan.core.management.commands.data-register")
    return module.Command()


def test_the_command_prints_one_csv_row_per_entry():
    out = io.StringIO()
    call_command(_command(), stdout=out)
    table = list(csv.reader(io.StringIO(out.getvalue())))
    assert tuple(table[0]) == register.COLUMNS
    assert len(table) == len(REGISTER) + 1
    nhs = [row for row in table if row[:2] == ["learners.Learner", "nhs_number"]]
    assert nhs and nhs[0][2] == "personal"


def test_the_command_prints_the_markdown_that_is_committed():
    out = io.StringIO()
    call_command(_command(), "--format", "markdown", stdout=out)
    assert out.getvalue() == register.as_markdown()


def test_the_committed_document_is_up_to_date_with_the_register():
    assert DOC.read_text(encoding="utf-8") == register.as_markdown(), (
        "docs/data-register.md is out of date: regenerate it with "
        "`sendplan data-register --format markdown > docs/data-register.md`"
    )
