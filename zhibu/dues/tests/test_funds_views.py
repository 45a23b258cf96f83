"""党建经费 pages (SPEC DUES-3): budget and expense forms with good and bad input, the receipt
download behind the scope check, the auditor's read-only view and flags, the .xlsx exports read
back, and query counts constant in the number of rows."""

import datetime as dt
import io
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from openpyxl import load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.dues import funds
from zhibu.dues.models import FundBudget, FundExpense, FundReceipt
from zhibu.lib.dates import today
from zhibu.orgs.models import Organisation
from zhibu.orgs.tests.factories import make_org

PAST = today().year - 1


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    client.get("/")  # the first request of a session records its time (idle timeout)
    return client


def pdf(name: str = "发票.pdf", content: bytes = b"%PDF-1.4 invoice") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/pdf")


def budget(
    org: Organisation, amount: str = "1000.00", *, line: str = "education", year: int = PAST
) -> FundBudget:
    return funds.budget_set(actor=None, organisation=org, year=year, line=line, amount=D(amount))


def spend(b: FundBudget, amount: str, purpose: str = "七一主题党日活动用品", **changes: Any) -> FundExpense:
    data: dict[str, Any] = {
        "actor": None,
        "budget": b,
        "spent_on": dt.date(b.year, 6, 1),
        "amount": D(amount),
        "purpose": purpose,
        "payee": "某某文化用品公司",
        "voucher_number": "记-0601",
        "approver": "张书记",
        "receipts": [pdf(content=f"{purpose} {amount}".encode())],
    }
    return funds.expense_record(**(data | changes))


def _org_url(org: Organisation, suffix: str = "", year: int = PAST) -> str:
    return f"/funds/org/{org.pk}/{suffix}?year={year}"


# ---------------------------------------------------------------------------------------------
# Index


def test_the_index_lists_organisations_in_scope_with_the_years_totals(world: World) -> None:
    b = budget(world.branch_a, "1000.00")
    spend(b, "250.00")
    budget(world.branch_b, "800.00")
    html = _client(world, "officer").get(f"/funds/?year={PAST}").content.decode()
    for name in ("中共测试集团委员会", "测试党总支", "第一党支部", "第二党支部"):
        assert name in html
    assert "第一党小组" not in html  # a group keeps no funds
    assert "1000.00" in html and "250.00" in html and "25.0%" in html and "1800.00" in html
    own = _client(world, "secretary_b").get(f"/funds/?year={PAST}")
    assert [r.organisation for r in own.context["rows"]] == [world.branch_b]
    assert "第一党支部" not in own.content.decode()


def test_the_index_export_reads_back(world: World) -> None:
    spend(budget(world.branch_a, "1000.00"), "100.00")
    response = _client(world, "auditor").get(f"/funds/export.xlsx?year={PAST}")
    sheet = load_workbook(io.BytesIO(response.content))[f"{PAST}年党建经费"]
    rows = {row[1]: row for row in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["第一党支部"] == ("A", "第一党支部", "党支部", 1, 1000, 100, 900, 10)
    assert rows["第二党支部"][4:7] == (0, 0, 0)
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=world.auditor).exists()


def test_the_index_queries_are_constant(world: World, django_assert_max_num_queries: Any) -> None:
    """The number of queries does not grow with the organisations or their lines."""
    client = _client(world, "officer")
    budget(world.branch_a)
    with django_assert_max_num_queries(8) as small:
        client.get(f"/funds/?year={PAST}")
    for index in range(15):
        org = make_org(f"F{index}", "branch", world.general_branch, name=f"扩展党支部{index}")
        spend(budget(org, "500.00"), "50.00")
        budget(org, "100.00", line="care")
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"/funds/?year={PAST}")
    assert len(response.context["rows"]) == 19


# ---------------------------------------------------------------------------------------------
# One organisation


def test_the_page_shows_lines_expenses_and_receipt_links(world: World) -> None:
    b = budget(world.branch_a, "1000.00")
    expense = spend(b, "300.00", receipts=[pdf("七一发票.pdf", b"a"), pdf("清单.pdf", b"b")])
    response = _client(world, "inspector").get(_org_url(world.branch_a))
    html = response.content.decode()
    assert response.status_code == 200
    assert "党员教育培训" in html and "700.00" in html and "30.0%" in html
    for receipt in expense.receipts.all():
        assert f'href="/funds/receipt/{receipt.pk}/"' in html and receipt.name in html
    assert "只增不改" in html
    assert "登记支出" not in html and "保存预算" not in html  # the inspector reads only


def test_editors_see_the_forms_and_readers_do_not(world: World) -> None:
    budget(world.branch_a, year=today().year)
    editor = _client(world, "secretary_a").get(_org_url(world.branch_a, year=today().year)).content.decode()
    assert "保存预算" in editor and "登记支出" in editor and 'enctype="multipart/form-data"' in editor
    auditor = _client(world, "auditor").get(_org_url(world.branch_a, year=today().year)).content.decode()
    assert "保存预算" not in auditor and 'name="receipts"' not in auditor


def test_a_group_has_no_funds_page(world: World) -> None:
    assert _client(world, "officer").get(f"/funds/org/{world.group_a1.pk}/").status_code == 404


def test_the_organisation_page_queries_are_constant(world: World, django_assert_max_num_queries: Any) -> None:
    client = _client(world, "secretary_a")
    year = today().year
    b = budget(world.branch_a, "100000.00", year=year)
    spend(b, "10.00", spent_on=today())
    with django_assert_max_num_queries(12) as small:
        client.get(_org_url(world.branch_a, year=year))
    for line in ("care", "other", "materials"):
        budget(world.branch_a, "500.00", line=line, year=year)
    for index in range(12):
        spend(b, "10.00", f"支出{index}", spent_on=today(), receipts=[pdf(f"{index}.pdf", bytes([index]))])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(_org_url(world.branch_a, year=year))
    assert len(response.context["expenses"]) == 13


# ---------------------------------------------------------------------------------------------
# Budget form


def test_an_editor_sets_a_budget_line(world: World) -> None:
    client = _client(world, "secretary_a")
    response = client.post(
        _org_url(world.branch_a, "budget/"), {"line": "care", "amount": "1200.50", "note": "走访慰问"}
    )
    assert response.status_code == 302 and response["Location"] == _org_url(world.branch_a)
    b = FundBudget.objects.get()
    assert (b.organisation, b.year, b.line, b.amount, b.note) == (
        world.branch_a,
        PAST,
        "care",
        D("1200.50"),
        "走访慰问",
    )
    assert b.actor == world.secretary_a


def test_lowering_a_line_below_spending_is_refused_on_the_page(world: World) -> None:
    spend(budget(world.branch_a, "1000.00"), "600.00")
    response = _client(world, "secretary_a").post(
        _org_url(world.branch_a, "budget/"), {"line": "education", "amount": "500"}
    )
    assert response.status_code == 422
    assert "预算金额不能低于该科目已支出的600.00元" in response.content.decode()
    assert FundBudget.objects.get().amount == D("1000.00")


def test_a_bad_budget_form_is_refused_in_chinese(world: World) -> None:
    response = _client(world, "secretary_a").post(
        _org_url(world.branch_a, "budget/"), {"line": "x", "amount": "-1"}
    )
    assert response.status_code == 422
    html = response.content.decode()
    assert "选择一个有效的选项" in html and "确保该值大于或等于0" in html
    assert not FundBudget.objects.exists()


def test_the_auditor_and_other_branches_cannot_write(world: World) -> None:
    """The auditor reads everything and writes nothing (403); secretary_b gets 404 on branch A."""
    b = budget(world.branch_a)
    expense = spend(b, "10.00")
    data = {"line": "care", "amount": "1"}
    auditor, other = _client(world, "auditor"), _client(world, "secretary_b")
    assert auditor.post(_org_url(world.branch_a, "budget/"), data).status_code == 403
    assert auditor.get(_org_url(world.branch_a, "expenses/new/")).status_code == 403
    assert auditor.post(f"/funds/expense/{expense.pk}/receipts/new/", {"file": pdf()}).status_code == 403
    assert other.post(_org_url(world.branch_a, "budget/"), data).status_code == 404
    assert other.post(f"/funds/expense/{expense.pk}/receipts/new/", {"file": pdf()}).status_code == 404
    assert other.get(f"/funds/expense/{expense.pk}/").status_code == 404
    assert FundBudget.objects.count() == 1 and expense.receipts.count() == 1


# ---------------------------------------------------------------------------------------------
# Expense form, detail, receipts


def _expense_data(b: FundBudget, **changes: Any) -> dict[str, Any]:
    return {
        "budget": b.pk,
        "spent_on": f"{b.year}-07-01",
        "amount": "150.00",
        "purpose": "购买《习近平谈治国理政》第五卷",
        "payee": "新华书店",
        "voucher_number": "记-0701",
        "approver": "张书记",
        "receipts": [pdf("发票.pdf", b"invoice"), SimpleUploadedFile("小票.png", b"\x89PNG")],
    } | changes


def test_an_editor_records_an_expense_with_receipts(world: World) -> None:
    b = budget(world.branch_a)
    response = _client(world, "secretary_a").post(_org_url(world.branch_a, "expenses/new/"), _expense_data(b))
    expense = FundExpense.objects.get()
    assert response.status_code == 302 and response["Location"] == f"/funds/expense/{expense.pk}/"
    assert (expense.amount, expense.actor) == (D("150.00"), world.secretary_a)
    assert sorted(expense.receipts.values_list("name", flat=True)) == ["发票.pdf", "小票.png"]


def test_an_expense_without_receipts_is_refused_on_the_page(world: World) -> None:
    b = budget(world.branch_a)
    response = _client(world, "secretary_a").post(
        _org_url(world.branch_a, "expenses/new/"), _expense_data(b, receipts=[])
    )
    assert response.status_code == 422
    assert "支出须附票据" in response.content.decode()
    assert not FundExpense.objects.exists()


def test_an_expense_over_budget_is_refused_on_the_page(world: World) -> None:
    b = budget(world.branch_a, "100.00")
    response = _client(world, "secretary_a").post(
        _org_url(world.branch_a, "expenses/new/"), _expense_data(b, amount="100.01")
    )
    assert response.status_code == 422
    assert "超出预算：该科目剩余100.00元" in response.content.decode()
    assert not FundExpense.objects.exists() and not FundReceipt.objects.exists()


def test_an_expense_form_offers_only_the_organisations_lines(world: World) -> None:
    other = budget(world.branch_b)
    response = _client(world, "officer").post(_org_url(world.branch_a, "expenses/new/"), _expense_data(other))
    assert response.status_code == 422
    assert "选择一个有效的选项" in response.content.decode()
    empty = _client(world, "officer").get(_org_url(world.branch_a, "expenses/new/"))
    assert "请先编制预算" in empty.content.decode()


def test_the_expense_page_lists_receipts_and_adds_one(world: World) -> None:
    expense = spend(budget(world.branch_a), "10.00")
    auditor = _client(world, "auditor").get(f"/funds/expense/{expense.pk}/")
    html = auditor.content.decode()
    assert auditor.status_code == 200 and "发票.pdf" in html and expense.receipts.get().sha256 in html
    assert "补充票据" not in html
    editor = _client(world, "secretary_a")
    assert "补充票据" in editor.get(f"/funds/expense/{expense.pk}/").content.decode()
    response = editor.post(
        f"/funds/expense/{expense.pk}/receipts/new/", {"file": pdf("补开发票.pdf", b"later")}
    )
    assert response.status_code == 302
    assert sorted(expense.receipts.values_list("name", flat=True)) == ["发票.pdf", "补开发票.pdf"]
    bad = editor.post(
        f"/funds/expense/{expense.pk}/receipts/new/", {"file": SimpleUploadedFile("a.exe", b"MZ")}
    )
    assert bad.status_code == 422 and "类型不允许" in bad.content.decode()
    missing = editor.post(f"/funds/expense/{expense.pk}/receipts/new/", {})
    assert missing.status_code == 422 and "请选择票据文件" in missing.content.decode()
    assert expense.receipts.count() == 2


def test_a_receipt_is_downloaded_after_the_scope_check(world: World) -> None:
    expense = spend(budget(world.branch_a), "10.00", receipts=[pdf("七一发票.pdf", b"%PDF-1.4 the invoice")])
    receipt = expense.receipts.get()
    response = _client(world, "auditor").get(f"/funds/receipt/{receipt.pk}/")
    assert response.status_code == 200
    assert b"".join(response.streaming_content) == b"%PDF-1.4 the invoice"  # type: ignore[attr-defined]
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("attachment;")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert _client(world, "secretary_b").get(f"/funds/receipt/{receipt.pk}/").status_code == 404
    assert _client(world, "member_a").get(f"/funds/receipt/{receipt.pk}/").status_code == 403
    assert _client(world, "officer").get("/funds/receipt/999999/").status_code == 404


# ---------------------------------------------------------------------------------------------
# Export


def test_the_organisation_export_has_both_sheets(world: World) -> None:
    education = budget(world.branch_a, "1000.00")
    budget(world.branch_a, "200.00", line="care")
    spend(education, "300.00", "购买学习读本", receipts=[pdf("a.pdf", b"a"), pdf("b.pdf", b"b")])
    response = _client(world, "secretary_a").get(_org_url(world.branch_a, "export.xlsx"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["预算执行", "支出明细"]
    lines = list(book["预算执行"].iter_rows(values_only=True))
    assert lines[0] == funds.SUMMARY_HEADERS
    assert lines[1][:5] == ("党员教育培训", 1000, 300, 700, 30)
    assert lines[2][:5] == ("走访慰问困难党员", 200, 0, 200, 0)
    assert lines[3][:5] == ("合计", 1200, 300, 900, 25)
    details = list(book["支出明细"].iter_rows(values_only=True))
    assert details[0] == funds.EXPENSE_HEADERS
    assert details[1][0].date() == dt.date(PAST, 6, 1)
    assert details[1][1:] == (
        "党员教育培训",
        "购买学习读本",
        "某某文化用品公司",
        300,
        "记-0601",
        "张书记",
        2,
        "a.pdf、b.pdf",
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert event.organisation == world.branch_a and event.actor == world.secretary_a


# ---------------------------------------------------------------------------------------------
# The auditor's view


def _flagged_world(world: World) -> FundExpense:
    b = budget(world.branch_a, "1000.00")
    spend(b, "900.00", "大额支出")
    spend(b, "50.00", "小额支出", spent_on=dt.date(PAST, 3, 1))
    return FundExpense.objects.create(
        budget=b, spent_on=dt.date(PAST, 9, 1), amount=D("80.00"), purpose="无票超支", payee="x", approver="y"
    )


def test_the_audit_page_lists_every_expense_with_flags(world: World) -> None:
    _flagged_world(world)
    spend(budget(world.branch_b), "20.00", "乙支部支出", spent_on=dt.date(PAST, 1, 15))
    response = _client(world, "auditor").get(f"/funds/audit/?year={PAST}")
    html = response.content.decode()
    assert response.status_code == 200
    assert [e.purpose for e in response.context["page_obj"]] == [
        "无票超支",
        "大额支出",
        "小额支出",
        "乙支部支出",
    ]
    assert response.context["counts"] == {"total": 4, "no_receipt": 1, "over_budget": 1, "shared_receipt": 0}
    assert "无票据" in html and "超预算" in html and "1030.00 / 1000.00" in html
    assert "审计员只读" in html
    by_amount = _client(world, "auditor").get(f"/funds/audit/?year={PAST}&sort=amount")
    assert [e.purpose for e in by_amount.context["page_obj"]] == [
        "乙支部支出",
        "小额支出",
        "无票超支",
        "大额支出",
    ]
    flagged = _client(world, "auditor").get(f"/funds/audit/?year={PAST}&flag=no_receipt")
    assert [e.purpose for e in flagged.context["page_obj"]] == ["无票超支"]
    assert flagged.context["counts"]["total"] == 4  # the counts are of the whole list
    own = _client(world, "secretary_b").get(f"/funds/audit/?year={PAST}")
    assert [e.purpose for e in own.context["page_obj"]] == ["乙支部支出"]
    assert _client(world, "secretary_b").get(f"/funds/audit/?org={world.branch_a.pk}").status_code == 404
    assert _client(world, "auditor").get(f"/funds/audit/?year={PAST - 1}").context["counts"]["total"] == 0
    every_year = _client(world, "auditor").get("/funds/audit/?year=all")
    assert every_year.context["counts"]["total"] == 4


def test_the_audit_export_reads_back(world: World) -> None:
    _flagged_world(world)
    response = _client(world, "auditor").get(f"/funds/audit/export.xlsx?year={PAST}&sort=date")
    sheet = load_workbook(io.BytesIO(response.content))["支出审计"]
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][-1] == "审计提示" and len(rows) == 4
    assert [r[5] for r in rows[1:]] == ["小额支出", "大额支出", "无票超支"]
    last = rows[3]
    assert last[1:5] == ("A", "第一党支部", PAST, "党员教育培训")
    assert last[7] == 80 and last[10:] == (0, 1000, 1030, "无票据、超预算")


def test_the_audit_page_queries_are_constant(world: World, django_assert_max_num_queries: Any) -> None:
    client = _client(world, "auditor")
    b = budget(world.branch_a, "100000.00")
    spend(b, "10.00")
    with django_assert_max_num_queries(10) as small:
        client.get(f"/funds/audit/?year={PAST}")
    for index in range(30):
        spend(b, f"{index + 1}.00", f"支出{index}", receipts=[pdf(f"{index}.pdf", bytes([index]))])
    with django_assert_max_num_queries(len(small.captured_queries)):
        response = client.get(f"/funds/audit/?year={PAST}")
    assert response.context["counts"]["total"] == 31


def test_a_receipt_whose_file_is_gone_is_404_not_500(world: World) -> None:
    expense = spend(budget(world.branch_a), "10.00")
    receipt = expense.receipts.get()
    receipt.file.storage.delete(receipt.file.name)
    response = _client(world, "officer").get(f"/funds/receipt/{receipt.pk}/")
    assert response.status_code == 404
