"""入党档案 of the demo (DEV-1…6): everyone of the registry on the way in has a file whose steps
agree with their 人员类别 and dates, recorded through the development services (so every time rule
of RULES §B holds), dated back from the run date.

- 入党申请人: applied 1–5 months ago, talked to within the month — except one in 城区片区 whose
  talk is overdue (B-2).
- 入党积极分子: activists for 6–11 months with 培养联系人 and half-yearly reviews; in 城区片区 one
  has been an activist for more than a year (eligible as 发展对象), and one review is overdue; in
  油库 the activist has no 培养联系人 yet.
- 发展对象: determined 2–5 months ago, with introducers, political review and concentrated
  training; waiting for the 支委会 review.
- 预备党员: the whole way to the 支部大会 vote (their 入党日期) and approval, with probationary
  reviews; the one admitted 14 months ago is overdue for conversion (B-9).
Each person is skipped once they have a file; the section runs after the trainings of `records`.
"""

import datetime as dt
from decimal import Decimal
from typing import Any

from zhibu.demo.base import Demo, Section
from zhibu.development import services
from zhibu.development.models import DevelopmentFile, Review
from zhibu.lib.dates import add_months, cn_date
from zhibu.meetings.models import Notice
from zhibu.meetings.services import notice_publish
from zhibu.members import training
from zhibu.members.models import Category, Member, TrainingRecord

# Where the demo's exceptions live (organisation codes).
OVERDUE_BRANCH = "DJ-LS-CQ"
NO_CULTIVATOR_BRANCH = "DJ-CY-YK"
NOTICE_DAYS = 9  # calendar days of a 公示: always at least 5 working days


class _Writer:
    def __init__(self, demo: Demo, member: Member) -> None:
        self.demo = demo
        self.member = member
        self.file: DevelopmentFile | None = None

    def sponsors(self, on: dt.date) -> list[Member]:
        """Two full members on `on`: of the person's branch when it has them (the longest-standing
        first), else completed from the company's other branches."""
        full = Member.objects.filter(
            is_active=True, category=Category.FULL, standing="normal", converted_on__lte=on
        ).exclude(pk=self.member.pk)
        same = list(full.filter(branch_id=self.member.branch_id).order_by("converted_on", "id_number")[:2])
        others = full.exclude(branch_id=self.member.branch_id).order_by("converted_on", "id_number")
        return same + list(others[: 2 - len(same)])

    def open(self, applied_on: dt.date) -> None:
        self.file = services.file_open(
            actor=self.demo.actor, member=self.member, applied_on=applied_on, basis="入党申请书"
        )

    def step(self, number: int, on: dt.date, **kwargs: Any) -> bool:
        """Record step `number` on `on` unless that day has not come yet (then stop the file)."""
        if on > self.demo.on or self.file is None:
            return False
        services.step_record(actor=self.demo.actor, file=self.file, number=number, done_on=on, **kwargs)
        return True

    def notice(self, stage: str, start: dt.date) -> Notice | None:
        end = start + dt.timedelta(days=NOTICE_DAYS)
        if end >= self.demo.on:
            return None
        return notice_publish(
            actor=self.demo.actor,
            organisation=self.member.branch,
            subject=Notice.Subject.MEMBER_DEVELOPMENT,
            title=f"关于{self.member.name}同志拟确定为{stage}的公示",
            content=f"经党支部研究，拟将{self.member.name}同志确定为{stage}，现予公示。公示期间如有意见，"
            "请向党支部或上级党委组织部门反映。",
            start_on=start,
            end_on=end,
        )

    def noticed_step(self, number: int, stage: str, after: dt.date) -> dt.date | None:
        """A step that waits for its 公示: the notice from the day after `after`, the step the day
        after the notice ends. The date of the step, or None when it is not reached yet."""
        notice = self.notice(stage, after + dt.timedelta(days=1))
        if notice is None:
            return None
        on = notice.end_on + dt.timedelta(days=1)
        return on if self.step(number, on, notice=notice) else None

    def review(self, kind: str, start: dt.date, end: dt.date) -> None:
        assert self.file is not None
        services.review_record(
            actor=self.demo.actor,
            file=self.file,
            kind=kind,
            reviewed_on=end,
            period_start=start,
            period_end=end,
            performance=f"{self.member.name}同志思想上积极要求进步，认真学习党的理论，工作中勇挑重担，"
            "团结同事，能主动向党组织汇报思想。",
            cultivator_opinion="表现良好，建议继续培养。",
            branch_opinion="同意培养联系人意见。",
        )

    def reviews(self, kind: str, since: dt.date, until: dt.date, months: int = 6) -> dt.date | None:
        """Reviews every `months` from `since` while they fall before `until`; the first's date."""
        first = None
        start = since
        while (end := add_months(start, months)) <= min(until, self.demo.on):
            self.review(kind, start, end)
            first = first or end
            start = end
        return first


def _applicant(w: _Writer, index: int, demo: Demo) -> None:
    overdue = w.member.branch.code == OVERDUE_BRANCH and index == 0
    applied = demo.months_ago(2 if overdue else 1 + index % 4, day=3 + index)
    w.open(applied)
    if not overdue:
        w.step(
            2,
            applied + dt.timedelta(days=12),
            basis="党支部书记谈话",
            note="了解入党动机，介绍党的基本知识。",
        )


def _activist_until(
    w: _Writer, activist_on: dt.date, *, review_until: dt.date, cultivators: bool = True
) -> None:
    """Steps ①–⑥ for someone made an activist on `activist_on`, reviews up to `review_until`."""
    applied = add_months(activist_on, -5)
    w.open(applied)
    w.step(2, applied + dt.timedelta(days=15), basis="党支部书记谈话")
    w.step(3, activist_on, basis=f"支委会决定（{cn_date(activist_on)}）")
    filed = w.noticed_step(4, "入党积极分子", activist_on)
    if filed is None or not cultivators:
        return
    w.step(5, filed + dt.timedelta(days=2), people=w.sponsors(filed + dt.timedelta(days=2)))
    first = w.reviews(Review.Kind.ACTIVIST, activist_on, review_until)
    if first is not None:
        w.step(6, first, note="培养联系人定期谈话，半年考察一次。")


def _training(w: _Writer, end: dt.date) -> None:
    if TrainingRecord.objects.filter(
        member=w.member, kind=TrainingRecord.Kind.ACTIVIST, end_on__lte=end
    ).exists():
        return
    training.training_record(
        actor=w.demo.actor,
        member=w.member,
        kind=TrainingRecord.Kind.ACTIVIST,
        course="发展对象集中培训班",
        organiser="集团党委党校",
        start_on=end - dt.timedelta(days=2),
        end_on=end,
        days=Decimal(3),
        hours=Decimal(24),
        certificate=f"FZ{end:%Y}-{w.member.pk:04d}",
    )


def _candidate_until(w: _Writer, candidate_on: dt.date, *, stop_after: int) -> dt.date | None:
    """Steps ⑦–`stop_after` for a 发展对象 determined on `candidate_on`. The last date reached."""
    if not w.step(7, candidate_on, basis=f"支委会决定（{cn_date(candidate_on)}）"):
        return None
    filed = w.noticed_step(8, "发展对象", candidate_on)
    if filed is None:
        return None
    day = filed + dt.timedelta(days=3)
    if not w.step(9, day, people=w.sponsors(day)):
        return None
    day += dt.timedelta(days=10)
    if not w.step(10, day, basis="政治审查合格（函调、外调材料齐全）"):
        return None
    day += dt.timedelta(days=14)
    _training(w, day)
    if not w.step(11, day, basis="集团党委党校发展对象集中培训班结业"):
        return None
    if stop_after <= 11:
        return day
    day += dt.timedelta(days=7)
    if not w.step(12, day, basis=f"支委会审查（{cn_date(day)}）"):
        return None
    return w.noticed_step(13, "中共预备党员", day)


def _probationary(w: _Writer, member: Member, demo: Demo) -> None:
    joined = member.joined_on
    assert joined is not None
    activist_on = add_months(joined, -22)
    candidate_on = add_months(joined, -8)
    _activist_until(w, activist_on, review_until=candidate_on)
    last = _candidate_until(w, candidate_on, stop_after=13)
    if last is None or last >= joined:
        return
    w.step(14, last + dt.timedelta(days=3), basis="填写入党志愿书")
    w.step(15, joined, basis=f"支部党员大会表决通过（{cn_date(joined)}）")
    w.step(16, joined + dt.timedelta(days=10), basis="上级党委组织员谈话")
    if not w.step(17, add_months(joined, 1), basis="上级党委审批同意接收为中共预备党员"):
        return
    w.step(18, add_months(joined, 1) + dt.timedelta(days=5), basis="报党委组织部备案")
    w.step(19, add_months(joined, 1) + dt.timedelta(days=6), basis="编入党支部和党小组")
    w.step(20, add_months(joined, 1) + dt.timedelta(days=20), basis="七一集中入党宣誓")
    first = w.reviews(Review.Kind.PROBATIONARY, joined, demo.on, months=3)
    if first is not None:
        w.step(21, first, note="预备期内每季度考察一次。")
        w.step(22, max(first, add_months(joined, 11)), basis="本人递交转正申请书")


def load(demo: Demo) -> int:
    people = (
        Member.objects.filter(
            is_active=True,
            branch__code__startswith="DJ-",
            category__in=(Category.APPLICANT, Category.ACTIVIST, Category.CANDIDATE, Category.PROBATIONARY),
            development_file__isnull=True,
        )
        .select_related("branch")
        .order_by("branch__code", "category", "id_number")
    )
    created = 0
    seen: dict[tuple[str, str], int] = {}
    for member in people:
        key = (member.branch.code, member.category)
        index = seen[key] = seen.get(key, -1) + 1
        w = _Writer(demo, member)
        if member.category == Category.APPLICANT:
            _applicant(w, index, demo)
        elif member.category == Category.ACTIVIST:
            long = member.branch.code == OVERDUE_BRANCH and index == 0
            activist_on = demo.months_ago(13 if long else 6 + index % 5, day=8 + index)
            overdue_review = member.branch.code == OVERDUE_BRANCH and index == 1
            until = demo.months_ago(1) if overdue_review else demo.on
            if overdue_review:
                activist_on = demo.months_ago(13, day=12)
                until = add_months(activist_on, 6)
            cultivators = member.branch.code != NO_CULTIVATOR_BRANCH
            _activist_until(w, activist_on, review_until=until, cultivators=cultivators)
        elif member.category == Category.CANDIDATE:
            candidate_on = demo.months_ago(2 + index % 4, day=10 + index)
            _activist_until(w, add_months(candidate_on, -14), review_until=candidate_on)
            _candidate_until(w, candidate_on, stop_after=11)
        else:
            _probationary(w, member, demo)
        created += 1
    return created


SECTION = Section("入党档案", load)
