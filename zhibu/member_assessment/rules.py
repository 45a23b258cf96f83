"""The arithmetic of member assessment as plain functions (STYLE: rules take values, return values).

Periods (MASSESS-1), the suggested rating from achievement, the year points with their bonuses and
caps (MASSESS-2; seed 支部目标管理制度模板 §三), the 优秀 cap of 民主评议 (RULES E-2) and the
participation rate (MASSESS-4). Numbers come from `zhibu.lib.rules.rules_for(year)`; nothing here
reads the database."""

import calendar
import datetime as dt
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from typing import Any

from zhibu.lib.decimals import CENT, money
from zhibu.member_assessment.models import Rating

QUARTERS = ("Q1", "Q2", "Q3", "Q4")
MONTHS = tuple(f"M{m:02d}" for m in range(1, 13))
PERIODS = QUARTERS + MONTHS
_PERIOD = re.compile(r"^(Q[1-4]|M(0[1-9]|1[0-2]))$")
# A period may be rated from the start of its last week (the secretary rates before the month ends).
RATING_OPENS_DAYS_BEFORE_END = 6


def period_label(period: str) -> str:
    if period.startswith("Q"):
        return f"第{'一二三四'[int(period[1]) - 1]}季度"
    return f"{int(period[1:])}月"


def period_kind(period: str) -> str:
    return "quarter" if period.startswith("Q") else "month"


def period_problem(period: str) -> str:
    """ "" when `period` is a valid period name, else the reason."""
    if not _PERIOD.match(period or ""):
        return f"考核期“{period}”格式不正确：应为 Q1～Q4（季度）或 M01～M12（月度）"
    return ""


def period_bounds(year: int, period: str) -> tuple[dt.date, dt.date]:
    """First and last day of the period."""
    if period.startswith("Q"):
        quarter = int(period[1])
        first_month, last_month = 3 * quarter - 2, 3 * quarter
    else:
        first_month = last_month = int(period[1:])
    last_day = calendar.monthrange(year, last_month)[1]
    return dt.date(year, first_month, 1), dt.date(year, last_month, last_day)


def rating_opens_on(year: int, period: str) -> dt.date:
    return period_bounds(year, period)[1] - dt.timedelta(days=RATING_OPENS_DAYS_BEFORE_END)


def ratable_periods(year: int, on: dt.date, kind: str = "quarter") -> list[str]:
    names = QUARTERS if kind == "quarter" else MONTHS
    return [p for p in names if rating_opens_on(year, p) <= on]


def suggested_rating(achievement: Decimal | None) -> str:
    """MASSESS-1: ≥90 优秀, ≥75 良好, ≥60 合格, else 不合格; "" without goals due."""
    if achievement is None:
        return ""
    if achievement >= 90:
        return Rating.EXCELLENT
    if achievement >= 75:
        return Rating.GOOD
    if achievement >= 60:
        return Rating.PASS
    return Rating.FAIL


def goal_score(*, completed: bool, measure: str, current: Decimal | None, target: Decimal | None) -> Decimal:
    """One responsibility goal's share done, 0..1: completed counts 1; a 数量指标 its progress."""
    if completed:
        return Decimal(1)
    if measure == "number" and target:
        return min((current or Decimal(0)) / target, Decimal(1)).max(Decimal(0))
    return Decimal(0)


def expected_share(*, start: dt.date, due: dt.date, period_end: dt.date) -> Decimal:
    """How much of a goal should be done by the end of a period: all of it once due, else the share
    of its days elapsed (start and end days included)."""
    if due <= period_end:
        return Decimal(1)
    if period_end < start:
        return Decimal(0)
    return Decimal((period_end - start).days + 1) / Decimal((due - start).days + 1)


def period_score(*, done_share: Decimal, expected: Decimal) -> Decimal:
    """A goal's achievement in a period, 0..1: what was done by the period's end against what was
    due by then — a member on track with a year-long goal scores 1 in the first quarter."""
    if expected <= 0:
        return Decimal(1)
    return min(done_share / expected, Decimal(1)).max(Decimal(0))


def achievement_percent(scores: Iterable[Decimal]) -> Decimal | None:
    values = list(scores)
    if not values:
        return None
    return money(sum(values, Decimal(0)) * 100 / len(values))


# ---------------------------------------------------------------------------------------------
# Year points (MASSESS-2)

POINT_KEYS = {
    Rating.EXCELLENT: "massess.points_excellent",
    Rating.GOOD: "massess.points_good",
    Rating.PASS: "massess.points_pass",
    Rating.FAIL: "massess.points_fail",
}
BONUS_KEYS = {
    "bonus_quality": "massess.bonus_quality_max",
    "bonus_teamwork": "massess.bonus_teamwork_max",
    "bonus_integrity": "massess.bonus_integrity_max",
}
BONUS_LABELS = {
    "bonus_quality": "完成质量加分",
    "bonus_teamwork": "团队合作加分",
    "bonus_integrity": "党性修养和廉洁自律加分",
}
BONUS_SOURCES = {
    "bonus_quality": "模板§三.2",
    "bonus_teamwork": "模板§三.3",
    "bonus_integrity": "模板§三.4",
}


@dataclass(frozen=True)
class PointsTable:
    """The numbers in force for one year."""

    points: Mapping[str, Decimal]
    caps: Mapping[str, Decimal]

    @classmethod
    def from_rules(cls, ruleset: Any) -> "PointsTable":
        return cls(
            points={rating: ruleset.decimal(key) for rating, key in POINT_KEYS.items()},
            caps={field: ruleset.decimal(key) for field, key in BONUS_KEYS.items()},
        )

    @property
    def pass_points(self) -> Decimal:
        return self.points[Rating.PASS]

    def as_basis(self) -> dict[str, Any]:
        return {
            "points": {str(rating): str(value) for rating, value in self.points.items()},
            "caps": {field: str(value) for field, value in self.caps.items()},
        }


@dataclass(frozen=True)
class YearPoints:
    mean_points: Decimal
    bonus_quality: Decimal
    bonus_teamwork: Decimal
    bonus_integrity: Decimal
    total: Decimal


class BonusError(ValueError):
    """A bonus out of its bounds: `problems` is {field: Chinese message}."""

    def __init__(self, problems: dict[str, str]) -> None:
        super().__init__(problems)
        self.problems = problems


def mean_points(ratings: Iterable[str], table: PointsTable) -> Decimal:
    """The mean of the period points, half-up to 2 places. At least one rating is needed."""
    values = [table.points[r] for r in ratings]
    if not values:
        raise ValueError("没有期评结果，不能计算年度积分")
    return (sum(values, Decimal(0)) / len(values)).quantize(CENT, rounding=ROUND_HALF_UP)


def bonus_problems(mean: Decimal, bonuses: Mapping[str, Any], table: PointsTable) -> dict[str, str]:
    """Each bonus within 0..its cap with at most 2 decimals; the quality bonus only for a mean of
    合格 or better (模板§三.2). Returns {field: Chinese message}."""
    problems: dict[str, str] = {}
    for field, raw in bonuses.items():
        label, cap = BONUS_LABELS[field], table.caps[field]
        try:
            value = Decimal(str(raw if raw not in (None, "") else "0").strip())
        except InvalidOperation:
            problems[field] = f"{label}“{raw}”不是数字"
            continue
        if not value.is_finite():
            problems[field] = f"{label}“{raw}”不是数字"
        elif value < 0:
            problems[field] = f"{label}不能小于0"
        elif value > cap:
            problems[field] = f"{label}不能超过上限{cap}分（{BONUS_SOURCES[field]}）"
        elif value != value.quantize(CENT, rounding=ROUND_HALF_UP):
            problems[field] = f"{label}最多2位小数"
        elif field == "bonus_quality" and value > 0 and mean < table.pass_points:
            problems[field] = (
                f"期评平均分{mean}低于“合格”的{table.pass_points}分，不能给予完成质量加分"
                "（模板§三.2：目标完成情况达到合格及以上的党员才可加分）"
            )
    return problems


def year_points(ratings: Iterable[str], bonuses: Mapping[str, Any], table: PointsTable) -> YearPoints:
    """MASSESS-2: mean of the period points + the bonuses (no further cap); BonusError on a bad bonus."""
    mean = mean_points(ratings, table)
    problems = bonus_problems(mean, bonuses, table)
    if problems:
        raise BonusError(problems)
    values = {field: money(str(bonuses.get(field) or "0")) for field in BONUS_KEYS}
    return YearPoints(
        mean_points=mean,
        bonus_quality=values["bonus_quality"],
        bonus_teamwork=values["bonus_teamwork"],
        bonus_integrity=values["bonus_integrity"],
        total=mean + sum(values.values(), Decimal(0)),
    )


# ---------------------------------------------------------------------------------------------
# 民主评议党员 (MASSESS-4, RULES §E)


def excellent_cap(rated: int, denominator: int) -> int:
    """RULES E-2: 优秀 at most one N-th of the members rated, rounded down (9 → 3, 10 → 3)."""
    return rated // denominator if denominator > 0 else rated


def participation_rate(participated: int, entries: int) -> Decimal | None:
    """Per cent of the round's members who took part, half-up to 2 places; None without entries."""
    if entries == 0:
        return None
    return money(Decimal(participated) * 100 / entries)
