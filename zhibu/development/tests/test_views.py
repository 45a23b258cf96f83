"""The development pages (DEV-1…6): the due lists of every branch and of one branch (constant
queries), the branch's 台账 export, opening a file, the file page with the form for the next step
only, and the writes behind it — each refusal shown on its field with the rule that made it."""

import datetime as dt
import io
from typing import Any

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from zhibu.audit.models import AuditEvent
from zhibu.development.models import DevelopmentFile, DevelopmentStep, Review, Sponsor, Stage
from zhibu.development.steps import STEPS
from zhibu.development.tests.factories import make_file, make_meeting, make_notice, make_sponsor
from zhibu.lib.dates import add_months, cn_date, today
from zhibu.meetings.models import Kind as MeetingKind
from zhibu.meetings.models import Notice
from zhibu.members.models import Member, Standing
from zhibu.members.tests.factories import make_member

D = dt.date
DAY = dt.timedelta(days=1)


def person(world: Any, name: str, branch: Any = None, **extra: Any) -> Member:
    """Someone registered (placement and category history) before their file starts."""
    extra.setdefault("category", "applicant")
    extra.setdefault("birth", D(1995, 6, 15))
    extra.setdefault("start_on", D(2020, 1, 1))
    return make_member(branch or world.branch_a, name, **extra)


def client_for(user: Any) -> Client:
    client = Client()
    client.force_login(user)
    return client


def days_ago(n: int) -> dt.date:
    return today() - dt.timedelta(days=n)


def due_names(response: Any) -> list[tuple[str, str, bool]]:
    return [(item.member.name, item.kind, item.overdue) for item, _ in response.context["due_rows"]]


# --- The index: every branch in scope ----------------------------------------------------------------


def test_dev6_index_lists_due_items_of_the_branches_in_scope_overdue_first_in_red(world: Any) -> None:
    make_file(person(world, "丙申请人"), start=days_ago(60))  # talk due a month after: overdue
    make_file(person(world, "丁申请人"), start=days_ago(5))  # talk due, not yet overdue
    make_file(person(world, "戊申请人", world.branch_b), start=days_ago(60))

    response = client_for(world.secretary_a).get("/development/")
    assert response.status_code == 200
    items = due_names(response)
    assert items[0] == ("丙申请人", "talk", True)
    assert ("丁申请人", "talk", False) in items
    assert all(name != "戊申请人" for name, _, _ in items)  # branch B is not secretary_a's
    html = response.content.decode()
    assert '<tr class="table-danger">' in html and "已逾期" in html and "规则 B-2" in html
    rows = response.context["rows"]
    assert [(r["branch"].name, r["counts"], r["due"], r["overdue"]) for r in rows] == [
        ("第一党支部", [2, 0, 0, 0], 2, 1)
    ]

    officer = client_for(world.officer).get("/development/")
    assert {name for name, _, _ in due_names(officer)} == {"丙申请人", "丁申请人", "戊申请人"}
    assert [r["branch"].name for r in officer.context["rows"]] == ["第一党支部", "第二党支部"]


def test_the_index_refuses_those_without_the_permission(world: Any) -> None:
    assert client_for(world.member_a).get("/development/").status_code == 403
    assert client_for(world.rater).get("/development/").status_code == 403
    assert Client().get("/development/").status_code == 302


def _files(world: Any, plan: list[int], offset: int) -> None:
    for index, through in enumerate(plan):
        make_file(person(world, f"申请人{offset + index}"), through=through)


def test_index_and_branch_page_queries_do_not_grow_with_the_files(
    world: Any, django_assert_num_queries: Any
) -> None:
    """Two files, then six of the same kinds: the same number of queries on both pages."""
    _files(world, [3, 17], 0)
    client = client_for(world.secretary_a)
    urls = ("/development/", f"/development/branch/{world.branch_a.pk}/")
    counts = {}
    for url in urls:
        client.get(url)  # warm the session
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    _files(world, [1, 5, 9, 17], 2)
    assert DevelopmentFile.objects.count() == 6
    for url in urls:
        with django_assert_num_queries(counts[url]):
            response = client.get(url)
        assert response.status_code == 200
    assert sum(len(g["rows"]) for g in response.context["groups"]) == 6


# --- One branch ------------------------------------------------------------------------------------


def test_the_branch_page_shows_files_by_stage_with_the_next_step_and_its_dates(world: Any) -> None:
    applicant = make_file(person(world, "丙申请人"), start=days_ago(10))
    activist = make_file(person(world, "丁积极分子"), through=6, start=days_ago(100))
    probationary = make_file(person(world, "戊预备党员"), through=17)
    response = client_for(world.secretary_a).get(f"/development/branch/{world.branch_a.pk}/")
    assert response.status_code == 200
    groups = {g["stage"]: g["rows"] for g in response.context["groups"]}
    assert [r["file"] for r in groups[Stage.APPLICANT]] == [applicant]
    row = groups[Stage.APPLICANT][0]
    assert row["next"].step.number == 2 and row["next"].due_on == add_months(applicant.applied_on, 1)
    row = groups[Stage.ACTIVIST][0]
    assert row["file"] == activist and row["last"].number == 6
    assert row["next"].step.number == 7  # B-5: a full year after ③
    assert row["next"].earliest_on == add_months(activist.activist_on, 12)
    assert row["cultivators"]  # named at ⑤
    row = groups[Stage.PROBATIONARY][0]
    assert row["file"] == probationary and row["next"].step.number == 18
    assert len(row["introducers"].split("、")) == 2
    html = response.content.decode()
    assert f"最早{cn_date(add_months(activist.activist_on, 12))}" in html
    assert "⑦确定发展对象" in html and "㉒" not in html


def test_the_branch_page_offers_a_file_to_registry_people_without_one(world: Any) -> None:
    waiting = person(world, "庚积极分子", category="activist")
    make_file(person(world, "丙申请人"), start=days_ago(10))
    secretary = client_for(world.secretary_a).get(f"/development/branch/{world.branch_a.pk}/")
    assert [m.name for m in secretary.context["without_file"]] == ["庚积极分子"]
    assert f'href="/development/open/{waiting.pk}/"' in secretary.content.decode()
    # The activist without a cultivator is also a due item (B-3), with the same button.
    assert ("庚积极分子", "no_cultivator", True) in due_names(secretary)
    inspector = client_for(world.inspector).get(f"/development/branch/{world.branch_a.pk}/")
    assert inspector.status_code == 200
    assert "/development/open/" not in inspector.content.decode()  # reads, never writes


def test_another_branch_or_a_group_is_not_found(world: Any) -> None:
    client = client_for(world.secretary_b)
    assert client.get(f"/development/branch/{world.branch_a.pk}/").status_code == 404
    assert client.get(f"/development/branch/{world.branch_a.pk}/export.xlsx").status_code == 404
    assert client_for(world.officer).get(f"/development/branch/{world.group_a1.pk}/").status_code == 404


def test_doc4_the_branch_ledger_export_has_every_step_date_and_the_due_items(world: Any) -> None:
    candidate = make_file(person(world, "丁发展对象", education="大学本科"), through=9)
    make_file(person(world, "丙申请人"), start=days_ago(60))
    response = client_for(world.secretary_a).get(f"/development/branch/{world.branch_a.pk}/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames == ["发展党员台账", "到期事项"]
    ledger = list(book["发展党员台账"].values)
    headers = ledger[0]
    assert headers[:5] == ("姓名", "性别", "出生日期", "学历", "当前阶段")
    assert headers[5:30] == tuple(step.label for step in STEPS)
    assert headers[30:] == ("培养联系人", "入党介绍人")
    row = next(r for r in ledger[1:] if r[0] == "丁发展对象")
    assert (row[1], row[2].date(), row[3], row[4]) == ("男", D(1995, 6, 15), "大学本科", "发展对象")
    done = {s.number: s.done_on for s in candidate.steps.all()}
    assert [r.date() if r else None for r in row[5:30]] == [done.get(n) for n in range(1, 26)]
    cultivators = candidate.sponsors.filter(role=Sponsor.Role.CULTIVATOR).values_list(
        "member__name", flat=True
    )
    introducers = candidate.sponsors.filter(role=Sponsor.Role.INTRODUCER).values_list(
        "member__name", flat=True
    )
    assert row[30] == "、".join(cultivators) and row[31] == "、".join(introducers)
    assert len(row[31].split("、")) == 2
    due = list(book["到期事项"].values)
    assert due[0] == ("党支部", "姓名", "事项", "应办日期", "是否逾期", "说明", "依据")
    talk = next(r for r in due[1:] if r[1] == "丙申请人")
    assert talk[0] == "第一党支部" and talk[2] == "入党申请谈话" and talk[4] == "是" and talk[6] == "规则 B-2"
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT, object_type="development.developmentfile")
    assert event.organisation_id == world.branch_a.pk and event.actor_id == world.secretary_a.pk


def test_doc4_the_index_export_counts_each_branch_and_lists_every_due_item(world: Any) -> None:
    make_file(person(world, "丙申请人"), start=days_ago(60))
    make_file(person(world, "戊申请人", world.branch_b), through=3, start=days_ago(60))
    response = client_for(world.officer).get("/development/export.xlsx")
    assert response.status_code == 200
    book = load_workbook(io.BytesIO(response.content))
    summary = list(book["各支部发展党员情况"].values)
    assert summary[0] == (
        "党支部",
        "组织代码",
        "入党申请人",
        "入党积极分子",
        "发展对象",
        "预备党员",
        "到期事项",
        "其中逾期",
    )
    assert summary[1][:6] == ("第一党支部", "A", 1, 0, 0, 0)
    assert summary[2][:6] == ("第二党支部", "B", 0, 1, 0, 0)
    names = {r[1] for r in list(book["到期事项"].values)[1:]}
    assert {"丙申请人", "戊申请人"} <= names
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT, actor=world.officer).count() == 1


# --- Opening a file (①) ----------------------------------------------------------------------------


def test_dev1_opening_a_file_records_the_application(world: Any) -> None:
    applicant = person(world, "丙申请人")
    client = client_for(world.secretary_a)
    page = client.get(f"/development/open/{applicant.pk}/")
    assert page.status_code == 200 and page.context["form"].initial["applied_on"] == today()
    response = client.post(
        f"/development/open/{applicant.pk}/", {"applied_on": days_ago(3).isoformat(), "basis": "入党申请书"}
    )
    file = DevelopmentFile.objects.get(member=applicant)
    assert response.status_code == 302 and response["Location"] == f"/development/{file.pk}/"
    assert list(file.steps.values_list("number", "done_on")) == [(1, days_ago(3))]
    # A second visit goes to the file instead of opening another.
    again = client.get(f"/development/open/{applicant.pk}/")
    assert again.status_code == 302 and again["Location"] == f"/development/{file.pk}/"


def test_b1_an_under_age_application_is_refused_on_its_field_and_nothing_saved(world: Any) -> None:
    young = person(world, "丙少年", birth=today().replace(year=today().year - 17))
    response = client_for(world.secretary_a).post(
        f"/development/open/{young.pk}/", {"applied_on": today().isoformat()}
    )
    assert response.status_code == 200
    message = " ".join(response.context["form"].errors["applied_on"])
    assert "B-1" in message and message in response.content.decode()
    assert not DevelopmentFile.objects.filter(member=young).exists()


def test_a_party_member_gets_no_file(world: Any) -> None:
    response = client_for(world.secretary_a).post(
        f"/development/open/{world.member_in_a.pk}/", {"applied_on": days_ago(3).isoformat()}
    )
    assert response.status_code == 200
    assert "已是正式党员" in " ".join(response.context["form"].non_field_errors())
    assert not DevelopmentFile.objects.exists()


def test_opening_a_file_needs_edit_rights_over_the_person(world: Any) -> None:
    applicant = person(world, "丙申请人")
    data = {"applied_on": days_ago(3).isoformat()}
    assert client_for(world.secretary_b).post(f"/development/open/{applicant.pk}/", data).status_code == 404
    assert client_for(world.inspector).post(f"/development/open/{applicant.pk}/", data).status_code == 403
    assert not DevelopmentFile.objects.exists()


# --- The file page: the checklist and the form of the next step only -----------------------------


def test_dev6_the_file_page_shows_the_25_steps_and_the_next_step_s_form(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), through=2, start=days_ago(30))
    response = client_for(world.secretary_a).get(f"/development/{file.pk}/")
    assert response.status_code == 200
    assert sum(len(rows) for _, rows in response.context["stages"]) == 25
    assert [label for label, _ in response.context["stages"]] == [
        "申请入党",
        "入党积极分子的确定和培养教育",
        "发展对象的确定和考察",
        "预备党员的接收",
        "预备党员的教育考察和转正",
    ]
    assert response.context["next"].number == 3
    html = response.content.decode()
    assert "㉕材料归档" in html and "记录③确定入党积极分子" in html
    assert "党龄：尚无" in html


def test_the_meeting_select_offers_the_branch_s_deciding_meetings_of_the_last_two_years(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), through=2, start=days_ago(30))
    committee = make_meeting(world.branch_a, MeetingKind.COMMITTEE_MEETING, days_ago(2), "支委会")
    general = make_meeting(world.branch_a, MeetingKind.GENERAL_MEETING, days_ago(1), "党员大会")
    make_meeting(world.branch_a, MeetingKind.PARTY_LESSON, days_ago(1), "党课")
    make_meeting(
        world.branch_a, MeetingKind.COMMITTEE_MEETING, today().replace(year=today().year - 3), "旧支委会"
    )
    make_meeting(world.branch_b, MeetingKind.COMMITTEE_MEETING, days_ago(2), "乙支部支委会")
    form = client_for(world.secretary_a).get(f"/development/{file.pk}/").context["step_form"]
    assert list(form.fields["meeting"].queryset) == [general, committee]
    assert "notice" not in form.fields and "people" not in form.fields


def test_the_notice_and_people_fields_appear_only_for_their_steps(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), through=3, start=days_ago(60))
    ours = make_notice(world.branch_a, days_ago(20), days_ago(10))
    make_notice(world.branch_a, days_ago(20), days_ago(10), subject=Notice.Subject.COMMENDATION)
    make_notice(world.branch_b, days_ago(20), days_ago(10))
    client = client_for(world.secretary_a)
    form = client.get(f"/development/{file.pk}/").context["step_form"]
    assert form.step.number == 4 and list(form.fields["notice"].queryset) == [ours]
    assert "meeting" not in form.fields and "people" not in form.fields

    file = make_file(person(world, "丁申请人"), through=4, start=days_ago(60))
    make_member(world.branch_a, "庚申请人", category="applicant")
    form = client.get(f"/development/{file.pk}/").context["step_form"]
    assert form.step.number == 5 and "notice" not in form.fields
    people = {m.name for m in form.fields["people"].queryset}
    assert "甲党员" in people and "乙党员" not in people and "庚申请人" not in people
    assert form.fields["people"].label == "培养联系人"


def test_a_step_is_recorded_from_the_page(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), start=days_ago(10))
    response = client_for(world.secretary_a).post(
        f"/development/{file.pk}/step/", {"number": 2, "done_on": today().isoformat(), "basis": "书记谈话"}
    )
    assert response.status_code == 302 and response["Location"] == f"/development/{file.pk}/"
    step = file.steps.get(number=2)
    assert (step.done_on, step.basis) == (today(), "书记谈话")
    assert AuditEvent.objects.filter(
        object_type="development.developmentstep", object_id=str(step.pk)
    ).exists()


def test_b5_a_candidate_too_early_is_refused_on_the_date_naming_the_rule_and_the_earliest_day(
    world: Any,
) -> None:
    file = make_file(person(world, "丙积极分子"), through=6, start=days_ago(100))
    response = client_for(world.secretary_a).post(
        f"/development/{file.pk}/step/", {"number": 7, "done_on": today().isoformat(), "basis": "支委会决定"}
    )
    assert response.status_code == 200
    message = " ".join(response.context["step_form"].errors["done_on"])
    earliest = add_months(file.activist_on, 12)
    assert "B-5" in message and earliest.isoformat() in message
    assert message in response.content.decode()
    assert not file.steps.filter(number=7).exists()
    assert DevelopmentFile.objects.get(pk=file.pk).stage == Stage.ACTIVIST


def test_a_meeting_step_without_meeting_or_basis_is_refused_on_the_meeting(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), through=2, start=days_ago(30))
    response = client_for(world.secretary_a).post(
        f"/development/{file.pk}/step/", {"number": 3, "done_on": today().isoformat()}
    )
    assert response.status_code == 200
    assert "请选择会议" in " ".join(response.context["step_form"].errors["meeting"])
    assert not file.steps.filter(number=3).exists()


def test_a_stale_form_is_refused_without_recording_anything(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), through=2, start=days_ago(30))
    response = client_for(world.secretary_a).post(
        f"/development/{file.pk}/step/", {"number": 2, "done_on": today().isoformat(), "basis": "谈话"}
    )
    assert response.status_code == 200
    assert "页面已过期" in " ".join(response.context["step_form"].non_field_errors())
    assert file.steps.count() == 2


def test_b3_cultivators_are_chosen_on_the_page(world: Any) -> None:
    file = make_file(person(world, "丙积极分子"), through=4, start=days_ago(60))
    response = client_for(world.secretary_a).post(
        f"/development/{file.pk}/step/",
        {
            "number": 5,
            "done_on": today().isoformat(),
            "basis": "支委会指定",
            "people": [world.member_in_a.pk],
        },
    )
    assert response.status_code == 302
    sponsor = Sponsor.objects.get(file=file)
    assert (sponsor.role, sponsor.member, sponsor.start_on) == (
        Sponsor.Role.CULTIVATOR,
        world.member_in_a,
        today(),
    )


def test_an_inspector_reads_the_file_but_records_nothing(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), start=days_ago(10))
    client = client_for(world.inspector)
    page = client.get(f"/development/{file.pk}/")
    assert page.status_code == 200 and "step_form" not in page.context
    assert "终止培养" not in page.content.decode()
    data = {"number": 2, "done_on": today().isoformat(), "basis": "谈话"}
    assert client.post(f"/development/{file.pk}/step/", data).status_code == 403
    assert client_for(world.secretary_b).post(f"/development/{file.pk}/step/", data).status_code == 404
    assert client_for(world.secretary_b).get(f"/development/{file.pk}/").status_code == 404
    assert file.steps.count() == 1


# --- Reviews, sponsors, the end of probation, closing ------------------------------------------------


def test_dev3_a_review_is_recorded_with_its_period(world: Any) -> None:
    file = make_file(person(world, "丙积极分子"), through=5, start=days_ago(200))
    client = client_for(world.secretary_a)
    page = client.get(f"/development/{file.pk}/review/new/")
    initial = page.context["form"].initial
    assert (initial["kind"], initial["period_start"]) == (Review.Kind.ACTIVIST, file.activist_on)
    data = {
        "kind": "activist",
        "reviewed_on": today().isoformat(),
        "period_start": file.activist_on.isoformat(),
        "period_end": (today() + DAY).isoformat(),
        "performance": "工作积极",
    }
    refused = client.post(f"/development/{file.pk}/review/new/", data)
    assert refused.status_code == 200 and "考察期止" in " ".join(refused.context["form"].errors["period_end"])
    assert not Review.objects.exists()
    response = client.post(f"/development/{file.pk}/review/new/", data | {"period_end": today().isoformat()})
    assert response.status_code == 302
    review = Review.objects.get(file=file)
    assert (review.period_start, review.performance) == (file.activist_on, "工作积极")


def test_b9_extension_refused_beyond_twelve_months_then_accepted(world: Any) -> None:
    file = make_file(person(world, "丙预备党员"), through=17)
    client = client_for(world.secretary_a)
    page = client.get(f"/development/{file.pk}/")
    assert "extend_form" in page.context and "close_form" not in page.context
    data = {"extend-months": 13, "extend-decided_on": "2024-05-20", "extend-basis": "支部大会决定"}
    refused = client.post(f"/development/{file.pk}/extend/", data)
    assert refused.status_code == 200 and refused.context["failed"] == "extend"
    assert "B-9" in " ".join(refused.context["extend_form"].errors["months"])
    assert DevelopmentFile.objects.get(pk=file.pk).extension_months is None
    response = client.post(f"/development/{file.pk}/extend/", data | {"extend-months": 6})
    assert response.status_code == 302
    assert DevelopmentFile.objects.get(pk=file.pk).extension_months == 6


def test_b9_cancellation_takes_the_person_out_of_the_registry(world: Any) -> None:
    file = make_file(person(world, "丙预备党员"), through=17)
    data = {
        "cancel-decided_on": "2024-05-20",
        "cancel-basis": "支部大会决定",
        "cancel-reason": "不履行党员义务",
    }
    refused = client_for(world.secretary_a).post(
        f"/development/{file.pk}/cancel/", data | {"cancel-reason": ""}
    )
    assert refused.status_code == 200 and refused.context["failed"] == "cancel"
    response = client_for(world.secretary_a).post(f"/development/{file.pk}/cancel/", data)
    assert response.status_code == 302
    file.refresh_from_db()
    assert (file.stage, file.closed_reason) == (Stage.CANCELLED, "不履行党员义务")
    assert Member.objects.get(pk=file.member_id).standing == Standing.LEFT


def test_closing_a_file_ends_cultivation(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), through=3, start=days_ago(60))
    client = client_for(world.secretary_a)
    page = client.get(f"/development/{file.pk}/")
    assert "close_form" in page.context and "extend_form" not in page.context
    data = {"close-closed_on": (file.applied_on - DAY).isoformat(), "close-reason": "本人撤回申请"}
    refused = client.post(f"/development/{file.pk}/close/", data)
    assert refused.status_code == 200 and refused.context["close_form"].errors["closed_on"]
    assert DevelopmentFile.objects.get(pk=file.pk).stage == Stage.ACTIVIST
    response = client.post(f"/development/{file.pk}/close/", data | {"close-closed_on": today().isoformat()})
    assert response.status_code == 302
    file.refresh_from_db()
    assert (file.stage, file.closed_on) == (Stage.CLOSED, today())
    # A closed file offers no more steps.
    after = client.get(f"/development/{file.pk}/")
    assert "step_form" not in after.context and "不再办理发展步骤" in after.content.decode()


def test_b6_a_sponsor_is_replaced_from_the_file_page(world: Any) -> None:
    file = make_file(person(world, "丙积极分子"), through=5, start=days_ago(60))
    old = Sponsor.objects.get(file=file)
    prefix = f"sponsor{old.pk}"
    client = client_for(world.secretary_a)
    offered = client.get(f"/development/{file.pk}/").context["sponsors"][0].form.fields["member"].queryset
    assert world.member_in_a in offered and old.member not in offered  # not the one replaced
    data = {
        f"{prefix}-member": old.member_id,
        f"{prefix}-on": today().isoformat(),
        f"{prefix}-reason": "工作调动",
    }
    refused = client.post(f"/development/sponsor/{old.pk}/replace/", data)
    assert refused.status_code == 200 and refused.context["failed"] == "sponsor"
    assert refused.context["sponsors"][0].form.errors["member"]
    # The service's rule, on the date: not before the old one started.
    late = data | {f"{prefix}-member": world.member_in_a.pk, f"{prefix}-on": (old.start_on - DAY).isoformat()}
    refused = client.post(f"/development/sponsor/{old.pk}/replace/", late)
    assert "更换日期不能早于" in " ".join(refused.context["sponsors"][0].form.errors["on"])
    assert Sponsor.objects.filter(file=file).count() == 1
    new_person = make_sponsor(world.branch_a, "辛联系人")
    response = client.post(
        f"/development/sponsor/{old.pk}/replace/", data | {f"{prefix}-member": new_person.pk}
    )
    assert response.status_code == 302
    old.refresh_from_db()
    assert (old.end_on, old.end_reason) == (today(), "工作调动")
    assert Sponsor.objects.get(file=file, end_on__isnull=True).member == new_person
    assert (
        client_for(world.secretary_b).post(f"/development/sponsor/{old.pk}/replace/", data).status_code == 404
    )


@pytest.mark.parametrize("route", ["extend", "cancel", "close", "step"])
def test_writes_refuse_get(world: Any, route: str) -> None:
    file = make_file(person(world, "丙申请人"), start=days_ago(10))
    assert client_for(world.secretary_a).get(f"/development/{file.pk}/{route}/").status_code == 405
    assert DevelopmentStep.objects.filter(file=file).count() == 1


def test_b11_after_conversion_only_the_archiving_step_remains(world: Any) -> None:
    file = make_file(person(world, "丙党员"), through=24)
    client = client_for(world.secretary_a)
    page = client.get(f"/development/{file.pk}/")
    assert page.context["step_form"].step.number == 25
    assert "extend_form" not in page.context and "close_form" not in page.context
    assert "党龄：" in page.content.decode() and "转正）" in page.content.decode()
    response = client.post(
        f"/development/{file.pk}/step/", {"number": 25, "done_on": today().isoformat(), "basis": "材料已归档"}
    )
    assert response.status_code == 302 and file.steps.count() == 25
    done = client.get(f"/development/{file.pk}/")
    assert "step_form" not in done.context and "不再办理发展步骤" in done.content.decode()


def test_the_member_page_links_to_the_file_or_offers_one_and_to_the_dues_page(world: Any) -> None:
    """DEV-1 / DUES-1 reached from the registry: a person with a file links to it, an applicant
    without one is offered one (editors only), a party member links to their dues."""
    applicant = person(world, "未建档")
    with_file = person(world, "已建档")
    file = make_file(with_file, through=2)
    secretary, inspector = client_for(world.secretary_a), client_for(world.inspector)
    page = secretary.get(f"/members/{with_file.pk}/").content.decode()
    assert f"/development/{file.pk}/" in page and "入党档案（入党申请人）" in page
    assert f"/dues/member/{with_file.pk}/" not in page  # not a party member: no dues
    page = secretary.get(f"/members/{applicant.pk}/").content.decode()
    assert f"/development/open/{applicant.pk}/" in page
    assert (
        f"/development/open/{applicant.pk}/"
        not in inspector.get(f"/members/{applicant.pk}/").content.decode()
    )
    page = secretary.get(f"/members/{world.member_in_a.pk}/").content.decode()
    assert f"/dues/member/{world.member_in_a.pk}/" in page and "建立入党档案" not in page
