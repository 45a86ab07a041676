"""Production settings pass Django's deployment checks with no warning (security.md)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

from tests.test_settings import STRIPPED

# Only for this check: varied enough for Django's key-strength test, and not a real key.
TEST_KEY = "test-only-key-" + "".join(chr(65 + (i * 7) % 26) + str(i % 10) for i in range(40))


def _deploy_check(tmp_path: Path, **extra: str) -> subprocess.CompletedProcess[str]:
    # The browser tests allow Django's sync calls inside Playwright's event loop through
    # DJANGO_ALLOW_ASYNC_UNSAFE; a deployment must not, and the check says so.
    env = {
        k: v
        for k, v in os.environ.items()
        if k not in STRIPPED and k != "DJANGO_ALLOW_ASYNC_UNSAFE"
    }
    env.update(
        SENDPLAN_ENV="production",
        SECRET_KEY=TEST_KEY,
        DEBUG="false",
        ALLOWED_HOSTS="sendplan.example.org",
        SENDPLAN_SERVICE_URL="https://sendplan.example.org",
        DATABASE_URL=f"sqlite:///{tmp_path / 'db.sqlite3'}",
        **extra,
    )
    return subprocess.run(
        [sys.executable, "-m", "sendplan", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        check=False,
    )


def test_production_settings_pass_the_deployment_checks(tmp_path: Path) -> None:
    result = _deploy_check(tmp_path)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


def test_turning_hsts_subdomains_off_is_reported(tmp_path: Path) -> None:
    result = _deploy_check(tmp_path, SECURE_HSTS_INCLUDE_SUBDOMAINS="false")
    assert result.returncode != 0
    assert "security.W005" in result.stderr + result.stdout
