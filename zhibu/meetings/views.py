"""Pages of organisational life (ACT-1…4): the meeting list and detail, recording a meeting with
its attendance on one page, corrections, 补课, decisions, notices, the yearly activity plan,
attachments and the goals a meeting reviewed. Thin: the rules are in `services`, the reads in
`selectors`; every object is reached through the scoped helpers (404 outside the user's subtree)."""

import datetime as dt
import mimetypes
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Prefetch, Q
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_POST

from zhibu.accounts.scoping import has_perm, in_scope, orgs_for, require_perm, scope_q
from zhibu.lib.dates import today
from zhibu.lib.forms import apply_errors
from zhibu.lib.xlsx import xlsx_response
from zhibu.meetings import exports, selectors, services
from zhibu.meetings.forms import (
    ActivityPlanForm,
    AttachmentForm,
    AttendanceForm,
    DecisionForm,
    MakeupForm,
    MeetingEditForm,
    MeetingForm,
    NoticeForm,
    ReviewedGoalsForm,
    meeting_organisations,
)
from zhibu.meetings.models import ActivityPlan, Attendance, Decision, Kind, MeetingAttachment, Notice
from zhibu.meetings.rules import vote_outcome
from zhibu.orgs.models import Organisation

BRANCH_KINDS = (
    Organisation.Kind.BRANCH,
    Organisation.Kind.GENERAL_BRANCH,
    Organisation.Kind.PARTY_COMMITTEE,
)


def _years() -> list[int]:
    this = today().year
    return list(range(this, this - 6, -1))


def _branches(user: Any, perm: str) -> Any:
    return orgs_for(user, perm).filter(kind=Organisation.Kind.BRANCH, is_active=True).order_by("path")


def _home_branch(user: Any, perm: str = "meetings.edit") -> Organisation | None:
    """The branch a secretary works in, for the forms' defaults: the first branch in scope."""
    return _branches(user, perm).first()


# ---------------------------------------------------------------------------------------------
# The list and the detail


@require_perm("meetings.view")
def meeting_list(request: HttpRequest) -> HttpResponse:
    params = request.GET
    page = Paginator(selectors.meeting_search(request.user, params), settings.PAGE_SIZE).get_page(
        params.get("page")
    )
    scope = orgs_for(request.user, "meetings.view").filter(is_active=True)
    groups = scope.filter(kind=Organisation.Kind.GROUP).select_related("parent").order_by("path")
    if str(params.get("branch") or "").isdigit():
        groups = groups.filter(parent_id=params["branch"])
    context = {
        "page_obj": page,
        "filters": {name: params.get(name, "") for name in selectors.MEETING_FILTERS},
        "branches": scope.filter(kind__in=BRANCH_KINDS).order_by("path"),
        "groups": groups,
        "kinds": Kind.choices,
        "years": _years(),
        "can_edit": has_perm(request.user, "meetings.edit"),
    }
    return render(request, "meetings/list.html", context)


@require_perm("meetings.view")
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_or_404(request.user, "meetings.view", pk)
    rows = list(meeting.attendances.select_related("member").order_by("member__name", "member_id"))
    decisions = list(
        meeting.decisions.prefetch_related(Prefetch("notices", queryset=Notice.objects.order_by("start_on")))
    )
    for decision in decisions:
        decision.outcome = vote_outcome(  # type: ignore[attr-defined]
            entitled=decision.entitled, present=decision.present, votes_for=decision.votes_for
        )
    context = {
        "meeting": meeting,
        "branch": selectors.meeting_branch(meeting.organisation),
        "rows": rows,
        "counts": selectors.attendance_counts(rows),
        "decisions": decisions,
        "attachments": list(meeting.attachments.order_by("created_at", "id")),
        "goals": list(meeting.reviewed_goals.order_by("id")),
        "can_edit": in_scope(request.user, "meetings.edit", meeting.organisation),
        "takes_decisions": meeting.kind in services.DECISION_KINDS,
        "attachment_form": AttachmentForm(),
        "today": today(),
    }
    return render(request, "meetings/detail.html", context)


# ---------------------------------------------------------------------------------------------
# Recording a meeting (ACT-1, ACT-2): one page, everyone present, mark the exceptions


def _expected_rows(request: HttpRequest, data: Any) -> tuple[list[Any], str]:
    """The expected members for the organisation, kind and date in `data` (the form's values),
    with each one's marking kept from `data`; or a hint why none can be listed yet."""
    scope = meeting_organisations(orgs_for(request.user, "meetings.edit"))
    org = (
        scope.filter(pk=data.get("organisation")).first()
        if str(data.get("organisation", "")).isdigit()
        else None
    )
    kind = data.get("kind") or ""
    try:
        held_on = dt.date.fromisoformat(str(data.get("held_on") or ""))
    except ValueError:
        held_on = None
    if org is None or kind not in Kind.values or held_on is None:
        return [], "选择会议类型、日期和党组织后，这里列出应到人员。"
    if kind == Kind.GROUP_MEETING and org.kind != Organisation.Kind.GROUP:
        return [], "党小组会请选择党小组。"
    if kind != Kind.GROUP_MEETING and org.kind == Organisation.Kind.GROUP:
        return [], f"{Kind(kind).label}请选择党支部。"
    members = list(selectors.expected_members(org, kind, held_on).order_by("name", "id"))
    rows = []
    for member in members:
        status = data.get(f"status_{member.pk}") or Attendance.Status.PRESENT
        if status not in Attendance.Status.values:
            status = Attendance.Status.PRESENT
        rows.append({"member": member, "status": status, "reason": data.get(f"reason_{member.pk}", "")})
    if not rows:
        return [], f"{org.name}在{held_on:%Y-%m-%d}没有应到人员（正式党员和预备党员）。"
    return rows, ""


def _exceptions(data: Any, rows: list[dict[str, Any]]) -> dict[int, services.Absence]:
    return {
        row["member"].pk: services.Absence(status=row["status"], reason=str(row["reason"]).strip())
        for row in rows
        if row["status"] != Attendance.Status.PRESENT
    }


@require_perm("meetings.edit")
def meeting_create(request: HttpRequest) -> HttpResponse:
    organisations = meeting_organisations(orgs_for(request.user, "meetings.edit"))
    home = _home_branch(request.user)
    kind = request.GET.get("kind") if request.GET.get("kind") in Kind.values else Kind.GENERAL_MEETING
    initial: dict[str, Any] = {"kind": kind, "held_on": today(), "organisation": home}
    if home is not None:
        initial["host"] = selectors.branch_secretary_name(home, today())
    form = MeetingForm(request.POST or None, organisations=organisations, initial=initial)
    source = (
        request.POST
        if request.method == "POST"
        else {
            "kind": kind,
            "held_on": today().isoformat(),
            "organisation": str(home.pk) if home else "",
        }
    )
    rows, hint = _expected_rows(request, source)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            meeting = services.meeting_record(
                actor=request.user, exceptions=_exceptions(request.POST, rows), **data
            )
        except ValidationError as error:
            apply_errors(form, error)
        else:
            absent = sum(1 for row in rows if row["status"] != Attendance.Status.PRESENT)
            label = f"{meeting.get_kind_display()}“{meeting.topic}”"
            messages.success(request, f"已记录{label}：应到{len(rows)}人，实到{len(rows) - absent}人。")
            return redirect("meetings:detail", pk=meeting.pk)
    context = {"form": form, "rows": rows, "hint": hint, "statuses": Attendance.Status.choices}
    return render(request, "meetings/record.html", context)


@require_perm("meetings.edit")
def expected(request: HttpRequest) -> HttpResponse:
    """htmx: the expected members' table for the kind, date and organisation chosen."""
    rows, hint = _expected_rows(request, request.GET)
    return render(
        request,
        "meetings/_expected.html",
        {"rows": rows, "hint": hint, "statuses": Attendance.Status.choices},
    )


@require_perm("meetings.edit")
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_or_404(request.user, "meetings.edit", pk)
    names = list(MeetingEditForm.base_fields)
    form = MeetingEditForm(request.POST or None, initial={name: getattr(meeting, name) for name in names})
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_update(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已保存。")
            return redirect("meetings:detail", pk=meeting.pk)
    context = {
        "form": form,
        "title": f"修改会议记录：{meeting}",
        "back": meeting.pk,
        "note": "会议类型、日期和党组织决定应到人员，不能修改；录错时请另行记录正确的会议。",
    }
    return render(request, "meetings/form.html", context)


@require_perm("meetings.edit")
def attendance_edit(request: HttpRequest, pk: int) -> HttpResponse:
    """One person's 出勤情况 and 补课 (two small forms on one page)."""
    editable = selectors.meetings_for(request.user, "meetings.edit")
    attendance = (
        Attendance.objects.filter(meeting__in=editable, pk=pk)
        .select_related("meeting__organisation", "member")
        .first()
    )
    if attendance is None:
        raise Http404("未找到该出勤记录")
    action = request.POST.get("action") if request.method == "POST" else ""
    status_form = AttendanceForm(
        request.POST if action == "status" else None,
        initial={"status": attendance.status, "reason": attendance.reason},
        prefix="status",
    )
    makeup_form = MakeupForm(
        request.POST if action == "makeup" else None,
        initial={"makeup_on": attendance.makeup_on or today(), "makeup_note": attendance.makeup_note},
        prefix="makeup",
    )
    form = status_form if action == "status" else makeup_form
    if action in ("status", "makeup") and form.is_valid():
        try:
            if action == "status":
                services.attendance_update(actor=request.user, attendance=attendance, **form.cleaned_data)
            else:
                services.makeup_record(actor=request.user, attendance=attendance, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已更新{attendance.member.name}的出勤记录。")
            return redirect("meetings:detail", pk=attendance.meeting_id)
    context = {"attendance": attendance, "status_form": status_form, "makeup_form": makeup_form}
    return render(request, "meetings/attendance.html", context)


@require_perm("meetings.edit")
def decision_create(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_or_404(request.user, "meetings.edit", pk)
    counts = selectors.attendance_counts(meeting.attendances.all())
    initial = {
        "entitled": counts["expected"],
        "present": counts["present"],
        "votes_against": 0,
        "votes_abstain": 0,
    }
    form = DecisionForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            decision = services.decision_record(actor=request.user, meeting=meeting, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            outcome = vote_outcome(
                entitled=decision.entitled, present=decision.present, votes_for=decision.votes_for
            )
            messages.success(request, f"已记录议事决定“{decision.title}”：{outcome.explanation}。")
            return redirect("meetings:detail", pk=meeting.pk)
    context = {
        "form": form,
        "title": f"记录议事决定：{meeting}",
        "back": meeting.pk,
        "note": "表决规则（规则 A-5）：实到有表决权的人数超过应到人数的一半方可开会；"
        "赞成票超过应到有表决权人数的一半（不是实到人数的一半）为通过。",
    }
    return render(request, "meetings/form.html", context)


@require_POST
@require_perm("meetings.edit")
def attachment_add(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_or_404(request.user, "meetings.edit", pk)
    form = AttachmentForm(request.POST, request.FILES)
    if form.is_valid():
        try:
            attachment = services.meeting_attachment_add(
                actor=request.user, meeting=meeting, upload=form.cleaned_data["file"]
            )
        except ValidationError as error:
            for message in error.messages:
                messages.error(request, message)
        else:
            messages.success(request, f"已上传附件“{attachment.name}”。")
    else:
        for errors in form.errors.values():
            for text in errors:
                messages.error(request, f"附件：{text}")
    return redirect("meetings:detail", pk=meeting.pk)


@require_perm("meetings.view")
def attachment_download(request: HttpRequest, pk: int) -> FileResponse:
    """Files are streamed after the meeting's scope check — never from a public MEDIA url."""
    item = (
        MeetingAttachment.objects.filter(
            meeting__in=selectors.meetings_for(request.user, "meetings.view"), pk=pk
        )
        .only("file", "name")
        .first()
    )
    if item is None:
        raise Http404("未找到该文件")
    content_type = mimetypes.guess_type(item.name)[0] or "application/octet-stream"
    response = FileResponse(
        item.file.open("rb"), as_attachment=True, filename=item.name, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@require_perm("meetings.edit")
def reviewed_goals(request: HttpRequest, pk: int) -> HttpResponse:
    """GOAL-5: tick the goals of the branch's plan whose progress the meeting reviewed."""
    meeting = selectors.get_meeting_or_404(request.user, "meetings.edit", pk)
    goals = services.reviewable_goals(meeting)
    form = ReviewedGoalsForm(
        request.POST or None, goals=goals, initial={"goals": list(meeting.reviewed_goals.all())}
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.meeting_goals_set(actor=request.user, meeting=meeting, goals=form.cleaned_data["goals"])
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, "已保存本次会议检查的目标。")
            return redirect("meetings:detail", pk=meeting.pk)
    return render(
        request, "meetings/goals.html", {"form": form, "meeting": meeting, "has_goals": goals.exists()}
    )


# ---------------------------------------------------------------------------------------------
# Exports (DOC-4)


@require_perm("meetings.view")
def meeting_export(request: HttpRequest) -> HttpResponse:
    meetings = selectors.meeting_search(request.user, request.GET)
    year = request.GET.get("year") or ""
    return xlsx_response(exports.meetings_workbook(meetings), f"会议活动台账{year}.xlsx")


@require_perm("meetings.view")
def attendance_export(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = selectors.get_meeting_or_404(request.user, "meetings.view", pk)
    rows = list(meeting.attendances.select_related("member").order_by("member__name", "member_id"))
    filename = f"出勤表_{meeting.held_on:%Y%m%d}_{meeting.get_kind_display()}.xlsx"
    return xlsx_response(exports.attendance_workbook(meeting, rows), filename)


# ---------------------------------------------------------------------------------------------
# Notices (公示, ACT-4)


def _notice_filter(request: HttpRequest) -> tuple[Any, dict[str, str]]:
    filters = {name: request.GET.get(name, "") for name in ("branch", "year", "state")}
    notices = (
        Notice.objects.filter(scope_q(request.user, "meetings.view", "organisation"))
        .select_related("organisation", "decision__meeting")
        .order_by("-start_on", "-id")
    )
    if filters["branch"].isdigit():
        notices = notices.filter(organisation_id=filters["branch"])
    if filters["year"].isdigit():
        year = int(filters["year"])
        notices = notices.filter(start_on__lte=dt.date(year, 12, 31), end_on__gte=dt.date(year, 1, 1))
    on = today()
    if filters["state"] == "open":
        notices = notices.filter(start_on__lte=on, end_on__gte=on)
    elif filters["state"] == "closed":
        notices = notices.filter(end_on__lt=on)
    return notices, filters


@require_perm("meetings.view")
def notice_list(request: HttpRequest) -> HttpResponse:
    notices, filters = _notice_filter(request)
    page = Paginator(notices, settings.PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "page_obj": page,
        "filters": filters,
        "branches": orgs_for(request.user, "meetings.view").filter(kind__in=BRANCH_KINDS).order_by("path"),
        "years": _years(),
        "today": today(),
        "can_edit": has_perm(request.user, "meetings.edit"),
    }
    return render(request, "meetings/notice_list.html", context)


@require_perm("meetings.edit")
def notice_create(request: HttpRequest) -> HttpResponse:
    organisations = orgs_for(request.user, "meetings.edit").filter(kind__in=BRANCH_KINDS, is_active=True)
    decisions = (
        Decision.objects.filter(scope_q(request.user, "meetings.edit", "meeting__organisation"))
        .select_related("meeting")
        .order_by("-meeting__held_on", "-id")
    )
    initial: dict[str, Any] = {"start_on": today(), "organisation": _home_branch(request.user)}
    decision_param = request.GET.get("decision") or ""
    chosen = decisions.filter(pk=decision_param).first() if decision_param.isdigit() else None
    if chosen is not None:
        subject = chosen.subject if chosen.subject in Notice.Subject.values else Notice.Subject.PARTY_AFFAIRS
        initial |= {
            "decision": chosen,
            "subject": subject,
            "title": f"关于{chosen.title}的公示",
            "organisation": selectors.meeting_branch(chosen.meeting.organisation),
            "start_on": max(chosen.meeting.held_on, today()),
        }
    form = NoticeForm(
        request.POST or None,
        organisations=organisations.order_by("path"),
        decisions=decisions,
        initial=initial,
    )
    if request.method == "POST" and form.is_valid():
        try:
            notice = services.notice_publish(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已发布公示“{notice.title}”。")
            if notice.decision_id:
                return redirect("meetings:detail", pk=notice.decision.meeting_id)  # type: ignore[union-attr]
            return redirect("meetings:notice_list")
    return render(
        request, "meetings/form.html", {"form": form, "title": "发布公示", "back_url": "meetings:notice_list"}
    )


@require_perm("meetings.view")
def notice_export(request: HttpRequest) -> HttpResponse:
    notices, _filters = _notice_filter(request)
    return xlsx_response(exports.notices_workbook(notices, today()), "公示.xlsx")


# ---------------------------------------------------------------------------------------------
# The yearly activity plan (seed §二.13)


@require_perm("meetings.view")
def plan_list(request: HttpRequest) -> HttpResponse:
    year_param = request.GET.get("year", "")
    year = int(year_param) if year_param.isdigit() else today().year
    branches = list(_branches(request.user, "meetings.view"))
    plans = {
        plan.organisation_id: plan
        for plan in ActivityPlan.objects.filter(Q(organisation__in=[b.pk for b in branches]), year=year)
    }
    context = {
        "rows": [(branch, plans.get(branch.pk)) for branch in branches],
        "year": year,
        "years": _years(),
        "can_edit": has_perm(request.user, "meetings.edit"),
        "editable": {b.pk for b in branches if in_scope(request.user, "meetings.edit", b)},
    }
    return render(request, "meetings/plan_list.html", context)


@require_perm("meetings.edit")
def plan_edit(request: HttpRequest) -> HttpResponse:
    branches = _branches(request.user, "meetings.edit")
    branch_param, year_param = request.GET.get("organisation", ""), request.GET.get("year", "")
    branch = branches.filter(pk=branch_param).first() if branch_param.isdigit() else branches.first()
    year = int(year_param) if year_param.isdigit() else today().year
    existing = ActivityPlan.objects.filter(organisation=branch, year=year).first() if branch else None
    initial: dict[str, Any] = {"organisation": branch, "year": year, "adopted_on": today()}
    if existing is not None:
        initial |= {"adopted_on": existing.adopted_on, "content": existing.content}
    form = ActivityPlanForm(request.POST or None, organisations=branches, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            plan = services.activity_plan_set(actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            apply_errors(form, error)
        else:
            messages.success(request, f"已保存{plan}。")
            return redirect(f"{reverse('meetings:plan_list')}?year={plan.year}")
    title = "修改年度活动计划" if existing else "制定年度活动计划"
    return render(
        request, "meetings/form.html", {"form": form, "title": title, "back_url": "meetings:plan_list"}
    )
