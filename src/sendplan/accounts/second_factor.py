"""Who must pass a second factor after the password, and where they are sent until they do.

The second factor is a time-based code from an authenticator app (django-otp's TOTPDevice).
Everyone needs it except users whose every current role is a parent or a young person
(ADR 0109): staff of the LA, settings, health, social care and the EP service all see
children's special-category records. Users with the admin flag need it whatever their roles.

``settings.SENDPLAN_SECOND_FACTOR`` turns the whole thing on. It is off on a laptop so the
demo signs in in one step, and settings refuse to start production with it off. The admin
site asks for a code whatever the setting says (django-otp's OTPAdminSite).

The check runs in :func:`sendplan.accounts.guards.requires_access`, so every guarded page
refuses a session that has passed the password only; the pages below, and signing out,
are the only ones such a session reaches. Setting up an app also needs a one-time set-up
link from an administrator (``sendplan.accounts.enrolment``); without one, a user who has
no app yet is told to ask for a link.

Recovery codes are django-otp's static tokens: ten, made when an app is set up, each
working once in place of a code from the app.
"""

from __future__ import annotations

import functools
from base64 import b32encode
from datetime import datetime, timedelta
from urllib.parse import quote, urlencode

import segno
from django.conf import settings
from django.db import transaction
from django.http import HttpRequest, HttpResponseRedirect
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.safestring import SafeString, mark_safe
from django_otp.models import Device, ThrottlingMixin
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts import enrolment
from sendplan.accounts.access import standing_for
from sendplan.accounts.models import User

#: URL names of the pages a user reaches after the password and before the code.
CODE_PAGE = "accounts:second-factor"
SET_UP_PAGE = "accounts:second-factor-set-up"
RECOVERY_PAGE = "accounts:second-factor-recovery"
NEEDS_LINK_PAGE = "accounts:second-factor-needs-link"
#: What the devices are called in the admin, where an administrator may remove a lost one.
DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"
#: How many recovery codes a newly set-up app comes with.
RECOVERY_CODE_COUNT = 10
#: The QR code's text alternative.
QR_CODE_LABEL = "QR code to scan with your authenticator app"


def second_factor_on() -> bool:
    # Missing from settings means on in production: the safe way round.
    return bool(settings.SENDPLAN_SECOND_FACTOR)


def needs_second_factor(user: User) -> bool:
    """Whether this signed-in user must pass a second factor (when the setting is on)."""
    return second_factor_on() and role_needs_second_factor(user)


def role_needs_second_factor(user: User) -> bool:
    """Whether this user's roles call for a second factor, whatever the setting says."""
    if user.is_staff or user.is_superuser:
        return True
    # A user with no current role is asked too: they may be staff between memberships,
    # and nothing they could reach is worth a weaker door.
    return not standing_for(user).is_family


def is_pending(request: HttpRequest) -> bool:
    """True when the user is signed in with a password but still owes the second factor."""
    user = request.user
    if not second_factor_on() or not user.is_authenticated:
        return False
    # OTPMiddleware gives the user is_verified(); without it nobody counts as verified.
    verified = getattr(user, "is_verified", None)
    if verified is not None and verified():
        return False
    return needs_second_factor(user)  # type: ignore[arg-type]


def redirect_to_second_factor(request: HttpRequest, next_url: str) -> HttpResponseRedirect:
    """Send a pending user to enter a code; or, with no app yet, to set one up if this
    session opened a set-up link for them, and otherwise to the page about getting one."""
    user: User = request.user  # type: ignore[assignment]
    if confirmed_device(user) is not None:
        page = CODE_PAGE
    elif enrolment.usable_link_for(request, user) is not None:
        page = SET_UP_PAGE
    else:
        page = NEEDS_LINK_PAGE
    return HttpResponseRedirect(f"{reverse(page)}?{urlencode({'next': next_url})}")


def unconfirmed_device(user: User) -> TOTPDevice:
    """The user's device being set up: the same one on every visit, so the key stays put."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("pk").first()
    return device or TOTPDevice.objects.create(user=user, name=DEVICE_NAME, confirmed=False)


def confirmed_device(user: User) -> TOTPDevice | None:
    return TOTPDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_device(user: User) -> StaticDevice | None:
    """The user's recovery codes, as one django-otp static device."""
    return StaticDevice.objects.filter(user=user, confirmed=True).order_by("pk").first()


def recovery_codes_left(user: User) -> int:
    device = recovery_device(user)
    return device.token_set.count() if device is not None else 0


def secret_key(device: TOTPDevice) -> str:
    """The key as people type it into an app: base32 without padding."""
    return b32encode(device.bin_key).decode("ascii").rstrip("=")


def grouped(secret: str) -> str:
    """A key in groups of four, which is how people read and type it back.

    >>> grouped("JBSWY3DPEHPK3PXP")
    'JBSW Y3DP EHPK 3PXP'
    """
    return " ".join(secret[i : i + 4] for i in range(0, len(secret), 4))


def otpauth_uri(device: TOTPDevice) -> str:
    """The ``otpauth://`` address an app accepts in place of typing the key."""
    issuer = settings.SERVICE_NAME.replace(":", "")
    label = quote(f"{issuer}:{device.user.get_username()}")
    query = urlencode(
        {
            "secret": secret_key(device),
            "issuer": issuer,
            "algorithm": "SHA1",
            "digits": device.digits,
            "period": device.step,
        },
        quote_via=quote,
    )
    return f"otpauth://totp/{label}?{query}"


def qr_code_svg(uri: str) -> SafeString:
    """The address as a QR code, as inline SVG with a text alternative.

    Presentation attributes only (``fill``, ``stroke``, ``transform``): the content
    security policy refuses inline ``style`` attributes, and a ``data:`` image may be
    blocked. A light background and the quiet zone round the code keep it scannable on a
    dark screen.
    """
    svg = segno.make(uri, error="m").svg_inline(
        scale=4, border=4, dark="#0b0c0c", light="#ffffff", svgclass="sp-qr-code"
    )
    if not svg.startswith("<svg "):
        raise ValueError("segno returned something other than an <svg> element")
    labelled = f'<svg role="img" aria-label="{escape(QR_CODE_LABEL)}" focusable="false" '
    # segno draws the code from the address alone; nothing else goes in, and the label
    # above is escaped, so the markup is safe to include as it is.
    return mark_safe(labelled + svg.removeprefix("<svg "))


# Throttling wrong codes, with a ceiling on the wait.


def max_wait_seconds() -> int:
    """The longest wait after wrong codes (``SENDPLAN_SECOND_FACTOR_MAX_DELAY_SECONDS``)."""
    return int(settings.SENDPLAN_SECOND_FACTOR_MAX_DELAY_SECONDS)


def next_try_at(device: ThrottlingMixin) -> datetime | None:
    """When the device next accepts a try, or None when it accepts one now.

    django-otp doubles the wait after each wrong code in a row (1, 2, 4, 8 seconds...) with
    no ceiling, so someone who knows a user's password could type wrong codes until the
    user is shut out for days. The wait here doubles the same way up to
    :func:`max_wait_seconds`, and no further (ADR 0120).
    """
    failures = device.throttling_failure_count
    last = device.throttling_failure_timestamp
    if not device.throttling_enabled or failures <= 0 or last is None:
        return None
    cap = max_wait_seconds()
    # 2**31 seconds is past any cap; the exponent stays small however many failures.
    doubling = device.get_throttle_factor() * 2 ** min(failures - 1, 31)
    until = last + timedelta(seconds=min(doubling, cap))
    return until if timezone.now() < until else None


def verify_code(device: Device, code: str) -> Device | None:
    """Check a code against the device with the capped wait; the device if it is right.

    The device's row is locked while the code is checked, so two tries at once can neither
    both spend the same code nor dodge the count of failures. A wrong code counts as
    django-otp counts it (failure count and time) and a right code clears them; a try
    during the wait is refused without counting. Callers say "wait" first, using
    :func:`next_try_at`.
    """
    with transaction.atomic():
        locked = (
            type(device)
            .objects.select_for_update()
            .filter(pk=device.pk, user_id=device.user_id)
            .first()
        )
        if locked is None or next_try_at(locked) is not None:
            return None
        # django-otp's verify_token asks verify_is_allowed() first, which applies the
        # uncapped wait; the capped one has just been applied above, under the lock.
        locked.verify_is_allowed = functools.partial(Device.verify_is_allowed, locked)  # type: ignore[method-assign]
        return locked if locked.verify_token(code) else None
