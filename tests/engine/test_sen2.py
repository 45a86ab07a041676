"""The SEN2 return in the engine: the XML writer and reader, and each validation rule."""

from __future__ import annotations

import re
from dataclasses import replace
from pathlib import Path

import pytest

from sendplan.engine import (
    SEN2_RULES,
    Sen2Need,
    Sen2PlacementDetail,
    Sen2Problem,
    Sen2ReadError,
    sen2_check,
    sen2_read,
    sen2_validate,
    sen2_write,
)

GOOD = Path(__file__).parents[1] / "cli" / "malformed" / "good" / "sen2.xml"
SOURCE = Path(__file__).parents[2] / "src" / "sendplan" / "engine"


def good() -> str:
    return GOOD.read_text(encoding="utf-8")


def edited(*pairs: tuple[str, str]) -> bytes:
    text = good()
    for old, new in pairs:
        assert old in text, old
        text = text.replace(old, new, 1)
    return text.encode()


def found(data: bytes) -> set[tuple[str, str]]:
    _, problems = sen2_check(data)
    return {(p.path, p.rule) for p in problems}


def test_the_reference_example_is_valid_and_written_back_byte_for_byte() -> None:
    document, problems = sen2_check(GOOD.read_bytes())
    assert problems == []
    assert sen2_write(document) == GOOD.read_bytes()


def test_the_writer_escapes_text_and_drops_characters_xml_cannot_hold() -> None:
    document, _ = sen2_read(GOOD.read_bytes())
    person = document.persons[0]
    person.surname = "O'Neil & <Sons>\x07"
    data = sen2_write(document)
    assert b"<Surname>O'Neil &amp; &lt;Sons&gt;</Surname>" in data
    again, problems = sen2_read(data)
    assert problems == []
    assert again.persons[0].surname == "O'Neil & <Sons>"


def test_the_reader_takes_other_letter_case_and_warns() -> None:
    data = edited(("<PostCode>OX1 1AA</PostCode>", "<Postcode>OX1 1AA</Postcode>"))
    document, problems = sen2_check(data)
    assert document.persons[0].postcode == "OX1 1AA"
    assert [(p.path, p.rule, p.severity) for p in problems] == [("Postcode", "S06", "warning")]


@pytest.mark.parametrize(
    ("pairs", "problem"),
    [
        # Structure
        ((("<Forename>Ada</Forename>", ""),), ("Forename", "S03")),
        ((("<Forename>Ada</Forename>", "<Forename></Forename>"),), ("Forename", "S03")),
        ((("<RYA>0</RYA>", "<RYA>0</RYA><Shoe>9</Shoe>"),), ("Requests[1]/Shoe", "S01")),
        (
            (("<Surname>Example</Surname>\n      <Forename>Ada</Forename>", "<Forename>Ada</Forename><Surname>Example</Surname>"),),
            ("Surname", "S02"),
        ),
        ((("<Sex>F</Sex>", "<Sex>F</Sex><Sex>F</Sex>"),), ("Sex", "S04")),
        ((("<Sex>F</Sex>", "<Sex><M/></Sex>"),), ("Sex", "S05")),
        # Identifiers
        ((("<UPN>J931200116123</UPN>", ""),), ("UPN", "D01")),
        ((("<UPN>J931200116123</UPN>", "<UPN>J93120011612</UPN>"),), ("UPN", "D02")),
        (
            (("<UPN>J931200116123</UPN>", "<UniqueLearnerNumber>1000000042</UniqueLearnerNumber>"),),
            ("UniqueLearnerNumber", "D03"),
        ),
        (
            (("<UPN>J931200116123</UPN>", "<UPN>J931200116123</UPN><UPNunknown>UN2</UPNunknown>"),),
            ("UPNunknown", "D04"),
        ),
        ((("<UPN>J931200116123</UPN>", "<UPNunknown>UN4</UPNunknown>"),), ("UPNunknown", "D20")),
        # Dates and codes
        ((("2016-05-14", "14/05/2016"),), ("PersonBirthDate", "D05")),
        ((("2016-05-14", "2026-05-14"),), ("PersonBirthDate", "D05")),
        ((("<RequestOutcome>Y<", "<RequestOutcome>Q<"),), ("Requests[1]/RequestOutcome", "D20")),
        ((("<PostCode>OX1 1AA<", "<PostCode>Oxford<"),), ("PostCode", "D23")),
        ((("<PB>0</PB>", "<PB>0</PB><PlanRes>C</PlanRes>"),), ("Requests[1]/Assessment/NamedPlan/PlanRes", "S02")),
        # Conditional items
        (
            (("<RequestOutcome>Y</RequestOutcome>", "<RequestOutcome>A</RequestOutcome>"),),
            ("Requests[1]/RequestOutcomeDate", "D06"),
        ),
        (
            (("<RequestOutcomeDate>2025-03-20<", "<RequestOutcomeDate>2025-01-20<"),),
            ("Requests[1]/RequestOutcomeDate", "D06"),
        ),
        (
            (("<RequestOutcome>Y</RequestOutcome>", "<RequestOutcome>N</RequestOutcome>"),),
            ("Requests[1]/Assessment", "D07"),
        ),
        (
            (("<AssessmentOutcome>Y</AssessmentOutcome>", "<AssessmentOutcome>N</AssessmentOutcome>"),),
            ("Requests[1]/Assessment/NamedPlan", "D09"),
        ),
        (
            (("          <AssessmentOutcomeDate>2025-06-20</AssessmentOutcomeDate>\n", ""),),
            ("Requests[1]/Assessment/AssessmentOutcomeDate", "D08"),
        ),
        (
            (("<PlacementRank>1</PlacementRank>", "<PlacementRank>3</PlacementRank>"),),
            ("Requests[1]/Assessment/NamedPlan/PlanDetail/PlacementRank", "D10"),
        ),
        (
            (("<PB>0</PB>", "<PB>0</PB><CeaseReason>2</CeaseReason>"),),
            ("Requests[1]/Assessment/NamedPlan/CeaseDate", "D11"),
        ),
        (
            (("<PB>0</PB>", "<PB>0</PB><CeaseDate>2025-06-01</CeaseDate><CeaseReason>2</CeaseReason>"),),
            ("Requests[1]/Assessment/NamedPlan/CeaseDate", "D11"),
        ),
        (
            (("<URN>123456</URN>", "<URN>123456</URN><SENsetting>EHE</SENsetting>"),),
            ("Requests[1]/Assessment/NamedPlan/PlanDetail[1]/SENsetting", "D13"),
        ),
        (
            (("<URN>123456</URN>", "<SENsetting>NIEO</SENsetting>"),),
            ("Requests[1]/Assessment/NamedPlan/PlanDetail[1]/SENsettingOther", "D14"),
        ),
        (
            (("<SENtypeRank>1</SENtypeRank>", "<SENtypeRank>2</SENtypeRank>"),),
            ("Requests[1]/ActivePlans/SENneed", "D15"),
        ),
        (
            (("<EntryDate>2025-09-03</EntryDate>", "<EntryDate>2025-09-03</EntryDate><LeavingDate>2025-12-19</LeavingDate>"),),
            ("Requests[1]/ActivePlans/PlacementDetail", "D16"),
        ),
        (
            (("<EntryDate>2025-09-03</EntryDate>", "<EntryDate>2025-09-03</EntryDate><LeavingDate>2025-09-01</LeavingDate>"),),
            ("Requests[1]/ActivePlans/PlacementDetail[1]/LeavingDate", "D17"),
        ),
        ((("2016-05-14", "1999-05-14"),), ("Requests[1]/ReceivedDate", "D18")),
        ((("2016-05-14", "2000-08-14"),), ("PersonBirthDate", "D18")),
        (
            (("<ActivePlans>", "<ActivePlans><ReviewOutcome>M</ReviewOutcome>"),),
            ("Requests[1]/ActivePlans/ReviewOutcome", "D19"),
        ),
        ((("<Year>2026</Year>", "<Year>2025</Year>"),), ("Header/CollectionDetails/Year", "D21")),
        ((("<LEA>931</LEA>", "<LEA>93</LEA>"),), ("Header/Source/LEA", "D21")),
        ((("2026-01-15", "2026-01-16"),), ("Header/CollectionDetails/ReferenceDate", "D21")),
        (
            (("<AssessmentOutcomeDate>2025-06-20<", "<AssessmentOutcomeDate>2025-08-20<"),),
            ("Requests[1]/Assessment/AssessmentOutcomeDate", "D22"),
        ),
        (
            (("<RequestOutcomeDate>2025-03-20<", "<RequestOutcomeDate>2025-04-20<"),),
            ("Requests[1]/RequestOutcomeDate", "D22"),
        ),
        (
            (("<RequestOutcome>Y</RequestOutcome>", "<RequestOutcome>H</RequestOutcome>"), ("<RequestOutcomeDate>2025-03-20</RequestOutcomeDate>", ""), ("<NamedPlan>", "<X>"), ("</NamedPlan>", "</X>")),
            ("Requests[1]/ActivePlans", "D24"),
        ),
    ],
)  # fmt: skip
def test_each_rule_names_the_item(
    pairs: tuple[tuple[str, str], ...], problem: tuple[str, str]
) -> None:
    assert problem in found(edited(*pairs))


def _ceased_at_maximum_age(birth: str, ceased: str) -> list[tuple[str, str, str]]:
    data = edited(
        ("2016-05-14", birth),
        ("<PB>0</PB>", f"<PB>0</PB><CeaseDate>{ceased}</CeaseDate><CeaseReason>1</CeaseReason>"),
    )
    _, problems = sen2_check(data)
    return [(p.path, p.severity, p.message) for p in problems if p.rule == "D12"]


def test_maximum_age_as_the_reason_to_cease_before_the_age_is_queried() -> None:
    at = "Requests[1]/Assessment/NamedPlan/CeaseReason"
    # Born 14 May 2006: 19 on 14 May 2025, so the academic year of 19 ends 31 August 2025.
    [(path, severity, message)] = _ceased_at_maximum_age("2006-05-14", "2025-07-01")
    assert (path, severity) == (at, "warning")
    assert "turned 19 (2025-08-31)" in message
    # Born 14 May 2000: 25 on 14 May 2025; the year of 25 ends 31 August 2025.
    [(_, _, message)] = _ceased_at_maximum_age("2000-05-14", "2025-08-30")
    assert "turned 25 (2025-08-31)" in message and "adult estate" in message
    assert _ceased_at_maximum_age("2000-05-14", "2025-08-31") == []
    # Born 1 September 2000: 25 in the academic year 2025/26, which ends 31 August 2026.
    assert _ceased_at_maximum_age("2000-09-01", "2025-12-01")


def test_birthdays_and_academic_years() -> None:
    from datetime import date

    from sendplan.engine.sen2_checks import academic_year_end, birthday

    assert birthday(date(2004, 2, 29), 19) == date(2023, 3, 1)
    assert birthday(date(2004, 2, 29), 20) == date(2024, 2, 29)
    assert academic_year_end(date(2025, 1, 1)) == date(2025, 8, 31)


def test_review_rules_and_an_old_plan_without_a_review() -> None:
    data = edited(
        ("<StartDate>2025-06-20<", "<StartDate>2024-06-20<"),
        ("<AssessmentOutcomeDate>2025-06-20<", "<AssessmentOutcomeDate>2024-06-20<"),
        ("<RequestOutcome>Y<", "<RequestOutcome>H<"),
        ("<RequestOutcomeDate>2025-03-20</RequestOutcomeDate>", ""),
        ("<AssessmentOutcome>Y<", "<AssessmentOutcome>H<"),
        ("<ReceivedDate>2025-02-10<", "<ReceivedDate>2024-02-10<"),
    )
    assert ("Requests[1]/ActivePlans/ReviewMeeting", "D19") in found(data)


def test_two_requests_with_active_plans_and_one_need_twice() -> None:
    document, _ = sen2_read(GOOD.read_bytes())
    person = document.persons[0]
    person.requests.append(replace(person.requests[0]))
    active = person.requests[0].active_plans
    assert active is not None
    active.needs = [Sen2Need("ASD", "1"), Sen2Need("ASD", "2")]
    active.placements.append(
        Sen2PlacementDetail(urn="654321", placement_rank="1", entry_date="2025-10-01")
    )
    got = {(p.path, p.rule) for p in sen2_validate(document)}
    assert ("Requests", "D25") in got
    assert ("Requests[1]/ActivePlans/SENneed", "D15") in got
    assert ("Requests[1]/ActivePlans/PlacementDetail[2]/EntryDate", "D17") in got


def test_warnings_never_make_errors_and_say_whose_rule_it_is() -> None:
    _, problems = sen2_check(edited(("<PostCode>OX1 1AA<", "<PostCode>Oxford<")))
    assert [p.severity for p in problems] == ["warning"]
    assert problems[0].line("r.xml") == (
        "r.xml: Person 1 (J931200116123): PostCode: rule D23 (ours): warning: "
        "'Oxford' is not a UK postcode"
    )
    header = Sen2Problem(None, "Header", "Header/Source/LEA", "D21", "bad")
    assert header.line("r.xml") == "r.xml: Header: Header/Source/LEA: rule D21: bad"


def test_a_person_without_a_upn_is_named() -> None:
    data = edited(
        ("<UPN>J931200116123</UPN>", "<UPNunknown>UN2</UPNunknown>"), ("<Sex>F", "<Sex>Z")
    )
    _, problems = sen2_check(data)
    assert problems[0].line("r.xml").startswith("r.xml: Person 1 (Ada Example): Sex: rule D20")


@pytest.mark.parametrize(
    ("data", "line", "message"),
    [
        (b"", 1, "the file is empty"),
        (b"<Message><Header>", 1, "not well-formed XML (no element found) at column 18"),
        (b"<Return/>", 1, "the root element is Return, not Message"),
        (b'<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><Message/>', 2, "has a DOCTYPE"),
    ],
)
def test_what_is_not_a_return_is_one_problem(data: bytes, line: int, message: str) -> None:
    with pytest.raises(Sen2ReadError) as raised:
        sen2_read(data)
    assert raised.value.line == line
    assert raised.value.message.startswith(message)


def test_every_rule_the_checks_use_is_in_the_table_with_an_origin() -> None:
    code = "".join(p.read_text() for p in SOURCE.glob("sen2_*.py"))
    used = set(re.findall(r'"([SD]\d\d)"', code))
    assert used <= set(SEN2_RULES)
    assert {rule.origin for rule in SEN2_RULES.values()} == {"DfE", "ours"}
    assert {r for r in SEN2_RULES if r not in used} == set()


def test_heavy_use_of_catch_all_codes_is_counted_and_flagged() -> None:
    from sendplan.engine import sen2_heavy_use

    document, _ = sen2_read(GOOD.read_bytes())
    uses = {(u.item, u.code): u for u in sen2_heavy_use(document)}
    source = uses[("RequestSource", "5")]
    assert source.of == len([r for p in document.persons for r in p.requests])
    assert not source.flagged
    for request in (r for p in document.persons for r in p.requests):
        request.source = "5"
    flagged = {(u.item, u.code): u for u in sen2_heavy_use(document)}[("RequestSource", "5")]
    assert flagged.share == 1.0 and flagged.flagged
    assert uses[("CeaseReason", "9")].of == 0 and not uses[("CeaseReason", "9")].flagged
