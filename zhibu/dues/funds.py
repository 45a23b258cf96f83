"""党建经费 (SPEC DUES-3): each organisation's yearly budget by line, its spending with receipts
(票据), and the views a secretary, an officer and an auditor read.

Writes: `budget_set` (create or change a line), `expense_record` (an expense with at least one
receipt, within the line's remaining budget), `receipt_add` (one more receipt). Expenses and
receipts are append-only: nothing is edited or deleted, so the audit trail is the ledger itself;
a mistake is explained by a later record, never erased.

Reads go through the scoping helpers (`funds.view` / `funds.edit` over the budget's organisation):
another branch's id is 404. A 党小组 keeps no funds of its own.
"""

import datetime as dt
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    DecimalField,
    Exists,
    F,
    IntegerField,
    OuterRef,
    QuerySet,
    Subquery,
    Sum,
    Value,
    When,
)
from django.db.models.functions import Coalesce
from django.http import Http404

from zhibu.accounts.scoping import get_org_or_404, orgs_for, scope_q
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot
from zhibu.dues.models import FundBudget, FundExpense, FundLine, FundReceipt
from zhibu.lib.dates import today
from zhibu.lib.decimals import money
from zhibu.lib.uploads import sha256_of, upload_name, upload_problems
from zhibu.orgs.models import Organisation

ZERO = Decimal("0.00")
MAX_AMOUNT = Decimal("9999999999.99")  # the columns hold 12 digits, 2 after the point
FIRST_YEAR = 2000
MAX_RECEIPTS = 10  # per expense recorded at once
APPEND_ONLY_NOTE = (
    "支出和票据只增不改、不删（保留完整审计痕迹）；录入有误的，请联系上级党组织说明情况，不得自行冲销。"
)
_MONEY_FIELD: DecimalField = DecimalField(max_digits=14, decimal_places=2)


# ---------------------------------------------------------------------------------------------
# Validation helpers (pure)


def _places(value: Decimal) -> int:
    exponent = value.as_tuple().exponent
    return -exponent if isinstance(exponent, int) and exponent < 0 else 0


def amount_problem(value: Any, *, label: str, positive: bool) -> str:
    """Why `value` is not an amount of money (yuan, at most 2 decimals), or ""."""
    if value is None or value == "":
        return f"请填写{label}"
    if not isinstance(value, Decimal):
        return f"{label}应为数字"
    if not value.is_finite():
        return f"{label}应为数字"
    if positive and value <= 0:
        return f"{label}须大于0"
    if value < 0:
        return f"{label}不能为负数"
    if _places(value) > 2:
        return f"{label}最多两位小数（精确到分）"
    if value > MAX_AMOUNT:
        return f"{label}不能超过{MAX_AMOUNT}元"
    return ""


def usage_percent(spent: Decimal, budget: Decimal) -> Decimal | None:
    """执行率: spent as a percentage of budget, one decimal place; None when nothing is budgeted."""
    if budget <= 0:
        return None
    return (spent * 100 / budget).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def _raise_if(problems: dict[str, str]) -> None:
    if problems:
        raise ValidationError({field: [message] for field, message in problems.items()})


def _check_organisation(organisation: Organisation) -> str:
    if organisation.kind == Organisation.Kind.GROUP:
        return "党小组不单独编制党建经费预算，请在所属党支部编制"
    if not organisation.is_active:
        return f"{organisation.name}已撤销，不能再编制预算或登记支出"
    return ""


def _spent(budget_id: int) -> Decimal:
    total = FundExpense.objects.filter(budget_id=budget_id).aggregate(total=Sum("amount"))["total"]
    return money(total or ZERO)


# ---------------------------------------------------------------------------------------------
# Writes


@transaction.atomic
def budget_set(
    *,
    actor: Any,
    organisation: Organisation,
    year: int,
    line: str,
    amount: Decimal,
    note: str = "",
) -> FundBudget:
    """Create the budget line `line` of `organisation` for `year`, or change its amount and note.
    A line is never lowered below what is already spent on it."""
    problems: dict[str, str] = {}
    org_problem = _check_organisation(organisation)
    if org_problem:
        problems["organisation"] = org_problem
    last_year = today().year + 1
    if not isinstance(year, int) or not FIRST_YEAR <= year <= last_year:
        problems["year"] = f"预算年度应在{FIRST_YEAR}年至{last_year}年之间"
    if line not in FundLine.values:
        problems["line"] = "预算科目应为：" + "、".join(str(label) for label in FundLine.labels)
    amount_error = amount_problem(amount, label="预算金额", positive=False)
    if amount_error:
        problems["amount"] = amount_error
    note = (note or "").strip()
    if len(note) > 300:
        problems["note"] = "说明不能超过300个字"
    _raise_if(problems)

    budget = (
        FundBudget.objects.select_for_update().filter(organisation=organisation, year=year, line=line).first()
    )
    label = FundLine(line).label
    if budget is None:
        budget = FundBudget(
            organisation=organisation,
            year=year,
            line=line,
            amount=money(amount),
            note=note,
            actor=actor if getattr(actor, "is_authenticated", False) else None,
        )
        budget.full_clean()
        budget.save()
        audit_record(
            actor=actor,
            action=AuditEvent.Action.CREATE,
            obj=budget,
            organisation=organisation,
            after=snapshot(budget),
            note=f"编制{year}年党建经费预算：{label} {budget.amount}元",
        )
        return budget

    spent = _spent(budget.pk)
    if amount < spent:
        raise ValidationError(
            {
                "amount": [
                    f"预算金额不能低于该科目已支出的{spent}元"
                    f"（{organisation.name}{year}年{label}，现预算{budget.amount}元）"
                ]
            }
        )
    before = snapshot(budget, ("amount", "note"))
    budget.amount = money(amount)
    budget.note = note
    old, new = diff(before, snapshot(budget, ("amount", "note")))
    if not new:
        return budget
    budget.full_clean()
    budget.save(update_fields=["amount", "note"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=budget,
        organisation=organisation,
        before=old,
        after=new,
        note=f"调整{year}年党建经费预算：{label} {before['amount']}元 → {budget.amount}元",
    )
    return budget


def receipt_problems(uploads: Sequence[Any], *, existing: Iterable[str] = ()) -> tuple[list[str], list[str]]:
    """The receipt rules: each file an allowed type, ≤ 10 MB, not empty; no file twice (the same
    SHA-256 in this batch or already on the expense). Returns (problems, digests)."""
    problems: list[str] = []
    digests: list[str] = []
    seen: dict[str, str] = {digest: "" for digest in existing}
    for upload in uploads:
        file_problems = upload_problems(upload, label="票据")
        problems += file_problems
        if file_problems:
            digests.append("")
            continue
        digest = sha256_of(upload)
        name = upload_name(upload)
        if digest in seen:
            earlier = seen[digest]
            problems.append(
                f"票据：“{name}”与“{earlier}”是同一文件"
                if earlier
                else f"票据：“{name}”已附在该支出中，不必重复上传"
            )
        seen.setdefault(digest, name)
        digests.append(digest)
    return problems, digests


def _save_receipt(expense: FundExpense, upload: Any, digest: str) -> FundReceipt:
    return FundReceipt.objects.create(
        expense=expense,
        file=upload,
        name=upload_name(upload)[:200],
        size=upload.size,
        sha256=digest,
    )


@transaction.atomic
def expense_record(
    *,
    actor: Any,
    budget: FundBudget,
    spent_on: dt.date,
    amount: Decimal,
    purpose: str,
    payee: str,
    voucher_number: str = "",
    approver: str,
    receipts: Sequence[Any],
) -> FundExpense:
    """Record one expense on a budget line, with its receipts. Refused beyond the line's remaining
    budget, outside the budget's year, in the future, or without a receipt."""
    budget = FundBudget.objects.select_for_update().select_related("organisation").get(pk=budget.pk)
    receipts = list(receipts or [])
    digests: list[str] = []
    problems: dict[str, str] = {}
    org_problem = _check_organisation(budget.organisation)
    if org_problem:
        problems["budget"] = org_problem
    if spent_on is None:
        problems["spent_on"] = "请填写支出日期"
    elif spent_on > today():
        problems["spent_on"] = "支出日期不能晚于今天（只登记已发生的支出）"
    elif spent_on.year != budget.year:
        problems["spent_on"] = f"支出日期须在预算年度{budget.year}年内"
    amount_error = amount_problem(amount, label="支出金额", positive=True)
    if amount_error:
        problems["amount"] = amount_error
    else:
        remaining = money(budget.amount - _spent(budget.pk))
        if amount > remaining:
            problems["amount"] = (
                f"超出预算：该科目剩余{remaining}元（{budget.year}年{budget.get_line_display()}"
                f"预算{budget.amount}元），本次支出{money(amount)}元"
            )
    texts = {
        "purpose": ("用途", purpose, 300),
        "payee": ("收款方", payee, 200),
        "approver": ("审批人", approver, 50),
    }
    for name, (label, text, limit) in texts.items():
        value = (text or "").strip()
        if not value:
            problems[name] = f"请填写{label}"
        elif len(value) > limit:
            problems[name] = f"{label}不能超过{limit}个字"
    if len((voucher_number or "").strip()) > 50:
        problems["voucher_number"] = "凭证号不能超过50个字"
    if not receipts:
        problems["receipts"] = "支出须附票据（发票、收据等扫描件或照片），至少一个文件"
    elif len(receipts) > MAX_RECEIPTS:
        problems["receipts"] = f"票据：一次最多上传{MAX_RECEIPTS}个文件（本次{len(receipts)}个）"
    else:
        file_problems, digests = receipt_problems(receipts)
        if file_problems:
            problems["receipts"] = "；".join(file_problems)
    _raise_if(problems)

    expense = FundExpense(
        budget=budget,
        spent_on=spent_on,
        amount=money(amount),
        purpose=purpose.strip(),
        payee=payee.strip(),
        voucher_number=(voucher_number or "").strip(),
        approver=approver.strip(),
        actor=actor if getattr(actor, "is_authenticated", False) else None,
    )
    expense.full_clean()
    expense.save()
    saved = [_save_receipt(expense, upload, digest) for upload, digest in zip(receipts, digests, strict=True)]
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=expense,
        organisation=budget.organisation,
        after=snapshot(expense) | {"receipts": [{"name": r.name, "sha256": r.sha256} for r in saved]},
        note=f"登记党建经费支出：{budget.get_line_display()} {expense.amount}元，票据{len(saved)}个",
    )
    return expense


@transaction.atomic
def receipt_add(*, actor: Any, expense: FundExpense, upload: Any) -> FundReceipt:
    """Attach one more receipt to an expense (e.g. an invoice that arrived later)."""
    expense = (
        FundExpense.objects.select_for_update().select_related("budget__organisation").get(pk=expense.pk)
    )
    if upload is None:
        raise ValidationError({"file": ["请选择票据文件"]})
    existing = expense.receipts.values_list("sha256", flat=True)
    problems, digests = receipt_problems([upload], existing=list(existing))
    if problems:
        raise ValidationError({"file": ["；".join(problems)]})
    receipt = _save_receipt(expense, upload, digests[0])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=receipt,
        organisation=expense.budget.organisation,
        after=snapshot(receipt, ("expense", "name", "size", "sha256")) | {"file": receipt.file.name},
        note=f"补充票据：{expense}",
    )
    return receipt


# ---------------------------------------------------------------------------------------------
# Scoped access


def fund_organisations(user: Any, perm: str = "funds.view") -> QuerySet[Organisation]:
    """Organisations the user reaches through `perm` that keep funds (not 党小组)."""
    return orgs_for(user, perm).exclude(kind=Organisation.Kind.GROUP)


def get_fund_org_or_404(user: Any, perm: str, pk: Any) -> Organisation:
    organisation = get_org_or_404(user, perm, pk)
    if organisation.kind == Organisation.Kind.GROUP:
        raise Http404("党小组不单独核算党建经费")
    return organisation


def budgets_for(user: Any, perm: str = "funds.view") -> QuerySet[FundBudget]:
    return FundBudget.objects.filter(scope_q(user, perm, "organisation"))


def expenses_for(user: Any, perm: str = "funds.view") -> QuerySet[FundExpense]:
    return FundExpense.objects.filter(scope_q(user, perm, "budget__organisation"))


def get_expense_or_404(user: Any, perm: str, pk: Any) -> FundExpense:
    try:
        return expenses_for(user, perm).select_related("budget__organisation", "actor").get(pk=pk)
    except (FundExpense.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该支出") from None


def get_receipt_or_404(user: Any, perm: str, pk: Any) -> FundReceipt:
    try:
        return FundReceipt.objects.select_related("expense__budget__organisation").get(
            scope_q(user, perm, "expense__budget__organisation"), pk=pk
        )
    except (FundReceipt.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该票据") from None


# ---------------------------------------------------------------------------------------------
# Reads


@dataclass
class LineRow:
    """One budget line of a year: budget, spent, remaining, 执行率."""

    budget: FundBudget
    spent: Decimal

    @property
    def line(self) -> str:
        return self.budget.line

    @property
    def label(self) -> str:
        return self.budget.get_line_display()

    @property
    def amount(self) -> Decimal:
        return self.budget.amount

    @property
    def remaining(self) -> Decimal:
        return money(self.budget.amount - self.spent)

    @property
    def usage(self) -> Decimal | None:
        return usage_percent(self.spent, self.budget.amount)

    @property
    def over(self) -> bool:
        return self.spent > self.budget.amount


@dataclass
class YearSummary:
    organisation: Organisation
    year: int
    lines: list[LineRow]

    @property
    def budget_total(self) -> Decimal:
        return money(sum((row.amount for row in self.lines), ZERO))

    @property
    def spent_total(self) -> Decimal:
        return money(sum((row.spent for row in self.lines), ZERO))

    @property
    def remaining_total(self) -> Decimal:
        return money(self.budget_total - self.spent_total)

    @property
    def usage(self) -> Decimal | None:
        return usage_percent(self.spent_total, self.budget_total)


def year_summary(organisation: Organisation, year: int) -> YearSummary:
    """The budget lines of one organisation's year with what was spent on each: one query."""
    order = {value: index for index, value in enumerate(FundLine.values)}
    budgets = list(
        FundBudget.objects.filter(organisation=organisation, year=year).annotate(
            spent=Coalesce(Sum("expenses__amount"), Value(ZERO), output_field=_MONEY_FIELD)
        )
    )
    budgets.sort(key=lambda b: order.get(b.line, len(order)))
    return YearSummary(
        organisation,
        year,
        [LineRow(b, money(b.spent)) for b in budgets],  # type: ignore[attr-defined]
    )


@dataclass
class OrgTotals:
    organisation: Organisation
    budget: Decimal
    spent: Decimal
    lines: int

    @property
    def remaining(self) -> Decimal:
        return money(self.budget - self.spent)

    @property
    def usage(self) -> Decimal | None:
        return usage_percent(self.spent, self.budget)


def org_totals(organisations: Sequence[Organisation], year: int) -> list[OrgTotals]:
    """Each organisation's budget and spending of `year` (its own lines, not its subtree's): one
    query whatever the number of organisations."""
    sums: dict[int, list[Decimal]] = {}
    rows = (
        FundBudget.objects.filter(organisation__in=organisations, year=year)
        .annotate(spent=Coalesce(Sum("expenses__amount"), Value(ZERO), output_field=_MONEY_FIELD))
        .values_list("organisation_id", "amount", "spent")
    )
    for org_id, amount, spent in rows:
        entry = sums.setdefault(org_id, [ZERO, ZERO, Decimal(0)])
        entry[0] += amount
        entry[1] += spent or ZERO
        entry[2] += 1
    out = []
    for org in organisations:
        budget, spent, lines = sums.get(org.pk, [ZERO, ZERO, Decimal(0)])
        out.append(OrgTotals(org, money(budget), money(spent), int(lines)))
    return out


def expense_list(organisation: Organisation, year: int) -> QuerySet[FundExpense]:
    """The year's expenses of one organisation, newest first, with line and receipts (2 queries)."""
    return (
        FundExpense.objects.filter(budget__organisation=organisation, budget__year=year)
        .select_related("budget")
        .prefetch_related("receipts")
        .order_by("-spent_on", "-id")
    )


SORTS = {
    "date": ("spent_on", "id"),
    "-date": ("-spent_on", "-id"),
    "amount": ("amount", "id"),
    "-amount": ("-amount", "-id"),
}
FLAGS = {"no_receipt": "无票据", "over_budget": "超预算", "shared_receipt": "票据重复使用"}


def audit_expenses(
    user: Any,
    *,
    year: int | None = None,
    organisation: Organisation | None = None,
    sort: str = "-date",
    flag: str = "",
) -> QuerySet[FundExpense]:
    """Every expense the user reaches through `funds.view` (in `organisation`'s subtree when
    given), annotated for the auditor's checks (DUES-3):
    - `receipt_count`; `no_receipt` when it has none (the services refuse that: should be none);
    - `running_total`: the line's spending up to and including this expense, in the order they
      were recorded; `over_budget` when that passes the line's budget;
    - `shared_receipt`: one of its receipts (same SHA-256) is also attached to another expense.
    One query per page whatever the number of rows."""
    receipts = (
        FundReceipt.objects.filter(expense_id=OuterRef("pk"))
        .order_by()
        .values("expense_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    running = (
        FundExpense.objects.filter(budget_id=OuterRef("budget_id"), pk__lte=OuterRef("pk"))
        .order_by()
        .values("budget_id")
        .annotate(total=Sum("amount"))
        .values("total")
    )
    elsewhere = FundReceipt.objects.filter(sha256=OuterRef("sha256")).exclude(
        expense_id=OuterRef("expense_id")
    )
    shared = FundReceipt.objects.filter(expense_id=OuterRef("pk")).filter(Exists(elsewhere))
    qs = (
        expenses_for(user, "funds.view")
        .select_related("budget__organisation")
        .annotate(
            receipt_count=Coalesce(Subquery(receipts), Value(0)),
            running_total=Coalesce(Subquery(running, output_field=_MONEY_FIELD), Value(ZERO)),
            shared_receipt=Exists(shared),
        )
        .annotate(
            no_receipt=Case(
                When(receipt_count=0, then=Value(True)), default=Value(False), output_field=BooleanField()
            ),
            over_budget=Case(
                When(running_total__gt=F("budget__amount"), then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            ),
        )
    )
    if year is not None:
        qs = qs.filter(budget__year=year)
    if organisation is not None:
        qs = qs.filter(budget__organisation__path__startswith=organisation.path)
    if flag in FLAGS:
        qs = qs.filter(**{flag: True})
    return qs.order_by(*SORTS.get(sort, SORTS["-date"]))


def flags_of(expense: Any) -> list[str]:
    """The auditor's flags of an expense from `audit_expenses`, as Chinese labels."""
    return [label for name, label in FLAGS.items() if getattr(expense, name, False)]


def flag_counts(qs: QuerySet[FundExpense]) -> dict[str, int]:
    """How many expenses of an `audit_expenses` queryset carry each flag: one query."""
    # The aggregates' names differ from the annotations': reusing a name makes Django refer to a
    # column its wrapping subquery does not select.
    counts = qs.order_by().aggregate(
        n_total=Count("pk"),
        **{
            f"n_{name}": Sum(
                Case(When(**{name: True}, then=Value(1)), default=Value(0), output_field=IntegerField())
            )
            for name in FLAGS
        },
    )
    return {name: counts.get(f"n_{name}") or 0 for name in ("total", *FLAGS)}


# ---------------------------------------------------------------------------------------------
# Spreadsheet rows


SUMMARY_HEADERS = ("预算科目", "预算金额（元）", "已支出（元）", "剩余（元）", "执行率（%）", "说明")
EXPENSE_HEADERS = (
    "支出日期",
    "预算科目",
    "用途",
    "收款方",
    "金额（元）",
    "凭证号",
    "审批人",
    "票据数",
    "票据文件",
)


def summary_rows(summary: YearSummary) -> list[list[Any]]:
    rows: list[list[Any]] = [
        [row.label, row.amount, row.spent, row.remaining, row.usage, row.budget.note] for row in summary.lines
    ]
    rows.append(
        ["合计", summary.budget_total, summary.spent_total, summary.remaining_total, summary.usage, ""]
    )
    return rows


def expense_rows(expenses: Iterable[FundExpense]) -> list[list[Any]]:
    out = []
    for e in expenses:
        receipts = list(e.receipts.all())
        out.append(
            [
                e.spent_on,
                e.budget.get_line_display(),
                e.purpose,
                e.payee,
                e.amount,
                e.voucher_number,
                e.approver,
                len(receipts),
                "、".join(r.name for r in receipts),
            ]
        )
    return out
