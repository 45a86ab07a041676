"""Any input to any form or address gives a page, never a server error, and nothing half-saved.

Walks every page in the URL resolver (through the audit walk's table, which fails when a page
is missing from it), each opened by a user who may reach it in a world holding real objects at
every stage. Every form the page shows is posted with hostile values in each field in turn,
the other fields as the page filled them: 20-digit numbers, a superscript digit, a NUL byte,
10,000 characters, negative numbers, nothing, other scripts and several values at once. Every
query parameter the page reads or links to gets the same values. A response below 500 is a
page; a response that is not a redirect (the form shown again, or refused) must leave every
table as it was.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit

import pytest
from django.apps import apps
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import resolve, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts.models import Organisation
from sendplan.casework.disputes import services as dispute_services
from sendplan.casework.steps import CASE_PAGE_STEPS
from sendplan.sufficiency import services as sufficiency_services
from sendplan.sufficiency.models import PlaceKind
from tests.accounts.helpers import SET_UP, SIGN_IN, app_for, issue_link, link_path, sign_in
from tests.casework.conftest import TODAY, at
from tests.web.test_audit_by_construction import ROUTES, _world
from tests.web.test_url_access import _routes

pytestmark = pytest.mark.django_db

HOSTILE: tuple[str | list[str], ...] = (
    "99999999999999999999",
    "-99999999999999999999",
    "²",
    "1\x002",
    "x" * 10_000,
    "-1",
    "",
    "Zoë 李 ٣ 🙂",
    ["1", "2"],
)
#: Query parameters every page is tried with, beyond those it links to or asks for.
COMMON_QUERY = ("page", "sort", "order", "next", "from", "to", "year")
#: Tables a page may write whenever it is shown: reading is audited, sessions and sign-in
#: attempts are recorded, and the work tray remembers when a case was last seen.
WRITTEN_BY_ANY_PAGE = {"learners_auditevent", "django_session", "axes_accessattempt"}
WRITTEN_BY_ANY_PAGE_PREFIXES = ("axes_", "django_session")


@dataclass
class Form:
    method: str
    action: str
    fields: list[tuple[str, str]] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


class _Forms(HTMLParser):
    """The forms on a page, each with the values the page filled in, and its query links."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.forms: list[Form] = []
        self.links: list[str] = []
        self._form: Form | None = None
        self._select: str | None = None
        self._select_first: str | None = None
        self._selected = False
        self._textarea: str | None = None
        self._text = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "a" and "?" in a.get("href", ""):
            self.links.append(a["href"])
        if tag == "form":
            self._form = Form(a.get("method", "get").lower(), a.get("action", ""))
            self.forms.append(self._form)
        form = self._form
        if form is None or tag not in {"input", "select", "option", "textarea", "button"}:
            return
        name = a.get("name", "")
        if tag in {"input", "button"} and name:
            kind = a.get("type", "text").lower()
            if name not in form.names:
                form.names.append(name)
            if kind in {"checkbox", "radio"} and "checked" not in a:
                return
            if tag == "button" or kind == "submit":
                if not any(n == name for n, _ in form.fields):
                    form.fields.append((name, a.get("value", "")))
                return
            form.fields.append((name, a.get("value", "")))
        elif tag == "select":
            self._select, self._select_first, self._selected = name, None, False
            form.names.append(name)
        elif tag == "option" and self._select is not None:
            value = a.get("value", "")
            if self._select_first is None:
                self._select_first = value
            if "selected" in a:
                form.fields.append((self._select, value))
                self._selected = True
        elif tag == "textarea":
            self._textarea, self._text = name, ""
            form.names.append(name)

    def handle_data(self, data: str) -> None:
        if self._textarea is not None:
            self._text += data

    def handle_endtag(self, tag: str) -> None:
        form = self._form
        if tag == "select" and form is not None and self._select is not None:
            if not self._selected and self._select_first is not None:
                form.fields.append((self._select, self._select_first))
            self._select = None
        elif tag == "textarea" and form is not None and self._textarea is not None:
            form.fields.append((self._textarea, self._text.lstrip("\n")))
            self._textarea = None
        elif tag == "form":
            self._form = None


def _page_forms(body: str) -> _Forms:
    parser = _Forms()
    parser.feed(body)
    return parser


def _tables() -> list[str]:
    names = sorted(m._meta.db_table for m in apps.get_models())
    return [
        t
        for t in names
        if t not in WRITTEN_BY_ANY_PAGE and not t.startswith(WRITTEN_BY_ANY_PAGE_PREFIXES)
    ]


#: The table a statement writes to, as Django's backends write them.
WRITE = re.compile(
    r'^\s*(?:\d+ times: )?(?:INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE
)


def _written(queries: CaptureQueriesContext) -> set[str]:
    """The tables the captured statements wrote to: every write goes through the connection."""
    return {m.group(1) for q in queries.captured_queries if (m := WRITE.match(q["sql"]))}


def _fingerprint(tables: list[str] | set[str]) -> dict[str, str]:
    prints = {}
    with connection.cursor() as cursor:
        for table in tables:
            cursor.execute(f'SELECT * FROM "{table}" ORDER BY 1')  # noqa: S608 - model tables
            prints[table] = hashlib.sha256(repr(cursor.fetchall()).encode()).hexdigest()
    return prints


@dataclass
class Tally:
    forms: int = 0
    fields: int = 0
    requests: int = 0
    server_errors: list[str] = field(default_factory=list)
    signed_out: list[str] = field(default_factory=list)
    half_saved: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Page:
    name: str
    user: Any  # None: signed out
    url: str
    method: str = "get"
    data: dict[str, Any] = field(default_factory=dict)


def _client(user: Any) -> Client:
    client = Client(raise_request_exception=False)
    if user is not None:
        client.force_login(user)
    return client


def _send(client: Client, method: str, url: str, data: Any) -> Any:
    # Each request starts from the same world: what a form saved is rolled back after it.
    with transaction.atomic():
        response = getattr(client, method)(url, data)
        transaction.set_rollback(True)
    return response


def _pages(world: Any) -> list[Page]:
    cast = world.cast
    pages = []
    for name, route in ROUTES.items():
        user = getattr(cast, route.who)
        if name in {"casework:action", "casework:action-item"}:
            continue
        if name.startswith("sufficiency:") and route.args(world) == [0]:
            continue
        pages.append(
            Page(name, user, reverse(name, args=route.args(world)), route.method, route.data(world))
        )
    items = {"mediation": world.mediation.pk, "appeal": world.appeal.pk}
    for slug, step in CASE_PAGE_STEPS.items():
        if step.item:
            args = [world.issued_case.pk, slug, items[step.item]]
            pages.append(Page("casework:action-item", cast.caseworker, _url(args, item=True)))
        pages.append(Page("casework:action", cast.caseworker, _url([world.case.pk, slug])))
    for name, args in (
        ("sufficiency:scenario-edit", [world.scenario.pk]),
        ("sufficiency:scenario-remove", [world.scenario.pk]),
        ("sufficiency:provision-remove", [world.provision.pk]),
        ("sufficiency:run", [world.forecast_run_pk]),
    ):
        pages.append(Page(name, cast.caseworker, reverse(name, args=args)))
    pages.append(Page("accounts:sign-in", None, SIGN_IN))
    # Changing a password, as someone no other page is walked as: wrong current passwords
    # count towards their lockout.
    change = reverse("accounts:change-password")
    pages.append(Page("accounts:change-password", cast.other_health, change))
    return pages


def _url(args: list[Any], *, item: bool = False) -> str:
    return reverse("casework:action-item" if item else "casework:action", args=args)


def _extend_world(world: Any) -> Any:
    cast = world.cast
    with at(TODAY):
        world.scenario = sufficiency_services.scenario_save(
            changed_by=cast.caseworker, data={"name": "More special places", "start_year": 2026}
        )
        world.provision = sufficiency_services.new_provision_create(
            changed_by=cast.caseworker,
            data={"name": "New unit", "kind": PlaceKind.values[0], "places": 8, "opens_year": 2027},
        )
        world.appeal = dispute_services.tribunal_record(
            case_id=world.issued_case.pk,
            about="plan_contents",
            registered_on=TODAY,
            changed_by=cast.caseworker,
        )
        response = cast.client_for(cast.caseworker).post(reverse("sufficiency:run-now"))
    world.forecast_run_pk = int(response["Location"].rstrip("/").rsplit("/", 1)[-1])
    return world


def _query_names(page: Page, parsed: _Forms) -> list[str]:
    path = urlsplit(page.url).path
    names = []
    for form in parsed.forms:
        if form.method == "get" and (form.action in {"", page.url} or form.action == path):
            names += form.names
    for link in parsed.links:
        parts = urlsplit(link)
        if parts.path in {"", path}:
            names += [k for k, _ in parse_qsl(parts.query, keep_blank_values=True)]
    return list(dict.fromkeys(n for n in names if n))


def _form_key(page: Page, form: Form) -> tuple[str, ...]:
    # The same form on many pages (signing out) or many rows (removing a row) is walked once.
    action = form.action or page.url
    match = resolve(urlsplit(action).path)
    return (match.view_name, page.name if not form.action else "", *sorted(form.names))


#: A real date in every empty date box, so a hostile day, month or year is not refused
#: merely for the other two being missing.
DATE_BOXES = {"_day": "1", "_month": "6", "_year": "2025"}


def _filled(form: Form) -> dict[str, list[str]]:
    data: dict[str, list[str]] = {}
    for key, value in form.fields:
        data.setdefault(key, []).append(value)
    for name in form.names:
        box = next((DATE_BOXES[end] for end in DATE_BOXES if name.endswith(end)), None)
        if box is not None and not any(data.get(name, [])):
            data[name] = [box]
    return data


def _walk(world: Any, tally: Tally) -> None:
    tables = _tables()
    walked: set[tuple[str, ...]] = set()
    for page in _pages(world):
        client = _client(page.user)
        # Every request is rolled back, so each on this page starts from this world.
        before = _fingerprint(tables)
        with at(TODAY):
            shown = _send(client, page.method, page.url, page.data)
        if shown.status_code >= 500:
            tally.server_errors.append(f"{page.method.upper()} {page.name}")
            continue
        raw = b"".join(shown.streaming_content) if shown.streaming else shown.content
        body = raw.decode("utf-8", errors="replace")
        parsed = _page_forms(body) if "html" in shown.get("Content-Type", "") else _Forms()
        if page.method == "get" and shown.status_code == 200:
            # The names the page uses one at a time, then every common name at once.
            queries = [(n,) for n in _query_names(page, parsed)] + [COMMON_QUERY]
            for names in queries:
                for value in HOSTILE:
                    query = urlencode(dict.fromkeys(names, value), doseq=True)
                    with at(TODAY):
                        response = _send(client, "get", f"{page.url}?{query}", {})
                    tally.requests += 1
                    if response.status_code >= 500:
                        tally.server_errors.append(f"GET {page.name} ?{query:.60}")
        for form in parsed.forms:
            if form.method != "post" or _form_key(page, form) in walked:
                continue
            walked.add(_form_key(page, form))
            action = form.action or page.url
            # Signing out ends the session, so it is walked on a session of its own.
            signs_out = resolve(urlsplit(action).path).view_name == "accounts:sign-out"
            names = [n for n in dict.fromkeys(form.names) if n != "csrfmiddlewaretoken"]
            tally.forms += 1
            tally.fields += len(names)
            for name in names:
                for value in HOSTILE:
                    data = _filled(form)
                    data[name] = value if isinstance(value, list) else [value]
                    poster = _client(page.user) if signs_out else client
                    with at(TODAY), transaction.atomic():
                        with CaptureQueriesContext(connection) as queries:
                            response = poster.post(action, data)
                        # Only a table a statement wrote to can differ from before; the
                        # rest are not read again (on PostgreSQL that is most of the walk).
                        after = (
                            before | _fingerprint(_written(queries) & set(tables))
                            if response.status_code not in {301, 302, 303}
                            else before
                        )
                        transaction.set_rollback(True)
                    tally.requests += 1
                    where = f"POST {page.name} {name}={value!r:.30}"
                    if response.status_code >= 500:
                        tally.server_errors.append(where)
                    elif response.get("Location", "").startswith(SIGN_IN) and not signs_out:
                        tally.signed_out.append(where)
                    elif after != before:
                        changed = sorted(t for t in tables if after[t] != before[t])
                        tally.half_saved.append(f"{where} changed {changed}")


def test_no_input_to_any_form_or_address_gives_a_server_error_or_half_saves(cast):
    world = _extend_world(_world(cast))
    tally = Tally()
    _walk(world, tally)
    print(
        f"\n{tally.forms} forms, {tally.fields} fields, {tally.requests} requests, "
        f"{len(tally.server_errors)} server errors, {len(tally.half_saved)} half-saved"
    )
    print("\n".join(tally.server_errors + tally.half_saved + tally.signed_out[:5]))
    assert tally.server_errors == []
    assert tally.signed_out == []
    assert tally.half_saved == []
    # The walk reaches every kind of form: a test that posts nothing proves nothing.
    assert tally.forms >= 40
    assert tally.fields >= 150


def test_the_walk_sees_every_kind_of_write(cast):
    """The half-save check reads again only the tables written to, so it must see them all."""
    learner = cast.learner
    with transaction.atomic(), CaptureQueriesContext(connection) as queries:
        learner.save()
        type(learner).objects.filter(pk=learner.pk).update(given_name="Changed")
        organisation = Organisation.objects.create(name="Gone soon", kind="setting")
        organisation.delete()
        with connection.cursor() as cursor:
            cursor.executemany(
                f'UPDATE "{learner._meta.db_table}" SET given_name = %s WHERE id = %s',
                [("A", learner.pk), ("B", learner.pk)],
            )
        transaction.set_rollback(True)
    assert _written(queries) >= {
        learner._meta.db_table,
        organisation._meta.db_table,
    }
    organisation_writes = [
        q["sql"] for q in queries.captured_queries if organisation._meta.db_table in q["sql"]
    ]
    assert any(sql.lstrip().upper().startswith("DELETE") for sql in organisation_writes)


def test_the_walk_covers_every_page_in_the_resolver():
    walked = set(ROUTES) | {"accounts:sign-in", "accounts:change-password"}
    resolver = {name for _, name, _ in _routes()}
    not_forms = {
        "accounts:sign-out",
        "accounts:keep-alive",
        "accounts:set-up-link",
        "accounts:second-factor",
        "accounts:second-factor-set-up",
        "accounts:second-factor-recovery",
        "accounts:second-factor-needs-link",
    }
    assert resolver - walked <= not_forms


def test_a_sign_in_link_with_an_unknown_next_signs_in_and_goes_home(cast):
    client = Client(raise_request_exception=False)
    response = sign_in(client, cast.caseworker.username, next="abc")
    assert response.status_code == 302
    assert response["Location"] == reverse("home")
    assert client.get(reverse("home")).status_code == 200


@pytest.mark.parametrize("target", ["abc", "//evil.example/", "https://evil.example/", "²"])
def test_a_sign_in_page_with_an_unsafe_next_shows_the_form(cast, target):
    client = Client(raise_request_exception=False)
    response = client.get(SIGN_IN, {"next": target})
    assert response.status_code == 200
    assert "Sign in" in response.content.decode()


def test_a_sign_in_link_with_a_next_inside_the_service_goes_there(cast):
    client = Client(raise_request_exception=False)
    target = reverse("learners:list")
    response = sign_in(client, cast.caseworker.username, next=target)
    assert response["Location"] == target


def test_second_factor_pages_take_any_code_without_a_server_error(cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = True
    app_for(cast.caseworker)
    for value in HOSTILE:
        client = Client(raise_request_exception=False)
        response = sign_in(client, cast.caseworker.username, next=value)
        assert response.status_code == 302, value
        for name in ("accounts:second-factor", "accounts:second-factor-recovery"):
            answer = client.post(reverse(name), {"code": value, "next": value})
            assert answer.status_code < 500, (name, value)
            assert client.get(reverse(name), {"next": value}).status_code < 500


def test_second_factor_set_up_takes_any_code_without_a_server_error(cast, settings):
    settings.SENDPLAN_SECOND_FACTOR = True
    for value in HOSTILE:
        client = Client(raise_request_exception=False)
        client.get(link_path(issue_link(cast.la_colleague)))
        response = sign_in(client, cast.la_colleague.username)
        assert response["Location"].startswith(SET_UP), value
        shown = client.get(SET_UP, {"next": value})
        assert shown.status_code == 200, value
        answer = client.post(SET_UP, {"code": value, "next": value})
        assert answer.status_code == 200, value
        assert not TOTPDevice.objects.filter(user=cast.la_colleague, confirmed=True).exists()
