"""Writes of member assessment (MASSESS-1…4). Each service validates, saves and writes its audit
events in one transaction; a refusal is a ValidationError with Chinese messages naming the field
(or the member) and the rule, and nothing is saved.

Year results move along `RESULT_TRANSITIONS` only (草稿 → 公示中 → 已确定); a 民主评议 round along
进行中 → 已完成."""

import datetime as dt
from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record, diff, snapshot
from zhibu.lib.dates import add_months, cn_date, today
from zhibu.lib.rules import rules_for
from zhibu.member_assessment import rules, selectors
from zhibu.member_assessment.models import (
    MemberRating,
    MemberReview,
    MemberReviewEntry,
    MemberYearResult,
    Objection,
    Rating,
    ReviewGrade,
)
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation

Status = MemberYearResult.Status
RESULT_TRANSITIONS: dict[str, tuple[str, ...]] = {
    Status.DRAFT: (Status.PUBLISHED,),
    Status.PUBLISHED: (Status.FINAL,),
    Status.FINAL: (),
}
_RATING_FIELDS = ("rating", "judgement", "achievement", "rated_on", "rated_by")
_RESULT_FIELDS = (
    "mean_points",
    "bonus_quality",
    "bonus_teamwork",
    "bonus_integrity",
    "total",
    "status",
    "published_on",
    "objection_until",
    "finalised_on",
    "recommended_outstanding",
)
_ENTRY_FIELDS = (
    "participated",
    "self_evaluation",
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
VOTE_FIELDS = ("votes_excellent", "votes_pass", "votes_basic_pass", "votes_fail")


def _user(actor: Any) -> Any:
    return actor if getattr(actor, "is_authenticated", False) else None


def _refuse(problems: Mapping[str, str | list[str]]) -> None:
    if problems:
        raise ValidationError({k: v if isinstance(v, list) else [v] for k, v in problems.items()})


def _check_branch(branch: Organisation) -> None:
    if branch.kind != Organisation.Kind.BRANCH:
        raise ValidationError({"branch": [f"{branch.name}不是党支部：党员考核按党支部进行"]})


# ---------------------------------------------------------------------------------------------
# MASSESS-1: period ratings


def _locked_years(branch: Organisation, year: int) -> bool:
    return MemberYearResult.objects.filter(branch=branch, year=year).exclude(status=Status.DRAFT).exists()


@transaction.atomic
def ratings_save(
    *,
    actor: Any,
    branch: Organisation,
    year: int,
    period: str,
    rows: Iterable[Mapping[str, Any]],
    on: dt.date | None = None,
) -> dict[str, int]:
    """Rate the branch's members for one period in one go. `rows`: {"member_id", "rating",
    "judgement"}; a row without a rating is left as it is. Re-rating updates (audited before and
    after). Returns {"created": n, "updated": n}."""
    on = on or today()
    _check_branch(branch)
    problem = rules.period_problem(period)
    if problem:
        raise ValidationError({"period": [problem]})
    start, end = rules.period_bounds(year, period)
    opens = rules.rating_opens_on(year, period)
    if on < opens:
        raise ValidationError(
            {
                "period": [
                    f"{year}年{rules.period_label(period)}尚未结束，{cn_date(opens)}（该期最后一周）起才能评定"
                ]
            }
        )
    used = selectors.period_kind_used(branch, year)
    if used and used != rules.period_kind(period):
        kind = "季度" if used == "quarter" else "月度"
        raise ValidationError(
            {"period": [f"{branch.name}{year}年已按{kind}评定，同一年度不能混用季度和月度考核期"]}
        )
    if _locked_years(branch, year):
        raise ValidationError(
            {"period": [f"{year}年度考核结果已公示或确定，期评不能再修改（公示期内经异议处理更正）"]}
        )
    members = {m.pk: m for m in selectors.members_with_category_on(branch.pk, end)}
    wanted = [dict(row) for row in rows if (row.get("rating") or "")]
    for row in wanted:
        try:
            row["member_id"] = int(row.get("member_id"))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise ValidationError({"member_id": [f"党员编号“{row.get('member_id')}”无效"]}) from None
    problems: dict[str, str] = {}
    for row in wanted:
        member_id: int = row["member_id"]
        rating = row["rating"]
        key = f"rating-{member_id}"
        if member_id not in members:
            name = (
                Member.objects.filter(pk=member_id).values_list("name", flat=True).first()
                or f"编号{member_id}"
            )
            problems[key] = f"{name}在{cn_date(end)}（考核期末）不是{branch.name}的党员，不能在本支部评定"
        elif rating not in Rating.values:
            problems[key] = (
                f"{members[member_id].name}：评定等次“{rating}”无效，可选：优秀、良好、合格、不合格"
            )
    _refuse(problems)
    achieved = selectors.achievements([r["member_id"] for r in wanted], start, end)
    existing = {
        r.member_id: r
        for r in MemberRating.objects.select_for_update().filter(
            member_id__in=[r["member_id"] for r in wanted], year=year, period=period
        )
    }
    counts = {"created": 0, "updated": 0}
    for row in wanted:
        member = members[row["member_id"]]
        judgement = str(row.get("judgement") or "").strip()
        current = existing.get(member.pk)
        if current is None:
            rating = MemberRating(
                member=member,
                branch=branch,
                year=year,
                period=period,
                rating=row["rating"],
                judgement=judgement,
                achievement=achieved[member.pk],
                rated_on=on,
                rated_by=_user(actor),
            )
            rating.full_clean(exclude=["rated_by"])  # null: a system actor (import, demo)
            rating.save()
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=rating,
                organisation=branch,
                after=snapshot(rating, ("member", "year", "period", *_RATING_FIELDS)),
            )
            counts["created"] += 1
            continue
        if current.branch_id != branch.pk:
            raise ValidationError(
                {f"rating-{member.pk}": [f"{member.name}{year}年{period}已由其他党支部评定"]}
            )
        before = snapshot(current, _RATING_FIELDS)
        current.rating, current.judgement = row["rating"], judgement
        if (current.rating, current.judgement) == (before["rating"], before["judgement"]):
            continue
        current.achievement, current.rated_on, current.rated_by = achieved[member.pk], on, _user(actor)
        current.full_clean(exclude=["rated_by"])
        current.save(update_fields=list(_RATING_FIELDS))
        old, new = diff(before, snapshot(current, _RATING_FIELDS))
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=current,
            organisation=branch,
            before=old,
            after=new,
        )
        counts["updated"] += 1
    return counts


# ---------------------------------------------------------------------------------------------
# MASSESS-2: year points


def _compute(result: MemberYearResult, periods: dict[str, str], bonuses: Mapping[str, Any]) -> None:
    table = rules.PointsTable.from_rules(rules_for(result.year))
    points = rules.year_points(periods.values(), bonuses, table)
    result.mean_points = points.mean_points
    result.bonus_quality = points.bonus_quality
    result.bonus_teamwork = points.bonus_teamwork
    result.bonus_integrity = points.bonus_integrity
    result.total = points.total
    result.basis = table.as_basis() | {
        "rules_year": result.year,
        "periods": dict(sorted(periods.items())),
        "source": "SPEC MASSESS-2；支部目标管理制度模板 §三",
    }


def _periods_of(member_id: int, year: int) -> dict[str, str]:
    return dict(MemberRating.objects.filter(member_id=member_id, year=year).values_list("period", "rating"))


def _bonuses(result: MemberYearResult) -> dict[str, Decimal]:
    return {field: getattr(result, field) for field in rules.BONUS_KEYS}


def _recompute(
    *, actor: Any, result: MemberYearResult, bonuses: Mapping[str, Any] | None = None, note: str = ""
) -> None:
    before = snapshot(result, _RESULT_FIELDS)
    periods = _periods_of(result.member_id, result.year)
    try:
        _compute(result, periods, bonuses if bonuses is not None else _bonuses(result))
    except rules.BonusError as error:
        raise ValidationError(
            {k: [f"{result.member.name}：{v}"] for k, v in error.problems.items()}
        ) from None
    result.full_clean()
    result.save()
    old, new = diff(before, snapshot(result, _RESULT_FIELDS))
    if old or new:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=result,
            organisation=result.branch,
            before=old,
            after=new,
            note=note,
        )


@transaction.atomic
def results_refresh(*, actor: Any, branch: Organisation, year: int) -> dict[str, int]:
    """Compute or refresh the draft year results of the branch from its ratings; bonuses already
    entered are kept (a quality bonus no longer allowed — the mean fell below 合格 — is reset to 0,
    and the audit note says so). Refused once the year is published or final."""
    _check_branch(branch)
    if _locked_years(branch, year):
        raise ValidationError({"year": [f"{branch.name}{year}年度考核结果已公示或确定，不能重新计算"]})
    # A member who moved during the year is counted by the branch that rated their latest period,
    # over all their ratings of the year (wherever given).
    rated_here = MemberRating.objects.filter(branch=branch, year=year).values("member_id")
    by_member: dict[int, dict[str, str]] = {}
    last_branch: dict[int, tuple[dt.date, int]] = {}
    for member_id, period, rating, branch_id in MemberRating.objects.filter(
        year=year, member_id__in=rated_here
    ).values_list("member_id", "period", "rating", "branch_id"):
        by_member.setdefault(member_id, {})[period] = rating
        order = rules.period_bounds(year, period)[1]
        if member_id not in last_branch or order > last_branch[member_id][0]:
            last_branch[member_id] = (order, branch_id)
    by_member = {m: periods for m, periods in by_member.items() if last_branch[m][1] == branch.pk}
    if not by_member:
        raise ValidationError({"year": [f"{branch.name}{year}年还没有期评结果，无法计算年度积分"]})
    existing = {
        r.member_id: r
        for r in MemberYearResult.objects.select_for_update().filter(year=year, member_id__in=by_member)
    }
    table = rules.PointsTable.from_rules(rules_for(year))
    counts = {"created": 0, "updated": 0}
    members = Member.objects.in_bulk(list(by_member))
    for member_id, periods in sorted(by_member.items()):
        result = existing.get(member_id)
        if result is not None and result.branch_id != branch.pk:
            raise ValidationError(
                {"year": [f"{members[member_id].name}{year}年度结果已在其他党支部计算，请由该支部处理"]}
            )
        bonuses = _bonuses(result) if result else {}
        note = ""
        mean = rules.mean_points(periods.values(), table)
        if bonuses.get("bonus_quality") and mean < table.pass_points:
            bonuses["bonus_quality"] = Decimal(0)
            note = f"期评平均分{mean}低于合格分{table.pass_points}，完成质量加分清零（模板§三.2）"
        if result is None:
            result = MemberYearResult(member=members[member_id], branch=branch, year=year)
            _compute(result, periods, bonuses)
            result.full_clean()
            result.save()
            audit_record(
                actor=actor,
                action=AuditEvent.Action.CREATE,
                obj=result,
                organisation=branch,
                after=snapshot(result, ("member", "year", *_RESULT_FIELDS, "basis")),
            )
            counts["created"] += 1
        else:
            result.member = members[member_id]
            before = result.total
            _recompute(actor=actor, result=result, bonuses=bonuses, note=note)
            counts["updated"] += int(before != result.total)
    return counts


@transaction.atomic
def bonuses_save(*, actor: Any, branch: Organisation, year: int, rows: Iterable[Mapping[str, Any]]) -> int:
    """The committee's bonuses for the branch's draft results, in one go. `rows`: {"result_id",
    "bonus_quality", "bonus_teamwork", "bonus_integrity"}. All or nothing; returns the number changed."""
    results = {
        r.pk: r
        for r in MemberYearResult.objects.select_for_update()
        .filter(branch=branch, year=year)
        .select_related("member")
    }
    table = rules.PointsTable.from_rules(rules_for(year))
    problems: dict[str, str] = {}
    todo: list[tuple[MemberYearResult, dict[str, Any]]] = []
    for row in rows:
        result = results.get(row.get("result_id"))  # type: ignore[arg-type]
        if result is None:
            problems[f"result-{row.get('result_id')}"] = (
                f"编号为{row.get('result_id')}的考核结果不属于{branch.name}{year}年度"
            )
            continue
        bonuses = {field: row.get(field, getattr(result, field)) for field in rules.BONUS_KEYS}
        if result.status != Status.DRAFT and any(
            str(bonuses[f] or "0") != str(getattr(result, f)) for f in rules.BONUS_KEYS
        ):
            problems[f"result-{result.pk}"] = (
                f"{result.member.name}：考核结果已{result.get_status_display()}，加分只能在公示期内经异议处理更正"
            )
            continue
        for field, message in rules.bonus_problems(result.mean_points, bonuses, table).items():
            problems[f"{field}-{result.pk}"] = f"{result.member.name}：{message}"
        todo.append((result, bonuses))
    _refuse(problems)
    changed = 0
    for result, bonuses in todo:
        before = result.total, _bonuses(result)
        _recompute(actor=actor, result=result, bonuses=bonuses, note="录入加分")
        changed += int((result.total, _bonuses(result)) != before)
    return changed


# ---------------------------------------------------------------------------------------------
# MASSESS-3: publication, objections, final


def _move(result: MemberYearResult, to: str) -> None:
    if to not in RESULT_TRANSITIONS[result.status]:
        raise ValidationError(
            {
                "status": [
                    f"{result.member.name}的考核结果为“{result.get_status_display()}”，不能改为“{Status(to).label}”"
                ]
            }
        )
    result.status = to


@transaction.atomic
def results_publish(*, actor: Any, branch: Organisation, year: int, on: dt.date | None = None) -> int:
    """Refresh the drafts from the ratings, then publish them to the branch (公示) from `on` for
    `massess.publication_days` calendar days, the objection window. Returns the number published."""
    on = on or today()
    results_refresh(actor=actor, branch=branch, year=year)
    days = rules_for(year).integer("massess.publication_days")
    drafts = list(
        MemberYearResult.objects.filter(branch=branch, year=year, status=Status.DRAFT).select_related(
            "member"
        )
    )
    until = on + dt.timedelta(days=days)
    for result in drafts:
        before = snapshot(result, _RESULT_FIELDS)
        _move(result, Status.PUBLISHED)
        result.published_on, result.objection_until = on, until
        result.save(update_fields=["status", "published_on", "objection_until"])
        old, new = diff(before, snapshot(result, _RESULT_FIELDS))
        audit_record(
            actor=actor,
            action=AuditEvent.Action.STATUS,
            obj=result,
            organisation=branch,
            before=old,
            after=new,
            note=f"公示{days}天，至{cn_date(until)}止可提出异议（SPEC MASSESS-3）",
        )
    return len(drafts)


@transaction.atomic
def objection_raise(
    *, actor: Any, result: MemberYearResult, text: str, on: dt.date | None = None
) -> Objection:
    """A member of the branch objects to a published result, during the window only."""
    on = on or today()
    member_id = getattr(actor, "member_id", None)
    branch_id = (
        Member.objects.filter(pk=member_id).values_list("branch_id", flat=True).first() if member_id else None
    )
    problems: dict[str, str] = {}
    if branch_id != result.branch_id:
        problems["result"] = "只能对本人所在党支部公示的考核结果提出异议"
    elif result.status != Status.PUBLISHED or result.published_on is None or result.objection_until is None:
        problems["result"] = f"该考核结果为“{result.get_status_display()}”，不在公示期，不能提出异议"
    elif on < result.published_on:
        problems["result"] = f"公示自{cn_date(result.published_on)}开始，尚不能提出异议"
    elif on > result.objection_until:
        problems["result"] = (
            f"公示期已于{cn_date(result.objection_until)}结束，不能再提出异议（SPEC MASSESS-3）"
        )
    text = (text or "").strip()
    if not text:
        problems["text"] = "异议内容必须填写"
    elif len(text) > 2000:
        problems["text"] = "异议内容不能超过2000个字符"
    _refuse(problems)
    objection = Objection(result=result, raised_by=_user(actor), raised_on=on, text=text)
    objection.full_clean(exclude=["raised_by"])
    objection.save()
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=objection,
        organisation=result.branch,
        after=snapshot(objection, ("result", "raised_on", "text")),
    )
    return objection


@transaction.atomic
def objection_answer(
    *,
    actor: Any,
    objection: Objection,
    outcome: str,
    response: str,
    bonuses: Mapping[str, Any] | None = None,
    ratings: Mapping[str, str] | None = None,
    on: dt.date | None = None,
) -> Objection:
    """The branch answers an objection. Upheld: the result's bonuses and/or its member's period
    ratings may be corrected, and the result is recomputed; rejected: a response is required."""
    on = on or today()
    result = (
        MemberYearResult.objects.select_for_update()
        .select_related("member", "branch")
        .get(pk=objection.result_id)
    )
    problems: dict[str, str] = {}
    if objection.outcome != Objection.Outcome.PENDING:
        problems["outcome"] = "该异议已答复，不能重复答复"
    elif result.status != Status.PUBLISHED:
        problems["outcome"] = f"考核结果为“{result.get_status_display()}”，只能在公示阶段答复异议"
    if outcome not in (Objection.Outcome.UPHELD, Objection.Outcome.REJECTED):
        problems["outcome"] = "处理结果应为“异议成立，已更正”或“异议不成立”"
    response = (response or "").strip()
    if not response:
        problems["response"] = "答复必须填写：说明异议成立或不成立的理由"
    if outcome == Objection.Outcome.REJECTED and (bonuses or ratings):
        problems["outcome"] = "异议不成立时不能更正考核结果"
    _refuse(problems)
    if outcome == Objection.Outcome.UPHELD and (ratings or bonuses):
        for period, rating in (ratings or {}).items():
            current = (
                MemberRating.objects.select_for_update()
                .filter(member=result.member, year=result.year, period=period)
                .first()
            )
            if current is None:
                raise ValidationError(
                    {f"rating-{period}": [f"{result.member.name}{result.year}年没有{period}的期评，不能更正"]}
                )
            if rating not in Rating.values:
                raise ValidationError({f"rating-{period}": [f"评定等次“{rating}”无效"]})
            if current.rating != rating:
                before = snapshot(current, _RATING_FIELDS)
                current.rating, current.rated_on, current.rated_by = rating, on, _user(actor)
                current.save(update_fields=["rating", "rated_on", "rated_by"])
                old, new = diff(before, snapshot(current, _RATING_FIELDS))
                audit_record(
                    actor=actor,
                    action=AuditEvent.Action.UPDATE,
                    obj=current,
                    organisation=result.branch,
                    before=old,
                    after=new,
                    note=f"异议成立，更正期评（异议编号{objection.pk}）",
                )
        merged = _bonuses(result) | dict(bonuses or {})
        table = rules.PointsTable.from_rules(rules_for(result.year))
        mean = rules.mean_points(_periods_of(result.member_id, result.year).values(), table)
        _refuse(
            {
                f"{k}": f"{result.member.name}：{v}"
                for k, v in rules.bonus_problems(mean, merged, table).items()
            }
        )
        _recompute(
            actor=actor, result=result, bonuses=merged, note=f"异议成立，重新计算（异议编号{objection.pk}）"
        )
    before = snapshot(objection, ("outcome", "response", "answered_on", "answered_by"))
    objection.outcome, objection.response = outcome, response
    objection.answered_on, objection.answered_by = on, _user(actor)
    objection.save(update_fields=["outcome", "response", "answered_on", "answered_by"])
    old, new = diff(before, snapshot(objection, ("outcome", "response", "answered_on", "answered_by")))
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=objection,
        organisation=result.branch,
        before=old,
        after=new,
    )
    return objection


@transaction.atomic
def results_finalise(*, actor: Any, branch: Organisation, year: int, on: dt.date | None = None) -> int:
    """Make the branch's published results final: only after the window has ended and every
    objection has been answered."""
    on = on or today()
    results = list(
        MemberYearResult.objects.select_for_update()
        .filter(branch=branch, year=year, status=Status.PUBLISHED)
        .select_related("member")
    )
    if not results:
        raise ValidationError({"year": [f"{branch.name}{year}年度没有公示中的考核结果"]})
    until = max(r.objection_until for r in results if r.objection_until)
    problems: dict[str, str] = {}
    if on <= until:
        problems["year"] = f"公示期至{cn_date(until)}（含当日），公示期结束后才能确定结果"
    pending = Objection.objects.filter(result__in=results, outcome=Objection.Outcome.PENDING).count()
    if pending:
        problems["objections"] = f"还有{pending}条异议未答复，全部答复后才能确定结果"
    _refuse(problems)
    for result in results:
        before = snapshot(result, _RESULT_FIELDS)
        _move(result, Status.FINAL)
        result.finalised_on = on
        result.save(update_fields=["status", "finalised_on"])
        old, new = diff(before, snapshot(result, _RESULT_FIELDS))
        audit_record(
            actor=actor,
            action=AuditEvent.Action.STATUS,
            obj=result,
            organisation=branch,
            before=old,
            after=new,
        )
    return len(results)


@transaction.atomic
def result_recommend(*, actor: Any, result: MemberYearResult, recommended: bool) -> MemberYearResult:
    """Mark a final result as recommended for 优秀党员 (or withdraw the mark)."""
    if result.status != Status.FINAL:
        raise ValidationError(
            {
                "recommended_outstanding": [
                    f"{result.member.name}的考核结果尚未确定，确定后才能推荐为优秀党员人选"
                ]
            }
        )
    if result.recommended_outstanding == recommended:
        return result
    before = snapshot(result, ("recommended_outstanding",))
    result.recommended_outstanding = recommended
    result.save(update_fields=["recommended_outstanding"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=result,
        organisation=result.branch,
        before=before,
        after=snapshot(result, ("recommended_outstanding",)),
    )
    return result


# ---------------------------------------------------------------------------------------------
# MASSESS-4: 民主评议党员 (RULES §E)


@transaction.atomic
def review_open(
    *, actor: Any, branch: Organisation, year: int, held_on: dt.date, notes: str = ""
) -> MemberReview:
    """One round per branch and year, with one entry per member 正式 or 预备 on `held_on`
    (预备党员 marked: they take part but are not rated, RULES E-4)."""
    _check_branch(branch)
    problems: dict[str, str] = {}
    if held_on is None:
        problems["held_on"] = "民主测评日期必须填写"
    elif held_on.year not in (year, year + 1):
        problems["held_on"] = f"{year}年度的民主评议应在{year}年或{year + 1}年初进行"
    if MemberReview.objects.filter(branch=branch, year=year).exists():
        problems["year"] = f"{branch.name}{year}年度已有民主评议，每个党支部每年一次"
    _refuse(problems)
    review = MemberReview(branch=branch, year=year, held_on=held_on, notes=notes)
    review.full_clean()
    review.save()
    members = list(selectors.members_with_category_on(branch.pk, held_on))
    MemberReviewEntry.objects.bulk_create(
        MemberReviewEntry(
            review=review, member=m, is_probationary=selectors.is_probationary_on(m.category_on)
        )
        for m in members
    )
    audit_record(
        actor=actor,
        action=AuditEvent.Action.CREATE,
        obj=review,
        organisation=branch,
        after=snapshot(review, ("branch", "year", "held_on", "notes")) | {"entries": len(members)},
    )
    return review


def _int(value: Any, label: str, name: str, problems: dict[str, str], key: str) -> int:
    if value in (None, ""):
        return 0
    try:
        number = int(str(value).strip())
    except ValueError:
        problems[key] = f"{name}：{label}应为整数"
        return 0
    if number < 0:
        problems[key] = f"{name}：{label}不能小于0"
    return number


_VOTE_LABELS = {
    "votes_excellent": "优秀票",
    "votes_pass": "合格票",
    "votes_basic_pass": "基本合格票",
    "votes_fail": "不合格票",
}


def entry_problems(
    entry: MemberReviewEntry, data: Mapping[str, Any], *, held_on: dt.date, voters: int, max_months: int
) -> dict[str, str]:
    """The rules of one entry (RULES E-3, E-4, the tallies); keys are "<field>-<entry id>"."""
    name, pk = entry.member.name, entry.pk
    problems: dict[str, str] = {}
    votes = [_int(data.get(f), _VOTE_LABELS[f], name, problems, f"{f}-{pk}") for f in VOTE_FIELDS]
    if sum(votes) > voters:
        problems[f"votes_excellent-{pk}"] = f"{name}：测评票合计{sum(votes)}张，超过参加测评人数{voters}人"
    grade = data.get("grade") or ""
    deadline = data.get("correction_deadline")
    if isinstance(deadline, str) and deadline.strip():
        try:
            deadline = dt.date.fromisoformat(deadline.strip())
        except ValueError:
            problems[f"correction_deadline-{pk}"] = f"{name}：限期改正截止日期格式应为 YYYY-MM-DD"
            return problems
    if grade and grade not in ReviewGrade.values:
        problems[f"grade-{pk}"] = f"{name}：评定等次“{grade}”无效"
    if grade and entry.is_probationary:
        problems[f"grade-{pk}"] = f"{name}是预备党员，参加评议但不评定等次（规则 E-4）"
    if grade == ReviewGrade.FAIL:
        if not str(data.get("correction_measures") or "").strip():
            problems[f"correction_measures-{pk}"] = (
                f"{name}：评为不合格须填写帮教和改正措施（规则 E-3：教育在先）"
            )
        if not isinstance(deadline, dt.date):
            problems[f"correction_deadline-{pk}"] = f"{name}：评为不合格须填写限期改正截止日期（规则 E-3）"
        else:
            latest = add_months(held_on, max_months)
            if deadline <= held_on:
                problems[f"correction_deadline-{pk}"] = (
                    f"{name}：限期改正截止日期应晚于民主测评日期{cn_date(held_on)}"
                )
            elif deadline > latest:
                problems[f"correction_deadline-{pk}"] = (
                    f"{name}：限期改正最长{max_months}个月，截止日期不能晚于{cn_date(latest)}（规则 E-3）"
                )
    return problems


@transaction.atomic
def review_entries_save(
    *,
    actor: Any,
    review: MemberReview,
    rows: Mapping[int, Mapping[str, Any]],
    voters: int | str | None = None,
) -> int:
    """Tallies, evaluations and grades of the whole round in one go (entry id → fields). All or
    nothing; the 优秀 cap (RULES E-2) is checked on the round as it would be after the save."""
    review = MemberReview.objects.select_for_update().select_related("branch").get(pk=review.pk)
    if review.status != MemberReview.Status.OPEN:
        raise ValidationError({"status": ["民主评议已完成，不能再修改"]})
    ruleset = rules_for(review.year)
    problems: dict[str, str] = {}
    voters = review.voters if voters is None else _int(voters, "参加测评人数", "民主评议", problems, "voters")
    entries = {e.pk: e for e in review.entries.select_related("member")}
    merged: dict[int, dict[str, Any]] = {}
    for pk, entry in entries.items():
        data = {f: getattr(entry, f) for f in _ENTRY_FIELDS}
        if pk in rows:
            data |= {k: v for k, v in rows[pk].items() if k in _ENTRY_FIELDS}
        merged[pk] = data
        problems |= entry_problems(
            entry,
            data,
            held_on=review.held_on,
            voters=voters,
            max_months=ruleset.integer("review.correction_max_months"),
        )
    unknown = set(rows) - set(entries)
    if unknown:
        problems["entries"] = f"编号为{'、'.join(map(str, sorted(unknown)))}的明细不属于本次民主评议"
    rated = sum(1 for e in entries.values() if not e.is_probationary)
    denominator = ruleset.integer("review.excellent_max_denominator")
    cap = rules.excellent_cap(rated, denominator)
    excellent = sum(1 for d in merged.values() if d["grade"] == ReviewGrade.EXCELLENT)
    if excellent > cap:
        problems["grade"] = (
            f"评为优秀的{excellent}人超过上限{cap}人：参评党员{rated}人，"
            f"优秀一般不超过其{denominator}分之一（规则 E-2）"
        )
    _refuse(problems)
    changed = 0
    if voters != review.voters:
        audit_record(
            actor=actor,
            action=AuditEvent.Action.UPDATE,
            obj=review,
            organisation=review.branch,
            before={"voters": review.voters},
            after={"voters": voters},
        )
        review.voters = voters
        review.save(update_fields=["voters"])
    for pk, data in merged.items():
        entry = entries[pk]
        before = snapshot(entry, _ENTRY_FIELDS)
        for field in _ENTRY_FIELDS:
            value = data[field]
            if field in VOTE_FIELDS:
                value = int(value or 0)
            elif field == "participated":
                value = bool(value)
            elif field == "correction_deadline":
                if isinstance(value, str):
                    value = dt.date.fromisoformat(value.strip()) if value.strip() else None
                value = value if data["grade"] == ReviewGrade.FAIL else None
            elif field == "correction_measures" and data["grade"] != ReviewGrade.FAIL:
                value = ""
            elif isinstance(value, str):
                value = value.strip()
            setattr(entry, field, value)
        old, new = diff(before, snapshot(entry, _ENTRY_FIELDS))
        if old or new:
            entry.full_clean()
            entry.save(update_fields=list(_ENTRY_FIELDS))
            audit_record(
                actor=actor,
                action=AuditEvent.Action.UPDATE,
                obj=entry,
                organisation=review.branch,
                before=old,
                after=new,
            )
            changed += 1
    return changed


@transaction.atomic
def review_self_evaluation_save(*, actor: Any, entry: MemberReviewEntry, text: str) -> MemberReviewEntry:
    """A member writes their own 个人自评 (RULES E-1 step 1) while the round is open."""
    if entry.member_id != getattr(actor, "member_id", None):
        raise ValidationError({"self_evaluation": ["只能填写本人的个人自评"]})
    if entry.review.status != MemberReview.Status.OPEN:
        raise ValidationError({"self_evaluation": ["民主评议已完成，个人自评不能再修改"]})
    text = (text or "").strip()
    if not text:
        raise ValidationError({"self_evaluation": ["个人自评必须填写"]})
    if len(text) > 5000:
        raise ValidationError({"self_evaluation": ["个人自评不能超过5000个字符"]})
    before = snapshot(entry, ("self_evaluation",))
    entry.self_evaluation = text
    entry.save(update_fields=["self_evaluation"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.UPDATE,
        obj=entry,
        organisation=entry.review.branch,
        before=before,
        after=snapshot(entry, ("self_evaluation",)),
    )
    return entry


@transaction.atomic
def review_close(*, actor: Any, review: MemberReview, on: dt.date | None = None) -> MemberReview:
    """Close the round (评定意见 given): every non-probationary entry must be graded."""
    on = on or today()
    review = MemberReview.objects.select_for_update().select_related("branch").get(pk=review.pk)
    if review.status != MemberReview.Status.OPEN:
        raise ValidationError({"status": ["民主评议已完成"]})
    missing = list(
        review.entries.filter(is_probationary=False, grade="")
        .order_by("member__name")
        .values_list("member__name", flat=True)
    )
    if missing:
        raise ValidationError({"grade": [f"以下党员尚未评定等次，不能完成评议：{'、'.join(missing)}"]})
    if on < review.held_on:
        raise ValidationError({"status": [f"民主测评于{cn_date(review.held_on)}进行，之后才能完成评议"]})
    review.status, review.closed_on = MemberReview.Status.CLOSED, on
    review.save(update_fields=["status", "closed_on"])
    audit_record(
        actor=actor,
        action=AuditEvent.Action.STATUS,
        obj=review,
        organisation=review.branch,
        before={"status": MemberReview.Status.OPEN},
        after={"status": review.status, "closed_on": on},
    )
    return review
