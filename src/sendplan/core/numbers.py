"""Whole numbers typed by people, in forms and query strings, read without surprises."""

from __future__ import annotations


def is_plain_digits(text: str) -> bool:
    """Digits 0 to 9 only.

    ``str.isdigit`` also accepts superscripts and other scripts' digits, which ``int`` then
    refuses.

    >>> is_plain_digits("2025"), is_plain_digits("²"), is_plain_digits("")
    (True, False, False)
    """
    return text.isascii() and text.isdigit()


def whole_number(text: str | None, *, digits: int = 9) -> int | None:
    """A non-negative whole number, or None for anything else.

    At most ``digits`` digits, so what comes back always fits a database integer column.

    >>> whole_number(" 42 "), whole_number("99999999999999999999"), whole_number("-1")
    (42, None, None)
    """
    text = (text or "").strip()
    if not is_plain_digits(text) or len(text) > digits:
        return None
    return int(text)
