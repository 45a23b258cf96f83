"""Writes to the member registry (MEM-1, MEM-4). A person is never deleted: a transfer out, 出党
or 去世 closes their placement and marks them out of the registry, keeping every row of history."""

import datetime as dt
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot
from zhibu.lib import idnumber
from zhibu.lib.dates import full_years_between, today
from zhibu.members.models import (
    PARTY_MEMBER_CATEGORIES,
    Category,
    Member,
    Placement,
    Standing,
    StatusChange,
    Transfer,
)
from zhibu.orgs.models import Organisation

EDITABLE_FIELDS = (
    "name",
    "gender",
    "ethnicity",
    "id_number",
    "birth_date",
    "education",
    "category",
    "branch",
    "group",
    "joined_on",
    "converted_on",
    "work_unit",
    "post",
    "phone",
    "address",
    "standing",
    "is_lost_contact",
    "lost_contact_on",
    "is_mobile",
    "mobile_destination",
    "dues_category",
    "dues_base",
)
# What an update's before/after shows: the record, not the bookkeeping timestamps.
_AUDITED = (*EDITABLE_FIELDS, "is_active")


def member_problems(data: dict[str, Any], *, on: dt.date | None = None) -> dict[str, str]:
    """Cross-field rules of the member record, as {field: Chinese message}. Pure: the import, the
    form and the services all call it, so a rule is written once."""
    on = on or today()
    problems: dict[str, str] = {}
    raw_id = data.get("id_number")
    parsed = None
    if raw_id:
        try:
            parsed = idnumber.parse(raw_id, today=on)
        except idnumber.IdNumberError as error:
            problems["id_number"] = str(error)
    if parsed:
        birth = data.get("birth_date")
        if birth and birth != parsed.birth_date:
            problems["birth_date"] = f"出生日期与公民身份号码不一致（号码中为{parsed.birth_date:%Y-%m-%d}）"
        gender = data.get("gender")
        if gender and gender != parsed.gender:
            expected = "男" if parsed.gender == idnumber.MALE else "女"
            problems["gender"] = f"性别与公民身份号码不一致（号码第17位表示{expected}）"
    for name, label in (
        ("birth_date", "出生日期"),
        ("joined_on", "入党日期"),
        ("converted_on", "转正日期"),
        ("lost_contact_on", "失联日期"),
    ):
        value = data.get(name)
        if value and value > on:
            problems.setdefault(name, f"{label}不能晚于今天")
    category = data.get("category")
    joined, converted = data.get("joined_on"), data.get("converted_on")
    if category in PARTY_MEMBER_CATEGORIES and not joined:
        problems.setdefault("joined_on", "正式党员和预备党员必须填写入党日期")
    if category == Category.FULL and joined and not converted:
        problems.setdefault("converted_on", "正式党员必须填写转正日期")
    if category not in (None, Category.FULL) and converted:
        problems.setdefault("converted_on", "只有正式党员才有转正日期")
    if category not in (None, *PARTY_MEMBER_CATEGORIES) and joined:
        problems.setdefault("joined_on", "尚未入党的人员不应填写入党日期")
    if joined and converted and converted < joined:
        problems.setdefault("converted_on", "转正日期不能早于入党日期")
    birth = data.get("birth_date") or (parsed.birth_date if parsed else None)
    if birth and joined and full_years_between(birth, joined) < 18:
        problems.setdefault("joined_on", "入党时未满18周岁（发展党员工作细则 B-1）")
    if data.get("is_lost_contact") and not data.get("lost_contact_on"):
        problems.setdefault("lost_contact_on", "失联党员必须填写失联日期")
    if not data.get("is_lost_contact") and data.get("lost_contact_on"):
        problems.setdefault("is_lost_contact", "填写了失联日期，但未标记为失联党员")
    if data.get("is_mobile") and not data.get("mobile_destination"):
        problems.setdefault("mobile_destination", "流动党员必须填写外出流向")
    branch, group = data.get("branch"), data.get("group")
    if branch is not None and branch.kind != Organisation.Kind.BRANCH:
        problems.setdefault("branch", f"{branch.name}不是党支部")
    if group is not None:
        if group.kind != Organisation.Kind.GROUP:
            problems.setdefault("group", f"{group.name}不是党小组")
        elif branch is not None and group.parent_id != branch.pk:
            problems.setdefault("group", f"党小组{group.name}不属于{branch.name}")
    base = data.get("dues_base")
    if base is not None and (base < 0 or base.as_tuple().exponent < -2):  # type: ignore[operator]
        problems.setdefault("dues_base", "党费基数应为非负数，最多两位小数")
    return problems


def _snapshot(member: Member, fields: Any = None) -> dict[str, Any]:
    """The member's fields for the audit log, with the 公民身份号码 masked: the auditor reads the log,
    and the full number is shown only through the logged reveal (MEM-6)."""
    data = snapshot(member, fields)
    if "id_number" in data:
        data["id_number"] = idnumber.mask(data["id_number"])
    return data


def _check_branch_active(branch: Organisation | None, field: str) -> None:
    if branch is not None and not Organisation.objects.filter(pk=branch.pk, is_active=True).exists():
        raise ValidationError({field: [f"{branch.name}已撤销，不能编入"]})


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})


def _fill_from_id(data: dict[str, Any]) -> None:
    if data.get("id_number"):
        data["id_number"] = idnumber.normalize(data["id_number"])
        try:
            parsed = idnumber.parse(data["id_number"])
        except idnumber.IdNumberError:
            return
        data.setdefault("birth_date", None)
        data["birth_date"] = data["birth_date"] or parsed.birth_date
        data["gender"] = data.get("gender") or parsed.gender


@transaction.atomic
def member_create(*, actor: Any, start_on: dt.date | None = None, reason: str = "", **data: Any) -> Member:
    data = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    _fill_from_id(data)
    _raise_if(member_problems(data))
    _check_branch_active(data.get("branch"), "branch")
    member = Member(**data)
    member.full_clean()
    member.save()
    since = start_on or member.joined_on or today()
    Placement.objects.create(
        member=member, branch=member.branch, group=member.group, start_on=since, reason=reason or "登记"
    )
    # A full member was probationary from admission to conversion: record both, so "正式 or 预备 on
    # a date" (SPEC §8) is right for any date after admission.
    previous = ""
    if member.category == Category.FULL and member.joined_on and member.converted_on:
        StatusChange.objects.create(
            member=member,
            field=StatusChange.Field.CATEGORY,
            old_value="",
            new_value=Category.PROBATIONARY,
            effective_on=member.joined_on,
            reason=reason or "登记",
            actor=_user(actor),
        )
        previous = Category.PROBATIONARY
    StatusChange.objects.create(
        member=member,
        field=StatusChange.Field.CATEGORY,
        old_value=previous,
        new_value=member.category,
        effective_on=_category_since(member) or since,
        reason=reason or "登记",
        actor=_user(actor),
    )
    if member.standing != Standing.NORMAL:
        # Registered with a 党籍状态 already changed (an import of an old 台账): keep it as history,
        # and someone who has left (出党, 去世) is out of the registry from the start.
        _standing_changed(member, Standing.NORMAL, since, reason or "登记", actor)
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=member,
        organisation=member.branch,
        after=_snapshot(member),
    )
    return member


def _category_since(member: Member) -> dt.date | None:
    if member.category == Category.FULL:
        return member.converted_on
    if member.category == Category.PROBATIONARY:
        return member.joined_on
    return None


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


@transaction.atomic
def member_update(
    *, actor: Any, member: Member, effective_on: dt.date | None = None, reason: str = "", **data: Any
) -> Member:
    """Correct or update a record. A change of branch or group is a move (placement history); a
    change of 人员类别 or 党籍状态 is a status change with a date."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    before = _snapshot(member, _AUDITED)
    data = {k: v for k, v in data.items() if k in EDITABLE_FIELDS}
    _fill_from_id(data)
    merged = {name: getattr(member, name) for name in EDITABLE_FIELDS} | data
    _raise_if(member_problems(merged))
    on = effective_on or today()
    old_category, old_standing, old_id = member.category, member.standing, member.id_number
    moved = merged["branch"] != member.branch or merged["group"] != member.group
    if moved and merged["branch"] != member.branch:
        _check_branch_active(merged["branch"], "branch")
    for name, value in data.items():
        setattr(member, name, value)
    member.full_clean()
    member.save()
    if moved:
        _move(member, on, reason or "调整所在组织")
    if member.category != old_category:
        StatusChange.objects.create(
            member=member,
            field=StatusChange.Field.CATEGORY,
            old_value=old_category,
            new_value=member.category,
            effective_on=_category_since(member) or on,
            reason=reason or "信息维护",
            actor=_user(actor),
        )
    if member.standing != old_standing:
        _standing_changed(member, old_standing, on, reason or "信息维护", actor)
    old, new = diff(before, _snapshot(member, _AUDITED))
    if member.id_number != old_id:  # a corrected number is logged even when its masked form is the same
        old["id_number"], new["id_number"] = idnumber.mask(old_id), idnumber.mask(member.id_number)
    if old or new:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=member,
            organisation=member.branch,
            before=old,
            after=new,
            note=reason,
        )
    return member


def _move(member: Member, on: dt.date, reason: str) -> None:
    current = Placement.objects.select_for_update().filter(member=member, end_on__isnull=True).first()
    if current is not None:
        if on < current.start_on:
            raise ValidationError(
                {"effective_on": [f"生效日期不能早于当前隶属关系的开始日期{current.start_on}"]}
            )
        if current.branch_id == member.branch_id and current.group_id == member.group_id:
            return
        current.end_on = on
        current.save(update_fields=["end_on"])
    if member.is_active:
        Placement.objects.create(
            member=member, branch=member.branch, group=member.group, start_on=on, reason=reason
        )


def _standing_changed(member: Member, old: str, on: dt.date, reason: str, actor: Any) -> None:
    StatusChange.objects.create(
        member=member,
        field=StatusChange.Field.STANDING,
        old_value=old,
        new_value=member.standing,
        effective_on=on,
        reason=reason,
        actor=_user(actor),
    )
    leaves = member.standing in (Standing.LEFT, Standing.DECEASED)
    if leaves and member.is_active:
        member.is_active = False
        member.save(update_fields=["is_active", "updated_at"])
        Placement.objects.filter(member=member, end_on__isnull=True).update(end_on=on)


@transaction.atomic
def member_change_status(
    *, actor: Any, member: Member, field: str, new_value: str, effective_on: dt.date, reason: str
) -> Member:
    """A dated change of 人员类别 or 党籍状态 with its reason (MEM-4)."""
    if not reason.strip():
        raise ValidationError({"reason": ["请填写变更原因或依据"]})
    if effective_on > today():
        raise ValidationError({"effective_on": ["生效日期不能晚于今天"]})
    member = Member.objects.select_for_update().get(pk=member.pk)
    current: dict[str, str] = {
        StatusChange.Field.CATEGORY: member.category,
        StatusChange.Field.STANDING: member.standing,
    }
    if field in current and current[field] == new_value:
        label = StatusChange(field=field).label(new_value)
        raise ValidationError({"new_value": [f"{member.name}的{StatusChange.Field(field).label}已是{label}"]})
    if field == StatusChange.Field.CATEGORY:
        data: dict[str, Any] = {"category": new_value}
        if new_value == Category.PROBATIONARY and not member.joined_on:
            data["joined_on"] = effective_on
        if new_value == Category.FULL and not member.converted_on:
            data["converted_on"] = effective_on
        return member_update(actor=actor, member=member, effective_on=effective_on, reason=reason, **data)
    if field == StatusChange.Field.STANDING:
        return member_update(
            actor=actor, member=member, effective_on=effective_on, reason=reason, standing=new_value
        )
    raise ValidationError({"field": ["未知的变更项目"]})


@transaction.atomic
def member_transfer(
    *,
    actor: Any,
    member: Member,
    kind: str,
    transferred_on: dt.date,
    to_branch: Organisation | None = None,
    to_group: Organisation | None = None,
    outside_organisation: str = "",
    letter_number: str = "",
    reason: str = "",
) -> Transfer:
    """组织关系转接: within the system (to another branch), or out of it (the person leaves the
    registry, history kept). Transfers in from outside are new registrations (`member_create`)."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    if not member.is_active:
        raise ValidationError({"member": [f"{member.name}已不在册，不能转接"]})
    if transferred_on > today():
        raise ValidationError({"transferred_on": ["转接日期不能晚于今天"]})
    from_branch = member.branch
    current = Placement.objects.filter(member=member, end_on__isnull=True).first()
    if current is not None and transferred_on < current.start_on:
        raise ValidationError(
            {"transferred_on": [f"转接日期不能早于当前隶属关系的开始日期{current.start_on:%Y-%m-%d}"]}
        )
    if kind == Transfer.Kind.INTERNAL:
        if to_branch is None or to_branch.kind != Organisation.Kind.BRANCH:
            raise ValidationError({"to_branch": ["请选择转入的党支部"]})
        if to_branch.pk == from_branch.pk:
            raise ValidationError({"to_branch": ["转入党支部与当前党支部相同"]})
        _check_branch_active(to_branch, "to_branch")
        if to_group is not None and to_group.parent_id != to_branch.pk:
            raise ValidationError({"to_group": [f"党小组{to_group.name}不属于{to_branch.name}"]})
        member_update(
            actor=actor,
            member=member,
            effective_on=transferred_on,
            reason=reason or "组织关系转接",
            branch=to_branch,
            group=to_group,
        )
    elif kind == Transfer.Kind.OUT:
        if not outside_organisation.strip():
            raise ValidationError({"outside_organisation": ["请填写转往的党组织"]})
        Placement.objects.filter(member=member, end_on__isnull=True).update(end_on=transferred_on)
        member.is_active = False
        member.save(update_fields=["is_active", "updated_at"])
    else:
        raise ValidationError({"kind": ["转入请使用“新增党员”登记"]})
    transfer = Transfer.objects.create(
        member=member,
        kind=kind,
        from_branch=from_branch,
        to_branch=to_branch if kind == "internal" else None,
        outside_organisation=outside_organisation,
        transferred_on=transferred_on,
        letter_number=letter_number,
        reason=reason,
        actor=_user(actor),
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.TRANSFER,
        obj=member,
        organisation=from_branch,
        before={"branch": from_branch.pk},
        after=snapshot(transfer),
        note=reason,
    )
    return transfer


def member_reveal_id_number(*, actor: Any, member: Member, ip_address: str | None = None) -> str:
    """The full 公民身份号码, logged (MEM-6)."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW_SENSITIVE,
        obj=member,
        organisation=member.branch,
        note="查看完整公民身份号码",
        ip_address=ip_address,
    )
    return member.id_number


def members_reveal_id_numbers(
    *, actor: Any, members: list[Member], channel: str, ip_address: str | None = None
) -> None:
    """A list of full 公民身份号码 shown at once (API page, export): one event naming them (MEM-6)."""
    if not members:
        return
    audit_record(
        actor=actor,
        action=AuditEvent.Action.VIEW_SENSITIVE,
        object_type="members.member",
        object_repr=f"党员名单（完整公民身份号码{len(members)}个）",
        after={"member_ids": [m.pk for m in members]},
        note=f"通过{channel}查看完整公民身份号码{len(members)}个",
        ip_address=ip_address,
    )
