"""End-to-end scenarios of issue 5 (member development, dues, party-building funds) in a real
browser, on the demo data: the "Done when" of each. Each leaves a screenshot in test-results/ for a
human to look at.

Loading the demo takes seconds, so it is loaded once for the whole module (`demo_site`), with a
live server of its own: pytest-django's `live_server` would flush the database after every test.
Each test still runs in a transaction of its own (`django_db`); on SQLite the server shares that
connection, so what a test writes is rolled back, while on PostgreSQL it stays. The scenarios that
write therefore touch what no other scenario reads: the overdue talk is recorded by the scenario
that reads it on the home page (after reading it), ⑦ is recorded for the activist eligible as
发展对象 (not listed by the others), and the dues scenario only tries a payment that is refused.
Every expectation is read from the database at the time, so the tests do not depend on order. The
module flushes the database when it is done, as a transactional test would."""

import datetime as dt
import re
from collections import Counter
from typing import Any

import pytest
from playwright.sync_api import expect

from zhibu.accounts.models import User
from zhibu.demo.base import PASSWORD
from zhibu.development.models import DevelopmentFile, DevelopmentStep, Stage
from zhibu.development.selectors import DueItem, due_items, next_step
from zhibu.dues import exports, funds
from zhibu.dues.models import DuesPayment, FundExpense, FundReceipt
from zhibu.dues.rules import compute_amount, month_label
from zhibu.dues.selectors import WARNING, arrears, branch_ledger
from zhibu.dues.views import current_setting
from zhibu.e2e.conftest import PHONE, SCREENSHOTS, log_in, screenshot
from zhibu.lib.dates import add_months, cn_date, today
from zhibu.lib.rules import rules_for
from zhibu.members.models import Category, Member
from zhibu.orgs.models import Organisation

# `django_db` makes pytest-django create the test database even when this module runs alone (a
# test without it would reach the real one), and wraps each test in a transaction of its own.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

CQ = "DJ-LS-CQ"  # 城区片区党支部: shuji_cq's branch and dangyuan's
YK = "DJ-CY-YK"  # 油库党支部: shuji_yk's


def nav_link(page: Any, name: str) -> Any:
    return page.locator("#zb-nav").get_by_role("link", name=name, exact=True)


def branch(code: str = CQ) -> Organisation:
    return Organisation.objects.get(code=code)


def screenshot_top(page: Any, name: str) -> None:
    """The first screenful only, for pages too long for a full-page picture to be readable."""
    SCREENSHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"))


def no_sideways_scrolling(page: Any) -> None:
    width = page.viewport_size["width"]
    assert page.evaluate("document.documentElement.scrollWidth") <= width


def card(page: Any, title: str) -> Any:
    return page.locator(".card", has=page.locator(".card-header", has_text=title))


def checklist_row(page: Any, label: str) -> Any:
    return page.locator("table tr", has=page.get_by_role("cell", name=label, exact=True))


def step_count(file: DevelopmentFile) -> int:
    return DevelopmentStep.objects.filter(file=file).count()


# -- 1. the secretary's home page: development due items and dues arrears (DEV-3, DUES-2) ---------


def test_the_secretary_sees_due_items_and_arrears_at_home_and_records_the_overdue_talk(
    demo_site: Any, page: Any
) -> None:
    cq = branch()
    on = today()
    items = due_items([cq], on)
    talk = next(i for i in items if i.kind == "talk" and i.overdue)
    assert talk.file is not None and items.index(talk) < 10  # on the card, which shows ten
    owing = arrears([cq], on)
    warned = next(r for r in owing if r.level == WARNING)
    assert warned.consecutive == 3

    log_in(page, demo_site.url, "shuji_cq", PASSWORD)
    development = card(page, "发展党员到期事项")
    expect(development).to_be_visible()
    expect(development.locator(".card-header")).to_contain_text(f"共{len(items)}项")
    expect(development.locator("li")).to_have_count(min(len(items), 10))
    # Overdue first: the first item carries the red badge.
    expect(development.locator("li").first.locator(".badge")).to_have_text("逾期")
    row = development.locator("li", has_text=talk.member.name).filter(has_text="入党申请谈话")
    expect(row.locator(".badge")).to_have_text("逾期")
    expect(row).to_contain_text("发展党员工作细则 B-2")
    expect(row).to_contain_text(cn_date(talk.file.applied_on))

    dues = card(page, "党费欠缴")
    expect(dues.locator(".card-header")).to_contain_text(f"共{len(owing)}人")
    line = dues.locator("li", has=page.get_by_role("link", name=warned.member.name, exact=True))
    expect(line.locator(".badge.text-bg-warning")).to_have_text("欠缴3个月")
    expect(line).to_contain_text(f"欠交{warned.owed}元")
    expect(line).to_contain_text("SPEC DUES-2")
    screenshot(page, "15-secretary-home-development-dues")

    # The item links to the file, where ② is the next step and overdue.
    row.get_by_role("link", name=talk.text).click()
    expect(page).to_have_url(re.compile(f"/development/{talk.file.pk}/$"))
    member = talk.member
    expect(page.get_by_role("heading", name=re.compile(f"{member.name}的入党档案"))).to_be_visible()
    second = checklist_row(page, "②党组织派人谈话")
    expect(second).to_have_class(re.compile("table-danger"))
    expect(second).to_contain_text("已逾期")
    expect(second).to_contain_text(f"应于{cn_date(talk.due_on)}前")

    # Recorded late without a reason: refused, naming B-2, and nothing saved.
    before = step_count(talk.file)
    form = page.locator("#next-step")
    expect(form.locator(".card-header")).to_have_text("办理下一步：②党组织派人谈话")
    form.get_by_label(re.compile("^日期")).fill(on.isoformat())
    form.get_by_label(re.compile("^依据")).fill("党支部书记谈话")
    with page.expect_navigation():
        form.get_by_role("button", name="记录②党组织派人谈话").click()
    error = page.locator("#next-step .invalid-feedback")
    expect(error).to_contain_text("发展党员工作细则 B-2")
    expect(error).to_contain_text("请填写逾期说明")
    assert step_count(talk.file) == before
    screenshot_top(page, "15-secretary-talk-refused-b2")

    # With the reason for the delay it is recorded and the checklist shows its date.
    form = page.locator("#next-step")
    expect(form.get_by_label(re.compile("^依据"))).to_have_value("党支部书记谈话")
    form.get_by_label("逾期或特殊情况说明").fill("申请人在外地培训，返岗后即谈话")
    with page.expect_navigation():
        form.get_by_role("button", name="记录②党组织派人谈话").click()
    expect(page).to_have_url(re.compile(f"/development/{talk.file.pk}/$"))
    expect(page.get_by_text(f"已记录{member.name}的②党组织派人谈话（{on.isoformat()}）。")).to_be_visible()
    second = checklist_row(page, "②党组织派人谈话")
    expect(second.locator("td").nth(1)).to_have_text(cn_date(on))
    expect(second).to_contain_text("逾期说明：申请人在外地培训，返岗后即谈话")
    expect(page.locator("#next-step .card-header")).to_have_text("办理下一步：③确定入党积极分子")
    screenshot_top(page, "15-secretary-talk-recorded")
    recorded = DevelopmentStep.objects.get(file=talk.file, number=2)
    assert recorded.done_on == on and recorded.late_reason == "申请人在外地培训，返岗后即谈话"
    assert step_count(talk.file) == before + 1


# -- 2. a step that breaks a time rule is refused naming it; the valid one is recorded (DEV-6) ------


def eligible_activist(cq: Organisation) -> DueItem:
    """The demo's activist of 城区片区 eligible as 发展对象 (a year as activist), ⑦ next."""
    item = next(i for i in due_items([cq]) if i.kind == "candidate_eligible")
    assert item.file is not None and item.file.stage == Stage.ACTIVIST and item.due_on is not None
    coming = next_step(item.file)
    assert coming is not None and coming.number == 7
    return item


def test_a_step_breaking_b5_is_refused_and_nothing_is_saved_then_the_valid_one_is_recorded(
    demo_site: Any, page: Any
) -> None:
    cq = branch()
    item = eligible_activist(cq)
    file = item.file
    assert file is not None and file.activist_on is not None and item.due_on is not None
    earliest = item.due_on  # ③ + 12 months (B-5)
    last = DevelopmentStep.objects.filter(file=file).order_by("-number").first()
    assert last is not None and last.number == 6
    # A day the rule does not allow yet, and after the previous step (so that only B-5 refuses it).
    too_early = min(today(), earliest - dt.timedelta(days=1))
    assert last.done_on <= too_early < earliest
    before = DevelopmentStep.objects.count()

    log_in(page, demo_site.url, "shuji_cq", PASSWORD)
    nav_link(page, "发展党员").click()
    page.get_by_role("link", name=cq.name, exact=True).first.click()
    page.get_by_role("link", name=file.member.name, exact=True).first.click()
    expect(page).to_have_url(re.compile(f"/development/{file.pk}/$"))
    expect(checklist_row(page, "⑦确定发展对象")).to_contain_text(f"最早{cn_date(earliest)}")
    # The time rules are on screen, not behind a sideways scroll of the checklist (the long 公示
    # titles in 决定或依据 wrap).
    header = page.get_by_role("columnheader", name="时间要求")
    box = header.bounding_box()
    frame = header.locator("xpath=ancestor::div[contains(@class, 'table-responsive')]").bounding_box()
    assert box is not None and frame is not None
    assert box["x"] + box["width"] <= frame["x"] + frame["width"] + 1, (box, frame)
    form = page.locator("#next-step")
    expect(form.locator(".card-header")).to_have_text("办理下一步：⑦确定发展对象")
    form.get_by_label(re.compile("^日期")).fill(too_early.isoformat())
    form.get_by_label(re.compile("^依据")).fill(f"支委会决定（{too_early:%Y年%m月%d日}）")
    with page.expect_navigation():
        form.get_by_role("button", name="记录⑦确定发展对象").click()

    error = page.locator("#next-step .invalid-feedback")
    expect(error).to_contain_text("发展党员工作细则 B-5")
    expect(error).to_contain_text(f"最早{earliest.isoformat()}")
    expect(page.locator(".alert-success")).to_have_count(0)
    screenshot_top(page, "16-secretary-candidate-refused-b5")
    assert DevelopmentStep.objects.count() == before
    file.refresh_from_db()
    assert file.stage == Stage.ACTIVIST and file.candidate_on is None
    assert Member.objects.get(pk=file.member_id).category == Category.ACTIVIST

    # On the first day the rule allows, the step is recorded and the checklist shows its date.
    form = page.locator("#next-step")
    form.get_by_label(re.compile("^日期")).fill(earliest.isoformat())
    form.get_by_label(re.compile("^依据")).fill(f"支委会决定（{earliest:%Y年%m月%d日}）")
    with page.expect_navigation():
        form.get_by_role("button", name="记录⑦确定发展对象").click()
    expect(page).to_have_url(re.compile(f"/development/{file.pk}/$"))
    expect(
        page.get_by_text(f"已记录{file.member.name}的⑦确定发展对象（{earliest.isoformat()}）。")
    ).to_be_visible()
    seventh = checklist_row(page, "⑦确定发展对象")
    expect(seventh.locator("td").nth(1)).to_have_text(cn_date(earliest))
    expect(page.get_by_role("heading", name=re.compile("的入党档案")).locator(".badge")).to_have_text(
        "发展对象"
    )
    screenshot_top(page, "16-secretary-candidate-recorded")
    assert DevelopmentStep.objects.count() == before + 1
    file.refresh_from_db()
    assert file.stage == Stage.CANDIDATE and file.candidate_on == earliest


# -- 3. dues: the ledger matches the brackets, the arrears, a refused back-payment (DUES-1, DUES-2) --


def test_the_ledger_matches_the_brackets_arrears_are_flagged_and_c6_refuses_old_back_payments(
    demo_site: Any, page: Any
) -> None:
    cq = branch()
    on = today()
    ledger = branch_ledger(cq, on.year, on)
    assert len(ledger.rows) > 20
    warned = next(r for r in arrears([cq], on) if r.level == WARNING)
    rules = rules_for(on.year)
    # Someone in the bracket arithmetic (在职 with a base), their amount computed from the registry.
    sample = next(
        r
        for r in ledger.rows
        if r.member.dues_category == "employed" and r.member.dues_base and r.member.pk != warned.member.pk
    )
    expected = compute_amount(sample.member.dues_category, sample.member.dues_base, rules).amount

    log_in(page, demo_site.url, "shuji_cq", PASSWORD)
    nav_link(page, "党费").click()
    expect(page.get_by_role("heading", name=re.compile("^党费"))).to_be_visible()
    overview = page.locator("tr", has=page.get_by_role("link", name=cq.name, exact=True))
    expect(overview.locator(".badge.text-bg-warning")).to_have_text("3个月提醒 1")
    overview.get_by_role("link", name=cq.name, exact=True).click()
    expect(page.get_by_role("heading", name=f"{cq.name} · {on.year}年党费台账")).to_be_visible()

    grid = page.locator("table", has=page.get_by_role("columnheader", name="每月应交"))
    expect(grid.locator("tbody tr")).to_have_count(len(ledger.rows))
    for row in (sample, warned):
        name = row.member.name
        expect(grid.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))).to_be_visible()
    line = grid.locator("tbody tr", has=page.get_by_role("link", name=sample.member.name, exact=True))
    expect(line.locator("td").nth(1)).to_have_text(str(expected))
    # Every row's monthly amount is the one of its bracket.
    for row in ledger.rows:
        member = row.member
        if member.dues_category in ("employed", "retired") and member.dues_base is not None:
            amount = compute_amount(member.dues_category, member.dues_base, rules).amount
            assert row.setting is not None and row.setting.amount == amount, member.name
    # The member in arrears: the last three ended months unpaid, in red.
    owing_row = grid.locator("tbody tr", has=page.get_by_role("link", name=warned.member.name, exact=True))
    unpaid_cells = owing_row.locator("td[data-state=unpaid]")
    expect(unpaid_cells).to_have_count(sum(1 for m in warned.months if m.year == on.year))
    ledger_row = next(r for r in ledger.rows if r.member.pk == warned.member.pk)
    expect(owing_row.locator("td").last).to_have_text(str(exports.row_owed(ledger_row)))
    screenshot_top(page, "17-secretary-dues-ledger")

    page.goto(f"{demo_site.url}/dues/arrears/")
    row = page.locator("tbody tr", has=page.get_by_role("link", name=warned.member.name, exact=True))
    expect(row.locator(".badge.text-bg-warning")).to_have_text("3个月提醒")
    expect(row).to_contain_text("3个月")
    expect(row).to_contain_text(str(warned.owed))
    screenshot(page, "17-secretary-dues-arrears")

    # The member's page: 登记交纳 for a month 7 months back is refused naming C-6.
    row.get_by_role("link", name=warned.member.name, exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(f"{warned.member.name}的党费"))).to_be_visible()
    expect(page.locator("main .badge.text-bg-warning")).to_have_text("3个月提醒")
    page.get_by_role("link", name="登记交纳").click()
    payments = DuesPayment.objects.filter(member=warned.member).count()
    old = add_months(on.replace(day=1), -7)
    assert warned.member.joined_on is not None and warned.member.joined_on < old  # owed then
    page.get_by_label("所属月份").fill(f"{old:%Y-%m}")
    setting = current_setting(list(warned.member.dues_settings.all()), on)
    assert setting is not None
    page.get_by_label("实交金额（元）").fill(str(setting.amount))
    page.get_by_label("交纳日期").fill(on.isoformat())
    with page.expect_navigation():
        page.get_by_role("button", name="登记", exact=True).click()
    error = page.locator(".invalid-feedback")
    expect(error).to_contain_text("党费规定 C-6")
    expect(error).to_contain_text(f"{month_label(old)}的党费于{cn_date(on)}交纳，已相隔7个月")
    screenshot_top(page, "17-secretary-back-payment-refused-c6")
    assert DuesPayment.objects.filter(member=warned.member).count() == payments


# -- 4. the auditor reads the funds: every expense with its receipts, nothing to write (DUES-3) -----


def test_the_auditor_sees_the_expenses_with_receipts_and_no_write_buttons(demo_site: Any, page: Any) -> None:
    year = today().year
    auditor = User.objects.get(username="auditor")
    expenses = list(funds.audit_expenses(auditor, year=year))
    if not expenses:
        pytest.skip("the demo's first expense of the year is dated 15 January")
    organisation = max(
        {e.budget.organisation for e in expenses},
        key=lambda org: sum(1 for e in expenses if e.budget.organisation_id == org.pk),
    )
    own = [e for e in expenses if e.budget.organisation_id == organisation.pk]
    receipts = Counter(FundReceipt.objects.filter(expense__in=expenses).values_list("expense_id", flat=True))

    log_in(page, demo_site.url, "auditor", PASSWORD)
    nav_link(page, "党建经费").click()
    page.get_by_role("link", name="支出审计").click()
    expect(page.get_by_role("heading", name="党建经费支出审计")).to_be_visible()
    table = page.locator("table", has=page.get_by_role("columnheader", name="票据"))
    expect(table.locator("tbody tr")).to_have_count(len(expenses))
    assert len(expenses) == FundExpense.objects.filter(budget__year=year).count()  # the auditor sees all
    expect(page.get_by_text(re.compile(r"无票据 0 笔，超预算 0 笔"))).to_be_visible()
    receipts_column = table.locator("thead th").all_inner_texts().index("票据")
    for expense in expenses:
        line = table.locator("tbody tr", has_text=expense.purpose)
        count = line.locator("td").nth(receipts_column)
        expect(count).to_have_text(str(receipts[expense.pk]))
        assert receipts[expense.pk] >= 1
    assert page.locator("main form[method=post]").count() == 0
    screenshot(page, "18-auditor-funds-audit")

    page.goto(f"{demo_site.url}/funds/org/{organisation.pk}/?year={year}")
    expect(page.get_by_role("heading", name=f"{organisation.name} · {year}年党建经费")).to_be_visible()
    spending = card(page, "支出明细")
    expect(spending.locator("tbody tr")).to_have_count(len(own))
    for expense in own:
        line = spending.locator("tbody tr", has_text=expense.purpose)
        expect(line.get_by_role("link", name=re.compile(r"^发票-.*\.pdf$"))).to_have_count(
            receipts[expense.pk]
        )
    for action in ("保存预算", "登记支出", "补充票据"):
        expect(page.get_by_role("button", name=action)).to_have_count(0)
    assert page.locator("main form[method=post]").count() == 0
    screenshot(page, "18-auditor-funds-organisation")

    # An expense's page: the receipts, downloadable; no form to add one.
    spending.get_by_role("link", name=own[0].spent_on.isoformat()).first.click()
    expect(page.get_by_role("heading", name=re.compile(re.escape(own[0].purpose)))).to_be_visible()
    expect(page.get_by_role("button", name="补充票据")).to_have_count(0)
    with page.expect_download() as download:
        page.get_by_role("link", name=re.compile(r"发票-.*\.pdf")).first.click()
    assert download.value.suggested_filename.endswith(".pdf")


# -- 5. a member sees their own dues on a phone (DUES-1) ---------------------------------------------


def test_a_member_sees_their_own_payments_on_a_phone(demo_site: Any, new_page: Any) -> None:
    user = User.objects.select_related("member").get(username="dangyuan")
    member = user.member
    assert member is not None
    year = today().year
    payments = list(DuesPayment.objects.filter(member=member, month__year=year).order_by("month"))
    assert payments

    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    log_in(page, demo_site.url, "dangyuan", PASSWORD)
    page.get_by_role("button", name="菜单").click()
    page.locator("#zb-nav .dropdown-toggle").click()
    page.get_by_role("link", name="我的党费").click()
    expect(page).to_have_url(re.compile("/dues/mine/$"))
    expect(page.get_by_role("heading", name=re.compile("^我的党费"))).to_contain_text(member.branch.name)
    table = page.locator("table", has=page.get_by_role("columnheader", name="所属月份"))
    expect(table.locator("tbody tr")).to_have_count(len(payments))
    for payment in payments:
        row = table.locator("tbody tr", has=page.get_by_role("cell", name=month_label(payment.month)))
        expect(row.locator("td").nth(2)).to_have_text(str(payment.paid))
        expect(row).to_contain_text(cn_date(payment.paid_on))
    setting = current_setting(list(member.dues_settings.all()), today())
    assert setting is not None
    expect(card(page, "当前每月应交党费")).to_contain_text(f"{setting.amount} 元/月")
    # Read-only: no buttons to pay or change, and nobody else's dues.
    for action in ("登记交纳", "调整党费"):
        expect(page.get_by_role("link", name=action)).to_have_count(0)
    no_sideways_scrolling(page)
    screenshot(page, "19-member-phone-my-dues")
    assert DuesPayment.objects.filter(member__branch=member.branch).exclude(member=member).exists()
    other = DuesPayment.objects.filter(member__branch=member.branch).exclude(member=member).first()
    assert other is not None
    assert other.member.name not in page.content()
