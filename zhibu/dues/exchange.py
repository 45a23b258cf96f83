"""The dues-ledger import of SPEC §13 (`import_dues`, DUES-2): one row per member and month paid.

First sheet, headers 公民身份号码*, 月份* (`YYYY-MM` text, or an Excel date cell: Excel turns a typed
2026-03 into a date, whose year and month are taken), 应交金额, 实交金额*, 交纳日期*. Headers match by
name in any order; an unknown column is an error naming it.

All or nothing (MEM-2): every row is read and checked before anything is written; every problem
reads `第N行 [列名] 说明`, N being the Excel row. The checks: required cells; 公民身份号码 valid
(RULES F-3) and registered (people are matched by number); the person pays dues (在册, 正式/预备
党员, 党籍正常: `services.member_problem`); amounts non-negative with at most 2 decimals; 交纳日期
real and not in the future; no (person, 月份) twice in one file; then every rule of a ledger entry through
`zhibu.dues.services.payment_problems` — the same words as the form and the API (not before the
支部大会 vote, C-6; …). The back-payment and advance limits (C-6) are not applied: a ledger records
payments that were made, possibly late (a year paid in December, a month paid in the next January —
SPEC §8 item 18 counts exactly those as arrears at year end), and refusing them would make an
office's history impossible to bring in. The page and the API apply them to new payments.

应交金额 left empty: a month already recorded keeps the due it was recorded with (settings change
the due of months not yet recorded only); otherwise the member's setting for that month
(`selectors.amount_for_month`), and without one the amount computed from the registry's 党费类别
and 党费基数 (`rules.compute_amount` with the rules of that year). When even that is impossible the
row is refused: `第N行 [应交金额] …请填写应交金额` (`services.computed_due`, the same rule and words
as the form).

The import records payments only and never creates a `DuesSetting`: a payment needs no setting
covering its month (an imported old ledger is accepted), and members without one appear as "未核定"
on the ledger page until the branch runs 年初核定 (`services.dues_set_year`); arrears count only
months covered by settings.

Payments are matched by 公民身份号码 + 月份 and written through `services.payment_record` (method
"", the sheet has none; a recorded payment keeps its method and note). A row equal to the record
(应交金额, 实交金额, 交纳日期) writes nothing, so a second import of the same file changes nothing.
From the web (`roots`, the uploader's `dues.edit` subtrees) only people of branches inside them are
accepted; the command has no scope. One `import` audit event sums the counts up.
"""

import datetime as dt
import io
import re
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import load_workbook

from zhibu.accounts.scoping import root_paths
from zhibu.dues import selectors, services
from zhibu.dues.models import DuesPayment
from zhibu.dues.rules import month_start
from zhibu.lib import idnumber
from zhibu.lib.dates import today
from zhibu.lib.importing import (
    Column,
    ImportResult,
    Row,
    file_name_of,
    in_sheet_order,
    is_blank,
    problems_from_error,
    read_sheet,
    record_import,
)
from zhibu.lib.importing import template_bytes as sheet_template_bytes
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.members.models import Member

ID_NUMBER = "公民身份号码"
MONTH = "月份"
DUE = "应交金额"
PAID = "实交金额"
PAID_ON = "交纳日期"
SHEET_TITLE = "党费台账"
MAX_AMOUNT = Decimal("99999999.99")

COLUMNS = (
    Column(
        ID_NUMBER,
        required=True,
        as_text=True,
        help="18位，第18位为数字或X；须为系统中已登记的正式党员或预备党员。"
        "请把本列设为文本格式，以免 Excel 改写长数字",
    ),
    Column(
        MONTH,
        required=True,
        as_text=True,
        help="所交党费所属的月份，YYYY-MM 格式，如 2026-03；同一人同一月份在文件中只能出现一次",
    ),
    Column(
        DUE,
        help="元，非负数，最多两位小数；留空时：已登记的月份保持原应交金额，"
        "否则按该党员该月的党费核定，没有核定的按党员名册中的党费类别和党费基数计算",
    ),
    Column(PAID, required=True, help="元，非负数，最多两位小数"),
    Column(PAID_ON, required=True, help="实际交纳的日期，不能晚于今天；补交最多6个月（党费规定 C-6）"),
)
HEADERS = [c.name for c in COLUMNS]
# payment_problems' / payment_record's field names → the sheet's columns.
FIELD_COLUMNS = {"member": ID_NUMBER, "month": MONTH, "due": DUE, "paid": PAID, "paid_on": PAID_ON}
TEMPLATE_NOTES = (
    "5. 每行是一名党员一个月的交纳记录，按“公民身份号码＋月份”匹配已登记的记录："
    "内容（应交金额、实交金额、交纳日期）未变的不作修改，有变化的予以更正。",
    "6. 应交金额留空时：已登记的月份保持原应交金额；未登记的按该党员该月的党费核定计算，"
    "没有核定的按党员名册中的党费类别和党费基数计算（党费规定 C-2～C-4），无法计算时须填写。",
    "7. 导入只登记交纳记录，不会新建党费核定：没有核定的党员在党费台账中显示为“未核定”，"
    "请支部在党费台账中进行年初核定。",
    "8. 第2行是示例，导入前请删除或改为实际数据。",
)
MONTH_MESSAGE = "月份应为YYYY-MM格式，如2026-03"
OUT_OF_SCOPE = "该人员不在您的管理范围内"
LABEL = "党费台账导入"
_MONTH_TEXT = re.compile(r"^(\d{4})-(\d{1,2})$")
_CHUNK = 900


@dataclass
class _Plan:
    row: Row
    member: Member
    month: dt.date
    due: Decimal
    paid: Decimal
    paid_on: dt.date
    existing: DuesPayment | None

    @property
    def changed(self) -> bool:
        existing = self.existing
        return existing is None or (existing.due, existing.paid, existing.paid_on) != (
            self.due,
            self.paid,
            self.paid_on,
        )


def parse_month(value: Any) -> dt.date:
    """`YYYY-MM` text or an Excel date cell → the 1st of that month; ValueError otherwise."""
    if isinstance(value, dt.datetime | dt.date):
        return dt.date(value.year, value.month, 1)
    if isinstance(value, str):
        match = _MONTH_TEXT.match(value.strip())
        if match and 1 <= int(match.group(2)) <= 12:
            return dt.date(int(match.group(1)), int(match.group(2)), 1)
    raise ValueError(MONTH_MESSAGE)


def import_dues(
    source: Any,
    *,
    actor: Any = None,
    roots: list[str] | None = None,
    dry_run: bool = False,
    scope_user: Any = None,
    file_name: str = "",
) -> ImportResult:
    """Import a dues ledger. `roots` (a web upload: `root_paths(user, "dues.edit")`, or computed from
    `scope_user`): every person's branch must lie inside them. None: no scope (the command)."""
    result = ImportResult(dry_run=dry_run, file_name=file_name or file_name_of(source))
    if roots is None and scope_user is not None:
        roots = root_paths(scope_user, "dues.edit")
    sheet = read_sheet(source, COLUMNS)
    if sheet.fatal:
        return result.refuse(sheet.problems)
    plans = _plan(sheet.rows, roots)
    problems = sheet.all_problems()
    if problems:
        return result.refuse(in_sheet_order(problems, COLUMNS))
    changed = [plan for plan in plans if plan.changed]
    result.created = sum(1 for plan in changed if plan.existing is None)
    result.updated = len(changed) - result.created
    result.unchanged = len(plans) - len(changed)
    if dry_run or not changed:
        return result
    row_number = 0
    try:
        with transaction.atomic():
            for plan in changed:
                row_number = plan.row.number
                services.payment_record(
                    actor=actor,
                    member=plan.member,
                    month=plan.month,
                    paid=plan.paid,
                    paid_on=plan.paid_on,
                    method=plan.existing.method if plan.existing else "",
                    due=plan.due,
                    note=plan.existing.note if plan.existing else "",
                    limits=False,
                )
            record_import(actor=actor, result=result, label=LABEL, object_type="dues.duespayment")
    except ValidationError as error:
        return result.refuse(problems_from_error(row_number, error, FIELD_COLUMNS))
    return result


@dataclass
class _Parsed:
    row: Row
    id_value: str
    month: dt.date | None
    due: Decimal | None
    paid: Decimal | None
    paid_on: dt.date | None


def _parse(row: Row) -> _Parsed:
    id_value = row.id_number(ID_NUMBER)
    month = None
    raw_month = row.cells.get(MONTH)
    if is_blank(raw_month):
        row.problem(MONTH, "必填项不能为空")
    else:
        try:
            month = parse_month(raw_month)
        except ValueError:
            row.problem(MONTH, MONTH_MESSAGE)
    return _Parsed(
        row=row,
        id_value=id_value,
        month=month,
        due=row.decimal(DUE, max_value=MAX_AMOUNT),
        paid=row.decimal(PAID, required=True, max_value=MAX_AMOUNT),
        paid_on=row.date(PAID_ON, required=True),
    )


def _people(ids: list[str]) -> dict[str, Member]:
    people: dict[str, Member] = {}
    for start in range(0, len(ids), _CHUNK):
        for member in Member.objects.filter(id_number__in=ids[start : start + _CHUNK]).select_related(
            "branch"
        ):
            people[member.id_number] = member
    return people


def _payments(members: list[Member], months: set[dt.date]) -> dict[tuple[int, dt.date], DuesPayment]:
    """The payments already recorded for these members and months (a few queries, never one a row)."""
    found: dict[tuple[int, dt.date], DuesPayment] = {}
    if not members or not months:
        return found
    pks = sorted({m.pk for m in members})
    for start in range(0, len(pks), _CHUNK):
        for payment in DuesPayment.objects.filter(
            member_id__in=pks[start : start + _CHUNK], month__in=sorted(months)
        ):
            found[(payment.member_id, payment.month)] = payment
    return found


def _plan(rows: list[Row], roots: list[str] | None) -> list[_Plan]:
    parsed = [_parse(row) for row in rows]
    people = _people(sorted({p.id_value for p in parsed if p.id_value}))
    existing = _payments(list(people.values()), {p.month for p in parsed if p.month is not None})
    schedules = selectors.schedules_for(people.values())
    rules: dict[int, RuleSet] = {}
    seen: dict[tuple[str, dt.date], int] = {}
    plans = []
    for item in parsed:
        row = item.row
        if item.id_value and item.month is not None:
            key = (item.id_value, item.month)
            if key in seen:
                row.problem(
                    ID_NUMBER,
                    f"与第{seen[key]}行重复：同一人同一月份（{item.month:%Y-%m}）在一个文件中只能出现一次",
                )
                continue
            seen[key] = row.number
        member = people.get(item.id_value) if item.id_value else None
        if item.id_value and member is None:
            row.problem(ID_NUMBER, f"系统中没有公民身份号码为{item.id_value}的人员")
            continue
        if member is None:
            continue
        if roots is not None and not any(member.branch.path.startswith(root) for root in roots):
            row.problem(ID_NUMBER, OUT_OF_SCOPE)
            continue
        refusal = services.member_problem(member)
        if refusal:
            row.problem(ID_NUMBER, refusal)
            continue
        if row.problems or item.month is None or item.paid is None or item.paid_on is None:
            continue
        payment = existing.get((member.pk, item.month))
        due = item.due
        if due is None and payment is not None:
            due = payment.due
        elif due is None:
            year = item.month.year
            rules.setdefault(year, rules_for(year))
            due, reason = services.computed_due(
                member, item.month, schedule=schedules[member.pk], rules=rules[year]
            )
            if due is None:
                row.problem(DUE, reason)
                continue
        found = services.payment_problems(
            member=member, month=item.month, paid=item.paid, paid_on=item.paid_on, due=due, limits=False
        )
        for name, message in found.items():
            row.problem(FIELD_COLUMNS.get(name, ID_NUMBER), message)
        if not row.problems:
            plans.append(_Plan(row, member, item.month, due, item.paid, item.paid_on, payment))
    return plans


# --- the template ---------------------------------------------------------------------------------------


def example_row(on: dt.date | None = None) -> list[Any]:
    """The template's example: a made-up person paying last month's dues on its 10th."""
    day = on or today()
    month = month_start(month_start(day) - dt.timedelta(days=1))
    number = idnumber.make("110101", dt.date(1985, 6, 15), 1, gender=idnumber.MALE)
    return [number, f"{month:%Y-%m}", "", Decimal("15.00"), f"{month.replace(day=10):%Y-%m-%d}"]


def template_bytes() -> bytes:
    """The import template: the header row (required columns marked `*`), one example row and the
    填写说明 sheet."""
    content = sheet_template_bytes(SHEET_TITLE, COLUMNS, notes=TEMPLATE_NOTES)
    book = load_workbook(io.BytesIO(content))
    sheet = book[SHEET_TITLE]
    for position, value in enumerate(example_row(), start=1):
        cell = sheet.cell(row=2, column=position, value=value)
        if COLUMNS[position - 1].as_text or isinstance(value, str):
            cell.number_format = "@"
        elif isinstance(value, Decimal):
            cell.number_format = "0.00"
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
