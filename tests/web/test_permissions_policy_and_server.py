"""Every response denies the browser features the service never uses (Permissions-Policy), and
no response names the server software, under the production server (gunicorn with
sendplan.gunicorn_conf) included (ADR 0120)."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.urls import reverse

from sendplan.web.middleware import PERMISSIONS_POLICY

DENIED = ("camera=()", "microphone=()", "geolocation=()", "payment=()", "usb=()")
SRC = Path(__file__).resolve().parents[2] / "src"


def _policy_denies_everything(value: str) -> None:
    for feature in DENIED:
        assert feature in value
    # Every entry allows no origin at all.
    assert all(part.strip().endswith("=()") for part in value.split(","))


@pytest.mark.parametrize(
    "path",
    [
        reverse("accounts:sign-in"),
        reverse("home"),  # a redirect to sign in
        "/no-such-page/",  # 404
        "/static/govuk/sendplan.css",  # served by WhiteNoise
    ],
)
@pytest.mark.django_db
def test_every_kind_of_response_carries_the_permissions_policy(client, path):
    response = client.get(path)
    assert response.status_code in {200, 302, 404}
    _policy_denies_everything(response["Permissions-Policy"])
    assert not response.has_header("Server")


def test_signed_in_pages_and_posts_carry_it_too(cast):
    client = cast.client_for(cast.caseworker)
    page = client.get(reverse("home"))
    assert page.status_code == 200
    assert page["Permissions-Policy"] == PERMISSIONS_POLICY
    sign_out = client.post(reverse("accounts:sign-out"))
    assert sign_out.status_code == 302
    assert sign_out["Permissions-Policy"] == PERMISSIONS_POLICY


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


#: Long enough for a worker's first request (it loads the whole service) on a busy machine;
#: this only stops a hung server from hanging the suite.
READ_TIMEOUT_SECONDS = 120


def _get(port: int, path: str) -> http.client.HTTPResponse:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=READ_TIMEOUT_SECONDS)
    connection.request("GET", path, headers={"Host": "127.0.0.1"})
    response = connection.getresponse()
    response.read()
    connection.close()
    return response


@pytest.fixture
def gunicorn(tmp_path):
    """gunicorn as production runs it, on a free local port, stopped afterwards."""
    port = _free_port()
    env = {
        **os.environ,
        "SENDPLAN_ENV": "test",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.sqlite3'}",
        "PYTHONPATH": str(SRC),
    }
    process = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-c",
            "python:sendplan.gunicorn_conf",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            "1",
            "sendplan.wsgi",
        ],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        for _ in range(300):  # up to about 30 seconds to start
            if process.poll() is not None:
                pytest.fail(f"gunicorn stopped: {process.stderr.read().decode()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", port), timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            pytest.fail("gunicorn did not start listening")
        yield port
    finally:
        process.terminate()
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def test_gunicorn_with_the_service_config_sends_no_server_header(gunicorn):
    for path in (reverse("accounts:sign-in"), "/static/govuk/sendplan.css"):
        response = _get(gunicorn, path)
        assert response.status == 200, path
        assert response.getheader("Server") is None, path
        assert "Server:" not in str(response.headers), path
        _policy_denies_everything(response.getheader("Permissions-Policy"))
        # gunicorn's own lines are still written.
        assert response.getheader("Date")
