"""The numbers of RULES.md and the seed, each with its source (P-4 "the rules are settings").

`CATALOGUE` holds every rule with its default; an org officer may change a value from a given year
on (`zhibu.rulebook`, audited). Code reads rules through `rules_for(year)` — one query for all of
them — or the `rule_int` / `rule_decimal` shortcuts for a single value.
"""

from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from zhibu.lib.dates import today


@dataclass(frozen=True)
class Rule:
    key: str
    default: int | Decimal
    label: str
    source: str
    minimum: Decimal = Decimal(0)
    maximum: Decimal | None = None

    @property
    def kind(self) -> type:
        return type(self.default)

    def parse(self, raw: Any) -> int | Decimal:
        """A typed value from text, or ValueError with a Chinese reason."""
        try:
            value = Decimal(str(raw).strip())
        except InvalidOperation:
            raise ValueError(f"“{raw}”不是数字") from None
        if self.kind is int and value != value.to_integral_value():
            raise ValueError("应为整数")
        if value < self.minimum or (self.maximum is not None and value > self.maximum):
            upper = f"至{self.maximum}" if self.maximum is not None else "以上"
            raise ValueError(f"取值范围为{self.minimum}{upper}")
        return int(value) if self.kind is int else value


def _r(key: str, default: int | str, label: str, source: str, maximum: int | str | None = None) -> Rule:
    value: int | Decimal = Decimal(default) if isinstance(default, str) else default
    return Rule(key, value, label, source, maximum=Decimal(maximum) if maximum is not None else None)


CATALOGUE: list[Rule] = [
    _r("branch.min_full_members", 3, "党支部最少正式党员数（人）", "支部工作条例 A-1"),
    _r("branch.max_members", 50, "党支部党员人数一般不超过（人）", "支部工作条例 A-1"),
    _r("committee.required_from_full_members", 7, "正式党员达到此数应成立支委会（人）", "支部工作条例 A-2"),
    _r("committee.min_size", 3, "支委会委员最少人数", "支部工作条例 A-2"),
    _r("committee.max_size", 7, "支委会委员最多人数", "支部工作条例 A-2"),
    _r("committee.term_years", 3, "支委会每届任期（年）", "支部工作条例 A-3"),
    _r("committee.term_years_village", 5, "村、社区党支部每届任期（年）", "支部工作条例 A-3"),
    _r("committee.expiry_warning_months", 6, "换届提醒提前月数", "本地做法 A-3 [L]"),
    _r("secretary.min_party_standing_years", 1, "支部书记一般应有党龄（年）", "支部工作条例 A-4"),
    _r("secretary.training_days", 7, "支部书记年培训不少于（天）", "种子文件 §二.1"),
    # Training (MEM-5) and mobile members (MEM-3).
    _r("training.member_hours", 32, "党员年培训不少于（学时）", "RULES A-10"),
    _r("training.leader_hours", 56, "支部书记、支委会委员年培训不少于（学时）", "RULES A-10"),
    _r("training.new_secretary_months", 6, "新任支部书记应在任职后几个月内完成培训（月）", "RULES A-10", 24),
    _r("mobile.report_months", 3, "流动党员向支部汇报的最长间隔（月）", "种子文件 §二.17；SPEC MEM-3", 12),
    _r("mobile.transfer_months", 6, "外出满几个月（固定地点）应转移组织关系（月）", "RULES D-1", 24),
    # Dues (DUES-1, DUES-2; RULES §C). Bracket tops are inclusive (C-3a: 3000.00 → 0.5%).
    _r("dues.employed_top_1", "3000", "在职党员第一档上限（元，含）", "党费规定 C-2"),
    _r("dues.employed_top_2", "5000", "在职党员第二档上限（元，含）", "党费规定 C-2"),
    _r("dues.employed_top_3", "10000", "在职党员第三档上限（元，含）", "党费规定 C-2"),
    _r("dues.employed_rate_1", "0.5", "在职党员第一档比例（%）", "党费规定 C-2", 100),
    _r("dues.employed_rate_2", "1", "在职党员第二档比例（%）", "党费规定 C-2", 100),
    _r("dues.employed_rate_3", "1.5", "在职党员第三档比例（%）", "党费规定 C-2", 100),
    _r("dues.employed_rate_4", "2", "在职党员第四档比例（%）", "党费规定 C-2", 100),
    _r("dues.retired_top_1", "5000", "离退休党员第一档上限（元，含）", "党费规定 C-3"),
    _r("dues.retired_rate_1", "0.5", "离退休党员第一档比例（%）", "党费规定 C-3", 100),
    _r("dues.retired_rate_2", "1", "离退休党员第二档比例（%）", "党费规定 C-3", 100),
    _r("dues.fixed_amount", "0.20", "学生、下岗失业、无固定收入党员每月交纳（元）", "党费规定 C-4", 100),
    _r("dues.farmer_min", "0.20", "农民党员每月交纳下限（元）", "党费规定 C-4", 100),
    _r("dues.farmer_max", "1.00", "农民党员每月交纳上限（元）", "党费规定 C-4", 100),
    _r("dues.max_back_months", 6, "党费补交最多月数", "党费规定 C-6", 24),
    _r("dues.max_advance_months", 12, "党费预交最多月数", "本地做法 C-6 [L]", 24),
    _r("dues.arrears_warning_months", 3, "党费欠缴提醒月数", "SPEC DUES-2", 24),
    _r("dues.arrears_flag_months", 6, "党费连续欠缴标记月数", "党费规定 C-8", 24),
    _r("dues.special_payment_min", "1000", "一次性交纳大额党费（全部上缴中央）起点（元）", "党费规定 C-7"),
    # Member development (DEV-1…6; RULES §B).
    _r("development.min_age", 18, "申请入党最低年龄（周岁）", "发展党员工作细则 B-1", 30),
    _r("development.talk_months", 1, "收到入党申请后谈话期限（月）", "发展党员工作细则 B-2", 12),
    _r("development.review_months", 6, "入党积极分子考察间隔（月）", "发展党员工作细则 B-4", 12),
    _r("development.activist_months", 12, "确定为发展对象前任积极分子至少（月）", "发展党员工作细则 B-5", 60),
    _r("development.training_days", 3, "发展对象集中培训不少于（天）", "发展党员工作细则 B-7", 30),
    _r("development.training_hours", 24, "发展对象集中培训不少于（学时）", "发展党员工作细则 B-7", 240),
    _r("development.approval_months", 3, "上级党委审批期限（月）", "发展党员工作细则 B-8", 12),
    _r("development.approval_months_special", 6, "特殊情况审批期限最长（月）", "发展党员工作细则 B-8", 12),
    _r("development.probation_months", 12, "预备期（月）", "发展党员工作细则 B-9", 24),
    _r("development.extension_min_months", 6, "延长预备期最短（月）", "发展党员工作细则 B-9", 24),
    _r("development.extension_max_months", 12, "延长预备期最长（月）", "发展党员工作细则 B-9", 24),
    _r("development.notice_working_days", 5, "发展党员公示期（工作日）", "本地做法 B-10 [L]", 30),
    _r("development.conversion_warning_days", 30, "预备期满前多少天提醒转正（天）", "SPEC DEV-4", 180),
    _r("assessment.performance_weight", "0.20", "党建考评得分纳入业绩考核的权重", "种子文件 §四", 1),
    # Goals (GOAL-5): when an unfinished goal counts as at risk.
    _r("goals.risk_lag_points", 20, "进度落后于时间进度多少个百分点视为有风险", "本地做法 [L]", 100),
    _r("goals.risk_days_before_due", 14, "到期前多少天内进度不足80%视为有风险", "本地做法 [L]"),
    # Member assessment (MASSESS-2, MASSESS-3): the seed's 支部目标管理制度模板 §三.
    _r("massess.points_excellent", "95", "党员考核“优秀”折合分", "SPEC MASSESS-2", 100),
    _r("massess.points_good", "85", "党员考核“良好”折合分", "SPEC MASSESS-2", 100),
    _r("massess.points_pass", "75", "党员考核“合格”折合分", "SPEC MASSESS-2", 100),
    _r("massess.points_fail", "60", "党员考核“不合格”折合分", "SPEC MASSESS-2", 100),
    _r("massess.bonus_quality_max", "5", "目标完成质量加分上限（合格及以上）", "种子文件 模板§三.2", 100),
    _r("massess.bonus_teamwork_max", "3", "团队合作精神加分上限", "种子文件 模板§三.3", 100),
    _r("massess.bonus_integrity_max", "2", "党性修养和廉洁自律加分上限", "种子文件 模板§三.4", 100),
    _r("massess.publication_days", 7, "考核结果公示天数", "SPEC MASSESS-3", 60),
    # 民主评议党员 (MASSESS-4, RULES §E).
    # 优秀 at most one N-th of the members rated: an integer N keeps the cap exact (9 rated → 3).
    _r("review.excellent_max_denominator", 3, "民主评议“优秀”不超过参评党员的几分之一（N）", "RULES E-2", 20),
    _r("review.correction_max_months", 12, "评为不合格后限期改正最长（月）", "RULES E-3", 24),
    # The compliance calendar (ACT-3): the numbers beside "at least once a month/quarter/year".
    _r("meetings.featured_activities_min", 2, "每年特色活动不少于（次）", "SPEC ACT-3；种子文件 §二.13", 12),
    _r("meetings.attendance_min_percent", 90, "三会一课出勤率不低于（%）", "SPEC ACT-3", 100),
]
CATALOGUE_BY_KEY = {rule.key: rule for rule in CATALOGUE}


class RuleSet:
    """The rules in force for one year: defaults overlaid with the officer's changes up to it."""

    def __init__(self, year: int, overrides: dict[str, int | Decimal]) -> None:
        self.year = year
        self._overrides = overrides

    def value(self, key: str) -> int | Decimal:
        return self._overrides.get(key, CATALOGUE_BY_KEY[key].default)

    def integer(self, key: str) -> int:
        return int(self.value(key))

    def decimal(self, key: str) -> Decimal:
        return Decimal(self.value(key))

    def is_default(self, key: str) -> bool:
        return key not in self._overrides


def rules_for(year: int | None = None) -> RuleSet:
    """One query: for each rule, the latest change whose `from_year` is not after `year`."""
    from zhibu.rulebook.models import RuleValue

    year = year or today().year
    overrides: dict[str, int | Decimal] = {}
    for change in RuleValue.objects.filter(from_year__lte=year).order_by("from_year", "changed_at", "id"):
        rule = CATALOGUE_BY_KEY.get(change.key)
        if rule is not None:
            overrides[change.key] = rule.parse(change.value)
    return RuleSet(year, overrides)


def rule_int(key: str, year: int | None = None) -> int:
    return rules_for(year).integer(key)


def rule_decimal(key: str, year: int | None = None) -> Decimal:
    return rules_for(year).decimal(key)
