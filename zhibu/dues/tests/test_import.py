"""import_dues (SPEC §13, DUES-2): all or nothing, `第N行 [列名] 说明`, idempotent, 应交金额 computed
(RULES C-2 … C-4) when empty, every rule of a ledger entry through `payment_problems` (C-6)."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.management import CommandError, call_command
from django.core.management import base as management_base
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from zhibu.audit.models import AuditEvent
from zhibu.dues import exchange, services
from zhibu.dues.exchange import import_dues
from zhibu.dues.management.commands.import_dues import Command as ImportDuesCommand
from zhibu.dues.models import DuesPayment, DuesSetting
from zhibu.dues.rules import compute_amount
from zhibu.lib.dates import add_months, today
from zhibu.lib.rules import rules_for
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_id_number, make_member

D = dt.date
SPEC_HEADERS = ["公民身份号码", "月份", "应交金额", "实交金额", "交纳日期"]
REQUIRED = ["公民身份号码", "月份", "实交金额", "交纳日期"]


def month_ago(months: int = 1) -> dt.date:
    """The 1st of the month `months` before today's."""
    return add_months(today().replace(day=1), -months)


def ledger(rows: list[dict[str, Any]], *, headers: list[str] | None = None) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "党费台账"
    headers = headers or SPEC_HEADERS
    sheet.append(headers)
    for row in rows:
        sheet.append([row.get(h.strip().rstrip("*")) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def entry(member: Any, **cells: Any) -> dict[str, Any]:
    """One good row: last month's dues, paid today, 应交金额 left to be computed."""
    row = {
        "公民身份号码": member.id_number,
        "月份": f"{month_ago():%Y-%m}",
        "应交金额": None,
        "实交金额": "15.00",
        "交纳日期": f"{today():%Y-%m-%d}",
    }
    return row | cells


def payer(branch: Any, name: str, base: str = "3000.00", **extra: Any) -> Member:
    return make_member(branch, name, dues_base=Decimal(base), **extra)


def state() -> tuple[int, int, int]:
    return DuesPayment.objects.count(), DuesSetting.objects.count(), AuditEvent.objects.count()


def lines(result: Any) -> list[str]:
    return [str(p) for p in result.problems]


def refused(rows: list[dict[str, Any]], **kwargs: Any) -> list[str]:
    before = state()
    result = import_dues(ledger(rows), actor=None, **kwargs)
    assert not result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert state() == before
    return lines(result)


def test_the_columns_are_the_contract() -> None:
    assert exchange.HEADERS == SPEC_HEADERS
    assert [c.name for c in exchange.COLUMNS if c.required] == REQUIRED


# --- a good ledger --------------------------------------------------------------------------------


def test_it_records_payments_with_the_due_computed_from_category_and_base(world: Any) -> None:
    """DUES-1, C-3a: 3000.00 pays 0.5% → 15.00, 3000.01 pays 1% → 30.00; a given 应交金额 is kept."""
    low, high = payer(world.branch_a, "低档"), payer(world.branch_a, "高档", "3000.01")
    given_due = payer(world.branch_b, "填写", "8000.00")
    month = month_ago()
    rows = [
        entry(low),
        entry(high, 实交金额="30.00"),
        entry(given_due, 应交金额="100.00", 实交金额=100, 交纳日期=dt.datetime.combine(today(), dt.time())),
    ]
    result = import_dues(ledger(rows), actor=world.officer, file_name="党费.xlsx")
    assert lines(result) == []
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    rules = rules_for(month.year)
    paid = {p.member.name: p for p in DuesPayment.objects.select_related("member", "branch")}
    assert (
        paid["低档"].due == compute_amount("employed", Decimal("3000.00"), rules).amount == Decimal("15.00")
    )
    assert (
        paid["高档"].due == compute_amount("employed", Decimal("3000.01"), rules).amount == Decimal("30.00")
    )
    assert (paid["填写"].due, paid["填写"].paid, paid["填写"].branch) == (
        Decimal("100.00"),
        Decimal("100.00"),
        world.branch_b,
    )
    for payment in paid.values():
        assert (payment.month, payment.paid_on, payment.method) == (month, today(), "")
    summary = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert summary.actor == world.officer
    assert "党费.xlsx" in summary.note and "新增 3 条" in summary.note
    assert summary.after == {"file": "党费.xlsx", "created": 3, "updated": 0, "unchanged": 0}


def test_the_due_comes_from_the_members_setting_for_the_month_when_there_is_one(world: Any) -> None:
    """A DuesSetting covering the month wins over the registry's base (C-5: set at the year's start)."""
    member = payer(world.branch_a, "已核定", "3000.00")
    month = month_ago()
    DuesSetting.objects.create(
        member=member,
        year=month.year,
        from_month=1,
        dues_category="employed",
        dues_base=Decimal("8000.00"),
        rate=Decimal("1.5"),
        amount=Decimal("120.00"),
    )
    result = import_dues(ledger([entry(member, 实交金额="120.00")]), actor=None)
    assert lines(result) == [] and result.created == 1
    assert DuesPayment.objects.get().due == Decimal("120.00")


def test_the_import_never_creates_settings(world: Any) -> None:
    """The lead's decision: a payment needs no setting; the member stays 未核定 until 年初核定."""
    member = payer(world.branch_a, "未核定")
    result = import_dues(ledger([entry(member)]), actor=None)
    assert result.created == 1
    assert DuesSetting.objects.count() == 0
    assert DuesPayment.objects.get().member == member


def test_a_second_import_of_the_same_file_changes_nothing(world: Any) -> None:
    first, second = payer(world.branch_a, "一"), payer(world.branch_b, "二")
    content = ledger(
        [entry(first), entry(first, 月份=f"{month_ago(2):%Y-%m}"), entry(second, 应交金额="15.00")]
    )
    assert import_dues(content, actor=None).created == 3
    before = state()
    stored = list(DuesPayment.objects.values_list("pk", "updated_at"))
    again = import_dues(content, actor=None)
    assert lines(again) == []
    assert (again.created, again.updated, again.unchanged) == (0, 0, 3)
    assert state() == before
    assert list(DuesPayment.objects.values_list("pk", "updated_at")) == stored


def test_a_changed_row_corrects_the_record_and_keeps_its_method_and_note(world: Any) -> None:
    member = payer(world.branch_a, "更正")
    month = month_ago()
    DuesPayment.objects.create(
        member=member,
        branch=world.branch_a,
        month=month,
        due=Decimal("15.00"),
        paid=Decimal("10.00"),
        paid_on=today(),
        method="cash",
        note="委托代交",
    )
    other = payer(world.branch_a, "新")
    result = import_dues(ledger([entry(member), entry(other)]), actor=None)
    assert lines(result) == []
    assert (result.created, result.updated, result.unchanged) == (1, 1, 0)
    payment = DuesPayment.objects.get(member=member)
    assert (payment.paid, payment.due, payment.method, payment.note) == (
        Decimal("15.00"),
        Decimal("15.00"),
        "cash",
        "委托代交",
    )


def test_an_empty_due_keeps_the_due_a_recorded_month_was_recorded_with(world: Any) -> None:
    """Settings change the due of months not yet recorded only: the registry base changed since."""
    member = payer(world.branch_a, "基数已变", "8000.00")
    DuesPayment.objects.create(
        member=member,
        branch=world.branch_a,
        month=month_ago(),
        due=Decimal("15.00"),
        paid=Decimal("15.00"),
        paid_on=today(),
    )
    before = state()
    result = import_dues(ledger([entry(member)]), actor=None)
    assert lines(result) == [] and (result.created, result.updated, result.unchanged) == (0, 0, 1)
    assert state() == before
    assert DuesPayment.objects.get().due == Decimal("15.00")


def test_a_dry_run_validates_and_counts_but_writes_nothing(world: Any) -> None:
    member = payer(world.branch_a, "试")
    before = state()
    result = import_dues(ledger([entry(member), entry(member, 月份=f"{month_ago(2):%Y-%m}")]), dry_run=True)
    assert result.ok and result.dry_run
    assert (result.created, result.updated, result.unchanged) == (2, 0, 0)
    assert state() == before
    assert not result.written


def test_month_text_and_an_excel_date_cell_are_both_accepted(world: Any) -> None:
    """Excel turns a typed 2026-03 into a date: its year and month are taken."""
    member = payer(world.branch_a, "月份")
    two, three, four = month_ago(2), month_ago(3), month_ago(4)
    rows = [
        entry(member, 月份=f"{month_ago():%Y-%m}"),
        entry(member, 月份=dt.datetime.combine(two, dt.time())),
        entry(member, 月份=three.replace(day=17)),
        entry(member, 月份=f"{four.year}-{four.month}"),
    ]
    result = import_dues(ledger(rows), actor=None)
    assert lines(result) == [] and result.created == 4
    assert sorted(DuesPayment.objects.values_list("month", flat=True)) == [four, three, two, month_ago()]


# --- every bad row gives exactly its line and nothing is written ------------------------------------


def test_required_cells_must_be_present(world: Any) -> None:
    member = payer(world.branch_a, "必填")
    rows = [
        entry(member, 公民身份号码=" "),
        entry(member, 月份=None),
        entry(member, 实交金额=None, 交纳日期=""),
    ]
    assert refused(rows) == [
        "第2行 [公民身份号码] 必填项不能为空",
        "第3行 [月份] 必填项不能为空",
        "第4行 [实交金额] 必填项不能为空",
        "第4行 [交纳日期] 必填项不能为空",
    ]


@pytest.mark.parametrize("value", ["2026/03", "2026-13", "202603", 202603, "2026年3月", "2026-03-01", "三月"])
def test_a_month_that_is_not_yyyy_mm_is_refused(world: Any, value: Any) -> None:
    member = payer(world.branch_a, "月份错")
    assert refused([entry(member), entry(member, 月份=value)]) == [
        "第3行 [月份] 月份应为YYYY-MM格式，如2026-03"
    ]


def test_an_unknown_column_is_named(world: Any) -> None:
    member = payer(world.branch_a, "多列")
    headers = [*SPEC_HEADERS, "交纳方式"]
    before = state()
    result = import_dues(ledger([entry(member) | {"交纳方式": "现金"}], headers=headers), actor=None)
    assert lines(result) == [f"第1行 [交纳方式] 未知的列“交纳方式”，允许的列：{'、'.join(SPEC_HEADERS)}"]
    assert state() == before


@pytest.mark.parametrize("missing", REQUIRED)
def test_a_missing_required_header_is_named(world: Any, missing: str) -> None:
    member = payer(world.branch_a, "缺列")
    headers = [h for h in SPEC_HEADERS if h != missing]
    before = state()
    result = import_dues(ledger([entry(member)], headers=headers), actor=None)
    assert lines(result) == [f"第1行 [{missing}] 缺少必填列"]
    assert state() == before


def test_the_optional_due_column_may_be_left_out(world: Any) -> None:
    member = payer(world.branch_a, "无应交列")
    headers = [h for h in SPEC_HEADERS if h != "应交金额"]
    result = import_dues(ledger([entry(member)], headers=headers), actor=None)
    assert lines(result) == [] and DuesPayment.objects.get().due == Decimal("15.00")


def test_a_person_and_month_twice_in_one_file_names_the_first_row(world: Any) -> None:
    member, other = payer(world.branch_a, "重复"), payer(world.branch_a, "另一人")
    same_month_as_date = dt.datetime.combine(month_ago(), dt.time())
    rows = [entry(member), entry(other), entry(member, 月份=same_month_as_date, 实交金额="5.00")]
    assert refused(rows) == [
        f"第4行 [公民身份号码] 与第2行重复：同一人同一月份（{month_ago():%Y-%m}）在一个文件中只能出现一次"
    ]


def test_a_payment_date_in_the_future_or_unreal_is_refused(world: Any) -> None:
    member = payer(world.branch_a, "将来")
    tomorrow = today() + dt.timedelta(days=1)
    rows = [
        entry(member, 交纳日期=tomorrow),
        entry(member, 月份=f"{month_ago(2):%Y-%m}", 交纳日期="2025-02-29"),
    ]
    assert refused(rows) == [
        f"第2行 [交纳日期] 日期 {tomorrow:%Y-%m-%d} 晚于今天（{today():%Y-%m-%d}），日期不能是将来",
        "第3行 [交纳日期] “2025-02-29”不是真实的日期",
    ]


def test_amounts_have_at_most_two_decimals_and_are_not_negative(world: Any) -> None:
    member = payer(world.branch_a, "金额")
    rows = [
        entry(member, 实交金额="15.001"),
        entry(member, 月份=f"{month_ago(2):%Y-%m}", 实交金额=-1),
        entry(member, 月份=f"{month_ago(3):%Y-%m}", 应交金额="15.005"),
        entry(member, 月份=f"{month_ago(4):%Y-%m}", 应交金额="-15"),
        entry(member, 月份=f"{month_ago(5):%Y-%m}", 实交金额="十五元"),
    ]
    assert refused(rows) == [
        "第2行 [实交金额] 最多两位小数（实为 15.001）",
        "第3行 [实交金额] 不能为负数（实为 -1）",
        "第4行 [应交金额] 最多两位小数（实为 15.005）",
        "第5行 [应交金额] 不能为负数（实为 -15）",
        "第6行 [实交金额] 应为数字，实为“十五元”",
    ]


def test_the_id_number_must_be_valid_and_registered(world: Any) -> None:
    member = payer(world.branch_a, "号码")
    good = member.id_number
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    stranger = make_id_number()
    found = refused([entry(member, 公民身份号码=wrong_check), entry(member, 公民身份号码="1101"),
                     entry(member, 公民身份号码=stranger)])  # fmt: skip
    assert found[0].startswith("第2行 [公民身份号码] 公民身份号码校验码错误（第18位应为")
    assert found[1:] == [
        "第3行 [公民身份号码] 公民身份号码应为18位，实为4位",
        f"第4行 [公民身份号码] 系统中没有公民身份号码为{stranger}的人员",
    ]


def test_an_id_number_typed_as_a_number_is_refused_with_the_reason(world: Any) -> None:
    # A float keeps ~16 significant digits: take a registered number that a float cannot hold exactly
    # (a number it happens to hold exactly is simply that number).
    for attempt in range(50):
        member = payer(world.branch_a, f"数字号码{attempt}")
        digits = member.id_number
        if digits[-1] != "X" and int(float(digits)) != int(digits):
            break
    found = refused([entry(member, 公民身份号码=float(digits))])
    assert len(found) == 1 and found[0].startswith("第2行 [公民身份号码] ")
    assert "文本格式" in found[0]


def test_a_lower_case_x_is_the_check_character(world: Any) -> None:
    member = payer(world.branch_a, "小写")
    candidates = (make_id_number() for _ in range(200))
    number = next(
        n for n in candidates if n.endswith("X") and not Member.objects.filter(id_number=n).exists()
    )
    Member.objects.filter(pk=member.pk).update(id_number=number)
    result = import_dues(ledger([entry(member, 公民身份号码=number.lower())]), actor=None)
    assert lines(result) == [] and DuesPayment.objects.get().member == member


@pytest.mark.parametrize(
    ("category", "label"),
    [("applicant", "入党申请人"), ("activist", "入党积极分子"), ("candidate", "发展对象")],
)
def test_someone_who_is_not_a_party_member_pays_no_dues(world: Any, category: str, label: str) -> None:
    person = make_member(world.branch_a, "戊", category=category)
    assert refused([entry(person)]) == [f"第2行 [公民身份号码] 戊是{label}，只有正式党员和预备党员交纳党费"]


def test_a_suspended_or_unregistered_member_pays_no_dues(world: Any) -> None:
    suspended, gone = payer(world.branch_a, "丙"), payer(world.branch_a, "丁")
    Member.objects.filter(pk=suspended.pk).update(standing="suspended")
    Member.objects.filter(pk=gone.pk).update(is_active=False)
    assert refused([entry(suspended), entry(gone)]) == [
        "第2行 [公民身份号码] 丙党籍状态为停止党籍，不交纳党费",
        "第3行 [公民身份号码] 丁已不在册，不交纳党费",
    ]


def test_a_probationary_member_pays_dues(world: Any) -> None:
    probationary = payer(world.branch_a, "预备", category="probationary", joined_on=D(2025, 7, 1))
    result = import_dues(ledger([entry(probationary)]), actor=None)
    assert lines(result) == [] and result.created == 1


def test_a_due_that_cannot_be_computed_must_be_filled_in(world: Any) -> None:
    """world.member_in_a is 在职 without a 党费基数 and has no setting."""
    found = refused([entry(world.member_in_a)])
    assert len(found) == 1
    assert found[0].startswith("第2行 [应交金额] ")
    assert found[0].endswith("请填写应交金额")
    assert "未登记党费基数" in found[0]
    result = import_dues(ledger([entry(world.member_in_a, 应交金额="25.00")]), actor=None)
    assert lines(result) == [] and DuesPayment.objects.get().due == Decimal("25.00")


def test_fixed_amount_categories_are_computed_without_a_base(world: Any) -> None:
    """C-4: students and members without fixed income pay 0.20 a month."""
    student = make_member(world.branch_a, "学生", dues_category="student")
    result = import_dues(ledger([entry(student, 实交金额="0.20")]), actor=None)
    assert lines(result) == []
    assert DuesPayment.objects.get().due == Decimal("0.20")


def test_a_ledger_records_late_and_early_payments_as_they_were_made(world: Any) -> None:
    """C-6 limits new payments (page, API); a ledger records history: a month paid 7 or 11 months
    late, or 13 months ahead, is imported with its date (SPEC §8 item 18 reads those dates)."""
    member = payer(world.branch_a, "补交")
    seven, eleven = month_ago(7), month_ago(11)
    ahead = add_months(today().replace(day=1), 13)
    result = import_dues(
        ledger(
            [
                entry(member, 月份=f"{seven:%Y-%m}"),
                entry(member, 月份=f"{eleven:%Y-%m}"),
                entry(member, 月份=f"{ahead:%Y-%m}"),
            ]
        ),
        actor=None,
    )
    assert lines(result) == [] and result.created == 3
    assert sorted(DuesPayment.objects.values_list("month", flat=True)) == sorted([seven, eleven, ahead])
    with pytest.raises(ValidationError) as info:
        services.payment_record(
            actor=None, member=member, month=month_ago(8), paid=Decimal("15.00"), paid_on=today()
        )
    assert "补交党费最多补交6个月（党费规定 C-6）" in str(info.value)


def test_a_month_before_the_branch_vote_is_refused(world: Any) -> None:
    """C-6: probationary members pay from the month of the 支部大会 vote."""
    voted = month_ago(2).replace(day=15)
    member = payer(world.branch_a, "新预备", category="probationary", joined_on=voted)
    found = refused([entry(member, 月份=f"{month_ago(3):%Y-%m}")])
    assert found == [
        f"第2行 [月份] 该月份早于入党（支部大会通过）时间{voted:%Y-%m}，"
        "预备党员从支部大会通过之月起交纳党费（党费规定 C-6）"
    ]
    result = import_dues(ledger([entry(member, 月份=f"{month_ago(2):%Y-%m}")]), actor=None)
    assert lines(result) == [] and result.created == 1


def test_problems_of_every_row_are_reported_together_in_sheet_order(world: Any) -> None:
    member = payer(world.branch_a, "多行")
    rows = [
        entry(member, 交纳日期="2026/01/05", 实交金额="1.234"),
        entry(member, 月份="03-2026"),
        entry(member, 公民身份号码=make_id_number()),
    ]
    found = refused(rows)
    assert [line.split(" ", 2)[:2] for line in found] == [
        ["第2行", "[实交金额]"],
        ["第2行", "[交纳日期]"],
        ["第3行", "[月份]"],
        ["第4行", "[公民身份号码]"],
    ]


def test_a_file_that_is_not_xlsx_is_one_problem(world: Any) -> None:
    assert lines(import_dues(b"not a workbook")) == [
        "第1行 [文件] 不是有效的 .xlsx 文件，无法读取"
        "（旧版 .xls、.csv 等请在 Excel 中另存为“Excel 工作簿 (*.xlsx)”）"
    ]


def test_scope_roots_refuse_people_outside_them(world: Any) -> None:
    in_a, in_b = payer(world.branch_a, "甲支部"), payer(world.branch_b, "乙支部")
    assert refused([entry(in_a), entry(in_b)], roots=[world.branch_a.path]) == [
        "第3行 [公民身份号码] 该人员不在您的管理范围内"
    ]
    result = import_dues(ledger([entry(in_a)]), actor=world.secretary_a, scope_user=world.secretary_a)
    assert result.created == 1


# --- one bad row anywhere: nothing written, exactly its line (hypothesis) ----------------------------

BADNESS = {
    "unknown_person": "公民身份号码",
    "check_digit": "公民身份号码",
    "applicant": "公民身份号码",
    "duplicate": "公民身份号码",
    "month_format": "月份",
    "blank_month": "月份",
    "due_three_decimals": "应交金额",
    "negative_paid": "实交金额",
    "paid_three_decimals": "实交金额",
    "future_date": "交纳日期",
    "unreal_date": "交纳日期",
    "text_date": "交纳日期",
}


def pool(world: Any) -> tuple[list[Member], Member]:
    """Made once per test (hypothesis runs its examples within one test's transaction)."""
    if "_dues_pool" not in world.__dict__:
        members = [payer(world.branch_a if i % 2 else world.branch_b, f"成员{i}") for i in range(6)]
        world.__dict__["_dues_pool"] = (members, make_member(world.branch_a, "申请人", category="applicant"))
    return world.__dict__["_dues_pool"]


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.integers(min_value=1, max_value=5),
    position=st.integers(min_value=0, max_value=5),
    badness=st.sampled_from(sorted(BADNESS)),
    month_back=st.integers(min_value=1, max_value=6),
)
def test_one_bad_row_anywhere_writes_nothing_and_is_named(
    world: Any, size: int, position: int, badness: str, month_back: int
) -> None:
    members, applicant = pool(world)
    position = min(position, size)
    rows = [entry(members[i], 月份=f"{month_ago(month_back):%Y-%m}") for i in range(size)]
    bad = entry(members[5], 月份=f"{month_ago(month_back):%Y-%m}")
    expected_row = position + 2
    if badness == "unknown_person":
        bad["公民身份号码"] = make_id_number()
    elif badness == "check_digit":
        value = members[5].id_number
        bad["公民身份号码"] = value[:17] + ("1" if value[17] != "1" else "2")
    elif badness == "applicant":
        bad["公民身份号码"] = applicant.id_number
    elif badness == "duplicate":
        twin = rows[position - 1] if position else rows[0]
        bad = dict(twin) | {"实交金额": "1.00"}
        if not position:  # nothing before it: the row after it is then the repeated one
            expected_row = position + 3
    elif badness == "month_format":
        bad["月份"] = f"{month_ago(month_back):%Y%m}"
    elif badness == "blank_month":
        bad["月份"] = None
    elif badness == "due_three_decimals":
        bad["应交金额"] = "15.125"
    elif badness == "negative_paid":
        bad["实交金额"] = "-0.01"
    elif badness == "paid_three_decimals":
        bad["实交金额"] = 15.001
    elif badness == "future_date":
        bad["交纳日期"] = today() + dt.timedelta(days=3)
    elif badness == "unreal_date":
        bad["交纳日期"] = "2026-02-30"
    elif badness == "text_date":
        bad["交纳日期"] = "昨天"
    rows.insert(position, bad)
    before = state()
    result = import_dues(ledger(rows), actor=None)
    assert state() == before
    assert [(p.row, p.column) for p in result.problems] == [(expected_row, BADNESS[badness])]


# --- the command --------------------------------------------------------------------------------------


def test_the_command_refuses_a_bad_file_with_one_line_per_problem(
    world: Any, tmp_path: Any, capsys: Any
) -> None:
    member = payer(world.branch_a, "命令")
    path = tmp_path / "党费.xlsx"
    path.write_bytes(ledger([entry(member, 实交金额="-5"), entry(member, 月份="2026.03")]))
    before = state()
    with pytest.raises(CommandError) as caught:
        call_command("import_dues", str(path))
    assert "共 2 个问题" in str(caught.value)
    assert capsys.readouterr().err.splitlines() == [
        "第2行 [实交金额] 不能为负数（实为 -5）",
        "第3行 [月份] 月份应为YYYY-MM格式，如2026-03",
    ]
    assert state() == before


def test_the_command_exits_non_zero_from_the_shell(
    world: Any, tmp_path: Any, capsys: Any, monkeypatch: Any
) -> None:
    """`manage.py import_dues` run as a script: the CommandError becomes exit status 1."""
    member = payer(world.branch_a, "退出码")
    path = tmp_path / "党费.xlsx"
    path.write_bytes(ledger([entry(member, 交纳日期="2099-01-01")]))
    # run_from_argv closes the connections at the end, which would end the test's transaction
    monkeypatch.setattr(management_base.connections, "close_all", lambda: None)
    with pytest.raises(SystemExit) as exited:
        ImportDuesCommand().run_from_argv(["manage.py", "import_dues", str(path)])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert f"第2行 [交纳日期] 日期 2099-01-01 晚于今天（{today():%Y-%m-%d}），日期不能是将来" in err
    assert "导入未执行" in err
    assert DuesPayment.objects.count() == 0


def test_the_command_dry_runs_and_imports(world: Any, tmp_path: Any, capsys: Any) -> None:
    member = payer(world.branch_a, "命令导入")
    path = tmp_path / "党费.xlsx"
    path.write_bytes(ledger([entry(member)]))
    call_command("import_dues", str(path), "--dry-run")
    assert "仅校验" in capsys.readouterr().out
    assert DuesPayment.objects.count() == 0
    call_command("import_dues", str(path))
    assert "新增 1 条，更新 0 条，未变 0 条" in capsys.readouterr().out
    assert DuesPayment.objects.get().actor is None
    call_command("import_dues", str(path))
    assert "新增 0 条，更新 0 条，未变 1 条" in capsys.readouterr().out
    assert DuesPayment.objects.count() == 1


def test_the_command_refuses_a_missing_file(tmp_path: Any) -> None:
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_dues", str(tmp_path / "无.xlsx"))
