"""`import_orgs` and the organisation export (SPEC §13)."""

import datetime as dt
import io
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from zhibu.accounts.models import Role, RoleAssignment, User
from zhibu.audit.models import AuditEvent
from zhibu.lib.dates import today
from zhibu.orgs import exchange
from zhibu.orgs.exchange import import_orgs
from zhibu.orgs.models import Organisation, OrganisationMove
from zhibu.orgs.tests.factories import make_org

HEADERS = ["组织代码*", "组织名称*", "组织类型*", "上级组织代码", "成立日期"]
TREE = [
    ["X", "中共某某公司委员会", "党委", "", dt.date(2001, 7, 1)],
    ["X1", "机关党总支", "党总支", "X", "2005-03-01"],
    ["X11", "机关第一党支部", "党支部", "X1", None],
    ["X111", "第一党小组", "党小组", "X11", None],
    ["X2", "生产党支部", "党支部", "X", "2010-01-15"],
]


def xlsx(rows: list[list[Any]], headers: list[str] = HEADERS) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def lines(result: Any) -> list[str]:
    return [str(p) for p in result.problems]


def counts() -> tuple[int, int, int]:
    return Organisation.objects.count(), OrganisationMove.objects.count(), AuditEvent.objects.count()


def problems_for(rows: list[list[Any]], **kwargs: Any) -> list[str]:
    before = counts()
    result = import_orgs(xlsx(rows), actor=None, **kwargs)
    assert counts() == before, "a refused import writes nothing"
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    return lines(result)


# --- good imports ----------------------------------------------------------------------------------


def test_it_imports_a_tree_into_an_empty_install(db: Any) -> None:
    result = import_orgs(xlsx(TREE), actor=None, file_name="tree.xlsx")
    assert result.ok, lines(result)
    assert (result.created, result.updated, result.unchanged) == (5, 0, 0)
    orgs = {o.code: o for o in Organisation.objects.all()}
    assert orgs["X"].parent is None
    assert orgs["X111"].path == f"/{orgs['X'].pk}/{orgs['X1'].pk}/{orgs['X11'].pk}/{orgs['X111'].pk}/"
    assert orgs["X111"].depth == 3
    assert orgs["X"].founded_on == dt.date(2001, 7, 1)  # an Excel date
    assert orgs["X1"].founded_on == dt.date(2005, 3, 1)  # text
    assert orgs["X2"].kind == "branch"
    assert AuditEvent.objects.filter(action="create", object_type="orgs.organisation").count() == 5
    summary = AuditEvent.objects.get(action="import")
    assert summary.actor is None
    assert summary.actor_label == "系统"
    assert summary.after == {"file": "tree.xlsx", "created": 5, "updated": 0, "unchanged": 0}
    assert "新增 5 条" in summary.note


def test_it_accepts_headers_without_stars_in_any_order(db: Any) -> None:
    headers = ["成立日期", "组织类型", "组织名称", "组织代码", "上级组织代码"]
    rows = [[r[4], r[2], r[1], r[0], r[3]] for r in TREE]
    result = import_orgs(xlsx(rows, headers), actor=None)
    assert result.ok, lines(result)
    assert result.created == 5


def test_a_second_import_of_the_same_file_changes_nothing(db: Any) -> None:
    content = xlsx(TREE)
    import_orgs(content, actor=None)
    stamps = dict(Organisation.objects.values_list("code", "updated_at"))
    before = counts()
    result = import_orgs(content, actor=None)
    assert result.ok
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert counts() == before  # no audit event, not even the import summary
    assert dict(Organisation.objects.values_list("code", "updated_at")) == stamps


def test_it_updates_changed_rows_and_moves_with_history(world: Any) -> None:
    rows = [
        ["C", "中共测试集团委员会", "党委", "", None],
        ["G", "测试党总支（更名）", "党总支", "C", dt.date(2015, 5, 4)],
        ["B", "第二党支部", "党支部", "G", None],  # moved from C to G
        ["B1", "第二党支部第一党小组", "党小组", "B", None],
    ]
    officer = world.officer
    result = import_orgs(xlsx(rows), actor=officer, file_name="调整.xlsx")
    assert result.ok, lines(result)
    assert (result.created, result.updated, result.unchanged) == (1, 2, 1)
    world.general_branch.refresh_from_db()
    world.branch_b.refresh_from_db()
    assert world.general_branch.name == "测试党总支（更名）"
    assert world.general_branch.founded_on == dt.date(2015, 5, 4)
    assert world.branch_b.parent == world.general_branch
    assert world.branch_b.path == f"{world.general_branch.path}{world.branch_b.pk}/"
    move = OrganisationMove.objects.get(organisation=world.branch_b)
    assert (move.reason, move.moved_on, move.from_parent, move.actor) == (
        "批量导入调整",
        today(),
        world.committee,
        officer,
    )
    b1 = Organisation.objects.get(code="B1")
    assert b1.path == f"{world.branch_b.path}{b1.pk}/"  # created under the moved parent's new path
    assert AuditEvent.objects.filter(action="move", object_id=str(world.branch_b.pk)).count() == 1
    assert AuditEvent.objects.filter(action="update", object_id=str(world.general_branch.pk)).count() == 1
    assert not AuditEvent.objects.filter(object_id=str(world.committee.pk), action="update").exists()
    summary = AuditEvent.objects.get(action="import")
    assert summary.actor == officer
    assert summary.after["updated"] == 2


def test_an_existing_org_may_change_kind_where_its_place_allows(world: Any) -> None:
    result = import_orgs(xlsx([["G", "测试党委", "党委", "C", None]]), actor=None)
    assert result.ok, lines(result)
    world.general_branch.refresh_from_db()
    assert world.general_branch.kind == "party_committee"


def test_a_dry_run_validates_and_counts_but_writes_nothing(db: Any) -> None:
    result = import_orgs(xlsx(TREE), actor=None, dry_run=True)
    assert result.ok
    assert result.created == 5
    assert not result.written
    assert counts() == (0, 0, 0)


def test_validation_reads_the_database_in_a_fixed_number_of_queries(
    world: Any, django_assert_num_queries: Any
) -> None:
    rows = [["C", "中共测试集团委员会", "党委", "", None]]
    rows += [[f"N{i}", f"新党支部{i}", "党支部", "G", None] for i in range(60)]
    rows += [[f"N{i}G", f"党小组{i}", "党小组", f"N{i}", None] for i in range(60)]
    content = xlsx(rows)
    with django_assert_num_queries(2):  # the named organisations; the top organisations
        result = import_orgs(content, actor=None, dry_run=True)
    assert result.ok, lines(result)
    assert (result.created, result.unchanged) == (120, 1)


# --- every check, with its row and column ---------------------------------------------------------


def test_required_cells_must_be_present(world: Any) -> None:
    assert problems_for([["", "某支部", "党支部", "C", None], ["Z", None, None, "C", None]]) == [
        "第2行 [组织代码] 必填项不能为空",
        "第3行 [组织名称] 必填项不能为空",
        "第3行 [组织类型] 必填项不能为空",
    ]


def test_the_kind_must_be_an_exact_label(world: Any) -> None:
    assert problems_for([["Z", "某支部", "支部", "C", None]]) == [
        "第2行 [组织类型] “支部”不是允许的值，应为：党委、党总支、党支部、党小组"
    ]


def test_a_code_may_appear_once(world: Any) -> None:
    rows = [
        ["Z", "某支部", "党支部", "C", None],
        ["Y", "另一支部", "党支部", "C", None],
        ["Z", "某支部", "党支部", "C", None],
    ]
    assert problems_for(rows) == ["第4行 [组织代码] 组织代码“Z”与第2行重复"]


def test_the_parent_must_exist_or_come_earlier_in_the_file(world: Any) -> None:
    rows = [
        ["Z1", "某小组", "党小组", "Z", None],
        ["Z", "某支部", "党支部", "C", None],
        ["Q", "某支部", "党支部", "NOPE", None],
    ]
    assert problems_for(rows) == [
        "第2行 [上级组织代码] 上级组织“Z”不存在（须已在系统中，或在本文件中更早的行出现）",
        "第4行 [上级组织代码] 上级组织“NOPE”不存在（须已在系统中，或在本文件中更早的行出现）",
    ]


def test_kinds_follow_the_tree_rules(world: Any) -> None:
    rows = [
        ["Z1", "某小组", "党小组", "C", None],
        ["Z2", "某总支", "党总支", "A", None],
        ["Z3", "某支部", "党支部", "A1", None],
    ]
    assert problems_for(rows) == [
        "第2行 [上级组织代码] 党小组的上级只能是党支部，不能是党委",
        "第3行 [上级组织代码] 党总支的上级只能是党委，不能是党支部",
        "第4行 [上级组织代码] 党支部的上级只能是党委、党总支，不能是党小组",
    ]


def test_the_parent_kind_is_the_one_the_file_gives_it(world: Any) -> None:
    make_org("E", "branch", world.committee)
    # E becomes a 党总支 in row 2, so a 党支部 under it is fine and a 党小组 is not.
    rows = [
        ["E", "第三党总支", "党总支", "C", None],
        ["E9", "某支部", "党支部", "E", None],
        ["E8", "某小组", "党小组", "E", None],
    ]
    assert problems_for(rows) == ["第4行 [上级组织代码] 党小组的上级只能是党支部，不能是党总支"]


def test_a_kind_change_must_suit_its_parent_children_and_members(world: Any) -> None:
    assert problems_for([["A", "第一党总支", "党总支", "G", None]]) == [
        "第2行 [组织类型] 该组织还有在册党员，不能由党支部改为党总支（请先办理组织关系转接）",
        "第2行 [上级组织代码] 党总支的上级只能是党委，不能是党总支",
    ]
    assert problems_for([["B", "第二党总支", "党总支", "C", None]]) == [
        "第2行 [组织类型] 该组织还有在册党员，不能由党支部改为党总支（请先办理组织关系转接）",
    ]
    empty = make_org("E", "branch", world.committee)
    make_org("E1", "group", empty)
    assert problems_for([["E", "第三党委", "党委", "C", None]]) == [
        "第2行 [组织类型] 下级组织“E1”不能留在其下：党小组的上级只能是党支部，不能是党委"
    ]


def test_a_kind_change_with_a_move_is_written_in_a_valid_order(world: Any) -> None:
    make_org("E1", "group", world.branch_b)
    make_org("E2", "general_branch", world.committee)
    # a 党总支 becomes a 党支部 under another 党总支: valid when the kind changes first, then the move
    result = import_orgs(xlsx([["E2", "某支部", "党支部", "G", None]]), actor=None)
    assert result.ok, lines(result)
    e2 = Organisation.objects.get(code="E2")
    assert (e2.kind, e2.parent) == ("branch", world.general_branch)
    # a 党小组 becoming a 党支部 under a 党总支 is valid in neither order
    assert problems_for([["E1", "某支部", "党支部", "G", None]]) == [
        "第2行 [组织类型] 不能同时由党小组改为党支部并调整上级组织（任何一步单独进行都不符合上下级规则），"
        "请新建该组织后办理党员转接"
    ]


def test_there_is_one_top_organisation(db: Any) -> None:
    rows = [
        ["X", "甲党委", "党委", "", None],
        ["Y", "乙党委", "党委", "", None],
        ["Z", "某支部", "党支部", "", None],
    ]
    assert problems_for(rows) == [
        "第3行 [上级组织代码] 只能有一个顶级组织（已有第2行），请填写上级组织代码",
        "第4行 [上级组织代码] 党支部必须填写上级组织代码（只有最高一级党委可以留空）",
    ]


def test_a_second_top_is_refused_when_the_install_has_one(world: Any) -> None:
    assert problems_for([["Y", "乙党委", "党委", "", None]]) == [
        "第2行 [上级组织代码] 只能有一个顶级组织（已有“C”），请填写上级组织代码"
    ]
    assert problems_for([["B", "第二党支部", "党支部", "", None]]) == [
        "第2行 [上级组织代码] 党支部必须填写上级组织代码（只有最高一级党委可以留空）"
    ]


def test_an_org_cannot_move_under_itself_or_its_descendants(world: Any) -> None:
    assert problems_for([["G", "测试党总支", "党总支", "G", None]]) == [
        "第2行 [上级组织代码] 上级组织不能是本组织"
    ]
    assert problems_for([["C", "中共测试集团委员会", "党委", "G", None]]) == [
        "第2行 [上级组织代码] 党委的上级只能是（无上级）、党委，不能是党总支",
    ]
    make_child = import_orgs(xlsx([["C2", "下属党委", "党委", "C", None]]), actor=None)
    assert make_child.ok
    assert problems_for([["C", "中共测试集团委员会", "党委", "C2", None]]) == [
        "第2行 [上级组织代码] 不能把组织调整到它自己的下级组织之下"
    ]


def test_dates_must_be_real_and_not_in_the_future(world: Any) -> None:
    tomorrow = today() + dt.timedelta(days=1)
    rows = [
        ["Z", "某支部", "党支部", "C", "2020-02-30"],
        ["Y", "某支部", "党支部", "C", tomorrow],
        ["W", "某支部", "党支部", "C", "2020.01.01"],
    ]
    assert problems_for(rows) == [
        "第2行 [成立日期] “2020-02-30”不是真实的日期",
        f"第3行 [成立日期] 日期 {tomorrow:%Y-%m-%d} 晚于今天（{today():%Y-%m-%d}），日期不能是将来",
        "第4行 [成立日期] 日期格式应为 YYYY-MM-DD 或 Excel 日期，实为“2020.01.01”",
    ]


def test_an_unknown_column_is_named(world: Any) -> None:
    result = import_orgs(xlsx([["Z", "某支部", "党支部", "C", None, "x"]], [*HEADERS, "备注"]), actor=None)
    assert lines(result) == [
        "第1行 [备注] 未知的列“备注”，允许的列：组织代码、组织名称、组织类型、上级组织代码、成立日期"
    ]
    assert not Organisation.objects.filter(code="Z").exists()


def test_a_missing_required_column_is_named(world: Any) -> None:
    result = import_orgs(xlsx([["Z", "某支部", "C"]], ["组织代码", "组织名称", "上级组织代码"]), actor=None)
    assert lines(result) == ["第1行 [组织类型] 缺少必填列"]


def test_a_file_that_is_not_xlsx_is_one_problem(world: Any) -> None:
    result = import_orgs(b"\xd0\xcf\x11\xe0 old excel", actor=None)
    assert len(result.problems) == 1
    assert "不是有效的 .xlsx 文件" in lines(result)[0]


def test_every_problem_of_the_file_is_reported_at_once(world: Any) -> None:
    rows = [["Z", "某支部", "党支", "C", None], ["", "某支部", "党支部", "NOPE", "2999-01-01"]]
    found = problems_for(rows)
    assert [line.split(" ", 2)[:2] for line in found] == [
        ["第2行", "[组织类型]"],
        ["第3行", "[组织代码]"],
        ["第3行", "[成立日期]"],
    ]


def test_a_service_refusal_while_writing_rolls_everything_back(world: Any, monkeypatch: Any) -> None:
    real_create = exchange.organisation_create
    calls = []

    def refuse_second(**kwargs: Any) -> Organisation:
        calls.append(kwargs["code"])
        if len(calls) == 2:
            raise ValidationError({"name": ["名称与已撤销的组织冲突"]})
        return real_create(**kwargs)

    monkeypatch.setattr(exchange, "organisation_create", refuse_second)
    rows = [["Z", "某支部", "党支部", "C", None], ["Y", "另一支部", "党支部", "C", None]]
    assert problems_for(rows) == ["第3行 [组织名称] 名称与已撤销的组织冲突"]
    assert calls == ["Z", "Y"]


# --- scope of a web upload -----------------------------------------------------------------------


def test_an_uploader_may_only_touch_their_own_subtree(world: Any) -> None:
    officer_g = User.objects.create_user(username="officer_g", password="x" * 12, full_name="总支组织员")
    RoleAssignment.objects.create(user=officer_g, role=Role.ORG_OFFICER, organisation=world.general_branch)
    rows = [
        ["A9", "新党支部", "党支部", "G", None],  # fine: under G
        ["B", "第二党支部", "党支部", "C", None],  # B is outside G
        ["B7", "某小组", "党小组", "B", None],  # parent outside G
        ["A", "第一党支部", "党支部", "C", None],  # moving A out of G
        ["Q", "新党委", "党委", "", None],
    ]
    assert problems_for(rows, scope_user=officer_g) == [
        "第3行 [组织代码] 该组织不在您的管理范围内",
        "第4行 [上级组织代码] 上级组织不在您的管理范围内",
        "第5行 [上级组织代码] 上级组织不在您的管理范围内",
        "第6行 [上级组织代码] 只能有一个顶级组织（已有“C”），请填写上级组织代码",
    ]
    ok = import_orgs(xlsx(rows[:1]), actor=officer_g, scope_user=officer_g)
    assert ok.ok and ok.created == 1


# --- export and round trip --------------------------------------------------------------------------


def test_the_export_has_the_import_columns_and_parents_first(world: Any) -> None:
    book = load_workbook(io.BytesIO(exchange.export_bytes(world.officer)))
    rows = [[c.value for c in row] for row in book.active.iter_rows()]
    assert rows[0] == ["组织代码", "组织名称", "组织类型", "上级组织代码", "成立日期"]
    assert [r[0] for r in rows[1:]] == ["C", "G", "A", "A1", "B"]
    assert rows[4][2:4] == ["党小组", "A"]
    assert rows[1][3] is None  # the top has no parent


def test_the_export_is_limited_to_what_the_user_sees(world: Any) -> None:
    assert [r[0] for r in exchange.export_rows(world.secretary_a)] == ["A", "A1"]
    assert exchange.export_rows(world.outsider) == []


def test_export_then_import_changes_nothing(world: Any) -> None:
    Organisation.objects.filter(pk=world.branch_a.pk).update(founded_on=dt.date(2012, 6, 30))
    content = exchange.export_bytes(world.officer)
    before = counts()
    result = import_orgs(content, actor=world.officer)
    assert result.ok, lines(result)
    assert (result.created, result.updated, result.unchanged) == (0, 0, 5)
    assert counts() == before


# --- the management command -----------------------------------------------------------------------


def test_the_command_imports_and_prints_a_summary(db: Any, tmp_path: Any) -> None:
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(xlsx(TREE))
    out = io.StringIO()
    call_command("import_orgs", str(path), stdout=out)
    assert "新增 5 条，更新 0 条，未变 0 条" in out.getvalue()
    assert Organisation.objects.count() == 5
    assert AuditEvent.objects.get(action="import").after["file"] == "orgs.xlsx"


def test_the_command_dry_run_writes_nothing(db: Any, tmp_path: Any) -> None:
    path = tmp_path / "orgs.xlsx"
    path.write_bytes(xlsx(TREE))
    out = io.StringIO()
    call_command("import_orgs", str(path), "--dry-run", stdout=out)
    assert "仅校验" in out.getvalue()
    assert "新增 5 条" in out.getvalue()
    assert Organisation.objects.count() == 0


def test_the_command_prints_each_problem_and_fails(world: Any, tmp_path: Any) -> None:
    path = tmp_path / "bad.xlsx"
    path.write_bytes(xlsx([["Z", "某支部", "党支部", "NOPE", None], ["Y", "某小组", "小组", "C", None]]))
    err = io.StringIO()
    before = counts()
    with pytest.raises(CommandError, match="共 2 个问题"):
        call_command("import_orgs", str(path), stderr=err)
    assert err.getvalue().splitlines() == [
        "第2行 [上级组织代码] 上级组织“NOPE”不存在（须已在系统中，或在本文件中更早的行出现）",
        "第3行 [组织类型] “小组”不是允许的值，应为：党委、党总支、党支部、党小组",
    ]
    assert counts() == before


def test_the_command_refuses_a_missing_file(db: Any, tmp_path: Any) -> None:
    with pytest.raises(CommandError, match="文件不存在"):
        call_command("import_orgs", str(tmp_path / "none.xlsx"))


# --- the pages ---------------------------------------------------------------------------------------


def test_the_template_downloads_with_the_exact_headers(client: Any, world: Any) -> None:
    client.force_login(world.officer)
    response = client.get(reverse("orgs:import_template"))
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["党组织", "填写说明"]
    assert [c.value for c in book["党组织"][1]] == HEADERS
    assert [row[0].value for row in book["填写说明"].iter_rows(min_row=2, max_row=6)] == [
        "组织代码", "组织名称", "组织类型", "上级组织代码", "成立日期",
    ]  # fmt: skip


def test_an_officer_uploads_a_file(client: Any, world: Any) -> None:
    client.force_login(world.officer)
    rows = [["B", "第二党支部", "党支部", "C", None], ["B1", "第二党小组", "党小组", "B", "2020-01-01"]]
    response = client.post(reverse("orgs:import"), {"file": SimpleUploadedFile("o.xlsx", xlsx(rows))})
    assert "新增 1 条，更新 0 条，未变 1 条" in response.content.decode()
    assert Organisation.objects.get(code="B1").parent == world.branch_b
    bad = client.post(
        reverse("orgs:import"), {"file": SimpleUploadedFile("o.xlsx", xlsx([["B2", "x", "小组", "B"]]))}
    )
    assert "第2行 [组织类型] “小组”不是允许的值" in bad.content.decode()
    assert not Organisation.objects.filter(code="B2").exists()


def test_the_export_page_is_scoped(client: Any, world: Any) -> None:
    client.force_login(world.secretary_a)
    response = client.get(reverse("orgs:export"))
    assert response.status_code == 200
    codes = [row[0].value for row in load_workbook(io.BytesIO(response.content)).active.iter_rows(min_row=2)]
    assert codes == ["A", "A1"]


@pytest.mark.parametrize(
    ("persona", "name", "status"),
    [
        ("outsider", "orgs:export", 403),
        ("member_a", "orgs:export", 403),
        ("secretary_a", "orgs:import", 403),
        ("secretary_a", "orgs:import_template", 403),
        ("inspector", "orgs:import", 403),
        ("admin", "orgs:import", 200),
        ("inspector", "orgs:export", 200),
    ],
)
def test_who_may_use_the_pages(client: Any, world: Any, persona: str, name: str, status: int) -> None:
    client.force_login(getattr(world, persona))
    assert client.get(reverse(name)).status_code == status
