"""Writes of dues (DUES-1, DUES-2): the year's amounts, mid-year changes, payments, the yearly
publication. Each validates, writes an audit event, in one transaction; a refusal is a
ValidationError({field: [Chinese message naming the rule]}) and nothing is saved.

Views, the API, the import (`payment_problems`, `payment_record`) and the demo call these.

- Who pays: a member in the registry, 正式党员 or 预备党员, 党籍 正常 (`selectors.PAYING`).
- 年初核定 (`dues_set_year`, C-5): a setting from January for every paying member of the branch who
  has none for the year, computed from the registry's 党费类别 and 基数; reason "年初核定"; all or
  nothing, with one message listing the members whose amount cannot be computed.
- A change (`dues_setting_change`) fixes the amount from a month of a year; after January, when the
  member already has an amount for the year (a setting of the year, or an earlier year's carrying
  on), it needs a reason (C-5 "年中调整须说明原因"). It replaces a setting of the same year and month
  (audited before/after). When it is the member's latest setting, the registry's 党费类别 and 基数
  follow (`members.services.member_update`), so the fact is entered once. A change does not touch
  recorded payments: they keep their `due`; it changes the due of the months not yet recorded.
- A payment (`payment_record`) is one row per member and month (the 1st): a second record of the
  month replaces it (a correction, or the total paid), audited before/after; identical data writes
  nothing (an import run twice changes nothing). It needs no setting covering its month (an old
  ledger can be imported); with no `due` given, the due is the recorded one, else the amount in force,
  else computed from the registry's 党费类别 and 基数 with the rules of the month's year. Back-payment
  is limited to `dues.max_back_months` (C-6), advance payment to `dues.max_advance_months`. A single
  payment from `dues.special_payment_min` is noted "大额党费，全部上缴中央（C-7）". The row's branch
  is the member's branch when first recorded: the ledger stays with the branch that collected.
"""

import datetime as dt
from collections.abc import Sequence
from decimal import Decimal
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ValidationError
from django.db import transaction

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_created, audit_record, diff, snapshot
from zhibu.dues import selectors
from zhibu.dues.models import DuesPayment, DuesPublication, DuesSetting
from zhibu.dues.rules import (
    DuesRuleError,
    compute_amount,
    month_index,
    month_label,
    month_start,
    months_between,
)
from zhibu.lib.dates import cn_date, today
from zhibu.lib.decimals import money
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.members.models import Category, DuesCategory, Member, Standing
from zhibu.orgs.models import Organisation

SPECIAL_NOTE = "大额党费，全部上缴中央（C-7）"
SET_YEAR_REASON = "年初核定"
MAX_AMOUNT = Decimal("99999999.99")  # the columns' 10 digits

# payment_save's outcomes (the import counts them).
CREATED, UPDATED, UNCHANGED = "created", "updated", "unchanged"


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({k: [v] for k, v in problems.items()})


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _amount_problem(value: Decimal | None, label: str) -> str:
    """Non-negative, at most 2 decimals (元、角、分), within the column."""
    if value is None:
        return f"请填写{label}"
    if not isinstance(value, Decimal) or not value.is_finite():
        return f"{label}应为数字"
    if value < 0:
        return f"{label}不能为负数"
    if money(value) != value:
        return f"{label}最多两位小数（精确到分）"
    if value > MAX_AMOUNT:
        return f"{label}过大"
    return ""


def member_problem(member: Member) -> str:
    """Why the member pays no dues ("" when they do)."""
    if not member.is_active:
        return f"{member.name}已不在册，不交纳党费"
    if member.category not in (Category.FULL, Category.PROBATIONARY):
        label = Category(member.category).label
        return f"{member.name}是{label}，只有正式党员和预备党员交纳党费"
    if member.standing != Standing.NORMAL:
        return f"{member.name}党籍状态为{Standing(member.standing).label}，不交纳党费"
    return ""


def computed_due(
    member: Member,
    month: dt.date,
    *,
    schedule: selectors.Schedule | None = None,
    rules: RuleSet | None = None,
    advice: str = "请填写应交金额",
) -> tuple[Decimal | None, str]:
    """The due of a month when none is given: the recorded one, else the amount in force from the
    settings, else computed from the registry's 党费类别 and 基数 with the rules of the month's year.
    Returns (due, "") or (None, the Chinese reason it cannot be computed, ending with `advice`).

    For many rows at once, pass the member's `schedule` (`selectors.schedules_for`, one query) and
    the year's `rules`: no query then, and the caller has looked up the recorded payment itself."""
    month = month_start(month)
    if schedule is None:
        recorded = (
            DuesPayment.objects.filter(member=member, month=month).values_list("due", flat=True).first()
        )
        if recorded is not None:
            return recorded, ""
        setting = selectors.setting_for_month(member, month)
    else:
        setting = schedule.setting_at(month_index(month))
    if setting is not None:
        return setting.amount, ""
    if rules is None or rules.year != month.year:
        rules = rules_for(month.year)
    try:
        return compute_amount(member.dues_category, member.dues_base, rules).amount, ""
    except DuesRuleError as error:
        return (
            None,
            f"{month_label(month)}未核定党费，按登记的党费类别和基数也无法计算应交金额（{error}），{advice}",
        )


def payment_problems(
    *,
    member: Member,
    month: dt.date,
    paid: Decimal | None,
    paid_on: dt.date | None,
    due: Decimal | None = None,
    on: dt.date | None = None,
    method: str = "",
    rules: RuleSet | None = None,
    limits: bool = True,
) -> dict[str, str]:
    """The rules of one ledger entry as {field: Chinese message} (fields: member, month, due, paid,
    paid_on, method), read-only: the form, the API and import_dues report the same words. `due` None
    means "computed"; a problem is reported under `due` when it cannot be computed."""
    on = on or today()
    problems: dict[str, str] = {}
    reason = member_problem(member)
    if reason:
        problems["member"] = reason
    if month is None:
        problems["month"] = "请填写所属月份"
    else:
        month = month_start(month)
        if member.joined_on is not None and month < month_start(member.joined_on):
            problems["month"] = (
                f"该月份早于入党（支部大会通过）时间{member.joined_on:%Y-%m}，"
                "预备党员从支部大会通过之月起交纳党费（党费规定 C-6）"
            )
    if paid_on is None:
        problems["paid_on"] = "请填写交纳日期"
    elif paid_on > on:
        problems["paid_on"] = f"交纳日期不能晚于今天（{on:%Y-%m-%d}）"
    elif limits and month is not None and "month" not in problems:
        # The back-payment and advance limits (C-6) bind a payment being accepted now; a ledger of
        # past payments (import_dues) records what happened and passes limits=False.
        rules = rules if rules is not None and rules.year == paid_on.year else rules_for(paid_on.year)
        back, ahead = rules.integer("dues.max_back_months"), rules.integer("dues.max_advance_months")
        late, early = months_between(month, paid_on), months_between(paid_on, month)
        if late > back:
            problems["month"] = (
                f"补交党费最多补交{back}个月（党费规定 C-6），{month_label(month)}的党费"
                f"于{cn_date(paid_on)}交纳，已相隔{late}个月"
            )
        elif early > ahead:
            problems["month"] = (
                f"预交党费最多预交{ahead}个月（本地做法 C-6），{month_label(month)}的党费"
                f"于{cn_date(paid_on)}交纳，提前了{early}个月"
            )
    problem = _amount_problem(paid, "实交金额")
    if problem:
        problems["paid"] = problem
    if due is not None:
        problem = _amount_problem(due, "应交金额")
        if problem:
            problems["due"] = problem
    elif month is not None and "member" not in problems:
        computed, problem = computed_due(member, month)
        if computed is None:
            problems["due"] = problem
    if method and method not in DuesPayment.Method.values:
        problems["method"] = "交纳方式应为：" + "、".join(str(label) for label in DuesPayment.Method.labels)
    return problems


@transaction.atomic
def payment_save(
    *,
    actor: Any,
    member: Member,
    month: dt.date,
    paid: Decimal,
    paid_on: dt.date,
    method: str = "",
    due: Decimal | None = None,
    note: str = "",
    limits: bool = True,
) -> tuple[DuesPayment, str]:
    """`payment_record`, also saying what happened: CREATED, UPDATED or UNCHANGED."""
    _raise_if(
        payment_problems(
            member=member, month=month, paid=paid, paid_on=paid_on, due=due, method=method, limits=limits
        )
    )
    month = month_start(month)
    existing = DuesPayment.objects.select_for_update().filter(member=member, month=month).first()
    if due is None:
        due = existing.due if existing is not None else computed_due(member, month)[0]
    assert due is not None  # payment_problems refused an uncomputable due
    note = (note or "").strip()
    if not note and paid >= rules_for(paid_on.year).decimal("dues.special_payment_min"):
        note = SPECIAL_NOTE
    values = {
        "due": money(due),
        "paid": money(paid),
        "paid_on": paid_on,
        "method": method or "",
        "note": note,
    }
    if existing is not None:
        if all(getattr(existing, name) == value for name, value in values.items()):
            return existing, UNCHANGED
        before = snapshot(existing)
        for name, value in values.items():
            setattr(existing, name, value)
        existing.actor = _user(actor)
        existing.full_clean()
        existing.save(update_fields=[*values, "actor", "updated_at"])
        old, new = diff(before, snapshot(existing))
        for changes in (old, new):
            changes.pop("updated_at", None)
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=existing,
            organisation=existing.branch,
            before=old,
            after=new,
        )
        return existing, UPDATED
    payment = DuesPayment(member=member, branch=member.branch, month=month, actor=_user(actor), **values)
    payment.full_clean()
    payment.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=payment,
        organisation=payment.branch,
        after=snapshot(payment),
    )
    return payment, CREATED


def payment_record(
    *,
    actor: Any,
    member: Member,
    month: dt.date,
    paid: Decimal,
    paid_on: dt.date,
    method: str = "",
    due: Decimal | None = None,
    note: str = "",
    limits: bool = True,
) -> DuesPayment:
    """Record (or correct) one month's payment. `due` None → the member's amount for that month.
    Refused with the rule named: back-payment beyond `dues.max_back_months` (C-6; not checked with
    `limits=False`, for a ledger of past payments), a month before the member owed dues, a date in
    the future, negative or more than 2 decimals."""
    payment, _ = payment_save(
        actor=actor,
        member=member,
        month=month,
        paid=paid,
        paid_on=paid_on,
        method=method,
        due=due,
        note=note,
        limits=limits,
    )
    return payment


@transaction.atomic
def payments_record_month(
    *,
    actor: Any,
    branch: Organisation,
    month: dt.date,
    paid_on: dt.date,
    method: str,
    members: Sequence[Member],
) -> list[DuesPayment]:
    """收缴登记: these members paid the month's full amount on `paid_on` (all or nothing). A member
    who has already paid the month in full is refused (the date would be overwritten): correct such
    a payment on the member's page."""
    if not members:
        raise ValidationError({"members": ["请选择交纳党费的党员"]})
    if month is None:
        raise ValidationError({"month": ["请填写所属月份"]})
    month = month_start(month)
    unique = list({m.pk: m for m in members}.values())
    recorded = {
        p.member_id: p for p in DuesPayment.objects.filter(member_id__in=[m.pk for m in unique], month=month)
    }
    dues = _dues_of_month(unique, month, recorded)
    rules = rules_for(paid_on.year) if paid_on is not None else None
    errors: dict[str, list[str]] = {}
    for member in unique:
        problems: dict[str, str] = {}
        due, reason = dues[member.pk]
        if member.branch_id != branch.pk:
            problems["members"] = f"不是{branch.name}的党员"
        elif (payment := recorded.get(member.pk)) is not None and payment.paid >= payment.due:
            problems["members"] = f"{month_label(month)}的党费已于{cn_date(payment.paid_on)}交纳"
        elif due is None:
            problems["members"] = reason
        else:
            for name, message in payment_problems(
                member=member, month=month, paid=due, paid_on=paid_on, due=due, method=method, rules=rules
            ).items():
                problems.setdefault("members" if name in ("member", "due", "paid") else name, message)
        for name, message in problems.items():
            errors.setdefault(name, []).append(f"{member.name}：{message}")
    if errors:
        raise ValidationError(errors)
    ordered = sorted(unique, key=lambda m: (m.name, m.pk))
    # A short payment recorded earlier is completed on its row (audited before/after); the others
    # are new rows, written in one insert with one audit event each.
    saved = [
        payment_record(
            actor=actor,
            member=member,
            month=month,
            paid=recorded[member.pk].due,
            paid_on=paid_on,
            method=method,
        )
        for member in ordered
        if member.pk in recorded
    ]
    special = rules.decimal("dues.special_payment_min") if rules is not None else None
    new = []
    for member in ordered:
        if member.pk in recorded:
            continue
        due = dues[member.pk][0]
        assert due is not None
        new.append(
            DuesPayment(
                member=member,
                branch=member.branch,
                month=month,
                due=money(due),
                paid=money(due),
                paid_on=paid_on,
                method=method or "",
                note=SPECIAL_NOTE if special is not None and due >= special else "",
                actor=_user(actor),
            )
        )
    created = DuesPayment.objects.bulk_create(new)
    if created and created[0].pk is None:  # a backend that does not return ids: read them back
        created = list(DuesPayment.objects.filter(member__in=[p.member for p in new], month=month))
    audit_created(actor=actor, objects=created, organisation=branch, note=f"{month_label(month)}党费收缴登记")
    names = {member.pk: (member.name, member.pk) for member in unique}
    return sorted([*saved, *created], key=lambda payment: names[payment.member_id])


def _dues_of_month(
    members: Sequence[Member], month: dt.date, recorded: dict[int, DuesPayment]
) -> dict[int, tuple[Decimal | None, str]]:
    """`computed_due` for many members at once: two queries, whatever their number."""
    schedules = selectors.schedules_for(members)
    rules = rules_for(month.year)
    return {
        member.pk: (recorded[member.pk].due, "")
        if member.pk in recorded
        else computed_due(
            member,
            month,
            schedule=schedules[member.pk],
            rules=rules,
            advice="请在该党员的党费页面填写应交金额登记",
        )
        for member in members
    }


# --- settings ---------------------------------------------------------------------------------


def _farmer_carry(member: Member, year: int, rules: RuleSet) -> Decimal | None:
    """A farmer's amount chosen by the branch carries on into the next year (C-4 leaves it open)."""
    previous = selectors.setting_for_month(member, dt.date(year - 1, 12, 1))
    if previous is not None and previous.dues_category == DuesCategory.FARMER:
        return previous.reduced_from if previous.reduced_from is not None else previous.amount
    return None


def _year_problem(year: int) -> str:
    limit = today().year + 1
    if not 2000 <= year <= limit:
        return f"年度应在2000至{limit}年之间"
    return ""


@transaction.atomic
def dues_set_year(*, actor: Any, branch: Organisation, year: int) -> list[DuesSetting]:
    """年初核定 (C-5): for every member of `branch` who pays dues (active, 正式/预备, 党籍 正常) and
    has no setting for `year` yet, a setting from January computed from the registry's 党费类别 and
    基数. All or nothing: any member whose amount cannot be computed → ValidationError naming them.
    A farmer keeps the amount of their previous setting (else `dues.farmer_min`)."""
    if branch.kind != Organisation.Kind.BRANCH:
        raise ValidationError({"branch": [f"{branch.name}不是党支部，党费由党支部核定"]})
    problem = _year_problem(year)
    if problem:
        raise ValidationError({"year": [problem]})
    rules = rules_for(year)
    members = list(
        Member.objects.filter(selectors.PAYING, branch=branch)
        .exclude(dues_settings__year=year)
        .order_by("name", "pk")
    )
    computed = []
    failures = []
    for member in members:
        farmer = _farmer_carry(member, year, rules) if member.dues_category == DuesCategory.FARMER else None
        try:
            amount = compute_amount(member.dues_category, member.dues_base, rules, farmer_amount=farmer)
        except DuesRuleError as error:
            failures.append(f"{member.name}：{error}")
            continue
        computed.append((member, amount))
    if failures:
        raise ValidationError(
            {
                NON_FIELD_ERRORS: [
                    f"{year}年党费未核定：以下党员按登记的党费类别和基数无法计算党费，请先补充党员信息"
                    "（党费规定 C-2至C-4）——" + "；".join(failures)
                ]
            }
        )
    created = DuesSetting.objects.bulk_create(
        [
            DuesSetting(
                member=member,
                year=year,
                from_month=1,
                dues_category=member.dues_category,
                dues_base=member.dues_base,
                rate=money(amount.rate) if amount.rate is not None else None,
                amount=amount.amount,
                reason=SET_YEAR_REASON,
                actor=_user(actor),
            )
            for member, amount in computed
        ]
    )
    audit_created(actor=actor, objects=created, organisation=branch, note=SET_YEAR_REASON)
    return created


def _rule_field(category: str) -> str:
    if category in (DuesCategory.EMPLOYED, DuesCategory.RETIRED):
        return "dues_base"
    if category == DuesCategory.FARMER:
        return "farmer_amount"
    return "dues_category"


@transaction.atomic
def dues_setting_change(
    *,
    actor: Any,
    member: Member,
    year: int,
    from_month: int,
    dues_category: str,
    dues_base: Decimal | None,
    reason: str,
    farmer_amount: Decimal | None = None,
    reduced_amount: Decimal | None = None,
    reduction_approval: str = "",
) -> DuesSetting:
    """Set or change a member's amount from a month (mid-year needs a reason, C-5). The registry's
    党费类别 and 基数 follow (entered once) when this is the member's latest setting.

    `reduced_amount`: a hardship reduction (减免, C-7) below the computed amount, which needs the
    branch's agreement (the reason) and the superior organisation's approval (`reduction_approval`).
    A reduction is not carried into the next year: 年初核定 computes the full amount again."""
    reason = (reason or "").strip()
    reduction_approval = (reduction_approval or "").strip()
    problems: dict[str, str] = {}
    problem = member_problem(member)
    if problem:
        problems["member"] = problem
    problem = _year_problem(year)
    if problem:
        problems["year"] = problem
    if from_month not in range(1, 13):
        problems["from_month"] = "起始月份应为1至12月"
    if dues_category not in DuesCategory.values:
        problems["dues_category"] = "党费类别应为：" + "、".join(str(x) for x in DuesCategory.labels)
    if dues_base is not None:
        problem = _amount_problem(dues_base, "党费基数")
        if problem:
            problems["dues_base"] = problem
    if farmer_amount is not None and dues_category == DuesCategory.FARMER:
        problem = _amount_problem(farmer_amount, "农民党员每月交纳金额")
        if problem:
            problems["farmer_amount"] = problem
    if len(reason) > 300:
        problems["reason"] = "原因最多300字"
    if reduced_amount is not None:
        problem = _amount_problem(reduced_amount, "减免后每月交纳金额")
        if problem:
            problems["reduced_amount"] = problem
        if not reason:
            problems["reason"] = "减免党费须写明困难情况和党支部同意的意见（党费规定 C-7）"
        if not reduction_approval:
            problems["reduction_approval"] = (
                "减免党费须经上级党组织批准，请填写批准文号或日期（党费规定 C-7）"
            )
        elif len(reduction_approval) > 200:
            problems["reduction_approval"] = "最多200字"
    elif reduction_approval:
        problems["reduced_amount"] = "填写了上级批准，请填写减免后每月交纳金额"
    _raise_if(problems)

    settings = list(DuesSetting.objects.select_for_update().filter(member=member))
    existing = next((s for s in settings if (s.year, s.from_month) == (year, from_month)), None)
    others = [s for s in settings if s is not existing]
    if from_month > 1 and not reason and any(s.year <= year for s in others):
        raise ValidationError(
            {
                "reason": [
                    f"从{year}年{from_month}月起调整党费须说明原因（党费规定 C-5：党费额度每年年初核定，"
                    "年中调整须说明原因）"
                ]
            }
        )
    try:
        amount = compute_amount(
            dues_category,
            dues_base,
            rules_for(year),
            farmer_amount=farmer_amount if dues_category == DuesCategory.FARMER else None,
        )
    except DuesRuleError as error:
        raise ValidationError({_rule_field(dues_category): [str(error)]}) from None
    if reduced_amount is not None and reduced_amount >= amount.amount:
        raise ValidationError(
            {"reduced_amount": [f"减免后的金额应低于按规定计算的{amount.amount}元（{amount.explanation}）"]}
        )
    stated = reason or (SET_YEAR_REASON if from_month == 1 else "核定")
    values: dict[str, Any] = {
        "dues_category": dues_category,
        "dues_base": money(dues_base) if dues_base is not None else None,
        "rate": money(amount.rate) if amount.rate is not None else None,
        "amount": money(reduced_amount) if reduced_amount is not None else amount.amount,
        "reduced_from": amount.amount if reduced_amount is not None else None,
        "reduction_approval": reduction_approval if reduced_amount is not None else "",
        "reason": stated,
    }
    if existing is not None:
        if any(getattr(existing, name) != value for name, value in values.items()):
            before = snapshot(existing)
            for name, value in values.items():
                setattr(existing, name, value)
            existing.actor = _user(actor)
            existing.full_clean()
            existing.save(update_fields=[*values, "actor"])
            old, new = diff(before, snapshot(existing))
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=existing,
                organisation=member.branch,
                before=old,
                after=new,
                note=stated,
            )
        setting = existing
    else:
        setting = DuesSetting(member=member, year=year, from_month=from_month, actor=_user(actor), **values)
        setting.full_clean()
        setting.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=setting,
            organisation=member.branch,
            after=snapshot(setting),
            note=stated,
        )
    latest = all((s.year, s.from_month) < (year, from_month) for s in others)
    registry_base = member.dues_base
    if latest and (member.dues_category != dues_category or registry_base != values["dues_base"]):
        from zhibu.members.services import member_update

        member_update(
            actor=actor,
            member=member,
            dues_category=dues_category,
            dues_base=values["dues_base"],
            reason=f"党费核定：{stated}",
        )
        member.refresh_from_db(fields=["dues_category", "dues_base", "updated_at"])
    return setting


# --- the yearly publication -----------------------------------------------------------------


def publication_content(ledger: selectors.Ledger, start_on: dt.date, end_on: dt.date) -> str:
    """The 公示 text: totals and months, no names (P-2: no public lists of people)."""
    rate = f"{ledger.rate}%" if ledger.rate is not None else "—"
    lines = [
        f"根据《关于中国共产党党费收缴、使用和管理的规定》，现将{ledger.branch.name}{ledger.year}年"
        f"党费收缴情况公示如下（统计至{cn_date(ledger.on)}）：",
        f"应交人数：{ledger.paying_count}人",
        f"应交合计：{ledger.due_total}元",
        f"实交合计：{ledger.paid_total}元",
        f"收缴率：{rate}",
        f"欠缴人数：{ledger.arrears_count}人",
        "各月收缴情况：",
    ]
    for n in range(12):
        lines.append(f"{n + 1}月：应交{ledger.monthly_due[n]}元，实交{ledger.monthly_paid[n]}元")
    lines.append(f"公示期：{cn_date(start_on)}至{cn_date(end_on)}。如有意见，请向党支部反映。")
    return "\n".join(lines)


@transaction.atomic
def publication_publish(
    *, actor: Any, branch: Organisation, year: int, start_on: dt.date, end_on: dt.date
) -> DuesPublication:
    """Publish the year's dues collection as a 公示 (C-7), its content computed from the ledger.
    Once per branch and year."""
    from zhibu.meetings.models import Notice
    from zhibu.meetings.services import notice_publish

    problems: dict[str, str] = {}
    if branch.kind != Organisation.Kind.BRANCH:
        problems["branch"] = f"{branch.name}不是党支部，党费收缴情况由党支部公示"
    on = today()
    if year > on.year:
        problems["year"] = f"{year}年尚未开始，不能公示党费收缴情况"
    else:
        published = DuesPublication.objects.filter(organisation=branch, year=year).first()
        if published is not None:
            problems["year"] = (
                f"{branch.name}{year}年党费收缴情况已于{cn_date(published.created_at)}公示，"
                "每年公示一次（党费规定 C-7）"
            )
    if start_on is None:
        problems["start_on"] = "请填写公示开始日期"
    if end_on is None:
        problems["end_on"] = "请填写公示结束日期"
    if start_on is not None and end_on is not None and end_on < start_on:
        problems["end_on"] = "公示结束日期不能早于公示开始日期"
    _raise_if(problems)
    ledger = selectors.branch_ledger(branch, year, on=on)
    if not ledger.rows:
        raise ValidationError({"year": [f"{branch.name}{year}年没有党费核定和交纳记录，无可公示的内容"]})
    notice = notice_publish(
        actor=actor,
        organisation=branch,
        subject=Notice.Subject.DUES,
        title=f"{branch.name}{year}年党费收缴情况公示",
        content=publication_content(ledger, start_on, end_on),
        start_on=start_on,
        end_on=end_on,
    )
    publication = DuesPublication(
        organisation=branch,
        year=year,
        members=ledger.paying_count,
        due_total=ledger.due_total,
        paid_total=ledger.paid_total,
        notice=notice,
        actor=_user(actor),
    )
    publication.full_clean()
    publication.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=publication,
        organisation=branch,
        after=snapshot(publication),
    )
    return publication
