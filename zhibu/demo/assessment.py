"""Member assessment and 民主评议党员 (MASSESS-1…4), through the services a secretary uses.

For every branch: the quarters of the current year that have ended (up to Q3) rated; last year's
four quarters rated with final year results (bonuses, 优秀党员 recommendations) and a closed
民主评议. The demo member's branch (城区片区党支部) has one rejected objection last year, this
year's results under publication with the window open on the run date (the member sees the
objection channel) and this year's 民主评议 open (the member sees the self-evaluation form).
Another branch's 民主评议 had a participation below 100%.

When the goals section has created responsibility goals, the ratings follow the suggested rating
from achievement; without goals they are drawn (mostly 良好/合格, some 优秀, a rare 不合格)."""

import datetime as dt
import random
from decimal import Decimal
from typing import Any

from zhibu.accounts.models import User
from zhibu.demo.base import Demo, Section
from zhibu.lib.rules import rules_for
from zhibu.member_assessment import rules, selectors, services
from zhibu.member_assessment.models import (
    MemberRating,
    MemberReview,
    MemberYearResult,
    Objection,
    ReviewGrade,
)
from zhibu.orgs.models import Organisation

DEMO_BRANCH = "DJ-LS-CQ"  # the demo member `dangyuan`'s branch
LOW_PARTICIPATION_BRANCH = "DJ-LS-NH"
JUDGEMENTS = {
    "excellent": ["责任目标全部完成，成效突出", "带头攻坚，示范岗作用明显", "工作主动，群众评价好"],
    "good": ["较好完成本期责任目标", "工作认真负责", "能按时完成各项任务"],
    "pass": ["基本完成本期责任目标", "个别任务进度偏慢", "需加强学习主动性"],
    "fail": ["本期责任目标多项未完成，已谈心谈话"],
}


def _branches() -> list[Organisation]:
    return list(Organisation.objects.filter(kind=Organisation.Kind.BRANCH, is_active=True).order_by("code"))


def _draw(rng: random.Random) -> str:
    roll = rng.random()
    if roll < 0.18:
        return "excellent"
    if roll < 0.62:
        return "good"
    if roll < 0.97:
        return "pass"
    return "fail"


def _rate_period(demo: Demo, rng: random.Random, branch: Organisation, year: int, period: str) -> int:
    if (
        MemberRating.objects.filter(branch=branch, year=year, period=period).exists()
        or MemberYearResult.objects.filter(branch=branch, year=year).exclude(status="draft").exists()
    ):
        return 0
    end = rules.period_bounds(year, period)[1]
    rows = []
    for row in selectors.rating_sheet(branch, year, period):
        rating = row.suggested if row.suggested and rng.random() < 0.8 else _draw(rng)
        rows.append(
            {"member_id": row.member.pk, "rating": rating, "judgement": rng.choice(JUDGEMENTS[rating])}
        )
    if not rows:
        return 0
    on = min(end + dt.timedelta(days=3), demo.on)
    counts = services.ratings_save(
        actor=demo.actor, branch=branch, year=year, period=period, rows=rows, on=on
    )
    return counts["created"]


def _bonuses(demo: Demo, rng: random.Random, branch: Organisation, year: int) -> None:
    table = rules.PointsTable.from_rules(rules_for(year))
    rows = []
    for result in MemberYearResult.objects.filter(branch=branch, year=year).order_by(
        "member__name", "member_id"
    ):
        quality = Decimal(rng.choice(["0", "1", "2", "3", "3.5", "4", "5"]))
        rows.append(
            {
                "result_id": result.pk,
                "bonus_quality": quality if result.mean_points >= table.pass_points else Decimal(0),
                "bonus_teamwork": Decimal(rng.choice(["0", "1", "1.5", "2", "3"])),
                "bonus_integrity": Decimal(rng.choice(["0", "1", "1.5", "2"])),
            }
        )
    services.bonuses_save(actor=demo.actor, branch=branch, year=year, rows=rows)


def _objector(branch: Organisation) -> Any:
    """The demo member's account, when it belongs to this branch (an objection needs a member)."""
    user = User.objects.filter(username="dangyuan", member__branch=branch).first()
    return user


def _last_year(demo: Demo, rng: random.Random, branch: Organisation) -> int:
    year = demo.on.year - 1
    created = sum(_rate_period(demo, rng, branch, year, p) for p in rules.QUARTERS)
    if MemberYearResult.objects.filter(branch=branch, year=year).exclude(status="draft").exists():
        return created
    created += services.results_refresh(actor=demo.actor, branch=branch, year=year)["created"]
    _bonuses(demo, rng, branch, year)
    published_on = dt.date(year, 12, 28)
    services.results_publish(actor=demo.actor, branch=branch, year=year, on=published_on)
    objector = _objector(branch)
    if objector is not None:
        result = MemberYearResult.objects.select_related("member", "branch").get(
            member_id=objector.member_id, year=year
        )
        objection = services.objection_raise(
            actor=objector,
            result=result,
            text="第三季度本人牵头完成了加油站安全示范岗创建，评定为合格偏低，请复核。",
            on=published_on + dt.timedelta(days=2),
        )
        services.objection_answer(
            actor=demo.actor,
            objection=objection,
            outcome=Objection.Outcome.REJECTED,
            response="经支委会复核：示范岗创建已计入第四季度评定，第三季度的评定依据充分，维持原评定。",
            on=published_on + dt.timedelta(days=5),
        )
        created += 1
    until = published_on + dt.timedelta(days=rules_for(year).integer("massess.publication_days"))
    services.results_finalise(actor=demo.actor, branch=branch, year=year, on=until + dt.timedelta(days=1))
    for candidate in selectors.outstanding_candidates(branch, year, limit=2):
        services.result_recommend(actor=demo.actor, result=candidate, recommended=True)
    return created


def _this_year(demo: Demo, rng: random.Random, branch: Organisation) -> int:
    year = demo.on.year
    periods = rules.ratable_periods(year, demo.on)[:3]
    created = sum(_rate_period(demo, rng, branch, year, p) for p in periods)
    if (
        branch.code == DEMO_BRANCH
        and periods
        and not MemberYearResult.objects.filter(branch=branch, year=year).exists()
    ):
        created += services.results_refresh(actor=demo.actor, branch=branch, year=year)["created"]
        _bonuses(demo, rng, branch, year)
        services.results_publish(
            actor=demo.actor,
            branch=branch,
            year=year,
            on=max(demo.on - dt.timedelta(days=2), dt.date(year, 1, 1)),
        )
    return created


def _closed_review(demo: Demo, rng: random.Random, branch: Organisation) -> int:
    year = demo.on.year - 1
    if MemberReview.objects.filter(branch=branch, year=year).exists():
        return 0
    held_on = dt.date(year, 12, 18)
    review = services.review_open(actor=demo.actor, branch=branch, year=year, held_on=held_on)
    entries = selectors.review_entries(review)
    absent = 2 if branch.code == LOW_PARTICIPATION_BRANCH else 0
    participants = entries[: len(entries) - absent] if absent else entries
    voters = len(participants)
    ruleset = rules_for(year)
    cap = rules.excellent_cap(
        sum(1 for e in entries if not e.is_probationary), ruleset.integer("review.excellent_max_denominator")
    )
    rows: dict[int, dict[str, Any]] = {}
    excellent = 0
    results = dict(
        MemberYearResult.objects.filter(branch=branch, year=year).values_list("member_id", "total")
    )
    ranked = sorted(entries, key=lambda e: (-(results.get(e.member_id) or 0), e.member.name))
    best = {e.pk for e in ranked if not e.is_probationary}
    for entry in entries:
        took_part = entry in participants
        data: dict[str, Any] = {
            "participated": took_part,
            "self_evaluation": "对照党员标准，认真履行岗位职责，积极参加组织生活。" if took_part else "",
            "mutual_evaluation": rng.choice(
                ["工作踏实，团结同志", "责任心强，乐于助人", "学习主动，作风扎实"]
            ),
        }
        if entry.is_probationary:
            data["opinion"] = "预备党员参加评议，不评定等次"
        else:
            if entry.pk in best and excellent < cap and rng.random() < 0.7:
                grade = ReviewGrade.EXCELLENT
                excellent += 1
            else:
                grade = ReviewGrade.BASIC_PASS if rng.random() < 0.04 else ReviewGrade.PASS
            data["grade"] = grade
            data["opinion"] = {
                "excellent": "评为优秀",
                "pass": "评为合格",
                "basic_pass": "评为基本合格，限期整改",
            }[grade]
        excellent_votes = rng.randint(0, voters // 3) if voters else 0
        basic_votes = rng.randint(0, 1) if voters - excellent_votes > 1 else 0
        data |= {
            "votes_excellent": excellent_votes,
            "votes_basic_pass": basic_votes,
            "votes_pass": voters - excellent_votes - basic_votes,
            "votes_fail": 0,
        }
        rows[entry.pk] = data
    services.review_entries_save(actor=demo.actor, review=review, rows=rows, voters=voters)
    services.review_close(actor=demo.actor, review=review, on=held_on + dt.timedelta(days=5))
    return 1 + len(entries)


def _open_review(demo: Demo, branch: Organisation) -> int:
    year = demo.on.year
    if MemberReview.objects.filter(branch=branch, year=year).exists():
        return 0
    held_on = min(demo.on + dt.timedelta(days=10), dt.date(year, 12, 31))
    review = services.review_open(
        actor=demo.actor,
        branch=branch,
        year=year,
        held_on=held_on,
        notes="个人自评和党员互评进行中，民主测评在党员大会上进行",
    )
    return 1 + review.entries.count()


def load(demo: Demo) -> int:
    rng = demo.rng("assessment")
    created = 0
    for branch in _branches():
        created += _last_year(demo, rng, branch)
        created += _this_year(demo, rng, branch)
        created += _closed_review(demo, rng, branch)
    created += _open_review(demo, demo.org(DEMO_BRANCH))
    return created


SECTION = Section("党员考核与民主评议", load)
