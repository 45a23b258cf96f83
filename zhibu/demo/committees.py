"""Committees and their terms (ORG-2), the 党委 leaders' contact points with visits (ORG-3) and the
四个同步 checklist (ORG-4). The terms are dated from the run date so that the home page always
shows the demo's warnings: one term expired (油库), one ending within 6 months (财务), one
committee without a 纪检委员 (机关第二), and a small branch with a secretary only (新区加油站)."""

from dataclasses import dataclass

from zhibu.demo.base import Demo, Section
from zhibu.demo.orgs import TOP
from zhibu.demo.people import seat_candidates
from zhibu.lib.dates import add_years
from zhibu.members.models import Member
from zhibu.orgs import services
from zhibu.orgs.models import BranchCommittee, CommitteePost, ContactPoint, FourSyncRecord

P = CommitteePost
FULL_COMMITTEE = (
    P.SECRETARY,
    P.DEPUTY_SECRETARY,
    P.ORGANISATION_OFFICER,
    P.PUBLICITY_OFFICER,
    P.DISCIPLINE_OFFICER,
)
CORE = (P.SECRETARY, P.ORGANISATION_OFFICER, P.PUBLICITY_OFFICER, P.DISCIPLINE_OFFICER)


@dataclass(frozen=True)
class CommitteePlan:
    code: str
    elected_months_ago: int
    # Each seat: (post, who) — who is a tag of the people plan, or an index into the branch's
    # seat candidates (`people.seat_candidates`), or (branch code, index) for a 党总支's seat.
    seats: tuple[tuple[str, str | int | tuple[str, int]], ...]
    term_years: int | None = None
    approval_ref: str = ""


def _branch_seats(posts: tuple[str, ...]) -> tuple[tuple[str, int], ...]:
    return tuple((post, index) for index, post in enumerate(posts))


COMMITTEES: list[CommitteePlan] = [
    CommitteePlan(
        TOP,
        26,
        (
            (P.SECRETARY, "leader-secretary"),
            (P.DEPUTY_SECRETARY, "leader-deputy"),
            (P.DEPUTY_SECRETARY, "leader-deputy2"),
            (P.DISCIPLINE_OFFICER, "leader-discipline"),
            (P.OTHER, "leader-member1"),
            (P.OTHER, "leader-member2"),
        ),
        term_years=5,
        approval_ref="东江石化党字〔2024〕15号",
    ),
    CommitteePlan(
        "DJ-CY",
        16,
        (
            (P.SECRETARY, "gb-CY-secretary"),
            (P.DEPUTY_SECRETARY, "gb-CY-deputy"),
            (P.ORGANISATION_OFFICER, ("DJ-CY-YK", 1)),
            (P.PUBLICITY_OFFICER, ("DJ-CY-PS", 1)),
            (P.DISCIPLINE_OFFICER, ("DJ-CY-YK", 2)),
        ),
        approval_ref="东江石油党字〔2025〕8号",
    ),
    CommitteePlan(
        "DJ-LS",
        12,
        (
            (P.SECRETARY, "gb-LS-secretary"),
            (P.DEPUTY_SECRETARY, "gb-LS-deputy"),
            (P.ORGANISATION_OFFICER, ("DJ-LS-CQ", 1)),
            (P.PUBLICITY_OFFICER, ("DJ-LS-BB", 1)),
            (P.DISCIPLINE_OFFICER, ("DJ-LS-NH", 1)),
        ),
        approval_ref="东江石油党字〔2025〕21号",
    ),
    CommitteePlan("DJ-JG1", 14, _branch_seats(FULL_COMMITTEE)),
    # No 纪检委员: the "委员会缺少：纪检委员" warning (ORG-2).
    CommitteePlan("DJ-JG2", 20, _branch_seats((P.SECRETARY, P.ORGANISATION_OFFICER, P.PUBLICITY_OFFICER))),
    # Elected 33 months ago: the term ends within 6 months (RULES A-3 reminder).
    CommitteePlan("DJ-CW", 33, _branch_seats(CORE)),
    # Elected 40 months ago: the 3-year term has expired (RULES A-3).
    CommitteePlan("DJ-CY-YK", 40, _branch_seats(FULL_COMMITTEE)),
    CommitteePlan("DJ-CY-PS", 8, _branch_seats(CORE)),
    CommitteePlan("DJ-LS-CQ", 10, _branch_seats(FULL_COMMITTEE)),
    CommitteePlan("DJ-LS-BB", 24, _branch_seats(FULL_COMMITTEE)),
    CommitteePlan("DJ-LS-NH", 18, _branch_seats(CORE)),
    # Fewer than 7 full members: no 支委会, a secretary only (RULES A-2).
    CommitteePlan("DJ-LS-XQ", 5, ((P.SECRETARY, 0),)),
]


@dataclass(frozen=True)
class ContactPlan:
    leader: str  # tag of a 党委 member
    code: str
    started_months_ago: int
    focus: str
    visits: tuple[tuple[int, str, str], ...]  # (months ago, 方式, 内容摘要)


CONTACTS: list[ContactPlan] = [
    ContactPlan(
        "leader-secretary",
        "DJ-LS-CQ",
        22,
        "城区片区“党建+经营”融合、加油站党员示范岗",
        (
            (
                9,
                "调研指导",
                "到人民路加油站调研党员示范岗建设，听取片区上半年经营情况汇报，要求把党建责任落实到每座站。",
            ),
            (5, "讲党课", "为片区党员讲专题党课《守牢安全底线 服务城市发展》，党员及入党积极分子36人参加。"),
            (
                1,
                "座谈交流",
                "与站长、一线党员座谈，收集夜班安全、非油品销售等方面意见建议9条，已交办相关部门。",
            ),
        ),
    ),
    ContactPlan(
        "leader-secretary",
        "DJ-LS-XQ",
        14,
        "新站党组织建设和党建工作制度建立",
        ((8, "调研指导", "指导新区加油站党支部建立“三会一课”台账，明确支部书记职责和发展党员工作计划。"),),
    ),
    ContactPlan(
        "leader-deputy",
        "DJ-CY-YK",
        22,
        "油库安全生产与党员责任区",
        (
            (7, "调研指导", "检查油库收发作业区党员责任区落实情况，要求支部尽快完成换届选举筹备工作。"),
            (2, "座谈交流", "参加油库党支部组织生活会并讲话，点评班子成员对照检查材料。"),
        ),
    ),
    ContactPlan(
        "leader-deputy2",
        "DJ-JG2",
        22,
        "机关作风建设和支委会配备",
        ((6, "调研指导", "听取机关第二党支部工作汇报，指出支委会纪检委员空缺，要求及时增补。"),),
    ),
    ContactPlan(
        "leader-discipline",
        "DJ-CW",
        22,
        "廉洁风险防控和按期换届",
        ((4, "讲党课", "讲廉洁专题党课，剖析财务领域典型案例，提醒支部提前谋划换届。"),),
    ),
    ContactPlan(
        "leader-member1",
        "DJ-LS-BB",
        20,
        "片区党员发展和青年员工培养",
        ((3, "调研指导", "参加北部片区党支部预备党员转正讨论会，指导做好发展党员“五个环节”材料归档。"),),
    ),
    ContactPlan(
        "leader-member2",
        "DJ-LS-NH",
        20,
        "流动党员、失联党员管理",
        ((6, "调研指导", "督导南湖片区党支部查找失联党员，要求按规定程序处置并做好流动党员定期联系。"),),
    ),
    ContactPlan("leader-member2", "DJ-CY-PS", 20, "运输安全和驾驶员队伍建设", ()),
]

# 四个同步 (ORG-4): complete everywhere except the new station, whose rules are being written.
FOUR_SYNC_INCOMPLETE = {
    "DJ-LS-XQ": {
        "rules_made": False,
        "work_assessed": False,
        "notes": "新站2025年投运，党建工作制度正在制定，尚未纳入年度考核。",
    },
}
FOUR_SYNC_CODES = (
    "DJ-CY",
    "DJ-LS",
    "DJ-JG1",
    "DJ-JG2",
    "DJ-CW",
    "DJ-CY-YK",
    "DJ-CY-PS",
    "DJ-LS-CQ",
    "DJ-LS-BB",
    "DJ-LS-NH",
    "DJ-LS-XQ",
)


def _seat_member(demo: Demo, plan: CommitteePlan, who: str | int | tuple[str, int]) -> Member:
    if isinstance(who, str):
        return demo.member(who)
    code, index = who if isinstance(who, tuple) else (plan.code, who)
    return Member.objects.get(id_number=seat_candidates(demo, code)[index])


def _committees(demo: Demo) -> int:
    created = 0
    done = set(
        BranchCommittee.objects.filter(organisation__code__in=[p.code for p in COMMITTEES]).values_list(
            "organisation__code", flat=True
        )
    )
    for plan in COMMITTEES:
        if plan.code in done:
            continue
        org = demo.org(plan.code)
        elected = demo.months_ago(plan.elected_months_ago, day=18)
        committee = services.committee_elect(
            actor=demo.actor,
            organisation=org,
            elected_on=elected,
            term_start=elected,
            term_end=add_years(elected, plan.term_years) if plan.term_years else None,
            approval_ref=plan.approval_ref,
        )
        for post, who in plan.seats:
            services.committee_seat_add(
                actor=demo.actor,
                committee=committee,
                member=_seat_member(demo, plan, who),
                post=post,
                start_on=elected,
            )
        created += 1 + len(plan.seats)
    return created


def _contacts(demo: Demo) -> int:
    created = 0
    for plan in CONTACTS:
        leader, org = demo.member(plan.leader), demo.org(plan.code)
        if ContactPoint.objects.filter(leader=leader, organisation=org).exists():
            continue
        point = services.contact_point_create(
            actor=demo.actor,
            leader=leader,
            organisation=org,
            start_on=demo.months_ago(plan.started_months_ago, 1),
            focus=plan.focus,
        )
        for months, kind, summary in plan.visits:
            services.contact_visit_record(
                actor=demo.actor,
                contact_point=point,
                visited_on=demo.months_ago(months, day=12),
                kind=kind,
                summary=summary,
            )
        created += 1 + len(plan.visits)
    return created


def _four_sync(demo: Demo) -> int:
    done = set(
        FourSyncRecord.objects.filter(organisation__code__in=FOUR_SYNC_CODES).values_list(
            "organisation__code", flat=True
        )
    )
    created = 0
    for code in FOUR_SYNC_CODES:
        if code in done:
            continue
        fields = {
            "org_set_up": True,
            "cadres_assigned": True,
            "rules_made": True,
            "work_assessed": True,
            "checked_on": demo.months_ago(2, day=20),
        } | FOUR_SYNC_INCOMPLETE.get(code, {})
        services.four_sync_update(actor=demo.actor, organisation=demo.org(code), **fields)
        created += 1
    return created


def load(demo: Demo) -> int:
    return _committees(demo) + _contacts(demo) + _four_sync(demo)


SECTION = Section("委员会、联系点与四个同步", load)
