"""Pages of member development (DEV-1…6) for a busy branch secretary: what is due in every branch,
a branch's files by stage, and one file with its 25-step checklist and the form for the next step
only. Thin: the rules are in `services` (their refusals land on the form fields and name the rule),
the reads in `selectors`; every object is reached through the scoping helpers (404 outside the
user's subtree)."""

import datetime as dt
import io
from collections import Counter, defaultdict
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.encoding import escape_uri_path
from django.views.decorators.http import require_POST

from zhibu.accounts.scoping import (
    get_member_or_404,
    get_org_or_404,
    has_perm,
    in_scope,
    require_perm,
    scope_q,
)
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.development import documents, exports, selectors, services
from zhibu.development.access import branches_for, get_file_or_404
from zhibu.development.forms import (
    CancelForm,
    CloseForm,
    ExtendForm,
    FileOpenForm,
    ReviewForm,
    SponsorReplaceForm,
    StepForm,
)
from zhibu.development.models import OPEN_STAGES, DevelopmentFile, Review, Sponsor, Stage
from zhibu.development.selectors import branch_files, next_step
from zhibu.development.steps import STAGES
from zhibu.lib.dates import today
from zhibu.lib.forms import apply_errors
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.lib.xlsx import xlsx_response
from zhibu.members.models import Category, Member
from zhibu.orgs.models import Organisation

# The registry categories that can have a file opened (DEV-1): the people before conversion (a
# 预备党员 imported from a 台账 gets a back-filled file).
PRE_ADMISSION = (Category.APPLICANT, Category.ACTIVIST, Category.CANDIDATE, Category.PROBATIONARY)
# How many due items the index lists; the export has them all.
INDEX_ITEMS = 300


def _branch(user: Any, pk: int) -> Organisation:
    org = get_org_or_404(user, "development.view", pk)
    if org.kind != Organisation.Kind.BRANCH:
        raise Http404("发展党员工作按党支部查看")
    return org


# ---------------------------------------------------------------------------------------------
# The due lists: every branch in scope, one branch


def _summary_rows(branches: list[Organisation], summary: dict[int, Counter], items: list[Any]) -> list[dict]:
    due = Counter(item.member.branch_id for item in items)
    overdue = Counter(item.member.branch_id for item in items if item.overdue)
    return [
        {
            "branch": b,
            "counts": [summary.get(b.pk, Counter())[stage] for stage in OPEN_STAGES],
            "due": due[b.pk],
            "overdue": overdue[b.pk],
        }
        for b in branches
    ]


@require_perm("development.view")
def index(request: HttpRequest) -> HttpResponse:
    branches = list(branches_for(request.user))
    on = today()
    items = selectors.due_items(branches, on)
    summary = selectors.branch_summary(branches, on)
    names = {b.pk: b.name for b in branches}
    context = {
        "rows": _summary_rows(branches, summary, items),
        "stages": [stage.label for stage in OPEN_STAGES],
        "due_rows": [(item, names.get(item.member.branch_id, "")) for item in items[:INDEX_ITEMS]],
        "item_count": len(items),
        "shown": min(len(items), INDEX_ITEMS),
        "overdue_count": sum(1 for item in items if item.overdue),
        "can_edit": has_perm(request.user, "development.edit"),
        "on": on,
    }
    return render(request, "development/index.html", context)


@require_perm("development.view")
def index_export(request: HttpRequest) -> HttpResponse:
    branches = list(branches_for(request.user))
    on = today()
    items = selectors.due_items(branches, on)
    book = exports.index_workbook(branches, selectors.branch_summary(branches, on), items)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="development.developmentfile",
        object_repr="各支部发展党员情况",
        note=f"导出各支部发展党员情况和到期事项（{len(branches)}个党支部，{len(items)}项）",
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return xlsx_response(buffer.getvalue(), f"发展党员到期事项{on:%Y%m%d}.xlsx")


def _next_rows(files: list[DevelopmentFile], on: dt.date) -> dict[int, selectors.ChecklistRow]:
    """The next step's checklist row of each file, with its due and earliest dates. A list reads
    the rules once per year instead of once per file (`selectors.checklist` is for one file)."""
    rules = rules_for(on.year)
    by_year: dict[int, RuleSet] = {}
    rows = {}
    for file in files:
        coming = next_step(file)
        if coming is None:
            continue
        end = None
        if file.admitted_on is not None:
            year = file.admitted_on.year
            if year not in by_year:
                by_year[year] = rules if year == on.year else rules_for(year)
            end = selectors.probation_end(file, rules=by_year[year])
        recorded = {s.number: s for s in file.steps.all()}
        dates = selectors._rule_dates(file, recorded, rules, end)
        due_on, earliest_on = dates.get(coming.number, (None, None))
        overdue = file.stage in OPEN_STAGES and due_on is not None and due_on < on
        rows[file.pk] = selectors.ChecklistRow(coming, None, due_on, earliest_on, overdue)
    return rows


def _file_rows(
    files: list[DevelopmentFile], items: list[selectors.DueItem], on: dt.date
) -> list[dict[str, Any]]:
    upcoming = _next_rows(files, on)
    due: dict[int, list[selectors.DueItem]] = defaultdict(list)
    for item in items:
        if item.file is not None:
            due[item.file.pk].append(item)
    rows = []
    for file in files:
        recorded = list(file.steps.all())
        rows.append(
            {
                "file": file,
                "last": recorded[-1] if recorded else None,
                "next": upcoming.get(file.pk),
                "due": due[file.pk],
                "overdue": any(item.overdue for item in due[file.pk])
                or bool(upcoming.get(file.pk) and upcoming[file.pk].overdue),
                "cultivators": exports.sponsor_names(file, Sponsor.Role.CULTIVATOR),
                "introducers": exports.sponsor_names(file, Sponsor.Role.INTRODUCER),
            }
        )
    return rows


@require_perm("development.view")
def branch_detail(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request.user, pk)
    on = today()
    files = list(branch_files(branch))
    items = selectors.due_items([branch], on)
    rows = _file_rows(files, items, on)
    groups = []
    for stage in Stage:
        stage_rows = [r for r in rows if r["file"].stage == stage]
        if stage_rows or stage in OPEN_STAGES:
            groups.append({"stage": stage, "rows": stage_rows, "open": stage in OPEN_STAGES})
    without_file = Member.objects.filter(
        branch=branch, is_active=True, category__in=PRE_ADMISSION, development_file__isnull=True
    ).order_by("category", "name", "id")
    context = {
        "branch": branch,
        "groups": groups,
        "file_count": len(files),
        "due_rows": [(item, branch.name) for item in items],
        "without_file": list(without_file),
        "can_edit": in_scope(request.user, "development.edit", branch),
        "on": on,
    }
    return render(request, "development/branch.html", context)


@require_perm("development.view")
def branch_export(request: HttpRequest, pk: int) -> HttpResponse:
    branch = _branch(request.user, pk)
    on = today()
    files = list(branch_files(branch))
    items = selectors.due_items([branch], on)
    book = exports.branch_workbook(branch, files, items)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        object_type="development.developmentfile",
        object_repr=f"{branch.name}发展党员台账",
        organisation=branch,
        note=f"导出{branch.name}发展党员台账（{len(files)}份档案，{len(items)}项到期事项）",
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    buffer = io.BytesIO()
    book.save(buffer)
    return xlsx_response(buffer.getvalue(), f"{branch.name}发展党员台账.xlsx")


# ---------------------------------------------------------------------------------------------
# Opening a file and the file page


@require_perm("development.edit")
def file_open(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_or_404(request.user, "development.edit", pk)
    existing = DevelopmentFile.objects.filter(member=member).first()
    if existing is not None:
        messages.info(request, f"{member.name}已有入党档案。")
        return redirect("development:file", pk=existing.pk)
    form = FileOpenForm(request.POST or None, initial={"applied_on": today(), "basis": "入党申请书"})
    if request.method == "POST" and form.is_valid():
        try:
            file = services.file_open(actor=request.user, member=member, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已为{member.name}建立入党档案，记录了第①步“递交入党申请书”。")
            return redirect("development:file", pk=file.pk)
    context = {
        "form": form,
        "title": f"建立入党档案：{member.name}",
        "note": "递交入党申请书之日须年满18周岁（规则 B-1）；党组织应在收到申请书后一个月内派人谈话"
        "（规则 B-2）。",
        "back_branch": member.branch_id,
    }
    return render(request, "development/form.html", context)


def _review_initial(file: DevelopmentFile) -> dict[str, Any]:
    reviews = list(file.reviews.order_by("period_end", "id"))
    kind = Review.Kind.PROBATIONARY if file.stage == Stage.PROBATIONARY else Review.Kind.ACTIVIST
    same = [r for r in reviews if r.kind == kind]
    start = (
        same[-1].period_end + dt.timedelta(days=1)
        if same
        else (file.admitted_on if kind == Review.Kind.PROBATIONARY else file.activist_on)
    )
    return {"kind": kind, "reviewed_on": today(), "period_start": start, "period_end": today()}


def _stages(rows: list[selectors.ChecklistRow]) -> list[tuple[str, list[selectors.ChecklistRow]]]:
    """The checklist in the five stages of the 细则, each with its rows."""
    return [(label, [r for r in rows if r.step.stage == key]) for key, label in STAGES]


def _detail(request: HttpRequest, file: DevelopmentFile, **forms_given: Any) -> HttpResponse:
    """The file page; `forms_given` are bound forms that failed (shown open, with their errors)."""
    on = today()
    file = branch_files(file.member.branch).get(pk=file.pk)
    can_edit = in_scope(request.user, "development.edit", file.member.branch)
    coming = next_step(file)
    sponsors = list(file.sponsors.all())
    context: dict[str, Any] = {
        "file": file,
        "member": file.member,
        "stages": _stages(selectors.checklist(file, on)),
        "sponsors": sponsors,
        "reviews": list(file.reviews.all()),
        "probation_end": selectors.probation_end(file) if file.admitted_on else None,
        "next": coming,
        "can_edit": can_edit,
        "is_open": file.stage in OPEN_STAGES,
        "is_probationary": file.stage == Stage.PROBATIONARY,
        "failed": next(iter(forms_given), ""),
        "registers": [(kind, title) for kind, (title, _) in documents.REGISTERS.items()],
        "on": on,
    }
    if can_edit and coming is not None:
        context["step_form"] = forms_given.get("step") or StepForm(file=file, step=coming)
    if can_edit and file.stage in OPEN_STAGES:
        if file.stage == Stage.PROBATIONARY:
            context["extend_form"] = forms_given.get("extend") or ExtendForm(
                file=file, prefix="extend", initial={"decided_on": on}
            )
            context["cancel_form"] = forms_given.get("cancel") or CancelForm(
                file=file, prefix="cancel", initial={"decided_on": on}
            )
        else:
            context["close_form"] = forms_given.get("close") or CloseForm(
                prefix="close", initial={"closed_on": on}
            )
        failed_sponsor = forms_given.get("sponsor")
        for sponsor in sponsors:
            if sponsor.end_on is None:
                if failed_sponsor is not None and failed_sponsor.prefix == f"sponsor{sponsor.pk}":
                    sponsor.form = failed_sponsor  # type: ignore[attr-defined]
                else:
                    sponsor.form = SponsorReplaceForm(  # type: ignore[attr-defined]
                        sponsor=sponsor, prefix=f"sponsor{sponsor.pk}", initial={"on": on}
                    )
    return render(request, "development/file.html", context)


@require_perm("development.view")
def file_detail(request: HttpRequest, pk: int) -> HttpResponse:
    return _detail(request, get_file_or_404(request.user, "development.view", pk))


# ---------------------------------------------------------------------------------------------
# Writes: the next step, reviews, sponsors, the end of probation, closing a file


@require_POST
@require_perm("development.edit")
def step_record(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_file_or_404(request.user, "development.edit", pk)
    coming = next_step(branch_files(file.member.branch).get(pk=file.pk))
    if coming is None:
        messages.error(request, "该档案已没有可办理的步骤。")
        return redirect("development:file", pk=file.pk)
    form = StepForm(request.POST, file=file, step=coming)
    if form.is_valid():
        data = dict(form.cleaned_data)
        number = data.pop("number")
        people = list(data.pop("people", None) or [])
        if number != coming.number:
            form.add_error(
                None, f"页面已过期：该档案下一步应为{coming.label}，请核对后重新提交（可能已由他人办理）。"
            )
        else:
            try:
                record = services.step_record(
                    actor=request.user, file=file, number=number, people=people, **data
                )
            except ValidationError as error:
                apply_errors(form, error)
            else:
                messages.success(
                    request, f"已记录{file.member.name}的{coming.label}（{record.done_on:%Y-%m-%d}）。"
                )
                return redirect("development:file", pk=file.pk)
    return _detail(request, file, step=form)


@require_perm("development.edit")
def review_create(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_file_or_404(request.user, "development.edit", pk)
    form = ReviewForm(request.POST or None, initial=_review_initial(file))
    if request.method == "POST" and form.is_valid():
        try:
            services.review_record(actor=request.user, file=file, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已记录{file.member.name}的考察情况。")
            return redirect("development:file", pk=file.pk)
    context = {
        "form": form,
        "title": f"新增考察记录：{file.member.name}",
        "note": "党支部每半年对入党积极分子进行一次考察（规则 B-4）；预备党员的教育考察记入"
        "预备党员考察登记表。",
        "back_file": file.pk,
    }
    return render(request, "development/form.html", context)


@require_POST
@require_perm("development.edit")
def probation_extend(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_file_or_404(request.user, "development.edit", pk)
    form = ExtendForm(request.POST, file=file, prefix="extend")
    if form.is_valid():
        try:
            services.probation_extend(actor=request.user, file=file, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            months = form.cleaned_data["months"]
            messages.success(request, f"已记录延长{file.member.name}的预备期{months}个月。")
            return redirect("development:file", pk=file.pk)
    return _detail(request, file, extend=form)


@require_POST
@require_perm("development.edit")
def probation_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_file_or_404(request.user, "development.edit", pk)
    form = CancelForm(request.POST, file=file, prefix="cancel")
    if form.is_valid():
        try:
            services.probation_cancel(actor=request.user, file=file, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已记录取消{file.member.name}的预备党员资格。")
            return redirect("development:file", pk=file.pk)
    return _detail(request, file, cancel=form)


@require_POST
@require_perm("development.edit")
def file_close(request: HttpRequest, pk: int) -> HttpResponse:
    file = get_file_or_404(request.user, "development.edit", pk)
    form = CloseForm(request.POST, prefix="close")
    if form.is_valid():
        try:
            services.file_close(actor=request.user, file=file, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已终止对{file.member.name}的培养。")
            return redirect("development:file", pk=file.pk)
    return _detail(request, file, close=form)


@require_POST
@require_perm("development.edit")
def sponsor_replace(request: HttpRequest, pk: int) -> HttpResponse:
    try:
        sponsor = (
            Sponsor.objects.select_related("file__member__branch", "member")
            .filter(scope_q(request.user, "development.edit", "file__member__branch"))
            .get(pk=pk)
        )
    except (Sponsor.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该培养联系人或入党介绍人") from None
    file = sponsor.file
    form = SponsorReplaceForm(request.POST, sponsor=sponsor, prefix=f"sponsor{sponsor.pk}")
    if form.is_valid():
        try:
            new = services.sponsor_replace(actor=request.user, sponsor=sponsor, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(
                request, f"已将{sponsor.get_role_display()}{sponsor.member.name}更换为{new.member.name}。"
            )
            return redirect("development:file", pk=file.pk)
    return _detail(request, file, sponsor=form)


# ---------------------------------------------------------------------------------------------
# Registers (.docx)


@require_perm("development.view")
def register(request: HttpRequest, pk: int, kind: str) -> HttpResponse:
    if kind not in documents.REGISTERS:
        raise Http404("没有这种登记表")
    file = get_file_or_404(request.user, "development.view", pk)
    name, content = documents.register_bytes(file, kind)
    audit_record(
        actor=request.user,
        action=AuditEvent.Action.EXPORT,
        obj=file,
        organisation=file.member.branch,
        note=f"下载{name}",
        ip_address=request.META.get("REMOTE_ADDR"),
    )
    response = HttpResponse(content, content_type=documents.DOCX_MIME)
    response["Content-Disposition"] = f"attachment; filename*=UTF-8''{escape_uri_path(name)}"
    return response
