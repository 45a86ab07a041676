"""The sign-in form. Its one failure message never says which part was wrong.

The password field is Django's: not stripped and with no maximum length, so a password
manager's long password fits and pasting works.
"""

from __future__ import annotations

from django.contrib.auth.forms import AuthenticationForm

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
