"""import_dues against the exact text of SPEC §13: headers by name in any order, cells typed as
numbers or dates by Excel, empty rows, the template, and all-or-nothing even when a write fails."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from openpyxl import Workbook, load_workbook

from zhibu.dues import exchange, services
from zhibu.dues.exchange import import_dues
from zhibu.dues.models import DuesPayment
from zhibu.dues.tests.test_import import SPEC_HEADERS, entry, ledger, lines, month_ago, payer, refused, state
from zhibu.lib import idnumber
from zhibu.lib.dates import today


def test_headers_match_by_name_in_any_order_with_spaces_and_required_marks(world: Any) -> None:
    member = payer(world.branch_a, "表头")
    headers = [" 交纳日期＊", "实交金额 *", "月份*", "公民身份号码", "应交 金额"]
    cells = entry(member, 应交金额="15.00")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    sheet.append(
        [cells["交纳日期"], cells["实交金额"], cells["月份"], cells["公民身份号码"], cells["应交金额"]]
    )
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_dues(buffer.getvalue(), actor=None)
    assert lines(result) == [] and result.created == 1
    payment = DuesPayment.objects.get()
    assert (payment.member, payment.month, payment.paid, payment.paid_on) == (
        member,
        month_ago(),
        Decimal("15.00"),
        today(),
    )


def test_cells_typed_as_numbers_and_dates_are_read_as_such(world: Any) -> None:
    """Excel stores amounts as numbers and typed dates (and a typed 2026-03) as date cells."""
    first, second = payer(world.branch_a, "数字"), payer(world.branch_a, "日期")
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(SPEC_HEADERS)
    month = month_ago()
    sheet.append([first.id_number, dt.datetime.combine(month, dt.time()), 15, 15.5, today()])
    sheet.append(
        [second.id_number, f"{month:%Y-%m}", None, "1,000.00", dt.datetime.combine(today(), dt.time(9, 30))]
    )
    sheet["B2"].number_format = "yyyy-mm"
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_dues(buffer.getvalue(), actor=None)
    assert lines(result) == [] and result.created == 2
    paid = {
        p.member.name: (p.month, p.due, p.paid, p.paid_on)
        for p in DuesPayment.objects.select_related("member")
    }
    assert paid == {
        "数字": (month, Decimal("15.00"), Decimal("15.50"), today()),
        "日期": (month, Decimal("15.00"), Decimal("1000.00"), today()),
    }


def test_the_same_data_typed_differently_is_the_same_record(world: Any) -> None:
    """Idempotent whatever Excel did to the cells: 2026-03 text or date, 15 or "15.00"."""
    member = payer(world.branch_a, "同一")
    import_dues(ledger([entry(member, 实交金额="15.00")]), actor=None)
    before = state()
    again = import_dues(
        ledger([entry(member, 月份=dt.datetime.combine(month_ago(), dt.time()), 实交金额=15, 应交金额=15.0)]),
        actor=None,
    )
    assert lines(again) == [] and (again.created, again.updated, again.unchanged) == (0, 0, 1)
    assert state() == before


def test_empty_rows_are_skipped_and_rows_keep_their_excel_numbers(world: Any) -> None:
    member = payer(world.branch_a, "空行")
    blank = dict.fromkeys(SPEC_HEADERS)
    found = refused([entry(member), blank, blank, entry(member, 月份=f"{month_ago(2):%Y-%m}", 实交金额="x")])
    assert found == ["第5行 [实交金额] 应为数字，实为“x”"]
    good = import_dues(ledger([blank, entry(member), blank]), actor=None)
    assert lines(good) == [] and good.created == 1


def test_a_column_without_a_header_or_a_repeated_header_is_named(world: Any) -> None:
    member = payer(world.branch_a, "无列名")
    book = load_workbook(io.BytesIO(ledger([entry(member)])))
    sheet = book.active
    assert sheet is not None
    sheet["G2"] = "备注"
    buffer = io.BytesIO()
    book.save(buffer)
    before = state()
    assert lines(import_dues(buffer.getvalue(), actor=None)) == ["第1行 [第G列] 该列有数据但没有列名"]
    repeated = ledger([entry(member)], headers=[*SPEC_HEADERS, "月份"])
    assert lines(import_dues(repeated, actor=None)) == ["第1行 [月份] 列名重复"]
    assert state() == before


def test_only_the_first_sheet_is_read_whatever_its_name(world: Any) -> None:
    member = payer(world.branch_a, "首表")
    book = load_workbook(io.BytesIO(ledger([entry(member)])))
    book.active.title = "2026年党费"  # type: ignore[union-attr]
    other = book.create_sheet("其他")
    other.append(["随便", "什么"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_dues(buffer.getvalue(), actor=None)
    assert lines(result) == [] and result.created == 1


def test_a_refusal_while_writing_rolls_every_row_back(world: Any, monkeypatch: Any) -> None:
    """All or nothing even when the service refuses half-way: the first row's write is undone and
    the refusal is reported on the row and column it concerns."""
    first, second = payer(world.branch_a, "先写"), payer(world.branch_a, "被拒")
    real = services.payment_record

    def refusing(**kwargs: Any) -> Any:
        if kwargs["member"] == second:
            raise ValidationError({"paid_on": ["交纳日期被拒绝（测试）"]})
        return real(**kwargs)

    monkeypatch.setattr(services, "payment_record", refusing)
    before = state()
    result = import_dues(ledger([entry(first), entry(second)]), actor=None)
    assert lines(result) == ["第3行 [交纳日期] 交纳日期被拒绝（测试）"]
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert state() == before


def test_the_template_has_the_headers_an_example_and_the_notes() -> None:
    book = load_workbook(io.BytesIO(exchange.template_bytes()))
    assert book.sheetnames == ["党费台账", "填写说明"]
    sheet = book["党费台账"]
    assert [c.value for c in sheet[1]] == ["公民身份号码*", "月份*", "应交金额", "实交金额*", "交纳日期*"]
    example = [c.value for c in sheet[2]]
    assert idnumber.parse(example[0]).value == example[0]
    assert exchange.parse_month(example[1]) == month_ago()
    assert example[2] is None
    assert Decimal(str(example[3])) == Decimal("15.00")
    assert example[4] == f"{month_ago():%Y-%m}-10"
    assert sheet.max_row == 2
    notes = [[c.value for c in row] for row in book["填写说明"].iter_rows()]
    assert notes[0] == ["列名", "是否必填", "允许的值", "说明"]
    described = {row[0]: row[1] for row in notes[1:6]}
    assert described == {
        "公民身份号码": "是",
        "月份": "是",
        "应交金额": "否",
        "实交金额": "是",
        "交纳日期": "是",
    }
    text = "\n".join(str(row[0]) for row in notes if row[0])
    assert "YYYY-MM" in text
    assert "不会新建党费核定" in text and "未核定" in text


def test_the_filled_in_template_imports_once_the_example_is_replaced(world: Any) -> None:
    member = payer(world.branch_a, "模板")
    book = load_workbook(io.BytesIO(exchange.template_bytes()))
    sheet = book["党费台账"]
    sheet["A2"] = member.id_number
    buffer = io.BytesIO()
    book.save(buffer)
    result = import_dues(buffer.getvalue(), actor=None)
    assert lines(result) == [] and result.created == 1
    payment = DuesPayment.objects.get()
    assert (payment.month, payment.paid_on, payment.due) == (
        month_ago(),
        month_ago().replace(day=10),
        Decimal("15.00"),
    )
    # left as it is, the made-up example person is refused and named
    untouched = lines(import_dues(exchange.template_bytes(), actor=None))
    assert len(untouched) == 1 and untouched[0].startswith("第2行 [公民身份号码] 系统中没有公民身份号码为")
