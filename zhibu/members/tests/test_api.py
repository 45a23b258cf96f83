"""GET/POST /api/members and GET/PATCH /api/members/{id}: scoped like the pages, 公民身份号码
masked unless asked for and allowed (and then logged), writes through the member services with
Chinese 422s, and query counts that do not grow with the rows."""

import datetime as dt
from typing import Any

import pytest
from django.test import Client

from zhibu.audit.models import AuditEvent
from zhibu.lib import idnumber
from zhibu.members.models import Member, Placement
from zhibu.members.services import member_update
from zhibu.members.tests.factories import make_id_number, make_member
from zhibu.orgs.tests.factories import make_org

pytestmark = pytest.mark.django_db


def login(client: Client, user: Any) -> Client:
    client.force_login(user)
    return client


def names(response: Any) -> list[str]:
    assert response.status_code == 200, response.content
    return [item["name"] for item in response.json()["items"]]


def sensitive_events() -> list[AuditEvent]:
    return list(AuditEvent.objects.filter(action=AuditEvent.Action.VIEW_SENSITIVE).order_by("id"))


# -- who sees what -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("persona", "expected"),
    [
        ("secretary_a", ["甲党员"]),
        ("secretary_b", ["乙党员"]),
        ("officer", ["甲党员", "乙党员"]),
        ("inspector", ["甲党员", "乙党员"]),
    ],
)
def test_the_list_is_scoped_like_the_page(
    client: Client, world: Any, persona: str, expected: list[str]
) -> None:
    response = login(client, getattr(world, persona)).get("/api/members")

    assert sorted(names(response)) == sorted(expected)
    assert response.json()["count"] == len(expected)


@pytest.mark.parametrize("persona", ["member_a", "rater", "auditor", "admin", "outsider"])
def test_without_members_view_anywhere_the_list_is_403(client: Client, world: Any, persona: str) -> None:
    response = login(client, getattr(world, persona)).get("/api/members")

    assert response.status_code == 403
    assert response.json() == {"detail": "您没有使用此接口的权限"}


def test_anonymous_is_401(client: Client, world: Any) -> None:
    assert client.get("/api/members").status_code == 401
    assert client.get(f"/api/members/{world.member_in_a.pk}").status_code == 401


def test_a_member_outside_the_scope_is_404_not_403(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    response = client.get(f"/api/members/{world.member_in_b.pk}")

    assert response.status_code == 404
    assert response.json() == {"detail": "未找到该党员"}
    assert client.get("/api/members/999999").json() == {"detail": "未找到该党员"}
    assert client.get(f"/api/members/{world.member_in_a.pk}").status_code == 200


def test_the_items_carry_the_national_record(client: Client, world: Any) -> None:
    make_member(
        world.branch_a,
        "丁预备",
        category="probationary",
        joined_on=dt.date(2025, 7, 1),
        phone="13900000000",
        work_unit="一车间",
        post="技术员",
    )

    items = login(client, world.secretary_a).get("/api/members?q=丁预备").json()["items"]

    assert len(items) == 1
    item = items[0]
    assert item["category"] == "probationary" and item["category_label"] == "预备党员"
    assert item["gender"] == "male" and item["gender_label"] == "男"
    assert item["standing"] == "normal" and item["standing_label"] == "正常"
    assert (item["branch_id"], item["branch_code"], item["branch_name"]) == (
        world.branch_a.pk,
        "A",
        "第一党支部",
    )
    assert (item["group_id"], item["group_name"]) == (None, None)
    assert item["joined_on"] == "2025-07-01" and item["converted_on"] is None
    assert item["party_standing"] is None  # 党龄 counts from conversion (B-9)
    assert (item["phone"], item["work_unit"], item["post"]) == ("13900000000", "一车间", "技术员")
    assert item["birth_date"] == "1985-06-15"
    assert item["dues_category"] == "employed" and item["dues_base"] is None
    assert item["is_active"] is True and item["is_mobile"] is False and item["is_lost_contact"] is False


def test_party_standing_is_computed(client: Client, world: Any) -> None:
    item = login(client, world.secretary_a).get(f"/api/members/{world.member_in_a.pk}").json()

    assert item["converted_on"] == "2011-07-01"
    assert item["party_standing"] == world.member_in_a.party_standing()
    assert item["party_standing"] >= 15


def test_the_filters_are_the_pages(client: Client, world: Any) -> None:
    make_member(world.branch_a, "戊积极分子", category="activist")
    mobile = make_member(world.branch_b, "己流动", is_mobile=True, mobile_destination="深圳")
    gone = make_member(world.branch_a, "庚转出")
    Member.objects.filter(pk=gone.pk).update(is_active=False)
    login(client, world.officer)

    assert names(client.get(f"/api/members?branch={world.group_a1.pk}")) == ["甲党员"]
    assert sorted(names(client.get(f"/api/members?branch={world.general_branch.pk}"))) == sorted(
        ["甲党员", "戊积极分子"]
    )
    assert names(client.get("/api/members?category=activist")) == ["戊积极分子"]
    assert names(client.get("/api/members?mobile=true")) == [mobile.name]
    assert names(client.get("/api/members?q=乙")) == ["乙党员"]
    assert names(client.get(f"/api/members?q={world.member_in_b.id_number}")) == ["乙党员"]
    assert "庚转出" not in names(client.get("/api/members"))
    assert "庚转出" in names(client.get("/api/members?inactive=true"))


def test_the_list_is_paged(client: Client, world: Any) -> None:
    for n in range(3):
        make_member(world.branch_a, f"党员{n}")
    login(client, world.officer)

    first = client.get("/api/members?page_size=2").json()
    third = client.get("/api/members?page_size=2&page=3").json()

    assert first["count"] == third["count"] == 5
    assert len(first["items"]) == 2 and len(third["items"]) == 1
    assert len(client.get("/api/members").json()["items"]) == 5  # 50 a page by default


def test_a_page_holds_at_most_500(client: Client, world: Any) -> None:
    Member.objects.bulk_create(
        Member(
            name=f"批量{n:03d}",
            gender="male",
            id_number=make_id_number(),
            birth_date=dt.date(1985, 6, 15),
            category="full",
            branch=world.branch_b,
        )
        for n in range(505)
    )
    login(client, world.secretary_b)

    body = client.get("/api/members?page_size=1000").json()

    assert body["count"] == 506
    assert len(body["items"]) == 500
    assert len(client.get("/api/members").json()["items"]) == 50


# -- 公民身份号码: masked by default, full only when asked and allowed, logged (MEM-6) -----------


def test_id_numbers_are_masked_by_default(client: Client, world: Any) -> None:
    items = login(client, world.officer).get("/api/members").json()["items"]

    for item in items:
        member = Member.objects.get(pk=item["id"])
        assert item["id_number"] == idnumber.mask(member.id_number) != member.id_number
        assert item["id_number_full"] is False
    assert sensitive_events() == []


def test_full_id_numbers_for_a_secretary_are_logged_once(client: Client, world: Any) -> None:
    make_member(world.branch_a, "丁党员")
    login(client, world.secretary_a)

    items = client.get("/api/members?full_id=true").json()["items"]

    assert {i["name"]: i["id_number"] for i in items} == {
        m.name: m.id_number for m in Member.objects.filter(branch=world.branch_a)
    }
    assert all(i["id_number_full"] for i in items)
    [event] = sensitive_events()
    assert event.actor == world.secretary_a
    assert event.note == "通过接口查看完整公民身份号码2个"
    assert sorted(event.after["member_ids"]) == sorted(i["id"] for i in items)


def test_full_id_numbers_need_the_permission_over_that_member(client: Client, world: Any) -> None:
    login(client, world.inspector)  # members.view over C, but not members.id_number

    items = client.get("/api/members?full_id=true").json()["items"]

    assert len(items) == 2
    assert not any(i["id_number_full"] for i in items)
    assert all("*" in i["id_number"] for i in items)
    assert sensitive_events() == []


def test_full_id_numbers_for_the_officer_cover_every_branch_in_one_event(client: Client, world: Any) -> None:
    login(client, world.officer)

    items = client.get("/api/members?full_id=true&page_size=1").json()["items"]

    assert len(items) == 1 and items[0]["id_number_full"]
    [event] = sensitive_events()
    assert event.note == "通过接口查看完整公民身份号码1个"  # the page's rows, not the whole list


def test_the_detail_reveals_the_full_number_only_when_asked_and_logs_it(client: Client, world: Any) -> None:
    login(client, world.secretary_a)
    url = f"/api/members/{world.member_in_a.pk}"

    assert client.get(url).json()["id_number"] == world.member_in_a.masked_id_number
    assert sensitive_events() == []

    body = client.get(f"{url}?full_id=true").json()

    assert body["id_number"] == world.member_in_a.id_number and body["id_number_full"] is True
    [event] = sensitive_events()
    assert (event.object_type, event.object_id, event.actor) == (
        "members.member",
        str(world.member_in_a.pk),
        world.secretary_a,
    )


def test_the_detail_keeps_the_number_masked_for_an_inspector(client: Client, world: Any) -> None:
    body = login(client, world.inspector).get(f"/api/members/{world.member_in_a.pk}?full_id=true").json()

    assert body["id_number"] == world.member_in_a.masked_id_number
    assert sensitive_events() == []


def test_the_detail_has_the_history(client: Client, world: Any) -> None:
    member_update(
        actor=world.officer,
        member=world.member_in_a,
        branch=world.branch_b,
        group=None,
        effective_on=dt.date(2024, 3, 1),
        reason="工作调动",
    )
    login(client, world.officer)

    body = client.get(f"/api/members/{world.member_in_a.pk}").json()

    assert [(p["branch_code"], p["group_name"], p["start_on"], p["end_on"]) for p in body["placements"]] == [
        ("B", None, "2024-03-01", None),
        ("A", "第一党小组", "2010-07-01", "2024-03-01"),
    ]
    assert body["placements"][0]["reason"] == "工作调动"
    latest = body["status_changes"][0]
    assert (latest["field"], latest["field_label"], latest["new_value"], latest["new_label"]) == (
        "category",
        "人员类别",
        "full",
        "正式党员",
    )


# -- POST /api/members ---------------------------------------------------------------------------


def registration(world: Any, **extra: Any) -> dict[str, Any]:
    return {
        "name": "辛党员",
        "id_number": make_id_number(dt.date(1990, 3, 8), gender=idnumber.FEMALE),
        "category": "full",
        "branch_id": world.branch_a.pk,
        "group_id": world.group_a1.pk,
        "joined_on": "2015-07-01",
        "converted_on": "2016-07-01",
        "phone": "13700000000",
        **extra,
    }


def post(client: Client, data: Any) -> Any:
    return client.post("/api/members", data, content_type="application/json")


def problems(response: Any) -> dict[str, dict[str, str]]:
    assert response.status_code == 422, response.content
    return {item["field"]: item for item in response.json()["detail"]}


def test_a_secretary_registers_a_member_in_their_branch(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    response = post(client, registration(world, start_on="2020-01-01", reason="从系统外转入"))

    assert response.status_code == 201, response.content
    body = response.json()
    member = Member.objects.get(pk=body["id"])
    assert (member.branch, member.group, member.gender, member.birth_date) == (
        world.branch_a,
        world.group_a1,
        "female",
        dt.date(1990, 3, 8),
    )
    assert body["gender_label"] == "女" and body["birth_date"] == "1990-03-08"  # from the 公民身份号码
    assert body["id_number"] == member.masked_id_number
    assert [(p["start_on"], p["reason"]) for p in body["placements"]] == [("2020-01-01", "从系统外转入")]
    event = AuditEvent.objects.get(
        action=AuditEvent.Action.CREATE, object_type="members.member", object_id=str(member.pk)
    )
    assert event.actor == world.secretary_a


def test_a_bad_check_digit_is_422_in_chinese(client: Client, world: Any) -> None:
    good = make_id_number()
    bad = good[:17] + ("0" if good[17] != "0" else "1")
    login(client, world.secretary_a)

    response = post(client, registration(world, id_number=bad))

    assert problems(response)["id_number"] == {
        "field": "id_number",
        "label": "公民身份号码",
        "message": f"公民身份号码校验码错误（第18位应为{good[17]}）",
    }
    assert not Member.objects.filter(name="辛党员").exists()


def test_a_group_of_another_branch_is_422(client: Client, world: Any) -> None:
    login(client, world.officer)

    response = post(client, registration(world, branch_id=world.branch_b.pk))

    assert problems(response)["group_id"] == {
        "field": "group_id",
        "label": "党小组",
        "message": "党小组第一党小组不属于第二党支部",
    }
    assert not Member.objects.filter(name="辛党员").exists()


def test_every_rule_broken_is_reported(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    response = post(client, registration(world, converted_on=None, birth_date="1991-01-01", is_mobile=True))

    found = problems(response)
    assert found["converted_on"]["message"] == "正式党员必须填写转正日期"
    assert found["converted_on"]["label"] == "转正日期"
    assert found["birth_date"]["message"].startswith("出生日期与公民身份号码不一致")
    assert found["mobile_destination"] == {
        "field": "mobile_destination",
        "label": "外出流向",
        "message": "流动党员必须填写外出流向",
    }


def test_a_branch_outside_the_scope_reads_as_missing(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    response = post(client, registration(world, branch_id=world.branch_b.pk, group_id=None))

    assert problems(response)["branch_id"] == {
        "field": "branch_id",
        "label": "所在党支部",
        "message": f"编号为{world.branch_b.pk}的党支部不存在或不在您的管理范围内",
    }
    assert not Member.objects.filter(name="辛党员").exists()


def test_malformed_input_is_422_in_chinese(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    found = problems(post(client, {"name": "壬", "joined_on": "2015-13-01", "category": "member"}))

    assert found["id_number"] == {"field": "id_number", "label": "公民身份号码", "message": "必须填写"}
    assert found["joined_on"]["message"] == "应为日期（格式 YYYY-MM-DD）"
    assert found["category"]["label"] == "人员类别"
    assert found["branch_id"]["message"] == "必须填写"
    response = client.post("/api/members", "{not json", content_type="application/json")
    assert (response.status_code, response.json()) == (400, {"detail": "请求体无法解析，应为有效的 JSON"})
    assert problems(client.get("/api/members/abc"))["member_id"] == {
        "field": "member_id",
        "label": "党员编号",
        "message": "应为整数",
    }


def test_a_duplicate_id_number_is_422(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    found = problems(post(client, registration(world, id_number=world.member_in_a.id_number)))

    assert found["id_number"]["label"] == "公民身份号码"
    assert "已存在" in found["id_number"]["message"]
    assert Member.objects.filter(id_number=world.member_in_a.id_number).count() == 1


@pytest.mark.parametrize(
    ("url", "field", "message"),
    [
        ("/api/members?q=%00", "q", "不能包含空字符（\\x00）"),
        ("/api/members?branch=99999999999999999999", "branch", "不能大于9223372036854775807"),
        ("/api/members?page=99999999999999999999", "page", "不能大于1000000"),
    ],
)
def test_input_the_database_cannot_take_is_422_not_500(
    client: Client, world: Any, url: str, field: str, message: str
) -> None:
    login(client, world.officer)

    assert problems(client.get(url))[field]["message"] == message
    found = problems(patch(client, world.member_in_a, {"name": "甲\x00"}))
    assert found["name"] == {"field": "name", "label": "姓名", "message": "不能包含空字符（\\x00）"}


@pytest.mark.parametrize("persona", ["member_a", "inspector", "rater", "outsider"])
def test_registering_needs_members_edit(client: Client, world: Any, persona: str) -> None:
    response = post(login(client, getattr(world, persona)), registration(world))

    assert response.status_code == 403
    assert not Member.objects.filter(name="辛党员").exists()


# -- PATCH /api/members/{id} ---------------------------------------------------------------------


def patch(client: Client, member: Member, data: Any) -> Any:
    return client.patch(f"/api/members/{member.pk}", data, content_type="application/json")


def test_a_patch_changes_only_the_fields_sent(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    response = patch(client, world.member_in_a, {"phone": "13600000000", "education": "大学本科"})

    assert response.status_code == 200, response.content
    member = Member.objects.get(pk=world.member_in_a.pk)
    assert (member.phone, member.education, member.name, member.group) == (
        "13600000000",
        "大学本科",
        "甲党员",
        world.group_a1,
    )
    event = AuditEvent.objects.get(action=AuditEvent.Action.UPDATE, object_id=str(member.pk))
    assert event.actor == world.secretary_a
    assert {"phone": "13600000000", "education": "大学本科"}.items() <= event.after.items()


def test_a_patch_out_of_scope_is_404(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    response = patch(client, world.member_in_b, {"phone": "13600000000"})

    assert response.status_code == 404
    assert Member.objects.get(pk=world.member_in_b.pk).phone == ""


def test_a_patch_needs_members_edit(client: Client, world: Any) -> None:
    assert patch(login(client, world.inspector), world.member_in_a, {"phone": "1"}).status_code == 403
    assert patch(login(client, world.member_a), world.member_in_a, {"phone": "1"}).status_code == 403


def test_a_patch_with_a_bad_id_number_is_422(client: Client, world: Any) -> None:
    login(client, world.secretary_a)
    value = world.member_in_a.id_number
    bad = value[:17] + ("0" if value[17] != "0" else "1")

    found = problems(patch(client, world.member_in_a, {"id_number": bad}))

    assert found["id_number"]["message"].startswith("公民身份号码校验码错误")
    assert Member.objects.get(pk=world.member_in_a.pk).id_number == value


def test_a_patch_with_a_group_of_another_branch_is_422(client: Client, world: Any) -> None:
    login(client, world.officer)

    found = problems(patch(client, world.member_in_b, {"group_id": world.group_a1.pk}))

    assert found["group_id"]["message"] == "党小组第一党小组不属于第二党支部"
    assert Member.objects.get(pk=world.member_in_b.pk).group is None


def test_a_patch_moving_a_member_keeps_the_history(client: Client, world: Any) -> None:
    login(client, world.officer)

    response = patch(
        client,
        world.member_in_a,
        {"branch_id": world.branch_b.pk, "effective_on": "2025-01-02", "reason": "工作调动"},
    )

    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["branch_code"], body["group_id"]) == ("B", None)  # the old group does not follow
    assert [(p["branch_code"], p["end_on"]) for p in body["placements"]] == [("B", None), ("A", "2025-01-02")]
    assert Placement.objects.filter(member=world.member_in_a).count() == 2


def test_a_secretary_cannot_move_a_member_out_of_their_scope(client: Client, world: Any) -> None:
    login(client, world.secretary_a)

    found = problems(patch(client, world.member_in_a, {"branch_id": world.branch_b.pk}))

    assert found["branch_id"]["message"] == f"编号为{world.branch_b.pk}的党支部不存在或不在您的管理范围内"
    assert Member.objects.get(pk=world.member_in_a.pk).branch == world.branch_a


# -- query counts: constant in the number of rows --------------------------------------------------


@pytest.fixture
def crowd(world: Any) -> list[Member]:
    """Three branches of 40 members, each in one of two groups, several with a moved history."""
    branch_d = make_org("D", "branch", world.general_branch, name="第四党支部")
    people = []
    for branch in (world.branch_a, world.branch_b, branch_d):
        groups = [make_org(f"{branch.code}G{n}", "group", branch) for n in (1, 2)]
        for n in range(40):
            people.append(make_member(branch, f"{branch.code}党员{n:02d}", group=groups[n % 2]))
    for person in people[:5]:
        member_update(actor=None, member=person, group=None, effective_on=dt.date(2020, 1, 1))
    return people


def test_the_list_takes_five_queries_whatever_the_rows(
    client: Client, world: Any, crowd: list[Member], django_assert_num_queries: Any
) -> None:
    login(client, world.officer)
    client.get("/api/me")  # the idle-timeout stamp is written at most once a minute: write it now

    with django_assert_num_queries(5):
        # 1 session, 2 user, 3 the user's roles (scoping), 4 COUNT of the list, 5 the page's members
        # with their branch and group (select_related)
        body = client.get("/api/members?page_size=500").json()
    assert body["count"] == 122 and len(body["items"]) == 122

    with django_assert_num_queries(6):
        # the same five, and 6 the one audit event for the full numbers
        body = client.get("/api/members?page_size=500&full_id=true").json()
    assert all(item["id_number_full"] for item in body["items"])

    login(client, world.secretary_b)
    client.get("/api/me")
    with django_assert_num_queries(5):
        assert client.get("/api/members?page_size=5").json()["count"] == 41


def test_the_detail_takes_six_queries_whatever_the_history(
    client: Client, world: Any, crowd: list[Member], django_assert_num_queries: Any
) -> None:
    moved = crowd[0]
    for n, group in enumerate([crowd[2].group, crowd[1].group, None]):
        member_update(actor=None, member=moved, group=group, effective_on=dt.date(2021 + n, 1, 1))
    login(client, world.officer)
    client.get("/api/me")

    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 roles, 4 the member with branch and group, 5 placements with their
        # branch and group, 6 status changes
        body = client.get(f"/api/members/{moved.pk}").json()
    assert len(body["placements"]) == 5

    with django_assert_num_queries(7):
        # the same six, and 7 the audit event for the full number
        client.get(f"/api/members/{moved.pk}?full_id=true")


def test_me_takes_six_queries_for_a_member(
    client: Client, world: Any, django_assert_num_queries: Any
) -> None:
    login(client, world.member_a)
    client.get("/api/me")

    with django_assert_num_queries(6):
        # 1 session, 2 user, 3 roles with their organisations, 4 own record with branch and group,
        # 5 placements, 6 status changes
        assert client.get("/api/me").json()["member"]["name"] == "甲党员"
