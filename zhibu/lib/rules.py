"""The numbers of RULES.md, each with its source (P-4). Every rule reads its number from here;
the values are the defaults of the national rules and the seed. (Per-year overrides by the org
officer arrive with the settings page; callers already pass the year.)"""

from dataclasses import dataclass
from decimal import Decimal


@dataclass(frozen=True)
class Rule:
    key: str
    value: object
    label: str
    source: str


_RULES = [
    Rule("branch.min_full_members", 3, "党支部最少正式党员数", "支部工作条例 A-1"),
    Rule("branch.max_members", 50, "党支部党员人数一般不超过", "支部工作条例 A-1"),
    Rule("committee.required_from_full_members", 7, "正式党员达到此数应成立支委会", "支部工作条例 A-2"),
    Rule("committee.min_size", 3, "支委会委员最少人数", "支部工作条例 A-2"),
    Rule("committee.max_size", 7, "支委会委员最多人数", "支部工作条例 A-2"),
    Rule("committee.term_years", 3, "支委会每届任期（年）", "支部工作条例 A-3"),
    Rule("committee.term_years_village", 5, "村、社区党支部每届任期（年）", "支部工作条例 A-3"),
    Rule("committee.expiry_warning_months", 6, "换届提醒提前月数", "本地做法 A-3 [L]"),
    Rule("secretary.min_party_standing_years", 1, "支部书记一般应有党龄（年）", "支部工作条例 A-4"),
    Rule("secretary.training_days", 7, "支部书记年培训不少于（天）", "种子文件 §二.1"),
    Rule("dues.max_back_months", 6, "党费补交最多月数", "党费规定 C-6"),
    Rule("dues.arrears_warning_months", 3, "党费欠缴提醒月数", "SPEC DUES-2"),
    Rule("dues.arrears_flag_months", 6, "党费连续欠缴标记月数", "党费规定 C-8"),
    Rule("assessment.performance_weight", Decimal("0.20"), "党建考评得分纳入业绩考核的权重", "种子文件 §四"),
]
RULES = {rule.key: rule for rule in _RULES}


def rule(key: str, year: int | None = None) -> object:
    return RULES[key].value


def rule_int(key: str, year: int | None = None) -> int:
    value = rule(key, year)
    assert isinstance(value, int)
    return value
