"""The meeting-ledger import of SPEC §13 (`import_meetings`): sheet 会议 (one row per meeting) and
sheet 出勤 (those not present: 请假 or 缺席, with the 补课 date; members expected but not listed were
present).

All or nothing: both sheets are read and every row checked before anything is written; every
problem reads `第N行 [列名] 说明`, N being the Excel row of its sheet. The column names of the two
sheets differ, and a problem of the 出勤 sheet says so in its text (`第3行 [公民身份号码] 出勤表：…`).
Meetings are matched by 组织代码 + 会议类型 + 日期 + 主题: one already recorded is left as it is, so a
second import of the same file changes nothing. New meetings are written through
`meeting_record`, the one way a meeting with its attendance enters the system; who is expected
is `selectors.expected_members`, the same definition as the pages and the compliance calendar.
"""

import datetime as dt
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhibu.accounts.scoping import root_paths
from zhibu.lib.importing import (
    FILE_COLUMN,
    GENERAL_NOTES,
    NOTES_SHEET,
    Column,
    ImportResult,
    Problem,
    Row,
    file_name_of,
    in_sheet_order,
    problems_from_error,
    read_sheet,
    record_import,
)
from zhibu.lib.xlsx import add_sheet
from zhibu.meetings.models import Attendance, Kind, Meeting
from zhibu.meetings.selectors import expected_members
from zhibu.meetings.services import Absence, meeting_record
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation

MEETINGS_SHEET = "会议"
ATTENDANCE_SHEET = "出勤"
ATTENDANCE_PREFIX = "出勤表："
KINDS = {label: value for value, label in Kind.choices}
STATUSES = {label: value for value, label in Attendance.Status.choices}
ID_NUMBER = "公民身份号码"
_CHUNK = 900

MEETING_COLUMNS = (
    Column("序号", required=True, as_text=True, help="会议表中每行唯一，出勤表的“会议序号”引用它"),
    Column(
        "组织代码",
        required=True,
        as_text=True,
        help="党小组会填党小组的组织代码；其他会议填党支部（或党总支、党委）的组织代码",
    ),
    Column("会议类型", required=True, choices=tuple(KINDS)),
    Column("日期", required=True, help="会议日期，不能晚于今天"),
    Column("主题", required=True, help="最多300个字"),
    Column("主持人", help="最多50个字"),
    Column("记录人", help="最多50个字"),
)
ATTENDANCE_COLUMNS = (
    Column("会议序号", required=True, as_text=True, help="会议表中的序号"),
    Column(
        ID_NUMBER,
        required=True,
        as_text=True,
        help="该会议的应到人员（会议当日该组织的正式、预备党员；支委会为委员）；同一会议同一人只能出现一次",
    ),
    Column("出勤情况", required=True, choices=tuple(STATUSES)),
    Column("补课日期", help="请假、缺席人员补课的日期，不能早于会议日期，不能晚于今天"),
)
# meeting_record's field names → the 会议 sheet's columns.
FIELD_COLUMNS = {
    "organisation": "组织代码",
    "kind": "会议类型",
    "held_on": "日期",
    "topic": "主题",
    "host": "主持人",
    "recorder": "记录人",
}
TEMPLATE_NOTES = (
    "5. 本文件有两个工作表：“会议”每行一次会议；“出勤”只需列出请假、缺席的人员（及补课日期），"
    "会议的应到人员中没有列出的，视为出席。",
    "6. 应到人员：党员大会、党课等支部会议为会议当日该党支部的正式党员和预备党员；"
    "支委会为当日的支委会委员；党小组会为该党小组的党员（组织代码填党小组的代码）。",
    "7. 会议按“组织代码＋会议类型＋日期＋主题”匹配：已经录入的会议不会重复导入，也不会被修改；"
    "如需更正已录入的会议，请在系统中修改。",
)
OUT_OF_SCOPE = "不存在或不在您的管理范围内"


@dataclass
class _MeetingPlan:
    row: Row
    serial: str
    organisation: Organisation | None
    kind: str | None
    held_on: dt.date | None
    topic: str
    host: str
    recorder: str
    existing: Meeting | None = None
    exceptions: dict[int, Absence] = field(default_factory=dict)
    _expected: set[int] | None = None

    @property
    def complete(self) -> bool:
        """Organisation, kind and date are known and fit: who is expected can be asked."""
        return (
            self.organisation is not None
            and self.kind is not None
            and self.held_on is not None
            and not any(self.row.has_problem(c) for c in ("组织代码", "会议类型", "日期"))
        )

    def expected(self) -> set[int]:
        if self._expected is None:
            assert self.organisation is not None and self.kind is not None and self.held_on is not None
            self._expected = set(
                expected_members(self.organisation, self.kind, self.held_on).values_list("pk", flat=True)
            )
        return self._expected

    @property
    def key(self) -> tuple[int, str, dt.date, str] | None:
        if not self.complete:
            return None
        assert self.organisation is not None and self.kind is not None and self.held_on is not None
        return (self.organisation.pk, self.kind, self.held_on, self.topic)


def _content(source: Any) -> bytes:
    if isinstance(source, bytes):
        return source
    if isinstance(source, str | Path):
        return Path(source).read_bytes()
    if hasattr(source, "seek"):
        source.seek(0)
    data = source.read()
    return data if isinstance(data, bytes) else bytes(data)


def _other_sheets(content: bytes) -> tuple[list[str], list[str]]:
    """(all sheet names, the names of sheets other than 会议, 出勤 and 填写说明 that hold data)."""
    try:
        book = load_workbook(io.BytesIO(content), read_only=True)
    except Exception:  # not an .xlsx: read_sheet reports it
        return [], []
    try:
        known = {MEETINGS_SHEET, ATTENDANCE_SHEET, NOTES_SHEET}
        with_data = [
            name
            for name in book.sheetnames
            if name not in known
            and any(
                any(value not in (None, "") for value in row)
                for row in book[name].iter_rows(max_row=50, values_only=True)
            )
        ]
        return list(book.sheetnames), with_data
    finally:
        book.close()


def _attendance_problem(problem: Problem) -> Problem:
    return Problem(problem.row, problem.column, ATTENDANCE_PREFIX + problem.message)


def import_meetings(
    source: Any, *, actor: Any, dry_run: bool = False, scope_user: Any = None, file_name: str = ""
) -> ImportResult:
    """Import a meeting ledger. `scope_user` (a web upload): every 组织代码 must lie inside that
    user's `meetings.edit` subtrees."""
    result = ImportResult(dry_run=dry_run, file_name=file_name or file_name_of(source))
    try:
        content = _content(source)
    except OSError as error:
        return result.refuse([Problem(1, FILE_COLUMN, f"无法读取文件：{error.strerror or error}")])
    meetings_sheet = read_sheet(content, MEETING_COLUMNS, sheet_name=MEETINGS_SHEET)
    attendance_rows: list[Row] = []
    attendance_problems: list[Problem] = []
    file_problems: list[Problem] = []
    names, others = _other_sheets(content)
    if ATTENDANCE_SHEET in names:
        attendance_sheet = read_sheet(content, ATTENDANCE_COLUMNS, sheet_name=ATTENDANCE_SHEET)
        attendance_problems = list(attendance_sheet.problems)
        attendance_rows = [] if attendance_sheet.fatal else attendance_sheet.rows
    elif others:
        # Without a 出勤 sheet everyone expected counts as present: a misnamed one would silently
        # turn every absence into attendance, so a sheet with data under another name is refused.
        listed = "、".join(f"“{name}”" for name in others)
        file_problems = [
            Problem(
                1,
                FILE_COLUMN,
                f"找不到工作表“{ATTENDANCE_SHEET}”，而工作表{listed}有数据：请假、缺席人员应填在名为"
                f"“{ATTENDANCE_SHEET}”的工作表中（全部出席时可删去其他工作表）",
            )
        ]
    roots = root_paths(scope_user, "meetings.edit") if scope_user is not None else None
    # Both sheets' problems are reported together: a 会议 sheet that cannot be read (a required
    # column missing) still lets the 出勤 sheet's own cells be checked, without the references.
    plans = None if meetings_sheet.fatal else _plan_meetings(meetings_sheet.rows, roots)
    _plan_attendance(attendance_rows, plans)
    problems = in_sheet_order([*file_problems, *meetings_sheet.all_problems()], MEETING_COLUMNS) + [
        _attendance_problem(p)
        for p in in_sheet_order(
            [*attendance_problems, *(p for row in attendance_rows for p in row.problems)],
            ATTENDANCE_COLUMNS,
        )
    ]
    if problems or plans is None:
        return result.refuse(problems)
    new = [plan for plan in plans.values() if plan.existing is None]
    result.created = len(new)
    result.unchanged = len(plans) - len(new)
    if dry_run or not new:
        return result
    row_number = 0
    try:
        with transaction.atomic():
            for plan in new:
                row_number = plan.row.number
                assert plan.organisation is not None and plan.kind is not None and plan.held_on is not None
                meeting_record(
                    actor=actor,
                    organisation=plan.organisation,
                    kind=plan.kind,
                    held_on=plan.held_on,
                    topic=plan.topic,
                    host=plan.host,
                    recorder=plan.recorder,
                    exceptions=plan.exceptions,
                    import_serial=plan.serial,
                )
            record_import(actor=actor, result=result, label="会议台账导入", object_type="meetings.meeting")
    except ValidationError as error:
        return result.refuse(problems_from_error(row_number, error, FIELD_COLUMNS))
    return result


def _inside(org: Organisation, roots: list[str] | None) -> bool:
    return roots is None or any(org.path.startswith(root) for root in roots)


def _plan_meetings(rows: list[Row], roots: list[str] | None) -> dict[str, _MeetingPlan]:
    """The 会议 rows as plans, by 序号 (the first row of a repeated 序号 keeps it)."""
    parsed = []
    for row in rows:
        parsed.append(
            _MeetingPlan(
                row=row,
                serial=row.text("序号", required=True, max_length=30),
                organisation=None,
                kind=row.choice("会议类型", KINDS, required=True),
                held_on=row.date("日期", required=True),
                topic=row.text("主题", required=True, max_length=300),
                host=row.text("主持人", max_length=50),
                recorder=row.text("记录人", max_length=50),
            )
        )
    codes = sorted({row.text("组织代码") for row in rows} - {""})
    orgs: dict[str, Organisation] = {}
    for start in range(0, len(codes), _CHUNK):
        orgs.update((o.code, o) for o in Organisation.objects.filter(code__in=codes[start : start + _CHUNK]))
    plans: dict[str, _MeetingPlan] = {}
    keys: dict[tuple[int, str, dt.date, str], int] = {}
    for plan in parsed:
        row = plan.row
        plan.organisation = _organisation(row, plan.kind, orgs, roots)
        if plan.serial:
            if plan.serial in plans:
                row.problem("序号", f"与第{plans[plan.serial].row.number}行重复：序号在会议表中不能重复")
            else:
                plans[plan.serial] = plan
        key = plan.key
        if key is not None and plan.topic:
            if key in keys:
                row.problem("主题", f"与第{keys[key]}行是同一次会议（组织代码、会议类型、日期、主题均相同）")
            else:
                keys[key] = row.number
    _match_existing(list(plans.values()))
    return plans


def _organisation(
    row: Row, kind: str | None, orgs: dict[str, Organisation], roots: list[str] | None
) -> Organisation | None:
    code = row.text("组织代码", required=True)
    if not code:
        return None
    org = orgs.get(code)
    if org is None or not _inside(org, roots):
        suffix = OUT_OF_SCOPE if roots is not None else "不存在"
        row.problem("组织代码", f"组织代码“{code}”{suffix}")
        return None
    if not org.is_active:
        row.problem("组织代码", f"{org.name}（{code}）已撤销，不能记录会议")
        return None
    if kind == Kind.GROUP_MEETING and org.kind != Organisation.Kind.GROUP:
        row.problem("组织代码", f"党小组会应填写党小组的组织代码，“{code}”是{org.get_kind_display()}")
        return None
    if kind is not None and kind != Kind.GROUP_MEETING and org.kind == Organisation.Kind.GROUP:
        row.problem(
            "组织代码", f"{Kind(kind).label}应填写党支部（或党总支、党委）的组织代码，“{code}”是党小组"
        )
        return None
    return org


def _match_existing(plans: list[_MeetingPlan]) -> None:
    """Meetings already recorded, matched by 组织代码 + 会议类型 + 日期 + 主题, in one query."""
    keyed = {plan.key: plan for plan in plans if plan.key is not None}
    if not keyed:
        return
    org_ids = sorted({key[0] for key in keyed if key})
    dates = sorted({key[2] for key in keyed if key})
    for meeting in Meeting.objects.filter(
        organisation_id__in=org_ids, held_on__gte=dates[0], held_on__lte=dates[-1]
    ):
        plan = keyed.get((meeting.organisation_id, meeting.kind, meeting.held_on, meeting.topic))
        if plan is not None:
            plan.existing = meeting


def _plan_attendance(rows: list[Row], plans: dict[str, _MeetingPlan] | None) -> None:
    """Check the 出勤 rows and file each 请假/缺席 under its meeting's plan. `plans` is None when
    the 会议 sheet could not be read: only the cells themselves are checked then."""
    parsed = []
    for row in rows:
        serial = row.text("会议序号", required=True)
        id_value = row.id_number(ID_NUMBER)
        status = row.choice("出勤情况", STATUSES, required=True)
        makeup_on = row.date("补课日期")
        parsed.append((row, serial, id_value, status, makeup_on))
    ids = sorted({id_value for _, _, id_value, _, _ in parsed if id_value})
    people: dict[str, Member] = {}
    for start in range(0, len(ids), _CHUNK):
        for person in Member.objects.filter(id_number__in=ids[start : start + _CHUNK]):
            people[person.id_number] = person
    seen: dict[tuple[str, str], int] = {}
    for row, serial, id_value, status, makeup_on in parsed:
        plan = plans.get(serial) if serial and plans is not None else None
        if serial and plan is None and plans is not None:
            row.problem("会议序号", f"会议序号“{serial}”在会议表中不存在")
        if serial and id_value:
            if (serial, id_value) in seen:
                row.problem(ID_NUMBER, f"与第{seen[(serial, id_value)]}行重复：同一会议的同一人只能出现一次")
                continue
            seen[(serial, id_value)] = row.number
        member = people.get(id_value) if id_value else None
        if id_value and member is None:
            row.problem(ID_NUMBER, "该公民身份号码未在党员名册中登记")
        if plan is not None and plan.held_on is not None and makeup_on is not None:
            if status == Attendance.Status.PRESENT:
                row.problem("补课日期", "出席的人员不需要填写补课日期")
            elif makeup_on < plan.held_on:
                row.problem(
                    "补课日期",
                    f"补课日期 {makeup_on:%Y-%m-%d} 早于会议日期 {plan.held_on:%Y-%m-%d}",
                )
        if plan is None or member is None or not plan.complete:
            continue
        if member.pk not in plan.expected():
            assert plan.organisation is not None and plan.held_on is not None
            who = "支委会委员" if plan.kind == Kind.COMMITTEE_MEETING else "党员（正式或预备）"
            row.problem(
                ID_NUMBER,
                f"该人员不是该会议的应到人员：{plan.held_on:%Y-%m-%d}不是{plan.organisation.name}的{who}",
            )
            continue
        if status in (Attendance.Status.ON_LEAVE, Attendance.Status.ABSENT) and not row.problems:
            plan.exceptions[member.pk] = Absence(status=status, makeup_on=makeup_on)


# --- the template ---------------------------------------------------------------------------------------


def template_bytes() -> bytes:
    """The ledger template: the 会议 and 出勤 sheets (required columns marked `*` and in red) and a
    填写说明 sheet describing every column of both."""
    book = Workbook()
    for index, (title, columns) in enumerate(
        ((MEETINGS_SHEET, MEETING_COLUMNS), (ATTENDANCE_SHEET, ATTENDANCE_COLUMNS))
    ):
        add_sheet(book, title, [c.header for c in columns], [], first=index == 0)
        sheet = book[title]
        for position, column in enumerate(columns, start=1):
            if column.required:
                sheet.cell(row=1, column=position).font = Font(bold=True, color="C00000")
            if column.as_text:
                sheet.column_dimensions[get_column_letter(position)].number_format = "@"
    rows = [
        (title, c.name, "是" if c.required else "否", "、".join(c.choices), c.help)
        for title, columns in ((MEETINGS_SHEET, MEETING_COLUMNS), (ATTENDANCE_SHEET, ATTENDANCE_COLUMNS))
        for c in columns
    ]
    add_sheet(book, NOTES_SHEET, ["工作表", "列名", "是否必填", "允许的值", "说明"], rows)
    notes = book[NOTES_SHEET]
    notes.append([])
    general = [line.replace("第一个工作表", "“会议”“出勤”工作表") for line in GENERAL_NOTES]
    for line in (*general, *TEMPLATE_NOTES):
        notes.append([line])
    for sheet_row in notes.iter_rows(min_row=2, max_col=5):
        for cell in sheet_row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
