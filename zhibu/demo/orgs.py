"""The demo's organisation tree: a fictional fuel-sales company (油库, 配送中心, 加油站片区) with one
党委, two 党总支, nine 党支部 and their 党小组 (ORG-1)."""

import datetime as dt
from dataclasses import dataclass

from zhibu.demo.base import Demo, Section
from zhibu.orgs import services
from zhibu.orgs.models import Organisation

TOP = "DJ"
COMPANY = "东江石油销售有限公司"


@dataclass(frozen=True)
class OrgPlan:
    code: str
    name: str
    kind: str
    parent: str | None
    unit_name: str
    founded_on: dt.date
    short_name: str = ""
    address: str = ""
    phone: str = ""


_K = Organisation.Kind

TREE: list[OrgPlan] = [
    OrgPlan(
        TOP,
        f"中共{COMPANY}委员会",
        _K.PARTY_COMMITTEE,
        None,
        COMPANY,
        dt.date(2008, 3, 18),
        short_name="公司党委",
        address="东江市江北区滨江东路168号",
        phone="0752-2831001",
    ),
    OrgPlan(
        "DJ-JG1",
        "机关第一党支部",
        _K.BRANCH,
        TOP,
        "综合办公室、党群工作部、人力资源部",
        dt.date(2008, 5, 6),
        address="东江市江北区滨江东路168号",
    ),
    OrgPlan(
        "DJ-JG2",
        "机关第二党支部",
        _K.BRANCH,
        TOP,
        "经营管理部、安全数质量部、信息中心",
        dt.date(2008, 5, 6),
        address="东江市江北区滨江东路168号",
    ),
    OrgPlan(
        "DJ-CW",
        "财务党支部",
        _K.BRANCH,
        TOP,
        "财务资产部",
        dt.date(2012, 9, 12),
        address="东江市江北区滨江东路168号",
    ),
    OrgPlan(
        "DJ-CY",
        f"中共{COMPANY}储运分公司总支部委员会",
        _K.GENERAL_BRANCH,
        TOP,
        "储运分公司",
        dt.date(2010, 6, 28),
        short_name="储运党总支",
        address="东江市临港区港湾大道9号",
    ),
    OrgPlan(
        "DJ-CY-YK",
        "油库党支部",
        _K.BRANCH,
        "DJ-CY",
        "东江油库",
        dt.date(2010, 7, 1),
        address="东江市临港区港湾大道9号",
        phone="0752-2831120",
    ),
    OrgPlan(
        "DJ-CY-PS",
        "配送中心党支部",
        _K.BRANCH,
        "DJ-CY",
        "二次物流配送中心",
        dt.date(2014, 3, 20),
        address="东江市临港区物流园纬三路6号",
    ),
    OrgPlan(
        "DJ-LS",
        f"中共{COMPANY}零售管理中心总支部委员会",
        _K.GENERAL_BRANCH,
        TOP,
        "零售管理中心",
        dt.date(2011, 4, 15),
        short_name="零售党总支",
        address="东江市江南区人民路201号",
    ),
    OrgPlan(
        "DJ-LS-CQ",
        "城区片区党支部",
        _K.BRANCH,
        "DJ-LS",
        "城区片区（人民路、滨江、东环等加油站）",
        dt.date(2011, 5, 10),
        address="东江市江南区人民路201号",
    ),
    OrgPlan(
        "DJ-LS-BB",
        "北部片区党支部",
        _K.BRANCH,
        "DJ-LS",
        "北部片区（北环、龙岗、石湾加油站）",
        dt.date(2013, 8, 2),
        address="东江市北城区北环大道88号",
    ),
    OrgPlan(
        "DJ-LS-NH",
        "南湖片区党支部",
        _K.BRANCH,
        "DJ-LS",
        "南湖片区（南湖、金山加油站）",
        dt.date(2015, 11, 18),
        address="东江市南湖区湖滨路12号",
    ),
    OrgPlan(
        "DJ-LS-XQ",
        "新区加油站党支部",
        _K.BRANCH,
        "DJ-LS",
        "新区加油站",
        dt.date(2025, 5, 20),
        address="东江市高新区科创大道1号",
    ),
]

# 党小组 of the branches with 10 or more people: (name, the work unit its members belong to).
GROUPS: dict[str, list[tuple[str, str]]] = {
    "DJ-JG1": [("综合办公室党小组", "综合办公室"), ("党群人事党小组", "党群工作部")],
    "DJ-JG2": [
        ("经营管理党小组", "经营管理部"),
        ("安全质量党小组", "安全数质量部"),
        ("信息中心党小组", "信息中心"),
    ],
    "DJ-CW": [("会计核算党小组", "财务资产部"), ("资金管理党小组", "财务资产部")],
    "DJ-CY-YK": [
        ("收发作业党小组", "东江油库"),
        ("设备安全党小组", "东江油库"),
        ("油库综合党小组", "东江油库"),
    ],
    "DJ-CY-PS": [("运输一队党小组", "配送中心运输一队"), ("运输二队党小组", "配送中心运输二队")],
    "DJ-LS-CQ": [
        ("人民路加油站党小组", "人民路加油站"),
        ("滨江加油站党小组", "滨江加油站"),
        ("东环加油站党小组", "东环加油站"),
        ("片区管理党小组", "城区片区管理部"),
    ],
    "DJ-LS-BB": [
        ("北环加油站党小组", "北环加油站"),
        ("龙岗加油站党小组", "龙岗加油站"),
        ("石湾加油站党小组", "石湾加油站"),
    ],
    "DJ-LS-NH": [("南湖加油站党小组", "南湖加油站"), ("金山加油站党小组", "金山加油站")],
}


def group_code(branch_code: str, index: int) -> str:
    return f"{branch_code}-{index + 1}"


def _plans() -> list[OrgPlan]:
    plans = list(TREE)
    by_code = {plan.code: plan for plan in TREE}
    for branch_code, groups in GROUPS.items():
        branch = by_code[branch_code]
        for index, (name, unit) in enumerate(groups):
            plans.append(
                OrgPlan(
                    group_code(branch_code, index),
                    name,
                    _K.GROUP,
                    branch_code,
                    unit,
                    branch.founded_on,
                    address=branch.address,
                )
            )
    return plans


def load(demo: Demo) -> int:
    existing = set(
        Organisation.objects.filter(code__in=[p.code for p in _plans()]).values_list("code", flat=True)
    )
    created = 0
    for order, plan in enumerate(_plans()):
        if plan.code in existing:
            continue
        services.organisation_create(
            actor=demo.actor,
            code=plan.code,
            name=plan.name,
            short_name=plan.short_name,
            kind=plan.kind,
            parent=demo.org(plan.parent) if plan.parent else None,
            unit_name=plan.unit_name,
            founded_on=plan.founded_on,
            address=plan.address,
            phone=plan.phone,
            sort_order=order,
        )
        created += 1
    return created


SECTION = Section("党组织", load)
