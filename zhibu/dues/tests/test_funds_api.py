"""党建经费 API (SPEC DUES-3): /api/funds/summary and /api/funds/expenses answer what the pages
show, scoped the same way (401 anonymous, 403 without `funds.view`, 404 outside the subtree)."""

import datetime as dt
from decimal import Decimal as D
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from zhibu.conftest import World
from zhibu.dues import funds
from zhibu.dues.models import FundBudget, FundExpense
from zhibu.lib.dates import today
from zhibu.orgs.models import Organisation

PAST = today().year - 1


@pytest.fixture(autouse=True)
def media(settings: Any, tmp_path: Any) -> None:
    settings.MEDIA_ROOT = tmp_path


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


def budget(org: Organisation, amount: str, *, line: str = "education", year: int = PAST) -> FundBudget:
    return funds.budget_set(actor=None, organisation=org, year=year, line=line, amount=D(amount))


def spend(b: FundBudget, amount: str, purpose: str, on: dt.date, *names: str) -> FundExpense:
    return funds.expense_record(
        actor=None,
        budget=b,
        spent_on=on,
        amount=D(amount),
        purpose=purpose,
        payee="新华书店",
        voucher_number="记-1",
        approver="张书记",
        receipts=[SimpleUploadedFile(name, name.encode()) for name in names or ("发票.pdf",)],
    )


def test_the_summary_gives_each_line_and_the_totals(world: World) -> None:
    education = budget(world.branch_a, "1000.00")
    budget(world.branch_a, "0.00", line="other")
    spend(education, "333.33", "学习读本", dt.date(PAST, 5, 4))
    response = _client(world, "auditor").get(f"/api/funds/summary?org={world.branch_a.pk}&year={PAST}")
    assert response.status_code == 200
    assert response.json() == {
        "organisation_id": world.branch_a.pk,
        "organisation_code": "A",
        "organisation_name": "第一党支部",
        "year": PAST,
        "lines": [
            {
                "line": "education",
                "label": "党员教育培训",
                "budget": "1000.00",
                "spent": "333.33",
                "remaining": "666.67",
                "usage": "33.3",
                "note": "",
            },
            {
                "line": "other",
                "label": "其他",
                "budget": "0.00",
                "spent": "0.00",
                "remaining": "0.00",
                "usage": None,
                "note": "",
            },
        ],
        "budget_total": "1000.00",
        "spent_total": "333.33",
        "remaining_total": "666.67",
        "usage": "33.3",
    }


def test_the_summary_defaults_to_this_year(world: World) -> None:
    budget(world.branch_a, "10.00", year=today().year)
    body = _client(world, "secretary_a").get(f"/api/funds/summary?org={world.branch_a.pk}").json()
    assert body["year"] == today().year and body["budget_total"] == "10.00"


def test_the_summary_is_scoped(world: World) -> None:
    url = f"/api/funds/summary?org={world.branch_a.pk}"
    assert Client().get(url).status_code == 401
    assert _client(world, "member_a").get(url).status_code == 403
    assert _client(world, "rater").get(url).status_code == 403
    other = _client(world, "secretary_b").get(url)
    assert other.status_code == 404 and other.json() == {"detail": "未找到该党组织"}
    group = _client(world, "officer").get(f"/api/funds/summary?org={world.group_a1.pk}")
    assert group.status_code == 404
    missing = _client(world, "officer").get("/api/funds/summary").json()
    assert missing["detail"][0]["field"] == "org" and missing["detail"][0]["message"] == "必须填写"
    bad_year = _client(world, "officer").get(f"{url}&year=1999")
    assert bad_year.status_code == 422 and bad_year.json()["detail"][0]["label"] == "年度"


def test_the_expense_list_has_receipts_and_filters(world: World) -> None:
    a = budget(world.branch_a, "1000.00")
    spend(a, "100.00", "一季度党课资料", dt.date(PAST, 3, 1), "发票.pdf", "清单.xlsx")
    spend(a, "20.00", "五月", dt.date(PAST, 5, 1))
    spend(budget(world.branch_a, "50.00", year=PAST - 1), "5.00", "上一年", dt.date(PAST - 1, 5, 1))
    spend(budget(world.branch_b, "500.00"), "30.00", "乙支部", dt.date(PAST, 4, 1))
    officer = _client(world, "officer")
    body = officer.get(f"/api/funds/expenses?org={world.branch_a.pk}&year={PAST}").json()
    assert body["count"] == 2
    assert [item["purpose"] for item in body["items"]] == ["五月", "一季度党课资料"]
    first = body["items"][1]
    assert first | {"id": 0, "receipts": []} == {
        "id": 0,
        "organisation_id": world.branch_a.pk,
        "organisation_name": "第一党支部",
        "year": PAST,
        "line": "education",
        "line_label": "党员教育培训",
        "spent_on": f"{PAST}-03-01",
        "amount": "100.00",
        "purpose": "一季度党课资料",
        "payee": "新华书店",
        "voucher_number": "记-1",
        "approver": "张书记",
        "receipts": [],
    }
    receipts = sorted(first["receipts"], key=lambda r: r["name"])
    assert [(r["name"], r["size"]) for r in receipts] == [("发票.pdf", 10), ("清单.xlsx", 11)]
    assert receipts[0]["url"] == f"/funds/receipt/{receipts[0]['id']}/"
    assert officer.get(receipts[0]["url"]).status_code == 200
    assert officer.get("/api/funds/expenses").json()["count"] == 4
    assert officer.get(f"/api/funds/expenses?year={PAST - 1}").json()["count"] == 1
    own = _client(world, "secretary_b").get("/api/funds/expenses").json()
    assert [item["purpose"] for item in own["items"]] == ["乙支部"]


def test_the_expense_list_is_scoped(world: World) -> None:
    url = f"/api/funds/expenses?org={world.branch_a.pk}"
    assert Client().get(url).status_code == 401
    assert _client(world, "member_a").get("/api/funds/expenses").status_code == 403
    assert _client(world, "secretary_b").get(url).status_code == 404
    assert _client(world, "inspector").get(url).status_code == 200


def test_the_expense_list_queries_are_constant(world: World, django_assert_max_num_queries: Any) -> None:
    client = _client(world, "officer")
    a = budget(world.branch_a, "10000.00")
    spend(a, "1.00", "first", dt.date(PAST, 1, 1))
    with django_assert_max_num_queries(10) as small:
        client.get("/api/funds/expenses")
    for index in range(20):
        spend(a, "1.00", f"支出{index}", dt.date(PAST, 2, 1), f"{index}.pdf", f"{index}b.pdf")
    with django_assert_max_num_queries(len(small.captured_queries)):
        body = client.get("/api/funds/expenses").json()
    assert body["count"] == 21 and all(len(item["receipts"]) == 2 for item in body["items"][:20])
