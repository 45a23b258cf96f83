"""The dues pages (DUES-1, DUES-2; RULES C-2…C-8): the overview, the branch ledger grid with 年初核定,
收缴登记 and 公示, a member's settings and payments with the amount explained, the arrears list with
its levels, a member's own dues; who sees the write buttons (the auditor does not) and the query
counts of the list pages, constant in the number of members.

The dates are relative to today: `LAST` is last month (ended), `LY` its year — the ledger year whose
ended months every test can rely on, in January as in December."""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from zhibu.conftest import World
from zhibu.dues import selectors, services
from zhibu.dues.models import DuesPayment, DuesPublication, DuesSetting
from zhibu.dues.tests.factories import make_setting, pay, pay_months
from zhibu.lib.dates import add_months, today
from zhibu.meetings.models import Notice
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member
from zhibu.orgs.tests.factories import make_org

D = Decimal


def this_month() -> dt.date:
    return today().replace(day=1)


def ago(months: int) -> dt.date:
    return add_months(this_month(), -months)


def ym(month: dt.date) -> str:
    return f"{month:%Y-%m}"


@dataclass
class Scenario:
    """Branch A: 甲 (member_a's record) pays every month; 丙 left the last 3 ended months unpaid (a
    warning); 丁 never paid (a flag, C-8); 戊 has no 党费基数 and no setting (未核定)."""

    world: World
    paid_up: Member
    warned: Member
    flagged: Member
    unset: Member
    year: int  # LY: the year of last month

    @property
    def branch(self) -> Any:
        return self.world.branch_a


def settle(member: Member, amount: str) -> None:
    """Settings from January of last year and of last month's year (the same year in January)."""
    last_year = today().year - 1
    for year in sorted({last_year, ago(1).year}):
        make_setting(member, year, amount)


def dues_scenario(world: World) -> Scenario:
    first = dt.date(today().year - 1, 1, 1)
    paid_up = world.member_in_a
    Member.objects.filter(pk=paid_up.pk).update(dues_base=D("4000"))
    paid_up.refresh_from_db()
    settle(paid_up, "40.00")
    pay_months(paid_up, first, ago(1))
    warned = make_member(world.branch_a, "丙党员", dues_base=D("2000"))
    settle(warned, "10.00")
    pay_months(warned, first, ago(4))
    flagged = make_member(world.branch_a, "丁党员", dues_base=D("12000"))
    settle(flagged, "240.00")
    unset = make_member(world.branch_a, "戊党员")
    return Scenario(world, paid_up, warned, flagged, unset, ago(1).year)


@pytest.fixture
def s(world: World) -> Scenario:
    return dues_scenario(world)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def count_queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, response.content[:500]
    return len(context.captured_queries)


def grow(branch: Any, n: int) -> None:
    """n more members, each with settings, payments and some arrears."""
    for i in range(n):
        member = make_member(branch, f"新增党员{i}", dues_base=D("3500"))
        settle(member, "35.00")
        pay_months(member, dt.date(today().year - 1, 1, 1), ago(2 + i % 4))


# --- the overview -------------------------------------------------------------------------------


def test_the_overview_has_a_line_per_branch_in_scope_dues2(s: Scenario) -> None:
    response = client_for(s.world.officer).get(f"/dues/?year={s.year}")
    assert response.status_code == 200
    by_code = {row.branch.code: row for row in response.context["summaries"]}
    assert set(by_code) == {"A", "B"}
    a = by_code["A"]
    assert a.members == 3  # 甲, 丙, 丁 owe months of the year; 戊 is not set
    assert (a.arrears, a.warnings, a.flags) == (2, 1, 1)
    assert a.unset == 1 and not a.set_done and a.set_text == "未核定（1人）"
    assert a.publication is None
    ledger = selectors.branch_ledger(s.branch, s.year)
    assert a.due_total == ledger.due_total and a.paid_total == ledger.paid_total
    assert a.rate_text == f"{ledger.rate}%"
    page = response.content.decode()
    assert "3个月提醒 1" in page and "6个月标记 1" in page and "未核定（1人）" in page
    # Branch B has nobody paying: nothing set, nothing due.
    assert by_code["B"].members == 0 and by_code["B"].rate_text == ""


def test_a_secretary_sees_only_their_own_branch(s: Scenario) -> None:
    page = client_for(s.world.secretary_b).get("/dues/").content.decode()
    assert "第二党支部" in page and "第一党支部" not in page


def test_the_overview_says_set_and_published(s: Scenario) -> None:
    Member.objects.filter(pk=s.unset.pk).update(is_active=False)
    services.publication_publish(
        actor=None, branch=s.branch, year=s.year, start_on=today(), end_on=today() + dt.timedelta(5)
    )
    response = client_for(s.world.secretary_a).get(f"/dues/?year={s.year}")
    [a] = response.context["summaries"]
    assert a.set_done and a.publication is not None
    assert "已核定" in response.content.decode() and "已公示" in response.content.decode()


def test_the_overview_queries_are_constant_in_the_number_of_members(
    s: Scenario, django_assert_num_queries: Any
) -> None:
    client = client_for(s.world.officer)
    url = f"/dues/?year={s.year}"
    client.get(url)  # warm up the session
    small = count_queries(client, url)
    grow(s.branch, 6)
    grow(s.world.branch_b, 3)
    # session, user, roles, rules; branches (count + page); publications; ledgers of all the branches:
    # members, settings, payments; arrears: members, settings, payments, rules; notifications
    with django_assert_num_queries(small):
        client.get(url)
    assert small <= 20


def test_the_overview_queries_are_constant_in_the_number_of_branches(
    s: Scenario, django_assert_num_queries: Any
) -> None:
    client = client_for(s.world.officer)
    url = f"/dues/?year={s.year}"
    client.get(url)
    small = count_queries(client, url)
    for code in ("C1", "C2", "C3"):
        grow(make_org(code, "branch", s.world.committee, name=f"新党支部{code}"), 2)
    with django_assert_num_queries(small):
        response = client.get(url)
    assert len(response.context["summaries"]) == 5


# --- the ledger ---------------------------------------------------------------------------------


def test_the_ledger_colours_each_cell_by_state_with_totals_dues2(s: Scenario) -> None:
    response = client_for(s.world.secretary_a).get(f"/dues/branch/{s.branch.pk}/?year={s.year}")
    assert response.status_code == 200
    rows = {g.row.member.name: g for g in response.context["rows"]}
    assert set(rows) == {"甲党员", "丙党员", "丁党员"}
    index = ago(1).month - 1
    cell, css, label = rows["甲党员"].cells[index]
    assert (cell.state, css, label) == ("paid", "table-success", "已交") and cell.payment.paid == D("40.00")
    cell, css, label = rows["丙党员"].cells[index]
    assert (cell.state, css, label) == ("unpaid", "table-danger", "欠缴") and cell.due == D("10.00")
    if s.year == today().year:  # this month has not ended
        cell, css, _ = rows["丁党员"].cells[this_month().month - 1]
        assert cell.state == "open" and css == "table-light"
    # 丙 owes the ended unpaid months of the year: 10.00 each.
    unpaid_in_year = [m for m in (ago(3), ago(2), ago(1)) if m.year == s.year]
    assert rows["丙党员"].owed == D("10.00") * len(unpaid_in_year)
    ledger = response.context["ledger"]
    assert ledger.monthly_paid[index] == D("40.00")  # only 甲 paid last month
    page = response.content.decode()
    assert 'data-state="unpaid"' in page and 'data-state="paid"' in page
    assert "戊党员" in page and "尚未核定" in page  # the unset member, with the warning
    assert f'<td class="text-end">{ledger.due_total}</td>' in page  # the totals row


def test_the_ledger_queries_are_constant_in_the_number_of_members(
    s: Scenario, django_assert_num_queries: Any
) -> None:
    client = client_for(s.world.secretary_a)
    url = f"/dues/branch/{s.branch.pk}/?year={s.year}"
    client.get(url)
    small = count_queries(client, url)
    grow(s.branch, 8)
    # session, user, roles; branch; members, settings, payments; publication; notifications
    with django_assert_num_queries(small):
        client.get(url)
    assert small <= 15


def test_a_secretary_sees_the_write_buttons(s: Scenario) -> None:
    page = client_for(s.world.secretary_a).get(f"/dues/branch/{s.branch.pk}/").content.decode()
    assert f"/dues/branch/{s.branch.pk}/set-year/" in page and "年初核定" in page
    assert (
        f"/dues/branch/{s.branch.pk}/collect/" in page and f"/dues/branch/{s.branch.pk}/publication/" in page
    )


@pytest.mark.parametrize("persona", ["auditor", "inspector"])
def test_the_auditor_and_inspector_read_but_see_no_write_button_and_get_403_on_writes(
    s: Scenario, persona: str
) -> None:
    """审计员 reads the ledgers and arrears (三权分立: reads only)."""
    client = client_for(getattr(s.world, persona))
    branch, member = s.branch.pk, s.warned.pk
    page = client.get(f"/dues/branch/{branch}/").content.decode()
    assert "丙党员" in page
    assert "set-year" not in page and "/collect/" not in page and "/publication/" not in page
    member_page = client.get(f"/dues/member/{member}/").content.decode()
    assert "/pay/" not in member_page and "/setting/" not in member_page
    assert client.get("/dues/arrears/").status_code == 200
    writes = [
        (f"/dues/branch/{branch}/set-year/", {"year": s.year}),
        (f"/dues/branch/{branch}/collect/", {"month": ym(ago(1)), "paid_on": today(), "members": [member]}),
        (f"/dues/branch/{branch}/publication/", {"start_on": today(), "end_on": today()}),
        (f"/dues/member/{member}/setting/", {"year": s.year, "from_month": 1, "dues_category": "employed"}),
        (f"/dues/member/{member}/pay/", {"month": ym(ago(1)), "paid": "10", "paid_on": today()}),
    ]
    before = (DuesPayment.objects.count(), DuesSetting.objects.count())
    for url, data in writes:
        assert client.post(url, data).status_code == 403, url
    assert (DuesPayment.objects.count(), DuesSetting.objects.count()) == before


def test_another_branchs_secretary_gets_404(s: Scenario) -> None:
    client = client_for(s.world.secretary_b)
    assert client.get(f"/dues/branch/{s.branch.pk}/").status_code == 404
    assert client.get(f"/dues/member/{s.warned.pk}/").status_code == 404
    response = client.post(
        f"/dues/member/{s.warned.pk}/pay/", {"month": ym(ago(1)), "paid": "10", "paid_on": today()}
    )
    assert response.status_code == 404
    assert not DuesPayment.objects.filter(member=s.warned, month=ago(1)).exists()
    # A 党小组 is not a ledger.
    assert client_for(s.world.officer).get(f"/dues/branch/{s.world.group_a1.pk}/").status_code == 404


# --- 年初核定 (C-5) -------------------------------------------------------------------------------


def test_set_year_lists_the_members_it_cannot_compute_and_sets_nobody_c5(world: World) -> None:
    client = client_for(world.secretary_a)
    make_member(world.branch_a, "己党员", dues_base=D("4000"))
    year = today().year
    response = client.post(f"/dues/branch/{world.branch_a.pk}/set-year/", {"year": year}, follow=True)
    page = response.content.decode()
    assert response.redirect_chain[-1][0] == f"/dues/branch/{world.branch_a.pk}/?year={year}"
    assert "未能核定" in page and "甲党员" in page and "未登记党费基数" in page
    assert not DuesSetting.objects.exists()  # all or nothing


def test_set_year_sets_january_for_every_paying_member_c5(world: World) -> None:
    Member.objects.filter(pk=world.member_in_a.pk).update(dues_base=D("4000"))
    other = make_member(world.branch_a, "己党员", dues_base=D("12000"))
    year = today().year
    response = client_for(world.secretary_a).post(
        f"/dues/branch/{world.branch_a.pk}/set-year/", {"year": year}, follow=True
    )
    assert "已核定2名党员" in response.content.decode()
    settings = {s.member_id: s for s in DuesSetting.objects.filter(year=year)}
    assert settings[world.member_in_a.pk].amount == D("40.00")  # 4000 × 1% (C-2)
    assert settings[other.pk].amount == D("240.00")  # 12000 × 2%
    assert {s.from_month for s in settings.values()} == {1}
    # A second time there is nobody left to set.
    again = client_for(world.secretary_a).post(
        f"/dues/branch/{world.branch_a.pk}/set-year/", {"year": year}, follow=True
    )
    assert "没有需要核定的党员" in again.content.decode()
    assert DuesSetting.objects.filter(year=year).count() == 2


def test_set_year_is_post_only(world: World) -> None:
    response = client_for(world.secretary_a).get(f"/dues/branch/{world.branch_a.pk}/set-year/")
    assert response.status_code == 405


# --- 收缴登记 -------------------------------------------------------------------------------------


def test_collect_prechecks_those_who_owe_the_month_and_have_not_paid(s: Scenario) -> None:
    client = client_for(s.world.secretary_a)
    url = f"/dues/branch/{s.branch.pk}/collect/"
    response = client.get(url, {"month": ym(ago(1))})
    assert response.status_code == 200
    listed = {r["member"].name for r in response.context["rows"]}
    assert listed == {"甲党员", "丙党员", "丁党员"}  # 戊 owes nothing: not set
    assert response.context["checked"] == {s.warned.pk, s.flagged.pk}
    page = response.content.decode()
    assert f'value="{s.paid_up.pk}" id="m{s.paid_up.pk}" disabled' in page


def test_collect_records_the_full_amount_for_the_chosen_members(s: Scenario) -> None:
    client = client_for(s.world.secretary_a)
    data = {
        "month": ym(ago(1)),
        "paid_on": today().isoformat(),
        "method": "transfer",
        "members": [s.warned.pk],
    }
    response = client.post(f"/dues/branch/{s.branch.pk}/collect/", data)
    assert response.status_code == 302
    payment = DuesPayment.objects.get(member=s.warned, month=ago(1))
    assert (payment.due, payment.paid, payment.paid_on, payment.method) == (
        D("10.00"),
        D("10.00"),
        today(),
        "transfer",
    )
    assert not DuesPayment.objects.filter(member=s.flagged, month=ago(1)).exists()


def test_collect_shows_the_refusals_and_saves_nothing(s: Scenario) -> None:
    client = client_for(s.world.secretary_a)
    url = f"/dues/branch/{s.branch.pk}/collect/"
    base = {"paid_on": today().isoformat(), "method": "cash"}
    empty = client.post(url, base | {"month": ym(ago(1))})
    assert "请至少选择一名交纳党员" in empty.content.decode()
    # 甲 paid last month in full: the date would be overwritten.
    both = client.post(url, base | {"month": ym(ago(1)), "members": [s.paid_up.pk, s.warned.pk]})
    assert both.status_code == 200
    assert "甲党员" in str(both.context["form"].errors["members"]) and "已于" in str(
        both.context["form"].errors
    )
    assert not DuesPayment.objects.filter(member=s.warned, month=ago(1)).exists()
    # Eight months back is beyond the back-payment limit (C-6).
    old = client.post(url, base | {"month": ym(ago(8)), "members": [s.flagged.pk]})
    assert "补交党费最多补交6个月" in old.content.decode()
    assert not DuesPayment.objects.filter(member=s.flagged).exists()
    bad = client.post(url, base | {"month": "2026-13", "members": [s.flagged.pk]})
    assert "所属月份格式应为 YYYY-MM" in bad.content.decode()


# --- 公示 (C-7) -----------------------------------------------------------------------------------


def test_publication_publishes_once_a_year_c7(s: Scenario) -> None:
    client = client_for(s.world.secretary_a)
    url = f"/dues/branch/{s.branch.pk}/publication/"
    page = client.get(url, {"year": s.year}).content.decode()
    assert "发布公示" in page and "应交人数：3人" in page
    start, end = today(), today() + dt.timedelta(7)
    bad = client.post(url, {"year": s.year, "start_on": end.isoformat(), "end_on": start.isoformat()})
    assert "公示结束日期不能早于开始日期" in bad.content.decode()
    assert not DuesPublication.objects.exists()
    response = client.post(url, {"year": s.year, "start_on": start.isoformat(), "end_on": end.isoformat()})
    assert response.status_code == 302
    publication = DuesPublication.objects.get(organisation=s.branch, year=s.year)
    assert publication.notice.subject == Notice.Subject.DUES and publication.members == 3
    shown = client.get(url, {"year": s.year}).content.decode()
    assert "已发布的公示" in shown and publication.notice.title in shown and "发布公示" not in shown
    again = client.post(url, {"year": s.year, "start_on": start.isoformat(), "end_on": end.isoformat()})
    assert "每年公示一次" in again.content.decode()
    assert DuesPublication.objects.count() == 1


# --- one member ---------------------------------------------------------------------------------


def test_the_member_page_explains_the_amount_dues1(s: Scenario) -> None:
    services.dues_setting_change(
        actor=None,
        member=s.paid_up,
        year=today().year,
        from_month=1,
        dues_category="employed",
        dues_base=D("4000"),
        reason="",
    )
    response = client_for(s.world.inspector).get(f"/dues/member/{s.paid_up.pk}/?year={s.year}")
    page = response.content.decode()
    assert "在职党员月收入3000元以上至5000元（含）按1%交纳（规则 C-2）：4000.00×1% = 40.00元" in page
    assert response.context["arrears"] is None and "没有欠缴" in page
    assert len(response.context["settings"]) >= 2  # the history
    assert [p.month for p in response.context["payments"]] == [
        m for m in (dt.date(s.year, n, 1) for n in range(1, 13)) if m <= ago(1)
    ]


def test_the_member_page_shows_the_arrears_level_with_the_rule(s: Scenario) -> None:
    client = client_for(s.world.officer)
    warned = client.get(f"/dues/member/{s.warned.pk}/").content.decode()
    assert "3个月提醒" in warned and "连续欠缴 3 个月" in warned
    flagged = client.get(f"/dues/member/{s.flagged.pk}/").content.decode()
    assert "6个月标记" in flagged and "自行脱党" in flagged and "C-8" in flagged


def test_an_amount_the_rules_no_longer_give_is_shown_as_set(world: World) -> None:
    """P-3: the explanation says the rule; a stored amount that differs (rules changed) stands."""
    setting = make_setting(
        world.member_in_a, today().year, "25.00", dues_category="employed", dues_base="2000"
    )
    page = client_for(world.secretary_a).get(f"/dues/member/{world.member_in_a.pk}/").content.decode()
    assert "2000.00×0.5% = 10.00元" in page and f"核定时的金额为{setting.amount}元" in page


def test_a_mid_year_change_needs_a_reason_c5(s: Scenario) -> None:
    client = client_for(s.world.secretary_a)
    url = f"/dues/member/{s.paid_up.pk}/setting/"
    assert client.get(url).status_code == 200
    data = {"year": today().year, "from_month": 7, "dues_category": "employed", "dues_base": "6000"}
    before = DuesSetting.objects.filter(member=s.paid_up).count()
    refused = client.post(url, data | {"reason": ""})
    assert refused.status_code == 200
    assert "须说明原因" in str(refused.context["form"].errors["reason"])
    assert DuesSetting.objects.filter(member=s.paid_up).count() == before
    response = client.post(url, data | {"reason": "岗位调整，工资上调"})
    assert response.status_code == 302
    setting = DuesSetting.objects.get(member=s.paid_up, year=today().year, from_month=7)
    assert setting.amount == D("90.00") and setting.rate == D("1.50")  # 6000 × 1.5% (C-2)


def test_the_setting_form_names_the_rule_of_a_bad_amount(s: Scenario) -> None:
    client = client_for(s.world.secretary_a)
    url = f"/dues/member/{s.paid_up.pk}/setting/"
    farmer = client.post(
        url,
        {
            "year": today().year,
            "from_month": 1,
            "dues_category": "farmer",
            "farmer_amount": "2.00",
            "reason": "x",
        },
    )
    assert "C-4" in str(farmer.context["form"].errors["farmer_amount"])
    no_base = client.post(
        url, {"year": today().year, "from_month": 1, "dues_category": "retired", "reason": "x"}
    )
    assert "未登记党费基数" in str(no_base.context["form"].errors["dues_base"])
    decimals = client.post(
        url, {"year": today().year, "from_month": 1, "dues_category": "employed", "dues_base": "4000.123"}
    )
    assert "最多两位小数" in str(decimals.context["form"].errors["dues_base"])
    assert not DuesSetting.objects.filter(member=s.paid_up, dues_category__in=["farmer", "retired"]).exists()


def test_pay_records_one_month(s: Scenario) -> None:
    client = client_for(s.world.secretary_a)
    url = f"/dues/member/{s.warned.pk}/pay/"
    form = client.get(url, {"month": ym(ago(1))}).context["form"]
    assert form.initial["paid"] == D("10.00") and form.initial["month"] == ago(1)
    response = client.post(
        url, {"month": ym(ago(1)), "paid": "10.00", "paid_on": today().isoformat(), "method": "online"}
    )
    assert response.status_code == 302
    assert response["Location"] == f"/dues/member/{s.warned.pk}/?year={ago(1).year}"
    payment = DuesPayment.objects.get(member=s.warned, month=ago(1))
    assert (payment.paid, payment.due, payment.method) == (D("10.00"), D("10.00"), "online")


@pytest.mark.parametrize(
    ("field", "data", "message"),
    [
        ("month", {"month": "2026/03"}, "所属月份格式应为 YYYY-MM"),
        ("month", {"month": "2026-13"}, "所属月份格式应为 YYYY-MM"),
        ("month", {"month": "old"}, "补交党费最多补交6个月（党费规定 C-6）"),
        ("paid_on", {"paid_on": "tomorrow"}, "交纳日期不能晚于今天"),
        ("paid", {"paid": "1.234"}, "最多两位小数"),
        ("paid", {"paid": "-1"}, "不能为负数"),
        ("paid", {"paid": ""}, "必填"),
    ],
)
def test_pay_shows_each_rule_on_its_field_and_saves_nothing_c6(
    s: Scenario, field: str, data: dict[str, str], message: str
) -> None:
    values = {"month": ym(ago(1)), "paid": "10.00", "paid_on": today().isoformat()} | data
    if values["month"] == "old":
        values["month"] = ym(ago(8))
    if values["paid_on"] == "tomorrow":
        values["paid_on"] = (today() + dt.timedelta(1)).isoformat()
    response = client_for(s.world.secretary_a).post(f"/dues/member/{s.warned.pk}/pay/", values)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert field in errors, errors
    assert message in " ".join(errors[field])
    assert (
        not DuesPayment.objects.filter(member=s.warned, month__gte=ago(8)).exclude(month__lte=ago(4)).exists()
    )


# --- arrears ------------------------------------------------------------------------------------


def test_the_arrears_list_shows_levels_with_the_c8_text_dues2(s: Scenario) -> None:
    response = client_for(s.world.officer).get("/dues/arrears/")
    rows = {r.member.name: r for r, _ in response.context["rows"]}
    assert set(rows) == {"丙党员", "丁党员"}  # 甲 paid up; 戊 not set, so not in arrears
    assert (rows["丙党员"].level, rows["丙党员"].consecutive, rows["丙党员"].owed) == (
        selectors.WARNING,
        3,
        D("30.00"),
    )
    assert rows["丁党员"].level == selectors.FLAG and rows["丁党员"].consecutive >= 12
    page = response.content.decode()
    assert "3个月提醒" in page and "6个月标记" in page
    assert "自行脱党" in page and "规则 C-8" in page
    assert response.context["flags"] == 1 and response.context["warnings"] == 1


def test_the_arrears_list_filters_by_branch_in_scope(s: Scenario) -> None:
    officer = client_for(s.world.officer)
    assert officer.get("/dues/arrears/", {"branch": s.world.branch_b.pk}).context["rows"] == []
    assert len(officer.get("/dues/arrears/", {"branch": s.world.general_branch.pk}).context["rows"]) == 2
    assert client_for(s.world.secretary_b).get("/dues/arrears/", {"branch": s.branch.pk}).status_code == 404
    assert client_for(s.world.secretary_b).get("/dues/arrears/").context["rows"] == []


def test_the_arrears_queries_are_constant_in_the_number_of_members(
    s: Scenario, django_assert_num_queries: Any
) -> None:
    client = client_for(s.world.officer)
    client.get("/dues/arrears/")
    small = count_queries(client, "/dues/arrears/")
    grow(s.branch, 8)
    grow(s.world.branch_b, 4)
    # session, user, roles; branches; members, settings, payments, rules; notifications
    with django_assert_num_queries(small):
        client.get("/dues/arrears/")
    assert small <= 15


# --- a member's own dues ------------------------------------------------------------------------


def test_a_member_sees_their_own_dues_and_nobody_elses(s: Scenario) -> None:
    response = client_for(s.world.member_a).get(f"/dues/mine/?year={s.year}")
    assert response.status_code == 200
    assert response.context["member"] == s.paid_up
    page = response.content.decode()
    assert "我的党费" in page and "40.00 元/月" in page and "没有欠缴" in page
    assert "丙党员" not in page and "丁党员" not in page
    assert "/pay/" not in page and "/setting/" not in page  # read-only


def test_mine_is_404_without_a_linked_member_and_asks_anonymous_to_log_in(world: World) -> None:
    assert client_for(world.outsider).get("/dues/mine/").status_code == 404
    assert client_for(world.officer).get("/dues/mine/").status_code == 404
    response = Client().get("/dues/mine/")
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_mine_shows_the_members_arrears(world: World) -> None:
    make_setting(world.member_in_a, ago(2).year, "15.00", from_month=ago(2).month)
    pay(world.member_in_a, ago(2), "5.00")
    page = client_for(world.member_a).get("/dues/mine/").content.decode()
    assert "欠缴 2 个月，共 25.00 元" in page
