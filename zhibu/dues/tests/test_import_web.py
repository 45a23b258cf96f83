"""The dues-ledger upload and template pages (SPEC §13 import_dues): `dues.edit` only, people inside
the uploader's scope only, every problem listed, nothing written on any problem."""

import io
from typing import Any
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.dues.models import DuesPayment
from zhibu.dues.tests.test_import import entry, ledger, month_ago, payer, state

pytestmark = pytest.mark.django_db


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def post_file(client: Client, content: bytes, *, dry_run: bool = False, name: str = "党费.xlsx") -> Any:
    data: dict[str, Any] = {
        "file": SimpleUploadedFile(name, content, content_type="application/octet-stream")
    }
    if dry_run:
        data["dry_run"] = "on"
    return client.post(reverse("dues:import"), data)


def test_the_page_offers_the_form_the_columns_and_the_template(client: Client, world: Any) -> None:
    page = as_user(client, world.secretary_a).get(reverse("dues:import")).content.decode()
    assert "导入党费台账" in page
    assert 'enctype="multipart/form-data"' in page
    assert "仅校验，不写入" in page
    assert reverse("dues:import_template") in page
    assert f'href="{reverse("dues:index")}"' in page
    for column in ("公民身份号码", "月份", "应交金额", "实交金额", "交纳日期"):
        assert column in page
    assert "未核定" in page  # the note that the import never creates settings


def test_the_template_downloads_as_xlsx(client: Client, world: Any) -> None:
    response = as_user(client, world.officer).get(reverse("dues:import_template"))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/vnd.openxmlformats-officedocument.spreadsheetml")
    assert "党费台账导入模板.xlsx" in unquote(response["Content-Disposition"])
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["党费台账", "填写说明"]
    assert [c.value for c in book["党费台账"][1]] == [
        "公民身份号码*",
        "月份*",
        "应交金额",
        "实交金额*",
        "交纳日期*",
    ]
    assert book["党费台账"].max_row == 2  # one example row


def test_a_good_upload_imports_in_the_uploaders_name(client: Client, world: Any) -> None:
    first, second = payer(world.branch_a, "一"), payer(world.branch_a, "二")
    response = post_file(as_user(client, world.secretary_a), ledger([entry(first), entry(second)]))
    page = response.content.decode()
    assert response.status_code == 200
    assert "导入完成：" in page and "新增 2 条，更新 0 条，未变 0 条" in page
    assert DuesPayment.objects.filter(branch=world.branch_a).count() == 2
    summary = AuditEvent.objects.get(action=AuditEvent.Action.IMPORT)
    assert (summary.actor, summary.after["file"]) == (world.secretary_a, "党费.xlsx")
    again = post_file(client, ledger([entry(first), entry(second)])).content.decode()
    assert "新增 0 条，更新 0 条，未变 2 条" in again
    assert AuditEvent.objects.filter(action=AuditEvent.Action.IMPORT).count() == 1


def test_a_bad_upload_lists_every_problem_and_writes_nothing(client: Client, world: Any) -> None:
    member = payer(world.branch_a, "坏")
    rows = [
        entry(member),
        entry(member, 月份="2026年3月"),
        entry(member, 月份=f"{month_ago(2):%Y-%m}", 实交金额="-3"),
    ]
    as_user(client, world.secretary_a)  # (logging in writes an audit event)
    before = state()
    page = post_file(client, ledger(rows)).content.decode()
    assert "未导入" in page and "2 个问题" in page
    assert "第3行 [月份] 月份应为YYYY-MM格式，如2026-03" in page
    assert "第4行 [实交金额] 不能为负数（实为 -3）" in page
    assert state() == before


def test_a_dry_run_upload_reports_and_writes_nothing(client: Client, world: Any) -> None:
    member = payer(world.branch_a, "试")
    as_user(client, world.secretary_a)
    before = state()
    page = post_file(client, ledger([entry(member)]), dry_run=True).content.decode()
    assert "校验通过" in page and "新增 1 条" in page
    assert state() == before


def test_a_secretary_cannot_import_dues_of_another_branch(client: Client, world: Any) -> None:
    own, other = payer(world.branch_a, "本支部"), payer(world.branch_b, "外支部")
    as_user(client, world.secretary_a)
    before = state()
    page = post_file(client, ledger([entry(own), entry(other)])).content.decode()
    assert "第3行 [公民身份号码] 该人员不在您的管理范围内" in page
    assert world.branch_b.name not in page and "外支部" not in page
    assert state() == before
    assert not DuesPayment.objects.exists()


def test_the_officer_imports_for_every_branch_under_the_committee(client: Client, world: Any) -> None:
    own, other = payer(world.branch_a, "甲"), payer(world.branch_b, "乙")
    page = post_file(as_user(client, world.officer), ledger([entry(own), entry(other)])).content.decode()
    assert "新增 2 条" in page
    assert set(DuesPayment.objects.values_list("branch__code", flat=True)) == {"A", "B"}


def test_a_file_that_is_not_xlsx_gets_one_clear_message(client: Client, world: Any) -> None:
    page = post_file(as_user(client, world.secretary_a), b"%PDF-1.4").content.decode()
    assert "第1行 [文件] 不是有效的 .xlsx 文件" in page
    assert "Traceback" not in page


@pytest.mark.parametrize(
    ("persona", "name", "status"),
    [
        ("outsider", "dues:import", 403),
        ("member_a", "dues:import", 403),
        ("member_a", "dues:import_template", 403),
        ("inspector", "dues:import", 403),
        ("auditor", "dues:import", 403),
        ("auditor", "dues:import_template", 403),
        ("rater", "dues:import", 403),
        ("admin", "dues:import", 403),
        ("secretary_b", "dues:import", 200),
        ("secretary_a", "dues:import_template", 200),
        ("officer", "dues:import", 200),
    ],
)
def test_who_may_use_the_pages(client: Client, world: Any, persona: str, name: str, status: int) -> None:
    assert as_user(client, getattr(world, persona)).get(reverse(name)).status_code == status


def test_an_auditor_cannot_post_an_import(client: Client, world: Any) -> None:
    member = payer(world.branch_a, "审计")
    as_user(client, world.auditor)
    before = state()
    assert post_file(client, ledger([entry(member)])).status_code == 403
    assert state() == before


def test_anonymous_users_are_sent_to_log_in(client: Client, world: Any) -> None:
    for name in ("dues:import", "dues:import_template"):
        response = client.get(reverse(name))
        assert response.status_code == 302
        assert "/login/" in response["Location"]
