"""The delivery pages: who may open them (works, outsider 404, read-only 403, wrong method
405), and what each shows."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from sendplan.delivery.models import DeliveryEntry
from sendplan.delivery.services import WeekInput, delivery_record
from tests.casework.conftest import at
from tests.delivery.conftest import TODAY, WEEKS

pytestmark = pytest.mark.django_db


@pytest.fixture
def frozen_today():
    with at(TODAY):
        yield


def test_the_senco_records_a_week_from_the_list(cast, issued, frozen_today):
    client = cast.client_for(cast.senco)
    listing = client.get(reverse("delivery:mine")).content.decode()
    assert "Speech and language work" in listing
    assert "Occupational therapy" not in listing  # the trust's row
    url = reverse("delivery:week", args=[issued.speech.pk, WEEKS[3].isoformat()])
    page = client.get(url)
    assert page.status_code == 200
    assert 'value="60"' in page.content.decode()  # the week's due minutes, offered
    response = client.post(
        url,
        {"lock": "0", "due": "yes", "delivered_minutes": "30", "missed_minutes": "30",
         "missed_reason": "staff_absent", "note": "TA off sick"},
    )  # fmt: skip
    assert response.status_code == 302
    entry = DeliveryEntry.objects.get(commitment=issued.speech)
    assert (entry.delivered_minutes, entry.missed_reason) == (30, "staff_absent")


def test_a_missed_week_without_a_reason_is_shown_again_with_the_error(cast, issued, frozen_today):
    url = reverse("delivery:week", args=[issued.speech.pk, WEEKS[3].isoformat()])
    response = cast.client_for(cast.senco).post(
        url, {"lock": "0", "due": "yes", "delivered_minutes": "30", "missed_minutes": "30"}
    )
    html = response.content.decode()
    assert response.status_code == 400
    assert "Say why provision was missed" in html and "govuk-error-summary" in html


def test_who_may_open_a_week(cast, issued, frozen_today):
    url = reverse("delivery:week", args=[issued.speech.pk, WEEKS[3].isoformat()])
    assert cast.client_for(cast.other_senco).get(url).status_code == 404
    assert cast.client_for(cast.health).get(url).status_code == 403  # sees, does not record
    assert cast.client_for(cast.parent).get(url).status_code == 403
    assert cast.client_for(cast.senco).put(url).status_code == 405
    bad_week = reverse("delivery:week", args=[issued.speech.pk, "2026-11-24"])
    assert cast.client_for(cast.senco).get(bad_week).status_code == 404


def test_an_upload_with_a_bad_line_records_nothing_and_names_it(cast, issued, frozen_today):
    data = (
        "commitment,week_starting,delivered_minutes,missed_minutes,missed_reason\n"
        f"{issued.speech.pk},2026-11-23,60,0,\n"
        f"{issued.speech.pk},2026-11-16,60,x,\n"
    ).encode()
    client = cast.client_for(cast.senco)
    response = client.post(
        reverse("delivery:upload"), {"upload": SimpleUploadedFile("w.csv", data, "text/csv")}
    )
    assert response.status_code == 400
    assert "the file:3: missed_minutes" in response.content.decode()
    assert not DeliveryEntry.objects.exists()
    template = client.get(reverse("delivery:upload-template"))
    assert template.status_code == 200
    assert f"{issued.speech.pk},2026-11-23,60,0,,no" in template.content.decode()


def test_the_shortfall_is_in_the_caseworkers_tray(cast, issued, frozen_today):
    delivery_record(commitment_id=issued.speech.pk,
                    week=WeekInput(WEEKS[3], True, 20, 40, "staff_absent", ""),
                    expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip
    html = cast.client_for(cast.caseworker).get(reverse("casework:tray")).content.decode()
    assert "Provision not delivered" in html
    assert "Speech and language work" in html
    assert "School or setting: Test Special School" in html
    assert "1 provision row to quantify" in html


def test_the_family_reads_what_was_delivered_on_the_plan(cast, issued, frozen_today):
    delivery_record(commitment_id=issued.speech.pk,
                    week=WeekInput(WEEKS[3], True, 30, 30, "learner_absent", ""),
                    expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip
    html = (
        cast.client_for(cast.parent)
        .get(reverse("casework:plan", args=[issued.plan.pk]))
        .content.decode()
    )
    assert "What was delivered this autumn term" in html
    assert "The child or young person was absent (1 week)" in html
    assert "11 weeks have not been recorded yet" in html


def test_the_manager_sees_the_figures_and_downloads_them(cast, issued, frozen_today):
    delivery_record(commitment_id=issued.speech.pk,
                    week=WeekInput(WEEKS[3], True, 30, 30, "staff_absent", ""),
                    expected_lock=0, changed_by=cast.senco, today=TODAY)  # fmt: skip
    client = cast.client_for(cast.la_colleague)
    html = client.get(reverse("delivery:dashboard")).content.decode()
    assert "Test Special School" in html and "50%" in html
    for by in ("setting", "kind"):
        assert client.get(reverse("delivery:dashboard"), {"by": by}).status_code == 200
    csv = client.get(reverse("delivery:dashboard-csv"), {"by": "kind"}).content.decode()
    assert "Special educational provision (F)" in csv
    assert cast.client_for(cast.senco).get(reverse("delivery:dashboard")).status_code == 403


def test_the_caseworker_quantifies_from_the_list(cast, issued, frozen_today):
    client = cast.client_for(cast.caseworker)
    assert "Social skills group" in client.get(reverse("delivery:quantify-list")).content.decode()
    url = reverse("delivery:quantify", args=[issued.group.pk])
    response = client.post(
        url, {"lock": str(issued.group.lock), "minutes_per_session": "40", "sessions": "1",
              "period": "week"},
    )  # fmt: skip
    assert response.status_code == 302
    assert cast.client_for(cast.la_colleague).get(url).status_code == 403
