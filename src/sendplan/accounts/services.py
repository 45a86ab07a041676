"""Writes for accounts: set-up links, setting up an authenticator app, recovery codes, a
new password.

Each function runs in one transaction. Log lines carry user ids only: never a token, a
code, a key or a name.
"""

from __future__ import annotations

import datetime as dt
import logging

from django.db import transaction
from django.utils import timezone
from django_otp import devices_for_user
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts import enrolment, second_factor
from sendplan.accounts.enrolment import IssuedLink, LinkState
from sendplan.accounts.models import EnrolmentLink, User

logger = logging.getLogger("sendplan.accounts")


class EnrolmentRefused(Exception):
    """The set-up link stopped working between showing the page and confirming the app."""

    def __init__(self, state: LinkState) -> None:
        super().__init__(state.value)
        self.state = state


def enrolment_link_issue(*, user: User, issued_by: User | None = None) -> IssuedLink:
    """A new set-up link for ``user``; any unused earlier link stops working.

    An app the user began to set up and never confirmed is removed too, so the key shown
    through an older link is never the one a newer link confirms.
    """
    with transaction.atomic():
        # One issue at a time per user, so the one-unused-link constraint never trips.
        User.objects.select_for_update().filter(pk=user.pk).first()
        EnrolmentLink.objects.filter(user=user, used_at__isnull=True).delete()
        TOTPDevice.objects.filter(user=user, confirmed=False).delete()
        token = enrolment.new_token()
        now = timezone.now()
        link = EnrolmentLink(
            user=user,
            token_digest=enrolment.digest(token),
            issued_at=now,
            expires_at=now + dt.timedelta(hours=enrolment.lifetime_hours()),
            issued_by=issued_by,
        )
        link.full_clean()
        link.save()
    logger.info(
        "set-up link issued user=%s by=%s",
        user.pk,
        issued_by.pk if issued_by is not None else "command-line",
    )
    return IssuedLink(token=token, link=link)


def second_factor_reset(*, user: User, reset_by: User | None) -> IssuedLink:
    """Remove the user's app and recovery codes, and issue a set-up link for a new app.

    For a lost or replaced phone. Sessions that passed the second factor with a removed
    device stop counting as verified (django-otp finds the device gone).
    """
    with transaction.atomic():
        for device in devices_for_user(user, confirmed=None):
            device.delete()
        issued = enrolment_link_issue(user=user, issued_by=reset_by)
    logger.info(
        "second factor reset user=%s by=%s",
        user.pk,
        reset_by.pk if reset_by is not None else "command-line",
    )
    return issued


def second_factor_enrol(*, user: User, device: TOTPDevice, link: EnrolmentLink) -> list[str]:
    """Confirm the app ``device`` (its first code already checked), spend the set-up link,
    and return a fresh set of recovery codes, which exist in plain form only here.

    Raises :class:`EnrolmentRefused` if the link was used or expired meanwhile.
    """
    with transaction.atomic():
        locked = EnrolmentLink.objects.select_for_update().filter(pk=link.pk, user=user).first()
        state = enrolment.state_of(locked)
        if locked is None or state is not LinkState.USABLE:
            raise EnrolmentRefused(state)
        locked.used_at = timezone.now()
        locked.save(update_fields=["used_at"])
        device.confirmed = True
        device.save(update_fields=["confirmed"])
        codes = recovery_codes_replace(user=user)
    logger.info("second factor set up user=%s", user.pk)
    return codes


def recovery_codes_replace(*, user: User) -> list[str]:
    """Ten new recovery codes for ``user``; any earlier ones stop working."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(
            user=user, name=second_factor.RECOVERY_DEVICE_NAME, confirmed=True
        )
        codes: list[str] = []
        while len(codes) < second_factor.RECOVERY_CODE_COUNT:
            code = StaticToken.random_token()
            if code not in codes:
                codes.append(code)
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    logger.info("recovery codes made user=%s", user.pk)
    return codes


def password_change(*, user: User, new_password: str) -> None:
    """Give ``user`` a new password, already checked by the password validators.

    Every other session of the user's stops working: Django checks a hash of the password
    on each request. The caller keeps its own session with ``update_session_auth_hash``.
    """
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
    logger.info("password changed user=%s", user.pk)
