"""send_reminders (NOTIFY-1): what is reminded to whom, idempotence, email, and the inbox."""

import datetime as dt
from io import StringIO
from typing import Any

import pytest
from django.core import mail
from django.core.management import CommandError, call_command
from django.test import Client

from zhibu.accounts.models import Role, RoleAssignment
from zhibu.goals import services as goal_services
from zhibu.goals.tests.factories import make_goal, make_plan
from zhibu.meetings.models import Kind
from zhibu.meetings.services import meeting_record
from zhibu.members.models import MobileRecord, MobileReport
from zhibu.members.tests.factories import make_member
from zhibu.notifications.models import Notification
from zhibu.notifications.services import reminders_due, reminders_send
from zhibu.orgs import services as org_services

D = dt.date
ON = D(2026, 11, 3)  # last month: October 2026; last quarter: Q3 2026


def keys(user: Any) -> set[str]:
    return set(Notification.objects.filter(user=user).values_list("key", flat=True))


def kinds(user: Any) -> set[str]:
    return set(Notification.objects.filter(user=user).values_list("kind", flat=True))


def elect(branch: Any, elected_on: dt.date, **extra: Any) -> Any:
    return org_services.committee_elect(actor=None, organisation=branch, elected_on=elected_on, **extra)


def seven_full_members(branch: Any) -> None:
    """A branch owes a monthly 支委会 when it has 7 full members (SPEC §8, RULES A-2); A has one."""
    for index in range(7 - branch.members.count()):
        make_member(branch, f"正式党员{index}")


def test_missing_meetings_of_last_month_and_quarter_go_to_the_branch_secretaries(world: Any) -> None:
    a, b = world.branch_a, world.branch_b
    elect(a, D(2025, 1, 10))
    seven_full_members(world.branch_a)
    meeting_record(
        actor=None, organisation=a, kind=Kind.PARTY_LESSON, held_on=D(2026, 9, 30), topic="三季度党课"
    )
    meeting_record(
        actor=None, organisation=b, kind=Kind.GENERAL_MEETING, held_on=D(2026, 7, 1), topic="党员大会"
    )
    reminders_send(on=ON)
    assert keys(world.secretary_a) == {
        f"committee_meeting_missing:{a.pk}:2026-10",
        f"general_meeting_missing:{a.pk}:2026Q3",
    }
    # B has no committee (fewer than 7 full members): no 支委会 is owed
    assert keys(world.secretary_b) == {f"party_lesson_missing:{b.pk}:2026Q3"}
    note = Notification.objects.get(user=world.secretary_a, kind="committee_meeting_missing")
    assert note.title == "第一党支部2026年10月没有支委会记录"
    assert "A-6" in note.body and note.url == f"/compliance/branch/{a.pk}/?year=2026"
    assert not Notification.objects.filter(user__in=[world.officer, world.member_a, world.inspector]).exists()


def test_in_january_last_quarter_is_the_previous_years_fourth(world: Any) -> None:
    found = {r.key for r in reminders_due(D(2027, 1, 5)) if r.user_id == world.secretary_a.pk}
    pk = world.branch_a.pk
    assert {f"general_meeting_missing:{pk}:2026Q4", f"party_lesson_missing:{pk}:2026Q4"} <= found


def test_running_twice_the_same_day_or_later_in_the_period_creates_nothing_new(world: Any) -> None:
    elect(world.branch_a, D(2025, 1, 10))
    seven_full_members(world.branch_a)
    first = reminders_send(on=ON)
    assert sum(first.values()) == Notification.objects.count() > 0
    assert not reminders_send(on=ON)
    assert not reminders_send(on=ON + dt.timedelta(days=1))
    assert Notification.objects.count() == sum(first.values())
    # a new month brings the new month's reminder only
    assert dict(reminders_send(on=D(2026, 12, 1))) == {"committee_meeting_missing": 1}


def test_committee_terms_expired_or_ending_within_the_warning_months(world: Any) -> None:
    elect(world.branch_a, D(2023, 12, 1))  # ends 1 December 2026: within 6 months of ON
    elect(world.branch_b, D(2020, 5, 1))  # ended 1 May 2023
    officer_at_g = world.users["officer"]
    RoleAssignment.objects.create(user=officer_at_g, role=Role.ORG_OFFICER, organisation=world.general_branch)
    elect(world.general_branch, D(2022, 1, 1), term_end=D(2027, 7, 1))  # ends in 8 months: no warning yet
    reminders_send(on=ON)
    assert "committee_term_ending" in kinds(world.secretary_a)
    assert "committee_term_expired" in kinds(world.secretary_b)
    assert not Notification.objects.filter(user=officer_at_g, kind__startswith="committee_term").exists()
    ending = Notification.objects.get(user=world.secretary_a, kind="committee_term_ending")
    assert ending.due_on == D(2026, 12, 1) and "2026年12月1日" in ending.title
    assert "committee_term_ending" in {
        r.kind for r in reminders_due(D(2027, 1, 1)) if r.user_id == officer_at_g.pk
    }


def test_mobile_members_whose_report_is_overdue(world: Any) -> None:
    silent = make_member(world.branch_a, "外出甲")
    reporting = make_member(world.branch_a, "外出乙")
    common = {"destination": "深圳", "reason": "务工", "status": MobileRecord.Status.APPROVED}
    late = MobileRecord.objects.create(
        member=silent, left_on=D(2026, 5, 1), approved_on=D(2026, 5, 2), **common
    )
    fine = MobileRecord.objects.create(
        member=reporting, left_on=D(2026, 5, 1), approved_on=D(2026, 5, 2), **common
    )
    MobileReport.objects.create(record=fine, reported_on=D(2026, 10, 1), channel="phone", content="近况")
    reminders_send(on=ON)
    found = Notification.objects.filter(kind="mobile_report_overdue")
    assert [(n.user, n.key) for n in found] == [
        (world.secretary_a, f"mobile_report_overdue:{late.pk}:2026-08-02")
    ]
    assert "外出甲" in found[0].title


def test_goals_due_within_seven_days_or_overdue_go_to_their_owner(world: Any) -> None:
    plan = make_plan(world.branch_a, year=2026)
    owner = world.member_in_a  # member_a's account is linked to this member
    soon = make_goal(plan, "按期完成", owner=owner, due_on=D(2026, 11, 10))
    late = make_goal(plan, "已经逾期", owner=owner, due_on=D(2026, 10, 31))
    make_goal(plan, "还早", owner=owner, due_on=D(2026, 11, 11))
    make_goal(plan, "无人负责", due_on=D(2026, 11, 4))
    goal_services.plan_adopt(actor=None, plan=plan, adopted_on=D(2026, 1, 10))
    draft = make_plan(world.committee, year=2026)  # not adopted: its goals are not reminded
    make_goal(draft, "草稿中的目标", owner=owner, due_on=D(2026, 11, 5))
    reminders_send(on=ON)
    assert keys(world.member_a) == {f"goal_due:{soon.pk}:2026-11-10", f"goal_overdue:{late.pk}:2026-10-31"}


def test_a_user_with_an_email_address_is_emailed_once(world: Any) -> None:
    world.secretary_a.email = "sec-a@example.com"
    world.secretary_a.save(update_fields=["email"])
    elect(world.branch_a, D(2025, 1, 10))
    seven_full_members(world.branch_a)
    reminders_send(on=ON)
    sent = [m for m in mail.outbox if m.to == ["sec-a@example.com"]]
    assert len(sent) == Notification.objects.filter(user=world.secretary_a).count() == 3
    assert any("支委会" in m.subject for m in sent)
    assert not Notification.objects.filter(user=world.secretary_a, emailed_at__isnull=True).exists()
    assert (
        not Notification.objects.filter(user=world.secretary_b).exclude(emailed_at=None).exists()
    )  # no address
    reminders_send(on=ON)
    assert len([m for m in mail.outbox if m.to == ["sec-a@example.com"]]) == 3


def test_the_command(world: Any) -> None:
    out = StringIO()
    call_command("send_reminders", "--date", "2026-11-03", stdout=out)
    assert "新建提醒" in out.getvalue() and "党员大会未按季度召开" in out.getvalue()
    out = StringIO()
    call_command("send_reminders", "--date", "2026-11-03", stdout=out)
    assert "没有新的提醒" in out.getvalue()
    with pytest.raises(CommandError):
        call_command("send_reminders", "--date", "2026-13-01")


# --- the inbox and the bell -----------------------------------------------------------------------------


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def note(user: Any, key: str, url: str = "") -> Notification:
    return Notification.objects.create(user=user, kind="goal_due", key=key, title=f"提醒{key}", url=url)


def test_the_bell_counts_the_users_unread_notifications(world: Any) -> None:
    note(world.member_a, "k1")
    note(world.member_a, "k2")
    note(world.secretary_a, "k3")
    html = client_for(world.member_a).get("/notifications/").content.decode()
    assert 'id="zb-bell"' in html and "2条未读" in html
    assert "提醒k1" in html and "提醒k3" not in html


def test_opening_marks_read_and_follows_the_link(world: Any) -> None:
    mine = note(world.member_a, "k1", url="/goals/mine/")
    client = client_for(world.member_a)
    response = client.post(f"/notifications/{mine.pk}/read/")
    assert response.status_code == 302 and response["Location"] == "/goals/mine/"
    mine.refresh_from_db()
    assert mine.read_at is not None
    outside = note(world.member_a, "k2", url="https://example.com/")
    assert client.post(f"/notifications/{outside.pk}/read/")["Location"] == "/notifications/"


def test_someone_elses_notification_is_not_found(world: Any) -> None:
    theirs = note(world.secretary_a, "k1")
    assert client_for(world.member_a).post(f"/notifications/{theirs.pk}/read/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.read_at is None


def test_mark_all_read_touches_only_the_users_own(world: Any) -> None:
    note(world.member_a, "k1")
    note(world.member_a, "k2")
    other = note(world.secretary_a, "k3")
    assert client_for(world.member_a).post("/notifications/read-all/").status_code == 302
    assert not Notification.objects.filter(user=world.member_a, read_at__isnull=True).exists()
    other.refresh_from_db()
    assert other.read_at is None


def test_the_unread_filter_and_the_query_count(world: Any, django_assert_num_queries: Any) -> None:
    for index in range(5):
        note(world.member_a, f"k{index}")
    Notification.objects.filter(key="k0").update(read_at="2026-11-01T08:00:00+08:00")
    client = client_for(world.member_a)
    client.get("/notifications/")
    # session, user, role assignments (navbar), unread count (bell), page count, page rows
    with django_assert_num_queries(6):
        html = client.get("/notifications/?show=unread").content.decode()
    assert "提醒k1" in html and "提醒k0" not in html
