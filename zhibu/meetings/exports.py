""".xlsx exports of organisational life (DOC-4): the meeting ledger of a branch and year (with
its attendance counts), one meeting's attendance sheet, and the notices. The column names of the
ledger follow the 会议 sheet of SPEC §13 `import_meetings`, so an exported ledger reads like the
one an office keeps."""

import datetime as dt
import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from zhibu.lib.xlsx import add_sheet, workbook_bytes
from zhibu.meetings.models import Attendance, Meeting, Notice
from zhibu.meetings.selectors import meeting_branch

MEETING_HEADERS = (
    "序号",
    "组织代码",
    "党组织",
    "会议类型",
    "日期",
    "主题",
    "地点",
    "主持人",
    "记录人",
    "应到",
    "实到",
    "请假",
    "缺席",
    "补课",
    "出勤率",
)


def _rate(present: int, expected: int) -> str:
    return f"{present * 100 / expected:.1f}%" if expected else ""


def meetings_workbook(meetings: Iterable[Meeting]) -> bytes:
    """`meetings` come from `selectors.meeting_search` (with the attendance counts annotated)."""
    rows = []
    for index, m in enumerate(meetings, start=1):
        counts: Any = m
        rows.append(
            (
                index,
                m.organisation.code,
                m.organisation.name,
                m.get_kind_display(),
                m.held_on,
                m.topic,
                m.place,
                m.host,
                m.recorder,
                counts.expected_count,
                counts.present_count,
                counts.leave_count,
                counts.absent_count,
                counts.makeup_count,
                _rate(counts.present_count, counts.expected_count),
            )
        )
    return workbook_bytes("会议", MEETING_HEADERS, rows)


def attendance_workbook(meeting: Meeting, rows: list[Attendance]) -> bytes:
    """One meeting's sign-in sheet: the meeting on the first sheet, each expected person on the second."""
    book = Workbook()
    branch = meeting_branch(meeting.organisation)
    add_sheet(
        book,
        "会议",
        ("项目", "内容"),
        [
            ("党支部", branch.name),
            ("党组织", meeting.organisation.name),
            ("会议类型", meeting.get_kind_display()),
            ("日期", meeting.held_on),
            ("主题", meeting.topic),
            ("地点", meeting.place),
            ("主持人", meeting.host),
            ("记录人", meeting.recorder),
            ("应到", len(rows)),
            ("实到", sum(1 for r in rows if r.status == Attendance.Status.PRESENT)),
        ],
        first=True,
    )
    add_sheet(
        book,
        "出勤",
        ("序号", "姓名", "出勤情况", "请假或缺席原因", "补课日期", "补课方式和内容"),
        [
            (index, r.member.name, r.get_status_display(), r.reason, r.makeup_on, r.makeup_note)
            for index, r in enumerate(rows, start=1)
        ],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def notice_state(notice: Notice, on: dt.date) -> str:
    if notice.start_on > on:
        return "未开始"
    return "公示中" if notice.end_on >= on else "已结束"


def notices_workbook(notices: Iterable[Notice], on: dt.date) -> bytes:
    rows = [
        (
            index,
            n.organisation.name,
            n.get_subject_display(),
            n.title,
            n.start_on,
            n.end_on,
            notice_state(n, on),
            n.decision.title if n.decision else "",
            n.content,
        )
        for index, n in enumerate(notices, start=1)
    ]
    headers = ("序号", "党组织", "类别", "标题", "公示开始", "公示结束", "状态", "对应的议事决定", "内容")
    return workbook_bytes("公示", headers, rows)
