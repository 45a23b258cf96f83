"""Login hardening (等保 2.0): lockout after repeated failures through the real login view, the audit
of logins, logouts and failures, and the idle timeout."""

import time
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from zhibu.audit.models import AuditEvent
from zhibu.conftest import PASSWORD

pytestmark = pytest.mark.django_db

LOGIN = "/accounts/login/"


def login(client: Client, username: str, password: str, **extra: Any) -> Any:
    return client.post(LOGIN, {"username": username, "password": password}, **extra)


def text(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- login, logout, failure


def test_the_login_page_is_chinese(client: Client, world: Any) -> None:
    page = text(client.get(LOGIN))
    assert "党支部工作目标管理系统" in page
    assert "连续输错密码5次后账号将被锁定" in page


def test_a_good_login_redirects_home_and_is_audited(client: Client, world: Any) -> None:
    response = login(client, "secretary_a", PASSWORD, REMOTE_ADDR="10.0.0.5")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:home")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN)
    assert (event.actor, event.object_id, event.ip_address) == (
        world.secretary_a,
        str(world.secretary_a.pk),
        "10.0.0.5",
    )
    assert client.get(reverse("orgs:tree")).status_code == 200


def test_login_follows_next_but_only_to_this_site(client: Client, world: Any) -> None:
    response = client.post(
        f"{LOGIN}?next=/members/", {"username": "secretary_a", "password": PASSWORD, "next": "/members/"}
    )
    assert response["Location"] == "/members/"
    client.logout()
    response = client.post(
        LOGIN, {"username": "secretary_a", "password": PASSWORD, "next": "https://evil.example.com/"}
    )
    assert response["Location"] == reverse("accounts:home")


def test_a_failed_login_shows_the_chinese_message_and_is_audited(client: Client, world: Any) -> None:
    response = login(client, "secretary_a", "wrong-password", REMOTE_ADDR="10.0.0.6")
    assert response.status_code == 200
    assert "用户名或密码错误。连续输错多次后账号将被暂时锁定。" in text(response)
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGIN_FAILED)
    assert (event.actor, event.actor_label, event.object_repr, event.ip_address) == (
        None,
        "（未登录）secretary_a",
        "secretary_a",
        "10.0.0.6",
    )
    assert "wrong-password" not in str(event.before) + str(event.after) + event.note
    assert client.get(reverse("orgs:tree")).status_code == 302


def test_a_disabled_account_cannot_log_in(client: Client, world: Any) -> None:
    world.secretary_a.is_active = False
    world.secretary_a.save(update_fields=["is_active"])
    response = login(client, "secretary_a", PASSWORD)
    assert response.status_code == 200
    assert "用户名或密码错误" in text(response)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()


def test_logout_is_a_post_and_is_audited(client: Client, world: Any) -> None:
    login(client, "officer", PASSWORD)
    assert client.get(reverse("accounts:logout")).status_code == 405
    response = client.post(reverse("accounts:logout"))
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:login")
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert event.actor == world.officer
    assert client.get(reverse("orgs:tree")).status_code == 302


# ---------------------------------------------------------------- lockout (django-axes)


def test_five_failures_lock_the_account_even_for_the_right_password(client: Client, world: Any) -> None:
    for attempt in range(4):
        response = login(client, "secretary_a", f"wrong-{attempt}")
        assert response.status_code == 200
        assert "用户名或密码错误" in text(response)
    locked = login(client, "secretary_a", "wrong-4")
    assert locked.status_code == 429
    assert "账号已暂时锁定" in text(locked)
    assert "请30分钟后再试，或联系系统管理员解除锁定" in text(locked)
    again = login(client, "secretary_a", PASSWORD)
    assert again.status_code == 429
    assert "账号已暂时锁定" in text(again)
    assert client.get(reverse("orgs:tree")).status_code == 302
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN).exists()
    assert AuditEvent.objects.filter(action=AuditEvent.Action.LOGIN_FAILED).count() >= 5


def test_the_lock_is_per_account(client: Client, world: Any) -> None:
    for attempt in range(5):
        login(client, "secretary_a", f"wrong-{attempt}")
    response = login(client, "secretary_b", PASSWORD)
    assert response.status_code == 302


def test_a_success_resets_the_count(client: Client, world: Any) -> None:
    for attempt in range(4):
        login(client, "secretary_a", f"wrong-{attempt}")
    assert login(client, "secretary_a", PASSWORD).status_code == 302
    client.post(reverse("accounts:logout"))
    for attempt in range(4):
        assert login(client, "secretary_a", f"again-{attempt}").status_code == 200
    assert login(client, "secretary_a", PASSWORD).status_code == 302


def test_the_admin_unlocks_an_account(client: Client, world: Any) -> None:
    for attempt in range(5):
        login(client, "secretary_a", f"wrong-{attempt}")
    assert login(client, "secretary_a", PASSWORD).status_code == 429
    admin = Client()
    admin.force_login(world.admin)
    response = admin.post(reverse("accounts:user_unlock", args=[world.secretary_a.pk]))
    assert response.status_code == 302
    event = AuditEvent.objects.get(note="解除登录锁定")
    assert (event.actor, event.object_id) == (world.admin, str(world.secretary_a.pk))
    assert login(client, "secretary_a", PASSWORD).status_code == 302


# ---------------------------------------------------------------- idle timeout


def idle(client: Client, seconds: int) -> None:
    session = client.session
    session["zhibu_last_seen"] = int(time.time()) - seconds
    session.save()


@override_settings(IDLE_TIMEOUT_SECONDS=60)
def test_an_idle_session_is_logged_out_with_a_message(client: Client, world: Any) -> None:
    client.force_login(world.officer)
    assert client.get(reverse("orgs:tree")).status_code == 200
    idle(client, 61)
    response = client.get(reverse("orgs:tree"))
    assert response.status_code == 302
    assert response["Location"] == f"{LOGIN}?next=/orgs/"
    page = text(client.get(response["Location"]))
    assert "您已长时间未操作，为保护数据安全已自动退出，请重新登录。" in page
    assert client.get(reverse("orgs:tree")).status_code == 302  # really logged out
    event = AuditEvent.objects.get(action=AuditEvent.Action.LOGOUT)
    assert event.actor == world.officer


@override_settings(IDLE_TIMEOUT_SECONDS=60)
def test_the_login_redirect_keeps_the_query(client: Client, world: Any) -> None:
    client.force_login(world.officer)
    client.get(reverse("orgs:tree"))
    idle(client, 120)
    response = client.get("/members/", {"q": "张", "page": "2"})
    assert response.status_code == 302
    assert response["Location"].startswith(f"{LOGIN}?next=")
    from urllib.parse import parse_qs, urlsplit

    assert parse_qs(urlsplit(response["Location"]).query)["next"] == ["/members/?q=%E5%BC%A0&page=2"]


@override_settings(IDLE_TIMEOUT_SECONDS=60)
def test_activity_within_the_timeout_keeps_the_session(client: Client, world: Any) -> None:
    client.force_login(world.officer)
    client.get(reverse("orgs:tree"))
    idle(client, 59)
    assert client.get(reverse("orgs:tree")).status_code == 200
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.LOGOUT).exists()


@override_settings(IDLE_TIMEOUT_SECONDS=60)
def test_the_api_gets_a_401_json_on_timeout(client: Client, world: Any) -> None:
    client.force_login(world.officer)
    client.get(reverse("orgs:tree"))
    idle(client, 61)
    response = client.get("/api/orgs")
    assert response.status_code == 401
    assert response["Content-Type"].startswith("application/json")
    assert response.json() == {"detail": "会话已超时，请重新登录"}
    assert client.get(reverse("orgs:tree")).status_code == 302


@override_settings(IDLE_TIMEOUT_SECONDS=60)
def test_anonymous_requests_are_untouched(client: Client, world: Any) -> None:
    assert client.get(LOGIN).status_code == 200
    assert "zhibu_last_seen" not in client.session


# ---------------------------------------------------------------- own password


def test_changing_the_own_password_says_the_rules_in_chinese(client: Client, world: Any) -> None:
    client.force_login(world.secretary_a)
    url = reverse("accounts:password_change")
    page = text(client.get(url))
    assert "at least" not in page
    response = client.post(url, {"old_password": PASSWORD, "new_password1": "abc", "new_password2": "abc"})
    assert response.status_code == 200
    assert "密码太短，至少需要8个字符。" in text(response)
    world.secretary_a.refresh_from_db()
    assert world.secretary_a.check_password(PASSWORD)
    response = client.post(
        url,
        {"old_password": PASSWORD, "new_password1": "New-Strong-2026", "new_password2": "New-Strong-2026"},
    )
    assert response.status_code == 302
    world.secretary_a.refresh_from_db()
    assert world.secretary_a.check_password("New-Strong-2026")
    event = AuditEvent.objects.get(note="修改本人密码")
    assert (event.actor, event.object_id) == (world.secretary_a, str(world.secretary_a.pk))
    assert client.get(reverse("orgs:tree")).status_code == 200  # the session survives the change
