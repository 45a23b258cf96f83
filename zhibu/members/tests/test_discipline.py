"""党纪处分 (RULES B-6): the recording and restoration rules, `is_probation_on` and
`under_probation` at their boundaries (the restore day is no longer under probation), the pages
and the member record's section."""

import datetime as dt
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.test import Client

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.lib.dates import today
from zhibu.members import discipline
from zhibu.members.models import Discipline, Member
from zhibu.members.tests.factories import make_member

DECIDED = dt.date(2024, 5, 10)


def record(member: Member, kind: str = "probation", **changes: Any) -> Discipline:
    data: dict[str, Any] = {
        "actor": None,
        "member": member,
        "kind": kind,
        "decided_on": DECIDED,
        "decided_by": "中共测试集团纪律检查委员会",
        "reason": "违反廉洁纪律",
        "probation_months": 12 if kind == "probation" else None,
    }
    return discipline.discipline_record(**(data | changes))


def refused(call: Any, field: str) -> str:
    with pytest.raises(ValidationError) as caught:
        call()
    messages = caught.value.message_dict
    assert field in messages, messages
    return "；".join(messages[field])


def _client(world: World, persona: str) -> Client:
    client = Client()
    client.force_login(world.users[persona])
    return client


# ---------------------------------------------------------------------------------------------
# Recording


def test_it_records_a_probation_and_audits_it(world: World) -> None:
    d = discipline.discipline_record(
        actor=world.secretary_a,
        member=world.member_in_a,
        kind="probation",
        decided_on=DECIDED,
        decided_by=" 中共测试集团纪律检查委员会 ",
        reason="违反廉洁纪律",
        probation_months=24,
    )
    assert (d.kind, d.probation_months, d.decided_by, d.rights_restored_on) == (
        "probation",
        24,
        "中共测试集团纪律检查委员会",
        None,
    )
    event = AuditEvent.objects.get(object_type="members.discipline", object_id=str(d.pk))
    assert event.action == AuditEvent.Action.CREATE and event.organisation == world.branch_a
    assert event.after["probation_months"] == 24 and event.actor == world.secretary_a
    assert discipline.probation_end(d) == dt.date(2026, 5, 10)


@pytest.mark.parametrize("kind", ["warning", "serious_warning", "removal_from_post", "expulsion"])
def test_other_kinds_take_no_probation_period(world: World, kind: str) -> None:
    assert record(world.member_in_a, kind).probation_months is None
    message = refused(lambda: record(world.member_in_a, kind, probation_months=12), "probation_months")
    assert message == "只有留党察看需要填写察看期限"


@pytest.mark.parametrize("months", [None, 0, 6, 18, 36])
def test_probation_is_twelve_or_twenty_four_months(world: World, months: int | None) -> None:
    message = refused(lambda: record(world.member_in_a, probation_months=months), "probation_months")
    assert "留党察看期限应为12个月或24个月" in message
    assert not Discipline.objects.exists()


def test_the_decision_date_is_not_in_the_future_nor_before_joining(world: World) -> None:
    tomorrow = today() + dt.timedelta(days=1)
    assert "不能晚于今天" in refused(lambda: record(world.member_in_a, decided_on=tomorrow), "decided_on")
    assert record(world.member_in_a, "warning", decided_on=today()).decided_on == today()
    # make_member joins on 2010-07-01
    before = dt.date(2010, 6, 30)
    assert "不能早于入党日期2010年7月1日" in refused(
        lambda: record(world.member_in_a, "warning", decided_on=before), "decided_on"
    )
    assert record(world.member_in_a, "warning", decided_on=dt.date(2010, 7, 1)).pk


def test_required_texts_kind_and_a_party_member(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        record(world.member_in_a, "warning", decided_by=" ", reason="")
    assert caught.value.message_dict == {"decided_by": ["请填写决定机关"], "reason": ["请填写处分事由"]}
    assert "处分类别应为：警告" in refused(lambda: record(world.member_in_a, "reprimand"), "kind")
    activist = make_member(world.branch_a, "积极分子", category="activist")
    assert "党纪处分只适用于党员" in refused(lambda: record(activist, "warning"), "member")
    assert not Discipline.objects.exists()


def test_a_second_probation_waits_for_the_first_to_end(world: World) -> None:
    first = record(world.member_in_a)
    message = refused(lambda: record(world.member_in_a, decided_on=dt.date(2025, 1, 1)), "kind")
    assert "自2024年5月10日起正在留党察看期间" in message
    discipline.discipline_restore(actor=None, discipline=first, restored_on=dt.date(2025, 5, 10))
    assert record(world.member_in_a, decided_on=dt.date(2025, 6, 1)).pk


# ---------------------------------------------------------------------------------------------
# Restoring rights


def test_restoring_is_audited_and_happens_once(world: World) -> None:
    d = record(world.member_in_a)
    restored = discipline.discipline_restore(
        actor=world.officer, discipline=d, restored_on=dt.date(2025, 5, 10)
    )
    assert restored.rights_restored_on == dt.date(2025, 5, 10)
    event = AuditEvent.objects.get(object_type="members.discipline", action=AuditEvent.Action.UPDATE)
    assert event.before == {"rights_restored_on": None} and event.after == {
        "rights_restored_on": "2025-05-10"
    }
    message = refused(
        lambda: discipline.discipline_restore(actor=None, discipline=d, restored_on=dt.date(2025, 6, 1)),
        "restored_on",
    )
    assert "已于2025年5月10日恢复党员权利" in message
    d.refresh_from_db()
    assert d.rights_restored_on == dt.date(2025, 5, 10)


def test_restoring_is_dated_between_the_decision_and_today(world: World) -> None:
    d = record(world.member_in_a)
    day_before = DECIDED - dt.timedelta(days=1)
    tomorrow = today() + dt.timedelta(days=1)
    assert "不能早于处分决定日期2024年5月10日" in refused(
        lambda: discipline.discipline_restore(actor=None, discipline=d, restored_on=day_before), "restored_on"
    )
    assert "不能晚于今天" in refused(
        lambda: discipline.discipline_restore(actor=None, discipline=d, restored_on=tomorrow), "restored_on"
    )
    assert (
        discipline.discipline_restore(actor=None, discipline=d, restored_on=DECIDED).rights_restored_on
        == DECIDED
    )


def test_only_a_probation_is_restored(world: World) -> None:
    warning = record(world.member_in_a, "serious_warning")
    message = refused(
        lambda: discipline.discipline_restore(actor=None, discipline=warning, restored_on=today()), "kind"
    )
    assert message == "只有留党察看可以恢复党员权利（该处分为严重警告）"


# ---------------------------------------------------------------------------------------------
# Under probation (B-6)


def test_is_probation_on_its_boundaries(world: World) -> None:
    """Under probation from the decision day to the day before the restoration; the restore day
    is no longer under probation."""
    d = record(world.member_in_a)
    assert not d.is_probation_on(DECIDED - dt.timedelta(days=1))
    assert d.is_probation_on(DECIDED)
    assert d.is_probation_on(dt.date(2030, 1, 1))  # not restored: still under it, whatever the period
    restored_on = dt.date(2025, 5, 10)
    discipline.discipline_restore(actor=None, discipline=d, restored_on=restored_on)
    d.refresh_from_db()
    assert d.is_probation_on(restored_on - dt.timedelta(days=1))
    assert not d.is_probation_on(restored_on)
    assert not d.is_probation_on(restored_on + dt.timedelta(days=1))
    assert not record(world.member_in_a, "warning").is_probation_on(today())


def test_under_probation_matches_is_probation_on(world: World, django_assert_num_queries: Any) -> None:
    on_probation = world.member_in_a
    restored = make_member(world.branch_a, "已恢复")
    warned = make_member(world.branch_a, "受警告")
    clean = make_member(world.branch_a, "无处分")
    elsewhere = world.member_in_b
    record(on_probation)
    d = record(restored)
    discipline.discipline_restore(actor=None, discipline=d, restored_on=dt.date(2025, 1, 1))
    record(warned, "warning")
    record(elsewhere, probation_months=24)
    ids = [m.pk for m in (on_probation, restored, warned, clean, elsewhere)]
    with django_assert_num_queries(1):
        assert discipline.under_probation(ids, dt.date(2024, 12, 31)) == {
            on_probation.pk,
            restored.pk,
            elsewhere.pk,
        }
    assert discipline.under_probation(ids, dt.date(2025, 1, 1)) == {on_probation.pk, elsewhere.pk}
    assert discipline.under_probation(ids, DECIDED - dt.timedelta(days=1)) == set()
    assert discipline.under_probation([clean.pk, warned.pk], today()) == set()
    with django_assert_num_queries(0):
        assert discipline.under_probation([], today()) == set()
    for member in (on_probation, restored, elsewhere):
        for on in (dt.date(2024, 12, 31), dt.date(2025, 1, 1)):
            expected = any(x.is_probation_on(on) for x in member.disciplines.all())
            assert (member.pk in discipline.under_probation(ids, on)) == expected


# ---------------------------------------------------------------------------------------------
# Pages


def test_an_editor_records_a_discipline_on_the_page(world: World) -> None:
    client = _client(world, "secretary_a")
    url = f"/members/{world.member_in_a.pk}/discipline/new/"
    assert "登记党纪处分" in client.get(url).content.decode()
    response = client.post(
        url,
        {
            "kind": "probation",
            "decided_on": "2024-05-10",
            "decided_by": "中共测试集团纪律检查委员会",
            "reason": "违反廉洁纪律",
            "probation_months": "12",
        },
    )
    assert response.status_code == 302 and response["Location"] == f"/members/{world.member_in_a.pk}/"
    d = Discipline.objects.get()
    assert (d.member, d.kind, d.probation_months) == (world.member_in_a, "probation", 12)


def test_a_bad_discipline_form_is_refused_with_the_rule(world: World) -> None:
    client = _client(world, "secretary_a")
    url = f"/members/{world.member_in_a.pk}/discipline/new/"
    data = {"kind": "probation", "decided_on": "2024-05-10", "decided_by": "纪委", "reason": "违纪"}
    response = client.post(url, data)
    assert response.status_code == 422
    assert "留党察看期限应为12个月或24个月" in response.content.decode()
    empty = client.post(url, {})
    assert empty.status_code == 422 and "这个字段是必填项" in empty.content.decode()
    assert not Discipline.objects.exists()


def test_the_restore_page_restores_once(world: World) -> None:
    d = record(world.member_in_a)
    client = _client(world, "officer")
    url = f"/members/discipline/{d.pk}/restore/"
    page = client.get(url).content.decode()
    assert "给予留党察看12个月，察看期至2025年5月10日" in page
    early = client.post(url, {"restored_on": "2024-05-09"})
    assert early.status_code == 422 and "不能早于处分决定日期" in early.content.decode()
    assert client.post(url, {"restored_on": "2025-05-10"}).status_code == 302
    again = client.post(url, {"restored_on": "2025-05-11"})
    assert again.status_code == 422 and "不能重复恢复" in again.content.decode()
    d.refresh_from_db()
    assert d.rights_restored_on == dt.date(2025, 5, 10)


def test_the_pages_are_scoped(world: World) -> None:
    d = record(world.member_in_a)
    other = _client(world, "secretary_b")
    assert other.get(f"/members/{world.member_in_a.pk}/discipline/new/").status_code == 404
    assert (
        other.post(f"/members/discipline/{d.pk}/restore/", {"restored_on": "2025-05-10"}).status_code == 404
    )
    inspector = _client(world, "inspector")
    assert inspector.get(f"/members/discipline/{d.pk}/restore/").status_code == 403
    assert _client(world, "officer").get("/members/discipline/999999/restore/").status_code == 404
    d.refresh_from_db()
    assert d.rights_restored_on is None


def test_the_member_record_shows_the_section(world: World) -> None:
    d = record(world.member_in_a, probation_months=24)
    record(world.member_in_a, "warning", decided_on=dt.date(2012, 1, 5), reason="无故不参加组织生活")
    html = _client(world, "secretary_a").get(f"/members/{world.member_in_a.pk}/").content.decode()
    assert "党纪处分" in html and "无故不参加组织生活" in html
    assert "留党察看期间（察看期至2026年5月10日）" in html
    assert f"/members/discipline/{d.pk}/restore/" in html
    assert html.index("2024年5月10日") < html.index("2012年1月5日")  # newest first
    inspector = _client(world, "inspector").get(f"/members/{world.member_in_a.pk}/").content.decode()
    assert "留党察看" in inspector and "/restore/" not in inspector
    own = _client(world, "member_a").get("/members/me/").content.decode()
    assert "留党察看" in own and "/restore/" not in own
    discipline.discipline_restore(actor=None, discipline=d, restored_on=dt.date(2025, 1, 2))
    html = _client(world, "secretary_a").get(f"/members/{world.member_in_a.pk}/").content.decode()
    assert "2025年1月2日恢复党员权利" in html and "留党察看期间" not in html
