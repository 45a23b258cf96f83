"""The dues API (DUES-1, DUES-2) at /api/dues: the ledger with 12 months a row, the arrears with
their levels (C-8), payments (a member reads their own), and recording a payment — 201, or 422 with
the words of `services.payment_problems` under each field; scoped like the pages."""

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from django.test import Client

from zhibu.accounts.services import token_create
from zhibu.audit.models import AuditEvent
from zhibu.dues import selectors, services
from zhibu.dues.models import DuesPayment
from zhibu.dues.tests.test_views import Scenario, ago, client_for, dues_scenario, ym
from zhibu.lib.dates import today

D = Decimal


@pytest.fixture
def s(world: Any) -> Scenario:
    return dues_scenario(world)


def post(client: Client, data: dict[str, Any]) -> Any:
    return client.post("/api/dues/payments", data, content_type="application/json")


def payment_data(member_id: int, **extra: Any) -> dict[str, Any]:
    return {
        "member_id": member_id,
        "month": ym(ago(1)),
        "paid": "10.00",
        "paid_on": today().isoformat(),
        "method": "cash",
    } | extra


def problems(response: Any) -> dict[str, str]:
    assert response.status_code == 422, response.content
    return {p["field"]: p["message"] for p in response.json()["detail"]}


# --- the ledger ---------------------------------------------------------------------------------


def test_the_ledger_has_every_member_with_twelve_months(s: Scenario) -> None:
    response = client_for(s.world.inspector).get(f"/api/dues/ledger?branch={s.branch.pk}&year={s.year}")
    assert response.status_code == 200
    body = response.json()
    assert (body["branch_code"], body["year"]) == ("A", s.year)
    rows = {r["member_name"]: r for r in body["rows"]}
    assert set(rows) == {"甲党员", "丙党员", "丁党员"}
    assert all(len(r["months"]) == 12 for r in rows.values())
    assert [m["month"] for m in rows["甲党员"]["months"]] == [f"{s.year}-{n:02d}" for n in range(1, 13)]
    last = ago(1).month - 1
    assert rows["甲党员"]["months"][last] | {"paid_on": None} == {
        "month": ym(ago(1)),
        "due": "40.00",
        "paid": "40.00",
        "paid_on": None,
        "state": "paid",
    }
    assert (
        rows["丙党员"]["months"][last]["state"] == "unpaid" and rows["丙党员"]["months"][last]["paid"] is None
    )
    assert rows["丁党员"]["amount"] == "240.00" and rows["丁党员"]["dues_category"] == "employed"
    assert body["unset"] == [{"member_id": s.unset.pk, "member_name": "戊党员"}]
    ledger = selectors.branch_ledger(s.branch, s.year)
    assert D(body["due_total"]) == ledger.due_total and D(body["paid_total"]) == ledger.paid_total
    assert len(body["monthly_paid"]) == 12 and D(body["monthly_paid"][last]) == D("40.00")


def test_the_ledger_year_defaults_to_this_year(s: Scenario) -> None:
    body = client_for(s.world.secretary_a).get(f"/api/dues/ledger?branch={s.branch.pk}").json()
    assert body["year"] == today().year


def test_the_ledger_is_scoped_and_needs_a_branch(s: Scenario) -> None:
    assert client_for(s.world.secretary_b).get(f"/api/dues/ledger?branch={s.branch.pk}").status_code == 404
    group = client_for(s.world.officer).get(f"/api/dues/ledger?branch={s.world.group_a1.pk}")
    assert group.status_code == 404 and group.json()["detail"] == "党费台账按党支部查看"
    missing = client_for(s.world.officer).get("/api/dues/ledger")
    assert missing.status_code == 422
    assert missing.json()["detail"][0] | {"label": ""} == {
        "field": "branch",
        "label": "",
        "message": "必须填写",
    }
    assert client_for(s.world.rater).get(f"/api/dues/ledger?branch={s.branch.pk}").status_code == 403
    assert Client().get(f"/api/dues/ledger?branch={s.branch.pk}").status_code == 401


# --- arrears ------------------------------------------------------------------------------------


def test_the_arrears_have_levels_and_labels_c8(s: Scenario) -> None:
    body = client_for(s.world.auditor).get("/api/dues/arrears").json()
    by_name = {r["member_name"]: r for r in body}
    assert set(by_name) == {"丙党员", "丁党员"}
    warned = by_name["丙党员"]
    assert warned["months"] == [ym(ago(3)), ym(ago(2)), ym(ago(1))]
    assert (warned["consecutive"], warned["owed"], warned["level"], warned["level_label"]) == (
        3,
        "30.00",
        "warning",
        "3个月提醒",
    )
    assert warned["branch_name"] == "第一党支部"
    assert by_name["丁党员"]["level"] == "flag" and by_name["丁党员"]["level_label"] == "6个月标记"


def test_the_arrears_follow_the_scope_and_the_branch_filter(s: Scenario) -> None:
    assert client_for(s.world.secretary_b).get("/api/dues/arrears").json() == []
    assert client_for(s.world.officer).get(f"/api/dues/arrears?branch={s.world.branch_b.pk}").json() == []
    assert (
        len(client_for(s.world.officer).get(f"/api/dues/arrears?branch={s.world.general_branch.pk}").json())
        == 2
    )
    assert client_for(s.world.secretary_b).get(f"/api/dues/arrears?branch={s.branch.pk}").status_code == 404
    assert client_for(s.world.member_a).get("/api/dues/arrears").status_code == 403


# --- payments -----------------------------------------------------------------------------------


def test_payments_list_with_filters(s: Scenario) -> None:
    client = client_for(s.world.secretary_a)
    body = client.get(f"/api/dues/payments?member={s.warned.pk}&year={ago(4).year}").json()
    months = [p["month"] for p in body["items"]]
    assert months and all(m.startswith(str(ago(4).year)) for m in months) and months[-1] == ym(ago(4))
    first = body["items"][0]
    assert first["member_name"] == "丙党员" and first["settled"] is True and first["method_label"] == "现金"
    assert client_for(s.world.secretary_b).get(f"/api/dues/payments?member={s.warned.pk}").status_code == 404
    assert client_for(s.world.secretary_b).get("/api/dues/payments").json()["count"] == 0


def test_a_member_reads_only_their_own_payments(s: Scenario) -> None:
    client = client_for(s.world.member_a)
    body = client.get("/api/dues/payments?page_size=500").json()
    assert body["count"] > 0 and {p["member_id"] for p in body["items"]} == {s.paid_up.pk}
    assert client.get(f"/api/dues/payments?member={s.paid_up.pk}").status_code == 200
    assert client.get(f"/api/dues/payments?member={s.warned.pk}").status_code == 404
    assert client_for(s.world.outsider).get("/api/dues/payments").status_code == 403


def test_recording_a_payment_answers_201_and_audits(s: Scenario) -> None:
    response = post(client_for(s.world.secretary_a), payment_data(s.warned.pk, note="补交"))
    assert response.status_code == 201, response.content
    body = response.json()
    assert (body["month"], body["due"], body["paid"], body["settled"]) == (ym(ago(1)), "10.00", "10.00", True)
    payment = DuesPayment.objects.get(pk=body["id"])
    assert payment.branch == s.branch and payment.note == "补交"
    assert AuditEvent.objects.filter(object_type="dues.duespayment", object_id=str(payment.pk)).exists()
    # The arrears shrink at once.
    [row] = [r for r in selectors.arrears([s.branch]) if r.member.pk == s.warned.pk]
    assert row.consecutive == 0 and len(row.months) == 2


def test_a_token_can_record_a_payment_with_a_given_due(s: Scenario) -> None:
    _, key = token_create(actor=None, user=s.world.officer, name="财务系统")
    response = Client().post(
        "/api/dues/payments",
        payment_data(s.flagged.pk, due="200.00", paid="200.00"),
        content_type="application/json",
        headers={"Authorization": f"Bearer {key}"},
    )
    assert response.status_code == 201, response.content
    assert response.json()["due"] == "200.00"


@pytest.mark.parametrize(
    ("extra", "field", "message"),
    [
        ({"month": "old"}, "month", "补交党费最多补交6个月（党费规定 C-6）"),
        ({"paid_on": "tomorrow"}, "paid_on", "交纳日期不能晚于今天"),
        ({"paid": "-5"}, "paid", "实交金额不能为负数"),
        ({"paid": "1.005"}, "paid", "最多2位小数"),
        ({"month": "2026-13"}, "month", "所属月份格式应为 YYYY-MM"),
        ({"month": "三月"}, "month", "所属月份格式应为 YYYY-MM"),
        ({"method": "bitcoin"}, "method", "取值无效"),
        ({"due": "-1"}, "due", "应交金额不能为负数"),
    ],
)
def test_a_refused_payment_is_a_422_naming_the_field_and_the_rule(
    s: Scenario, extra: dict[str, str], field: str, message: str
) -> None:
    if extra.get("month") == "old":
        extra = {"month": ym(ago(8))}
    if extra.get("paid_on") == "tomorrow":
        extra = {"paid_on": (today() + dt.timedelta(1)).isoformat()}
    before = DuesPayment.objects.count()
    found = problems(post(client_for(s.world.secretary_a), payment_data(s.flagged.pk, **extra)))
    assert field in found, found
    assert message in found[field]
    assert DuesPayment.objects.count() == before


def test_every_problem_of_a_payment_is_reported_at_once(s: Scenario) -> None:
    data = payment_data(s.flagged.pk, month=ym(ago(8)), paid="-1", due="-1")
    found = problems(post(client_for(s.world.secretary_a), data))
    assert set(found) == {"month", "paid", "due"}
    assert found == {
        key: value
        for key, value in services.payment_problems(
            member=s.flagged, month=ago(8), paid=D("-1"), paid_on=today(), due=D("-1")
        ).items()
    }


def test_a_month_before_joining_is_refused_c6(s: Scenario) -> None:
    joined = ago(1)
    s.warned.joined_on = joined
    s.warned.save(update_fields=["joined_on"])
    found = problems(post(client_for(s.world.secretary_a), payment_data(s.warned.pk, month=ym(ago(2)))))
    assert "预备党员从支部大会通过之月起交纳党费" in found["month"]


def test_a_member_out_of_scope_is_a_422_on_member_id(s: Scenario) -> None:
    response = post(client_for(s.world.secretary_b), payment_data(s.warned.pk))
    found = problems(response)
    assert found == {"member_id": f"编号为{s.warned.pk}的党员不存在或不在您的管理范围内"}
    assert response.json()["detail"][0]["label"] == "党员编号"
    assert not DuesPayment.objects.filter(member=s.warned, month=ago(1)).exists()


@pytest.mark.parametrize("persona", ["auditor", "inspector", "member_a", "rater"])
def test_readers_cannot_record_payments(s: Scenario, persona: str) -> None:
    response = post(client_for(getattr(s.world, persona)), payment_data(s.paid_up.pk, month=ym(ago(1))))
    assert response.status_code == 403
    assert response.json()["detail"] == "您没有使用此接口的权限"


def test_the_browser_session_needs_the_csrf_header_for_a_payment(s: Scenario) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(s.world.secretary_a)
    response = post(client, payment_data(s.warned.pk))
    assert response.status_code == 403 and "CSRF" in response.json()["detail"]
    assert not DuesPayment.objects.filter(member=s.warned, month=ago(1)).exists()
