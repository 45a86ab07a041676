import pytest

from sendplan.engine import nhs_number_problem, uln_problem, upn_check_letter, upn_problem


def test_nhs_number_with_the_right_check_digit_is_accepted():
    assert nhs_number_problem("9434765919") is None
    assert nhs_number_problem("943 476 5919") is None


@pytest.mark.parametrize("number", ["9434765918", "943476591", "94347659190", "94347659A9"])
def test_nhs_number_with_a_wrong_digit_or_length_is_refused(number):
    assert nhs_number_problem(number) is not None


def test_nhs_number_whose_check_would_be_ten_is_never_valid():
    # A weighted sum with remainder 1 gives 11 - 1 = 10, which is no digit.
    def remainder(body: str) -> int:
        return sum(int(d) * w for d, w in zip(body, range(10, 1, -1), strict=True)) % 11

    body = next(f"{n:09d}" for n in range(1000) if remainder(f"{n:09d}") == 1)
    assert all(nhs_number_problem(body + str(d)) is not None for d in range(10))


def test_upn_with_the_right_check_letter_is_accepted_and_a_wrong_one_named():
    letter = upn_check_letter("208123400001")
    assert upn_problem(letter + "208123400001") is None
    wrong = "A" if letter != "A" else "B"
    assert (
        upn_problem(wrong + "208123400001")
        == f"The UPN check letter should be {letter}, not {wrong}"
    )


def test_temporary_upn_ending_in_a_letter_is_checked():
    body = "20812340000A"
    assert upn_problem(upn_check_letter(body) + body) is None


def test_uln_check_digit():
    assert uln_problem("1000000043") is None
    assert uln_problem("1000000042") is not None
