"""End-to-end scenarios in a real browser, on the demo data (issue 2 item 8). Each leaves a
screenshot in test-results/ for a human to look at. Assertions on the page use Playwright's
`expect`, which waits for the page to settle instead of racing it."""

import re
from typing import Any

import pytest
from playwright.sync_api import expect

from zhibu.demo.base import PASSWORD, Demo
from zhibu.demo.orgs import TREE
from zhibu.e2e.conftest import PHONE, log_in, screenshot
from zhibu.lib import idnumber
from zhibu.members.models import Member

pytestmark = pytest.mark.e2e

NINE_BRANCHES = [plan.name for plan in TREE if plan.kind == "branch"]


def nav_link(page: Any, name: str) -> Any:
    return page.locator("#zb-nav").get_by_role("link", name=name, exact=True)


def test_the_login_page_is_chinese_styled_and_refuses_a_wrong_password(demo: Any, page: Any) -> None:
    static: list[tuple[str, int]] = []
    page.on("response", lambda r: static.append((r.url, r.status)) if "/static/" in r.url else None)
    page.goto(f"{demo.url}/accounts/login/")
    page.wait_for_load_state("networkidle")
    expect(page).to_have_title(re.compile("^登录"))
    expect(page.locator("html")).to_have_attribute("lang", "zh-CN")
    # Bootstrap, its icons and the project's CSS are served (all 200) and applied.
    assert static and all(status == 200 for _, status in static), static
    assert any(url.endswith("bootstrap.min.css") for url, _ in static)
    expect(page.locator(".zb-navbar")).to_have_css("background-color", "rgb(183, 28, 28)")  # zhibu.css
    button = page.get_by_role("button", name="登录")
    expect(button).to_have_css("background-color", "rgb(220, 53, 69)")  # Bootstrap's .btn-danger
    assert button.evaluate("e => e.offsetWidth === e.parentElement.clientWidth")  # .w-100

    page.fill("input[name=username]", "shuji_cq")
    page.fill("input[name=password]", "wrong-password")
    with page.expect_navigation():
        button.click()
    expect(page).to_have_url(re.compile("/accounts/login/"))
    expect(page.get_by_text("用户名或密码错误")).to_be_visible()
    screenshot(page, "01-login-wrong-password")


def test_a_branch_secretary_sees_only_their_branch_and_can_reveal_an_id_number(demo: Any, page: Any) -> None:
    colleague = Demo().member("gb-LS-secretary")  # a member of 城区片区党支部
    elsewhere = Member.objects.filter(branch__code="DJ-CY-YK").order_by("pk")[0]
    log_in(page, demo.url, "shuji_cq", PASSWORD)
    expect(page.get_by_role("heading", name=re.compile("您好"))).to_be_visible()

    nav_link(page, "组织架构").click()
    tree = page.locator(".zb-tree")
    expect(tree.get_by_role("link", name="城区片区党支部")).to_be_visible()
    expect(tree.get_by_role("link", name="人民路加油站党小组")).to_be_visible()
    expect(tree.get_by_text("油库党支部")).to_have_count(0)

    nav_link(page, "党员名册").click()
    expect(page.get_by_role("heading", name="党员名册")).to_be_visible()
    branches = page.locator("table.zb-table tbody tr td:nth-child(5)").all_inner_texts()
    assert len(branches) >= 20
    assert set(branches) == {"城区片区党支部"}
    screenshot(page, "02-secretary-roster")

    page.goto(f"{demo.url}/members/{colleague.pk}/")
    id_number = page.locator("#id-number")
    expect(id_number).to_have_text(idnumber.mask(colleague.id_number))
    page.get_by_role("button", name=re.compile("查看完整号码")).click()  # htmx swaps the number in
    expect(id_number).to_have_text(colleague.id_number)
    screenshot(page, "02-secretary-member-revealed")

    response = page.goto(f"{demo.url}/members/{elsewhere.pk}/")
    assert response is not None and response.status == 404
    expect(page.get_by_role("heading", name="未找到")).to_be_visible()
    expect(page.get_by_text("不在您的管理范围内")).to_be_visible()
    assert elsewhere.name not in page.content()
    screenshot(page, "02-secretary-other-branch-404")


def test_the_org_officer_sees_every_branch_and_the_warnings(demo: Any, page: Any) -> None:
    log_in(page, demo.url, "zuzhibu", PASSWORD)
    summary = page.locator(".card", has_text="所辖党组织概况")
    expect(summary).to_contain_text(re.compile(r"党支部\s*9\s*个"))
    for warning in ("超过50人", "届满，应按期换届", "请做好换届准备", "缺少：纪检委员", "少于3人"):
        expect(summary).to_contain_text(warning)
    screenshot(page, "03-officer-home-warnings")

    nav_link(page, "组织架构").click()
    tree = page.locator(".zb-tree")
    for name in NINE_BRANCHES:
        expect(tree.get_by_role("link", name=name, exact=True)).to_be_visible()
    screenshot(page, "03-officer-tree")


def test_a_member_on_a_phone_sees_their_own_record_with_the_id_masked(demo: Any, new_page: Any) -> None:
    member = Demo().member("demo-member")
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    log_in(page, demo.url, "dangyuan", PASSWORD)
    # On a phone the menu is collapsed: open it, then go to 我的信息.
    expect(nav_link(page, "我的信息")).to_be_hidden()
    page.get_by_role("button", name="菜单").click()
    nav_link(page, "我的信息").click()
    expect(page.get_by_role("heading", name=re.compile(member.name))).to_be_visible()
    id_number = page.locator("#id-number")
    expect(id_number).to_have_text(re.compile(r"^\d{4}\*{10}[\dX]{4}$"))
    expect(id_number).to_have_text(idnumber.mask(member.id_number))
    assert member.id_number not in page.content()
    expect(page.get_by_role("button", name=re.compile("查看完整号码"))).to_have_count(0)
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "04-member-phone-me")


def test_an_idle_session_ends_and_the_next_click_lands_on_login(demo: Any, page: Any, settings: Any) -> None:
    settings.IDLE_TIMEOUT_SECONDS = 2
    log_in(page, demo.url, "shuji_yk", PASSWORD)
    expect(nav_link(page, "党员名册")).to_be_visible()
    page.wait_for_timeout(3_500)
    nav_link(page, "党员名册").click()
    expect(page).to_have_url(re.compile(r"/accounts/login/\?next=/members/"))
    expect(page.get_by_text("您已长时间未操作")).to_be_visible()
    screenshot(page, "05-idle-timeout")
