"""One demo login per role (SPEC §0), all with the password `PASSWORD`. The branch secretaries'
accounts belong to the members who are 书记 of their branch; the 党员 account to an ordinary member
of one of those branches. `demo_logins` prints this table."""

from dataclasses import dataclass

from zhibu.accounts import services
from zhibu.accounts.models import Role, User
from zhibu.demo.base import PASSWORD, Demo, Section
from zhibu.demo.orgs import TOP
from zhibu.members.models import Member
from zhibu.orgs.models import CommitteeMember, CommitteePost


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    org_code: str
    try_this: str
    full_name: str = ""
    member_tag: str = ""  # the account belongs to the person of the people plan with this tag
    secretary_of: bool = False  # the account belongs to the branch's current 书记


LOGINS: list[Login] = [
    Login(
        "admin",
        Role.SYSTEM_ADMIN,
        TOP,
        "用户管理：新建账号、授予角色、重置密码、解除锁定",
        full_name="系统管理员",
    ),
    Login(
        "zuzhibu",
        Role.ORG_OFFICER,
        TOP,
        "首页查看全部党支部的提示（任期届满、人数超50人、缺纪检委员…）；组织架构、党员名册、导入导出",
        member_tag="officer",
    ),
    Login(
        "shuji_cq",
        Role.BRANCH_SECRETARY,
        "DJ-LS-CQ",
        "首页的发展党员到期事项和党费欠缴；发展党员（25步、时限校验、登记表）；党费台账；党员名册、转接",
        secretary_of=True,
    ),
    Login(
        "shuji_yk",
        Role.BRANCH_SECRETARY,
        "DJ-CY-YK",
        "支委会任期已届满的提示；积极分子未落实培养联系人；党费连续欠缴6个月的标记",
        secretary_of=True,
    ),
    Login(
        "dangyuan",
        Role.MEMBER,
        "DJ-LS-CQ",
        "我的信息（身份证号已遮蔽）、我的目标、我的党费；手机上打开也可以",
        member_tag="demo-member",
    ),
    Login(
        "inspector", Role.INSPECTOR, TOP, "只读查看各党支部的组织架构和党员名册", full_name="考核小组 检查员"
    ),
    Login("rater", Role.RATER, TOP, "组织架构（考评打分随考评模块提供）", member_tag="leader-deputy2"),
    Login(
        "auditor",
        Role.AUDITOR,
        TOP,
        "审计日志（登录、查看完整身份证号等）；党建经费审计视图和党费台账（只读）",
        full_name="审计员",
    ),
]


def _member_of(demo: Demo, login: Login) -> Member | None:
    if login.member_tag:
        return demo.member(login.member_tag)
    if login.secretary_of:
        seat = CommitteeMember.objects.select_related("member").get(
            committee__organisation=demo.org(login.org_code),
            committee__is_current=True,
            post=CommitteePost.SECRETARY,
            end_on__isnull=True,
        )
        return seat.member
    return None


def load(demo: Demo) -> int:
    existing = set(
        User.objects.filter(username__in=[x.username for x in LOGINS]).values_list("username", flat=True)
    )
    created = 0
    for login in LOGINS:
        if login.username in existing:
            continue
        member = _member_of(demo, login)
        user = services.user_create(
            actor=demo.actor,
            password=PASSWORD,
            username=login.username,
            full_name=member.name if member else login.full_name,
            phone=member.phone if member else "",
            member=member,
            is_active=True,
        )
        services.role_grant(
            actor=demo.actor, user=user, role=login.role, organisation=demo.org(login.org_code)
        )
        created += 1
    return created


SECTION = Section("演示账号", load)
