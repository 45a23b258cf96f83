"""import_meetings (SPEC §13): two sheets, all or nothing, `第N行 [列名] 说明`, idempotent."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.lib.dates import today
from zhibu.meetings import exchange
from zhibu.meetings.exchange import import_meetings
from zhibu.meetings.models import Attendance, Meeting
from zhibu.members.tests.factories import make_id_number, make_member
from zhibu.orgs import services as org_services

D = dt.date
SPEC_MEETING_HEADERS = ["序号", "组织代码", "会议类型", "日期", "主题", "主持人", "记录人"]
SPEC_ATTENDANCE_HEADERS = ["会议序号", "公民身份号码", "出勤情况", "补课日期"]
SPEC_KINDS = ["党员大会", "支委会", "党小组会", "党课", "主题党日", "组织生活会", "民主生活会",
              "民主评议党员", "警示教育", "特色活动", "谈心谈话", "其他"]  # fmt: skip


def ledger(
    meetings: list[dict[str, Any]],
    attendance: list[dict[str, Any]] | None = None,
    *,
    meeting_headers: list[str] | None = None,
    attendance_headers: list[str] | None = None,
) -> bytes:
    book = Workbook()
    sheets = [("会议", meeting_headers or SPEC_MEETING_HEADERS, meetings)]
    if attendance is not None:
        sheets.append(("出勤", attendance_headers or SPEC_ATTENDANCE_HEADERS, attendance))
    for index, (title, headers, rows) in enumerate(sheets):
        sheet = book.active if index == 0 else book.create_sheet()
        sheet.title = title
        sheet.append(headers)
        for row in rows:
            sheet.append([row.get(h.rstrip("*")) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def meeting(**cells: Any) -> dict[str, Any]:
    row = {"序号": "1", "组织代码": "A", "会议类型": "党员大会", "日期": "2026-03-10",
           "主题": "一季度党员大会", "主持人": "张书记", "记录人": "李委员"}  # fmt: skip
    return row | cells


def attendance(member: Any, **cells: Any) -> dict[str, Any]:
    return {"会议序号": "1", "公民身份号码": member.id_number, "出勤情况": "请假", "补课日期": None} | cells


def state() -> tuple[int, int, int]:
    return Meeting.objects.count(), Attendance.objects.count(), AuditEvent.objects.count()


def lines(result: Any) -> list[str]:
    return [str(p) for p in result.problems]


def refused(
    meetings: list[dict[str, Any]], rows: list[dict[str, Any]] | None = None, **kwargs: Any
) -> list[str]:
    before = state()
    result = import_meetings(ledger(meetings, rows), actor=None, **kwargs)
    assert not result.ok
    assert state() == before
    return lines(result)


def test_the_columns_and_enumerations_are_the_contract() -> None:
    assert [c.name for c in exchange.MEETING_COLUMNS] == SPEC_MEETING_HEADERS
    assert [c.name for c in exchange.ATTENDANCE_COLUMNS] == SPEC_ATTENDANCE_HEADERS
    assert list(exchange.KINDS) == SPEC_KINDS
    assert list(exchange.STATUSES) == ["出席", "请假", "缺席"]


# --- a good ledger --------------------------------------------------------------------------------


def test_it_records_meetings_and_those_not_listed_were_present(world: Any) -> None:
    a = world.branch_a
    second, third = make_member(a, "乙", group=world.group_a1), make_member(a, "丙")
    meetings = [
        meeting(),
        meeting(序号="2", 组织代码="A1", 会议类型="党小组会", 日期=D(2026, 3, 12), 主题="小组学习"),
    ]
    rows = [
        attendance(second, 出勤情况="请假", 补课日期="2026-03-15"),
        attendance(third, 出勤情况="缺席"),
        attendance(world.member_in_a, 出勤情况="出席"),
        attendance(second, 会议序号="2", 出勤情况="缺席"),
    ]
    result = import_meetings(ledger(meetings, rows), actor=world.secretary_a, file_name="台账.xlsx")
    assert lines(result) == [] and (result.created, result.unchanged) == (2, 0)
    general = Meeting.objects.get(kind="general_meeting")
    assert (general.organisation, general.host, general.recorder, general.import_serial) == (
        a,
        "张书记",
        "李委员",
        "1",
    )
    marks = {r.member.name: (r.status, r.makeup_on) for r in general.attendances.select_related("member")}
    assert marks == {"甲党员": ("present", None), "乙": ("on_leave", D(2026, 3, 15)), "丙": ("absent", None)}
    group = Meeting.objects.get(kind="group_meeting")
    assert group.organisation == world.group_a1
    assert {r.member.name: r.status for r in group.attendances.select_related("member")} == {
        "甲党员": "present",
        "乙": "absent",
    }
    event = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert "台账.xlsx" in event.note and "新增 2 条" in event.note


def test_a_second_import_of_the_same_file_changes_nothing(world: Any) -> None:
    content = ledger([meeting(), meeting(序号="2", 主题="二季度党员大会", 日期="2026-04-10")],
                     [attendance(world.member_in_a)])  # fmt: skip
    first = import_meetings(content, actor=None)
    assert first.created == 2
    before = state()
    second = import_meetings(content, actor=None)
    assert lines(second) == [] and (second.created, second.unchanged) == (0, 2)
    assert state() == before


def test_the_attendance_sheet_may_be_left_out_when_everyone_was_present(world: Any) -> None:
    result = import_meetings(ledger([meeting()]), actor=None)
    assert result.created == 1
    assert list(Attendance.objects.values_list("status", flat=True)) == ["present"]


def test_excel_dates_and_text_dates_are_both_accepted(world: Any) -> None:
    result = import_meetings(
        ledger([meeting(日期=dt.datetime(2026, 3, 10)), meeting(序号="2", 日期="2026-4-1", 主题="第二次")],  # noqa: DTZ001
               [attendance(world.member_in_a, 会议序号="2", 补课日期=dt.datetime(2026, 4, 2))]),  # noqa: DTZ001
        actor=None,
    )  # fmt: skip
    assert lines(result) == []
    assert sorted(Meeting.objects.values_list("held_on", flat=True)) == [D(2026, 3, 10), D(2026, 4, 1)]


def test_a_dry_run_validates_and_counts_but_writes_nothing(world: Any) -> None:
    before = state()
    result = import_meetings(ledger([meeting()]), actor=None, dry_run=True)
    assert result.ok and result.created == 1
    assert state() == before


def test_a_committee_meeting_expects_the_committee(world: Any) -> None:
    a = world.branch_a
    seat_holder = make_member(a, "支委")
    committee = org_services.committee_elect(actor=None, organisation=a, elected_on=D(2025, 1, 1))
    org_services.committee_seat_add(actor=None, committee=committee, member=seat_holder, post="secretary",
                                    start_on=D(2025, 1, 1))  # fmt: skip
    row = meeting(会议类型="支委会", 主题="研究发展党员")
    assert refused([row], [attendance(world.member_in_a)]) == [
        "第2行 [公民身份号码] 出勤表：该人员不是该会议的应到人员：2026-03-10不是第一党支部的支委会委员"
    ]
    result = import_meetings(ledger([row], [attendance(seat_holder)]), actor=None)
    assert result.created == 1
    assert list(Attendance.objects.values_list("member__name", "status")) == [("支委", "on_leave")]


# --- every problem named by row and column ---------------------------------------------------------


def test_required_cells_must_be_present(world: Any) -> None:
    rows = [
        meeting(序号=""),
        meeting(序号="2", 组织代码=None, 会议类型=" "),
        meeting(序号="3", 日期=None, 主题=""),
    ]
    assert refused(rows) == [
        "第2行 [序号] 必填项不能为空",
        "第3行 [组织代码] 必填项不能为空",
        "第3行 [会议类型] 必填项不能为空",
        "第4行 [日期] 必填项不能为空",
        "第4行 [主题] 必填项不能为空",
    ]
    assert refused(
        [meeting()], [{"会议序号": "", "公民身份号码": "", "出勤情况": None, "补课日期": "2026-03-11"}]
    ) == [
        "第2行 [会议序号] 出勤表：必填项不能为空",
        "第2行 [公民身份号码] 出勤表：必填项不能为空",
        "第2行 [出勤情况] 出勤表：必填项不能为空",
    ]


def test_enumerations_must_be_exact(world: Any) -> None:
    found = refused([meeting(会议类型="党员会")], [attendance(world.member_in_a, 出勤情况="迟到")])
    assert found == [
        f"第2行 [会议类型] “党员会”不是允许的值，应为：{'、'.join(SPEC_KINDS)}",
        "第2行 [出勤情况] 出勤表：“迟到”不是允许的值，应为：出席、请假、缺席",
    ]


def test_dates_must_be_real_and_not_in_the_future(world: Any) -> None:
    tomorrow = today() + dt.timedelta(days=1)
    rows = [meeting(日期="2026-02-30"), meeting(序号="2", 日期=tomorrow), meeting(序号="3", 日期="10/3/2026")]
    found = refused(rows, [attendance(world.member_in_a, 补课日期="2025-02-29")])
    assert found == [
        "第2行 [日期] “2026-02-30”不是真实的日期",
        f"第3行 [日期] 日期 {tomorrow:%Y-%m-%d} 晚于今天（{today():%Y-%m-%d}），日期不能是将来",
        "第4行 [日期] 日期格式应为 YYYY-MM-DD 或 Excel 日期，实为“10/3/2026”",
        "第2行 [补课日期] 出勤表：“2025-02-29”不是真实的日期",
    ]


def test_a_makeup_is_not_before_the_meeting_and_only_for_those_not_present(world: Any) -> None:
    second = make_member(world.branch_a, "乙")
    rows = [
        attendance(world.member_in_a, 补课日期="2026-03-09"),
        attendance(second, 出勤情况="出席", 补课日期="2026-03-11"),
    ]
    assert refused([meeting()], rows) == [
        "第2行 [补课日期] 出勤表：补课日期 2026-03-09 早于会议日期 2026-03-10",
        "第3行 [补课日期] 出勤表：出席的人员不需要填写补课日期",
    ]


def test_organisation_codes_must_exist_and_fit_the_kind(world: Any) -> None:
    rows = [meeting(组织代码="NOPE"), meeting(序号="2", 会议类型="党小组会", 组织代码="A"),
            meeting(序号="3", 组织代码="A1"),
            meeting(序号="4", 组织代码="G", 主题="总支党员大会")]  # fmt: skip
    assert refused(rows) == [
        "第2行 [组织代码] 组织代码“NOPE”不存在",
        "第3行 [组织代码] 党小组会应填写党小组的组织代码，“A”是党支部",
        "第4行 [组织代码] 党员大会应填写党支部（或党总支、党委）的组织代码，“A1”是党小组",
    ]


def test_serials_are_unique_and_attendance_refers_to_them(world: Any) -> None:
    rows = [meeting(), meeting(主题="另一次会议")]
    assert refused(rows, [attendance(world.member_in_a, 会议序号="7")]) == [
        "第3行 [序号] 与第2行重复：序号在会议表中不能重复",
        "第2行 [会议序号] 出勤表：会议序号“7”在会议表中不存在",
    ]


def test_the_same_meeting_twice_in_one_file_is_refused(world: Any) -> None:
    assert refused([meeting(), meeting(序号="2")]) == [
        "第3行 [主题] 与第2行是同一次会议（组织代码、会议类型、日期、主题均相同）"
    ]


def test_the_person_must_be_valid_registered_and_expected(world: Any) -> None:
    good = world.member_in_a.id_number
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [
        {"会议序号": "1", "公民身份号码": wrong_check, "出勤情况": "请假"},
        {"会议序号": "1", "公民身份号码": "1101", "出勤情况": "请假"},
        {"会议序号": "1", "公民身份号码": world.member_in_b.id_number, "出勤情况": "缺席"},
        {"会议序号": "1", "公民身份号码": make_id_number(), "出勤情况": "缺席"},
    ]
    found = refused([meeting()], rows)
    assert found[0].startswith("第2行 [公民身份号码] 出勤表：公民身份号码校验码错误")
    assert found[1:] == [
        "第3行 [公民身份号码] 出勤表：公民身份号码应为18位，实为4位",
        "第4行 [公民身份号码] 出勤表：该人员不是该会议的应到人员："
        "2026-03-10不是第一党支部的党员（正式或预备）",
        "第5行 [公民身份号码] 出勤表：该公民身份号码未在党员名册中登记",
    ]
    # someone of another branch is refused as not expected, never named nor placed
    assert all("乙党员" not in line and "第二党支部" not in line for line in found)


def test_no_person_twice_at_one_meeting(world: Any) -> None:
    rows = [attendance(world.member_in_a), attendance(world.member_in_a, 出勤情况="缺席")]
    assert refused([meeting()], rows) == [
        "第3行 [公民身份号码] 出勤表：与第2行重复：同一会议的同一人只能出现一次"
    ]


def test_unknown_columns_are_named_in_either_sheet(world: Any) -> None:
    content = ledger(
        [meeting() | {"地点": "会议室"}],
        [attendance(world.member_in_a) | {"原因": "出差"}],
        meeting_headers=[*SPEC_MEETING_HEADERS, "地点"],
        attendance_headers=[*SPEC_ATTENDANCE_HEADERS, "原因"],
    )
    before = state()
    found = lines(import_meetings(content, actor=None))
    assert found == [
        f"第1行 [地点] 未知的列“地点”，允许的列：{'、'.join(SPEC_MEETING_HEADERS)}",
        f"第1行 [原因] 出勤表：未知的列“原因”，允许的列：{'、'.join(SPEC_ATTENDANCE_HEADERS)}",
    ]
    assert state() == before


def test_a_missing_sheet_or_column_is_a_problem(world: Any) -> None:
    book = Workbook()
    book.active.title = "Sheet1"
    buffer = io.BytesIO()
    book.save(buffer)
    assert lines(import_meetings(buffer.getvalue(), actor=None)) == ["第1行 [文件] 找不到工作表“会议”"]
    content = ledger([meeting()], meeting_headers=["序号", "组织代码", "会议类型", "日期"])
    assert lines(import_meetings(content, actor=None)) == ["第1行 [主题] 缺少必填列"]
    assert "不是有效的 .xlsx 文件" in lines(import_meetings(b"not a workbook", actor=None))[0]


def test_a_secretary_imports_only_inside_their_scope(world: Any) -> None:
    rows = [meeting(), meeting(序号="2", 组织代码="B", 主题="B的党员大会")]
    assert refused(rows, scope_user=world.secretary_a) == [
        "第3行 [组织代码] 组织代码“B”不存在或不在您的管理范围内"
    ]
    result = import_meetings(ledger([meeting()]), actor=world.secretary_a, scope_user=world.secretary_a)
    assert result.created == 1


# --- one bad row anywhere in either sheet: nothing written (hypothesis) -----------------------------

MEETING_BADNESS = {
    "unknown_org": "组织代码",
    "kind": "会议类型",
    "future_date": "日期",
    "unreal_date": "日期",
    "blank_topic": "主题",
    "duplicate_serial": "序号",
}
ATTENDANCE_BADNESS = {
    "unknown_serial": "会议序号",
    "check_digit": "公民身份号码",
    "not_expected": "公民身份号码",
    "status": "出勤情况",
    "makeup_before": "补课日期",
    "pair_twice": "公民身份号码",
}
_pools: dict[int, list[Any]] = {}


def pool(world: Any) -> list[Any]:
    if id(world) not in _pools:
        _pools[id(world)] = [make_member(world.branch_a, f"成员{i}") for i in range(7)]
    return _pools[id(world)]


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.integers(min_value=1, max_value=5),
    position=st.integers(min_value=0, max_value=5),
    badness=st.sampled_from(sorted(MEETING_BADNESS) + sorted(ATTENDANCE_BADNESS)),
)
def test_one_bad_row_anywhere_in_either_sheet_writes_nothing_and_is_named(
    world: Any, size: int, position: int, badness: str
) -> None:
    people = pool(world)
    position = min(position, size)
    meetings = [meeting(序号=str(i + 1), 日期=D(2026, 3, 1 + i), 主题=f"会议{i}") for i in range(size)]
    rows = [attendance(people[i], 会议序号=str(i + 1)) for i in range(size)]
    spare = people[6]
    expected_row = position + 2
    if badness in MEETING_BADNESS:
        bad = meeting(序号="90", 主题="坏会议", 日期="2026-05-05")
        if badness == "unknown_org":
            bad["组织代码"] = "ZZ404"
        elif badness == "kind":
            bad["会议类型"] = "支部大会"
        elif badness == "future_date":
            bad["日期"] = today() + dt.timedelta(days=2)
        elif badness == "unreal_date":
            bad["日期"] = "2026-02-29"
        elif badness == "blank_topic":
            bad["主题"] = ""
        elif badness == "duplicate_serial":
            if position:
                bad["序号"] = meetings[position - 1]["序号"]
            else:  # nothing before it: the row after it is then the repeated one
                bad["序号"] = meetings[0]["序号"]
                expected_row = position + 3
        meetings.insert(position, bad)
        column, sheet_prefix = MEETING_BADNESS[badness], ""
    else:
        bad = attendance(spare, 会议序号="1")
        if badness == "unknown_serial":
            bad["会议序号"] = "99"
        elif badness == "check_digit":
            value = spare.id_number
            bad["公民身份号码"] = value[:17] + ("1" if value[17] != "1" else "2")
        elif badness == "not_expected":
            bad["公民身份号码"] = world.member_in_b.id_number
        elif badness == "status":
            bad["出勤情况"] = "迟到"
        elif badness == "makeup_before":
            bad["补课日期"] = "2026-02-28"
        elif badness == "pair_twice":
            if position:
                bad = dict(rows[position - 1])
            else:
                bad = dict(rows[0])
                expected_row = position + 3
        rows.insert(position, bad)
        column, sheet_prefix = ATTENDANCE_BADNESS[badness], "出勤表："
    before = state()
    result = import_meetings(ledger(meetings, rows), actor=None)
    assert state() == before
    assert [(p.row, p.column) for p in result.problems] == [(expected_row, column)]
    assert result.problems[0].message.startswith(sheet_prefix)


# --- the command and the upload --------------------------------------------------------------------


def test_the_command_refuses_a_bad_file_with_one_line_per_problem(
    world: Any, tmp_path: Any, capsys: Any
) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger([meeting(组织代码="NOPE"), meeting(序号="2", 会议类型="会议")]))
    before = state()
    with pytest.raises(CommandError) as caught:
        call_command("import_meetings", str(path))
    assert "共 2 个问题" in str(caught.value)
    assert capsys.readouterr().err.splitlines() == [
        "第2行 [组织代码] 组织代码“NOPE”不存在",
        f"第3行 [会议类型] “会议”不是允许的值，应为：{'、'.join(SPEC_KINDS)}",
    ]
    assert state() == before


def test_the_command_imports_and_dry_runs(world: Any, tmp_path: Any, capsys: Any) -> None:
    path = tmp_path / "台账.xlsx"
    path.write_bytes(ledger([meeting()], [attendance(world.member_in_a)]))
    call_command("import_meetings", str(path), "--dry-run")
    assert "仅校验" in capsys.readouterr().out and Meeting.objects.count() == 0
    call_command("import_meetings", str(path))
    assert "新增 1 条" in capsys.readouterr().out
    assert Attendance.objects.get().status == "on_leave"


def test_the_upload_page_imports_within_scope_and_offers_the_template(world: Any) -> None:
    client = Client()
    client.force_login(world.secretary_a)
    template = client.get("/compliance/import/template.xlsx")
    book = load_workbook(io.BytesIO(template.content))
    assert book.sheetnames == ["会议", "出勤", "填写说明"]
    assert [c.value for c in book["会议"][1]] == [
        "序号*",
        "组织代码*",
        "会议类型*",
        "日期*",
        "主题*",
        "主持人",
        "记录人",
    ]
    assert [c.value for c in book["出勤"][1]] == ["会议序号*", "公民身份号码*", "出勤情况*", "补课日期"]
    upload = io.BytesIO(ledger([meeting(组织代码="B")]))
    upload.name = "台账.xlsx"
    response = client.post("/compliance/import/", {"file": upload})
    assert "第2行 [组织代码] 组织代码“B”不存在或不在您的管理范围内" in response.content.decode()
    assert Meeting.objects.count() == 0
    upload = io.BytesIO(ledger([meeting()], [attendance(world.member_in_a, 出勤情况="缺席")]))
    upload.name = "台账.xlsx"
    response = client.post("/compliance/import/", {"file": upload})
    assert "导入完成" in response.content.decode()
    assert Meeting.objects.get().created_by == world.secretary_a
