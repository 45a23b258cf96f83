"""流动党员 (MEM-3; RULES §D; seed §二.17 外出请假登记审批、专人联系、定期汇报).

A leave is registered (待审批), approved or rejected (who, when), given a contact person of the
branch and a 流动党员活动证 number; the member reports at least every `mobile.report_months`
months; the return closes it. The registry follows through `member_update`: an approved leave makes
the person a 流动党员 with the leave's destination, the return clears it, so the 党员名册 and the
records agree. Warnings come from one pure function, `mobile_warnings`."""

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max, Q, QuerySet
from django.http import Http404

from zhibu.accounts.scoping import scope_q
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot
from zhibu.lib.dates import add_months, cn_date, today
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.members.models import PARTY_MEMBER_CATEGORIES, Category, Member, MobileRecord, MobileReport
from zhibu.members.services import member_update
from zhibu.orgs.models import Organisation
from zhibu.orgs.selectors import Warning

Status = MobileRecord.Status
OPEN = (Status.REQUESTED, Status.APPROVED)


def _refuse(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


# ---------------------------------------------------------------------------------------------
# Warnings (pure)


def report_due_on(record: Any, last_report_on: dt.date | None, *, months: int) -> dt.date:
    """The day by which the next report is due: `months` after the last report, or after the
    approval (the leave date when no approval date is known)."""
    base = last_report_on or record.approved_on or record.left_on
    return add_months(base, months)


def mobile_warnings(
    record: Any,
    last_report_on: dt.date | None,
    *,
    on: dt.date,
    report_months: int = 3,
    transfer_months: int = 6,
) -> list[Warning]:
    """What the branch should act on for one leave. `record` needs status, left_on, approved_on,
    expected_return_on, contact_person_id and certificate_number. Pure.

    A report is overdue from the day after it was due (the due day itself is still in time)."""
    out: list[Warning] = []
    if record.status == Status.REQUESTED:
        out.append(Warning("warning", "外出请假尚未审批", "MEM-3"))
        return out
    if record.status != Status.APPROVED:
        return out
    if not record.contact_person_id:
        out.append(Warning("danger", "未指定支部联系人", "MEM-3"))
    due = report_due_on(record, last_report_on, months=report_months)
    if on > due:
        since = f"上次汇报为{cn_date(last_report_on)}" if last_report_on else "批准外出后尚无汇报"
        out.append(
            Warning(
                "danger",
                f"汇报已逾期：{since}，应于{cn_date(due)}前汇报（至少每{report_months}个月一次）",
                "MEM-3",
            )
        )
    if not record.certificate_number:
        out.append(Warning("info", "未登记流动党员活动证编号", "D-2"))
    if record.expected_return_on and record.expected_return_on < on:
        out.append(
            Warning(
                "warning",
                f"已超过预计返回日期{cn_date(record.expected_return_on)}，请核实是否已返回",
                "MEM-3",
            )
        )
    # D-1: away (or expected to be away) for `transfer_months` or more.
    until = max(record.expected_return_on or on, on)
    if until >= add_months(record.left_on, transfer_months):
        out.append(
            Warning(
                "info",
                f"外出（或预计外出）已满{transfer_months}个月：在固定地点的，应转移组织关系",
                "D-1",
            )
        )
    return out


# ---------------------------------------------------------------------------------------------
# Writes


def _check_dates(problems: dict[str, str], left_on: Any, expected_return_on: Any) -> None:
    if left_on is None:
        problems["left_on"] = "请填写外出日期"
    elif expected_return_on is not None and expected_return_on < left_on:
        problems["expected_return_on"] = "预计返回日期不能早于外出日期"


@transaction.atomic
def mobile_register(
    *,
    actor: Any,
    member: Member,
    left_on: dt.date,
    destination: str,
    reason: str,
    expected_return_on: dt.date | None = None,
    certificate_number: str = "",
) -> MobileRecord:
    """外出请假登记: waits for approval. One open leave per person."""
    member = Member.objects.select_for_update().get(pk=member.pk)
    problems: dict[str, str] = {}
    if not member.is_active:
        problems["member"] = f"{member.name}已不在册"
    elif member.category not in PARTY_MEMBER_CATEGORIES:
        problems["member"] = (
            f"{member.name}是{member.get_category_display()}，流动党员登记只适用于正式党员和预备党员"
        )
    elif MobileRecord.objects.filter(member=member, status__in=OPEN).exists():
        problems["member"] = f"{member.name}已有未结束的外出登记，请先办理返回"
    _check_dates(problems, left_on, expected_return_on)
    if left_on is not None and left_on > add_months(today(), 3):
        problems["left_on"] = "外出日期不能晚于今天起3个月（请在临近外出时登记）"
    if not destination.strip():
        problems["destination"] = "请填写外出流向"
    if not reason.strip():
        problems["reason"] = "请填写外出原因"
    _refuse(problems)
    record = MobileRecord(
        member=member,
        left_on=left_on,
        destination=destination.strip(),
        reason=reason.strip(),
        expected_return_on=expected_return_on,
        certificate_number=certificate_number.strip(),
    )
    record.full_clean()
    record.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=record,
        organisation=member.branch,
        after=snapshot(record),
    )
    return record


def _locked(record: MobileRecord) -> MobileRecord:
    return MobileRecord.objects.select_for_update().select_related("member__branch").get(pk=record.pk)


@transaction.atomic
def mobile_decide(
    *, actor: Any, record: MobileRecord, approve: bool, decided_on: dt.date | None = None
) -> MobileRecord:
    """Approve or reject a registered leave, naming who decided and when. An approval makes the
    person a 流动党员 in the registry with the leave's destination."""
    record = _locked(record)
    decided_on = decided_on or today()
    if record.status != Status.REQUESTED:
        raise ValidationError({"status": [f"该登记{record.get_status_display()}，不能再审批"]})
    if decided_on > today():
        raise ValidationError({"approved_on": ["审批日期不能晚于今天"]})
    before = snapshot(record)
    record.status = Status.APPROVED if approve else Status.REJECTED
    record.approved_on = decided_on
    record.approved_by = _user(actor)
    record.save(update_fields=["status", "approved_on", "approved_by"])
    if approve:
        member_update(
            actor=actor,
            member=record.member,
            reason="流动党员外出审批",
            is_mobile=True,
            mobile_destination=record.destination,
        )
    old, new = diff(before, snapshot(record))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=record,
        organisation=record.member.branch,
        before=old,
        after=new,
        note="批准外出" if approve else "不批准外出",
    )
    return record


@transaction.atomic
def mobile_update(
    *,
    actor: Any,
    record: MobileRecord,
    contact_person: Member | None = None,
    certificate_number: str | None = None,
    expected_return_on: dt.date | None = None,
) -> MobileRecord:
    """支部联系人 (a full member of the person's branch, not the person), the 流动党员活动证 number and
    the expected return. Only the arguments given change."""
    record = _locked(record)
    if record.status not in OPEN:
        raise ValidationError({"status": [f"该登记{record.get_status_display()}，不能再修改"]})
    problems: dict[str, str] = {}
    if contact_person is not None:
        member = record.member
        if contact_person.pk == member.pk:
            problems["contact_person"] = "联系人不能是本人"
        elif contact_person.branch_id != member.branch_id or not contact_person.is_active:
            problems["contact_person"] = f"联系人{contact_person.name}不是{member.branch.name}在册党员"
        elif contact_person.category != Category.FULL:
            problems["contact_person"] = f"联系人{contact_person.name}不是正式党员"
        elif MobileRecord.objects.filter(member=contact_person, status=Status.APPROVED).exists():
            problems["contact_person"] = f"联系人{contact_person.name}本人正在外出，不能担任联系人"
    if expected_return_on is not None:
        _check_dates(problems, record.left_on, expected_return_on)
    _refuse(problems)
    before = snapshot(record)
    if contact_person is not None:
        record.contact_person = contact_person
    if certificate_number is not None:
        record.certificate_number = certificate_number.strip()
    if expected_return_on is not None:
        record.expected_return_on = expected_return_on
    record.full_clean()
    record.save()
    old, new = diff(before, snapshot(record))
    if old or new:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=record,
            organisation=record.member.branch,
            before=old,
            after=new,
        )
    return record


@transaction.atomic
def mobile_report(
    *, actor: Any, record: MobileRecord, reported_on: dt.date, channel: str, content: str
) -> MobileReport:
    """A periodic report of an approved, not yet returned, leave."""
    record = _locked(record)
    problems: dict[str, str] = {}
    if record.status != Status.APPROVED:
        problems["record"] = (
            f"该登记{record.get_status_display()}，不能登记汇报（只有已批准、尚未返回的外出可以）"
        )
    if reported_on is None:
        problems["reported_on"] = "请填写汇报日期"
    elif reported_on > today():
        problems["reported_on"] = "汇报日期不能晚于今天"
    elif reported_on < record.left_on:
        problems["reported_on"] = f"汇报日期不能早于外出日期{cn_date(record.left_on)}"
    if channel not in MobileReport.Channel.values:
        problems["channel"] = "汇报方式应为：" + "、".join(str(c) for c in MobileReport.Channel.labels)
    if not (content or "").strip():
        problems["content"] = "请填写汇报内容"
    _refuse(problems)
    report = MobileReport(record=record, reported_on=reported_on, channel=channel, content=content.strip())
    report.full_clean()
    report.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=report,
        organisation=record.member.branch,
        after=snapshot(report),
    )
    return report


@transaction.atomic
def mobile_return(*, actor: Any, record: MobileRecord, returned_on: dt.date) -> MobileRecord:
    """The person is back: the leave is closed and the registry no longer lists them as 流动党员."""
    record = _locked(record)
    problems: dict[str, str] = {}
    if record.status != Status.APPROVED:
        problems["status"] = f"该登记{record.get_status_display()}，不能办理返回"
    if returned_on is None:
        problems["returned_on"] = "请填写返回日期"
    elif returned_on < record.left_on:
        problems["returned_on"] = f"返回日期不能早于外出日期{cn_date(record.left_on)}"
    elif returned_on > today():
        problems["returned_on"] = "返回日期不能晚于今天"
    _refuse(problems)
    record.status = Status.RETURNED
    record.returned_on = returned_on
    record.save(update_fields=["status", "returned_on"])
    member_update(
        actor=actor, member=record.member, reason="流动党员返回", is_mobile=False, mobile_destination=""
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=record,
        organisation=record.member.branch,
        before={"status": Status.APPROVED, "returned_on": None},
        after={"status": Status.RETURNED, "returned_on": returned_on},
        note="流动党员返回",
    )
    return record


# ---------------------------------------------------------------------------------------------
# Reads


def records_for(user: Any, perm: str = "members.view") -> QuerySet[MobileRecord]:
    """Leaves the user may see through `perm`, plus their own, with the last report date."""
    own = Q(member_id=user.member_id) if getattr(user, "member_id", None) else Q(pk__in=[])
    return with_last_report(MobileRecord.objects.filter(scope_q(user, perm, "member__branch") | own))


def with_last_report(qs: QuerySet[MobileRecord]) -> QuerySet[MobileRecord]:
    return qs.select_related("member__branch", "contact_person", "approved_by").annotate(
        last_report_on=Max("reports__reported_on")
    )


def get_record_or_404(user: Any, perm: str, pk: Any, *, own: bool = False) -> MobileRecord:
    """One leave in the user's scope for `perm` (or, with `own`, the user's own): else 404."""
    q = scope_q(user, perm, "member__branch")
    if own and getattr(user, "member_id", None):
        q |= Q(member_id=user.member_id)
    try:
        return with_last_report(MobileRecord.objects.filter(q)).get(pk=pk)
    except (MobileRecord.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该流动党员登记") from None


def member_mobile(member: Member) -> list["MobileRow"]:
    """A person's leaves, newest first, with their warnings and reports (their page)."""
    qs = with_last_report(MobileRecord.objects.filter(member=member)).prefetch_related("reports")
    return warn(qs.order_by("-left_on", "-id"))


@dataclass
class MobileRow:
    record: MobileRecord
    warnings: list[Warning]

    @property
    def last_report_on(self) -> dt.date | None:
        return getattr(self.record, "last_report_on", None)


def warn(records: Any, *, on: dt.date | None = None, rules: RuleSet | None = None) -> list[MobileRow]:
    """Each record (annotated with `last_report_on`) with its warnings."""
    records = list(records)
    if not records:
        return []
    on = on or today()
    rules = rules or rules_for(on.year)
    months, transfer = rules.integer("mobile.report_months"), rules.integer("mobile.transfer_months")
    return [
        MobileRow(
            r,
            mobile_warnings(
                r, getattr(r, "last_report_on", None), on=on, report_months=months, transfer_months=transfer
            ),
        )
        for r in records
    ]


def branch_mobile(
    organisation: Organisation, *, include_closed: bool = False, on: dt.date | None = None
) -> dict[str, Any]:
    """The branch page (any organisation: its subtree): the leaves with warnings, and the people
    the registry lists as 流动党员 without an approved leave (rubric item 2: "流动情况有档案")."""
    on = on or today()
    qs = MobileRecord.objects.filter(member__branch__path__startswith=organisation.path)
    if not include_closed:
        qs = qs.filter(status__in=OPEN)
    rows = warn(
        with_last_report(qs).order_by("member__branch__path", "member__name", "-left_on", "-id"), on=on
    )
    unrecorded = list(
        Member.objects.filter(branch__path__startswith=organisation.path, is_active=True, is_mobile=True)
        .exclude(mobile_records__status=Status.APPROVED)
        .select_related("branch")
        .order_by("branch__path", "name", "pk")
    )
    return {
        "rows": rows,
        "unrecorded": unrecorded,
        "warning_count": sum(1 for row in rows if any(w.level == "danger" for w in row.warnings)),
    }


MOBILE_HEADERS = (
    "姓名",
    "所在党支部",
    "外出日期",
    "外出流向",
    "外出原因",
    "预计返回日期",
    "状态",
    "审批日期",
    "审批人",
    "支部联系人",
    "流动党员活动证编号",
    "最近汇报日期",
    "返回日期",
    "提示",
)


def mobile_rows(rows: list[MobileRow]) -> list[list[Any]]:
    return [
        [
            r.record.member.name,
            r.record.member.branch.name,
            r.record.left_on,
            r.record.destination,
            r.record.reason,
            r.record.expected_return_on,
            r.record.get_status_display(),
            r.record.approved_on,
            r.record.approved_by.display_name if r.record.approved_by else "",
            r.record.contact_person.name if r.record.contact_person else "",
            r.record.certificate_number,
            r.last_report_on,
            r.record.returned_on,
            "；".join(w.message for w in r.warnings),
        ]
        for r in rows
    ]
