"""What the second-factor tests share: codes from a device, signing in, set-up links, and a
path for every guarded page."""

from __future__ import annotations

import re

from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django_otp.oath import totp
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts import services
from sendplan.accounts.enrolment import IssuedLink
from sendplan.accounts.guards import (
    PUBLIC,
    SECOND_FACTOR_VIEWS,
    SELF_GUARDED_NAMESPACES,
    access_of,
)
from tests.factories import PASSWORD

SIGN_IN = reverse("accounts:sign-in")
CODE = reverse("accounts:second-factor")
SET_UP = reverse("accounts:second-factor-set-up")
RECOVERY = reverse("accounts:second-factor-recovery")
NEEDS_LINK = reverse("accounts:second-factor-needs-link")
HOME = reverse("home")


def code_for(device: TOTPDevice) -> str:
    device.refresh_from_db()
    value = totp(device.bin_key, step=device.step, t0=device.t0, digits=device.digits)
    return f"{value:0{device.digits}d}"


def wrong_code_for(device: TOTPDevice) -> str:
    return f"{(int(code_for(device)) + 500_000) % 1_000_000:06d}"


def app_for(user) -> TOTPDevice:
    return TOTPDevice.objects.create(user=user, name="Authenticator app", confirmed=True)


def sign_in(client, username: str, **extra: str):
    return client.post(SIGN_IN, {"username": username, "password": PASSWORD, **extra})


def issue_link(user) -> IssuedLink:
    return services.enrolment_link_issue(user=user)


def link_path(issued: IssuedLink) -> str:
    return reverse("accounts:set-up-link", args=[issued.token])


def _sample(converter: object) -> str:
    # Any value the converter accepts: the check comes before the object is looked up.
    kind = type(converter).__name__
    if kind == "IntConverter":
        return "1"
    if kind in ("SlugConverter", "StringConverter"):
        return "x"
    if kind == "UUIDConverter":
        return "00000000-0000-4000-8000-000000000001"
    return str(converter.regex).split("|")[0]  # type: ignore[attr-defined]


def guarded_paths() -> list[str]:
    """A path for every page that is neither public nor part of signing in."""

    def walk(patterns, namespace="", prefix=""):
        for entry in patterns:
            if isinstance(entry, URLResolver):
                # The admin and the API guard themselves (tests/api covers the API's own).
                if entry.namespace in SELF_GUARDED_NAMESPACES:
                    continue
                inner = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else (entry.namespace or namespace)
                )
                yield from walk(entry.url_patterns, inner, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                name = f"{namespace}:{entry.name}" if namespace else entry.name
                if access_of(entry.callback) == PUBLIC or name in SECOND_FACTOR_VIEWS:
                    continue
                route = prefix + str(entry.pattern)
                samples = {k: _sample(c) for k, c in entry.pattern.converters.items()}
                yield "/" + re.sub(
                    r"<(?:\w+:)?(\w+)>", lambda m, s=samples: s.get(m[1], "1"), route
                )

    return sorted(set(walk(get_resolver().url_patterns)))
