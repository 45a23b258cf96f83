"""党建经费 services and selectors (SPEC DUES-3): the budget and expense rules at their
boundaries, receipts required and checked, the audit trail, the summaries and the auditor's flags."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.dues import funds
from zhibu.dues.models import FundBudget, FundExpense, FundReceipt
from zhibu.lib.dates import today
from zhibu.orgs.models import Organisation

# A past year: every date in it is before today, whatever day the tests run.
PAST = today().year - 1


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def pdf(name: str = "发票.pdf", content: bytes = b"%PDF-1.4 invoice") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def budget(
    org: Organisation, amount: str = "1000.00", *, line: str = "education", year: int = PAST
) -> FundBudget:
    return funds.budget_set(actor=None, organisation=org, year=year, line=line, amount=D(amount))


def spend(b: FundBudget, amount: str, *, on: dt.date | None = None, **changes: Any) -> FundExpense:
    data: dict[str, Any] = {
        "actor": None,
        "budget": b,
        "spent_on": on or dt.date(b.year, 6, 1),
        "amount": D(amount),
        "purpose": "七一主题党日活动用品",
        "payee": "某某文化用品公司",
        "voucher_number": "记-0601",
        "approver": "张书记",
        "receipts": [pdf(content=f"invoice {amount} {on}".encode())],
    }
    return funds.expense_record(**(data | changes))


def refused(call: Any, field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    messages = caught.value.message_dict
    assert field in messages, messages
    return "；".join(messages[field])


# ---------------------------------------------------------------------------------------------
# Budget lines


def test_it_creates_a_budget_line_and_audits_it(world: World) -> None:
    """DUES-3: a budget line per organisation, year and line, audited with its values."""
    b = funds.budget_set(
        actor=world.secretary_a,
        organisation=world.branch_a,
        year=PAST,
        line="education",
        amount=D("2000.5"),
        note="  党员教育培训  ",
    )
    assert (b.amount, b.note, b.actor) == (D("2000.50"), "党员教育培训", world.secretary_a)
    event = AuditEvent.objects.get(object_type="dues.fundbudget", object_id=str(b.pk))
    assert event.action == AuditEvent.Action.CREATE
    assert event.organisation == world.branch_a
    assert event.after["amount"] == "2000.50"


def test_it_changes_a_line_with_before_and_after(world: World) -> None:
    b = budget(world.branch_a, "1000.00")
    again = funds.budget_set(
        actor=world.secretary_a, organisation=world.branch_a, year=PAST, line="education", amount=D("1500")
    )
    assert again.pk == b.pk and FundBudget.objects.count() == 1
    b.refresh_from_db()
    assert b.amount == D("1500.00")
    event = AuditEvent.objects.filter(object_type="dues.fundbudget", action=AuditEvent.Action.UPDATE).get()
    assert event.before == {"amount": "1000.00"} and event.after == {"amount": "1500.00"}


def test_setting_the_same_values_writes_no_event(world: World) -> None:
    budget(world.branch_a, "1000.00")
    before = AuditEvent.objects.count()
    budget(world.branch_a, "1000")
    assert AuditEvent.objects.count() == before


def test_a_line_is_not_lowered_below_what_is_spent(world: World) -> None:
    """DUES-3: lowering below the spent amount is refused, naming it; down to it exactly is fine."""
    b = budget(world.branch_a, "1000.00")
    spend(b, "600.00")
    spend(b, "200.50", on=dt.date(PAST, 7, 1))
    message = refused(lambda: budget(world.branch_a, "800.49"), "amount")
    assert "预算金额不能低于该科目已支出的800.50元" in message
    b.refresh_from_db()
    assert b.amount == D("1000.00")
    assert budget(world.branch_a, "800.50").amount == D("800.50")


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount": D("-1")}, "amount", "预算金额不能为负数"),
        ({"amount": D("10.005")}, "amount", "预算金额最多两位小数"),
        ({"amount": D("10000000000")}, "amount", "预算金额不能超过"),
        ({"amount": None}, "amount", "请填写预算金额"),
        ({"line": "party"}, "line", "预算科目应为：党员教育培训"),
        ({"year": 1999}, "year", "预算年度应在2000年至"),
        ({"year": today().year + 2}, "year", "预算年度应在2000年至"),
        ({"note": "长" * 301}, "note", "说明不能超过300个字"),
    ],
)
def test_it_refuses_a_bad_budget_line(
    world: World, changes: dict[str, Any], field: str, message: str
) -> None:
    data = {
        "actor": None,
        "organisation": world.branch_a,
        "year": PAST,
        "line": "education",
        "amount": D("100"),
        "note": "",
    } | changes
    assert message in refused(lambda: funds.budget_set(**data), field)
    assert not FundBudget.objects.exists()


def test_a_zero_budget_and_next_year_are_accepted(world: World) -> None:
    assert budget(world.branch_a, "0", year=today().year + 1).amount == D("0.00")


def test_a_group_and_a_dissolved_organisation_keep_no_budget(world: World) -> None:
    message = refused(lambda: budget(world.group_a1), "organisation")
    assert "党小组不单独编制党建经费预算" in message
    Organisation.objects.filter(pk=world.branch_b.pk).update(is_active=False)
    world.branch_b.refresh_from_db()
    assert "已撤销" in refused(lambda: budget(world.branch_b), "organisation")


# ---------------------------------------------------------------------------------------------
# Expenses


def test_spending_exactly_the_remaining_budget_is_accepted(world: World) -> None:
    """DUES-3: the remaining amount itself is within the budget."""
    b = budget(world.branch_a, "1000.00")
    spend(b, "999.99")
    last = spend(b, "0.01", on=dt.date(PAST, 12, 31))
    assert last.amount == D("0.01")
    assert funds.year_summary(world.branch_a, PAST).lines[0].remaining == D("0.00")


def test_one_cent_over_the_remaining_budget_is_refused_and_nothing_is_saved(
    world: World, settings: Any
) -> None:
    """DUES-3: "超出预算：该科目剩余…元"; no expense, no receipt, no file, no event."""
    b = budget(world.branch_a, "1000.00")
    spend(b, "400.00")
    events = AuditEvent.objects.count()
    files = sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file())
    message = refused(lambda: spend(b, "600.01", on=dt.date(PAST, 8, 1)), "amount")
    assert message.startswith("超出预算：该科目剩余600.00元")
    assert "本次支出600.01元" in message
    assert FundExpense.objects.count() == 1 and FundReceipt.objects.count() == 1
    assert AuditEvent.objects.count() == events
    assert sorted(p.name for p in settings.MEDIA_ROOT.rglob("*") if p.is_file()) == files


def test_a_line_with_no_budget_left_refuses_any_expense(world: World) -> None:
    b = budget(world.branch_a, "0")
    assert "超出预算：该科目剩余0.00元" in refused(lambda: spend(b, "0.01"), "amount")


def test_the_remaining_budget_is_per_line(world: World) -> None:
    education = budget(world.branch_a, "100.00")
    care = budget(world.branch_a, "500.00", line="care")
    spend(care, "450.00")
    assert spend(education, "100.00").amount == D("100.00")
    assert "剩余50.00元" in refused(lambda: spend(care, "50.01"), "amount")


def test_it_records_an_expense_with_receipts_and_audits_them(world: World) -> None:
    b = budget(world.branch_a, "1000.00")
    files = [pdf("发票.pdf", b"invoice"), SimpleUploadedFile("小票.jpg", b"\xff\xd8 receipt")]
    expense = spend(b, "88.8", receipts=files, actor=world.secretary_a)
    assert expense.amount == D("88.80") and expense.actor == world.secretary_a
    receipts = list(expense.receipts.order_by("name"))
    assert [r.name for r in receipts] == ["发票.pdf", "小票.jpg"]
    assert receipts[0].file.read() == b"invoice"
    assert receipts[0].size == 7 and len(receipts[0].sha256) == 64
    event = AuditEvent.objects.get(object_type="dues.fundexpense", object_id=str(expense.pk))
    assert event.organisation == world.branch_a and event.after["amount"] == "88.80"
    assert {r["sha256"] for r in event.after["receipts"]} == {r.sha256 for r in receipts}


def test_an_expense_needs_a_receipt(world: World) -> None:
    """DUES-3: spending with receipts — none is refused ("支出须附票据")."""
    b = budget(world.branch_a)
    assert "支出须附票据" in refused(lambda: spend(b, "10", receipts=[]), "receipts")
    assert not FundExpense.objects.exists()


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([SimpleUploadedFile("run.exe", b"MZ")], "票据：“run.exe”的类型不允许"),
        ([SimpleUploadedFile("空.pdf", b"")], "票据：“空.pdf”是空文件"),
        ([SimpleUploadedFile("大.pdf", b"0" * (10 * 1024 * 1024 + 1))], "票据：“大.pdf”超过10MB"),
        ([pdf("a.pdf", b"same"), pdf("b.pdf", b"same")], "票据：“b.pdf”与“a.pdf”是同一文件"),
        ([pdf(f"{i}.pdf", bytes([i])) for i in range(11)], "票据：一次最多上传10个文件（本次11个）"),
    ],
)
def test_each_receipt_file_is_checked(world: World, files: list[Any], message: str) -> None:
    b = budget(world.branch_a)
    assert message in refused(lambda: spend(b, "10", receipts=files), "receipts")
    assert not FundExpense.objects.exists() and not FundReceipt.objects.exists()


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "支出金额须大于0"),
        ("-5", "支出金额须大于0"),
        ("1.005", "支出金额最多两位小数"),
        ("10000000000", "支出金额不能超过"),
    ],
)
def test_the_amount_is_positive_with_two_decimals(world: World, amount: str, message: str) -> None:
    b = budget(world.branch_a, "1000000")
    assert message in refused(lambda: spend(b, amount), "amount")


def test_the_date_is_in_the_budget_year_and_not_in_the_future(world: World) -> None:
    b = budget(world.branch_a)
    assert "须在预算年度" in refused(lambda: spend(b, "10", on=dt.date(PAST + 1, 1, 1)), "spent_on")
    assert "须在预算年度" in refused(lambda: spend(b, "10", on=dt.date(PAST - 1, 12, 31)), "spent_on")
    assert spend(b, "10", on=dt.date(PAST, 1, 1)).spent_on == dt.date(PAST, 1, 1)
    current = budget(world.branch_a, year=today().year)
    tomorrow = today() + dt.timedelta(days=1)
    assert "不能晚于今天" in refused(lambda: spend(current, "10", on=tomorrow), "spent_on")
    assert spend(current, "10", on=today()).spent_on == today()


def test_purpose_payee_and_approver_are_required(world: World) -> None:
    b = budget(world.branch_a)
    with pytest.raises(ValidationError) as caught:
        spend(b, "10", purpose=" ", payee="", approver="")
    assert caught.value.message_dict == {
        "purpose": ["请填写用途"],
        "payee": ["请填写收款方"],
        "approver": ["请填写审批人"],
    }


def test_a_receipt_can_be_added_later_but_not_twice(world: World) -> None:
    b = budget(world.branch_a)
    expense = spend(b, "10", receipts=[pdf("发票.pdf", b"first")])
    receipt = funds.receipt_add(actor=world.secretary_a, expense=expense, upload=pdf("补.pdf", b"second"))
    assert expense.receipts.count() == 2 and receipt.file.read() == b"second"
    event = AuditEvent.objects.get(object_type="dues.fundreceipt", object_id=str(receipt.pk))
    assert event.after["expense"] == expense.pk and event.organisation == world.branch_a
    message = refused(
        lambda: funds.receipt_add(actor=None, expense=expense, upload=pdf("again.pdf", b"first")), "file"
    )
    assert "已附在该支出中" in message
    assert "类型不允许" in refused(
        lambda: funds.receipt_add(actor=None, expense=expense, upload=SimpleUploadedFile("x.zip", b"PK")),
        "file",
    )
    assert "请选择票据文件" in refused(
        lambda: funds.receipt_add(actor=None, expense=expense, upload=None), "file"
    )
    assert expense.receipts.count() == 2


# ---------------------------------------------------------------------------------------------
# Reads


def test_usage_percent_rounds_half_up_and_is_empty_without_a_budget() -> None:
    assert funds.usage_percent(D("1"), D("3")) == D("33.3")
    assert funds.usage_percent(D("2"), D("3")) == D("66.7")
    assert funds.usage_percent(D("0.5"), D("1000")) == D("0.1")  # 0.05% → 0.1
    assert funds.usage_percent(D("0"), D("0")) is None


def test_the_year_summary_has_each_line_and_totals(world: World) -> None:
    care = budget(world.branch_a, "500.00", line="care")
    education = budget(world.branch_a, "1000.00")
    budget(world.branch_a, "300.00", line="other")
    budget(world.branch_b, "9999.00")  # another organisation
    budget(world.branch_a, "7777.00", year=PAST - 1)  # another year
    spend(education, "250.00")
    spend(care, "500.00")
    summary = funds.year_summary(world.branch_a, PAST)
    assert [(r.line, r.amount, r.spent, r.remaining, r.usage) for r in summary.lines] == [
        ("education", D("1000.00"), D("250.00"), D("750.00"), D("25.0")),
        ("care", D("500.00"), D("500.00"), D("0.00"), D("100.0")),
        ("other", D("300.00"), D("0.00"), D("300.00"), D("0.0")),
    ]
    assert (summary.budget_total, summary.spent_total, summary.remaining_total, summary.usage) == (
        D("1800.00"),
        D("750.00"),
        D("1050.00"),
        D("41.7"),
    )


def test_org_totals_take_one_query(world: World, django_assert_num_queries: Any) -> None:
    for org in (world.committee, world.branch_a, world.branch_b):
        b = budget(org, "1000.00")
        spend(b, "100.00")
    budget(world.branch_a, "500.00", line="care")
    orgs = [world.committee, world.general_branch, world.branch_a, world.branch_b]
    with django_assert_num_queries(1):
        totals = funds.org_totals(orgs, PAST)
    assert [(t.organisation, t.budget, t.spent, t.lines) for t in totals] == [
        (world.committee, D("1000.00"), D("100.00"), 1),
        (world.general_branch, D("0.00"), D("0.00"), 0),
        (world.branch_a, D("1500.00"), D("100.00"), 2),
        (world.branch_b, D("1000.00"), D("100.00"), 1),
    ]
    assert totals[2].usage == D("6.7") and totals[1].usage is None


def test_fund_organisations_leave_out_groups_and_other_branches(world: World) -> None:
    assert set(funds.fund_organisations(world.officer)) == {
        world.committee,
        world.general_branch,
        world.branch_a,
        world.branch_b,
    }
    assert list(funds.fund_organisations(world.secretary_a)) == [world.branch_a]
    assert not funds.fund_organisations(world.member_a).exists()


# ---------------------------------------------------------------------------------------------
# The auditor's flags


def _flags(user: Any, **kwargs: Any) -> dict[str, list[str]]:
    return {e.purpose: funds.flags_of(e) for e in funds.audit_expenses(user, **kwargs)}


def test_the_audit_list_flags_expenses_without_receipts_over_budget_or_sharing_a_receipt(
    world: World,
) -> None:
    """The 审计员's view of DUES-3. The services allow none of these: the rows written around
    them stand for data that came in another way (an old ledger, a database repair)."""
    b = budget(world.branch_a, "1000.00")
    spend(b, "600.00", purpose="正常支出", receipts=[pdf("a.pdf", b"A")])
    spend(b, "300.00", purpose="用了别人的票据", receipts=[pdf("b.pdf", b"B")], on=dt.date(PAST, 6, 2))
    other = budget(world.branch_b, "1000.00")
    spend(other, "10.00", purpose="乙支部支出", receipts=[pdf("b-copy.pdf", b"B")])
    FundExpense.objects.create(
        budget=b,
        spent_on=dt.date(PAST, 6, 3),
        amount=D("200.00"),
        purpose="无票超支",
        payee="x",
        approver="y",
    )
    assert _flags(world.auditor, year=PAST) == {
        "无票超支": ["无票据", "超预算"],
        "用了别人的票据": ["票据重复使用"],
        "正常支出": [],
        "乙支部支出": ["票据重复使用"],
    }
    rows = {e.purpose: e for e in funds.audit_expenses(world.auditor, year=PAST)}
    assert (rows["正常支出"].running_total, rows["正常支出"].receipt_count) == (D("600.00"), 1)
    assert rows["无票超支"].running_total == D("1100.00") and rows["无票超支"].receipt_count == 0
    assert list(_flags(world.auditor, year=PAST, flag="over_budget")) == ["无票超支"]
    assert funds.flag_counts(funds.audit_expenses(world.auditor, year=PAST)) == {
        "total": 4,
        "no_receipt": 1,
        "over_budget": 1,
        "shared_receipt": 2,
    }
    # Scope: the secretary of B sees B's expense only; a subtree filter narrows the list.
    assert list(_flags(world.secretary_b)) == ["乙支部支出"]
    assert set(_flags(world.officer, organisation=world.general_branch)) == {
        "无票超支",
        "用了别人的票据",
        "正常支出",
    }
    assert _flags(world.officer, year=PAST - 1) == {}


def test_the_audit_list_sorts_by_date_and_amount(world: World) -> None:
    b = budget(world.branch_a, "1000.00")
    spend(b, "30.00", purpose="三月", on=dt.date(PAST, 3, 1))
    spend(b, "10.00", purpose="一月", on=dt.date(PAST, 1, 1))
    spend(b, "20.00", purpose="二月", on=dt.date(PAST, 2, 1))
    order = {
        sort: [e.purpose for e in funds.audit_expenses(world.auditor, sort=sort)] for sort in funds.SORTS
    }
    assert order == {
        "date": ["一月", "二月", "三月"],
        "-date": ["三月", "二月", "一月"],
        "amount": ["一月", "二月", "三月"],
        "-amount": ["三月", "二月", "一月"],
    }
    spend(b, "5.00", purpose="一月小额", on=dt.date(PAST, 1, 1))
    assert [e.purpose for e in funds.audit_expenses(world.auditor, sort="amount")][:2] == ["一月小额", "一月"]


def test_scoped_getters_hide_other_branches(world: World) -> None:
    b = budget(world.branch_a)
    expense = spend(b, "10")
    receipt = expense.receipts.get()
    from django.http import Http404

    assert funds.get_expense_or_404(world.auditor, "funds.view", expense.pk) == expense
    assert funds.get_receipt_or_404(world.secretary_a, "funds.view", receipt.pk) == receipt
    for call in (
        lambda: funds.get_expense_or_404(world.secretary_b, "funds.view", expense.pk),
        lambda: funds.get_receipt_or_404(world.secretary_b, "funds.view", receipt.pk),
        lambda: funds.get_expense_or_404(world.auditor, "funds.edit", expense.pk),
        lambda: funds.get_expense_or_404(world.officer, "funds.view", "x"),
        lambda: funds.get_fund_org_or_404(world.officer, "funds.view", world.group_a1.pk),
    ):
        with pytest.raises(Http404):
            call()
