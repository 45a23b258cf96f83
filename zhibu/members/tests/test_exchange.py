"""`import_members` and the member export (SPEC §13, MEM-2, MEM-6)."""

import datetime as dt
import io
import itertools
import os
import subprocess
import sys
from decimal import Decimal
from typing import Any

import pytest
from django.conf import settings as settings_module
from django.core.exceptions import PermissionDenied
from django.core.management import call_command
from django.core.management.base import CommandError
from django.http import QueryDict
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook, load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.lib import idnumber
from zhibu.lib.dates import today
from zhibu.members import exchange
from zhibu.members.exchange import import_members
from zhibu.members.models import Member, Placement, StatusChange

SPEC_HEADERS = [
    "姓名", "性别", "民族", "公民身份号码", "出生日期", "学历", "人员类别", "所在党支部", "党小组",
    "入党日期", "转正日期", "工作岗位", "联系电话", "家庭住址", "党籍状态", "是否失联党员", "失联日期",
    "是否流动党员", "外出流向", "党费类别", "党费基数",
]  # fmt: skip
_numbers = itertools.count(1)


def new_id(birth: dt.date = dt.date(1990, 3, 7), gender: str = idnumber.MALE) -> str:
    """IDs in region 320102, away from the factories' 1101xx numbers."""
    return idnumber.make("320102", birth, next(_numbers) % 100, gender=gender)


def person(**overrides: Any) -> dict[str, Any]:
    """One valid row of branch A (the `world` fixture), as column → value."""
    row: dict[str, Any] = {
        "姓名": "张三", "性别": "男", "民族": "汉族", "公民身份号码": None, "出生日期": None, "学历": "本科",
        "人员类别": "正式党员", "所在党支部": "A", "党小组": "A1", "入党日期": "2015-07-01",
        "转正日期": "2016-07-01", "工作岗位": "技术员", "联系电话": "13800138000", "家庭住址": "南京市",
        "党籍状态": "", "是否失联党员": "否", "失联日期": None, "是否流动党员": "否", "外出流向": "",
        "党费类别": "在职", "党费基数": "6000",
    }  # fmt: skip
    row.update(overrides)
    if row["公民身份号码"] is None:
        row["公民身份号码"] = new_id()
    return row


def xlsx(people: list[dict[str, Any]], headers: list[str] | None = None) -> bytes:
    headers = headers or SPEC_HEADERS
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in people:
        sheet.append([row.get(h) for h in headers])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def state() -> tuple[int, int, int, int]:
    return (
        Member.objects.count(),
        Placement.objects.count(),
        StatusChange.objects.count(),
        AuditEvent.objects.count(),
    )


def lines(result: Any) -> list[str]:
    return [str(p) for p in result.problems]


def refused(people: list[dict[str, Any]], **kwargs: Any) -> list[str]:
    """Import a bad file: assert nothing was written and return the problem lines."""
    before = state()
    result = import_members(xlsx(people), actor=None, **kwargs)
    assert state() == before
    assert not result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    return lines(result)


def test_the_columns_are_the_contract() -> None:
    assert exchange.HEADERS == SPEC_HEADERS


# --- good imports ----------------------------------------------------------------------------------


def test_it_registers_new_people_with_history_and_audit(world: Any) -> None:
    probationary_id = new_id(dt.date(1998, 2, 3), idnumber.FEMALE)
    li_si = person(姓名="李四", 性别="女", 公民身份号码=probationary_id, 人员类别="预备党员", 所在党支部="B")
    li_si.update({"党小组": "", "入党日期": dt.date(2025, 1, 10), "转正日期": None, "是否流动党员": "是"})
    li_si.update({"外出流向": "广东深圳", "党费类别": "学生", "党费基数": None})
    rows = [
        person(姓名="张三", 出生日期=dt.date(1990, 3, 7), 党费基数=6000.5),
        li_si,
        person(姓名="王五", 人员类别="入党积极分子", 入党日期=None, 转正日期=None, 党籍状态="正常"),
    ]
    before = state()
    result = import_members(xlsx(rows), actor=world.officer, file_name="名册.xlsx")
    assert result.ok, lines(result)
    assert (result.created, result.updated, result.unchanged) == (3, 0, 0)
    zhang = Member.objects.get(name="张三")
    assert (zhang.branch, zhang.group, zhang.category) == (world.branch_a, world.group_a1, "full")
    assert (zhang.birth_date, zhang.joined_on) == (dt.date(1990, 3, 7), dt.date(2015, 7, 1))
    assert (zhang.dues_base, zhang.phone) == (Decimal("6000.50"), "13800138000")
    li = Member.objects.get(id_number=probationary_id)
    assert (li.gender, li.category, li.branch, li.group) == ("female", "probationary", world.branch_b, None)
    assert li.birth_date == dt.date(1998, 2, 3)  # from the ID number
    assert (li.is_mobile, li.mobile_destination) == (True, "广东深圳")
    assert (li.dues_category, li.dues_base) == ("student", None)
    wang = Member.objects.get(name="王五")
    assert (wang.category, wang.standing, wang.joined_on) == ("activist", "normal", None)
    assert state()[:2] == (before[0] + 3, before[1] + 3)
    placement = Placement.objects.get(member=li)
    assert (placement.branch, placement.start_on, placement.reason) == (
        world.branch_b,
        dt.date(2025, 1, 10),
        "批量导入",
    )
    for member, category in ((zhang, "full"), (li, "probationary"), (wang, "activist")):
        assert StatusChange.objects.filter(member=member, field="category").latest("id").new_value == category
    assert StatusChange.objects.get(member=zhang, new_value="full").effective_on == dt.date(2016, 7, 1)
    created = AuditEvent.objects.filter(action="create", object_type="members.member", actor=world.officer)
    assert set(created.values_list("object_id", flat=True)) == {str(m.pk) for m in (zhang, li, wang)}
    summary = AuditEvent.objects.get(action="import")
    assert summary.actor == world.officer
    assert summary.after == {"file": "名册.xlsx", "created": 3, "updated": 0, "unchanged": 0}


def test_it_updates_only_what_changed_with_history(world: Any) -> None:
    member = world.member_in_a
    row = exchange.export_row(member, full_id=True)
    changed = dict(zip(SPEC_HEADERS, row, strict=True))
    changed.update({"所在党支部": "B", "党小组": "", "联系电话": "13900000000", "党籍状态": "停止党籍"})
    unchanged = dict(zip(SPEC_HEADERS, exchange.export_row(world.member_in_b, full_id=True), strict=True))
    placements, changes = Placement.objects.count(), StatusChange.objects.count()
    result = import_members(xlsx([changed, unchanged]), actor=world.officer)
    assert result.ok, lines(result)
    assert (result.created, result.updated, result.unchanged) == (0, 1, 1)
    member.refresh_from_db()
    assert (member.branch, member.group, member.phone, member.standing) == (
        world.branch_b,
        None,
        "13900000000",
        "suspended",
    )
    assert Placement.objects.count() == placements + 1
    closed = Placement.objects.get(member=member, end_on__isnull=False)
    assert (closed.branch, closed.end_on) == (world.branch_a, today())
    assert Placement.objects.get(member=member, end_on__isnull=True).reason == "批量导入"
    assert StatusChange.objects.count() == changes + 1
    assert StatusChange.objects.filter(member=member, field="standing", new_value="suspended").exists()
    event = AuditEvent.objects.get(action="update", object_id=str(member.pk))
    assert {"branch", "group", "phone", "standing"} <= set(event.after)
    assert not {"name", "id_number", "category"} & set(event.after)
    assert not AuditEvent.objects.filter(action="update", object_id=str(world.member_in_b.pk)).exists()


def test_a_change_of_category_is_a_status_change(world: Any) -> None:
    from zhibu.members.tests.factories import make_member

    probationary = make_member(
        world.branch_a, "预备甲", category="probationary", joined_on=dt.date(2024, 5, 1)
    )
    row = dict(zip(SPEC_HEADERS, exchange.export_row(probationary, full_id=True), strict=True))
    row.update({"人员类别": "正式党员", "转正日期": "2025-05-01"})
    result = import_members(xlsx([row]), actor=None)
    assert result.ok, lines(result)
    change = StatusChange.objects.filter(member=probationary).latest("id")
    assert (change.old_value, change.new_value, change.effective_on) == (
        "probationary",
        "full",
        dt.date(2025, 5, 1),
    )


def test_a_second_import_of_the_same_file_changes_nothing(world: Any) -> None:
    content = xlsx([person(), person(姓名="李四", 党小组="")])
    first = import_members(content, actor=None)
    assert first.created == 2
    stamps = dict(Member.objects.values_list("id", "updated_at"))
    before = state()
    again = import_members(content, actor=None)
    assert again.ok
    assert (again.created, again.updated, again.unchanged) == (0, 0, 2)
    assert state() == before  # no audit event, no history row
    assert dict(Member.objects.values_list("id", "updated_at")) == stamps


def test_absent_optional_columns_leave_fields_alone(world: Any) -> None:
    member = world.member_in_a
    Member.objects.filter(pk=member.pk).update(phone="010-1234", dues_base=Decimal("3000"))
    headers = ["姓名*", "性别*", "公民身份号码*", "人员类别*", "所在党支部*", "入党日期", "转正日期"]
    row = {"姓名*": member.name, "性别*": "男", "公民身份号码*": member.id_number, "人员类别*": "正式党员",
           "所在党支部*": "A", "入党日期": member.joined_on, "转正日期": member.converted_on}  # fmt: skip
    result = import_members(xlsx([row], headers), actor=None)
    assert result.ok, lines(result)
    assert result.unchanged == 1
    member.refresh_from_db()
    assert (member.phone, member.dues_base, member.group) == ("010-1234", Decimal("3000.00"), world.group_a1)


def test_excel_dates_and_text_dates_are_both_accepted(world: Any) -> None:
    rows = [
        person(姓名="甲", 入党日期=dt.date(2012, 7, 1), 转正日期=dt.date(2013, 7, 1)),
        person(姓名="乙", 入党日期="2012-07-01", 转正日期="2013-7-1"),
    ]
    result = import_members(xlsx(rows), actor=None)
    assert result.ok, lines(result)
    for name in ("甲", "乙"):
        member = Member.objects.get(name=name)
        assert (member.joined_on, member.converted_on) == (dt.date(2012, 7, 1), dt.date(2013, 7, 1))


def test_a_dry_run_validates_and_counts_but_writes_nothing(world: Any) -> None:
    before = state()
    result = import_members(xlsx([person(), person()]), actor=None, dry_run=True)
    assert result.ok
    assert result.created == 2
    assert state() == before


def test_validation_reads_the_database_in_a_fixed_number_of_queries(
    world: Any, django_assert_num_queries: Any
) -> None:
    births = [dt.date(1980, 1, 1) + dt.timedelta(days=i) for i in range(150)]
    rows = [person(姓名=f"党员{i}", 公民身份号码=new_id(birth)) for i, birth in enumerate(births)]
    rows.append(dict(zip(SPEC_HEADERS, exchange.export_row(world.member_in_b, full_id=True), strict=True)))
    content = xlsx(rows)
    with django_assert_num_queries(2):  # people by ID number; organisations by code
        result = import_members(content, actor=None, dry_run=True)
    assert (result.created, result.unchanged) == (150, 1)


# --- every check, with its row and column ---------------------------------------------------------


def test_required_cells_must_be_present(world: Any) -> None:
    rows = [person(姓名=""), person(性别=None, 人员类别=" "), person(公民身份号码="", 所在党支部="")]
    assert refused(rows) == [
        "第2行 [姓名] 必填项不能为空",
        "第3行 [性别] 必填项不能为空",
        "第3行 [人员类别] 必填项不能为空",
        "第4行 [公民身份号码] 必填项不能为空",
        "第4行 [所在党支部] 必填项不能为空",
    ]


def test_enumerations_must_be_exact(world: Any) -> None:
    rows = [person(人员类别="党员"), person(性别="M"), person(党籍状态="暂停"), person(党费类别="退休"),
            person(是否流动党员="Y")]  # fmt: skip
    assert refused(rows) == [
        "第2行 [人员类别] “党员”不是允许的值，应为：正式党员、预备党员、发展对象、入党积极分子、入党申请人",
        "第3行 [性别] “M”不是允许的值，应为：男、女",
        "第4行 [党籍状态] “暂停”不是允许的值，应为：正常、停止党籍、出党、去世",
        "第5行 [党费类别] “退休”不是允许的值，应为：在职、离退休、学生、农民、无固定收入",
        "第6行 [是否流动党员] 应填“是”或“否”（空白视为否），实为“Y”",
    ]


def test_the_id_number_must_be_valid(world: Any) -> None:
    good = new_id()
    wrong_check = good[:17] + ("0" if good[17] != "0" else "1")
    rows = [person(公民身份号码=wrong_check), person(公民身份号码="32010219900307"),
            person(公民身份号码="320102199002300012")]  # fmt: skip
    found = refused(rows)
    assert found[0].startswith("第2行 [公民身份号码] 公民身份号码校验码错误（第18位应为")
    assert found[1:] == [
        "第3行 [公民身份号码] 公民身份号码应为18位，实为14位",
        "第4行 [公民身份号码] 公民身份号码中的出生日期 19900230 不是真实日期",
    ]


def test_an_id_number_stored_as_a_number_gets_a_hint(world: Any) -> None:
    found = refused([person(公民身份号码=int("32010219900307001X".replace("X", "9")))])
    assert found[0].startswith("第2行 [公民身份号码] ")
    assert "请把该列设为文本格式" in found[0]


def test_birth_date_and_gender_must_agree_with_the_id_number(world: Any) -> None:
    male = new_id(dt.date(1990, 3, 7), idnumber.MALE)
    rows = [person(公民身份号码=male, 出生日期="1990-03-08"), person(性别="女")]
    assert refused(rows) == [
        "第2行 [出生日期] 出生日期与公民身份号码不一致（号码中为1990-03-07）",
        "第3行 [性别] 性别与公民身份号码不一致（号码第17位表示男）",
    ]


def test_dates_must_be_real_and_not_in_the_future(world: Any) -> None:
    tomorrow = today() + dt.timedelta(days=1)
    rows = [
        person(入党日期="2015-02-29"),
        person(转正日期=tomorrow),
        person(是否失联党员="是", 失联日期="去年"),
    ]
    assert refused(rows) == [
        "第2行 [入党日期] “2015-02-29”不是真实的日期",
        f"第3行 [转正日期] 日期 {tomorrow:%Y-%m-%d} 晚于今天（{today():%Y-%m-%d}），日期不能是将来",
        "第4行 [失联日期] 日期格式应为 YYYY-MM-DD 或 Excel 日期，实为“去年”",
    ]


def test_the_member_record_rules_apply(world: Any) -> None:
    rows = [
        person(转正日期=None),
        person(人员类别="入党申请人", 转正日期=None),
        person(转正日期="2014-01-01"),
        person(是否失联党员="是"),
        person(是否流动党员="是", 外出流向=""),
        person(公民身份号码=new_id(dt.date(2000, 1, 1)), 入党日期="2017-01-01", 转正日期="2018-01-01"),
    ]
    assert refused(rows) == [
        "第2行 [转正日期] 正式党员必须填写转正日期",
        "第3行 [入党日期] 尚未入党的人员不应填写入党日期",
        "第4行 [转正日期] 转正日期不能早于入党日期",
        "第5行 [失联日期] 失联党员必须填写失联日期",
        "第6行 [外出流向] 流动党员必须填写外出流向",
        "第7行 [入党日期] 入党时未满18周岁（发展党员工作细则 B-1）",
    ]


def test_referenced_codes_must_exist_and_fit(world: Any) -> None:
    rows = [person(所在党支部="NOPE"), person(所在党支部="G", 党小组=""), person(党小组="X9"),
            person(所在党支部="B", 党小组="A1"), person(党小组="A")]  # fmt: skip
    assert refused(rows) == [
        "第2行 [所在党支部] 组织代码“NOPE”不存在",
        "第3行 [所在党支部] 测试党总支不是党支部",
        "第4行 [党小组] 组织代码“X9”不存在",
        "第5行 [党小组] 党小组第一党小组不属于第二党支部",
        "第6行 [党小组] 第一党支部不是党小组",
    ]


def test_amounts_are_non_negative_with_two_decimals(world: Any) -> None:
    rows = [person(党费基数=-1), person(党费基数="3000.125"), person(党费基数="三千")]
    assert refused(rows) == [
        "第2行 [党费基数] 不能为负数（实为 -1）",
        "第3行 [党费基数] 最多两位小数（实为 3000.125）",
        "第4行 [党费基数] 应为数字，实为“三千”",
    ]


def test_no_person_twice_in_one_file(world: Any) -> None:
    twin = new_id()
    rows = [person(公民身份号码=twin), person(), person(公民身份号码=f" {twin.lower()} ", 姓名="张三丰")]
    assert refused(rows) == ["第4行 [公民身份号码] 与第2行重复：同一人在一个文件中只能出现一次"]


def test_text_longer_than_the_field_is_refused(world: Any) -> None:
    assert refused([person(姓名="长" * 51)]) == ["第2行 [姓名] 最多50个字，实为51个字"]


def test_an_unknown_column_is_named_and_a_missing_one_too(world: Any) -> None:
    before = state()
    result = import_members(xlsx([person(工作单位="某公司")], [*SPEC_HEADERS, "工作单位"]), actor=None)
    assert lines(result) == [f"第1行 [工作单位] 未知的列“工作单位”，允许的列：{'、'.join(SPEC_HEADERS)}"]
    missing = import_members(xlsx([person()], [h for h in SPEC_HEADERS if h != "所在党支部"]), actor=None)
    assert lines(missing) == ["第1行 [所在党支部] 缺少必填列"]
    assert state() == before


def test_a_file_that_is_not_xlsx_is_one_problem(world: Any) -> None:
    result = import_members("姓名,性别\n张三,男\n".encode(), actor=None)
    assert len(result.problems) == 1
    assert "不是有效的 .xlsx 文件" in lines(result)[0]


# --- all or nothing, with one bad row anywhere (hypothesis) ------------------------------------------

BADNESS = {
    # kind of badness: the column it must be reported on
    "check_digit": "公民身份号码",
    "enumeration": "人员类别",
    "future_date": "入党日期",
    "unreal_date": "转正日期",
    "branch_code": "所在党支部",
    "group_elsewhere": "党小组",
    "negative_amount": "党费基数",
    "gender": "性别",
    "duplicate": "公民身份号码",
}


def spoil(row: dict[str, Any], badness: str, earlier_ids: list[str]) -> None:
    if badness == "check_digit":
        value = row["公民身份号码"]
        row["公民身份号码"] = value[:17] + ("1" if value[17] != "1" else "2")
    elif badness == "enumeration":
        row["人员类别"] = "党员"
    elif badness == "future_date":
        row["入党日期"] = today() + dt.timedelta(days=3)
    elif badness == "unreal_date":
        row["转正日期"] = "2019-02-29"
    elif badness == "branch_code":
        row["所在党支部"] = "ZZ404"
    elif badness == "group_elsewhere":
        row.update({"所在党支部": "B", "党小组": "A1"})
    elif badness == "negative_amount":
        row["党费基数"] = "-5"
    elif badness == "gender":
        row["性别"] = "女"
    elif badness == "duplicate" and earlier_ids:
        row["公民身份号码"] = earlier_ids[-1]


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    size=st.integers(min_value=1, max_value=8),
    position=st.integers(min_value=0, max_value=8),
    badness=st.sampled_from(sorted(BADNESS)),
)
def test_one_bad_row_anywhere_writes_nothing_and_is_named(
    world: Any, size: int, position: int, badness: str
) -> None:
    good = [person(姓名=f"党员{i}") for i in range(size)]
    position = min(position, size)
    bad = person(姓名="坏行")
    earlier_ids = [r["公民身份号码"] for r in good[:position]]
    spoil(bad, badness, earlier_ids)
    if badness == "duplicate" and not earlier_ids:
        # Nothing before it to repeat: it repeats the row after it, which is then the later one.
        bad["公民身份号码"] = good[0]["公民身份号码"]
        expected_row = position + 3
    else:
        expected_row = position + 2
    rows = [*good[:position], bad, *good[position:]]
    before = state()
    result = import_members(xlsx(rows), actor=None)
    assert state() == before
    assert [(p.row, p.column) for p in result.problems] == [(expected_row, BADNESS[badness])]


# --- scope of a web upload ---------------------------------------------------------------------------


def test_a_secretary_imports_only_into_their_own_branch(world: Any) -> None:
    rows = [
        person(),
        person(所在党支部="B", 党小组=""),
        dict(zip(SPEC_HEADERS, exchange.export_row(world.member_in_b, full_id=True), strict=True)),
    ]
    found = refused(rows, scope_user=world.secretary_a)
    assert found == [
        "第3行 [所在党支部] 组织代码“B”不存在或不在您的管理范围内",
        "第4行 [公民身份号码] 该人员不在您的管理范围内",
    ]
    assert all("第二党支部" not in line for line in found)  # never says where the person is


def test_moving_someone_out_of_scope_is_refused_as_the_branch(world: Any) -> None:
    row = dict(zip(SPEC_HEADERS, exchange.export_row(world.member_in_a, full_id=True), strict=True))
    row.update({"所在党支部": "B", "党小组": ""})
    assert refused([row], scope_user=world.secretary_a) == [
        "第2行 [所在党支部] 组织代码“B”不存在或不在您的管理范围内"
    ]
    result = import_members(xlsx([person()]), actor=world.secretary_a, scope_user=world.secretary_a)
    assert result.ok and result.created == 1


# --- export and round trip --------------------------------------------------------------------------


def read(content: bytes) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    return [[c.value for c in row] for row in book.active.iter_rows()]


def test_the_export_masks_id_numbers_by_default(world: Any) -> None:
    before = AuditEvent.objects.count()
    rows = read(exchange.export_bytes(world.officer, QueryDict()))
    assert rows[0] == SPEC_HEADERS
    ids = [r[3] for r in rows[1:]]
    assert ids == [world.member_in_a.masked_id_number, world.member_in_b.masked_id_number]
    assert all("*" * 10 in value for value in ids)
    # The export itself is logged (personal data leaving the system), as an export, not a sensitive view.
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.order_by("-pk").first()
    assert event is not None and event.action == AuditEvent.Action.EXPORT
    assert event.after == {"count": 2, "filters": {}}


def test_the_export_writes_labels_codes_and_dates(world: Any) -> None:
    rows = read(exchange.export_bytes(world.officer, QueryDict("q=甲党员")))
    assert len(rows) == 2
    row = dict(zip(SPEC_HEADERS, rows[1], strict=True))
    assert (row["姓名"], row["性别"], row["人员类别"], row["所在党支部"], row["党小组"]) == (
        "甲党员",
        "男",
        "正式党员",
        "A",
        "A1",
    )
    assert row["入党日期"].date() == dt.date(2010, 7, 1)
    assert (row["党籍状态"], row["是否失联党员"], row["是否流动党员"], row["党费类别"]) == (
        "正常",
        "否",
        "否",
        "在职",
    )


def test_the_full_id_export_needs_the_permission_and_is_logged(world: Any) -> None:
    with pytest.raises(PermissionDenied):
        exchange.export_bytes(world.inspector, QueryDict(), full_id=True)
    before = AuditEvent.objects.count()
    rows = read(
        exchange.export_bytes(world.officer, QueryDict("category=full"), full_id=True, ip_address="10.0.0.1")
    )
    assert [r[3] for r in rows[1:]] == [world.member_in_a.id_number, world.member_in_b.id_number]
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor, event.ip_address) == ("view_sensitive", world.officer, "10.0.0.1")
    assert event.after == {"count": 2, "filters": {"category": "full"}}
    assert "完整公民身份号码" in event.note


def test_the_export_follows_scope_and_filters(world: Any) -> None:
    assert [r[0] for r in read(exchange.export_bytes(world.secretary_a, QueryDict()))[1:]] == ["甲党员"]
    params = QueryDict(f"branch={world.branch_b.pk}")
    assert [r[0] for r in read(exchange.export_bytes(world.officer, params))[1:]] == ["乙党员"]


def test_export_then_import_changes_nothing(world: Any) -> None:
    from zhibu.members.tests.factories import make_member

    make_member(
        world.branch_b,
        "丙党员",
        category="probationary",
        joined_on=dt.date(2025, 3, 1),
        gender=idnumber.FEMALE,
        is_mobile=True,
        mobile_destination="上海",
        dues_base=Decimal("4321.05"),
        phone="021-5555",
        ethnicity="回族",
    )
    make_member(world.branch_a, "丁积极分子", category="activist", is_lost_contact=True,
                lost_contact_on=dt.date(2024, 1, 2), dues_category="student")  # fmt: skip
    content = exchange.export_bytes(world.officer, QueryDict(), full_id=True)
    stamps = dict(Member.objects.values_list("id", "updated_at"))
    before = state()
    result = import_members(content, actor=world.officer)
    assert result.ok, lines(result)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 4)
    assert state() == before
    assert dict(Member.objects.values_list("id", "updated_at")) == stamps


def test_the_masked_export_does_not_import(world: Any) -> None:
    result = import_members(exchange.export_bytes(world.officer, QueryDict()), actor=None)
    assert [(p.row, p.column) for p in result.problems] == [(2, "公民身份号码"), (3, "公民身份号码")]


# --- the management command -----------------------------------------------------------------------


def test_the_command_imports_and_prints_a_summary(world: Any, tmp_path: Any) -> None:
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx([person(), person()]))
    out = io.StringIO()
    call_command("import_members", str(path), stdout=out)
    assert out.getvalue().strip() == "导入完成：新增 2 条，更新 0 条，未变 0 条"
    event = AuditEvent.objects.get(action="import")
    assert (event.actor, event.actor_label, event.after["file"]) == (None, "系统", "members.xlsx")
    out = io.StringIO()
    call_command("import_members", str(path), stdout=out)
    assert out.getvalue().strip() == "导入完成：新增 0 条，更新 0 条，未变 2 条"


def test_the_command_dry_run_writes_nothing(world: Any, tmp_path: Any) -> None:
    path = tmp_path / "members.xlsx"
    path.write_bytes(xlsx([person()]))
    before = state()
    out = io.StringIO()
    call_command("import_members", str(path), "--dry-run", stdout=out)
    assert out.getvalue().strip() == "校验通过（仅校验，未写入）：新增 1 条，更新 0 条，未变 0 条"
    assert state() == before


def test_the_command_prints_each_problem_and_fails(world: Any, tmp_path: Any) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([person(), person(人员类别="党员"), person(所在党支部="NOPE", 党费基数="1.001")]))
    err = io.StringIO()
    before = state()
    with pytest.raises(CommandError) as error:
        call_command("import_members", str(path), stderr=err)
    assert error.value.returncode == 1
    assert err.getvalue().splitlines() == [
        "第3行 [人员类别] “党员”不是允许的值，应为：正式党员、预备党员、发展对象、入党积极分子、入党申请人",
        "第4行 [所在党支部] 组织代码“NOPE”不存在",
        "第4行 [党费基数] 最多两位小数（实为 1.001）",
    ]
    assert state() == before


def test_the_command_exits_non_zero_from_the_command_line(tmp_path: Any) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(b"not a workbook")
    env = {**os.environ, "ZHIBU_DEBUG": "1"}
    done = subprocess.run(
        [sys.executable, "manage.py", "import_members", str(path)],
        cwd=settings_module.BASE_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 1
    assert done.stderr.splitlines()[0].startswith("第1行 [文件] 不是有效的 .xlsx 文件")
    assert done.stdout == ""
