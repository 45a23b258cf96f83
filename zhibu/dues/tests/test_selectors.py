"""Reads of dues (DUES-2): the amount of a month, arrears across year ends with their levels
(3 months a warning, 6 a flag: C-8), the branch ledger, and their query counts."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from zhibu.dues import selectors
from zhibu.dues.rules import month_range
from zhibu.dues.selectors import FLAG, OK, WARNING, amount_for_month, arrears, branch_ledger
from zhibu.dues.tests.factories import make_setting, pay, pay_months
from zhibu.lib.rules import RuleSet
from zhibu.members import services as member_services
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member
from zhibu.orgs.models import Organisation

D = Decimal
d = dt.date


def member_with_setting(branch: Organisation, name: str, amount: str = "15.00", year: int = 2025) -> Member:
    member = make_member(branch, name, dues_base=D("3000"))
    make_setting(member, year, amount)
    return member


def row_of(rows: list[selectors.ArrearsRow], member: Member) -> selectors.ArrearsRow | None:
    return next((row for row in rows if row.member.pk == member.pk), None)


# --- amount_for_month ---------------------------------------------------------------------------


def test_amount_for_month_is_the_latest_setting_not_after_it_and_carries_on(world: Any) -> None:
    """DUES-1/C-5: a setting holds from its month until a later one; a year without settings of its
    own carries on the earlier year's amount."""
    member = world.member_in_a
    make_setting(member, 2025, "15.00")
    make_setting(member, 2026, "20.00")
    make_setting(member, 2026, "25.00", from_month=7, reason="工资调整")
    assert amount_for_month(member, d(2024, 12, 1)) is None
    assert amount_for_month(member, d(2025, 6, 1)) == D("15.00")
    assert amount_for_month(member, d(2025, 12, 31)) == D("15.00")
    assert amount_for_month(member, d(2026, 1, 1)) == D("20.00")
    assert amount_for_month(member, d(2026, 6, 30)) == D("20.00")
    assert amount_for_month(member, d(2026, 7, 1)) == D("25.00")
    assert amount_for_month(member, d(2027, 3, 1)) == D("25.00")
    assert amount_for_month(world.member_in_b, d(2026, 3, 1)) is None


# --- arrears ------------------------------------------------------------------------------------


def test_arrears_run_across_the_year_end_dues2(world: Any) -> None:
    """November, December and January unpaid, today in February → 3 consecutive: a warning."""
    member = member_with_setting(world.branch_a, "跨年")
    pay_months(member, d(2025, 1, 1), d(2025, 10, 1))
    rows = arrears([world.branch_a], d(2026, 2, 10))
    row = row_of(rows, member)
    assert row is not None
    assert row.months == [d(2025, 11, 1), d(2025, 12, 1), d(2026, 1, 1)]
    assert row.consecutive == 3
    assert row.level == WARNING
    assert row.owed == D("45.00")
    assert row.run_start == d(2025, 11, 1)
    assert "已连续3个月未交纳党费" in row.message


@pytest.mark.parametrize(
    ("unpaid", "level"), [(1, OK), (2, OK), (3, WARNING), (5, WARNING), (6, FLAG), (7, FLAG)]
)
def test_warning_at_exactly_3_and_flag_at_exactly_6_consecutive_dues2_c8(
    world: Any, unpaid: int, level: str
) -> None:
    member = member_with_setting(world.branch_a, "连续")
    on = d(2026, 9, 15)  # last ended month: August 2026
    pay_months(member, d(2025, 1, 1), d(2026, 8 - unpaid, 1))
    row = row_of(arrears([world.branch_a], on), member)
    assert row is not None
    assert row.consecutive == unpaid == len(row.months)
    assert row.level == level
    if level == FLAG:
        assert "连续6个月不交纳党费，按自行脱党处理，请支部研究处理" in row.message


def test_the_run_stops_at_the_first_settled_month(world: Any) -> None:
    member = member_with_setting(world.branch_a, "断续", year=2026)
    pay_months(member, d(2026, 1, 1), d(2026, 2, 1))  # March, April unpaid
    pay(member, d(2026, 5, 1))  # June, July unpaid
    row = row_of(arrears([world.branch_a], d(2026, 8, 1)), member)
    assert row is not None
    assert row.months == [d(2026, 3, 1), d(2026, 4, 1), d(2026, 6, 1), d(2026, 7, 1)]
    assert row.consecutive == 2
    assert row.level == OK
    assert row.owed == D("60.00")


def test_the_current_month_is_not_in_arrears_until_it_ends(world: Any) -> None:
    member = member_with_setting(world.branch_a, "本月", year=2026)
    pay_months(member, d(2026, 1, 1), d(2026, 4, 1))
    assert row_of(arrears([world.branch_a], d(2026, 5, 31)), member) is None
    row = row_of(arrears([world.branch_a], d(2026, 6, 1)), member)
    assert row is not None and row.months == [d(2026, 5, 1)]


def test_a_short_payment_is_unpaid_for_the_difference(world: Any) -> None:
    member = member_with_setting(world.branch_a, "少交", year=2026)
    pay(member, d(2026, 1, 1), paid="10.00")
    pay(member, d(2026, 2, 1))
    row = row_of(arrears([world.branch_a], d(2026, 3, 2)), member)
    assert row is not None
    assert row.months == [d(2026, 1, 1)]
    assert row.owed == D("5.00")
    assert row.consecutive == 0  # February, the last ended month, is settled


def test_a_recorded_payment_keeps_its_due_after_a_setting_change(world: Any) -> None:
    """A later setting changes the due of months not yet recorded only."""
    member = member_with_setting(world.branch_a, "调整", year=2026)
    pay(member, d(2026, 1, 1))  # due 15.00, paid 15.00
    member.dues_settings.update(amount=D("20.00"))  # the January setting replaced
    row = row_of(arrears([world.branch_a], d(2026, 3, 1)), member)
    assert row is not None
    assert row.months == [d(2026, 2, 1)]  # January settled at its recorded due
    assert row.owed == D("20.00")


def test_probationary_members_owe_from_the_month_of_the_vote_c6(world: Any) -> None:
    member = make_member(
        world.branch_a, "预备", category="probationary", joined_on=d(2025, 9, 20), dues_base=D("2000")
    )
    make_setting(member, 2025, "10.00")  # a January setting; joined in September
    row = row_of(arrears([world.branch_a], d(2025, 12, 5)), member)
    assert row is not None
    assert row.months == [d(2025, 9, 1), d(2025, 10, 1), d(2025, 11, 1)]
    assert row.level == WARNING


def test_without_a_setting_nothing_is_owed_even_with_old_payments(world: Any) -> None:
    """An imported old ledger without settings: the member is 未核定, not in arrears."""
    member = make_member(world.branch_a, "未核定")
    pay(member, d(2024, 3, 1), due="12.00")
    assert row_of(arrears([world.branch_a], d(2026, 6, 1)), member) is None
    make_setting(member, 2026, "12.00", from_month=4)
    row = row_of(arrears([world.branch_a], d(2026, 6, 1)), member)
    assert row is not None and row.months == [d(2026, 4, 1), d(2026, 5, 1)]  # from the first setting


def test_only_members_who_pay_dues_and_only_the_branches_asked(world: Any) -> None:
    in_b = member_with_setting(world.branch_b, "乙支部")
    suspended = member_with_setting(world.branch_a, "停止党籍")
    member_services.member_update(actor=None, member=suspended, standing="suspended", reason="测试")
    left = member_with_setting(world.branch_a, "出党")
    member_services.member_update(actor=None, member=left, standing="left", reason="测试")
    owing = member_with_setting(world.branch_a, "欠缴")
    rows = arrears([world.branch_a], d(2026, 2, 1))
    assert [row.member.pk for row in rows] == [owing.pk]
    both = arrears(Organisation.objects.filter(code__in=["A", "B"]), d(2026, 2, 1))
    assert {row.member.pk for row in both} == {owing.pk, in_b.pk}
    assert arrears([], d(2026, 2, 1)) == []


def _branch_with(n: int, code: str, parent: Organisation) -> Organisation:
    from zhibu.orgs.tests.factories import make_org

    branch = make_org(code, "branch", parent)
    for i in range(n):
        member = member_with_setting(branch, f"成员{code}{i}", year=2026)
        pay_months(member, d(2026, 1, 1), d(2026, 1 + i % 3, 1))
    return branch


def test_arrears_queries_are_constant_in_the_number_of_members(
    world: Any, django_assert_num_queries: Any
) -> None:
    small, large = _branch_with(2, "S2", world.committee), _branch_with(8, "S8", world.committee)
    with django_assert_num_queries(4):  # members, settings, payments, rules
        rows_small = arrears([small], d(2026, 6, 1))
    with django_assert_num_queries(4):
        rows_large = arrears([large], d(2026, 6, 1))
    assert len(rows_small) == 2 and len(rows_large) == 8
    for row in rows_large:
        assert row.member.branch.name  # loaded with the member


# --- the ledger ---------------------------------------------------------------------------------


def test_ledger_cells_states_and_totals_dues2(world: Any) -> None:
    branch = world.branch_a
    member = member_with_setting(branch, "台账", year=2026)
    make_setting(member, 2026, "20.00", from_month=7, reason="调资")
    pay(member, d(2026, 1, 1))  # paid
    pay(member, d(2026, 2, 1), paid="5.00")  # short
    pay(member, d(2026, 8, 1), due="20.00", paid_on=d(2026, 4, 1))  # paid in advance
    ledger = branch_ledger(branch, 2026, on=d(2026, 4, 15))
    row = next(r for r in ledger.rows if r.member.pk == member.pk)
    states = [c.state for c in row.cells]
    assert states == [
        "paid",
        "short",
        "unpaid",
        "open",  # April: the current month
        "open",
        "open",
        "open",
        "paid",
        "open",
        "open",
        "open",
        "open",
    ]
    assert [c.due for c in row.cells][:3] == [D("15.00")] * 3
    assert row.cells[6].due == D("20.00")  # the July change
    assert row.setting is not None and row.setting.amount == D("15.00")  # in force today (April)
    # Counted: January–March (ended) and August (paid ahead): 15 × 3 + 20.
    assert row.due_total == D("65.00")
    assert row.paid_total == D("40.00")
    assert row.unpaid_months == [d(2026, 2, 1), d(2026, 3, 1)]
    assert ledger.monthly_paid[0] == D("15.00") and ledger.monthly_paid[7] == D("20.00")
    assert ledger.monthly_due[2] == D("15.00") and ledger.monthly_due[3] == D("0.00")
    assert len(ledger.monthly_paid) == len(ledger.monthly_due) == 12


def test_ledger_rows_unset_and_scoping(world: Any) -> None:
    branch = world.branch_a
    set_2026 = member_with_setting(branch, "已核定", year=2026)
    carried = member_with_setting(branch, "沿用", year=2025)  # owes 2026 through carry-on
    never = make_member(branch, "从未核定")
    old_ledger = make_member(branch, "旧台账")
    pay(old_ledger, d(2026, 2, 1), due="8.00")
    applicant = make_member(branch, "申请人", category="applicant")
    in_b = member_with_setting(world.branch_b, "乙支部", year=2026)
    ledger = branch_ledger(branch, 2026, on=d(2026, 12, 20))
    names = [row.member.name for row in ledger.rows]
    assert names == sorted(names)
    ids = {row.member.pk for row in ledger.rows}
    assert {set_2026.pk, carried.pk, old_ledger.pk} <= ids
    assert not ids & {never.pk, applicant.pk, in_b.pk, world.member_in_a.pk}
    unset = {m.pk for m in ledger.unset}
    assert {carried.pk, never.pk, old_ledger.pk, world.member_in_a.pk} <= unset
    assert set_2026.pk not in unset and applicant.pk not in unset
    old_row = next(r for r in ledger.rows if r.member.pk == old_ledger.pk)
    assert [c.state for c in old_row.cells].count("none") == 11
    assert old_row.cells[1].due == D("8.00") and old_row.cells[1].state == "paid"
    # 11 ended months each for the two members who owe, the paid old-ledger month.
    assert ledger.due_total == D("15.00") * 22 + D("8.00")
    assert ledger.paid_total == D("8.00")
    assert ledger.paying_count == 3
    assert ledger.arrears_count == 2
    assert ledger.rate == D("2.37")  # 8 / 338 = 2.367 %


def test_ledger_of_a_member_who_left_shows_their_payments_only(world: Any) -> None:
    member = member_with_setting(world.branch_a, "去世", year=2026)
    pay_months(member, d(2026, 1, 1), d(2026, 3, 1))
    member_services.member_update(actor=None, member=member, standing="deceased", reason="测试")
    ledger = branch_ledger(world.branch_a, 2026, on=d(2026, 8, 1))
    row = next(r for r in ledger.rows if r.member.pk == member.pk)
    assert [c.state for c in row.cells][:5] == ["paid", "paid", "paid", "none", "none"]
    assert row.due_total == row.paid_total == D("45.00")
    assert member.pk not in {m.pk for m in ledger.unset}


def test_ledger_of_a_past_year_shows_the_setting_at_its_end(world: Any) -> None:
    member = member_with_setting(world.branch_a, "往年", year=2025)
    make_setting(member, 2025, "18.00", from_month=10, reason="调资")
    make_setting(member, 2026, "30.00")
    ledger = branch_ledger(world.branch_a, 2025, on=d(2026, 5, 1))
    row = next(r for r in ledger.rows if r.member.pk == member.pk)
    assert row.setting is not None and row.setting.amount == D("18.00")
    assert all(c.state == "unpaid" for c in row.cells)
    assert row.due_total == D("15.00") * 9 + D("18.00") * 3


def test_ledger_queries_are_constant_in_the_number_of_members(
    world: Any, django_assert_num_queries: Any
) -> None:
    small, large = _branch_with(2, "L2", world.committee), _branch_with(8, "L8", world.committee)
    with django_assert_num_queries(3):  # members, settings, payments
        ledger_small = branch_ledger(small, 2026, on=d(2026, 6, 1))
    with django_assert_num_queries(3):
        ledger_large = branch_ledger(large, 2026, on=d(2026, 6, 1))
    assert len(ledger_small.rows) == 2 and len(ledger_large.rows) == 8
    with django_assert_num_queries(0):
        for row in ledger_large.rows:
            assert row.member.name and row.setting is not None
            for cell in row.cells:
                assert cell.payment is None or cell.payment.paid >= 0


def test_member_arrears_is_pure(world: Any, django_assert_num_queries: Any) -> None:
    member = world.member_in_a
    setting = make_setting(member, 2026, "10.00")
    payments = {d(2026, 1, 1): (D("10.00"), D("10.00"))}
    with django_assert_num_queries(0):
        row = selectors.member_arrears(member, [setting], payments, d(2026, 5, 2), RuleSet(2026, {}))
    assert row is not None and row.months == month_range(d(2026, 2, 1), d(2026, 4, 1))
    assert row.level == WARNING
