"""培训档案 (MEM-5; RULES A-10; seed §二.1): validation, the hour and day rules at their
boundaries, the new secretary's 6 months, the pages, the export, the API and query counts."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.conftest import World
from zhibu.lib.dates import today
from zhibu.members import training
from zhibu.members.models import Member, TrainingRecord
from zhibu.members.tests.factories import make_member
from zhibu.orgs import services as org_services
from zhibu.rulebook.models import RuleValue

D = Decimal
YEAR = 2026
YEAR_END = dt.date(YEAR, 12, 31)


def good(**changes: Any) -> dict[str, Any]:
    data = {
        "kind": "annual",
        "course": "学习贯彻党的二十届四中全会精神专题培训",
        "organiser": "集团党委党校",
        "start_on": dt.date(2026, 3, 2),
        "end_on": dt.date(2026, 3, 6),
        "days": D(5),
        "hours": D(40),
    }
    return data | changes


def train(
    member: Member, end_on: dt.date, *, days: str = "1", hours: str = "8", kind: str = "annual", **kw: Any
) -> TrainingRecord:
    span = max(int(D(days).to_integral_value(rounding="ROUND_CEILING")), 1)
    start = kw.pop("start_on", end_on - dt.timedelta(days=span - 1))
    return training.training_record(
        actor=None,
        member=member,
        kind=kind,
        course=kw.pop("course", "专题培训"),
        organiser="集团党委党校",
        start_on=start,
        end_on=end_on,
        days=D(days),
        hours=D(hours),
        **kw,
    )


# ---------------------------------------------------------------------------------------------
# Validation


def test_it_accepts_a_sound_training() -> None:
    assert training.training_problems(good(), on=dt.date(2026, 11, 1)) == {}


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"end_on": dt.date(2026, 3, 1)}, "end_on", "结束日期不能早于开始日期"),
        ({"days": D(6)}, "days", "培训天数6天超过了开始至结束日期的日历天数（5天）"),
        ({"days": D("5.5")}, "days", "超过了开始至结束日期的日历天数"),
        ({"days": D(-1)}, "days", "培训天数不能为负数"),
        ({"days": D("0.25")}, "days", "培训天数最多一位小数"),
        ({"hours": D("-0.5")}, "hours", "学时不能为负数"),
        ({"hours": D("1.25")}, "hours", "学时最多一位小数"),
        ({"hours": None}, "hours", "请填写学时"),
        (
            {"start_on": dt.date(2026, 11, 2), "end_on": dt.date(2026, 11, 2)},
            "start_on",
            "开始日期不能晚于今天",
        ),
        ({"end_on": dt.date(2026, 11, 2)}, "end_on", "结束日期不能晚于今天"),
        ({"course": "  "}, "course", "请填写培训名称"),
        ({"organiser": ""}, "organiser", "请填写主办单位"),
        ({"kind": "retreat"}, "kind", "培训类别应为：岗前培训、年度培训、入党积极分子集中培训、其他培训"),
    ],
)
def test_it_names_the_field_and_the_rule(changes: dict[str, Any], field: str, message: str) -> None:
    problems = training.training_problems(good(**changes), on=dt.date(2026, 11, 1))
    assert message in problems[field]


def test_the_days_may_equal_the_calendar_days_and_a_one_day_course_may_be_half_a_day() -> None:
    on = dt.date(2026, 11, 1)
    assert training.training_problems(good(days=D(5)), on=on) == {}
    one_day = good(start_on=dt.date(2026, 3, 2), end_on=dt.date(2026, 3, 2))
    assert training.training_problems(one_day | {"days": D("0.5")}, on=on) == {}
    assert "days" in training.training_problems(one_day | {"days": D("1.5")}, on=on)
    # A training that ends today may be recorded; tomorrow may not.
    assert training.training_problems(good(end_on=on), on=on) == {}
    assert "end_on" in training.training_problems(good(end_on=on + dt.timedelta(days=1)), on=on)


def test_the_service_saves_and_audits(world: World) -> None:
    record = train(world.member_in_a, dt.date(2026, 3, 6), days="5", hours="40", certificate="DX2026-018")
    assert TrainingRecord.objects.get().certificate == "DX2026-018"
    event = AuditEvent.objects.filter(object_type="members.trainingrecord", object_id=str(record.pk)).get()
    assert event.action == AuditEvent.Action.CREATE and event.organisation == world.branch_a


def test_the_service_refuses_bad_data_and_saves_nothing(world: World) -> None:
    with pytest.raises(ValidationError) as caught:
        train(world.member_in_a, dt.date(2026, 3, 6), days="9", start_on=dt.date(2026, 3, 2))
    assert "日历天数（5天）" in caught.value.message_dict["days"][0]
    assert TrainingRecord.objects.count() == 0


def test_it_refuses_someone_out_of_the_registry(world: World) -> None:
    Member.objects.filter(pk=world.member_in_b.pk).update(is_active=False)
    world.member_in_b.refresh_from_db()
    with pytest.raises(ValidationError) as caught:
        train(world.member_in_b, dt.date(2026, 3, 6))
    assert caught.value.message_dict["member"] == ["乙党员已不在册，不能登记培训"]


# ---------------------------------------------------------------------------------------------
# The new secretary's 6 months (pure)

TOOK_OFFICE = dt.date(2026, 1, 31)
DEADLINE = dt.date(2026, 7, 31)


@pytest.mark.parametrize(
    ("trainings", "on", "status"),
    [
        ([], DEADLINE, training.PENDING),  # the deadline day itself is still in time
        ([], DEADLINE + dt.timedelta(days=1), training.MISSING),
        ([], TOOK_OFFICE, training.PENDING),
        ([("annual", DEADLINE)], DEADLINE + dt.timedelta(days=30), training.MET),
        ([("annual", DEADLINE + dt.timedelta(days=1))], DEADLINE + dt.timedelta(days=30), training.MISSING),
        ([("annual", TOOK_OFFICE)], DEADLINE, training.MET),
        # Before taking office only a 岗前培训 counts.
        ([("annual", TOOK_OFFICE - dt.timedelta(days=1))], DEADLINE + dt.timedelta(days=1), training.MISSING),
        ([("pre_appointment", dt.date(2025, 12, 20))], DEADLINE + dt.timedelta(days=1), training.MET),
        ([("activist", dt.date(2026, 3, 1))], DEADLINE + dt.timedelta(days=1), training.MISSING),
    ],
)
def test_a_new_secretary_is_trained_within_six_months(
    trainings: list[tuple[str, dt.date]], on: dt.date, status: str
) -> None:
    got, deadline = training.new_secretary_status(TOOK_OFFICE, trainings, on=on, months=6)
    assert (got, deadline) == (status, DEADLINE)


def test_six_months_from_the_end_of_august_is_the_end_of_february() -> None:
    _, deadline = training.new_secretary_status(dt.date(2025, 8, 31), [], on=dt.date(2025, 9, 1), months=6)
    assert deadline == dt.date(2026, 2, 28)


# ---------------------------------------------------------------------------------------------
# The archive


@pytest.fixture
def committee(world: World) -> Any:
    """Branch A's committee elected in 2024: 甲党员 is secretary, 丁委员 organisation officer."""
    committee = org_services.committee_elect(
        actor=None, organisation=world.branch_a, elected_on=dt.date(2024, 5, 6)
    )
    org_services.committee_seat_add(
        actor=None,
        committee=committee,
        member=world.member_in_a,
        post="secretary",
        start_on=dt.date(2024, 5, 6),
    )
    officer = make_member(world.branch_a, "丁委员")
    org_services.committee_seat_add(
        actor=None,
        committee=committee,
        member=officer,
        post="organisation_officer",
        start_on=dt.date(2024, 5, 6),
    )
    return committee


def rows_by_name(archive: training.Archive) -> dict[str, training.ArchiveRow]:
    return {row.member.name: row for row in archive.rows}


def test_ordinary_members_need_32_hours_and_leaders_56(world: World, committee: Any) -> None:
    a = world.branch_a
    short, enough = make_member(a, "戊党员"), make_member(a, "己党员")
    officer = Member.objects.get(name="丁委员")
    train(short, dt.date(2026, 5, 8), days="4", hours="31.9")
    train(enough, dt.date(2026, 5, 8), days="4", hours="24")
    train(enough, dt.date(2026, 9, 8), days="1", hours="8")
    train(officer, dt.date(2026, 6, 8), days="7", hours="55.9")
    # A course counts in the year it ends: the last year's does not count here.
    train(short, dt.date(2025, 12, 31), days="5", hours="40")
    rows = rows_by_name(training.training_archive(a, YEAR, on=YEAR_END))
    assert (rows["戊党员"].hours, rows["戊党员"].met, rows["戊党员"].role) == (D("31.9"), False, "党员")
    assert rows["戊党员"].checks[0].short == D("0.1")
    assert (rows["己党员"].hours, rows["己党员"].met) == (D(32), True)
    assert (rows["丁委员"].role, rows["丁委员"].checks[0].need, rows["丁委员"].met) == ("组织委员", 56, False)
    train(officer, dt.date(2026, 6, 20), days="0.5", hours="0.1", start_on=dt.date(2026, 6, 20))
    assert rows_by_name(training.training_archive(a, YEAR, on=YEAR_END))["丁委员"].met is True


def test_the_secretary_needs_7_days_and_56_hours_both_checked(world: World, committee: Any) -> None:
    secretary = world.member_in_a
    train(secretary, dt.date(2026, 4, 10), days="6.5", hours="60", start_on=dt.date(2026, 4, 3))
    archive = training.training_archive(world.branch_a, YEAR, on=YEAR_END)
    row = archive.secretary
    assert row is not None and row.member == secretary and row.role == "书记"
    hours, days = row.checks
    assert (hours.met, days.have, days.need, days.met, days.short) == (True, D("6.5"), 7, False, D("0.5"))
    assert row.met is False and archive.missing_count >= 1
    # A re-elected secretary (in office since 2024) is not a new one.
    assert row.new_secretary is None
    train(secretary, dt.date(2026, 5, 10), days="0.5", hours="4", start_on=dt.date(2026, 5, 10))
    row = training.training_archive(world.branch_a, YEAR, on=YEAR_END).secretary
    assert row is not None and row.checks[1].met and row.met


def test_the_rules_come_from_the_rulebook(world: World, committee: Any) -> None:
    RuleValue.objects.create(key="secretary.training_days", value="5", from_year=YEAR, reason="测试")
    RuleValue.objects.create(key="training.member_hours", value="20", from_year=YEAR, reason="测试")
    train(world.member_in_a, dt.date(2026, 4, 10), days="5", hours="60", start_on=dt.date(2026, 4, 6))
    other = make_member(world.branch_a, "庚党员")
    train(other, dt.date(2026, 4, 10), days="3", hours="20")
    archive = training.training_archive(world.branch_a, YEAR, on=YEAR_END)
    assert archive.secretary is not None and archive.secretary.met
    assert rows_by_name(archive)["庚党员"].met
    assert archive.rules["member_hours"] == 20


def test_a_new_secretary_shows_pending_then_missing_then_met(world: World) -> None:
    a = world.branch_a
    committee = org_services.committee_elect(actor=None, organisation=a, elected_on=dt.date(2026, 3, 15))
    org_services.committee_seat_add(
        actor=None,
        committee=committee,
        member=world.member_in_a,
        post="secretary",
        start_on=dt.date(2026, 3, 15),
    )
    before = training.training_archive(a, YEAR, on=dt.date(2026, 9, 15)).secretary
    assert before is not None and before.new_secretary == (
        training.PENDING,
        dt.date(2026, 3, 15),
        dt.date(2026, 9, 15),
    )
    after = training.training_archive(a, YEAR, on=dt.date(2026, 9, 16)).secretary
    assert (
        after is not None and after.new_secretary is not None and after.new_secretary[0] == training.MISSING
    )
    assert after.met is False and after.new_secretary_label == "未达标"
    train(world.member_in_a, dt.date(2026, 1, 20), kind="pre_appointment", days="5", hours="40")
    done = training.training_archive(a, YEAR, on=dt.date(2026, 9, 16)).secretary
    assert done is not None and done.new_secretary is not None and done.new_secretary[0] == training.MET


def test_it_lists_activists_with_their_concentrated_training(world: World) -> None:
    trained = make_member(world.branch_a, "积极分子甲", category="activist")
    make_member(world.branch_a, "积极分子乙", category="activist")
    train(trained, dt.date(2026, 6, 5), kind="activist", days="3", hours="24")
    archive = training.training_archive(world.branch_a, YEAR, on=YEAR_END)
    assert [(m.name, hours) for m, hours in archive.activists] == [("积极分子乙", 0), ("积极分子甲", D(24))]
    assert "积极分子甲" not in rows_by_name(archive)


# ---------------------------------------------------------------------------------------------
# Pages


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_branch_page_shows_each_member_against_the_rule(world: World, committee: Any) -> None:
    train(world.member_in_a, dt.date(2026, 4, 10), days="6", hours="48")
    response = client_for(world.secretary_a).get(f"/members/training/branch/{world.branch_a.pk}/?year={YEAR}")
    html = response.content.decode()
    assert response.status_code == 200
    assert "支部书记：甲党员" in html and "年培训天数：<strong>6</strong> / 7 天" in html
    assert "未达标，差1天" in html and "未达标，差8学时" in html
    assert "丁委员" in html


@pytest.mark.parametrize("year", ["abc", "1999", "3000", ""])
def test_a_bad_year_shows_this_year(world: World, year: str) -> None:
    response = client_for(world.officer).get(f"/members/training/branch/{world.branch_a.pk}/?year={year}")
    assert response.status_code == 200 and response.context["year"] == today().year


def test_the_archive_is_a_branch_page(world: World) -> None:
    response = client_for(world.officer).get(f"/members/training/branch/{world.general_branch.pk}/")
    assert response.status_code == 404


def test_recording_a_training_on_the_page(world: World) -> None:
    client = client_for(world.secretary_a)
    url = f"/members/{world.member_in_a.pk}/training/new/"
    form = {
        "kind": "annual",
        "course": "基层党务干部培训班",
        "organiser": "市委党校",
        "start_on": "2026-05-11",
        "end_on": "2026-05-08",
        "days": "3",
        "hours": "24",
    }
    bad = client.post(url, form)
    assert bad.status_code == 200 and "结束日期不能早于开始日期" in bad.content.decode()
    too_many = client.post(url, form | {"end_on": "2026-05-12", "days": "3.5", "start_on": "2026-05-10"})
    assert "超过了开始至结束日期的日历天数（3天）" in too_many.content.decode()
    negative = client.post(url, form | {"end_on": "2026-05-12", "hours": "-1"})
    assert negative.status_code == 200 and TrainingRecord.objects.count() == 0
    ok = client.post(url, form | {"end_on": "2026-05-13"})
    assert ok.status_code == 302 and ok["Location"] == f"/members/{world.member_in_a.pk}/"
    assert TrainingRecord.objects.get().course == "基层党务干部培训班"


def test_the_member_pages_list_their_trainings(world: World) -> None:
    train(world.member_in_a, dt.date(2026, 5, 8), days="2", hours="16", course="党章党规专题学习")
    train(world.member_in_b, dt.date(2026, 5, 8), course="乙的培训")
    detail = client_for(world.officer).get(f"/members/{world.member_in_a.pk}/").content.decode()
    assert "党章党规专题学习" in detail and "16.0学时" in detail and "乙的培训" not in detail
    mine = client_for(world.member_a).get("/members/me/").content.decode()
    assert "党章党规专题学习" in mine and "乙的培训" not in mine
    assert "登记培训" not in mine


def test_the_export_reads_back(world: World, committee: Any) -> None:
    train(world.member_in_a, dt.date(2026, 4, 10), days="7", hours="56", start_on=dt.date(2026, 4, 4))
    response = client_for(world.inspector).get(
        f"/members/training/branch/{world.branch_a.pk}/export.xlsx?year={YEAR}"
    )
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    sheet = book[f"{YEAR}年培训档案"]
    rows = [list(r) for r in sheet.iter_rows(values_only=True)]
    assert rows[0] == list(training.ARCHIVE_HEADERS)
    secretary = next(r for r in rows if r[0] == "甲党员")
    assert secretary[1:10] == ["书记", "第一党小组", 1, 56, 56, "达标", 7, 7, "达标"]
    officer = next(r for r in rows if r[0] == "丁委员")
    assert officer[4:7] == [0, 56, "未达标"]
    details = [list(r) for r in book["培训明细"].iter_rows(values_only=True)]
    assert details[1][:3] == ["甲党员", "年度培训", "专题培训"]
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, organisation=world.branch_a).exists()


def test_the_branch_page_queries_do_not_grow_with_the_members(world: World, committee: Any) -> None:
    client = client_for(world.secretary_a)
    url = f"/members/training/branch/{world.branch_a.pk}/?year={YEAR}"

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    train(world.member_in_a, dt.date(2026, 4, 10))
    count()  # the first request of a session does its own bookkeeping
    few = count()
    for n in range(8):
        member = make_member(world.branch_a, f"新党员{n}", group=world.group_a1)
        train(member, dt.date(2026, 4, 10), hours=str(10 + n))
    make_member(world.branch_a, "积极分子丙", category="activist")
    assert count() == few


# ---------------------------------------------------------------------------------------------
# API


def names(response: Any) -> list[str]:
    return sorted(item["member_name"] for item in response.json()["items"])


def test_the_api_lists_what_the_user_sees(world: World) -> None:
    train(world.member_in_a, dt.date(2026, 5, 8))
    train(world.member_in_b, dt.date(2026, 5, 8))
    train(world.member_in_b, dt.date(2025, 5, 8))
    assert names(client_for(world.officer).get("/api/members-records/trainings")) == [
        "乙党员",
        "乙党员",
        "甲党员",
    ]
    assert names(client_for(world.secretary_b).get("/api/members-records/trainings")) == ["乙党员", "乙党员"]
    assert names(client_for(world.member_a).get("/api/members-records/trainings")) == ["甲党员"]
    by_year = client_for(world.officer).get("/api/members-records/trainings?year=2025").json()
    assert [(i["member_name"], i["end_on"]) for i in by_year["items"]] == [("乙党员", "2025-05-08")]
    branch = client_for(world.officer).get(
        f"/api/members-records/trainings?branch_id={world.general_branch.pk}"
    )
    assert names(branch) == ["甲党员"]
    assert client_for(world.rater).get("/api/members-records/trainings").status_code == 403


def test_the_api_records_a_training(world: World) -> None:
    client = client_for(world.secretary_a)
    body = {
        "member_id": world.member_in_a.pk,
        "kind": "pre_appointment",
        "course": "新任支部书记岗前培训",
        "organiser": "集团党委组织部",
        "start_on": "2026-02-02",
        "end_on": "2026-02-06",
        "days": "5",
        "hours": "40",
    }
    created = client.post("/api/members-records/trainings", body, content_type="application/json")
    assert created.status_code == 201
    assert created.json()["kind_label"] == "岗前培训" and created.json()["hours"] == "40"
    bad = client.post("/api/members-records/trainings", body | {"days": "6"}, content_type="application/json")
    assert bad.status_code == 422
    assert bad.json()["detail"] == [
        {"field": "days", "label": "培训天数", "message": "培训天数6天超过了开始至结束日期的日历天数（5天）"}
    ]
    negative = client.post(
        "/api/members-records/trainings", body | {"hours": "-2"}, content_type="application/json"
    )
    assert negative.status_code == 422 and negative.json()["detail"][0]["field"] == "hours"
    outside = client.post(
        "/api/members-records/trainings",
        body | {"member_id": world.member_in_b.pk},
        content_type="application/json",
    )
    assert outside.status_code == 422 and outside.json()["detail"][0]["field"] == "member_id"
    assert TrainingRecord.objects.count() == 1
