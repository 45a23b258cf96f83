"""End-to-end scenarios in a real browser, on the demo data (issue 2 item 8). Each leaves a
screenshot in test-results/ for a human to look at."""

import re
from typing import Any

import pytest

from zhibu.demo.base import PASSWORD, Demo
from zhibu.e2e.conftest import PHONE, log_in, screenshot
from zhibu.lib import idnumber
from zhibu.members.models import Member

pytestmark = pytest.mark.e2e


def test_the_login_page_is_chinese_styled_and_refuses_a_wrong_password(demo: Any, page: Any) -> None:
    static = []
    page.on("response", lambda r: static.append((r.url, r.status)) if "/static/" in r.url else None)
    page.goto(f"{demo.url}/accounts/login/")
    assert page.title().startswith("登录")
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    assert page.get_by_role("button", name="登录").is_visible()
    # Bootstrap and the project's CSS are served: every asset 200, the navbar has zhibu's red.
    assert static and all(status == 200 for _, status in static), static
    assert any(url.endswith("bootstrap.min.css") for url, _ in static)
    assert (
        page.eval_on_selector(".zb-navbar", "e => getComputedStyle(e).backgroundColor") == "rgb(183, 28, 28)"
    )
    button = page.get_by_role("button", name="登录")
    assert button.evaluate("e => getComputedStyle(e).backgroundColor") == "rgb(220, 53, 69)"  # .btn-danger
    assert button.evaluate("e => e.offsetWidth === e.parentElement.clientWidth")  # .w-100

    page.fill("input[name=username]", "shuji_cq")
    page.fill("input[name=password]", "wrong-password")
    page.get_by_role("button", name="登录").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert page.get_by_text("用户名或密码错误").is_visible()
    screenshot(page, "01-login-wrong-password")


def test_a_branch_secretary_sees_only_their_branch_and_can_reveal_an_id_number(demo: Any, page: Any) -> None:
    secretary = Demo().member("gb-LS-secretary")  # any member of 城区片区党支部 will do
    elsewhere = Member.objects.filter(branch__code="DJ-CY-YK").order_by("pk")[0]
    log_in(page, demo.url, "shuji_cq", PASSWORD)
    assert page.get_by_role("heading", name=re.compile("您好")).is_visible()

    page.locator("#zb-nav").get_by_role("link", name="组织架构").click()
    tree = page.locator(".zb-tree")
    assert tree.get_by_role("link", name="城区片区党支部").is_visible()
    assert tree.get_by_role("link", name="人民路加油站党小组").is_visible()
    assert tree.get_by_text("油库党支部").count() == 0

    page.locator("#zb-nav").get_by_role("link", name="党员名册").click()
    page.wait_for_load_state()
    branches = page.locator("table.zb-table tbody tr td:nth-child(5)").all_inner_texts()
    assert len(branches) >= 20
    assert set(branches) == {"城区片区党支部"}
    screenshot(page, "02-secretary-roster")

    page.goto(f"{demo.url}/members/{secretary.pk}/")
    masked = page.locator("#id-number").inner_text()
    assert masked == idnumber.mask(secretary.id_number)
    page.get_by_role("button", name=re.compile("查看完整号码")).click()
    page.wait_for_function("document.querySelector('#id-number').innerText.indexOf('*') === -1")
    assert page.locator("#id-number").inner_text() == secretary.id_number
    screenshot(page, "02-secretary-member-revealed")

    response = page.goto(f"{demo.url}/members/{elsewhere.pk}/")
    assert response.status == 404
    assert page.get_by_text("不在您的管理范围内").is_visible()
    assert elsewhere.name not in page.content()
    screenshot(page, "02-secretary-other-branch-404")


def test_the_org_officer_sees_every_branch_and_the_warnings(demo: Any, page: Any) -> None:
    log_in(page, demo.url, "zuzhibu", PASSWORD)
    summary = page.locator(".card", has_text="所辖党组织概况")
    assert summary.get_by_text(re.compile(r"党支部\s*9\s*个")).is_visible()
    for warning in ("超过50人", "届满，应按期换届", "请做好换届准备", "缺少：纪检委员", "少于3人"):
        assert summary.get_by_text(re.compile(warning)).count() >= 1, warning
    screenshot(page, "03-officer-home-warnings")

    page.locator("#zb-nav").get_by_role("link", name="组织架构").click()
    tree = page.locator(".zb-tree")
    for name in (
        "机关第一党支部",
        "机关第二党支部",
        "财务党支部",
        "油库党支部",
        "配送中心党支部",
        "城区片区党支部",
        "北部片区党支部",
        "南湖片区党支部",
        "新区加油站党支部",
    ):
        assert tree.get_by_role("link", name=name, exact=True).is_visible(), name
    screenshot(page, "03-officer-tree")


def test_a_member_on_a_phone_sees_their_own_record_with_the_id_masked(demo: Any, new_page: Any) -> None:
    member = Demo().member("demo-member")
    page = new_page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    log_in(page, demo.url, "dangyuan", PASSWORD)
    # The menu is collapsed on a phone: open it, then go to 我的信息.
    assert not page.get_by_role("link", name="我的信息").is_visible()
    page.get_by_role("button", name="菜单").click()
    page.get_by_role("link", name="我的信息").click()
    page.wait_for_load_state()
    assert page.get_by_role("heading", name=re.compile(member.name)).is_visible()
    shown = page.locator("#id-number").inner_text()
    assert re.fullmatch(r"\d{4}\*{10}[\dX]{4}", shown)
    assert shown == idnumber.mask(member.id_number)
    assert member.id_number not in page.content()
    assert page.get_by_role("button", name=re.compile("查看完整号码")).count() == 0
    # Nothing wider than the screen: no sideways scrolling on a phone.
    assert page.evaluate("document.documentElement.scrollWidth") <= PHONE["width"]
    screenshot(page, "04-member-phone-me")


def test_an_idle_session_ends_and_the_next_click_lands_on_login(demo: Any, page: Any, settings: Any) -> None:
    settings.IDLE_TIMEOUT_SECONDS = 2
    log_in(page, demo.url, "shuji_yk", PASSWORD)
    nav = page.locator("#zb-nav")
    assert nav.get_by_role("link", name="党员名册").is_visible()
    page.wait_for_timeout(3_500)
    nav.get_by_role("link", name="党员名册").click()
    page.wait_for_load_state()
    assert "/accounts/login/" in page.url
    assert page.get_by_text("您已长时间未操作").is_visible()
    screenshot(page, "05-idle-timeout")
