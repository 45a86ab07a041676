"""The wait after wrong codes doubles up to SENDPLAN_SECOND_FACTOR_MAX_DELAY_SECONDS and no
further, so someone who knows a password cannot shut its owner out for hours (ADR 0120)."""

from __future__ import annotations

import datetime as dt
import re

import pytest
import time_machine
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice

from sendplan.accounts import second_factor, services
from tests.accounts.helpers import CODE, HOME, RECOVERY, app_for, code_for, sign_in, wrong_code_for

START = "2026-11-30 10:00:00+00:00"
WAIT = re.compile(r"Wait (\d+) (second|minute)s?, then enter a new code")


@pytest.fixture(autouse=True)
def second_factor_on(settings):
    settings.SENDPLAN_SECOND_FACTOR = True


def _wait_seconds(html: str) -> int:
    found = WAIT.search(html)
    assert found, "no wait message"
    return int(found[1]) * (60 if found[2] == "minute" else 1)


def test_after_many_wrong_codes_the_wait_never_exceeds_the_cap(client, cast, settings):
    cap = settings.SENDPLAN_SECOND_FACTOR_MAX_DELAY_SECONDS
    assert 60 <= cap <= 600  # "a few minutes" by default
    device = app_for(cast.caseworker)
    waits = []
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "caseworker")
        for _ in range(16):  # uncapped, the 16th would wait 2**15 seconds: 9 hours
            client.post(CODE, {"code": wrong_code_for(device)})
            device.refresh_from_db()
            waits.append((second_factor.next_try_at(device) - timezone.now()).total_seconds())
            shown = _wait_seconds(client.post(CODE, {"code": code_for(device)}).content.decode())
            assert shown <= cap
            traveller.shift(waits[-1])
    device.refresh_from_db()
    assert device.throttling_failure_count == 16
    assert waits[:4] == [1, 2, 4, 8]
    assert max(waits) == cap
    assert waits[-1] == cap


def test_a_right_code_after_the_capped_wait_succeeds(client, cast, settings):
    settings.SENDPLAN_SECOND_FACTOR_MAX_DELAY_SECONDS = 120
    device = app_for(cast.caseworker)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "caseworker")
        client.post(CODE, {"code": wrong_code_for(device)})
        # As if hundreds of wrong codes had come before this one.
        device.refresh_from_db()
        device.throttling_failure_count = 500
        device.save()
        traveller.shift(119)
        early = client.post(CODE, {"code": code_for(device)}).content.decode()
        assert _wait_seconds(early) == 1
        traveller.shift(1)
        response = client.post(CODE, {"code": code_for(device), "next": HOME})
        assert response.status_code == 302
        assert client.get(HOME).status_code == 200
    device.refresh_from_db()
    assert device.throttling_failure_count == 0


def test_the_wait_message_at_the_cap_is_in_minutes(client, cast):
    device = app_for(cast.caseworker)
    with time_machine.travel(START, tick=False):
        sign_in(client, "caseworker")
        device.throttling_failure_count = 40
        device.throttling_failure_timestamp = timezone.now()
        device.save()
        html = client.post(CODE, {"code": code_for(device)}).content.decode()
    assert "Wait 5 minutes, then enter a new code" in html


def test_recovery_codes_are_capped_the_same_way(client, cast, settings):
    settings.SENDPLAN_SECOND_FACTOR_MAX_DELAY_SECONDS = 90
    app_for(cast.caseworker)
    codes = services.recovery_codes_replace(user=cast.caseworker)
    device = StaticDevice.objects.get(user=cast.caseworker)
    with time_machine.travel(START, tick=False) as traveller:
        sign_in(client, "caseworker")
        device.throttling_failure_count = 200
        device.throttling_failure_timestamp = timezone.now()
        device.save()
        assert _wait_seconds(client.post(RECOVERY, {"code": codes[0]}).content.decode()) == 90
        traveller.shift(dt.timedelta(seconds=90))
        response = client.post(RECOVERY, {"code": codes[0]})
        assert response.status_code == 200
        assert client.get(HOME).status_code == 200
    assert not device.token_set.filter(token=codes[0]).exists()
