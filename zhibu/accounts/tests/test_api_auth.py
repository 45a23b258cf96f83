"""The API's doors: bearer tokens, the browser session with its CSRF check, /api/me, and the
OpenAPI document and docs page (readable by any logged-in user, served without a CDN)."""

import datetime as dt
import re
from typing import Any

import pytest
from django.contrib.staticfiles import finders
from django.test import Client
from django.utils import timezone

from zhibu.accounts.models import ApiToken
from zhibu.accounts.services import token_create, token_revoke
from zhibu.members.tests.factories import make_id_number

pytestmark = pytest.mark.django_db


def bearer(key: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {key}"}


@pytest.fixture
def token(world: Any) -> tuple[ApiToken, str]:
    return token_create(actor=world.secretary_a, user=world.secretary_a, name="集成测试")


def new_member(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "name": "丙党员",
        "id_number": make_id_number(),
        "category": "full",
        "branch_id": world.branch_a.pk,
        "joined_on": "2012-07-01",
        "converted_on": "2013-07-01",
        **extra,
    }


# -- bearer tokens ----------------------------------------------------------------------------


def test_it_accepts_a_good_token_and_notes_its_use(client: Client, token: tuple[ApiToken, str]) -> None:
    api_token, key = token
    assert api_token.last_used_at is None

    response = client.get("/api/me", **bearer(key))

    assert response.status_code == 200
    assert response.json()["username"] == "secretary_a"
    api_token.refresh_from_db()
    assert api_token.last_used_at is not None
    assert timezone.now() - api_token.last_used_at < dt.timedelta(seconds=30)


def test_it_writes_last_used_at_at_most_once_a_minute(
    client: Client, token: tuple[ApiToken, str], django_assert_num_queries: Any
) -> None:
    api_token, key = token
    recently = timezone.now() - dt.timedelta(seconds=10)
    ApiToken.objects.filter(pk=api_token.pk).update(last_used_at=recently)

    client.get("/api/me", **bearer(key))

    api_token.refresh_from_db()
    assert api_token.last_used_at == recently


@pytest.mark.parametrize(
    "spoil",
    ["revoked", "wrong", "inactive_user", "anonymous", "not_bearer"],
)
def test_it_refuses_a_bad_token_with_401_in_chinese(
    client: Client, world: Any, token: tuple[ApiToken, str], spoil: str
) -> None:
    api_token, key = token
    headers = bearer(key)
    if spoil == "revoked":
        token_revoke(actor=world.secretary_a, token=api_token)
    elif spoil == "wrong":
        headers = bearer(key[:-2] + "xx")
    elif spoil == "inactive_user":
        world.secretary_a.is_active = False
        world.secretary_a.save(update_fields=["is_active"])
    elif spoil == "anonymous":
        headers = {}
    elif spoil == "not_bearer":
        headers = {"HTTP_AUTHORIZATION": f"Token {key}"}

    for url in ("/api/me", "/api/members", "/api/orgs", f"/api/members/{world.member_in_a.pk}"):
        response = client.get(url, **headers)
        assert response.status_code == 401, url
        assert response.json() == {"detail": "未登录，或 API 令牌无效、已撤销"}
        assert response["WWW-Authenticate"] == "Bearer"


def test_a_revoked_token_stops_working_at_once(
    client: Client, world: Any, token: tuple[ApiToken, str]
) -> None:
    api_token, key = token
    assert client.get("/api/members", **bearer(key)).status_code == 200

    token_revoke(actor=world.secretary_a, token=api_token)

    assert client.get("/api/members", **bearer(key)).status_code == 401


# -- the session, and CSRF on unsafe methods ----------------------------------------------------


def test_it_accepts_the_browser_session(client: Client, world: Any) -> None:
    client.force_login(world.secretary_a)

    response = client.get("/api/members")

    assert response.status_code == 200
    assert [m["name"] for m in response.json()["items"]] == ["甲党员"]


def csrf_client(user: Any) -> tuple[Client, str]:
    """A browser that enforces CSRF as production does, logged in, holding its CSRF cookie (set by
    the docs page, which renders the token for Swagger UI's requests)."""
    browser = Client(enforce_csrf_checks=True)
    browser.force_login(user)
    assert browser.get("/api/docs").status_code == 200
    return browser, browser.cookies["csrftoken"].value


def test_a_session_post_without_the_csrf_token_is_refused(world: Any) -> None:
    browser, _ = csrf_client(world.secretary_a)

    response = browser.post("/api/members", new_member(world), content_type="application/json")

    assert response.status_code == 403
    assert "CSRF 校验失败" in response.json()["detail"]
    assert not world.branch_a.members.filter(name="丙党员").exists()


def test_a_session_patch_with_a_wrong_csrf_token_is_refused(world: Any) -> None:
    browser, _ = csrf_client(world.secretary_a)

    response = browser.patch(
        f"/api/members/{world.member_in_a.pk}",
        {"phone": "13800000000"},
        content_type="application/json",
        HTTP_X_CSRFTOKEN="x" * 32,
    )

    assert response.status_code == 403
    world.member_in_a.refresh_from_db()
    assert world.member_in_a.phone == ""


def test_a_session_post_with_the_csrf_token_is_accepted(world: Any) -> None:
    browser, csrf = csrf_client(world.secretary_a)

    response = browser.post(
        "/api/members", new_member(world), content_type="application/json", HTTP_X_CSRFTOKEN=csrf
    )

    assert response.status_code == 201, response.content
    assert world.branch_a.members.filter(name="丙党员").exists()


def test_a_token_needs_no_csrf_token(world: Any, token: tuple[ApiToken, str]) -> None:
    _, key = token
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/api/members", new_member(world), content_type="application/json", **bearer(key))

    assert response.status_code == 201, response.content
    assert response.json()["branch_code"] == "A"


def test_an_anonymous_post_is_401_not_a_csrf_403(world: Any) -> None:
    browser = Client(enforce_csrf_checks=True)

    response = browser.post("/api/members", new_member(world), content_type="application/json")

    assert response.status_code == 401


# -- /api/me -----------------------------------------------------------------------------------


def test_me_shows_a_member_their_own_record_without_members_view(client: Client, world: Any) -> None:
    client.force_login(world.member_a)
    assert client.get("/api/members").status_code == 403

    body = client.get("/api/me").json()

    assert body["username"] == "member_a"
    assert body["display_name"] == "member_a"
    assert body["roles"] == [
        {
            "role": "member",
            "label": "党员",
            "organisation_id": world.branch_a.pk,
            "organisation_code": "A",
            "organisation_name": "第一党支部",
        },
    ]
    own = body["member"]
    assert own["id"] == world.member_in_a.pk
    assert own["name"] == "甲党员"
    assert own["group_name"] == "第一党小组"
    assert own["id_number"] != world.member_in_a.id_number
    assert own["id_number"] == world.member_in_a.masked_id_number
    assert [p["branch_code"] for p in own["placements"]] == ["A"]
    assert own["status_changes"][0]["new_value"] == "full"  # newest first


def test_me_for_a_user_without_a_member_record_or_roles(client: Client, world: Any) -> None:
    client.force_login(world.outsider)

    body = client.get("/api/me").json()

    assert body == {"username": "outsider", "display_name": "outsider", "roles": [], "member": None}


def test_me_lists_every_role_with_its_organisation(
    client: Client, world: Any, token: tuple[ApiToken, str]
) -> None:
    _, key = token

    body = client.get("/api/me", **bearer(key)).json()

    assert [(r["role"], r["label"], r["organisation_code"]) for r in body["roles"]] == [
        ("branch_secretary", "支部书记/支委", "A")
    ]
    assert body["member"] is None


# -- errors in Chinese -------------------------------------------------------------------------


def test_no_permission_anywhere_is_403_in_chinese(client: Client, world: Any) -> None:
    client.force_login(world.outsider)

    for url in (
        "/api/orgs",
        "/api/members",
        f"/api/orgs/{world.branch_a.pk}",
        f"/api/members/{world.member_in_a.pk}",
    ):
        response = client.get(url)
        assert response.status_code == 403, url
        assert response.json() == {"detail": "您没有使用此接口的权限"}


def test_bad_query_parameters_are_422_in_chinese(client: Client, world: Any) -> None:
    client.force_login(world.officer)

    response = client.get("/api/members?page=0&category=party&branch=abc")

    assert response.status_code == 422
    detail = {item["field"]: item for item in response.json()["detail"]}
    assert detail["page"]["message"] == "不能小于1"
    assert detail["category"]["label"] == "人员类别"
    assert detail["category"]["message"].startswith("取值无效，可选：")
    assert detail["branch"] == {"field": "branch", "label": "党组织编号", "message": "应为整数"}


# -- the OpenAPI document and the docs page ----------------------------------------------------


def test_the_openapi_document_needs_a_login(client: Client, world: Any, token: tuple[ApiToken, str]) -> None:
    _, key = token
    assert client.get("/api/openapi.json").status_code == 401
    assert client.get("/api/openapi.json", **bearer(key + "x")).status_code == 401

    assert client.get("/api/openapi.json", **bearer(key)).status_code == 200
    client.force_login(world.outsider)  # no role at all: the document lists what exists, no data
    document = client.get("/api/openapi.json").json()

    assert document["info"]["title"] == "党支部工作目标管理系统 API"
    assert {
        "/api/me",
        "/api/orgs",
        "/api/orgs/{organisation_id}",
        "/api/members",
        "/api/members/{member_id}",
    } <= set(document["paths"])
    assert set(document["paths"]["/api/members/{member_id}"]) == {"get", "patch"}
    assert document["paths"]["/api/members"]["post"]["summary"] == "新增党员"
    schemes = document["components"]["securitySchemes"]
    assert schemes["TokenAuth"]["scheme"] == "bearer"
    assert schemes["SessionAuth"]["in"] == "cookie"


def test_the_docs_page_sends_anonymous_visitors_to_the_login_page(client: Client) -> None:
    response = client.get("/api/docs")

    assert response.status_code == 302
    assert response["Location"].startswith("/accounts/login/?next=/api/docs")


def test_the_docs_page_loads_swagger_ui_from_our_own_server(client: Client, world: Any) -> None:
    client.force_login(world.member_a)

    response = client.get("/api/docs")

    assert response.status_code == 200
    html = response.content.decode()
    assert "https://" not in html and "http://" not in html and "//cdn" not in html
    urls = re.findall(r'<(?:script|link)\b[^>]*?(?:src|href)="([^"]+)"', html)
    assert {
        "/static/ninja/swagger-ui-bundle.js",
        "/static/ninja/swagger-ui-init.js",
        "/static/ninja/swagger-ui.css",
    } <= set(urls)
    for url in urls:
        assert url.startswith("/static/"), url
        assert finders.find(url.removeprefix("/static/")) is not None, url
    # The session's CSRF token is handed to Swagger UI's "Try it out" requests.
    assert 'data-api-csrf="true"' in html
    assert re.search(r'data-csrf-token="[A-Za-z0-9]{32,}"', html)
