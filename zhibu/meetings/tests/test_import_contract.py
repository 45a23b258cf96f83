"""import_meetings against the exact text of SPEC §13 (contract review R1): cells typed as numbers,
stray spaces, empty rows, and every problem of both sheets reported together."""

import datetime as dt
import io
from typing import Any

from openpyxl import load_workbook

from zhibu.lib import idnumber
from zhibu.meetings.exchange import import_meetings
from zhibu.meetings.models import Attendance, Meeting
from zhibu.meetings.tests.test_import import attendance, ledger, lines, meeting, refused, state
from zhibu.members.tests.factories import make_member
from zhibu.orgs.tests.factories import make_org

D = dt.date


def marks(meeting_obj: Meeting) -> dict[str, str]:
    return {a.member.name: a.status for a in meeting_obj.attendances.select_related("member")}


def test_a_serial_typed_as_a_number_matches_the_same_serial_typed_as_text(world: Any) -> None:
    second = make_member(world.branch_a, "乙")
    meetings = [meeting(序号=1), meeting(序号="2", 主题="第二次", 日期="2026-03-11"),
                meeting(序号=3.0, 主题="第三次", 日期="2026-03-12")]  # fmt: skip
    rows = [
        attendance(second, 会议序号="1", 出勤情况="缺席"),
        attendance(second, 会议序号=2, 出勤情况="请假"),
        attendance(second, 会议序号=3, 出勤情况="缺席"),
    ]
    result = import_meetings(ledger(meetings, rows), actor=None)
    assert lines(result) == [] and result.created == 3
    by_topic = {m.topic: marks(m)["乙"] for m in Meeting.objects.all()}
    assert by_topic == {"一季度党员大会": "absent", "第二次": "on_leave", "第三次": "absent"}
    assert set(Meeting.objects.values_list("import_serial", flat=True)) == {"1", "2", "3"}


def test_an_organisation_code_typed_as_a_number_is_found(world: Any) -> None:
    numbered = make_org("101", "branch", world.committee, name="数字代码党支部")
    make_member(numbered, "丁")
    result = import_meetings(ledger([meeting(组织代码=101), meeting(序号="2", 组织代码=101.0, 主题="二")]),
                             actor=None)  # fmt: skip
    assert lines(result) == [] and result.created == 2
    assert set(Meeting.objects.values_list("organisation__code", flat=True)) == {"101"}


def test_stray_spaces_around_cells_and_headers_are_ignored(world: Any) -> None:
    second = make_member(world.branch_a, "乙")
    headers = ["序号 *", " 组织代码*", "会议类型 ", "日期＊", "主题", "主持人", "记录人"]
    cells = {"序号 *": " 1 ", " 组织代码*": "A ", "会议类型 ": " 党员大会 ", "日期＊": " 2026-03-10 ",
             "主题": "一季度党员大会  ", "主持人": " 张书记", "记录人": None}  # fmt: skip
    book_rows = [{h.rstrip("*"): v for h, v in cells.items()}]
    rows = [
        {"会议序号": "1 ", "公民身份号码": f" {second.id_number} ", "出勤情况": "请假 ", "补课日期": None}
    ]
    result = import_meetings(ledger(book_rows, rows, meeting_headers=headers), actor=None)
    assert lines(result) == [] and result.created == 1
    held = Meeting.objects.get()
    assert (held.topic, held.host, held.held_on) == ("一季度党员大会", "张书记", D(2026, 3, 10))
    assert marks(held)["乙"] == "on_leave"
    # the same meeting typed without the spaces is the same meeting: nothing changes
    before = state()
    again = import_meetings(ledger([meeting()]), actor=None)
    assert lines(again) == [] and (again.created, again.unchanged) == (0, 1)
    assert state() == before


def test_empty_rows_between_data_are_skipped_and_rows_keep_their_excel_numbers(world: Any) -> None:
    blank_meeting = dict.fromkeys(meeting(), None)
    blank_row = {"会议序号": None, "公民身份号码": None, "出勤情况": None, "补课日期": None}
    meetings = [meeting(), blank_meeting, blank_meeting, meeting(序号="2", 会议类型="支部大会", 主题="二")]
    rows = [blank_row, attendance(world.member_in_a, 出勤情况="迟到")]
    assert refused(meetings, rows) == [
        "第5行 [会议类型] “支部大会”不是允许的值，应为：党员大会、支委会、党小组会、党课、主题党日、"
        "组织生活会、民主生活会、民主评议党员、警示教育、特色活动、谈心谈话、其他",
        "第3行 [出勤情况] 出勤表：“迟到”不是允许的值，应为：出席、请假、缺席",
    ]
    good = import_meetings(ledger([meeting(), blank_meeting, meeting(序号="2", 主题="二")], [blank_row]),
                           actor=None)  # fmt: skip
    assert lines(good) == [] and good.created == 2


def test_a_missing_column_of_the_meetings_sheet_does_not_hide_the_attendance_sheets_problems(
    world: Any,
) -> None:
    content = ledger(
        [meeting()],
        [attendance(world.member_in_a, 出勤情况="迟到") | {"原因": "出差"}],
        meeting_headers=["序号", "组织代码", "会议类型", "日期"],
        attendance_headers=["会议序号", "公民身份号码", "出勤情况", "补课日期", "原因"],
    )
    before = state()
    found = lines(import_meetings(content, actor=None))
    assert state() == before
    assert found == [
        "第1行 [主题] 缺少必填列",
        "第1行 [原因] 出勤表：未知的列“原因”，允许的列：会议序号、公民身份号码、出勤情况、补课日期",
        "第2行 [出勤情况] 出勤表：“迟到”不是允许的值，应为：出席、请假、缺席",
    ]


def test_problems_of_both_sheets_are_reported_together(world: Any) -> None:
    found = refused(
        [meeting(组织代码="NOPE"), meeting(序号="2", 日期="2026-02-30", 主题="二")],
        [attendance(world.member_in_a, 会议序号="2", 补课日期="2099-01-01"),
         attendance(world.member_in_a, 会议序号="7")],
    )  # fmt: skip
    assert [line.split(" ", 2)[:2] for line in found] == [
        ["第2行", "[组织代码]"],
        ["第3行", "[日期]"],
        ["第2行", "[补课日期]"],
        ["第3行", "[会议序号]"],
    ]
    assert all(line.startswith("第") for line in found)


def test_an_id_number_typed_as_a_number_is_refused_with_the_reason(world: Any) -> None:
    digits = world.member_in_a.id_number
    lost = float(digits) if digits[-1] != "X" else float(digits[:-1])
    found = refused([meeting()], [attendance(world.member_in_a) | {"公民身份号码": lost}])
    assert len(found) == 1 and found[0].startswith("第2行 [公民身份号码] 出勤表：")
    assert "文本格式" in found[0]


def test_a_lower_case_x_is_the_check_character_x(world: Any) -> None:
    number = next(
        idnumber.make("110101", D(1980, 1, 1), n, gender=idnumber.MALE)
        for n in range(100)
        if idnumber.make("110101", D(1980, 1, 1), n, gender=idnumber.MALE).endswith("X")
    )
    person = make_member(world.branch_a, "戊")
    person.__class__.objects.filter(pk=person.pk).update(id_number=number)
    result = import_meetings(ledger([meeting()], [{"会议序号": "1", "公民身份号码": number.lower(),
                                                   "出勤情况": "缺席"}]), actor=None)  # fmt: skip
    assert lines(result) == []
    assert marks(Meeting.objects.get())["戊"] == "absent"


def test_expected_members_follow_the_kind(world: Any) -> None:
    a = world.branch_a
    in_group = world.member_in_a
    outside_group = make_member(a, "组外")
    activist = make_member(a, "积极分子", category="activist")
    kinds = [
        "党员大会",
        "党课",
        "主题党日",
        "组织生活会",
        "民主评议党员",
        "警示教育",
        "特色活动",
        "谈心谈话",
        "其他",
    ]
    meetings = [meeting(序号=str(i), 会议类型=k, 主题=k) for i, k in enumerate(kinds, start=1)]
    meetings.append(meeting(序号="G", 组织代码="A1", 会议类型="党小组会", 主题="小组会"))
    result = import_meetings(ledger(meetings), actor=None)
    assert lines(result) == []
    for held in Meeting.objects.all():
        expected = set(marks(held))
        if held.kind == "group_meeting":
            assert expected == {in_group.name}
        else:
            assert expected == {in_group.name, outside_group.name}, held.kind
        assert activist.name not in expected
    # one listed outside the group is not expected at the group's meeting
    found = refused([meeting(序号="G", 组织代码="A1", 会议类型="党小组会", 主题="小组会二")],
                    [attendance(outside_group, 会议序号="G")])  # fmt: skip
    assert len(found) == 1 and found[0].startswith("第2行 [公民身份号码] 出勤表：该人员不是该会议的应到人员")


def test_a_date_with_a_time_of_day_is_its_date_and_a_future_makeup_is_refused(world: Any) -> None:
    second = make_member(world.branch_a, "乙")
    result = import_meetings(
        ledger([meeting(日期=dt.datetime(2026, 3, 10, 14, 30))],  # noqa: DTZ001
               [attendance(second, 补课日期=dt.datetime(2026, 3, 12, 9, 0))]),  # noqa: DTZ001
        actor=None,
    )  # fmt: skip
    assert lines(result) == []
    assert Attendance.objects.get(member=second).makeup_on == D(2026, 3, 12)
    found = refused([meeting(序号="2", 主题="二")], [attendance(second, 会议序号="2", 补课日期="2099-01-01")])
    assert len(found) == 1 and found[0].startswith("第2行 [补课日期] 出勤表：日期 2099-01-01 晚于今天")


def test_a_misnamed_attendance_sheet_is_refused_rather_than_counting_everyone_present(world: Any) -> None:
    second = make_member(world.branch_a, "乙")
    book = load_workbook(io.BytesIO(ledger([meeting()], [attendance(second, 出勤情况="缺席")])))
    book["出勤"].title = "出勤表"
    book.create_sheet("Sheet")  # an empty extra sheet is harmless
    buffer = io.BytesIO()
    book.save(buffer)
    before = state()
    found = lines(import_meetings(buffer.getvalue(), actor=None))
    assert state() == before
    assert found == [
        "第1行 [文件] 找不到工作表“出勤”，而工作表“出勤表”有数据：请假、缺席人员应填在名为"
        "“出勤”的工作表中（全部出席时可删去其他工作表）"
    ]
