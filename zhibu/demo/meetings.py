"""A year of organisational life for every branch (ACT-1…4), up to the run date, recorded through
`meeting_record` like a secretary would: 党员大会 and 党课 each quarter, 支委会 monthly (branches
with an elected committee, from its election), 党小组会 monthly per group, 主题党日 monthly,
组织生活会 and 民主评议党员 in the previous December, 警示教育, two 特色活动, 谈心谈话 each
half year; decisions with votes (admissions, commendations) and their 公示; each branch's yearly
活动计划.

The calendar has to show something, so the year has realistic gaps:
- 机关第二党支部 missed the 支委会 of one month (four months before the run date), 城区片区党支部
  last month's;
- 财务党支部 missed the 党课 of one quarter;
- 南湖片区党支部 held only one 特色活动 this year;
- 城区片区 attends ≈90%, 配送中心 (drivers on the road) ≈85%, the others ≈96%; people on leave
  make up the lesson within days — except one member of 北部片区 absent without a make-up;
- 油库党支部's commendation was never published (no 公示);
- 新区加油站党支部 has no yearly activity plan.

Each meeting's date depends only on its branch, kind and month (never on the run date), so a second
run finds every meeting by its natural key (组织代码 + 会议类型 + 日期 + 主题) and creates nothing."""

import datetime as dt
import random
from dataclasses import dataclass

from zhibu.demo.base import SEED, Demo, Section
from zhibu.demo.orgs import GROUPS, TREE, group_code
from zhibu.lib.dates import add_months
from zhibu.meetings import services
from zhibu.meetings.models import ActivityPlan, Attendance, Decision, Kind, Meeting, Notice
from zhibu.meetings.selectors import branch_secretary_name, expected_members
from zhibu.members.models import Member
from zhibu.orgs.models import BranchCommittee, Organisation

BRANCH_CODES = [plan.code for plan in TREE if plan.kind == Organisation.Kind.BRANCH]
# Branches whose committee is a secretary only (fewer than 7 full members, RULES A-2): no 支委会.
NO_COMMITTEE = {"DJ-LS-XQ"}
# (branch, months before the run date): 机关第二 four months ago; 城区片区 (the demo secretary
# shuji_cq's branch) last month, so its secretary finds a reminder after `make run`.
MISSED_COMMITTEES = (("DJ-JG2", 4), ("DJ-LS-CQ", 1))
MISSED_LESSON = ("DJ-CW", 6)  # the quarter of the month this many months before the run date
ONE_FEATURED = "DJ-LS-NH"
NO_ACTIVITY_PLAN = "DJ-LS-XQ"
ABSENT_WITHOUT_MAKEUP = "DJ-LS-BB"
UNPUBLISHED_COMMENDATION = "DJ-CY-YK"
# Share of the expected who are away from a meeting, by branch (the rest: DEFAULT_AWAY).
AWAY = {"DJ-LS-CQ": 0.10, "DJ-CY-PS": 0.17}
DEFAULT_AWAY = 0.04
LEAVE_REASONS = ("出差", "病假", "倒班休息", "外出培训", "事假", "家中有事")
DRIVER_REASONS = ("出车在途", "长途配送", "出车在途", "倒班休息")
MAKEUP_NOTES = (
    "支部书记个别传达会议精神",
    "自学会议材料并交心得体会",
    "参加党小组集中补课",
    "观看会议录像并座谈",
)

THEME_DAYS = {
    1: "“新春送温暖”走访慰问困难党员",
    2: "重温入党誓词 坚定理想信念",
    3: "学习贯彻全国两会精神",
    4: "清明祭英烈 传承红色基因",
    5: "“安全生产月”党员查隐患",
    6: "“七一”主题党日：讲党课、过政治生日",
    7: "学习《中国共产党章程》",
    8: "“党员先锋岗”亮身份 作表率",
    9: "志愿服务进社区",
    10: "学习贯彻党的创新理论",
    11: "“学思想 强党性”读书分享会",
    12: "年终岗位大练兵 党员当先锋",
}
LESSONS = {
    1: "书记讲党课：以高质量党建引领高质量发展",
    2: "党课：严守政治纪律和政治规矩",
    3: "党课：弘扬伟大建党精神 做合格共产党员",
    4: "党课：全面从严治党永远在路上",
}
GENERAL_MEETINGS = {
    1: "审议年度党建工作计划和党员责任目标",
    2: "通报上半年工作，讨论发展党员工作",
    3: "传达上级会议精神，推进“党建+经营”融合",
    4: "年度工作总结和下一年度目标讨论",
}
GROUP_TOPICS = (
    "学习上级党组织文件精神",
    "交流岗位履职和安全生产情况",
    "学习《中国共产党纪律处分条例》",
    "开展批评与自我批评",
    "讨论本组党员责任目标完成情况",
    "学习先进典型事迹",
)
FEATURED = ("“红色加油站”志愿服务进社区", "“党员先锋岗”劳动竞赛启动仪式")
PLACE = "党员活动室"


@dataclass(frozen=True)
class Planned:
    organisation: Organisation
    kind: str
    held_on: dt.date
    topic: str
    branch_code: str


def _day(code: str, kind: str, year: int, month: int, low: int = 6, high: int = 26) -> dt.date:
    """The meeting's day of that month: depends on branch, kind and month only."""
    rng = random.Random(f"{SEED}:meetings:{code}:{kind}:{year}-{month}")
    return dt.date(year, month, rng.randint(low, high))


def _months(demo: Demo) -> list[tuple[int, int]]:
    """The twelve calendar months ending with the run date's month."""
    first = add_months(demo.on.replace(day=1), -11)
    return [(d.year, d.month) for d in (add_months(first, k) for k in range(12))]


def _committee_since(code: str) -> dt.date | None:
    committee = BranchCommittee.objects.filter(organisation__code=code, is_current=True).first()
    return committee.term_start if committee else None


def _plan(demo: Demo) -> list[Planned]:
    on = demo.on
    months = _months(demo)
    missed_committees = {
        (code, add_months(on, -months).year, add_months(on, -months).month)
        for code, months in MISSED_COMMITTEES
    }
    missed_lesson_month = add_months(on, -MISSED_LESSON[1])
    missed_lesson = (missed_lesson_month.year, (missed_lesson_month.month - 1) // 3 + 1)
    planned: list[Planned] = []
    for code in BRANCH_CODES:
        branch = demo.org(code)
        since = _committee_since(code)

        def add(
            kind: str, held_on: dt.date, topic: str, org: Organisation = branch, code: str = code
        ) -> None:
            if held_on <= on:
                planned.append(Planned(org, kind, held_on, topic, code))

        for year, month in months:
            quarter = (month - 1) // 3 + 1
            add(
                Kind.THEME_DAY,
                _day(code, Kind.THEME_DAY, year, month),
                f"{month}月主题党日：{THEME_DAYS[month]}",
            )
            held = _day(code, Kind.COMMITTEE_MEETING, year, month, 2, 12)
            if (
                code not in NO_COMMITTEE
                and since is not None
                and held >= since
                and (code, year, month) not in missed_committees
            ):
                add(Kind.COMMITTEE_MEETING, held, f"研究部署{month}月份党建和业务工作")
            for index, _group in enumerate(GROUPS.get(code, [])):
                group = demo.org(group_code(code, index))
                day = _day(group.code, Kind.GROUP_MEETING, year, month, 10, 25)
                add(
                    Kind.GROUP_MEETING,
                    day,
                    f"{month}月党小组会：{GROUP_TOPICS[month % len(GROUP_TOPICS)]}",
                    group,
                )
            if month % 3 == 2:  # the middle month of each quarter
                add(
                    Kind.GENERAL_MEETING,
                    _day(code, Kind.GENERAL_MEETING, year, month, 12, 22),
                    f"{year}年第{quarter}季度党员大会：{GENERAL_MEETINGS[quarter]}",
                )
            if month % 3 == 0 and not (code == MISSED_LESSON[0] and (year, quarter) == missed_lesson):
                add(Kind.PARTY_LESSON, _day(code, Kind.PARTY_LESSON, year, month, 8, 20), LESSONS[quarter])
        this_year, last_year = on.year, on.year - 1
        add(
            Kind.ORGANISATIONAL_LIFE_MEETING,
            _day(code, "olm", last_year, 12, 15, 25),
            f"{last_year}年度组织生活会",
        )
        add(Kind.MEMBER_REVIEW, _day(code, "review", last_year, 12, 15, 25), f"{last_year}年度民主评议党员")
        add(
            Kind.WARNING_EDUCATION,
            _day(code, "warning", this_year, 4, 10, 24),
            "观看警示教育片，开展以案促改",
        )
        for number, (month, topic) in enumerate(zip((6, 10), FEATURED, strict=True)):
            if code == ONE_FEATURED and number == 1:
                continue
            add(Kind.FEATURED_ACTIVITY, _day(code, f"featured{number}", this_year, month, 5, 25), topic)
        for half, month in ((1, 3), (2, 9)):
            half_label = "上半年" if half == 1 else "下半年"
            add(
                Kind.HEART_TO_HEART_TALK,
                _day(code, f"talk{half}", this_year, month, 3, 25),
                f"{half_label}支委与党员谈心谈话",
            )
    return planned


def _exceptions(
    demo: Demo, item: Planned, expected: list[Member], state: dict[str, bool]
) -> dict[int, services.Absence]:
    """Who was away: a seeded share of the expected, on leave with a make-up a few days later."""
    rng = random.Random(f"{SEED}:attendance:{item.organisation.code}:{item.kind}:{item.held_on}")
    share = AWAY.get(item.branch_code, DEFAULT_AWAY)
    reasons = DRIVER_REASONS if item.branch_code == "DJ-CY-PS" else LEAVE_REASONS
    away: dict[int, services.Absence] = {}
    for member in expected:
        if rng.random() >= share:
            continue
        makeup = min(item.held_on + dt.timedelta(days=rng.randint(2, 9)), demo.on)
        away[member.pk] = services.Absence(
            status=Attendance.Status.ON_LEAVE,
            reason=rng.choice(reasons),
            makeup_on=makeup,
            makeup_note=rng.choice(MAKEUP_NOTES),
        )
    # The one absence without a make-up (SPEC §8 "absences without make-up"): at 北部片区's first
    # 党员大会 of the year, one member was absent without leave and never made it up.
    if (
        item.branch_code == ABSENT_WITHOUT_MAKEUP
        and item.kind == Kind.GENERAL_MEETING
        and item.held_on.year == demo.on.year
        and not state.get("absent_done")
        and expected
    ):
        member = expected[-1]
        away[member.pk] = services.Absence(status=Attendance.Status.ABSENT, reason="未请假")
        state["absent_done"] = True
    return away


def _meetings(demo: Demo) -> int:
    planned = _plan(demo)
    orgs = {item.organisation.pk for item in planned}
    existing = set(
        Meeting.objects.filter(organisation_id__in=orgs).values_list(
            "organisation_id", "kind", "held_on", "topic"
        )
    )
    hosts: dict[tuple[str, int, int], str] = {}  # the secretary, looked up once a month
    state: dict[str, bool] = {}
    created = 0
    for item in sorted(planned, key=lambda p: (p.held_on, p.branch_code, p.kind, p.organisation.code)):
        if (item.organisation.pk, item.kind, item.held_on, item.topic) in existing:
            if item.branch_code == ABSENT_WITHOUT_MAKEUP and item.kind == Kind.GENERAL_MEETING:
                state["absent_done"] = state.get("absent_done") or item.held_on.year == demo.on.year
            continue
        expected = list(expected_members(item.organisation, item.kind, item.held_on).order_by("name", "id"))
        if not expected:
            continue
        branch = demo.org(item.branch_code)
        key = (item.branch_code, item.held_on.year, item.held_on.month)
        if key not in hosts:
            hosts[key] = branch_secretary_name(branch, item.held_on)
        services.meeting_record(
            actor=demo.actor,
            organisation=item.organisation,
            kind=item.kind,
            held_on=item.held_on,
            topic=item.topic,
            place=PLACE if item.kind != Kind.FEATURED_ACTIVITY else branch.address or PLACE,
            host=hosts[key] if item.organisation == branch else expected[0].name,
            recorder=expected[-1].name if len(expected) > 1 else "",
            minutes=f"会议由{hosts[key] or '支部负责人'}主持，围绕“{item.topic}”学习讨论，与会党员逐一发言。",
            start_time=dt.time(14, 30) if item.kind != Kind.THEME_DAY else dt.time(9, 0),
            exceptions=_exceptions(demo, item, expected, state),
        )
        created += 1
    return created


@dataclass(frozen=True)
class DecisionPlan:
    code: str
    quarter: int  # at that quarter's 党员大会 of the run date's year
    subject: str
    title: str
    notice: bool


DECISIONS = (
    DecisionPlan("DJ-LS-BB", 2, Decision.Subject.MEMBER_DEVELOPMENT, "讨论接收入党积极分子为发展对象", True),
    DecisionPlan("DJ-LS-CQ", 2, Decision.Subject.MEMBER_DEVELOPMENT, "讨论预备党员转正", True),
    DecisionPlan("DJ-LS-CQ", 2, Decision.Subject.COMMENDATION, "推荐“七一”优秀共产党员人选", True),
    DecisionPlan("DJ-JG1", 2, Decision.Subject.COMMENDATION, "推荐“七一”优秀共产党员人选", True),
    DecisionPlan(
        UNPUBLISHED_COMMENDATION, 2, Decision.Subject.COMMENDATION, "推荐“七一”优秀共产党员人选", False
    ),
    DecisionPlan("DJ-CY-PS", 3, Decision.Subject.MAJOR_MATTER, "审议党建经费使用计划", False),
)


def _decisions(demo: Demo) -> int:
    created = 0
    for plan in DECISIONS:
        branch = demo.org(plan.code)
        meeting = (
            Meeting.objects.filter(
                organisation=branch,
                kind=Kind.GENERAL_MEETING,
                held_on__year=demo.on.year,
                held_on__month=plan.quarter * 3 - 1,
            )
            .order_by("held_on")
            .first()
        )
        if meeting is None or meeting.decisions.filter(title=plan.title).exists():
            continue
        rows = list(meeting.attendances.values_list("status", flat=True))
        present = sum(1 for status in rows if status == Attendance.Status.PRESENT)
        against = 1 if present > 4 else 0
        decision = services.decision_record(
            actor=demo.actor,
            meeting=meeting,
            subject=plan.subject,
            title=plan.title,
            entitled=len(rows),
            present=present,
            votes_for=present - against,
            votes_against=against,
            resolution="经与会党员举手表决形成决议，按程序报上级党组织。",
        )
        created += 1
        if plan.notice:
            start = min(meeting.held_on + dt.timedelta(days=1), demo.on)
            services.notice_publish(
                actor=demo.actor,
                organisation=branch,
                subject=Notice.Subject.COMMENDATION
                if plan.subject == Decision.Subject.COMMENDATION
                else Notice.Subject.MEMBER_DEVELOPMENT,
                title=f"关于{plan.title.removeprefix('讨论')}的公示",
                content=f"经{meeting.held_on.month}月{meeting.held_on.day}日支部党员大会表决，现予公示。"
                "公示期间如有意见，请向支部或公司党委组织部反映。",
                start_on=start,
                end_on=start + dt.timedelta(days=7),
                decision=decision,
            )
            created += 1
    return created


def _activity_plans(demo: Demo) -> int:
    year = demo.on.year
    done = set(
        ActivityPlan.objects.filter(year=year, organisation__code__in=BRANCH_CODES).values_list(
            "organisation__code", flat=True
        )
    )
    created = 0
    for code in BRANCH_CODES:
        if code in done or code == NO_ACTIVITY_PLAN:
            continue
        lines = [f"{month}月：主题党日——{topic}" for month, topic in THEME_DAYS.items()]
        lines += [f"第{q}季度党课：{topic}" for q, topic in LESSONS.items()]
        lines += [f"特色活动：{topic}" for topic in FEATURED]
        services.activity_plan_set(
            actor=demo.actor,
            organisation=demo.org(code),
            year=year,
            adopted_on=min(dt.date(year, 1, 10), demo.on),
            content="\n".join(lines),
        )
        created += 1
    return created


def load(demo: Demo) -> int:
    return _meetings(demo) + _decisions(demo) + _activity_plans(demo)


SECTION = Section("组织生活", load)
