"""The member pages: MEM-6 (no full 公民身份号码 on any page; the logged reveal), the list's filters and
pages, and the forms (bad input shows the Chinese message and saves nothing)."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from zhibu.audit.models import AuditEvent
from zhibu.lib import idnumber
from zhibu.members.models import Member, Placement, StatusChange, Transfer
from zhibu.members.tests.factories import make_id_number, make_member

pytestmark = pytest.mark.django_db

D = dt.date


def as_user(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def text(response: Any) -> str:
    return response.content.decode()


# ---------------------------------------------------------------- MEM-6


@pytest.mark.parametrize("persona", ["officer", "secretary_a", "inspector"])
def test_list_and_detail_never_show_a_full_id_number(client: Client, world: Any, persona: str) -> None:
    as_user(client, getattr(world, persona))
    numbers = [m.id_number for m in Member.objects.all()]
    pages = [
        text(client.get(reverse("members:list"))),
        text(client.get(reverse("members:list"), {"inactive": "1"})),
        text(client.get(reverse("members:detail", args=[world.member_in_a.pk]))),
    ]
    assert world.member_in_a.masked_id_number in pages[0]
    assert world.member_in_a.masked_id_number in pages[2]
    for page in pages:
        for number in numbers:
            assert number not in page


def test_a_search_by_full_number_does_not_echo_it_in_the_results(client: Client, world: Any) -> None:
    number = world.member_in_a.id_number
    page = text(as_user(client, world.secretary_a).get(reverse("members:list"), {"q": number}))
    assert "甲党员" in page
    # Only where the user typed it: the search box and the export link that keeps the filters.
    echoed = page.replace(f'value="{number}"', "").replace(f"q={number}", "")
    assert number not in echoed


def test_the_edit_form_shows_the_masked_number(client: Client, world: Any) -> None:
    page = text(as_user(client, world.secretary_a).get(reverse("members:edit", args=[world.member_in_a.pk])))
    assert world.member_in_a.id_number not in page
    assert world.member_in_a.masked_id_number in page


def test_the_own_record_page_is_masked_too(client: Client, world: Any) -> None:
    page = text(as_user(client, world.member_a).get(reverse("members:me")))
    assert "甲党员" in page
    assert world.member_in_a.id_number not in page
    assert "查看完整号码" not in page


def test_the_reveal_endpoint_returns_the_number_and_logs_it(client: Client, world: Any) -> None:
    url = reverse("members:reveal_id", args=[world.member_in_a.pk])
    response = as_user(client, world.secretary_a).post(url, REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    assert world.member_in_a.id_number in text(response)
    event = AuditEvent.objects.get(action=AuditEvent.Action.VIEW_SENSITIVE)
    assert (event.actor, event.object_type, event.object_id, event.ip_address) == (
        world.secretary_a,
        "members.member",
        str(world.member_in_a.pk),
        "10.1.2.3",
    )


def test_the_detail_page_offers_the_reveal_only_to_who_may(client: Client, world: Any) -> None:
    url = reverse("members:detail", args=[world.member_in_a.pk])
    assert "查看完整号码" in text(as_user(client, world.secretary_a).get(url))
    assert "查看完整号码" not in text(as_user(client, world.inspector).get(url))


@pytest.mark.parametrize(
    ("persona", "member", "status"),
    [
        ("inspector", "member_in_a", 403),
        ("member_a", "member_in_a", 403),
        ("admin", "member_in_a", 403),
        ("auditor", "member_in_a", 403),
        ("secretary_a", "member_in_b", 404),
        ("officer", "member_in_b", 200),
    ],
)
def test_the_reveal_endpoint_is_scoped(
    client: Client, world: Any, persona: str, member: str, status: int
) -> None:
    url = reverse("members:reveal_id", args=[getattr(world, member).pk])
    response = as_user(client, getattr(world, persona)).post(url)
    assert response.status_code == status
    logged = AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_SENSITIVE).count()
    assert logged == (1 if status == 200 else 0)
    if status != 200:
        assert getattr(world, member).id_number not in text(response)


def test_the_reveal_endpoint_refuses_get_and_anonymous(client: Client, world: Any) -> None:
    url = reverse("members:reveal_id", args=[world.member_in_a.pk])
    assert as_user(client, world.secretary_a).get(url).status_code == 405
    client.logout()
    response = client.post(url)
    assert response.status_code == 302
    assert world.member_in_a.id_number not in text(response)
    assert not AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_SENSITIVE).exists()


# ---------------------------------------------------------------- list


@pytest.mark.parametrize(
    ("persona", "status"),
    [
        ("officer", 200),
        ("secretary_a", 200),
        ("inspector", 200),
        ("admin", 403),
        ("rater", 403),
        ("member_a", 403),
        ("auditor", 403),
        ("outsider", 403),
    ],
)
def test_the_list_needs_members_view(client: Client, world: Any, persona: str, status: int) -> None:
    assert as_user(client, getattr(world, persona)).get(reverse("members:list")).status_code == status


def rows(response: Any) -> list[str]:
    return sorted(m.name for m in response.context["page_obj"])


@pytest.fixture
def registry(world: Any) -> Any:
    make_member(world.branch_a, "张伟", group=world.group_a1, is_mobile=True, mobile_destination="深圳")
    make_member(world.branch_a, "李娜", category="probationary")
    make_member(world.branch_a, "王强", is_lost_contact=True, lost_contact_on=D(2025, 1, 1))
    gone = make_member(world.branch_a, "张敏")
    from zhibu.members.services import member_transfer

    member_transfer(
        actor=None, member=gone, kind="out", transferred_on=D(2026, 1, 1), outside_organisation="外单位"
    )
    return world


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"q": "张"}, ["张伟"]),
        ({"branch": "group_a1"}, ["张伟", "甲党员"]),
        ({"branch": "branch_a"}, ["张伟", "李娜", "王强", "甲党员"]),
        ({"branch": "general_branch"}, ["张伟", "李娜", "王强", "甲党员"]),
        ({"category": "probationary"}, ["李娜"]),
        ({"mobile": "1"}, ["张伟"]),
        ({"lost": "1"}, ["王强"]),
        ({"inactive": "1", "q": "张"}, ["张伟", "张敏"]),
    ],
)
def test_the_list_filters(client: Client, registry: Any, params: dict[str, str], expected: list[str]) -> None:
    params = {k: str(getattr(registry, v).pk) if k == "branch" else v for k, v in params.items()}
    response = as_user(client, registry.officer).get(reverse("members:list"), params)
    assert rows(response) == sorted(expected)


def test_the_list_marks_members_out_of_the_registry(client: Client, registry: Any) -> None:
    page = text(
        as_user(client, registry.officer).get(reverse("members:list"), {"inactive": "1", "q": "张敏"})
    )
    assert "不在册" in page


def test_the_list_of_a_secretary_stays_in_the_branch(client: Client, registry: Any) -> None:
    as_user(client, registry.secretary_a)
    assert "乙党员" not in rows(client.get(reverse("members:list")))
    assert rows(client.get(reverse("members:list"), {"branch": registry.branch_b.pk})) == []


@override_settings(PAGE_SIZE=2)
def test_the_list_pages_keep_the_filters(client: Client, registry: Any) -> None:
    as_user(client, registry.officer)
    first = client.get(reverse("members:list"), {"branch": registry.branch_a.pk})
    assert len(first.context["page_obj"]) == 2
    assert "第 1 / 2 页，共 4 条" in text(first)
    assert f"branch={registry.branch_a.pk}" in text(first)
    assert "page=2" in text(first)
    second = client.get(reverse("members:list"), {"branch": registry.branch_a.pk, "page": "2"})
    assert set(rows(first)) | set(rows(second)) == {"张伟", "李娜", "王强", "甲党员"}
    assert rows(client.get(reverse("members:list"), {"page": "999"})) == rows(
        client.get(reverse("members:list"), {"page": "3"})
    )


def test_the_list_query_count_does_not_grow_with_rows(client: Client, world: Any) -> None:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    as_user(client, world.officer)
    client.get(reverse("members:list"))  # the first request after login refreshes the session

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            client.get(reverse("members:list"))
        return len(queries)

    before = count()
    for i in range(10):
        make_member(world.branch_a, f"党员{i}", group=world.group_a1)
    assert count() == before


# ---------------------------------------------------------------- create


def member_form(world: Any, **changes: Any) -> dict[str, Any]:
    data = {
        "name": "新党员",
        "id_number": make_id_number(D(1990, 5, 20)),
        "gender": "",
        "ethnicity": "汉族",
        "birth_date": "",
        "category": "full",
        "branch": world.branch_a.pk,
        "group": "",
        "joined_on": "2012-07-01",
        "converted_on": "2013-07-01",
        "dues_category": "employed",
        "dues_base": "",
    }
    return data | changes


def test_create_a_member(client: Client, world: Any) -> None:
    data = member_form(world, group=world.group_a1.pk, dues_base="4500.00")
    response = as_user(client, world.secretary_a).post(reverse("members:create"), data)
    member = Member.objects.get(name="新党员")
    assert response.status_code == 302
    assert response["Location"] == reverse("members:detail", args=[member.pk])
    assert (member.birth_date, member.gender, member.group) == (D(1990, 5, 20), "male", world.group_a1)
    assert member.placements.get().branch == world.branch_a


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"birth_date": "1990-05-21"}, "出生日期与公民身份号码不一致（号码中为1990-05-20）"),
        ({"gender": "female"}, "性别与公民身份号码不一致（号码第17位表示男）"),
        ({"id_number": "110105194912310021"}, "公民身份号码校验码错误（第18位应为X）"),
        ({"id_number": "1101051949"}, "确保该变量至少包含 18 字符"),
        ({"converted_on": ""}, "正式党员必须填写转正日期"),
        ({"joined_on": "2099-01-01", "converted_on": "2099-02-01"}, "入党日期不能晚于今天"),
        ({"is_mobile": "on"}, "流动党员必须填写外出流向"),
        ({"group": "other_group"}, "选择一个有效的选项"),
        ({"branch": "branch_b"}, "选择一个有效的选项"),
        ({"dues_base": "-5"}, "确保该值大于或等于0"),
        ({"name": ""}, "这个字段是必填项"),
    ],
)
def test_create_with_bad_input_shows_the_message_and_saves_nothing(
    client: Client, world: Any, changes: dict[str, Any], message: str
) -> None:
    from zhibu.orgs.tests.factories import make_org

    other_group = make_org("B1", "group", world.branch_b)
    data = member_form(world, **changes)
    for key in ("group", "branch"):
        if data[key] == "other_group":
            data[key] = other_group.pk
        elif data[key] == "branch_b":
            data[key] = world.branch_b.pk
    as_user(client, world.secretary_a)
    members, events = Member.objects.count(), AuditEvent.objects.count()
    response = client.post(reverse("members:create"), data)
    assert response.status_code == 200
    assert message in text(response)
    assert (Member.objects.count(), AuditEvent.objects.count()) == (members, events)


def test_create_refuses_a_duplicate_id_number(client: Client, world: Any) -> None:
    data = member_form(world, id_number=world.member_in_b.id_number)
    response = as_user(client, world.secretary_a).post(reverse("members:create"), data)
    assert "公民身份号码" in text(response)
    assert "已存在" in text(response)
    assert Member.objects.count() == 2
    assert world.member_in_b.id_number not in text(response).replace(
        f'value="{world.member_in_b.id_number}"', ""
    )


@pytest.mark.parametrize("persona", ["inspector", "admin", "member_a"])
def test_create_needs_members_edit(client: Client, world: Any, persona: str) -> None:
    response = as_user(client, getattr(world, persona)).post(reverse("members:create"), member_form(world))
    assert response.status_code == 403
    assert not Member.objects.filter(name="新党员").exists()


# ---------------------------------------------------------------- edit


def edit_form(member: Member, **changes: Any) -> dict[str, Any]:
    data = {
        "name": member.name,
        "id_number": member.masked_id_number,
        "gender": member.gender,
        "ethnicity": member.ethnicity,
        "birth_date": member.birth_date.isoformat(),
        "joined_on": member.joined_on.isoformat() if member.joined_on else "",
        "converted_on": member.converted_on.isoformat() if member.converted_on else "",
        "phone": member.phone,
        "dues_category": member.dues_category,
        "dues_base": "",
    }
    return data | changes


def test_edit_keeps_the_number_when_the_masked_value_comes_back(client: Client, world: Any) -> None:
    member = world.member_in_a
    response = as_user(client, world.secretary_a).post(
        reverse("members:edit", args=[member.pk]), edit_form(member, phone="13700000000")
    )
    assert response.status_code == 302
    number = member.id_number
    member.refresh_from_db()
    assert (member.phone, member.id_number, member.branch, member.group) == (
        "13700000000",
        number,
        world.branch_a,
        world.group_a1,
    )


def test_edit_corrects_the_number_and_follows_it(client: Client, world: Any) -> None:
    member = world.member_in_a
    number = idnumber.make("110101", D(1986, 1, 2), 9, gender=idnumber.FEMALE)
    response = as_user(client, world.secretary_a).post(
        reverse("members:edit", args=[member.pk]),
        edit_form(member, id_number=number, gender="", birth_date=""),
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.id_number, member.birth_date, member.gender) == (number, D(1986, 1, 2), "female")


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"converted_on": "2009-01-01"}, "转正日期不能早于入党日期"),
        ({"birth_date": "1985-06-16"}, "出生日期与公民身份号码不一致"),
        ({"id_number": "1101**********0000"}, "公民身份号码前17位应为数字"),
    ],
)
def test_edit_with_bad_input_saves_nothing(
    client: Client, world: Any, changes: dict[str, Any], message: str
) -> None:
    member = world.member_in_a
    response = as_user(client, world.secretary_a).post(
        reverse("members:edit", args=[member.pk]), edit_form(member, phone="13700000000", **changes)
    )
    assert response.status_code == 200
    assert message in text(response)
    member.refresh_from_db()
    assert member.phone == ""


def test_edit_cannot_move_the_member(client: Client, world: Any) -> None:
    member = world.member_in_a
    data = edit_form(member, branch=world.branch_b.pk, category="activist")
    assert (
        as_user(client, world.secretary_a).post(reverse("members:edit", args=[member.pk]), data).status_code
        == 302
    )
    member.refresh_from_db()
    assert (member.branch, member.category) == (world.branch_a, "full")


def test_edit_outside_the_scope_is_404(client: Client, world: Any) -> None:
    url = reverse("members:edit", args=[world.member_in_b.pk])
    assert as_user(client, world.secretary_a).get(url).status_code == 404
    assert as_user(client, world.inspector).get(url).status_code == 403


# ---------------------------------------------------------------- status change


def test_status_change_page(client: Client, world: Any) -> None:
    member = world.member_in_a
    url = reverse("members:status", args=[member.pk])
    as_user(client, world.secretary_a)
    response = client.post(
        url, {"field": "standing", "new_standing": "", "effective_on": "2026-01-01", "reason": "决定"}
    )
    assert "请选择新的值" in text(response)
    response = client.post(
        url,
        {"field": "standing", "new_standing": "suspended", "effective_on": "2099-01-01", "reason": "决定"},
    )
    assert "生效日期不能晚于今天" in text(response)
    response = client.post(
        url, {"field": "category", "new_category": "full", "effective_on": "2026-01-01", "reason": "决定"}
    )
    assert "已是正式党员" in text(response)
    assert not member.status_changes.filter(field="standing").exists()
    response = client.post(
        url, {"field": "standing", "new_standing": "deceased", "effective_on": "2026-01-01", "reason": "病故"}
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert (member.standing, member.is_active) == ("deceased", False)
    detail = text(client.get(reverse("members:detail", args=[member.pk])))
    assert "不在册" in detail
    assert "编辑信息" not in detail  # a record out of the registry is not edited from its page


# ---------------------------------------------------------------- transfer


def test_transfer_page_moves_the_member_out_of_the_secretarys_scope(client: Client, world: Any) -> None:
    member = world.member_in_a
    url = reverse("members:transfer", args=[member.pk])
    as_user(client, world.secretary_a)
    assert "第二党支部" in text(client.get(url))  # any branch of the enterprise is offered
    response = client.post(
        url, {"kind": "internal", "to_branch": world.branch_a.pk, "transferred_on": "2026-03-01"}
    )
    assert "转入党支部与当前党支部相同" in text(response)
    response = client.post(url, {"kind": "internal", "to_branch": "", "transferred_on": "2026-03-01"})
    assert "请选择转入的党支部" in text(response)
    response = client.post(url, {"kind": "out", "outside_organisation": "", "transferred_on": "2026-03-01"})
    assert "请填写转往的党组织" in text(response)
    response = client.post(
        url, {"kind": "internal", "to_branch": world.branch_b.pk, "transferred_on": "2099-01-01"}
    )
    assert "转接日期不能晚于今天" in text(response)
    assert not Transfer.objects.exists()
    assert Placement.objects.filter(member=member).count() == 1
    response = client.post(
        url,
        {
            "kind": "internal",
            "to_branch": world.branch_b.pk,
            "transferred_on": "2026-03-01",
            "letter_number": "组转001",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == reverse("members:list")
    member.refresh_from_db()
    assert member.branch == world.branch_b
    assert client.get(reverse("members:detail", args=[member.pk])).status_code == 404
    page = text(as_user(client, world.officer).get(reverse("members:detail", args=[member.pk])))
    assert "组转001" in page
    assert "系统内转接" in page


def test_transfer_out_page(client: Client, world: Any) -> None:
    member = world.member_in_b
    response = as_user(client, world.secretary_b).post(
        reverse("members:transfer", args=[member.pk]),
        {
            "kind": "out",
            "outside_organisation": "中共某市委组织部",
            "transferred_on": "2026-03-01",
        },
    )
    assert response.status_code == 302
    member.refresh_from_db()
    assert not member.is_active
    assert StatusChange.objects.filter(member=member).exists()
    assert Member.objects.filter(pk=member.pk).exists()
