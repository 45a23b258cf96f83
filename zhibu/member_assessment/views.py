"""Pages of the branch side (secretary, org officer, inspector): period ratings, year results with
publication and objections, 民主评议. Thin: parse the post, call a service, show its refusals."""

import datetime as dt
from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from zhibu.accounts.scoping import has_perm, in_scope, require_perm
from zhibu.lib.dates import today
from zhibu.member_assessment import rules, selectors, services
from zhibu.member_assessment.models import MemberReview, MemberYearResult, Objection, Rating, ReviewGrade

MIN_YEAR, MAX_YEAR = 2000, 2100


def _year(year: int) -> int:
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise Http404("年度超出范围")
    return year


def _branch(request: HttpRequest, pk: int, *, write: bool = False) -> Any:
    """The branch for reading (massess.view), or for writing (massess.rate: 403 when held nowhere)."""
    if write:
        if not has_perm(request.user, "massess.rate"):
            raise PermissionDenied("您没有评定党员的权限")
        return selectors.get_branch_or_404(request.user, "massess.rate", pk)
    return selectors.get_branch_or_404(request.user, "massess.view", pk)


def _errors(error: ValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return error.message_dict
    return {"__all__": error.messages}


def _general(errors: dict[str, list[str]], keys: set[str]) -> list[str]:
    """Messages not shown next to a row of the table."""
    return [m for k, ms in errors.items() if k not in keys for m in ms]


@require_perm("massess.view")
def index(request: HttpRequest) -> HttpResponse:
    year = request.GET.get("year", "")
    year_value = int(year) if year.isdigit() and MIN_YEAR <= int(year) <= MAX_YEAR else today().year
    return render(
        request,
        "member_assessment/index.html",
        {
            "branches": selectors.branches_for(request.user),
            "year": year_value,
            "years": list(range(today().year, today().year - 5, -1)),
        },
    )


@require_perm("massess.view")
def branch_year(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    branch, year = _branch(request, pk), _year(year)
    periods, grid = selectors.year_grid(branch, year)
    kind = selectors.period_kind_used(branch, year)
    on = today()
    return render(
        request,
        "member_assessment/branch_year.html",
        {
            "branch": branch,
            "year": year,
            "periods": [(p, rules.period_label(p)) for p in periods],
            "grid": [(row.member, row.cells(periods)) for row in grid],
            "quarters": [
                (p, rules.period_label(p), rules.rating_opens_on(year, p) <= on) for p in rules.QUARTERS
            ],
            "months": [
                (p, rules.period_label(p), rules.rating_opens_on(year, p) <= on) for p in rules.MONTHS
            ],
            "kind": kind,
            "review": MemberReview.objects.filter(branch=branch, year=year).first(),
            "result_counts": {
                label: MemberYearResult.objects.filter(branch=branch, year=year, status=value).count()
                for value, label in MemberYearResult.Status.choices
            },
            "can_rate": in_scope(request.user, "massess.rate", branch),
            "today": on,
        },
    )


@require_perm("massess.view")
def rating_sheet(request: HttpRequest, pk: int, year: int, period: str) -> HttpResponse:
    """MASSESS-1: the whole branch rated for one period in one post."""
    write = request.method == "POST"
    branch, year = _branch(request, pk, write=write), _year(year)
    if rules.period_problem(period):
        raise Http404(rules.period_problem(period))
    errors: dict[str, list[str]] = {}
    posted: dict[int, dict[str, str]] = {}
    if write:
        sheet_ids = [int(v) for v in request.POST.getlist("member") if v.isdigit()]
        posted = {
            pk_: {
                "rating": request.POST.get(f"rating-{pk_}", ""),
                "judgement": request.POST.get(f"judgement-{pk_}", ""),
            }
            for pk_ in sheet_ids
        }
        try:
            counts = services.ratings_save(
                actor=request.user,
                branch=branch,
                year=year,
                period=period,
                rows=[{"member_id": k} | v for k, v in posted.items()],
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, f"已保存：新评定{counts['created']}人，更新{counts['updated']}人。")
            return redirect("member_assessment:rating_sheet", pk=branch.pk, year=year, period=period)
    rows = selectors.rating_sheet(branch, year, period)
    table = []
    for row in rows:
        sent = posted.get(row.member.pk)
        table.append(
            {
                "row": row,
                "rating": sent["rating"] if sent else (row.rating.rating if row.rating else row.suggested),
                "judgement": sent["judgement"] if sent else (row.rating.judgement if row.rating else ""),
                "errors": errors.get(f"rating-{row.member.pk}", []),
            }
        )
    opens = rules.rating_opens_on(year, period)
    return render(
        request,
        "member_assessment/rating_sheet.html",
        {
            "branch": branch,
            "year": year,
            "period": period,
            "period_label": rules.period_label(period),
            "bounds": rules.period_bounds(year, period),
            "opens": opens,
            "is_open": opens <= today(),
            "table": table,
            "ratings": Rating.choices,
            "general_errors": _general(errors, {f"rating-{r.member.pk}" for r in rows}),
            "can_rate": in_scope(request.user, "massess.rate", branch),
        },
        status=422 if errors else 200,
    )


def _decimal_text(value: Any) -> str:
    return str(value) if value is not None else ""


@require_perm("massess.view")
def results(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    """MASSESS-2/3: the year results, bonuses entered for the whole branch in one post, publication,
    objections and the 优秀党员 candidates."""
    write = request.method == "POST"
    branch, year = _branch(request, pk, write=write), _year(year)
    errors: dict[str, list[str]] = {}
    posted: dict[int, dict[str, str]] = {}
    if write:
        ids = [int(v) for v in request.POST.getlist("result") if v.isdigit()]
        posted = {
            rid: {field: request.POST.get(f"{field}-{rid}", "").strip() for field in rules.BONUS_KEYS}
            for rid in ids
        }
        try:
            changed = services.bonuses_save(
                actor=request.user,
                branch=branch,
                year=year,
                rows=[{"result_id": rid} | values for rid, values in posted.items()],
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, f"加分已保存，{changed}人的年度积分有变化。")
            return redirect("member_assessment:results", pk=branch.pk, year=year)
    items = list(selectors.branch_results(branch, year))
    keys: set[str] = set()
    rows = []
    for result in items:
        sent = posted.get(result.pk, {})
        cells = []
        for field in rules.BONUS_KEYS:
            key = f"{field}-{result.pk}"
            keys.add(key)
            cells.append(
                {
                    "name": key,
                    "value": sent.get(field, _decimal_text(getattr(result, field))),
                    "errors": errors.get(key, []),
                }
            )
        keys.add(f"result-{result.pk}")
        rows.append({"result": result, "cells": cells, "errors": errors.get(f"result-{result.pk}", [])})
    from zhibu.lib.rules import rules_for

    table = rules.PointsTable.from_rules(rules_for(year))
    return render(
        request,
        "member_assessment/results.html",
        {
            "branch": branch,
            "year": year,
            "rows": rows,
            "table": table,
            "caps": [
                (rules.BONUS_LABELS[f], table.caps[f], rules.BONUS_SOURCES[f]) for f in rules.BONUS_KEYS
            ],
            "points": [(label, table.points[value]) for value, label in Rating.choices],
            "statuses": {r.status for r in items},
            "objections": list(selectors.branch_objections(branch, year)),
            "candidates": selectors.outstanding_candidates(branch, year),
            "general_errors": _general(errors, keys),
            "can_rate": in_scope(request.user, "massess.rate", branch),
            "today": today(),
        },
        status=422 if errors else 200,
    )


def _results_action(request: HttpRequest, pk: int, year: int, action: str) -> HttpResponse:
    branch, year = _branch(request, pk, write=True), _year(year)
    try:
        if action == "refresh":
            counts = services.results_refresh(actor=request.user, branch=branch, year=year)
            messages.success(
                request, f"已计算年度积分：新增{counts['created']}人，变化{counts['updated']}人。"
            )
        elif action == "publish":
            count = services.results_publish(actor=request.user, branch=branch, year=year)
            messages.success(request, f"已在本支部公示{count}人的年度考核结果，公示期内党员可提出异议。")
        else:
            count = services.results_finalise(actor=request.user, branch=branch, year=year)
            messages.success(request, f"已确定{count}人的年度考核结果。")
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    return redirect("member_assessment:results", pk=branch.pk, year=year)


@require_POST
@require_perm("massess.rate")
def results_refresh(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _results_action(request, pk, year, "refresh")


@require_POST
@require_perm("massess.rate")
def results_publish(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _results_action(request, pk, year, "publish")


@require_POST
@require_perm("massess.rate")
def results_finalise(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    return _results_action(request, pk, year, "finalise")


@require_POST
@require_perm("massess.rate")
def result_recommend(request: HttpRequest, pk: int) -> HttpResponse:
    result = selectors.get_result_or_404(request.user, "massess.rate", pk)
    try:
        services.result_recommend(
            actor=request.user, result=result, recommended=request.POST.get("recommended") == "1"
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, f"已更新{result.member.name}的优秀党员推荐。")
    return redirect("member_assessment:results", pk=result.branch_id, year=result.year)


@require_perm("massess.rate")
def objection_answer(request: HttpRequest, pk: int) -> HttpResponse:
    objection = selectors.get_objection_or_404(request.user, "massess.rate", pk)
    result = objection.result
    errors: dict[str, list[str]] = {}
    ratings = list(result.member.ratings.filter(year=result.year).order_by("period"))
    if request.method == "POST":
        outcome = request.POST.get("outcome", "")
        bonuses = {
            f: request.POST.get(f, "").strip()
            for f in rules.BONUS_KEYS
            if request.POST.get(f, "").strip() not in ("", str(getattr(result, f)))
        }
        new_ratings = {
            r.period: request.POST.get(f"rating-{r.period}", r.rating)
            for r in ratings
            if request.POST.get(f"rating-{r.period}", r.rating) != r.rating
        }
        try:
            services.objection_answer(
                actor=request.user,
                objection=objection,
                outcome=outcome,
                response=request.POST.get("response", ""),
                bonuses=bonuses if outcome == Objection.Outcome.UPHELD else None,
                ratings=new_ratings if outcome == Objection.Outcome.UPHELD else None,
            )
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, "异议已答复。")
            return redirect("member_assessment:results", pk=result.branch_id, year=result.year)
    return render(
        request,
        "member_assessment/objection_answer.html",
        {
            "objection": objection,
            "result": result,
            "ratings": ratings,
            "rating_choices": Rating.choices,
            "bonuses": [(f, rules.BONUS_LABELS[f], getattr(result, f)) for f in rules.BONUS_KEYS],
            "errors": [m for ms in errors.values() for m in ms],
            "post": request.POST,
        },
        status=422 if errors else 200,
    )


# ---------------------------------------------------------------------------------------------
# 民主评议


@require_POST
@require_perm("massess.rate")
def review_open(request: HttpRequest, pk: int, year: int) -> HttpResponse:
    branch, year = _branch(request, pk, write=True), _year(year)
    try:
        held_on = dt.date.fromisoformat(request.POST.get("held_on", ""))
    except ValueError:
        messages.error(request, "民主测评日期必须填写，格式为 YYYY-MM-DD")
        return redirect("member_assessment:branch_year", pk=branch.pk, year=year)
    try:
        review = services.review_open(
            actor=request.user, branch=branch, year=year, held_on=held_on, notes=request.POST.get("notes", "")
        )
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("member_assessment:branch_year", pk=branch.pk, year=year)
    messages.success(request, f"已开始{year}年度民主评议，共{review.entries.count()}名党员。")
    return redirect("member_assessment:review", pk=review.pk)


ENTRY_TEXT_FIELDS = (
    "mutual_evaluation",
    "votes_excellent",
    "votes_pass",
    "votes_basic_pass",
    "votes_fail",
    "grade",
    "opinion",
    "correction_deadline",
    "correction_measures",
)


@require_perm("massess.view")
def review(request: HttpRequest, pk: int) -> HttpResponse:
    """MASSESS-4: the round's table — tallies, evaluations and grades of the branch in one post."""
    write = request.method == "POST"
    if write and not has_perm(request.user, "massess.rate"):
        raise PermissionDenied("您没有评定党员的权限")
    item = selectors.get_review_or_404(request.user, "massess.rate" if write else "massess.view", pk)
    entries = selectors.review_entries(item)
    errors: dict[str, list[str]] = {}
    posted: dict[int, dict[str, Any]] = {}
    voters = request.POST.get("voters", "") if write else str(item.voters)
    if write:
        ids = {e.pk for e in entries}
        posted = {
            e.pk: {f: request.POST.get(f"{f}-{e.pk}", "") for f in ENTRY_TEXT_FIELDS}
            | {"participated": request.POST.get(f"participated-{e.pk}") == "1"}
            for e in entries
            if str(e.pk) in request.POST.getlist("entry") and e.pk in ids
        }
        try:
            services.review_entries_save(actor=request.user, review=item, rows=posted, voters=voters or 0)
        except ValidationError as error:
            errors = _errors(error)
        else:
            messages.success(request, "民主评议情况已保存。")
            return redirect("member_assessment:review", pk=item.pk)
    rows = []
    keys: set[str] = set()
    for entry in entries:
        sent = posted.get(entry.pk)
        values = {
            f: (sent[f] if sent is not None else getattr(entry, f))
            for f in (*ENTRY_TEXT_FIELDS, "participated")
        }
        if not sent and values["correction_deadline"]:
            values["correction_deadline"] = values["correction_deadline"].isoformat()
        row_errors = []
        for f in ENTRY_TEXT_FIELDS:
            keys.add(f"{f}-{entry.pk}")
            row_errors += errors.get(f"{f}-{entry.pk}", [])
        votes = [(f, values[f]) for f in services.VOTE_FIELDS]
        rows.append({"entry": entry, "values": values, "votes": votes, "errors": row_errors})
    return render(
        request,
        "member_assessment/review.html",
        {
            "review": item,
            "rows": rows,
            "voters": voters,
            "summary": selectors.review_summary(item, entries),
            "grades": ReviewGrade.choices,
            "general_errors": _general(errors, keys),
            "can_rate": in_scope(request.user, "massess.rate", item.branch)
            and item.status == MemberReview.Status.OPEN,
            "can_close": in_scope(request.user, "massess.rate", item.branch),
        },
        status=422 if errors else 200,
    )


@require_POST
@require_perm("massess.rate")
def review_close(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_review_or_404(request.user, "massess.rate", pk)
    try:
        services.review_close(actor=request.user, review=item)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
    else:
        messages.success(request, "民主评议已完成。")
    return redirect("member_assessment:review", pk=item.pk)


@require_perm("massess.view")
def review_summary(request: HttpRequest, pk: int) -> HttpResponse:
    item = selectors.get_review_or_404(request.user, "massess.view", pk)
    entries = selectors.review_entries(item)
    return render(
        request,
        "member_assessment/review_summary.html",
        {
            "review": item,
            "summary": selectors.review_summary(item, entries),
            "fails": [e for e in entries if e.grade == ReviewGrade.FAIL],
        },
    )
