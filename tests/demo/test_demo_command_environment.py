"""`sendplan demo` says which variables serve it as the demo: the product has no default
area or partnership name of its own."""

from __future__ import annotations

import datetime as dt
import io

from django.core.management import call_command

from sendplan.demo.build import DemoSummary, SignIn


def test_the_demo_prints_the_area_name_and_notice_it_is_served_with(db, monkeypatch):
    summary = DemoSummary(
        seed=1,
        as_at=dt.date(2026, 1, 5),
        counts=dict.fromkeys(
            ("learners", "learners with a plan", "settings", "placements", "involvements", "users"),
            1,
        ),
        sign_ins=[SignIn("LA caseworker", "demo.caseworker", "every learner")],
    )
    monkeypatch.setattr(
        "sendplan.demo.management.commands.demo.build_demo", lambda **kwargs: summary
    )
    out = io.StringIO()
    call_command("demo", stdout=out)
    assert out.getvalue().splitlines()[-1] == (
        'Serve it as the demo with SENDPLAN_LA_CODE=E09000022 SENDPLAN_PARTNERSHIP_NAME="Lambeth '
        'SEND Partnership (demo)" SENDPLAN_DEMO=true (make demo and make serve set them).'
    )


def test_the_demo_says_how_many_learners_have_a_plan_and_nothing_puzzling(db, monkeypatch):
    summary = DemoSummary(
        seed=1,
        as_at=dt.date(2026, 1, 5),
        counts={"learners": 3316, "learners with a plan": 2772, "settings": 125,
                "placements": 3186, "involvements": 8529, "users": 48},
        sign_ins=[SignIn("LA caseworker", "demo.caseworker", "every learner")],
        out_of_age_range=12,
    )  # fmt: skip
    monkeypatch.setattr(
        "sendplan.demo.management.commands.demo.build_demo", lambda **kwargs: summary
    )
    out = io.StringIO()
    call_command("demo", stdout=out)
    printed = out.getvalue()
    assert "3,316 synthetic learners (2,772 with an issued EHC plan," in printed
    # How the cohort was drawn is for whoever studies it (verbosity 2), not for every build.
    assert "older than any setting" not in printed
