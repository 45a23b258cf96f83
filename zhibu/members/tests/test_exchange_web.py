"""The member import and export pages (MEM-2, MEM-6, DOC-4): who may use them, what they show."""

import io
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.members import exchange
from zhibu.members.models import Member
from zhibu.members.tests.test_exchange import SPEC_HEADERS, person, state, xlsx

pytestmark = pytest.mark.django_db

REQUIRED = {"姓名", "性别", "公民身份号码", "人员类别", "所在党支部"}


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def upload(content: bytes, name: str = "名册.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="application/octet-stream")


def post_file(client: Client, content: bytes, *, dry_run: bool = False) -> Any:
    data: dict[str, Any] = {"file": upload(content)}
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("members:import"), data)


def sheet_rows(content: bytes, index: int = 0) -> list[list[Any]]:
    book = load_workbook(io.BytesIO(content))
    return [[c.value for c in row] for row in book.worksheets[index].iter_rows()]


# --- the template -------------------------------------------------------------------------------


def test_the_template_has_the_exact_headers_and_a_notes_sheet(client: Client, world: Any) -> None:
    response = as_user(client, world.secretary_a).get(reverse("members:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["党员", "填写说明"]
    headers = [c.value for c in book["党员"][1]]
    assert headers == [f"{h}*" if h in REQUIRED else h for h in SPEC_HEADERS]
    assert [h.rstrip("*") for h in headers] == SPEC_HEADERS
    notes = {row[0]: row for row in sheet_rows(response.content, 1)[1:] if row[0]}
    assert notes["人员类别"][1:3] == ["是", "正式党员、预备党员、发展对象、入党积极分子、入党申请人"]
    assert notes["党费类别"][2] == "在职、离退休、学生、农民、无固定收入"
    assert notes["民族"][1] == "否"


def test_the_filled_in_template_imports(client: Client, world: Any) -> None:
    template = load_workbook(
        io.BytesIO(as_user(client, world.secretary_a).get(reverse("members:import_template")).content)
    )
    sheet = template["党员"]
    row = person(姓名="模板填写")
    sheet.append([row[str(c.value).rstrip("*")] for c in sheet[1]])
    buffer = io.BytesIO()
    template.save(buffer)
    response = post_file(client, buffer.getvalue())
    assert "导入完成：" in response.content.decode()
    assert Member.objects.filter(name="模板填写", branch=world.branch_a).exists()


# --- uploads ---------------------------------------------------------------------------------------


def test_the_page_offers_the_form_and_the_template(client: Client, world: Any) -> None:
    page = as_user(client, world.secretary_a).get(reverse("members:import")).content.decode()
    assert "仅校验，不写入" in page
    assert reverse("members:import_template") in page
    assert 'enctype="multipart/form-data"' in page


def test_a_good_upload_imports_in_the_uploaders_name(client: Client, world: Any) -> None:
    response = post_file(as_user(client, world.secretary_a), xlsx([person(), person(姓名="李四")]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "导入完成：" in page
    assert "新增 2 条，更新 0 条，未变 0 条" in page
    assert Member.objects.filter(branch=world.branch_a).count() == 3
    summary = AuditEvent.objects.get(action="import")
    assert (summary.actor, summary.after["file"]) == (world.secretary_a, "名册.xlsx")


def test_a_bad_upload_lists_every_problem_and_writes_nothing(client: Client, world: Any) -> None:
    rows = [person(), person(人员类别="党员"), person(所在党支部="NOPE"), person(转正日期="2016-02-30")]
    as_user(client, world.secretary_a)  # (logging in writes an audit event)
    before = state()
    page = post_file(client, xlsx(rows)).content.decode()
    assert "未导入" in page
    assert "3 个问题" in page
    assert "第3行 [人员类别] “党员”不是允许的值" in page
    assert "第4行 [所在党支部] 组织代码“NOPE”不存在或不在您的管理范围内" in page
    assert "第5行 [转正日期] “2016-02-30”不是真实的日期" in page
    assert state() == before


def test_a_dry_run_upload_reports_and_writes_nothing(client: Client, world: Any) -> None:
    as_user(client, world.secretary_a)
    before = state()
    page = post_file(client, xlsx([person()]), dry_run=True).content.decode()
    assert "校验通过" in page
    assert "新增 1 条" in page
    assert state() == before


def test_a_file_that_is_not_xlsx_gets_one_clear_message(client: Client, world: Any) -> None:
    page = post_file(as_user(client, world.secretary_a), b"%PDF-1.4 not a workbook").content.decode()
    assert "第1行 [文件] 不是有效的 .xlsx 文件" in page
    assert "Traceback" not in page


def test_an_upload_over_10_mb_is_refused(client: Client, world: Any) -> None:
    as_user(client, world.secretary_a)
    before = state()
    big = SimpleUploadedFile("big.xlsx", b"0" * (10 * 1024 * 1024 + 1))
    response = client.post(reverse("members:import"), {"file": big})
    page = response.content.decode()
    assert "超过 10 MB" in page
    assert "导入完成" not in page
    assert state() == before


def test_a_secretary_cannot_import_into_another_branch(client: Client, world: Any) -> None:
    existing_b = dict(zip(SPEC_HEADERS, exchange.export_row(world.member_in_b, full_id=True), strict=True))
    existing_b["联系电话"] = "13000000000"
    rows = [person(), person(所在党支部="B", 党小组=""), existing_b]
    as_user(client, world.secretary_a)  # (logging in writes an audit event)
    before = state()
    page = post_file(client, xlsx(rows)).content.decode()
    assert "第3行 [所在党支部] 组织代码“B”不存在或不在您的管理范围内" in page
    assert "第4行 [公民身份号码] 该人员不在您的管理范围内" in page
    assert world.branch_b.name not in page
    assert state() == before
    world.member_in_b.refresh_from_db()
    assert world.member_in_b.phone == ""


# --- exports ---------------------------------------------------------------------------------------


def test_a_secretary_exports_only_their_branch_masked(client: Client, world: Any) -> None:
    response = as_user(client, world.secretary_a).get(reverse("members:export"))
    assert response.status_code == 200
    assert "attachment;" in response["Content-Disposition"]
    rows = sheet_rows(response.content)
    assert rows[0] == SPEC_HEADERS
    assert [(r[0], r[3], r[7]) for r in rows[1:]] == [("甲党员", world.member_in_a.masked_id_number, "A")]
    response = client.get(reverse("members:export"), {"branch": world.branch_b.pk})
    assert sheet_rows(response.content)[1:] == []


def test_the_export_takes_the_list_filters(client: Client, world: Any) -> None:
    as_user(client, world.officer)
    everyone = sheet_rows(client.get(reverse("members:export")).content)
    assert [r[0] for r in everyone[1:]] == ["甲党员", "乙党员"]
    only_b = sheet_rows(client.get(reverse("members:export"), {"branch": world.branch_b.pk}).content)
    assert [r[0] for r in only_b[1:]] == ["乙党员"]
    nobody = sheet_rows(client.get(reverse("members:export"), {"category": "activist"}).content)
    assert nobody == [SPEC_HEADERS]


def test_the_full_id_export_is_for_id_holders_and_logged(client: Client, world: Any) -> None:
    as_user(client, world.secretary_a)
    before = AuditEvent.objects.count()
    response = client.get(reverse("members:export"), {"full_id": "1"})
    assert response.status_code == 200
    assert [r[3] for r in sheet_rows(response.content)[1:]] == [world.member_in_a.id_number]
    assert AuditEvent.objects.count() == before + 1
    event = AuditEvent.objects.latest("id")
    assert (event.action, event.actor) == ("view_sensitive", world.secretary_a)
    assert "完整号码" in unquote(response["Content-Disposition"])


def test_an_inspector_may_export_masked_but_not_full_ids(client: Client, world: Any) -> None:
    as_user(client, world.inspector)
    assert client.get(reverse("members:export")).status_code == 200
    before = AuditEvent.objects.count()
    assert client.get(reverse("members:export"), {"full_id": "1"}).status_code == 403
    assert AuditEvent.objects.count() == before


def test_the_full_export_round_trips_through_the_upload(client: Client, world: Any) -> None:
    as_user(client, world.officer)
    content = client.get(reverse("members:export"), {"full_id": "1"}).content
    before = state()
    page = post_file(client, content).content.decode()
    assert "新增 0 条，更新 0 条，未变 2 条" in page
    assert state() == before


@pytest.mark.parametrize(
    ("persona", "name", "status"),
    [
        ("outsider", "members:export", 403),
        ("outsider", "members:import", 403),
        ("outsider", "members:import_template", 403),
        ("member_a", "members:export", 403),
        ("inspector", "members:import", 403),
        ("inspector", "members:import_template", 403),
        ("rater", "members:export", 403),
        ("auditor", "members:import", 403),
        ("secretary_b", "members:import", 200),
        ("officer", "members:import_template", 200),
    ],
)
def test_who_may_use_the_pages(client: Client, world: Any, persona: str, name: str, status: int) -> None:
    assert as_user(client, getattr(world, persona)).get(reverse(name)).status_code == status


def test_an_outsider_cannot_post_an_import(client: Client, world: Any) -> None:
    as_user(client, world.outsider)
    before = state()
    response = client.post(reverse("members:import"), {"file": upload(xlsx([person()]))})
    assert response.status_code == 403
    assert state() == before


def test_anonymous_users_are_sent_to_log_in(client: Client, world: Any) -> None:
    for name in ("members:export", "members:import", "members:import_template"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/login/" in response["Location"]
