"""Dues reminders (NOTIFY-1, DUES-2, C-8): the branch secretaries are reminded once per member and
level of a run of arrears — at 3 months a warning, at 6 a flag."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest

from zhibu.accounts.models import Role, RoleAssignment, User
from zhibu.dues.reminders import KINDS, dues_reminders
from zhibu.dues.tests.factories import make_setting, pay, pay_months
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member
from zhibu.notifications.models import Notification
from zhibu.notifications.services import reminders_create
from zhibu.orgs.models import Organisation

d = dt.date


def owing(branch: Organisation, name: str, paid_until: dt.date) -> Member:
    member = make_member(branch, name, dues_base=Decimal("3000"))
    make_setting(member, 2025, "15.00")
    pay_months(member, d(2025, 1, 1), paid_until)
    return member


def test_kinds_have_chinese_labels() -> None:
    assert KINDS == {"dues_arrears_warning": "党费欠缴3个月", "dues_arrears_flag": "党费连续欠缴6个月"}


def test_a_warning_at_3_months_across_the_year_end_to_the_branch_secretary(world: Any) -> None:
    member = owing(world.branch_a, "欠三月", d(2025, 10, 1))  # Nov, Dec, Jan unpaid
    owing(world.branch_a, "欠两月", d(2025, 11, 1))  # Dec, Jan: no reminder yet
    reminders = dues_reminders(d(2026, 2, 3))
    assert [(r.user_id, r.kind, r.key) for r in reminders] == [
        (world.secretary_a.pk, "dues_arrears_warning", f"dues_arrears_warning:{member.pk}:2025-11")
    ]
    (reminder,) = reminders
    assert reminder.organisation_id == world.branch_a.pk
    assert reminder.title == "欠三月已连续3个月未交纳党费"
    assert "自2025年11月起未交纳党费，累计欠缴45.00元" in reminder.body
    assert "2025年11月、2025年12月、2026年1月" in reminder.body


def test_a_flag_at_6_months_asks_the_branch_to_act_c8(world: Any) -> None:
    member = owing(world.branch_a, "欠六月", d(2025, 7, 1))  # Aug … Jan unpaid
    owing(world.branch_a, "欠五月", d(2025, 8, 1))  # Sep … Jan: still a warning
    reminders = {r.key: r for r in dues_reminders(d(2026, 2, 3))}
    flag = reminders[f"dues_arrears_flag:{member.pk}:2025-08"]
    assert flag.kind == "dues_arrears_flag"
    assert "连续6个月不交纳党费，按自行脱党处理，请支部研究处理" in flag.body
    assert "请支部研究处理" in flag.title
    assert [r.kind for r in reminders.values()].count("dues_arrears_warning") == 1
    assert not any(key.startswith(f"dues_arrears_warning:{member.pk}:") for key in reminders)


def test_a_run_reminds_once_per_level_and_a_new_run_is_new(world: Any) -> None:
    member = owing(world.branch_a, "欠缴", d(2025, 10, 1))
    assert sum(reminders_create(dues_reminders(d(2026, 2, 3)), email=False).values()) == 1
    assert sum(reminders_create(dues_reminders(d(2026, 2, 20)), email=False).values()) == 0  # same day again
    assert (
        sum(reminders_create(dues_reminders(d(2026, 3, 3)), email=False).values()) == 0
    )  # 4 months: same run
    assert sum(reminders_create(dues_reminders(d(2026, 5, 3)), email=False).values()) == 1  # 6: the flag
    assert sum(reminders_create(dues_reminders(d(2026, 6, 3)), email=False).values()) == 0
    keys = list(
        Notification.objects.filter(user=world.secretary_a).order_by("pk").values_list("key", flat=True)
    )
    assert keys == [f"dues_arrears_warning:{member.pk}:2025-11", f"dues_arrears_flag:{member.pk}:2025-11"]
    # Paid up to May; June, July, August unpaid: a new run, a new warning.
    for month in range(11, 13):
        pay(member, d(2025, month, 1), paid_on=d(2026, 5, 10))
    pay_months(member, d(2026, 1, 1), d(2026, 5, 1), paid_on=d(2026, 6, 1))
    reminders = dues_reminders(d(2026, 9, 2))
    assert [r.key for r in reminders] == [f"dues_arrears_warning:{member.pk}:2026-06"]


def test_only_the_secretaries_of_the_members_branch(world: Any) -> None:
    owing(world.branch_b, "乙欠缴", d(2025, 10, 1))
    second = User.objects.create_user(username="deputy_b", password="x-Zhibu-2026", full_name="副书记")
    RoleAssignment.objects.create(user=second, role=Role.BRANCH_SECRETARY, organisation=world.branch_b)
    gone = User.objects.create_user(
        username="gone_b", password="x-Zhibu-2026", full_name="已停用", is_active=False
    )
    RoleAssignment.objects.create(user=gone, role=Role.BRANCH_SECRETARY, organisation=world.branch_b)
    users = {r.user_id for r in dues_reminders(d(2026, 2, 3))}
    assert users == {world.secretary_b.pk, second.pk}


def test_no_arrears_no_reminders(world: Any) -> None:
    assert dues_reminders(d(2026, 2, 3)) == []


@pytest.mark.parametrize("count", [2, 8])
def test_reminder_queries_are_constant(world: Any, django_assert_num_queries: Any, count: int) -> None:
    for i in range(count):
        owing(world.branch_a, f"欠缴{i}", d(2025, 10, 1))
    with django_assert_num_queries(5):  # members, settings, payments, rules, secretaries
        reminders = dues_reminders(d(2026, 2, 3))
    assert len(reminders) == count
