"""Check digits and letters of the national identifiers a learner may carry.

Each ``*_problem`` function returns ``None`` for a valid identifier, or a sentence
saying what is wrong, so forms and imports can show it beside the field.
"""

from __future__ import annotations

# DfE UPN check letters: the alphabet without I, O and S.
_UPN_LETTERS = "ABCDEFGHJKLMNPQRTUVWXYZ"


def _is_digits(text: str) -> bool:
    # str.isdigit also accepts superscripts and other scripts' digits, which int() refuses.
    return text.isascii() and text.isdigit()


def upn_check_letter(body: str) -> str:
    """Return the check letter for the last 12 characters of a UPN.

    Characters 2 to 13 are weighted 2 to 13; the sum modulo 23 picks the letter.
    A temporary UPN ends in a letter, which counts as its position in the same alphabet.

    >>> upn_check_letter("820200109001")
    'F'
    """
    if len(body) != 12:
        raise ValueError("a UPN body has 12 characters")
    total = 0
    for weight, char in enumerate(body, start=2):
        if _is_digits(char):
            value = int(char)
        elif weight == 13 and char in _UPN_LETTERS:
            value = _UPN_LETTERS.index(char)
        else:
            raise ValueError(f"character {weight} of a UPN must be a digit")
        total += weight * value
    return _UPN_LETTERS[total % 23]


def upn_problem(upn: str) -> str | None:
    """Say what is wrong with a UPN, or return None when it is valid.

    >>> upn_problem("F820200109001") is None
    True
    >>> upn_problem("A820200109001")
    'The UPN check letter should be F, not A'
    """
    value = upn.strip().upper()
    if len(value) != 13:
        return "A UPN has 13 characters: a letter followed by 12 characters"
    if value[0] not in _UPN_LETTERS:
        return "A UPN starts with a letter (not I, O or S)"
    if not _is_digits(value[1:12]) or not (_is_digits(value[12]) or value[12] in _UPN_LETTERS):
        return "Characters 2 to 12 of a UPN are digits; the last is a digit or a letter"
    expected = upn_check_letter(value[1:])
    if value[0] != expected:
        return f"The UPN check letter should be {expected}, not {value[0]}"
    return None


def nhs_check_digit(first_nine: str) -> int | None:
    """Return the modulus-11 check digit for the first nine digits, or None if none exists.

    >>> nhs_check_digit("943476591")
    9
    """
    total = sum(int(d) * w for d, w in zip(first_nine, range(10, 1, -1), strict=True))
    check = 11 - total % 11
    if check == 11:
        return 0
    if check == 10:
        return None
    return check


def nhs_number_problem(nhs_number: str) -> str | None:
    """Say what is wrong with an NHS number (spaces allowed), or return None.

    >>> nhs_number_problem("943 476 5919") is None
    True
    >>> nhs_number_problem("9434765918")
    'The NHS number check digit does not match: check it has been copied correctly'
    """
    digits = nhs_number.replace(" ", "").replace("-", "")
    if len(digits) != 10 or not _is_digits(digits):
        return "An NHS number has 10 digits"
    check = nhs_check_digit(digits[:9])
    if check is None or check != int(digits[9]):
        return "The NHS number check digit does not match: check it has been copied correctly"
    return None


def uln_problem(uln: str) -> str | None:
    """Say what is wrong with a unique learner number, or return None.

    The ULN is ten digits; the first nine weighted 10 down to 2, and the check digit is
    10 minus the sum modulo 11 (a remainder of 0 gives no valid number).

    >>> uln_problem("1000000043") is None
    True
    """
    value = uln.strip()
    if len(value) != 10 or not _is_digits(value):
        return "A ULN has 10 digits"
    total = sum(int(d) * w for d, w in zip(value[:9], range(10, 1, -1), strict=True))
    remainder = total % 11
    if remainder == 0 or 10 - remainder != int(value[9]):
        return "The ULN check digit does not match: check it has been copied correctly"
    return None
