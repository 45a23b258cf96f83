"""The dues arithmetic (DUES-1; RULES C-2, C-3, C-3a, C-4) and the month helpers, pure except where a
rule change is read from the database."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from zhibu.dues.rules import (
    DuesRuleError,
    compute_amount,
    month_index,
    month_label,
    month_of_index,
    month_range,
    month_start,
    months_between,
)
from zhibu.dues.selectors import FLAG, OK, WARNING, level_message, level_of
from zhibu.lib.decimals import money
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.members.models import DuesCategory
from zhibu.rulebook.models import RuleValue

DEFAULTS = RuleSet(2026, {})
D = Decimal


@pytest.mark.parametrize(
    ("base", "rate", "amount"),
    [
        ("0", "0.5", "0.00"),
        ("2999.99", "0.5", "15.00"),  # 14.99995 → 15.00
        ("3000.00", "0.5", "15.00"),  # C-3a: the top of a bracket belongs to it
        ("3000.01", "1", "30.00"),
        ("5000.00", "1", "50.00"),
        ("5000.01", "1.5", "75.00"),  # 75.00015
        ("10000.00", "1.5", "150.00"),
        ("10000.01", "2", "200.00"),  # 200.0002
        ("3333.33", "1", "33.33"),  # 33.3333
        ("4444.50", "1", "44.45"),  # 44.445 rounds half-up to 44.45
        ("1234.50", "0.5", "6.17"),  # 6.1725
        ("1235.00", "0.5", "6.18"),  # 6.175 half-up
    ],
)
def test_employed_brackets_at_every_boundary_c2_c3a(base: str, rate: str, amount: str) -> None:
    result = compute_amount(DuesCategory.EMPLOYED, D(base), DEFAULTS)
    assert result.rate == D(rate)
    assert result.amount == D(amount)
    assert str(result.amount) == amount  # two places, as shown and stored
    assert "在职党员" in result.explanation and "C-2" in result.explanation


def test_the_explanation_names_the_bracket_and_the_sum() -> None:
    result = compute_amount(DuesCategory.EMPLOYED, D("4444.50"), DEFAULTS)
    assert result.explanation == (
        "在职党员月收入3000元以上至5000元（含）按1%交纳（规则 C-2）：4444.50×1% = 44.45元"
    )
    low = compute_amount(DuesCategory.EMPLOYED, D("2000"), DEFAULTS)
    assert "3000元及以下" in low.explanation
    top = compute_amount(DuesCategory.EMPLOYED, D("20000"), DEFAULTS)
    assert "10000元以上" in top.explanation


@pytest.mark.parametrize(
    ("base", "rate", "amount"),
    [("0", "0.5", "0.00"), ("5000.00", "0.5", "25.00"), ("5000.01", "1", "50.00"), ("8000", "1", "80.00")],
)
def test_retired_brackets_c3(base: str, rate: str, amount: str) -> None:
    result = compute_amount(DuesCategory.RETIRED, D(base), DEFAULTS)
    assert (result.rate, result.amount) == (D(rate), D(amount))
    assert "离退休党员" in result.explanation and "C-3" in result.explanation


@pytest.mark.parametrize("category", [DuesCategory.STUDENT, DuesCategory.NO_INCOME])
def test_students_and_members_without_income_pay_the_fixed_amount_c4(category: str) -> None:
    for base in (None, D("0"), D("50000")):  # the base does not matter
        result = compute_amount(category, base, DEFAULTS)
        assert result.amount == D("0.20")
        assert result.rate is None
        assert "C-4" in result.explanation


def test_farmers_pay_within_the_range_bounds_included_c4() -> None:
    assert compute_amount(DuesCategory.FARMER, None, DEFAULTS).amount == D("0.20")  # the default
    assert compute_amount(DuesCategory.FARMER, None, DEFAULTS, farmer_amount=D("0.20")).amount == D("0.20")
    assert compute_amount(DuesCategory.FARMER, None, DEFAULTS, farmer_amount=D("1.00")).amount == D("1.00")
    assert compute_amount(DuesCategory.FARMER, None, DEFAULTS, farmer_amount=D("0.5")).amount == D("0.50")
    for outside in ("0.19", "1.01", "0"):
        with pytest.raises(DuesRuleError, match=r"农民党员每月交纳0\.20至1\.00元（规则 C-4）"):
            compute_amount(DuesCategory.FARMER, None, DEFAULTS, farmer_amount=D(outside))


@pytest.mark.parametrize("category", [DuesCategory.EMPLOYED, DuesCategory.RETIRED])
def test_a_bracket_category_without_a_base_cannot_be_computed(category: str) -> None:
    with pytest.raises(DuesRuleError, match="未登记党费基数（月工资收入），无法按比例计算党费"):
        compute_amount(category, None, DEFAULTS)
    with pytest.raises(DuesRuleError, match="党费基数不能为负数"):
        compute_amount(category, D("-1"), DEFAULTS)


def test_an_unknown_category_is_refused() -> None:
    with pytest.raises(DuesRuleError, match="未知的党费类别"):
        compute_amount("pensioner", D("1000"), DEFAULTS)


@pytest.mark.django_db
def test_a_rule_change_for_a_year_changes_that_year_only_p4() -> None:
    """P-4: an officer's change from 2027 (the first bracket's top raised to 3500) moves 3200.00
    into the first bracket in 2027; 2026 keeps the national default."""
    RuleValue.objects.create(key="dues.employed_top_1", value="3500", from_year=2027, reason="测试")
    RuleValue.objects.create(key="dues.fixed_amount", value="0.50", from_year=2027, reason="测试")
    base = D("3200.00")
    assert compute_amount(DuesCategory.EMPLOYED, base, rules_for(2026)).amount == D("32.00")
    assert compute_amount(DuesCategory.EMPLOYED, base, rules_for(2027)).amount == D("16.00")
    assert compute_amount(DuesCategory.EMPLOYED, base, rules_for(2028)).amount == D("16.00")  # carries on
    assert compute_amount(DuesCategory.STUDENT, None, rules_for(2026)).amount == D("0.20")
    assert compute_amount(DuesCategory.STUDENT, None, rules_for(2027)).amount == D("0.50")


cents = st.integers(min_value=0, max_value=10_000_000).map(lambda n: D(n) / 100)


@given(base=cents)
def test_amount_is_base_times_rate_rounded_half_up_c3a(base: Decimal) -> None:
    for category in (DuesCategory.EMPLOYED, DuesCategory.RETIRED):
        result = compute_amount(category, base, DEFAULTS)
        assert result.rate is not None
        assert result.amount == money(base * result.rate / 100)
        assert result.amount == result.amount.quantize(D("0.01"))


@given(a=cents, b=cents)
def test_rate_and_amount_never_decrease_with_the_base(a: Decimal, b: Decimal) -> None:
    low, high = sorted((a, b))
    for category in (DuesCategory.EMPLOYED, DuesCategory.RETIRED):
        first, second = compute_amount(category, low, DEFAULTS), compute_amount(category, high, DEFAULTS)
        assert first.rate is not None and second.rate is not None
        assert first.rate <= second.rate
        assert first.amount <= second.amount


# --- months -------------------------------------------------------------------------------------


def test_month_arithmetic_across_year_ends() -> None:
    assert month_start(dt.date(2026, 2, 28)) == dt.date(2026, 2, 1)
    assert months_between(dt.date(2025, 12, 31), dt.date(2026, 1, 1)) == 1
    assert months_between(dt.date(2025, 8, 1), dt.date(2026, 2, 15)) == 6
    assert months_between(dt.date(2026, 3, 1), dt.date(2026, 1, 1)) == -2
    assert month_of_index(month_index(dt.date(2025, 12, 9))) == dt.date(2025, 12, 1)
    assert month_range(dt.date(2025, 11, 5), dt.date(2026, 2, 1)) == [
        dt.date(2025, 11, 1),
        dt.date(2025, 12, 1),
        dt.date(2026, 1, 1),
        dt.date(2026, 2, 1),
    ]
    assert month_range(dt.date(2026, 2, 1), dt.date(2026, 1, 1)) == []
    assert month_label(dt.date(2026, 3, 1)) == "2026年3月"


@given(day=st.dates(min_value=dt.date(1990, 1, 1), max_value=dt.date(2100, 12, 31)), n=st.integers(-60, 60))
def test_month_index_round_trips(day: dt.date, n: int) -> None:
    index = month_index(day) + n
    month = month_of_index(index)
    assert month.day == 1
    assert months_between(day, month) == n


@pytest.mark.parametrize(
    ("consecutive", "level"), [(0, OK), (2, OK), (3, WARNING), (5, WARNING), (6, FLAG), (14, FLAG)]
)
def test_levels_warning_at_3_flag_at_6_dues2_c8(consecutive: int, level: str) -> None:
    assert level_of(consecutive, DEFAULTS) == level


def test_level_thresholds_are_rules(db: Any) -> None:
    RuleValue.objects.create(key="dues.arrears_warning_months", value="2", from_year=2026, reason="测试")
    rules = rules_for(2026)
    assert level_of(2, rules) == WARNING
    assert level_of(2, DEFAULTS) == OK


def test_the_flag_message_asks_the_branch_to_act_c8() -> None:
    message = level_message(FLAG, 7, DEFAULTS)
    assert "连续6个月不交纳党费，按自行脱党处理，请支部研究处理" in message
    assert "已连续7个月" in message and "C-8" in message
    assert "3个月" not in level_message(WARNING, 4, DEFAULTS) and "4个月" in level_message(
        WARNING, 4, DEFAULTS
    )
    assert level_message(OK, 1, DEFAULTS) == ""
