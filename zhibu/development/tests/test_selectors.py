"""Reads of member development (DEV-3, DEV-4, DEV-6): the 25-row checklist with due dates, the due
lists (SPEC §8 item 3 reads them: activists without 培养联系人, overdue half-year reviews, overdue
conversions — so each is exact at its boundary) and their query counts.

Plan of `make_file` from 2022-03-01: ① 2022-03-01, ③ 2022-03-29, ⑤ 2022-04-09, ⑦ 2023-03-29,
⑮ 2023-05-12, ⑰ 2023-06-02, probation ends 2024-05-12, ㉓ 2024-05-12."""

import datetime as dt
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from zhibu.development import selectors, services
from zhibu.development.models import DevelopmentFile, Stage
from zhibu.development.selectors import branch_summary, checklist, due_items, probation_end
from zhibu.development.tests.factories import make_file, make_review, make_sponsor, record_step
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member

D = dt.date


def person(world: Any, name: str = "丙申请人", branch: Any = None, **extra: Any) -> Member:
    extra.setdefault("category", "applicant")
    extra.setdefault("birth", D(1995, 6, 15))
    extra.setdefault("start_on", D(2020, 1, 1))
    return make_member(branch or world.branch_a, name, **extra)


def items(world: Any, on: dt.date, kind: str | None = None, branch: Any = None) -> list[selectors.DueItem]:
    found = due_items([branch or world.branch_a], on)
    return [item for item in found if kind is None or item.kind == kind]


# --- checklist ---------------------------------------------------------------------------------------


def test_dev6_checklist_has_25_rows_with_the_dates_the_rules_give(world: Any) -> None:
    file = make_file(person(world), through=16)
    rows = checklist(file, D(2023, 8, 12))
    assert [row.step.number for row in rows] == list(range(1, 26))
    assert [row.record is not None for row in rows] == [True] * 16 + [False] * 9
    by = {row.step.number: row for row in rows}
    assert (by[2].due_on, by[2].overdue) == (D(2022, 4, 1), False)  # recorded: never overdue
    assert (by[7].earliest_on, by[7].due_on) == (D(2023, 3, 29), None)
    assert (by[17].due_on, by[17].overdue) == (D(2023, 8, 12), False)
    assert (by[23].earliest_on, by[23].due_on) == (D(2024, 5, 12), D(2024, 5, 12))
    assert by[24].due_on is None  # only after ㉓
    assert [row.step.number for row in checklist(file, D(2023, 8, 13)) if row.overdue] == [17]


def test_dev6_checklist_talk_overdue_from_the_day_after_the_month(world: Any) -> None:
    file = make_file(person(world), through=1)
    assert not checklist(file, D(2022, 4, 1))[1].overdue
    assert checklist(file, D(2022, 4, 2))[1].overdue


def test_dev6_a_closed_file_has_nothing_overdue(world: Any) -> None:
    file = make_file(person(world), through=1)
    assert checklist(file, D(2023, 1, 1))[1].overdue
    closed = services.file_close(actor=None, file=file, closed_on=D(2022, 3, 2), reason="撤回申请")
    assert not any(row.overdue for row in checklist(closed, D(2023, 1, 1)))


def test_dev6_checklist_queries_are_few_with_the_steps_prefetched(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    make_file(person(world), through=23)
    file = DevelopmentFile.objects.prefetch_related("steps").get()
    with django_assert_max_num_queries(2):  # the rules of the year read, the rules of the admission year
        rows = checklist(file, D(2024, 6, 1))
    assert rows[23].due_on == D(2024, 8, 12)  # ㉔: approval within 3 months of ㉓ (B-8)


def test_b9_probation_end_none_before_the_vote_and_with_an_extension(world: Any) -> None:
    file = make_file(person(world), through=14)
    assert probation_end(file) is None
    record_step(file, 15)
    file.refresh_from_db()
    assert probation_end(file) == D(2024, 5, 12)
    file.extension_months = 12
    assert probation_end(file) == D(2025, 5, 12)


# --- due items -----------------------------------------------------------------------------------------


def test_b2_talk_due_a_month_after_the_application_overdue_the_day_after(world: Any) -> None:
    file = make_file(person(world), through=1)
    [item] = items(world, D(2022, 4, 1), "talk")
    assert (item.file, item.member, item.due_on, item.overdue) == (file, file.member, D(2022, 4, 1), False)
    assert "B-2" in item.text and item.label == "入党申请谈话" and item.rule == "B-2"
    [item] = items(world, D(2022, 4, 2), "talk")
    assert item.overdue and "已逾期" in item.text
    record_step(file, 2)
    assert items(world, D(2022, 4, 2), "talk") == []


def test_dev3_half_yearly_review_listed_30_days_ahead_overdue_after_the_due_day(world: Any) -> None:
    file = make_file(person(world), through=3)  # activist from 2022-03-29: review due 2022-09-29
    assert items(world, D(2022, 8, 29), "review") == []
    [item] = items(world, D(2022, 8, 30), "review")
    assert (item.due_on, item.overdue) == (D(2022, 9, 29), False)
    assert not items(world, D(2022, 9, 29), "review")[0].overdue
    [item] = items(world, D(2022, 9, 30), "review")
    assert item.overdue and "B-4" in item.text
    make_review(file, "activist", D(2022, 9, 1))
    assert items(world, D(2022, 9, 30), "review") == []
    assert items(world, D(2023, 3, 2), "review")[0].due_on == D(2023, 3, 1)


def test_dev3_reviews_stop_with_approval(world: Any) -> None:
    make_file(person(world), through=17)
    assert items(world, D(2024, 1, 1), "review") == []


def test_b3_activists_without_a_cultivator_with_or_without_a_file(world: Any) -> None:
    registry = person(world, "名册积极分子", category="activist")
    waiting = make_file(person(world, "待指定"), through=4)
    make_file(person(world, "已指定"), through=5)
    closed = make_file(person(world, "已终止"), through=3)
    services.file_close(actor=None, file=closed, closed_on=D(2022, 5, 1), reason="调离")
    person(world, "乙支部积极分子", branch=world.branch_b, category="activist")
    found = items(world, D(2022, 6, 1), "no_cultivator")
    assert [(i.member.name, i.file, i.due_on, i.overdue) for i in found] == [
        ("待指定", waiting, D(2022, 3, 29), True),
        ("名册积极分子", None, None, True),
    ]
    assert found[1].member == registry
    assert all("B-3" in i.text for i in found)
    assert [i.member.name for i in items(world, D(2022, 6, 1), "no_cultivator", world.branch_b)] == [
        "乙支部积极分子"
    ]


def test_b3_a_replaced_cultivator_still_counts(world: Any) -> None:
    file = make_file(person(world), through=5)
    services.sponsor_replace(
        actor=None,
        sponsor=file.sponsors.get(),
        member=make_sponsor(world.branch_a),
        on=D(2022, 5, 1),
        reason="调动",
    )
    assert items(world, D(2022, 6, 1), "no_cultivator") == []


def test_b5_candidate_eligible_from_the_first_anniversary(world: Any) -> None:
    file = make_file(person(world), through=6)
    assert items(world, D(2023, 3, 28), "candidate_eligible") == []
    [item] = items(world, D(2023, 3, 29), "candidate_eligible")
    assert (item.file, item.due_on, item.overdue) == (file, D(2023, 3, 29), False)
    record_step(file, 7)
    assert items(world, D(2023, 4, 1), "candidate_eligible") == []


def test_b8_approval_due_three_months_after_the_vote_and_after_the_conversion_discussion(world: Any) -> None:
    file = make_file(person(world), through=15)
    [item] = items(world, D(2023, 8, 12), "approval")
    assert (item.due_on, item.overdue) == (D(2023, 8, 12), False)
    assert items(world, D(2023, 8, 13), "approval")[0].overdue
    for number in range(16, 24):
        record_step(file, number)
    [item] = items(world, D(2024, 8, 13), "approval")
    assert (item.due_on, item.overdue) == (D(2024, 8, 12), True) and "转正" in item.text


def test_dev4_conversion_listed_from_the_warning_days_overdue_after_the_end(world: Any) -> None:
    file = make_file(person(world), through=20)
    assert items(world, D(2024, 4, 11), "conversion") == []
    [item] = items(world, D(2024, 4, 12), "conversion")
    assert (item.file, item.due_on, item.overdue) == (file, D(2024, 5, 12), False)
    assert not items(world, D(2024, 5, 12), "conversion")[0].overdue
    [item] = items(world, D(2024, 5, 13), "conversion")
    assert item.overdue and "B-9" in item.text


def test_dev4_conversion_not_listed_once_discussed_and_moved_by_an_extension(world: Any) -> None:
    discussed = make_file(person(world), through=23)
    assert [i.kind for i in items(world, D(2024, 6, 1)) if i.file == discussed] == ["approval"]
    file = make_file(person(world, "延长者"), through=22)
    services.probation_extend(
        actor=None, file=file, months=6, decided_on=D(2024, 5, 12), meeting=None, basis="支部大会决议"
    )
    [item] = [i for i in items(world, D(2024, 10, 20), "conversion") if i.file == file]
    assert (item.due_on, item.overdue) == (D(2024, 11, 12), False)
    assert [i for i in items(world, D(2024, 6, 1), "conversion") if i.file == file] == []


def test_dev4_imported_probationary_members_without_a_file_are_due_for_conversion(world: Any) -> None:
    imported = make_member(world.branch_a, "导入预备", category="probationary", joined_on=D(2024, 1, 10))
    # Also probationary, admitted 2024-01-12: listed once, with its file.
    with_file = make_file(person(world), through=17, start=D(2022, 11, 1))
    assert probation_end(with_file) == D(2025, 1, 12)
    assert items(world, D(2024, 12, 10), "conversion") == []
    [item] = items(world, D(2024, 12, 11), "conversion")
    assert (item.member, item.file, item.due_on, item.overdue) == (imported, None, D(2025, 1, 10), False)
    found = items(world, D(2025, 1, 11), "conversion")
    assert [(i.member, i.file, i.overdue) for i in found] == [
        (imported, None, True),
        (with_file.member, with_file, False),
    ]
    assert "未建立入党档案" in found[0].text


def test_due_items_overdue_first_then_by_date(world: Any) -> None:
    make_file(person(world, "甲一"), through=1, start=D(2022, 3, 1))
    make_file(person(world, "甲二"), through=1, start=D(2022, 2, 1))
    make_file(person(world, "甲三"), through=1, start=D(2022, 3, 10))
    found = items(world, D(2022, 4, 5))
    assert [(i.member.name, i.overdue) for i in found] == [("甲二", True), ("甲一", True), ("甲三", False)]


def test_due_items_of_no_branch_is_empty(world: Any, django_assert_num_queries: Any) -> None:
    with django_assert_num_queries(0):
        assert due_items([], D(2024, 1, 1)) == []


def _build(world: Any, count: int) -> None:
    throughs = [1, 3, 4, 15, 17, 20]
    for n in range(count):
        make_file(person(world, f"人{n}"), through=throughs[n % len(throughs)])
    person(world, f"名册积极分子{count}", category="activist")
    make_member(world.branch_a, f"导入预备{count}", category="probationary", joined_on=D(2023, 2, 1))


def _queries(world: Any, on: dt.date) -> tuple[int, int]:
    with CaptureQueriesContext(connection) as captured:
        found = due_items([world.branch_a, world.branch_b], on)
    return len(captured), len(found)


def test_due_items_queries_constant_in_the_number_of_files(
    world: Any, django_assert_max_num_queries: Any
) -> None:
    """Files, steps, reviews, activists without 培养联系人, probationary without a file, the rules of
    the year read and of the admission years (2023 for all here)."""
    _build(world, 2)
    few, found_few = _queries(world, D(2024, 4, 20))
    _build(world, 6)
    many, found_many = _queries(world, D(2024, 4, 20))
    assert found_many > found_few
    assert many == few
    with django_assert_max_num_queries(7):
        due_items([world.branch_a, world.branch_b], D(2024, 4, 20))


def test_branch_summary_counts_files_per_stage(world: Any, django_assert_num_queries: Any) -> None:
    make_file(person(world, "一"), through=1)
    make_file(person(world, "二"), through=3)
    make_file(person(world, "三"), through=3)
    closed = make_file(person(world, "四"), through=1)
    services.file_close(actor=None, file=closed, closed_on=D(2022, 3, 5), reason="撤回")
    make_file(person(world, "五", branch=world.branch_b), through=1)
    make_file(person(world, "六"), through=1, start=D(2024, 1, 1))
    with django_assert_num_queries(1):
        summary = branch_summary([world.branch_a, world.branch_b], D(2023, 1, 1))
    assert summary[world.branch_a.pk] == {Stage.APPLICANT: 1, Stage.ACTIVIST: 2, Stage.CLOSED: 1}
    assert summary[world.branch_b.pk] == {Stage.APPLICANT: 1}
    assert branch_summary([world.branch_a])[world.branch_a.pk][Stage.APPLICANT] == 2
