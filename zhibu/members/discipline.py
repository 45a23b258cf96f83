"""党纪处分 on a member's record (MEM-1's record; RULES B-6).

Five kinds (警告, 严重警告, 撤销党内职务, 留党察看, 开除党籍). 留党察看 lasts 12 or 24 months (党章
第四十条: at most two years) and ends when the member's rights are restored (恢复党员权利), once, on a
date. From the day it is decided until the day before the restoration the member is under
probation (`Discipline.is_probation_on`): such a member cannot be a 培养联系人 or 入党介绍人 (B-6).
A record is never deleted; the restoration is the one change it takes.
"""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot
from zhibu.lib.dates import add_months, cn_date, today
from zhibu.members.models import PARTY_MEMBER_CATEGORIES, Discipline, Member

Kind = Discipline.Kind
PROBATION_MONTHS = (12, 24)


def _probation_q(on: dt.date) -> Q:
    return Q(kind=Kind.PROBATION, decided_on__lte=on) & (
        Q(rights_restored_on__isnull=True) | Q(rights_restored_on__gt=on)
    )


def under_probation(member_ids: Iterable[int], on: dt.date) -> set[int]:
    """The ids among `member_ids` under 留党察看 on `on` (rights not restored by then): one query."""
    ids = list(member_ids)
    if not ids:
        return set()
    return set(
        Discipline.objects.filter(_probation_q(on), member_id__in=ids).values_list("member_id", flat=True)
    )


@dataclass
class DisciplineRow:
    record: Discipline
    under_probation: bool
    probation_end: dt.date | None


def member_disciplines(member: Member, on: dt.date | None = None) -> list[DisciplineRow]:
    """A member's disciplines, newest first, each with whether it holds on `on` (today): one query."""
    on = on or today()
    return [
        DisciplineRow(record, record.is_probation_on(on), probation_end(record))
        for record in member.disciplines.order_by("-decided_on", "-id")
    ]


def probation_end(discipline: Discipline) -> dt.date | None:
    """When a 留党察看 period runs out (the restoration is still its own decision)."""
    if discipline.kind != Kind.PROBATION or not discipline.probation_months:
        return None
    return add_months(discipline.decided_on, discipline.probation_months)


@transaction.atomic
def discipline_record(
    *,
    actor: Any,
    member: Member,
    kind: str,
    decided_on: dt.date,
    decided_by: str,
    reason: str,
    probation_months: int | None = None,
) -> Discipline:
    """Record a 党纪处分 decided on `decided_on` by `decided_by`."""
    member = Member.objects.select_for_update().select_related("branch").get(pk=member.pk)
    problems: dict[str, str] = {}
    if kind not in Kind.values:
        problems["kind"] = "处分类别应为：" + "、".join(str(label) for label in Kind.labels)
    if member.category not in PARTY_MEMBER_CATEGORIES:
        problems["member"] = (
            f"{member.name}是{member.get_category_display()}，党纪处分只适用于党员（正式党员、预备党员）"
        )
    if kind == Kind.PROBATION:
        if probation_months not in PROBATION_MONTHS:
            problems["probation_months"] = "留党察看期限应为12个月或24个月（党章第四十条：最长不超过两年）"
    elif probation_months is not None:
        problems["probation_months"] = "只有留党察看需要填写察看期限"
    if decided_on is None:
        problems["decided_on"] = "请填写处分决定日期"
    elif decided_on > today():
        problems["decided_on"] = "处分决定日期不能晚于今天（只登记已作出的处分决定）"
    elif member.joined_on and decided_on < member.joined_on:
        problems["decided_on"] = f"处分决定日期不能早于入党日期{cn_date(member.joined_on)}"
    for name, label, value, limit in (
        ("decided_by", "决定机关", decided_by, 100),
        ("reason", "处分事由", reason, 300),
    ):
        text = (value or "").strip()
        if not text:
            problems[name] = f"请填写{label}"
        elif len(text) > limit:
            problems[name] = f"{label}不能超过{limit}个字"
    if kind == Kind.PROBATION and decided_on and "decided_on" not in problems:
        current = Discipline.objects.filter(_probation_q(decided_on), member=member).first()
        if current is not None:
            problems["kind"] = (
                f"{member.name}自{cn_date(current.decided_on)}起正在留党察看期间，尚未恢复党员权利，"
                "不能再次给予留党察看"
            )
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})

    discipline = Discipline(
        member=member,
        kind=kind,
        decided_on=decided_on,
        decided_by=decided_by.strip(),
        reason=reason.strip(),
        probation_months=probation_months if kind == Kind.PROBATION else None,
    )
    discipline.full_clean()
    discipline.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=discipline,
        organisation=member.branch,
        after=snapshot(discipline),
        note=f"{member.name}：{discipline.get_kind_display()}（{decided_by.strip()}，{cn_date(decided_on)}）",
    )
    return discipline


@transaction.atomic
def discipline_restore(*, actor: Any, discipline: Discipline, restored_on: dt.date) -> Discipline:
    """恢复党员权利 at the end of a 留党察看: once, on or after the decision, not in the future."""
    discipline = Discipline.objects.select_for_update().select_related("member__branch").get(pk=discipline.pk)
    problems: dict[str, str] = {}
    if discipline.kind != Kind.PROBATION:
        problems["kind"] = f"只有留党察看可以恢复党员权利（该处分为{discipline.get_kind_display()}）"
    elif discipline.rights_restored_on is not None:
        problems["restored_on"] = f"已于{cn_date(discipline.rights_restored_on)}恢复党员权利，不能重复恢复"
    elif restored_on is None:
        problems["restored_on"] = "请填写恢复党员权利日期"
    elif restored_on < discipline.decided_on:
        problems["restored_on"] = f"恢复党员权利日期不能早于处分决定日期{cn_date(discipline.decided_on)}"
    elif restored_on > today():
        problems["restored_on"] = "恢复党员权利日期不能晚于今天"
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})

    before = snapshot(discipline, ("rights_restored_on",))
    discipline.rights_restored_on = restored_on
    discipline.save(update_fields=["rights_restored_on"])
    old, new = diff(before, snapshot(discipline, ("rights_restored_on",)))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=discipline,
        organisation=discipline.member.branch,
        before=old,
        after=new,
        note=f"{discipline.member.name}：{cn_date(restored_on)}恢复党员权利",
    )
    return discipline
