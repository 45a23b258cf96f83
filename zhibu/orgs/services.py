"""Writes to the organisation tree and committees. Each service validates, saves and audits in
one transaction (ARCHITECTURE "Audit")."""

import datetime as dt
from typing import Any

from django.db import transaction

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot
from zhibu.lib.dates import add_years, today
from zhibu.lib.errors import refuse
from zhibu.lib.rules import rule_int
from zhibu.orgs.models import (
    ALLOWED_PARENT_KINDS,
    BranchCommittee,
    CommitteeMember,
    CommitteePost,
    ContactPoint,
    ContactVisit,
    FourSyncRecord,
    Organisation,
    OrganisationMove,
)

ORG_FIELDS = (
    "code",
    "name",
    "short_name",
    "kind",
    "parent",
    "founded_on",
    "unit_name",
    "is_village_or_community",
    "address",
    "phone",
    "sort_order",
)
# What an update's before/after shows: the record's own fields, not the bookkeeping timestamps.
_AUDITED = (*ORG_FIELDS, "path", "depth", "is_active", "dissolved_on")


def check_parent(kind: str, parent: Organisation | None, *, field: str = "parent") -> None:
    allowed = ALLOWED_PARENT_KINDS[kind]
    parent_kind = parent.kind if parent else None
    if parent_kind not in allowed:
        kind_label = Organisation.Kind(kind).label
        if parent is None:
            raise refuse(field, f"{kind_label}必须有上级组织")
        names = "、".join(Organisation.Kind(k).label if k else "（无上级）" for k in allowed)
        raise refuse(field, f"{kind_label}的上级只能是{names}，不能是{parent.get_kind_display()}")


def _check_parent_active(parent: Organisation | None, field: str) -> None:
    # Read the database, not the caller's copy: the parent may have been dissolved since it was loaded.
    if parent is not None and not Organisation.objects.filter(pk=parent.pk, is_active=True).exists():
        raise refuse(field, f"上级组织{parent.name}已撤销，不能在其下设置组织")


def _set_path(org: Organisation) -> None:
    org.path = f"{org.parent.path if org.parent else '/'}{org.pk}/"
    org.depth = org.path.count("/") - 2


@transaction.atomic
def organisation_create(*, actor: Any, **fields: Any) -> Organisation:
    org = Organisation(**{k: v for k, v in fields.items() if k in ORG_FIELDS})
    org.path = "/pending/"
    check_parent(org.kind, org.parent)
    _check_parent_active(org.parent, "parent")
    if org.parent is None:
        # One install serves one enterprise party committee (ARCHITECTURE "Scale"): one root.
        top = Organisation.objects.filter(parent__isnull=True, is_active=True).first()
        if top is not None:
            raise refuse("parent", f"已有最高一级党组织{top.name}，新建的党组织必须选择上级组织")
    org.full_clean()
    org.save()
    _set_path(org)
    org.save(update_fields=["path", "depth"])
    audit_record(actor=actor, action=AuditEvent.Action.CREATE, obj=org, organisation=org, after=snapshot(org))
    return org


@transaction.atomic
def organisation_update(*, actor: Any, organisation: Organisation, **fields: Any) -> Organisation:
    """Change attributes (not the place in the tree: see `organisation_move`)."""
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    before = snapshot(org, _AUDITED)
    changed = []
    for name, value in fields.items():
        if name in ORG_FIELDS and name != "parent" and getattr(org, name) != value:
            setattr(org, name, value)
            changed.append(name)
    if "kind" in changed:
        check_parent(org.kind, org.parent, field="kind")
        # Members point at their 党支部 and 党小组 (and so does their history): those stay what they are.
        was = before["kind"]
        if was == Organisation.Kind.BRANCH and org.members.exists():
            raise refuse("kind", f"{org.name}有党员记录，党支部不能改为其他组织类型")
        if was == Organisation.Kind.GROUP and org.group_members.exists():
            raise refuse("kind", f"{org.name}有党员记录，党小组不能改为其他组织类型")
        if org.children.exists():
            for child in org.children.all():
                check_parent(child.kind, org, field="kind")
    if not changed:
        return org
    org.full_clean()
    org.save(update_fields=[*changed, "updated_at"])
    old, new = diff(before, snapshot(org, _AUDITED))
    audit_record(
        actor=actor, action=AuditEvent.Action.UPDATE, obj=org, organisation=org, before=old, after=new
    )
    return org


@transaction.atomic
def organisation_move(
    *, actor: Any, organisation: Organisation, new_parent: Organisation, moved_on: dt.date, reason: str
) -> Organisation:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    new_parent = Organisation.objects.select_for_update().get(pk=new_parent.pk)  # its path as it is now
    if not reason.strip():
        raise refuse("reason", "调整隶属关系必须填写原因")
    if new_parent.path.startswith(org.path):
        raise refuse("new_parent", "不能把组织调整到它自己或它的下级组织之下")
    if new_parent.pk == org.parent_id:
        raise refuse("new_parent", f"{org.name}已是{new_parent.name}的下级组织")
    check_parent(org.kind, new_parent, field="new_parent")
    _check_parent_active(new_parent, "new_parent")
    if moved_on > today():
        raise refuse("moved_on", "调整日期不能晚于今天")
    old_parent = org.parent
    old_path = org.path
    org.parent = new_parent
    _set_path(org)
    org.save(update_fields=["parent", "path", "depth", "updated_at"])
    # Re-root the subtree: one pass over the descendants, ordered so parents come first.
    descendants = list(
        Organisation.objects.filter(path__startswith=old_path).exclude(pk=org.pk).order_by("depth")
    )
    by_id: dict[int | None, Organisation] = {org.pk: org}
    for node in descendants:
        parent = by_id[node.parent_id]
        node.path = f"{parent.path}{node.pk}/"
        node.depth = node.path.count("/") - 2
        by_id[node.pk] = node
    Organisation.objects.bulk_update(descendants, ["path", "depth"])
    OrganisationMove.objects.create(
        organisation=org,
        from_parent=old_parent,
        to_parent=new_parent,
        moved_on=moved_on,
        reason=reason,
        actor=actor,
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.MOVE,
        obj=org,
        organisation=org,
        before={"parent": old_parent.pk if old_parent else None, "path": old_path},
        after={"parent": new_parent.pk, "path": org.path},
        note=reason,
    )
    return org


@transaction.atomic
def organisation_dissolve(
    *, actor: Any, organisation: Organisation, dissolved_on: dt.date, reason: str
) -> None:
    org = Organisation.objects.select_for_update().get(pk=organisation.pk)
    if not reason.strip():
        raise refuse("reason", "撤销党组织必须填写原因或依据")
    if not org.is_active:
        raise refuse(None, f"{org.name}已撤销")
    if org.parent_id is None:
        raise refuse(None, "最高一级党组织不能撤销")
    if org.children.filter(is_active=True).exists():
        raise refuse(None, "该组织还有未撤销的下级组织，不能撤销")
    if org.members.filter(is_active=True).exists() or org.group_members.filter(is_active=True).exists():
        raise refuse(None, "该组织还有在册党员，请先办理组织关系转接")
    before = snapshot(org, ["is_active", "dissolved_on"])
    org.is_active = False
    org.dissolved_on = dissolved_on
    org.save(update_fields=["is_active", "dissolved_on", "updated_at"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=org,
        organisation=org,
        before=before,
        after=snapshot(org, ["is_active", "dissolved_on"]),
        note=f"撤销：{reason}",
    )


def default_term_years(organisation: Organisation) -> int:
    key = "committee.term_years_village" if organisation.is_village_or_community else "committee.term_years"
    return rule_int(key)


@transaction.atomic
def committee_elect(
    *,
    actor: Any,
    organisation: Organisation,
    elected_on: dt.date,
    term_start: dt.date | None = None,
    term_end: dt.date | None = None,
    approval_ref: str = "",
    notes: str = "",
) -> BranchCommittee:
    """Record an election: the new committee becomes current, the previous one is closed."""
    if organisation.kind == Organisation.Kind.GROUP:
        raise refuse(None, "党小组不设委员会")
    term_start = term_start or elected_on
    term_end = term_end or add_years(term_start, default_term_years(organisation))
    if term_end <= term_start:
        raise refuse("term_end", "任期届满日期必须晚于任期开始日期")
    previous = (
        BranchCommittee.objects.select_for_update().filter(organisation=organisation, is_current=True).first()
    )
    if previous is not None:
        if term_start < previous.term_start:
            raise refuse("term_start", "新一届任期开始不能早于上一届")
        previous.is_current = False
        previous.save(update_fields=["is_current"])
        previous.seats.filter(end_on__isnull=True).update(end_on=term_start, end_reason="换届")
    committee = BranchCommittee(
        organisation=organisation,
        elected_on=elected_on,
        term_start=term_start,
        term_end=term_end,
        approval_ref=approval_ref,
        notes=notes,
        is_current=True,
    )
    committee.full_clean()
    committee.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=committee,
        organisation=organisation,
        after=snapshot(committee),
    )
    return committee


@transaction.atomic
def committee_update(*, actor: Any, committee: BranchCommittee, **fields: Any) -> BranchCommittee:
    before = snapshot(committee)
    for name in ("elected_on", "term_start", "term_end", "approval_ref", "notes"):
        if name in fields:
            setattr(committee, name, fields[name])
    if committee.term_end <= committee.term_start:
        raise refuse("term_end", "任期届满日期必须晚于任期开始日期")
    committee.full_clean()
    committee.save()
    old, new = diff(before, snapshot(committee))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=committee,
        organisation=committee.organisation,
        before=old,
        after=new,
    )
    return committee


SINGLE_POSTS = (
    CommitteePost.SECRETARY,
    CommitteePost.ORGANISATION_OFFICER,
    CommitteePost.PUBLICITY_OFFICER,
    CommitteePost.DISCIPLINE_OFFICER,
)


@transaction.atomic
def committee_seat_add(
    *, actor: Any, committee: BranchCommittee, member: Any, post: str, start_on: dt.date
) -> CommitteeMember:
    org = committee.organisation
    if not committee.is_current:
        raise refuse(None, "只能在本届委员会中增补委员")
    if not member.is_active:
        raise refuse("member", f"{member.name}已不在册，不能担任委员")
    if start_on < committee.term_start:
        raise refuse("start_on", f"任职日期不能早于本届任期开始日期{committee.term_start:%Y-%m-%d}")
    in_subtree = member.branch.path.startswith(org.path)
    if not in_subtree:
        raise refuse("member", f"{member.name}不是{org.name}的党员")
    if member.category != "full":
        raise refuse("member", f"{member.name}不是正式党员，不能担任委员")
    open_seats = committee.seats.filter(end_on__isnull=True)
    if open_seats.filter(member=member).exists():
        raise refuse("member", f"{member.name}已是本届委员")
    if post in SINGLE_POSTS and open_seats.filter(post=post).exists():
        raise refuse("post", f"{CommitteePost(post).label}已有人担任，请先办理离任")
    if open_seats.count() >= rule_int("committee.max_size"):
        raise refuse(None, f"委员会不能超过{rule_int('committee.max_size')}人（规则 A-2）")
    seat = CommitteeMember(committee=committee, member=member, post=post, start_on=start_on)
    seat.full_clean()
    seat.save()
    audit_record(
        actor=actor, action=AuditEvent.Action.CREATE, obj=seat, organisation=org, after=snapshot(seat)
    )
    return seat


@transaction.atomic
def committee_seat_end(*, actor: Any, seat: CommitteeMember, end_on: dt.date, reason: str) -> CommitteeMember:
    if seat.end_on is not None:
        raise refuse(None, "该委员已离任")
    if end_on < seat.start_on:
        raise refuse("end_on", "离任日期不能早于任职日期")
    if not reason.strip():
        raise refuse("reason", "请填写离任原因")
    seat.end_on = end_on
    seat.end_reason = reason
    seat.save(update_fields=["end_on", "end_reason"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=seat,
        organisation=seat.committee.organisation,
        before={"end_on": None},
        after={"end_on": end_on, "end_reason": reason},
    )
    return seat


@transaction.atomic
def contact_point_create(
    *, actor: Any, leader: Any, organisation: Organisation, start_on: dt.date, focus: str = ""
) -> ContactPoint:
    if organisation.kind not in (Organisation.Kind.BRANCH, Organisation.Kind.GENERAL_BRANCH):
        raise refuse("organisation", "联系点应为党支部或党总支")
    leads = CommitteeMember.objects.filter(
        member=leader,
        end_on__isnull=True,
        committee__is_current=True,
        committee__organisation__kind__in=(
            Organisation.Kind.PARTY_COMMITTEE,
            Organisation.Kind.GENERAL_BRANCH,
        ),
        committee__organisation__pk__in=organisation.ancestor_ids(),
    )
    if not leader.is_active or not leads.exists():
        raise refuse("leader", f"{leader.name}不是{organisation.name}上级党委（党总支）的班子成员")
    if ContactPoint.objects.filter(leader=leader, organisation=organisation, end_on__isnull=True).exists():
        raise refuse("organisation", f"{leader.name}已联系{organisation.name}")
    point = ContactPoint(leader=leader, organisation=organisation, start_on=start_on, focus=focus)
    point.full_clean()
    point.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=point,
        organisation=organisation,
        after=snapshot(point),
    )
    return point


@transaction.atomic
def contact_visit_record(
    *, actor: Any, contact_point: ContactPoint, visited_on: dt.date, kind: str, summary: str
) -> ContactVisit:
    if visited_on < contact_point.start_on:
        raise refuse("visited_on", "活动日期早于联系点开始日期")
    if visited_on > today():
        raise refuse("visited_on", "活动日期不能晚于今天")
    visit = ContactVisit(contact_point=contact_point, visited_on=visited_on, kind=kind, summary=summary)
    visit.full_clean()
    visit.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=visit,
        organisation=contact_point.organisation,
        after=snapshot(visit),
    )
    return visit


@transaction.atomic
def four_sync_update(*, actor: Any, organisation: Organisation, **fields: Any) -> FourSyncRecord:
    record, _ = FourSyncRecord.objects.select_for_update().get_or_create(organisation=organisation)
    before = snapshot(record)
    for name in ("org_set_up", "cadres_assigned", "rules_made", "work_assessed", "notes", "checked_on"):
        if name in fields:
            setattr(record, name, fields[name])
    record.full_clean()
    record.save()
    old, new = diff(before, snapshot(record))
    if old or new:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=record,
            organisation=organisation,
            before=old,
            after=new,
        )
    return record
