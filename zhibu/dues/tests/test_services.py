"""Writes of dues (DUES-1, DUES-2; RULES C-2 … C-8): 年初核定, mid-year changes, payments (one month,
a month's collection), the yearly publication. Bad paths first-class: each refusal names the rule
and writes nothing."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError

from zhibu.audit.models import AuditEvent
from zhibu.dues import selectors, services
from zhibu.dues.models import DuesPayment, DuesPublication, DuesSetting
from zhibu.dues.tests.factories import make_setting, pay
from zhibu.meetings.models import Notice
from zhibu.members import services as member_services
from zhibu.members.models import DuesCategory, Member
from zhibu.members.tests.factories import make_member
from zhibu.rulebook.models import RuleValue

D = Decimal
d = dt.date
TODAY = d(2026, 3, 15)


@pytest.fixture
def on(monkeypatch: Any) -> dt.date:
    """Today pinned to 15 March 2026 for the dues modules."""
    monkeypatch.setattr(services, "today", lambda: TODAY)
    monkeypatch.setattr(selectors, "today", lambda: TODAY)
    return TODAY


def events(obj_type: str, action: str | None = None) -> int:
    qs = AuditEvent.objects.filter(object_type=obj_type)
    return (qs.filter(action=action) if action else qs).count()


def errors(info: Any) -> dict[str, list[str]]:
    return dict(info.value.message_dict)


def payer(world: Any, name: str = "张三", base: str | None = "3000.00", **extra: Any) -> Member:
    return make_member(world.branch_a, name, dues_base=D(base) if base else None, **extra)


# --- payment_record ------------------------------------------------------------------------------


def test_a_payment_takes_the_amount_in_force_and_is_audited_dues2(world: Any, on: dt.date) -> None:
    member = payer(world)
    make_setting(member, 2026, "15.00")
    payment = services.payment_record(
        actor=world.secretary_a,
        member=member,
        month=d(2026, 2, 17),  # normalised to the 1st
        paid=D("15.00"),
        paid_on=d(2026, 3, 2),
        method="cash",
    )
    assert payment.month == d(2026, 2, 1)
    assert (payment.due, payment.paid, payment.branch_id) == (D("15.00"), D("15.00"), world.branch_a.pk)
    assert payment.actor == world.secretary_a
    event = AuditEvent.objects.get(object_type="dues.duespayment", object_id=str(payment.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.organisation_id == world.branch_a.pk
    assert event.after is not None and event.after["paid"] == "15.00"


@pytest.mark.parametrize(("base", "due"), [("3000.00", "15.00"), ("3000.01", "30.00"), ("0", "0.00")])
def test_without_a_setting_the_due_comes_from_the_registry(
    world: Any, on: dt.date, base: str, due: str
) -> None:
    """An old ledger needs no setting: the due is computed from 党费类别 and 基数 (C-2, C-3a)."""
    member = payer(world, base=base)
    assert services.payment_problems(member=member, month=d(2026, 1, 1), paid=D(due), paid_on=on) == {}
    payment = services.payment_record(actor=None, member=member, month=d(2026, 1, 1), paid=D(due), paid_on=on)
    assert payment.due == D(due)
    assert not DuesSetting.objects.filter(member=member).exists()  # no setting is created


def test_a_due_that_cannot_be_computed_is_a_problem_on_due(world: Any, on: dt.date) -> None:
    member = payer(world, base=None)
    problems = services.payment_problems(member=member, month=d(2026, 1, 1), paid=D("10"), paid_on=on)
    assert set(problems) == {"due"}
    assert "未登记党费基数（月工资收入）" in problems["due"] and problems["due"].endswith("请填写应交金额")
    with pytest.raises(ValidationError) as info:
        services.payment_record(actor=None, member=member, month=d(2026, 1, 1), paid=D("10"), paid_on=on)
    assert "due" in errors(info)
    assert not DuesPayment.objects.exists()
    # With the due given it is accepted.
    payment = services.payment_record(
        actor=None, member=member, month=d(2026, 1, 1), paid=D("10"), paid_on=on, due=D("12.50")
    )
    assert payment.due == D("12.50")


def test_back_payment_6_months_is_accepted_7_refused_c6(world: Any, on: dt.date) -> None:
    member = payer(world)
    make_setting(member, 2025, "15.00")
    ok = services.payment_problems(member=member, month=d(2025, 9, 1), paid=D("15"), paid_on=on)
    assert ok == {}
    problems = services.payment_problems(member=member, month=d(2025, 8, 1), paid=D("15"), paid_on=on)
    assert set(problems) == {"month"}
    assert problems["month"].startswith("补交党费最多补交6个月（党费规定 C-6），2025年8月的党费")
    with pytest.raises(ValidationError, match="补交党费最多补交6个月"):
        services.payment_record(actor=None, member=member, month=d(2025, 8, 1), paid=D("15"), paid_on=on)
    assert not DuesPayment.objects.filter(month=d(2025, 8, 1)).exists()
    services.payment_record(actor=None, member=member, month=d(2025, 9, 1), paid=D("15"), paid_on=on)
    assert DuesPayment.objects.filter(month=d(2025, 9, 1)).count() == 1
    # The limit is a rule of the year of payment.
    RuleValue.objects.create(key="dues.max_back_months", value="7", from_year=2026, reason="测试")
    assert services.payment_problems(member=member, month=d(2025, 8, 1), paid=D("15"), paid_on=on) == {}


def test_advance_payment_is_limited_too(world: Any, on: dt.date) -> None:
    member = payer(world)
    make_setting(member, 2026, "15.00")
    assert services.payment_problems(member=member, month=d(2027, 3, 1), paid=D("15"), paid_on=on) == {}
    problems = services.payment_problems(member=member, month=d(2027, 4, 1), paid=D("15"), paid_on=on)
    assert problems["month"].startswith("预交党费最多预交12个月")


@pytest.mark.parametrize(
    ("change", "field", "words"),
    [
        ({"paid": D("-1")}, "paid", "实交金额不能为负数"),
        ({"paid": D("1.005")}, "paid", "实交金额最多两位小数"),
        ({"paid": None}, "paid", "请填写实交金额"),
        ({"paid": D("100000000")}, "paid", "实交金额过大"),
        ({"due": D("-0.01")}, "due", "应交金额不能为负数"),
        ({"due": D("0.001")}, "due", "应交金额最多两位小数"),
        ({"paid_on": TODAY + dt.timedelta(days=1)}, "paid_on", "交纳日期不能晚于今天"),
        ({"paid_on": None}, "paid_on", "请填写交纳日期"),
        ({"month": None}, "month", "请填写所属月份"),
        ({"method": "alipay"}, "method", "交纳方式应为：现金"),
    ],
)
def test_each_bad_value_is_refused_naming_the_field(
    world: Any, on: dt.date, change: dict[str, Any], field: str, words: str
) -> None:
    member = payer(world)
    make_setting(member, 2026, "15.00")
    data: dict[str, Any] = {"month": d(2026, 2, 1), "paid": D("15.00"), "paid_on": on, "due": None}
    data |= change
    problems = services.payment_problems(member=member, **data)
    assert set(problems) == {field}
    assert words in problems[field]
    with pytest.raises(ValidationError) as info:
        services.payment_record(actor=None, member=member, **data)
    assert words in errors(info)[field][0]
    assert not DuesPayment.objects.exists()
    assert events("dues.duespayment") == 0


def test_a_month_before_the_vote_is_refused_probationary_pay_from_it_c6(world: Any, on: dt.date) -> None:
    member = payer(world, category="probationary", joined_on=d(2026, 1, 20))
    problems = services.payment_problems(member=member, month=d(2025, 12, 1), paid=D("15"), paid_on=on)
    assert set(problems) == {"month"}
    assert problems["month"].startswith("该月份早于入党（支部大会通过）时间2026-01")
    assert problems["month"].endswith("（党费规定 C-6）")
    assert services.payment_problems(member=member, month=d(2026, 1, 1), paid=D("15"), paid_on=on) == {}


def test_only_members_who_pay_dues_can_pay(world: Any, on: dt.date) -> None:
    applicant = make_member(world.branch_a, "申请人", category="applicant", dues_base=D("3000"))
    suspended = payer(world, "停籍")
    member_services.member_update(actor=None, member=suspended, standing="suspended", reason="测试")
    suspended.refresh_from_db()
    gone = payer(world, "不在册")
    Member.objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()
    for member, words in (
        (applicant, "是入党申请人，只有正式党员和预备党员交纳党费"),
        (suspended, "党籍状态为停止党籍，不交纳党费"),
        (gone, "已不在册"),
    ):
        problems = services.payment_problems(member=member, month=d(2026, 2, 1), paid=D("15"), paid_on=on)
        assert words in problems["member"]
        with pytest.raises(ValidationError):
            services.payment_record(actor=None, member=member, month=d(2026, 2, 1), paid=D("15"), paid_on=on)
    assert not DuesPayment.objects.exists()


def test_a_second_payment_of_a_month_updates_the_row_and_identical_data_writes_nothing(
    world: Any, on: dt.date
) -> None:
    """Idempotent: the import run twice changes nothing the second time (SPEC §13)."""
    member = payer(world)
    make_setting(member, 2026, "15.00")
    args = {"actor": None, "member": member, "month": d(2026, 2, 1), "paid": D("10.00"), "paid_on": on}
    first, outcome = services.payment_save(**args)
    assert outcome == services.CREATED
    stamp = first.updated_at
    again, outcome = services.payment_save(**args)
    assert outcome == services.UNCHANGED and again.pk == first.pk
    again.refresh_from_db()
    assert again.updated_at == stamp
    assert events("dues.duespayment") == 1
    corrected, outcome = services.payment_save(**(args | {"paid": D("15.00"), "method": "transfer"}))
    assert outcome == services.UPDATED and corrected.pk == first.pk
    assert DuesPayment.objects.count() == 1
    event = AuditEvent.objects.filter(object_type="dues.duespayment", action=AuditEvent.Action.UPDATE).get()
    assert event.before == {"paid": "10.00", "method": ""}
    assert event.after == {"paid": "15.00", "method": "transfer"}


def test_a_correction_without_due_keeps_the_recorded_due(world: Any, on: dt.date) -> None:
    """Settings change the due of months not yet recorded only."""
    member = payer(world)
    make_setting(member, 2026, "15.00")
    services.payment_record(actor=None, member=member, month=d(2026, 1, 1), paid=D("15"), paid_on=on)
    DuesSetting.objects.filter(member=member).update(amount=D("20.00"))
    payment = services.payment_record(
        actor=None, member=member, month=d(2026, 1, 1), paid=D("15"), paid_on=on, method="cash"
    )
    assert payment.due == D("15.00")
    february = services.payment_record(
        actor=None, member=member, month=d(2026, 2, 1), paid=D("20"), paid_on=on
    )
    assert february.due == D("20.00")


def test_a_large_single_payment_is_noted_for_the_centre_c7(world: Any, on: dt.date) -> None:
    member = payer(world)
    make_setting(member, 2026, "15.00")
    big = services.payment_record(actor=None, member=member, month=d(2026, 1, 1), paid=D("1000"), paid_on=on)
    assert big.note == "大额党费，全部上缴中央（C-7）"
    small = services.payment_record(
        actor=None, member=member, month=d(2026, 2, 1), paid=D("999.99"), paid_on=on
    )
    assert small.note == ""
    own = services.payment_record(
        actor=None, member=member, month=d(2026, 3, 1), paid=D("5000"), paid_on=on, note="自愿多交"
    )
    assert own.note == "自愿多交"


def test_a_payment_stays_with_the_branch_that_collected_it(world: Any, on: dt.date) -> None:
    member = payer(world)
    make_setting(member, 2026, "15.00")
    payment = services.payment_record(actor=None, member=member, month=d(2026, 1, 1), paid=D("5"), paid_on=on)
    member_services.member_update(actor=None, member=member, branch=world.branch_b, group=None, reason="调动")
    member.refresh_from_db()
    corrected = services.payment_record(
        actor=None, member=member, month=d(2026, 1, 1), paid=D("15"), paid_on=on
    )
    assert corrected.pk == payment.pk and corrected.branch_id == world.branch_a.pk
    february = services.payment_record(
        actor=None, member=member, month=d(2026, 2, 1), paid=D("15"), paid_on=on
    )
    assert february.branch_id == world.branch_b.pk


# --- payments_record_month -----------------------------------------------------------------------


def test_collection_records_each_members_full_due(world: Any, on: dt.date) -> None:
    one, two = payer(world, "一"), payer(world, "二", base="6000")
    make_setting(one, 2026, "15.00")
    make_setting(two, 2026, "90.00")
    pay(two, d(2026, 2, 1), paid="50.00")  # short: completed by the collection
    saved = services.payments_record_month(
        actor=world.secretary_a,
        branch=world.branch_a,
        month=d(2026, 2, 1),
        paid_on=on,
        method="cash",
        members=[one, two, one],
    )
    assert [(p.member_id, p.due, p.paid) for p in saved] == [
        (one.pk, D("15.00"), D("15.00")),
        (two.pk, D("90.00"), D("90.00")),
    ]
    assert DuesPayment.objects.count() == 2


def test_collection_is_all_or_nothing_and_names_the_members(world: Any, on: dt.date) -> None:
    fine = payer(world, "甲")
    make_setting(fine, 2026, "15.00")
    no_base = payer(world, "乙", base=None)
    paid = payer(world, "丙")
    make_setting(paid, 2026, "15.00")
    pay(paid, d(2026, 2, 1), paid_on=d(2026, 2, 3))
    with pytest.raises(ValidationError) as info:
        services.payments_record_month(
            actor=None,
            branch=world.branch_a,
            month=d(2026, 2, 1),
            paid_on=on,
            method="cash",
            members=[fine, no_base, paid, world.member_in_b],
        )
    messages = errors(info)["members"]
    assert any(m.startswith("乙：") and "无法计算应交金额" in m and "党费页面" in m for m in messages)
    assert "丙：2026年2月的党费已于2026年2月3日交纳" in messages
    assert f"{world.member_in_b.name}：不是{world.branch_a.name}的党员" in messages
    assert not DuesPayment.objects.filter(member=fine).exists()
    with pytest.raises(ValidationError) as info:
        services.payments_record_month(
            actor=None, branch=world.branch_a, month=d(2026, 2, 1), paid_on=on, method="cash", members=[]
        )
    assert errors(info) == {"members": ["请选择交纳党费的党员"]}
    with pytest.raises(ValidationError) as info:
        services.payments_record_month(
            actor=None, branch=world.branch_a, month=d(2025, 1, 1), paid_on=on, method="cash", members=[fine]
        )
    assert errors(info)["month"][0].startswith("甲：补交党费最多补交6个月")


# --- dues_set_year -------------------------------------------------------------------------------


def test_set_year_creates_january_settings_from_the_registry_c5(world: Any, on: dt.date) -> None:
    employed = payer(world, "在职", base="4444.50")
    retired = payer(world, "退休", base="5000.01", dues_category=DuesCategory.RETIRED)
    student = payer(world, "学生", base=None, dues_category=DuesCategory.STUDENT)
    already = payer(world, "已核定")
    make_setting(already, 2026, "99.00")
    applicant = make_member(world.branch_a, "申请人", category="applicant")
    Member.objects.filter(pk=world.member_in_a.pk).update(dues_base=D("2000"))
    in_b = make_member(world.branch_b, "乙支部", dues_base=D("3000"))
    created = services.dues_set_year(actor=world.secretary_a, branch=world.branch_a, year=2026)
    amounts = {s.member_id: (s.amount, s.rate, s.from_month, s.reason) for s in created}
    assert amounts[employed.pk] == (D("44.45"), D("1.00"), 1, "年初核定")
    assert amounts[retired.pk][:2] == (D("50.00"), D("1"))
    assert amounts[student.pk][:2] == (D("0.20"), None)
    assert amounts[world.member_in_a.pk][0] == D("10.00")
    assert not {already.pk, applicant.pk, in_b.pk} & set(amounts)
    assert DuesSetting.objects.get(member=already).amount == D("99.00")
    assert events("dues.duessetting", AuditEvent.Action.CREATE) == len(created) == 4
    assert services.dues_set_year(actor=None, branch=world.branch_a, year=2026) == []  # nothing left


def test_set_year_is_all_or_nothing_naming_who_cannot_be_computed(world: Any, on: dt.date) -> None:
    payer(world, "李四")
    payer(world, "张三", base=None)
    payer(world, "王五", base=None, dues_category=DuesCategory.RETIRED)
    with pytest.raises(ValidationError) as info:
        services.dues_set_year(actor=None, branch=world.branch_a, year=2026)
    (message,) = errors(info)["__all__"]
    assert "张三：未登记党费基数（月工资收入），无法按比例计算党费" in message
    assert "王五：未登记党费基数" in message
    assert "李四" not in message
    assert not DuesSetting.objects.exists()
    assert events("dues.duessetting") == 0


def test_set_year_uses_the_rules_of_that_year_and_keeps_a_farmers_amount(world: Any, on: dt.date) -> None:
    RuleValue.objects.create(key="dues.employed_rate_2", value="1.2", from_year=2027, reason="测试")
    member = payer(world, "在职", base="4000")
    farmer = payer(world, "农民", base=None, dues_category=DuesCategory.FARMER)
    make_setting(farmer, 2026, "0.80", dues_category=DuesCategory.FARMER)
    Member.objects.filter(pk=world.member_in_a.pk).update(dues_base=D("2000"))
    created = {s.member_id: s for s in services.dues_set_year(actor=None, branch=world.branch_a, year=2027)}
    assert created[member.pk].amount == D("48.00")
    assert created[farmer.pk].amount == D("0.80")


def test_set_year_refuses_a_non_branch_and_a_far_year(world: Any, on: dt.date) -> None:
    with pytest.raises(ValidationError) as info:
        services.dues_set_year(actor=None, branch=world.general_branch, year=2026)
    assert "不是党支部" in errors(info)["branch"][0]
    with pytest.raises(ValidationError) as info:
        services.dues_set_year(actor=None, branch=world.branch_a, year=2028)
    assert errors(info)["year"] == ["年度应在2000至2027年之间"]


# --- dues_setting_change -------------------------------------------------------------------------


def change(member: Member, **kwargs: Any) -> DuesSetting:
    data: dict[str, Any] = {
        "actor": None,
        "member": member,
        "year": 2026,
        "from_month": 1,
        "dues_category": DuesCategory.EMPLOYED,
        "dues_base": D("3000.00"),
        "reason": "",
    }
    return services.dues_setting_change(**(data | kwargs))


def test_a_mid_year_change_without_a_reason_is_refused_c5(world: Any, on: dt.date) -> None:
    member = payer(world)
    change(member)
    with pytest.raises(ValidationError) as info:
        change(member, from_month=7, dues_base=D("6000"))
    assert errors(info)["reason"][0].startswith("从2026年7月起调整党费须说明原因（党费规定 C-5")
    assert DuesSetting.objects.filter(member=member).count() == 1
    member.refresh_from_db()
    assert member.dues_base == D("3000.00")
    setting = change(member, from_month=7, dues_base=D("6000"), reason="岗位调整，工资变化")
    assert (setting.amount, setting.rate, setting.reason) == (D("90.00"), D("1.5"), "岗位调整，工资变化")
    member.refresh_from_db()
    assert member.dues_base == D("6000.00")  # the registry follows: entered once
    event = AuditEvent.objects.filter(object_type="members.member", action=AuditEvent.Action.UPDATE).last()
    assert event is not None and event.after == {"dues_base": "6000.00"}


def test_a_change_carrying_on_from_an_earlier_year_needs_a_reason_too(world: Any, on: dt.date) -> None:
    member = payer(world)
    make_setting(member, 2025, "15.00")
    with pytest.raises(ValidationError) as info:
        change(member, from_month=4)
    assert "reason" in errors(info)


def test_a_first_setting_after_january_needs_no_reason(world: Any, on: dt.date) -> None:
    """A member admitted in May is set from May: not a change."""
    member = payer(world, category="probationary", joined_on=d(2026, 2, 10))
    setting = change(member, from_month=2)
    assert setting.reason == "核定" and setting.amount == D("15.00")


@pytest.mark.parametrize("month", [0, 13])
def test_from_month_is_1_to_12(world: Any, on: dt.date, month: int) -> None:
    with pytest.raises(ValidationError) as info:
        change(payer(world), from_month=month, reason="测试")
    assert errors(info)["from_month"] == ["起始月份应为1至12月"]
    assert not DuesSetting.objects.exists()


@pytest.mark.parametrize(
    ("kwargs", "field", "words"),
    [
        ({"dues_base": None}, "dues_base", "未登记党费基数"),
        ({"dues_base": D("1.234")}, "dues_base", "党费基数最多两位小数"),
        ({"dues_base": D("-5")}, "dues_base", "党费基数不能为负数"),
        ({"dues_category": "pensioner"}, "dues_category", "党费类别应为"),
        (
            {"dues_category": DuesCategory.FARMER, "farmer_amount": D("1.50")},
            "farmer_amount",
            "农民党员每月交纳0.20至1.00元（规则 C-4），1.50元不在此范围",
        ),
        ({"year": 1999}, "year", "年度应在2000至2027年之间"),
    ],
)
def test_a_setting_that_cannot_be_computed_is_refused(
    world: Any, on: dt.date, kwargs: dict[str, Any], field: str, words: str
) -> None:
    member = payer(world)
    with pytest.raises(ValidationError) as info:
        change(member, **kwargs)
    assert words in errors(info)[field][0]
    assert not DuesSetting.objects.exists()
    member.refresh_from_db()
    assert member.dues_base == D("3000.00")


def test_a_change_replaces_the_setting_of_the_same_month_audited(world: Any, on: dt.date) -> None:
    member = payer(world)
    first = change(member)
    again = change(member)  # identical: nothing written
    assert again.pk == first.pk
    assert events("dues.duessetting") == 1
    replaced = change(member, dues_base=D("3000.01"))
    assert replaced.pk == first.pk and replaced.amount == D("30.00")
    assert DuesSetting.objects.count() == 1
    event = AuditEvent.objects.get(object_type="dues.duessetting", action=AuditEvent.Action.UPDATE)
    assert event.before == {"dues_base": "3000.00", "rate": "0.50", "amount": "15.00"}
    assert event.after == {"dues_base": "3000.01", "rate": "1.00", "amount": "30.00"}


def test_farmer_and_fixed_categories(world: Any, on: dt.date) -> None:
    member = payer(world)
    farmer = change(member, dues_category=DuesCategory.FARMER, dues_base=None, farmer_amount=D("0.6"))
    assert (farmer.amount, farmer.rate) == (D("0.60"), None)
    member.refresh_from_db()
    assert (member.dues_category, member.dues_base) == (DuesCategory.FARMER, None)


def test_correcting_an_earlier_setting_leaves_the_registry_alone(world: Any, on: dt.date) -> None:
    member = payer(world)
    change(member)
    change(member, from_month=3, dues_base=D("8000"), reason="调资")
    change(member, from_month=1, dues_base=D("2500"))
    member.refresh_from_db()
    assert member.dues_base == D("8000.00")  # the latest setting's base
    assert selectors.amount_for_month(member, d(2026, 2, 1)) == D("12.50")


def test_a_change_does_not_touch_recorded_payments(world: Any, on: dt.date) -> None:
    member = payer(world)
    change(member)
    pay(member, d(2026, 1, 1))
    change(member, dues_base=D("4000"))
    assert DuesPayment.objects.get(member=member).due == D("15.00")
    assert selectors.amount_for_month(member, d(2026, 2, 1)) == D("40.00")


def test_a_member_who_pays_no_dues_gets_no_setting(world: Any, on: dt.date) -> None:
    applicant = make_member(world.branch_a, "申请人", category="applicant")
    with pytest.raises(ValidationError) as info:
        change(applicant)
    assert "只有正式党员和预备党员交纳党费" in errors(info)["member"][0]


# --- publication_publish -------------------------------------------------------------------------


def test_publication_publishes_a_notice_with_the_totals_once_a_year_c7(world: Any, on: dt.date) -> None:
    one = payer(world, "一号")
    make_setting(one, 2025, "15.00")
    for month in range(1, 13):
        pay(one, d(2025, month, 1))
    two = payer(world, "二号")
    make_setting(two, 2025, "30.00", from_month=7)
    pay(two, d(2025, 7, 1))
    publication = services.publication_publish(
        actor=world.secretary_a, branch=world.branch_a, year=2025, start_on=on, end_on=d(2026, 3, 22)
    )
    assert (publication.members, publication.due_total, publication.paid_total) == (
        2,
        D("360.00"),
        D("210.00"),
    )
    notice = publication.notice
    assert notice.subject == Notice.Subject.DUES
    assert notice.organisation_id == world.branch_a.pk
    assert notice.title == "第一党支部2025年党费收缴情况公示"
    for words in (
        "应交人数：2人",
        "应交合计：360.00元",
        "实交合计：210.00元",
        "收缴率：58.33%",
        "欠缴人数：1人",
        "7月：应交45.00元，实交45.00元",
        "8月：应交45.00元，实交15.00元",
    ):
        assert words in notice.content
    assert "一号" not in notice.content and "二号" not in notice.content  # P-2: no names
    assert events("dues.duespublication", AuditEvent.Action.CREATE) == 1
    assert events("meetings.notice", AuditEvent.Action.CREATE) == 1
    with pytest.raises(ValidationError) as info:
        services.publication_publish(
            actor=None, branch=world.branch_a, year=2025, start_on=on, end_on=d(2026, 3, 22)
        )
    assert "每年公示一次（党费规定 C-7）" in errors(info)["year"][0]
    assert Notice.objects.count() == 1 and DuesPublication.objects.count() == 1


@pytest.mark.parametrize(
    ("year", "start", "end", "field", "words"),
    [
        (2025, d(2026, 3, 20), d(2026, 3, 10), "end_on", "公示结束日期不能早于公示开始日期"),
        (2027, d(2026, 3, 10), d(2026, 3, 20), "year", "2027年尚未开始"),
        (2024, d(2026, 3, 10), d(2026, 3, 20), "year", "没有党费核定和交纳记录"),
    ],
)
def test_publication_refusals_write_nothing(
    world: Any, on: dt.date, year: int, start: dt.date, end: dt.date, field: str, words: str
) -> None:
    make_setting(payer(world), 2025, "15.00")
    with pytest.raises(ValidationError) as info:
        services.publication_publish(actor=None, branch=world.branch_a, year=year, start_on=start, end_on=end)
    assert words in errors(info)[field][0]
    assert not Notice.objects.exists() and not DuesPublication.objects.exists()
