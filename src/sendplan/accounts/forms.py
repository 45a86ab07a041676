"""The sign-in form, the second factor's code and recovery code forms, and changing a
password.

The sign-in form's one failure message never says which part was wrong.

The password field is Django's: not stripped and with no maximum length, so a password
manager's long password fits and pasting works.
"""

from __future__ import annotations

import math
from datetime import datetime
from typing import Any

from django import forms
from django.contrib.auth import authenticate, password_validation
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from sendplan.accounts import second_factor
from sendplan.accounts.models import User

#: The same words for an unknown username, a wrong password and an inactive account,
#: so the page cannot be used to find out who has an account.
SIGN_IN_FAILED = "Enter a correct username and password"


class SignInForm(AuthenticationForm):
    error_messages = {
        "invalid_login": SIGN_IN_FAILED,
        "inactive": SIGN_IN_FAILED,
    }

    def __init__(self, *args: object, **kwargs: object) -> None:
        super().__init__(*args, **kwargs)  # type: ignore[arg-type]
        self.fields["username"].error_messages["required"] = "Enter your username"
        self.fields["password"].error_messages["required"] = "Enter your password"


#: The page's question, which is also the message when nothing was typed.
ENTER_CODE = "Enter the 6-digit code from your authenticator app"
CODE_NOT_SIX_DIGITS = "The code must be 6 numbers"
CODE_WRONG = "The code is not correct or has expired. Enter the code your app shows now"


class CodeForm(forms.Form):
    """A 6-digit code from an authenticator app, checked against one device.

    Spaces and dashes are ignored, since apps show the code as "123 456". A wrong code
    counts against the device: each next try must wait twice as long (1, 2, 4, 8
    seconds...), up to SENDPLAN_SECOND_FACTOR_MAX_DELAY_SECONDS, which is the brute-force
    control on the second factor (``second_factor.next_try_at``).
    """

    code = forms.CharField(strip=True, error_messages={"required": ENTER_CODE})

    def __init__(self, *args: Any, device: TOTPDevice, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].replace("-", " ").split())
        if not code:
            raise ValidationError(ENTER_CODE)
        if len(code) != 6 or not code.isascii() or not code.isdigit():
            raise ValidationError(CODE_NOT_SIX_DIGITS)
        wait_until = second_factor.next_try_at(self.device)
        if wait_until is not None:
            raise ValidationError(_wait_message(wait_until))
        verified = second_factor.verify_code(self.device, code)
        if verified is None:
            raise ValidationError(CODE_WRONG)
        self.device = verified
        return code


ENTER_RECOVERY_CODE = "Enter one of your recovery codes"
RECOVERY_CODE_SHAPE = "A recovery code is 8 letters and numbers"
RECOVERY_CODE_WRONG = "The recovery code is not correct or has already been used"
#: The characters django-otp's recovery codes are made of (lower-case base32).
_RECOVERY_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz234567")


class RecoveryCodeForm(forms.Form):
    """One of the user's recovery codes, in place of a code from the app.

    Case, spaces and dashes are ignored. A code that is accepted is deleted, so it works
    once. Wrong codes are throttled exactly as app codes are (the wait doubles after each
    one, up to the same ceiling), against the user's recovery codes as one device.
    """

    code = forms.CharField(strip=True, error_messages={"required": ENTER_RECOVERY_CODE})

    def __init__(self, *args: Any, device: StaticDevice | None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.device = device

    def clean_code(self) -> str:
        code = "".join(self.cleaned_data["code"].replace("-", " ").split()).lower()
        if not code:
            raise ValidationError(ENTER_RECOVERY_CODE)
        if len(code) != 8 or not set(code) <= _RECOVERY_ALPHABET:
            raise ValidationError(RECOVERY_CODE_SHAPE)
        if self.device is None:
            # No recovery codes at all (an app set up before they existed): nothing to guess.
            raise ValidationError(RECOVERY_CODE_WRONG)
        wait_until = second_factor.next_try_at(self.device)
        if wait_until is not None:
            raise ValidationError(_wait_message(wait_until))
        verified = second_factor.verify_code(self.device, code)
        if verified is None:
            raise ValidationError(RECOVERY_CODE_WRONG)
        self.device = verified
        return code


def _wait_message(wait_until: datetime) -> str:
    seconds = max(1, math.ceil((wait_until - timezone.now()).total_seconds()))
    if seconds > 90:
        minutes = math.ceil(seconds / 60)
        wait = f"{minutes} minute{'s' if minutes != 1 else ''}"
    else:
        wait = f"{seconds} second{'s' if seconds != 1 else ''}"
    return f"You have entered too many wrong codes. Wait {wait}, then enter a new code"


ENTER_CURRENT_PASSWORD = "Enter your current password"
CURRENT_PASSWORD_WRONG = "Your current password is not correct"
ENTER_NEW_PASSWORD = "Enter a new password"
CONFIRM_NEW_PASSWORD = "Enter your new password again"
PASSWORDS_DIFFER = "The passwords do not match. Enter the same new password twice"
PASSWORD_UNCHANGED = "Your new password must be different from your current password"


class PasswordChangeForm(forms.Form):
    """The signed-in user's current password, and a new one twice.

    The current password is checked through Django's ``authenticate``, as at sign-in, so
    wrong guesses count towards the same lockout; a page left signed in is no easier a
    way to guess it. The new one must pass every validator in AUTH_PASSWORD_VALIDATORS.
    Passwords are never shown back on the page.
    """

    current_password = forms.CharField(
        strip=False, error_messages={"required": ENTER_CURRENT_PASSWORD}
    )
    new_password = forms.CharField(strip=False, error_messages={"required": ENTER_NEW_PASSWORD})
    confirm_password = forms.CharField(
        strip=False, error_messages={"required": CONFIRM_NEW_PASSWORD}
    )

    def __init__(self, *args: Any, request: HttpRequest, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.request = request
        # Only signed-in users reach the page (requires_access).
        self.user: User = request.user  # type: ignore[assignment]

    def clean_current_password(self) -> str:
        password = self.cleaned_data["current_password"]
        found = authenticate(self.request, username=self.user.get_username(), password=password)
        if found is None or found.pk != self.user.pk:
            raise ValidationError(CURRENT_PASSWORD_WRONG)
        return password

    def clean_new_password(self) -> str:
        password = self.cleaned_data["new_password"]
        password_validation.validate_password(password, self.user)
        return password

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        new, again = cleaned.get("new_password"), cleaned.get("confirm_password")
        if new and again is not None and new != again:
            self.add_error("confirm_password", PASSWORDS_DIFFER)
        elif new and new == cleaned.get("current_password"):
            self.add_error("new_password", PASSWORD_UNCHANGED)
        return cleaned
