"""The goal exports (.xlsx, DOC-4): a plan's goal tree, a member's goals, a 创先争优 plan."""

import io
from collections.abc import Iterable
from typing import Any

from openpyxl import Workbook

from zhibu.goals.models import ExcellencePlan
from zhibu.goals.rules import Node
from zhibu.lib.xlsx import add_sheet, workbook_bytes

GOAL_HEADERS = (
    "编号",
    "层级",
    "目标",
    "衡量方式",
    "单位",
    "目标值",
    "当前值",
    "进度（%）",
    "状态",
    "责任人",
    "完成日期",
    "上级目标编号",
    "上级目标",
    "权重",
    "责任目标方面",
)


def _goal_row(node: Node, titles: dict[int, str]) -> list[Any]:
    goal = node.goal
    return [
        goal.pk,
        ("　" * node.depth) + goal.get_level_display(),
        goal.title,
        goal.get_measure_display(),
        goal.unit,
        goal.target_value,
        goal.current_value,
        node.percent,
        "已取消" if goal.is_cancelled else node.status_label,
        goal.owner.name if goal.owner else "",
        goal.due_on,
        goal.parent_id or "",
        titles.get(goal.parent_id, "") if goal.parent_id else "",
        goal.weight,
        goal.get_aspect_display() if goal.aspect else "",
    ]


def plan_workbook(tree: Any) -> bytes:
    titles = {node.goal.pk: node.goal.title for node in tree.nodes}
    return workbook_bytes(
        f"{tree.plan.year}年度目标", GOAL_HEADERS, [_goal_row(node, titles) for node in tree.nodes]
    )


def member_workbook(member: Any, nodes: Iterable[Node]) -> bytes:
    headers = ("年度", "党组织", *GOAL_HEADERS)
    rows = [[n.goal.plan.year, n.goal.plan.organisation.name, *_goal_row(n, {})] for n in nodes]
    return workbook_bytes(f"{member.name}的目标", headers, rows)


def excellence_workbook(plan: ExcellencePlan) -> bytes:
    book = Workbook()
    add_sheet(
        book,
        "创先争优规划",
        (
            "党支部",
            "年度",
            "制定日期",
            "创建先进党支部的目标和措施",
            "争当优秀党员的目标和措施",
            "争创优秀党员人选",
        ),
        [
            [
                plan.organisation.name,
                plan.year,
                plan.adopted_on,
                plan.branch_aim,
                plan.member_aim,
                "、".join(m.name for m in plan.candidates.order_by("name")),
            ]
        ],
        first=True,
    )
    add_sheet(
        book,
        "对照检查",
        ("对照检查日期", "对照检查情况", "下一步措施"),
        [[r.reviewed_on, r.findings, r.next_steps] for r in plan.reviews.all()],
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
