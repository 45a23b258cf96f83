""".xlsx exports of member development (DOC-4): a branch's 发展党员台账 (one row per file, the 25
step dates as columns, as the offices keep it) with its due items, and the due lists of every
branch in scope. The rows come from querysets loaded in constant queries by the views."""

import datetime as dt
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from openpyxl import Workbook

from zhibu.development.models import OPEN_STAGES, DevelopmentFile, Sponsor
from zhibu.development.selectors import DueItem
from zhibu.development.steps import STEPS
from zhibu.lib.xlsx import add_sheet
from zhibu.orgs.models import Organisation

LEDGER_HEADERS: tuple[str, ...] = (
    "姓名",
    "性别",
    "出生日期",
    "学历",
    "当前阶段",
    *(step.label for step in STEPS),
    "培养联系人",
    "入党介绍人",
)
DUE_HEADERS = ("党支部", "姓名", "事项", "应办日期", "是否逾期", "说明", "依据")
SUMMARY_HEADERS = ("党支部", "组织代码", *(str(s.label) for s in OPEN_STAGES), "到期事项", "其中逾期")


def current_sponsors(file: DevelopmentFile, role: str) -> list[Sponsor]:
    """The file's sponsors of `role` not replaced (reads the prefetched `sponsors`)."""
    return [s for s in file.sponsors.all() if s.role == role and s.end_on is None]


def sponsor_names(file: DevelopmentFile, role: str) -> str:
    return "、".join(s.member.name for s in current_sponsors(file, role))


def ledger_row(file: DevelopmentFile) -> list[Any]:
    """One row of the 台账: `file` with `member`, `steps` and `sponsors__member` loaded."""
    member = file.member
    done: dict[int, dt.date] = {s.number: s.done_on for s in file.steps.all()}
    return [
        member.name,
        member.get_gender_display(),
        member.birth_date,
        member.education,
        file.get_stage_display(),
        *[done.get(step.number) for step in STEPS],
        sponsor_names(file, Sponsor.Role.CULTIVATOR),
        sponsor_names(file, Sponsor.Role.INTRODUCER),
    ]


def due_row(item: DueItem, branch_names: Mapping[int, str]) -> list[Any]:
    return [
        branch_names.get(item.member.branch_id, ""),
        item.member.name,
        item.label,
        item.due_on,
        item.overdue,
        item.text,
        f"规则 {item.rule}",
    ]


def branch_workbook(
    branch: Organisation, files: Iterable[DevelopmentFile], items: Sequence[DueItem]
) -> Workbook:
    book = Workbook()
    add_sheet(book, "发展党员台账", LEDGER_HEADERS, (ledger_row(f) for f in files), first=True)
    names = {branch.pk: branch.name}
    add_sheet(book, "到期事项", DUE_HEADERS, (due_row(item, names) for item in items))
    return book


def index_workbook(
    branches: Sequence[Organisation], summary: Mapping[int, Counter], items: Sequence[DueItem]
) -> Workbook:
    book = Workbook()
    due = Counter(item.member.branch_id for item in items)
    overdue = Counter(item.member.branch_id for item in items if item.overdue)
    rows = [
        [
            b.name,
            b.code,
            *[summary.get(b.pk, Counter())[stage] for stage in OPEN_STAGES],
            due[b.pk],
            overdue[b.pk],
        ]
        for b in branches
    ]
    add_sheet(book, "各支部发展党员情况", SUMMARY_HEADERS, rows, first=True)
    names = {b.pk: b.name for b in branches}
    add_sheet(book, "到期事项", DUE_HEADERS, (due_row(item, names) for item in items))
    return book
