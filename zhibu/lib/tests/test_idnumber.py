"""公民身份号码 vectors (MEM-1, RULES F-3)."""

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.lib import idnumber

# Published sample numbers from GB 11643 (check characters verified by hand).
VALID = [
    ("11010519491231002X", dt.date(1949, 12, 31), idnumber.FEMALE),
    ("11010119900307651X", dt.date(1990, 3, 7), idnumber.MALE),
]


@pytest.mark.parametrize(("value", "birth", "gender"), VALID)
def test_it_accepts_valid_numbers_and_reads_birth_and_gender(value: str, birth: dt.date, gender: str) -> None:
    parsed = idnumber.parse(value)
    assert parsed.birth_date == birth
    assert parsed.gender == gender


def test_it_accepts_lowercase_x_and_spaces() -> None:
    assert idnumber.parse(" 11010519491231002x ").value == "11010519491231002X"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("110105194912310021", "校验码错误（第18位应为X）"),
        ("11010519491231002", "应为18位，实为17位"),
        ("1101051949123100211", "应为18位，实为19位"),
        ("11010519491231A02X", "前17位应为数字"),
        ("110105194902300020", "不是真实日期"),  # 30 February
        ("110105199013010020", "不是真实日期"),  # month 13
        ("110105180001010020", "不可能"),  # born 1800
    ],
)
def test_it_refuses_invalid_numbers_with_the_reason(value: str, message: str) -> None:
    with pytest.raises(idnumber.IdNumberError, match=message.replace("（", r"\（").replace("）", r"\）")):
        idnumber.parse(value)


def test_it_refuses_a_birth_date_in_the_future() -> None:
    value = idnumber.make("110101", dt.date(2030, 1, 1), 1, gender=idnumber.MALE)
    with pytest.raises(idnumber.IdNumberError, match="不可能"):
        idnumber.parse(value, today=dt.date(2026, 11, 25))


def test_leap_day_is_a_real_date_only_in_leap_years() -> None:
    assert idnumber.parse(idnumber.make("110101", dt.date(2000, 2, 29), 3, gender=idnumber.FEMALE))
    first17 = "11010120010229003"
    with pytest.raises(idnumber.IdNumberError, match="不是真实日期"):
        idnumber.parse(first17 + idnumber.check_character(first17))


@given(
    birth=st.dates(min_value=dt.date(1900, 1, 1), max_value=dt.date(2020, 12, 31)),
    sequence=st.integers(0, 99),
    gender=st.sampled_from([idnumber.MALE, idnumber.FEMALE]),
)
def test_made_numbers_parse_back(birth: dt.date, sequence: int, gender: str) -> None:
    parsed = idnumber.parse(idnumber.make("320102", birth, sequence, gender=gender))
    assert (parsed.birth_date, parsed.gender) == (birth, gender)


@given(position=st.integers(0, 16), delta=st.integers(1, 9))
def test_changing_any_digit_breaks_the_check(position: int, delta: int) -> None:
    value = "11010519491231002X"
    digit = (int(value[position]) + delta) % 10
    changed = value[:position] + str(digit) + value[position + 1 :]
    with pytest.raises(idnumber.IdNumberError):
        idnumber.parse(changed)


def test_mask_keeps_four_and_four() -> None:
    assert idnumber.mask("11010519491231002X") == "1101**********002X"
    assert idnumber.mask("") == ""


def test_num_filter_drops_trailing_zeros() -> None:
    from decimal import Decimal

    from zhibu.lib.templatetags.zhibu_tags import num

    assert [num(Decimal("12.00")), num(Decimal("10.80")), num(Decimal("100")), num(None), num("x")] == [
        "12",
        "10.8",
        "100",
        "",
        "x",
    ]
