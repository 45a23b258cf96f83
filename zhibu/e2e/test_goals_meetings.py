"""End-to-end scenarios of issues 3 (goals, member assessment, 民主评议) and 4 (meetings,
compliance calendar) in a real browser, on the demo data: the "Done when" of each. Each leaves a
screenshot in test-results/ for a human to look at.

Loading the demo takes seconds, so it is loaded once for the whole module (`demo_site`), with a
live server of its own: pytest-django's `live_server` would flush the database after every test.
Each test still runs in a transaction of its own (`django_db`); on SQLite the server shares that
connection, so what a test writes is rolled back, while on PostgreSQL it stays. The scenarios that
write (a progress report, an objection, a meeting) therefore compare the page with the database as
read at the time and do not depend on order. The module flushes the database when it is done, as a
transactional test would."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from zhibu.demo.base import PASSWORD, Demo
from zhibu.demo.orgs import TREE
from zhibu.e2e.conftest import PHONE, SCREENSHOTS, log_in, screenshot
from zhibu.goals import selectors as goal_selectors
from zhibu.goals.models import Goal, GoalPlan
from zhibu.lib.dates import today
from zhibu.lib.templatetags.zhibu_tags import num
from zhibu.meetings.compliance import load_years
from zhibu.member_assessment.models import MemberRating, MemberReview, MemberYearResult
from zhibu.member_assessment.rules import period_label
from zhibu.orgs.models import Organisation

# `django_db` makes pytest-django create the test database even when this module runs alone (a
# test without it would reach the real one), and wraps each test in a transaction of its own.
pytestmark = [pytest.mark.e2e, pytest.mark.django_db]

NINE_BRANCHES = [plan.name for plan in TREE if plan.kind == "branch"]
CQ = "DJ-LS-CQ"  # 城区片区党支部: the demo secretary's (shuji_cq) and the demo member's (dangyuan)


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


# -- 1. issue 3: the secretary sees the branch's goal tree with progress and overdue items ----------


def test_the_secretary_sees_overdue_and_at_risk_goals_and_the_goal_tree(demo_site: Any, page: Any) -> None:
    plan = GoalPlan.objects.get(organisation=branch(), year=today().year)
    tree = goal_selectors.plan_tree(plan)
    counts = tree.counts()
    assert counts["overdue"] and counts["at_risk"], counts  # the demo has both, or this proves nothing
    overdue = sorted(
        (n for n in tree.nodes if n.status == "overdue"), key=lambda n: (n.goal.due_on, n.goal.pk)
    )

    log_in(page, demo_site.url, "shuji_cq", PASSWORD)
    alerts = page.locator(".card", has_text="逾期和有风险的目标")
    expect(alerts).to_be_visible()
    # Overdue first, then at risk, each with its progress, 责任人 and due date.
    first = alerts.locator("tbody tr").first
    expect(first.locator(".badge")).to_have_text("逾期")
    expect(first).to_contain_text(overdue[0].goal.title)
    expect(first).to_contain_text(f"{overdue[0].percent}%")
    expect(first).to_contain_text(overdue[0].goal.due_on.isoformat())
    expect(alerts.locator("tbody .badge", has_text="逾期")).to_have_count(len(overdue))
    expect(alerts.locator("tbody .badge", has_text="有风险").first).to_be_visible()
    # A member's responsibility goal names the member (their titles are the same for everyone).
    responsibility = alerts.locator("tbody tr", has_text="责任目标").first
    expect(responsibility).to_be_visible()
    screenshot(page, "10-secretary-home-goal-alerts")

    nav_link(page, "目标管理").click()
    page.get_by_role("link", name=plan.title).click()
    expect(page.get_by_role("heading", name=re.compile(plan.title))).to_be_visible()
    expect(page.get_by_text(f"总体进度 {tree.progress_percent}%")).to_be_visible()
    summary = page.locator(".badge", has_text=re.compile("^逾期"))
    expect(summary.first).to_have_text(f"逾期 {counts['overdue']}")
    expect(page.locator(".badge", has_text=re.compile("^有风险 ")).first).to_have_text(
        f"有风险 {counts['at_risk']}"
    )
    table = page.locator("table", has=page.get_by_role("columnheader", name="责任人"))
    # The tree: annual goals with their quarterly goals and monthly tasks, each with a progress bar.
    annual = tree.roots[0]
    quarter = annual.children[0]
    month = quarter.children[0]
    for node in (annual, quarter, month):
        row = table.locator("tr", has=page.get_by_role("link", name=node.goal.title, exact=True))
        expect(row).to_contain_text(node.goal.get_level_display())
        expect(row.get_by_role("progressbar")).to_have_attribute("aria-valuenow", str(node.percent))
        expect(row).to_contain_text(node.status_label)
    # A goal broken down shows the roll-up, not a "current value" of 0 that nobody reports.
    annual_row = table.locator("tr", has=page.get_by_role("link", name=annual.goal.title, exact=True))
    expect(annual_row.locator("td").nth(1)).to_have_text(
        f"分解汇总 / {num(annual.goal.target_value)} {annual.goal.unit}"
    )
    late = table.locator("tr", has=page.get_by_role("link", name=overdue[0].goal.title, exact=True)).first
    expect(late.locator(".badge", has_text="逾期")).to_be_visible()
    screenshot_top(page, "10-secretary-goal-tree")


# -- 2. issue 3: a member reports progress on a goal from a phone --------------------------------


def test_a_member_reports_progress_on_a_goal_from_a_phone(demo_site: Any, new_page: Any) -> None:
    member = Demo().member("demo-member")
    goal = Goal.objects.get(member=member, plan__year=today().year, title="参加“三会一课”和主题党日")
    assert goal.target_value is not None and goal.current_value != goal.target_value
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    log_in(page, demo_site.url, "dangyuan", PASSWORD)
    page.get_by_role("button", name="菜单").click()
    nav_link(page, "我的目标").click()
    expect(page.get_by_role("heading", name=f"我的目标（{today().year}年）")).to_be_visible()
    no_sideways_scrolling(page)

    card = page.locator(".card", has=page.get_by_role("link", name=goal.title, exact=True))
    expect(card.locator(".badge")).not_to_have_text("已完成")
    card.get_by_text("填报进展").click()
    card.get_by_label(re.compile("当前完成值")).fill(str(goal.target_value))
    card.get_by_label("进展说明").fill("参加了11月的主题党日和党员大会，全年目标已完成。")
    no_sideways_scrolling(page)
    screenshot(page, "11-member-phone-progress-form")
    with page.expect_navigation():
        card.get_by_role("button", name="提交").click()

    expect(page).to_have_url(re.compile("/goals/mine/$"))
    expect(page.get_by_text(f"已填报“{goal.title}”的进展。")).to_be_visible()
    card = page.locator(".card", has=page.get_by_role("link", name=goal.title, exact=True))
    expect(card.locator(".badge")).to_have_text("已完成")
    target = num(goal.target_value)
    expect(card).to_contain_text(f"{target}/{target}{goal.unit}")
    expect(card.get_by_role("progressbar")).to_have_attribute("aria-valuenow", "100.0")
    no_sideways_scrolling(page)
    screenshot(page, "11-member-phone-progress-saved")

    goal.refresh_from_db()
    assert goal.current_value == goal.target_value
    update = goal.updates.order_by("-pk").first()
    assert update is not None and update.note.startswith("参加了11月")


# -- 3. issue 3: ratings and 民主评议 visible to the people allowed, and to no one else ------------


def test_ratings_and_reviews_are_shown_to_those_allowed_and_404_elsewhere(
    demo_site: Any, new_page: Any
) -> None:
    year = today().year
    cq = branch()
    member = Demo().member("demo-member")
    rating = MemberRating.objects.filter(member=member, year=year).order_by("period").first()
    assert rating is not None
    own = MemberYearResult.objects.get(member=member, year=year)
    assert own.status == "published"
    closed = MemberReview.objects.get(branch=cq, year=year - 1)
    assert closed.status == "closed"

    # The secretary: the branch's year page, the ratings grid, the results under publication.
    page = new_page(viewport={"width": 1280, "height": 900})
    log_in(page, demo_site.url, "shuji_cq", PASSWORD)
    nav_link(page, "党员考核").click()
    page.get_by_role("link", name=re.compile(cq.name)).click()
    expect(page.get_by_role("heading", name=f"{cq.name} · {year}年党员考核")).to_be_visible()
    grid = page.locator("table", has=page.get_by_role("columnheader", name=period_label(rating.period)))
    row = grid.locator("tr", has=page.get_by_role("cell", name=member.name, exact=True))
    expect(row).to_contain_text(rating.get_rating_display())
    screenshot(page, "12-secretary-ratings-year")
    page.get_by_role("link", name="年度考核结果").click()
    row = page.locator("tr", has=page.get_by_role("cell", name=member.name, exact=True))
    expect(row).to_contain_text(str(own.total))
    expect(row).to_contain_text("公示中")
    expect(page.get_by_role("button", name="确定结果")).to_be_visible()
    screenshot(page, "12-secretary-results")
    # Last year's 民主评议: closed, with the participation rate and the grades.
    page.goto(f"{demo_site.url}/assessment/members/branches/{cq.pk}/{year - 1}/")
    page.get_by_role("link", name="评议情况").click()
    expect(page.get_by_role("heading", name=re.compile(f"{year - 1}年度民主评议党员"))).to_contain_text(
        "已完成"
    )
    expect(page.locator("#participation")).to_have_text(re.compile(r"^\d+\.\d{2}%$"))
    screenshot(page, "12-secretary-review")
    page.get_by_role("link", name="评议汇总").click()
    expect(page.get_by_role("cell", name="优秀", exact=True)).to_be_visible()
    screenshot(page, "12-secretary-review-summary")

    # The member, on a phone: their ratings, their result, the objection form while published.
    phone = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    log_in(phone, demo_site.url, "dangyuan", PASSWORD)
    phone.goto(f"{demo_site.url}/assessment/members/mine/")
    expect(phone.get_by_role("heading", name=f"我的考核 · {member.name}")).to_be_visible()
    expect(phone.get_by_text(f"{year}年：{own.total}分")).to_be_visible()
    ratings = phone.locator(".card", has_text="我的期评")
    expect(ratings).to_contain_text(f"{year}年 {period_label(rating.period)}")
    expect(ratings).not_to_contain_text(re.compile(r"\bQ[1-4]\b"))
    expect(phone.locator(".card", has_text="民主评议").last).to_contain_text(f"{year - 1}年度")
    publication = phone.locator(".card", has_text="本支部考核结果公示")
    colleague = publication.locator("li", has_text="（本人）")
    colleague.get_by_text("提出异议").click()
    colleague.get_by_role("textbox").fill("第三季度本人完成了加油站安全示范岗创建，请复核期评等次。")
    no_sideways_scrolling(phone)
    screenshot_top(phone, "12-member-phone-assessment")
    with phone.expect_navigation():
        colleague.get_by_role("button", name="提交异议").click()
    expect(phone.get_by_text(f"已就{member.name}的考核结果提出异议")).to_be_visible()
    assert own.objections.filter(text__startswith="第三季度本人").exists()

    # The inspector: the same pages, read-only.
    inspector = new_page(viewport={"width": 1280, "height": 900})
    log_in(inspector, demo_site.url, "inspector", PASSWORD)
    inspector.goto(f"{demo_site.url}/assessment/members/branches/{cq.pk}/{year}/")
    row = inspector.locator("tr", has=inspector.get_by_role("cell", name=member.name, exact=True))
    expect(row).to_contain_text(rating.get_rating_display())
    inspector.get_by_role("link", name="年度考核结果").click()
    rows = inspector.locator("tr", has=inspector.get_by_role("cell", name=member.name, exact=True))
    expect(rows.first).to_contain_text(str(own.total))
    # The member's objection is listed, without the secretary's 答复 button.
    objection = rows.filter(has_text="第三季度本人")
    expect(objection).to_be_visible()
    expect(objection.get_by_role("link", name="答复")).to_have_count(0)
    for action in ("按期评计算年度积分", "在本支部公示", "确定结果"):
        expect(inspector.get_by_role("button", name=action)).to_have_count(0)
    assert inspector.locator("tbody input:not([type=hidden]):enabled").count() == 0
    screenshot(inspector, "12-inspector-results-read-only")

    # Another branch's secretary: 城区片区's pages do not exist for them.
    other = new_page(viewport={"width": 1280, "height": 900})
    log_in(other, demo_site.url, "shuji_yk", PASSWORD)
    review = MemberReview.objects.get(branch=cq, year=year)
    plan = GoalPlan.objects.get(organisation=cq, year=year)
    for path in (
        f"/assessment/members/branches/{cq.pk}/{year}/",
        f"/assessment/members/branches/{cq.pk}/{year}/results/",
        f"/assessment/members/reviews/{review.pk}/",
        f"/goals/plans/{plan.pk}/",
        f"/compliance/branch/{cq.pk}/",
    ):
        response = other.goto(f"{demo_site.url}{path}")
        assert response is not None and response.status == 404, path
        expect(other.get_by_role("heading", name="未找到")).to_be_visible()
        assert member.name not in other.content(), path
    screenshot(other, "12-other-secretary-404")


# -- 4. issue 4: a meeting with attendance in a few clicks, and the calendar updates ----------------


def quarter_cell(page: Any, quarter: int) -> Any:
    row = page.locator("#compliance-calendar tr", has=page.get_by_role("rowheader", name="党员大会"))
    return row.locator(f"td[title^='第{'一二三四'[quarter - 1]}季度']")


def test_the_secretary_records_a_meeting_and_the_calendar_shows_it(demo_site: Any, page: Any) -> None:
    on = today()
    quarter = (on.month - 1) // 3 + 1
    cq = branch()
    before = load_years([cq], year=on.year, on=on)[0].attendance
    log_in(page, demo_site.url, "shuji_cq", PASSWORD)
    page.goto(f"{demo_site.url}/compliance/branch/{cq.pk}/")
    expect(quarter_cell(page, quarter)).not_to_contain_text(f"{on.month}/{on.day}")

    nav_link(page, "组织生活").click()
    page.get_by_role("link", name=re.compile("记录会议")).first.click()
    expect(page.get_by_role("heading", name="记录会议活动")).to_be_visible()
    # The defaults: 党员大会, today, the secretary's branch, everyone present.
    expect(page.get_by_label("会议类型")).to_have_value("general_meeting")
    expect(page.get_by_label("日期")).to_have_value(on.isoformat())
    page.get_by_label("会议类型").select_option(label="党员大会")
    page.get_by_label("主题").fill("学习贯彻党的二十届四中全会精神")
    rows = page.locator("#expected tbody tr")
    expected = rows.count()
    assert expected > 10
    expect(page.locator("#expected")).to_contain_text(f"应到 {expected} 人")
    absent = []
    for index in (1, 2):
        row = rows.nth(index)
        name = row.locator("td").first.inner_text()
        row.get_by_text("请假", exact=True).click()
        row.get_by_role("textbox").fill("外出培训")
        absent.append(name)
    screenshot(page, "13-secretary-meeting-form")
    with page.expect_navigation():
        page.get_by_role("button", name="保存").click()

    expect(page.get_by_text(f"应到{expected}人，实到{expected - 2}人")).to_be_visible()
    for name in absent:
        row = page.locator("tr", has=page.get_by_role("cell", name=name, exact=True))
        expect(row).to_contain_text("请假")
        expect(row).to_contain_text("外出培训")
    screenshot(page, "13-secretary-meeting-saved")

    page.goto(f"{demo_site.url}/compliance/branch/{cq.pk}/")
    cell = quarter_cell(page, quarter)
    expect(cell).to_contain_text("✓")
    expect(cell.get_by_role("link", name=f"{on.month}/{on.day}")).to_be_visible()
    figures = page.locator("#compliance-figures")
    part, whole = before.part + expected - 2, before.whole + expected
    expect(figures).to_contain_text(f"实到 {part} 人次 / 应到 {whole} 人次")
    screenshot_top(page, "13-secretary-compliance-calendar")


# -- 5. issue 4: the org officer sees every branch's compliance on one page --------------------------


def test_the_org_officer_sees_all_branches_compliance_with_attendance_rates(
    demo_site: Any, page: Any
) -> None:
    on = today()
    branches = list(Organisation.objects.filter(kind="branch", is_active=True))
    years = {y.branch.name: y for y in load_years(branches, year=on.year, on=on)}
    assert sorted(years) == sorted(NINE_BRANCHES)
    log_in(page, demo_site.url, "zuzhibu", PASSWORD)
    nav_link(page, "组织生活").click()
    page.get_by_role("link", name="合规日历").click()
    expect(page.get_by_role("heading", name=f"{on.year}年组织生活合规情况")).to_be_visible()
    table = page.locator("#compliance-overview")
    expect(table.locator("tbody tr")).to_have_count(9)
    headers = table.locator("thead th").all_inner_texts()
    rate_column = headers.index("出勤率")
    for name in NINE_BRANCHES:
        row = table.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))
        attendance = years[name].attendance
        expected = f"{attendance.percent}%（{attendance.part}/{attendance.whole}）"
        expect(row.locator("th, td").nth(rate_column)).to_have_text(expected)
    # The attendance rates are on screen, not behind a sideways scroll of the table.
    header = table.get_by_role("columnheader", name="出勤率")
    box = header.bounding_box()
    assert box is not None and box["x"] + box["width"] <= page.viewport_size["width"], box
    low = [name for name, y in years.items() if y.attendance_low]
    for name in low:
        row = table.locator("tbody tr", has=page.get_by_role("link", name=name, exact=True))
        expect(row.locator("td.text-danger", has_text="%")).to_be_visible()
    screenshot(page, "14-officer-compliance-overview")

    # Each branch links to its calendar.
    page.get_by_role("link", name=NINE_BRANCHES[0], exact=True).click()
    expect(page.get_by_role("heading", name=re.compile(f"{NINE_BRANCHES[0]} · {on.year}年"))).to_be_visible()
