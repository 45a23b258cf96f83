"""The .xlsx exports of dues (DOC-4, DUES-2), opened and read back with openpyxl: the branch ledger
(sheet 党费台账 with the 12 months and the totals, sheet 欠缴名单), the arrears list with the C-8
levels, the overview of branches and one member's record; each export is audited."""

import io
from decimal import Decimal
from typing import Any

import pytest
from django.http import HttpResponse
from django.test import Client
from openpyxl import load_workbook
from openpyxl.workbook import Workbook

from zhibu.audit.models import AuditEvent
from zhibu.dues import exports, selectors
from zhibu.dues.tests.test_views import Scenario, ago, client_for, dues_scenario
from zhibu.lib.dates import today

D = Decimal


@pytest.fixture
def s(world: Any) -> Scenario:
    return dues_scenario(world)


def workbook(response: HttpResponse) -> Workbook:
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
    return load_workbook(io.BytesIO(response.content))


def rows_of(book: Workbook, title: str) -> list[tuple[Any, ...]]:
    return [tuple(row) for row in book[title].iter_rows(values_only=True)]


def as_decimal(value: Any) -> Decimal:
    return D(str(value)).quantize(D("0.01"))


def test_the_ledger_export_has_the_grid_the_totals_and_the_arrears_dues2(s: Scenario) -> None:
    client = client_for(s.world.secretary_a)
    response = client.get(f"/dues/branch/{s.branch.pk}/export.xlsx?year={s.year}")
    assert "%E5%85%9A%E8%B4%B9%E5%8F%B0%E8%B4%A6.xlsx" in response["Content-Disposition"]  # 党费台账.xlsx
    book = workbook(response)
    assert book.sheetnames == ["党费台账", "欠缴名单", "未核定党员"]
    grid = rows_of(book, "党费台账")
    assert grid[0] == exports.LEDGER_HEADERS
    by_name = {row[1]: row for row in grid[1:-1]}
    assert set(by_name) == {"甲党员", "丙党员", "丁党员"}
    column = exports.FIRST_MONTH_COLUMN - 1 + ago(1).month - 1  # last month, 0-based
    assert as_decimal(by_name["甲党员"][column]) == D("40.00")
    assert as_decimal(by_name["丙党员"][column]) == D("0.00")  # ended, owed, not paid
    assert by_name["甲党员"][2] == "在职" and as_decimal(by_name["甲党员"][4]) == D("40.00")
    ledger = selectors.branch_ledger(s.branch, s.year)
    totals = grid[-1]
    assert totals[0] == "合计" and totals[1] == "3人"
    assert as_decimal(totals[column]) == D("40.00")
    assert as_decimal(totals[-3]) == ledger.due_total and as_decimal(totals[-2]) == ledger.paid_total
    # The unpaid cell is red, as on the page.
    sheet = book["党费台账"]
    row_number = 2 + [r[1] for r in grid[1:]].index("丙党员")
    assert sheet.cell(row=row_number, column=column + 1).fill.fgColor.rgb.endswith("F8D7DA")
    arrears = {row[1]: row for row in rows_of(book, "欠缴名单")[1:]}
    assert set(arrears) == {"丙党员", "丁党员"}
    unpaid = [m for m in (ago(3), ago(2), ago(1)) if m.year == s.year]
    assert arrears["丙党员"][2] == "、".join(f"{m.month}月" for m in unpaid)
    assert arrears["丙党员"][3] == len(unpaid) and as_decimal(arrears["丙党员"][6]) == D("10.00") * len(
        unpaid
    )
    assert rows_of(book, "未核定党员")[1][1] == "戊党员"
    event = AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).latest("id")
    assert event.organisation == s.branch and "党费台账" in event.note


def test_the_arrears_export_has_the_levels_and_the_c8_text(s: Scenario) -> None:
    book = workbook(client_for(s.world.officer).get("/dues/arrears/export.xlsx"))
    rows = rows_of(book, "党费欠缴名单")
    assert rows[0] == exports.ARREARS_HEADERS
    by_name = {row[2]: row for row in rows[1:]}
    assert set(by_name) == {"丙党员", "丁党员"}
    warned = by_name["丙党员"]
    assert warned[1] == "第一党支部" and warned[4] == 3 and warned[5] == 3
    assert as_decimal(warned[6]) == D("30.00") and warned[7] == "3个月提醒"
    flagged = by_name["丁党员"]
    assert flagged[7] == "6个月标记" and "自行脱党" in flagged[8] and "C-8" in flagged[8]
    assert flagged[5] >= 12 and as_decimal(flagged[6]) == D("240.00") * flagged[4]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, note__contains="党费欠缴名单").exists()


def test_the_arrears_export_follows_the_scope(s: Scenario) -> None:
    book = workbook(client_for(s.world.secretary_b).get("/dues/arrears/export.xlsx"))
    assert rows_of(book, "党费欠缴名单")[1:] == []


def test_the_overview_export_has_a_line_per_branch(s: Scenario) -> None:
    book = workbook(client_for(s.world.officer).get(f"/dues/export.xlsx?year={s.year}"))
    [title] = book.sheetnames
    assert title == f"{s.year}年党费收缴情况"
    rows = rows_of(book, title)
    assert rows[0] == exports.OVERVIEW_HEADERS
    by_code = {row[1]: row for row in rows[1:]}
    a = by_code["A"]
    ledger = selectors.branch_ledger(s.branch, s.year)
    assert a[2] == "第一党支部" and a[3] == s.year and a[4] == 3
    assert as_decimal(a[5]) == ledger.due_total and as_decimal(a[6]) == ledger.paid_total
    assert a[7] == f"{ledger.rate}%"
    assert (a[8], a[9], a[10]) == (2, 1, 1)
    assert a[11] == "未核定（1人）" and a[12] == "未公示"
    assert by_code["B"][4] == 0


def test_the_member_export_has_settings_payments_and_arrears(s: Scenario) -> None:
    book = workbook(client_for(s.world.inspector).get(f"/dues/member/{s.warned.pk}/export.xlsx"))
    assert book.sheetnames == ["党费核定", "交纳记录", "欠缴"]
    settings = rows_of(book, "党费核定")[1:]
    assert {row[0] for row in settings} == {today().year - 1, ago(1).year}
    assert all(as_decimal(row[5]) == D("10.00") for row in settings)
    payments = rows_of(book, "交纳记录")[1:]
    assert payments[0][0] == f"{today().year - 1}-01" and payments[-1][0] == f"{ago(4):%Y-%m}"
    [owing] = rows_of(book, "欠缴")[1:]
    assert owing[1] == 3 and owing[2] == 3 and as_decimal(owing[3]) == D("30.00")


def test_exports_are_scoped(s: Scenario) -> None:
    client = client_for(s.world.secretary_b)
    assert client.get(f"/dues/branch/{s.branch.pk}/export.xlsx").status_code == 404
    assert client.get(f"/dues/member/{s.warned.pk}/export.xlsx").status_code == 404
    assert client_for(s.world.rater).get("/dues/export.xlsx").status_code == 403
    assert Client().get("/dues/arrears/export.xlsx").status_code == 302
