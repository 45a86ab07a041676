"""Playwright on Debian's Chromium against pytest-django's live server, with axe-core.

Playwright's own browser download cannot work here, so the tests drive the system
Chromium. Without it they are skipped on a developer's machine, but they fail when the
``CI`` variable is set: CI must never pass by skipping the browser.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.urls import reverse

from sendplan.casework.advice import services as advice_services
from sendplan.casework.advice.models import AdviceRequest
from sendplan.casework.case.models import Stage
from sendplan.casework.plans import services as plan_services
from tests.casework.conftest import make_case
from tests.factories import PASSWORD

# Playwright's sync API runs an event loop in the test thread; Django refuses ORM calls
# from a thread with a running loop unless told this is safe (it is: one thread, no await).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = Path(os.environ.get("SENDPLAN_CHROMIUM", "/usr/bin/chromium"))
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
TIMEOUT_MS = 15_000


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).parent != here:
            continue
        # Everything in this folder drives a browser, marked or not.
        item.add_marker(pytest.mark.browser)
        # Playwright's greenlets upset CPython 3.11's recursion counter, and pytest's
        # default traceback (which re-parses source with ast) then dies with an
        # INTERNALERROR that hides the real failure. Native tracebacks read no AST.
        item.repr_failure = functools.partial(_native_failure, item)  # type: ignore[method-assign]


def _native_failure(item: pytest.Item, excinfo: pytest.ExceptionInfo[BaseException]) -> Any:
    return item._repr_failure_py(excinfo, style="native")


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    if not CHROMIUM.exists():
        message = f"Chromium not found at {CHROMIUM} (apt-get install chromium)"
        if os.environ.get("CI"):
            pytest.fail(f"{message}: browser tests are required in CI", pytrace=False)
        pytest.skip(message)
    return {
        **browser_type_launch_args,
        "executable_path": str(CHROMIUM),
        "headless": True,
        "args": CHROMIUM_ARGS,
    }


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "locale": "en-GB", "viewport": {"width": 1280, "height": 900}}


@pytest.fixture
def site(live_server, page) -> Iterator[Site]:
    page.set_default_timeout(TIMEOUT_MS)
    yield Site(live_server.url, page)


# A chooser is enhanced after its script is fetched, which can be after the page's load event;
# until then the plain select stands where the box will be. Enhancing gives the select the
# suffix "-select" on its id, and the box takes the id.
CHOOSERS_READY = (
    '() => !document.querySelector(\'select[data-module="sp-autocomplete"]:not([id$="-select"])\')'
)


class Site:
    """The live server seen through one browser tab, with an accessibility check per page."""

    def __init__(self, base: str, page: Any) -> None:
        self.base = base
        self.page = page

    def url(self, name: str, *args: object) -> str:
        return self.base + reverse(name, args=args)

    def goto(self, name: str, *args: object) -> Any:
        response = self.page.goto(self.url(name, *args))
        self.page.wait_for_load_state("load")
        self.wait_until_ready()
        return response

    def wait_until_ready(self) -> None:
        """Wait until the page's scripts have enhanced what they enhance (its choosers)."""
        self.page.wait_for_function(CHOOSERS_READY)

    def follow(self, locator: Any) -> None:
        """Click something that loads a new page, and wait until that page has loaded."""
        with self.page.expect_navigation(wait_until="load"):
            locator.click()
        self.wait_until_ready()

    def press_and_wait(self, key: str) -> None:
        """Press a key that submits a form, and wait until the next page has loaded."""
        with self.page.expect_navigation(wait_until="load"):
            self.page.keyboard.press(key)
        self.wait_until_ready()

    def assert_accessible(self) -> None:
        """axe-core on the page as it stands: no violations at all, report in the message."""
        results = Axe().run(self.page)
        assert results.violations_count == 0, (
            f"axe found {results.violations_count} violation(s) on {self.page.url}:\n"
            + results.generate_report()
        )

    def sign_in(self, username: str, password: str = PASSWORD) -> None:
        self.goto("accounts:sign-in")
        self.assert_accessible()
        self.page.locator("input[name=username]").fill(username)
        self.page.locator("input[name=password]").fill(password)
        self.follow(self.page.locator("main form").get_by_role("button", name="Sign in"))
        assert "/account/sign-in/" not in self.page.url, f"still on the sign-in page as {username}"


# Driving pages by keyboard, as the family do in the journeys.

NO_SIDEWAYS_SCROLL = (
    "() => document.scrollingElement.scrollWidth <= document.scrollingElement.clientWidth"
)


def tab_until(site, test: str, what: str, limit: int = 80) -> None:
    """Press Tab until ``test`` (JavaScript, given the focused element) holds."""
    for _ in range(limit):
        site.page.keyboard.press("Tab")
        if site.page.evaluate(
            f"(el) => {{ {test} }}", site.page.evaluate_handle("document.activeElement")
        ):
            return
    raise AssertionError(f"{what} not reached by Tab")


def tab_to_text(site, text: str) -> None:
    tab_until(site, f"return el.textContent.trim() === {text!r};", repr(text))


def tab_to_field(site, name: str) -> None:
    tab_until(site, f"return el.name === {name!r};", f"the field {name}")


def type_into(site, name: str, text: str) -> None:
    tab_to_field(site, name)
    site.page.keyboard.type(text)


def check_page(site, width: int) -> None:
    site.assert_accessible()
    if width <= 375:
        assert site.page.evaluate(NO_SIDEWAYS_SCROLL), f"sideways scroll on {site.page.url}"


def choose(site, label: str, typed: str, expected: str) -> None:
    """Type part of a name into a chooser (an accessible autocomplete over a select)
    and take the first match, by keyboard."""
    box = site.page.get_by_role("combobox", name=label)
    box.focus()
    site.page.keyboard.type(typed)
    site.page.get_by_role("option", name=expected).first.wait_for()
    site.page.keyboard.press("ArrowDown")
    site.page.keyboard.press("Enter")


def continue_by_keyboard(site) -> None:
    tab_to_text(site, "Continue")
    site.press_and_wait("Enter")


@pytest.fixture
def case_out_for_comments(cast):
    """The cast's learner with a draft plan out for comments and health advice requested."""
    received = dt.date.today() - dt.timedelta(days=110)
    case = make_case(cast, Stage.DRAFTING, received_on=received)
    health_org = cast.learner.involvements.get(user=cast.health).organisation
    advice_services.advice_request(
        case_id=case.pk,
        kind=AdviceRequest.Kind.HEALTH,
        organisation_id=health_org.pk,
        requested_on=received + dt.timedelta(days=45),
        practitioner=cast.health,
        changed_by=cast.caseworker,
    )
    plan_services.draft_issue(
        case_id=case.pk, issued_on=received + dt.timedelta(days=98), changed_by=cast.caseworker
    )
    case.refresh_from_db()
    return case
