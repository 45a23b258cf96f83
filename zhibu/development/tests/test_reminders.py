"""Development reminders (NOTIFY-1; DEV-3, DEV-4; B-2, B-3, B-4, B-8, B-9): what reminds whom, the
keys, the links, and that the daily job creates each reminder once."""

import datetime as dt
from typing import Any

from zhibu.development import services
from zhibu.development.reminders import KINDS, development_reminders
from zhibu.development.selectors import due_items
from zhibu.development.tests.factories import make_file, make_review
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member
from zhibu.notifications.models import Notification
from zhibu.notifications.services import reminders_create

D = dt.date


def person(world: Any, name: str, branch: Any = None, **extra: Any) -> Member:
    extra.setdefault("category", "applicant")
    extra.setdefault("start_on", D(2020, 1, 1))
    return make_member(branch or world.branch_a, name, **extra)


def by_user(reminders: list[Any], user: Any) -> dict[str, Any]:
    return {r.kind: r for r in reminders if r.user_id == user.pk}


def test_notify1_overdue_talk_and_activist_without_cultivator_remind_the_branch_secretary(world: Any) -> None:
    file = make_file(person(world, "谈话逾期"), through=1)  # talk due 2022-04-01
    activist = person(world, "无联系人", branch=world.branch_b, category="activist")
    found = development_reminders(D(2022, 4, 2))
    assert {r.user_id for r in found} == {world.secretary_a.pk, world.secretary_b.pk}
    talk = by_user(found, world.secretary_a)["development_talk_overdue"]
    assert talk.key == f"development_talk_overdue:{file.pk}:2022-04-01"
    assert talk.url == f"/development/{file.pk}/" and talk.due_on == D(2022, 4, 1)
    assert talk.organisation_id == world.branch_a.pk and "谈话逾期" in talk.title and "B-2" in talk.body
    lonely = by_user(found, world.secretary_b)["development_no_cultivator"]
    assert lonely.key == f"development_no_cultivator:m{activist.pk}:-"
    assert lonely.url == f"/development/branch/{world.branch_b.pk}/" and "B-3" in lonely.body


def test_notify1_nothing_before_it_is_overdue(world: Any) -> None:
    make_file(person(world, "按时"), through=1)
    assert development_reminders(D(2022, 4, 1)) == []  # the talk is due that day, not overdue


def test_notify1_an_activist_eligible_as_candidate_is_not_a_reminder(world: Any) -> None:
    file = make_file(person(world, "积极分子"), through=6)
    make_review(file, "activist", D(2023, 3, 1))  # next review due 2023-09-01
    assert [i.kind for i in due_items([world.branch_a], D(2023, 3, 29))] == ["candidate_eligible"]
    assert development_reminders(D(2023, 3, 29)) == []


def test_notify1_review_and_approval_overdue(world: Any) -> None:
    reviewed = make_file(person(world, "待考察"), through=5)  # activist 2022-03-29, no review: due 2022-09-29
    voted = make_file(person(world, "待审批"), through=15)  # ⑮ 2023-05-12: approval due 2023-08-12
    found = development_reminders(D(2022, 9, 30))
    review = by_user(found, world.secretary_a)["development_review_overdue"]
    assert review.key == f"development_review_overdue:{reviewed.pk}:2022-09-29" and "B-4" in review.body
    found = development_reminders(D(2023, 8, 13))
    approval = by_user(found, world.secretary_a)["development_approval_overdue"]
    assert approval.key == f"development_approval_overdue:{voted.pk}:2023-08-12" and "B-8" in approval.body


def test_notify1_conversion_due_then_overdue_and_imported_probationary(world: Any) -> None:
    file = make_file(person(world, "预备期"), through=20)  # probation ends 2024-05-12
    imported = make_member(world.branch_a, "导入预备", category="probationary", joined_on=D(2023, 5, 20))
    due = by_user(development_reminders(D(2024, 4, 12)), world.secretary_a)
    assert due["development_conversion_due"].key == f"development_conversion_due:{file.pk}:2024-05-12"
    assert set(due) == {"development_conversion_due"}
    overdue = development_reminders(D(2024, 5, 21))
    keys = sorted(r.key for r in overdue if r.kind == "development_conversion_overdue")
    assert keys == sorted(
        [
            f"development_conversion_overdue:{file.pk}:2024-05-12",
            f"development_conversion_overdue:m{imported.pk}:2024-05-20",
        ]
    )
    urls = {r.url for r in overdue}
    assert urls == {f"/development/{file.pk}/", f"/development/branch/{world.branch_a.pk}/"}


def test_notify1_each_reminder_is_created_once_per_key(world: Any) -> None:
    make_file(person(world, "谈话逾期"), through=1)
    person(world, "无联系人", category="activist")
    first = reminders_create(development_reminders(D(2022, 4, 2)), email=False)
    assert first == {"development_talk_overdue": 1, "development_no_cultivator": 1}
    assert reminders_create(development_reminders(D(2022, 4, 2)), email=False) == {}
    assert reminders_create(development_reminders(D(2022, 4, 20)), email=False) == {}
    rows = Notification.objects.filter(user=world.secretary_a).order_by("kind")
    assert [(n.kind, n.organisation_id) for n in rows] == [
        ("development_no_cultivator", world.branch_a.pk),
        ("development_talk_overdue", world.branch_a.pk),
    ]


def test_notify1_a_closed_file_reminds_nothing(world: Any) -> None:
    file = make_file(person(world, "撤回"), through=1)
    services.file_close(actor=None, file=file, closed_on=D(2022, 3, 5), reason="撤回申请")
    assert development_reminders(D(2022, 6, 1)) == []


def test_kinds_fit_the_notification_kind_column() -> None:
    assert all(len(kind) <= 50 and label for kind, label in KINDS.items())
