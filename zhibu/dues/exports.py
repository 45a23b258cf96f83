""".xlsx exports of dues (DOC-4): the branch ledger of a year (sheet 党费台账: members × 12 months
with row and monthly totals; sheet 欠缴名单: the year's unpaid months), the arrears list, the
overview of branches, and one member's settings and payments. Cells are numbers (Decimal), never
text, so that the offices can sum them in Excel."""

import io
from collections.abc import Iterable, Sequence
from decimal import Decimal
from typing import Any

from openpyxl import Workbook
from openpyxl.styles import Font, PatternFill

from zhibu.dues import selectors
from zhibu.dues.models import DuesPayment, DuesSetting
from zhibu.dues.rules import month_label
from zhibu.dues.selectors import ArrearsRow, Ledger, LedgerRow
from zhibu.lib.dates import today
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.lib.xlsx import add_sheet

ZERO = Decimal("0.00")
# The page's colours, so that the printed 台账 reads like the screen.
STATE_FILLS = {
    "paid": PatternFill("solid", fgColor="D1E7DD"),
    "short": PatternFill("solid", fgColor="FFF3CD"),
    "unpaid": PatternFill("solid", fgColor="F8D7DA"),
}
LEDGER_HEADERS = (
    "序号",
    "姓名",
    "党费类别",
    "党费基数（元/月）",
    "每月应交（元）",
    *(f"{m}月" for m in range(1, 13)),
    "应交合计",
    "实交合计",
    "欠缴金额",
)
FIRST_MONTH_COLUMN = 6  # the column of 1月 in LEDGER_HEADERS (1-based)
ARREARS_YEAR_HEADERS = ("序号", "姓名", "欠缴月份", "欠缴月数", "应交", "已交", "欠缴金额")
ARREARS_HEADERS = (
    "序号",
    "党支部",
    "姓名",
    "欠缴月份",
    "欠缴月数",
    "连续欠缴月数",
    "欠缴金额（元）",
    "提示",
    "说明",
)


def _book_bytes(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _row_unpaid(row: LedgerRow) -> list[Any]:
    """The year's counted cells of a row paid below their due amount (`LedgerRow.unpaid_months`)."""
    return [c for c in row.cells if c.state in (selectors.UNPAID, selectors.SHORT) and c.counted]


def _paid(cell: Any) -> Decimal:
    return cell.payment.paid if cell.payment is not None else ZERO


def ledger_grid(ledger: Ledger) -> list[tuple[Any, ...]]:
    """The rows of sheet 党费台账: a month's cell is what was paid (0 for an ended month owed and
    not paid, empty when nothing was owed or the month has not ended), then the totals row."""
    rows: list[tuple[Any, ...]] = []
    for index, row in enumerate(ledger.rows, start=1):
        setting = row.setting
        months: list[Any] = []
        for cell in row.cells:
            if cell.payment is not None:
                months.append(cell.payment.paid)
            elif cell.state == "unpaid":
                months.append(ZERO)
            else:
                months.append(None)
        rows.append(
            (
                index,
                row.member.name,
                setting.get_dues_category_display() if setting else "",
                setting.dues_base if setting else None,
                setting.amount if setting else None,
                *months,
                row.due_total,
                row.paid_total,
                row_owed(row),
            )
        )
    monthly = list(ledger.monthly_paid) or [ZERO] * 12
    rows.append(
        (
            "合计",
            f"{len(ledger.rows)}人",
            "",
            None,
            None,
            *monthly,
            ledger.due_total,
            ledger.paid_total,
            sum((row_owed(r) for r in ledger.rows), ZERO),
        )
    )
    return rows


def row_owed(row: LedgerRow) -> Decimal:
    """What the year's ended months still lack (due − paid of the unpaid and short months)."""
    return sum(((c.due or ZERO) - _paid(c) for c in _row_unpaid(row)), ZERO)


def ledger_arrears(ledger: Ledger) -> list[tuple[Any, ...]]:
    """The rows of sheet 欠缴名单: each member with ended months of the year paid below their due."""
    rows: list[tuple[Any, ...]] = []
    for row in ledger.rows:
        unpaid = _row_unpaid(row)
        if not unpaid:
            continue
        due = sum((c.due or ZERO for c in unpaid), ZERO)
        paid = sum((_paid(c) for c in unpaid), ZERO)
        rows.append(
            (
                len(rows) + 1,
                row.member.name,
                "、".join(f"{c.month.month}月" for c in unpaid),
                len(unpaid),
                due,
                paid,
                due - paid,
            )
        )
    return rows


def ledger_workbook(ledger: Ledger) -> bytes:
    book = Workbook()
    add_sheet(book, "党费台账", LEDGER_HEADERS, ledger_grid(ledger), first=True)
    sheet = book["党费台账"]
    for offset, row in enumerate(ledger.rows, start=2):
        for month_index, cell in enumerate(row.cells):
            fill = STATE_FILLS.get(cell.state)
            if fill is not None:
                sheet.cell(row=offset, column=FIRST_MONTH_COLUMN + month_index).fill = fill
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
    add_sheet(book, "欠缴名单", ARREARS_YEAR_HEADERS, ledger_arrears(ledger))
    if ledger.unset:
        add_sheet(
            book,
            "未核定党员",
            ("序号", "姓名", "说明"),
            [
                (i, m.name, f"{ledger.year}年尚未核定每月应交党费（规则 C-5）")
                for i, m in enumerate(ledger.unset, start=1)
            ],
        )
    return _book_bytes(book)


def level_text(level: str, labels: dict[str, str]) -> str:
    return labels.get(level, "")


def arrears_rows(rows: Sequence[ArrearsRow], branch_names: dict[int, str], labels: dict[str, str]) -> list:
    return [
        (
            index,
            branch_names.get(r.member.branch_id, ""),
            r.member.name,
            "、".join(month_label(m) for m in r.months),
            len(r.months),
            r.consecutive,
            r.owed,
            level_text(r.level, labels),
            r.message,
        )
        for index, r in enumerate(rows, start=1)
    ]


def arrears_workbook(
    rows: Sequence[ArrearsRow], branch_names: dict[int, str], labels: dict[str, str]
) -> bytes:
    book = Workbook()
    add_sheet(book, "党费欠缴名单", ARREARS_HEADERS, arrears_rows(rows, branch_names, labels), first=True)
    return _book_bytes(book)


def level_labels(year: int | None = None, rules: RuleSet | None = None) -> dict[str, str]:
    """The badges of DUES-2 and C-8, with the numbers of the year's rules."""
    rules = rules or rules_for(year or today().year)
    warning = rules.integer("dues.arrears_warning_months")
    flag = rules.integer("dues.arrears_flag_months")
    return {
        selectors.WARNING: f"{warning}个月提醒",
        selectors.FLAG: f"{flag}个月标记",
    }


def flag_text(year: int | None = None, rules: RuleSet | None = None) -> str:
    """What a flag means and asks of the branch (C-8)."""
    flag = (rules or rules_for(year or today().year)).integer("dues.arrears_flag_months")
    return (
        f"连续{flag}个月不交纳党费，没有正当理由的，按自行脱党处理（党章第三十八条，规则 C-8）："
        "请支部核实原因，及时谈话提醒并研究处理。"
    )


OVERVIEW_HEADERS = (
    "序号",
    "组织代码",
    "党支部",
    "年度",
    "交纳人数",
    "应交合计（元）",
    "实交合计（元）",
    "收缴率",
    "欠缴人数",
    "其中提醒",
    "其中标记",
    "年初核定",
    "收缴公示",
)


def overview_workbook(year: int, summaries: Iterable[Any]) -> bytes:
    rows = [
        (
            index,
            s.branch.code,
            s.branch.name,
            year,
            s.members,
            s.due_total,
            s.paid_total,
            s.rate_text,
            s.arrears,
            s.warnings,
            s.flags,
            s.set_text,
            "已公示" if s.publication else "未公示",
        )
        for index, s in enumerate(summaries, start=1)
    ]
    book = Workbook()
    add_sheet(book, f"{year}年党费收缴情况", OVERVIEW_HEADERS, rows, first=True)
    return _book_bytes(book)


def member_workbook(
    settings: Iterable[DuesSetting], payments: Iterable[DuesPayment], arrears: ArrearsRow | None
) -> bytes:
    """One member's settings history, payments and current arrears."""
    book = Workbook()
    add_sheet(
        book,
        "党费核定",
        ("年度", "起始月份", "党费类别", "党费基数（元/月）", "交纳比例（%）", "每月应交（元）", "原因"),
        [
            (s.year, s.from_month, s.get_dues_category_display(), s.dues_base, s.rate, s.amount, s.reason)
            for s in settings
        ],
        first=True,
    )
    add_sheet(
        book,
        "交纳记录",
        ("所属月份", "应交金额", "实交金额", "交纳日期", "交纳方式", "备注"),
        [(f"{p.month:%Y-%m}", p.due, p.paid, p.paid_on, p.get_method_display(), p.note) for p in payments],
    )
    add_sheet(
        book,
        "欠缴",
        ("欠缴月份", "欠缴月数", "连续欠缴月数", "欠缴金额（元）"),
        [
            (
                "、".join(month_label(m) for m in arrears.months),
                len(arrears.months),
                arrears.consecutive,
                arrears.owed,
            )
        ]
        if arrears
        else [],
    )
    return _book_bytes(book)
