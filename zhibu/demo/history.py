"""The past year of the registry (MEM-4): transfers between branches, one transfer out of the
system, one 预备→正式 conversion and one 停止党籍 — through the same services a secretary uses, so
placements, status changes and audit events are real."""

from dataclasses import dataclass

from zhibu.demo.base import Demo, Section
from zhibu.lib.dates import add_years
from zhibu.members import services
from zhibu.members.models import Category, Standing, StatusChange, Transfer


@dataclass(frozen=True)
class TransferPlan:
    tag: str
    months_ago: int
    to_branch: str = ""  # 组织代码 of the new branch; empty for a transfer out
    to_group: str = ""
    outside: str = ""
    letter: str = ""
    reason: str = ""
    post: str = ""  # the new post and work unit after an internal transfer
    work_unit: str = ""


TRANSFERS: list[TransferPlan] = [
    TransferPlan(
        "transfer-cq",
        8,
        "DJ-LS-CQ",
        "DJ-LS-CQ-2",
        letter="东江石油组转〔2026〕3号",
        reason="工作调动：调任滨江加油站副站长",
        post="副站长",
        work_unit="滨江加油站",
    ),
    TransferPlan(
        "transfer-cw",
        5,
        "DJ-CW",
        "DJ-CW-1",
        letter="东江石油组转〔2026〕7号",
        reason="工作调动：调入财务资产部任会计",
        post="会计",
        work_unit="财务资产部",
    ),
    TransferPlan(
        "transfer-yk",
        3,
        "DJ-CY-YK",
        "DJ-CY-YK-1",
        letter="东江石油组转〔2026〕11号",
        reason="工作调动：调入东江油库任保管员",
        post="油库保管员",
        work_unit="东江油库",
    ),
    TransferPlan(
        "transfer-out",
        6,
        outside="中共东江市交通投资集团有限公司委员会",
        letter="东江石油组转〔2026〕5号",
        reason="调离本企业",
    ),
]


def _transfers(demo: Demo) -> int:
    created = 0
    for plan in TRANSFERS:
        member = demo.member(plan.tag)
        if Transfer.objects.filter(member=member).exists():
            continue
        when = demo.months_ago(plan.months_ago, day=15)
        if plan.to_branch:
            services.member_transfer(
                actor=demo.actor,
                member=member,
                kind=Transfer.Kind.INTERNAL,
                transferred_on=when,
                to_branch=demo.org(plan.to_branch),
                to_group=demo.org(plan.to_group),
                letter_number=plan.letter,
                reason=plan.reason,
            )
            services.member_update(
                actor=demo.actor,
                member=member,
                effective_on=when,
                reason=plan.reason,
                post=plan.post,
                work_unit=plan.work_unit,
            )
        else:
            services.member_transfer(
                actor=demo.actor,
                member=member,
                kind=Transfer.Kind.OUT,
                transferred_on=when,
                outside_organisation=plan.outside,
                letter_number=plan.letter,
                reason=plan.reason,
            )
        created += 1
    return created


def _conversion(demo: Demo) -> int:
    member = demo.member("to-convert")
    if member.category != Category.PROBATIONARY:
        return 0
    assert member.joined_on is not None
    services.member_change_status(
        actor=demo.actor,
        member=member,
        field=StatusChange.Field.CATEGORY,
        new_value=Category.FULL,
        effective_on=min(add_years(member.joined_on, 1), demo.on),
        reason="预备期满，经支部大会讨论通过、上级党组织批准，按期转为正式党员",
    )
    return 1


def _suspension(demo: Demo) -> int:
    member = demo.member("lost-contact")
    if member.standing != Standing.NORMAL:
        return 0
    services.member_change_status(
        actor=demo.actor,
        member=member,
        field=StatusChange.Field.STANDING,
        new_value=Standing.SUSPENDED,
        effective_on=demo.months_ago(3, day=10),
        reason="失去联系超过6个月，经多方查找仍无音讯；支部大会讨论、党委批准停止党籍（规则 D-4）",
    )
    return 1


def load(demo: Demo) -> int:
    return _transfers(demo) + _conversion(demo) + _suspension(demo)


SECTION = Section("组织关系转接与状态变更", load)
