"""User administration by the system admin: accounts, linking a member, roles with 三权分立,
password reset and unlock — each audited; nobody else reaches these pages."""

from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from zhibu.accounts import services
from zhibu.accounts.models import Role, RoleAssignment, User
from zhibu.audit.models import AuditEvent
from zhibu.conftest import PASSWORD

pytestmark = pytest.mark.django_db


def admin_client(client: Client, world: Any) -> Client:
    client.force_login(world.admin)
    return client


def text(response: Any) -> str:
    return response.content.decode()


def flash(response: Any) -> list[str]:
    return [str(m) for m in response.context["messages"]] if response.context else []


def events(user: User, action: str) -> list[AuditEvent]:
    qs = AuditEvent.objects.filter(object_type="accounts.user", object_id=str(user.pk), action=action)
    return list(qs.order_by("id"))


# ---------------------------------------------------------------- who may


@pytest.mark.parametrize("persona", ["officer", "secretary_a", "auditor", "member_a", "outsider"])
def test_only_the_system_admin_manages_accounts(client: Client, world: Any, persona: str) -> None:
    client.force_login(getattr(world, persona))
    target = world.secretary_b.pk
    assert client.get(reverse("accounts:user_list")).status_code == 403
    assert client.get(reverse("accounts:user_create")).status_code == 403
    assert client.get(reverse("accounts:user_detail", args=[target])).status_code == 403
    for name in ("role_grant", "user_password_reset", "user_unlock"):
        assert (
            client.post(
                reverse(f"accounts:{name}", args=[target]), {"password": "Another-Pass-2026"}
            ).status_code
            == 403
        )
    world.secretary_b.refresh_from_db()
    assert world.secretary_b.check_password(PASSWORD)


def test_the_user_list_filters(client: Client, world: Any) -> None:
    admin_client(client, world)
    response = client.get(reverse("accounts:user_list"), {"q": "secretary"})
    assert sorted(u.username for u in response.context["page_obj"]) == ["secretary_a", "secretary_b"]
    response = client.get(reverse("accounts:user_list"), {"role": "auditor"})
    assert [u.username for u in response.context["page_obj"]] == ["auditor"]
    response = client.get(reverse("accounts:user_list"))
    assert "outsider" in text(response)  # accounts without a role yet are listed for the admin


# ---------------------------------------------------------------- create / edit


def test_create_an_account_linked_to_a_member(client: Client, world: Any) -> None:
    response = admin_client(client, world).post(
        reverse("accounts:user_create"),
        {
            "username": "yi",
            "full_name": "乙党员",
            "member_id_number": world.member_in_b.id_number.lower(),
            "password": "Strong-Pass-2026",
            "is_active": "on",
        },
    )
    user = User.objects.get(username="yi")
    assert response.status_code == 302
    assert response["Location"] == reverse("accounts:user_detail", args=[user.pk])
    assert user.member == world.member_in_b
    assert user.check_password("Strong-Pass-2026")
    [event] = events(user, "create")
    assert event.actor == world.admin
    assert event.after["member"] == world.member_in_b.pk
    assert "Strong-Pass-2026" not in str(event.after)
    assert "password" not in event.after


@pytest.mark.parametrize(
    ("password", "message"),
    [
        ("12345678", "密码只包含数字"),
        ("abc", "密码太短，至少需要8个字符"),
        ("password", "这个密码太常见了"),
        ("", "新建账号必须设置初始密码"),
    ],
)
def test_a_weak_password_is_refused(client: Client, world: Any, password: str, message: str) -> None:
    response = admin_client(client, world).post(
        reverse("accounts:user_create"),
        {
            "username": "weak",
            "full_name": "弱密码",
            "password": password,
            "is_active": "on",
        },
    )
    assert response.status_code == 200
    assert message in text(response)
    assert not User.objects.filter(username="weak").exists()


def test_a_password_like_the_username_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError) as caught:
        services.user_create(
            actor=world.admin, username="zhangsan2026", full_name="张三", password="zhangsan2026"
        )
    assert "password" in caught.value.message_dict
    assert not User.objects.filter(username="zhangsan2026").exists()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"username": "SECRETARY_A"}, "用户名SECRETARY_A已存在"),
        ({"member_id_number": "11010519491231002X"}, "名册中没有这个公民身份号码"),
        ({"member_id_number": "member_in_a"}, "该党员已关联账号 member_a"),
        ({"email": "not-an-email"}, "输入一个有效的 Email 地址"),
    ],
)
def test_create_with_bad_input_saves_nothing(
    client: Client, world: Any, changes: dict[str, str], message: str
) -> None:
    data = {
        "username": "newbie",
        "full_name": "新人",
        "password": "Strong-Pass-2026",
        "is_active": "on",
    } | changes
    if data.get("member_id_number") == "member_in_a":
        data["member_id_number"] = world.member_in_a.id_number
    admin_client(client, world)
    count, audit = User.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("accounts:user_create"), data)
    assert response.status_code == 200
    assert message in text(response)
    assert (User.objects.count(), AuditEvent.objects.count()) == (count, audit)


def test_the_detail_page_does_not_show_the_linked_members_full_number(client: Client, world: Any) -> None:
    page = text(admin_client(client, world).get(reverse("accounts:user_detail", args=[world.member_a.pk])))
    assert world.member_in_a.id_number not in page  # the admin does not hold members.id_number (MEM-6)
    assert world.member_in_a.masked_id_number in page


def test_edit_keeps_the_link_when_the_masked_number_comes_back(client: Client, world: Any) -> None:
    target = world.member_a
    response = admin_client(client, world).post(
        reverse("accounts:user_detail", args=[target.pk]),
        {
            "username": "ignored",
            "full_name": "甲",
            "phone": "13800000000",
            "member_id_number": world.member_in_a.masked_id_number,
            "is_active": "on",
        },
    )
    assert response.status_code == 302
    target.refresh_from_db()
    assert (target.username, target.full_name, target.phone, target.member) == (
        "member_a",
        "甲",
        "13800000000",
        world.member_in_a,
    )
    [event] = events(target, "update")
    assert event.before == {"full_name": "member_a", "phone": ""}
    assert event.after == {"full_name": "甲", "phone": "13800000000"}


def test_edit_links_and_unlinks_a_member(client: Client, world: Any) -> None:
    target = world.outsider
    url = reverse("accounts:user_detail", args=[target.pk])
    admin_client(client, world)
    client.post(url, {"full_name": "乙", "member_id_number": world.member_in_b.id_number, "is_active": "on"})
    target.refresh_from_db()
    assert target.member == world.member_in_b
    client.post(url, {"full_name": "乙", "member_id_number": "", "is_active": "on"})
    target.refresh_from_db()
    assert target.member is None
    assert [e.after for e in events(target, "update")] == [
        {"full_name": "乙", "member": world.member_in_b.pk},
        {"member": None},
    ]


def test_disabling_an_account_is_audited(client: Client, world: Any) -> None:
    target = world.secretary_b
    admin_client(client, world).post(
        reverse("accounts:user_detail", args=[target.pk]),
        {
            "full_name": "secretary_b",
            "member_id_number": "",
        },
    )
    target.refresh_from_db()
    assert not target.is_active
    [event] = events(target, "update")
    assert (event.before, event.after) == ({"is_active": True}, {"is_active": False})


# ---------------------------------------------------------------- roles and 三权分立


def grant(client: Client, user: User, role: str, org: Any) -> Any:
    return client.post(
        reverse("accounts:role_grant", args=[user.pk]), {"role": role, "organisation": org.pk}, follow=True
    )


def test_grant_and_revoke_a_role(client: Client, world: Any) -> None:
    admin_client(client, world)
    target = world.outsider
    response = grant(client, target, Role.INSPECTOR, world.committee)
    assert "角色已授予。" in flash(response)
    assignment = RoleAssignment.objects.get(user=target)
    assert (assignment.role, assignment.organisation, assignment.granted_by) == (
        "inspector",
        world.committee,
        world.admin,
    )
    [granted] = events(target, "grant")
    assert granted.after == {"role": "inspector", "organisation": world.committee.pk}
    response = client.post(reverse("accounts:role_revoke", args=[target.pk, assignment.pk]), follow=True)
    assert "角色已撤销。" in flash(response)
    assert not RoleAssignment.objects.filter(user=target).exists()
    [revoked] = events(target, "revoke")
    assert revoked.before == {"role": "inspector", "organisation": world.committee.pk}


def test_a_role_granted_twice_is_refused(client: Client, world: Any) -> None:
    response = grant(admin_client(client, world), world.secretary_a, Role.BRANCH_SECRETARY, world.branch_a)
    assert "secretary_a已在第一党支部拥有支部书记/支委角色" in flash(response)[0]
    assert RoleAssignment.objects.filter(user=world.secretary_a).count() == 1


@pytest.mark.parametrize(
    ("persona", "role"),
    [
        ("admin", Role.AUDITOR),  # 系统管理员 + 审计员
        ("auditor", Role.SYSTEM_ADMIN),
        ("auditor", Role.ORG_OFFICER),  # 审计员 + 业务操作员
        ("officer", Role.AUDITOR),
        ("secretary_a", Role.AUDITOR),
        ("admin", Role.ORG_OFFICER),  # 系统管理员 + 业务操作员
        ("officer", Role.SYSTEM_ADMIN),
        ("rater", Role.AUDITOR),  # raters and inspectors operate too
        ("inspector", Role.AUDITOR),
        ("auditor", Role.INSPECTOR),
    ],
)
def test_separation_of_three_powers(client: Client, world: Any, persona: str, role: str) -> None:
    target = getattr(world, persona)
    held = set(RoleAssignment.objects.filter(user=target).values_list("role", flat=True))
    response = grant(admin_client(client, world), target, role, world.committee)
    messages = flash(response)
    assert len(messages) == 1 and messages[0].startswith("三权分立：该账号已承担")
    assert Role(role).label in messages[0]
    assert set(RoleAssignment.objects.filter(user=target).values_list("role", flat=True)) == held
    assert not events(target, "grant")


def test_a_rater_may_also_be_an_inspector(world: Any) -> None:
    assignment = services.role_grant(
        actor=world.admin, user=world.rater, role=Role.INSPECTOR, organisation=world.committee
    )
    assert assignment.pk


def test_the_member_role_needs_a_linked_member_and_follows_its_branch(client: Client, world: Any) -> None:
    admin_client(client, world)
    response = grant(client, world.outsider, Role.MEMBER, world.committee)
    assert "“党员”角色需要先为账号关联党员" in flash(response)
    assert not RoleAssignment.objects.filter(user=world.outsider).exists()
    world.outsider.member = world.member_in_b
    world.outsider.save(update_fields=["member"])
    grant(client, world.outsider, Role.MEMBER, world.committee)
    assignment = RoleAssignment.objects.get(user=world.outsider)
    assert (assignment.role, assignment.organisation) == ("member", world.branch_b)


@pytest.mark.parametrize(
    ("role", "org", "message"),
    [
        (Role.AUDITOR, "branch_a", "审计员应在最高一级党组织授予"),
        (Role.SYSTEM_ADMIN, "general_branch", "系统管理员应在最高一级党组织授予"),
        (Role.BRANCH_SECRETARY, "committee", "支部书记/支委角色应授予在党支部或党总支"),
    ],
)
def test_roles_are_granted_at_the_right_level(world: Any, role: str, org: str, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        services.role_grant(
            actor=world.admin, user=world.outsider, role=role, organisation=getattr(world, org)
        )
    assert not RoleAssignment.objects.filter(user=world.outsider).exists()


def test_a_group_is_not_offered_and_is_refused(client: Client, world: Any) -> None:
    admin_client(client, world)
    page = text(client.get(reverse("accounts:user_detail", args=[world.outsider.pk])))
    assert "第一党小组" not in page
    response = grant(client, world.outsider, Role.INSPECTOR, world.group_a1)
    assert any("所在组织" in m for m in flash(response))
    assert not RoleAssignment.objects.filter(user=world.outsider).exists()


def test_an_unknown_role_is_refused(world: Any) -> None:
    with pytest.raises(ValidationError, match="未知角色"):
        services.role_grant(actor=world.admin, user=world.outsider, role="king", organisation=world.committee)


# ---------------------------------------------------------------- password reset


def test_password_reset(client: Client, world: Any) -> None:
    target = world.secretary_b
    url = reverse("accounts:user_password_reset", args=[target.pk])
    admin_client(client, world)
    response = client.post(url, {"password": "12345678"}, follow=True)
    assert any(m.startswith("密码不符合要求：") for m in flash(response))
    target.refresh_from_db()
    assert target.check_password(PASSWORD)
    assert not events(target, "update")
    response = client.post(url, {"password": "New-Strong-2026"}, follow=True)
    assert "密码已重置。" in flash(response)
    target.refresh_from_db()
    assert target.check_password("New-Strong-2026")
    [event] = events(target, "update")
    assert (event.actor, event.note) == (world.admin, "重置密码")
    assert "New-Strong-2026" not in str(event.before) + str(event.after) + event.note


def test_password_reset_needs_post(client: Client, world: Any) -> None:
    url = reverse("accounts:user_password_reset", args=[world.secretary_b.pk])
    assert admin_client(client, world).get(url).status_code == 405
    assert (
        admin_client(client, world)
        .get(reverse("accounts:user_unlock", args=[world.secretary_b.pk]))
        .status_code
        == 405
    )


def test_a_system_admin_may_also_be_a_member(world: Any) -> None:
    world.admin.member = world.member_in_b
    world.admin.save()
    assignment = services.role_grant(
        actor=world.officer, user=world.admin, role=Role.MEMBER, organisation=world.committee
    )
    assert assignment.organisation == world.branch_b


def test_the_last_system_admin_role_cannot_be_revoked(world: Any) -> None:
    only = RoleAssignment.objects.get(role=Role.SYSTEM_ADMIN)
    with pytest.raises(ValidationError, match="最后一个系统管理员"):
        services.role_revoke(actor=None, assignment=only)
    assert RoleAssignment.objects.filter(pk=only.pk).exists()


def test_an_admin_cannot_revoke_their_own_admin_role(client: Client, world: Any) -> None:
    second = User.objects.create_user(username="admin2", password="Zhibu-test-2026")
    RoleAssignment.objects.create(user=second, role=Role.SYSTEM_ADMIN, organisation=world.committee)
    own = RoleAssignment.objects.get(user=world.admin, role=Role.SYSTEM_ADMIN)
    client.force_login(world.admin)
    response = client.post(f"/accounts/users/{world.admin.pk}/roles/{own.pk}/revoke/", follow=True)
    assert "不能撤销自己的系统管理员角色" in response.content.decode()
    assert RoleAssignment.objects.filter(pk=own.pk).exists()
    # Another admin may.
    services.role_revoke(actor=second, assignment=own)
    assert not RoleAssignment.objects.filter(pk=own.pk).exists()
