"""The time rules of member development (RULES §B; DEV-6) as plain functions of values.

Each check takes dates and numbers (the numbers from `rules_for(year).integer("development.*")`)
and returns None when the rule is met, or one Chinese sentence naming the rule and, where there
is one, the first allowed date. No database: the services gather the values, call these and put
the message on the field the user has to change; the selectors use the same date arithmetic for
the checklist and the due lists, so a due date shown is the date a check would accept.

Boundaries (each tested): a period of N months ends on the same day N months later
(`zhibu.lib.dates.add_months`, clamped to the month's end). "At least" periods are met on that day
(the 18th birthday, the first anniversary as an activist, the end of probation); "within" periods
still hold on that day (a talk exactly one month after the application is in time).
"""

import datetime as dt
from decimal import Decimal

from zhibu.lib.dates import add_months, full_years_between
from zhibu.members.models import Category, Member, Standing


def cite(rule: str) -> str:
    """The citation every refusal ends with: （发展党员工作细则 B-5）."""
    return f"（发展党员工作细则 {rule}）"


def iso(day: dt.date) -> str:
    return day.isoformat()


# The rule each step of B-11 comes from, cited when a step lacks its decision.
STEP_RULES = {
    1: "B-1",
    2: "B-2",
    3: "B-3",
    4: "B-10",
    5: "B-3",
    6: "B-4",
    7: "B-5",
    8: "B-10",
    9: "B-6",
    10: "B-7",
    11: "B-7",
    12: "B-8",
    13: "B-8",
    14: "B-8",
    15: "B-8",
    16: "B-8",
    17: "B-8",
    18: "B-8",
    19: "B-9",
    20: "B-9",
    21: "B-9",
    22: "B-9",
    23: "B-9",
    24: "B-9",
    25: "B-11",
}


# --- B-1 age ------------------------------------------------------------------------------------


def age_problem(birth_date: dt.date, applied_on: dt.date, min_age: int) -> str | None:
    """At least `min_age` full years on the application day: the birthday itself is enough."""
    age = full_years_between(birth_date, applied_on)
    if age >= min_age:
        return None
    earliest = add_months(birth_date, 12 * min_age)
    return (
        f"递交入党申请时应年满{min_age}周岁{cite('B-1')}，"
        f"申请人{iso(applied_on)}时{age}周岁，最早可于{iso(earliest)}递交申请"
    )


# --- B-2 talk -------------------------------------------------------------------------------------


def talk_due(applied_on: dt.date, talk_months: int) -> dt.date:
    return add_months(applied_on, talk_months)


def talk_problem(applied_on: dt.date, done_on: dt.date, talk_months: int, late_reason: str) -> str | None:
    """A talk after the month (`talk_months`) is recorded only with the reason for the delay."""
    due = talk_due(applied_on, talk_months)
    if done_on <= due or late_reason.strip():
        return None
    return (
        f"党组织应在收到入党申请后{talk_months}个月内派人谈话{cite('B-2')}，应于{iso(due)}前谈话；"
        f"{iso(done_on)}谈话已逾期，请填写逾期说明"
    )


# --- B-4 review, B-5 candidate ------------------------------------------------------------------------


def review_due(activist_on: dt.date, last_review_on: dt.date | None, review_months: int) -> dt.date:
    """The next half-yearly review: `review_months` after becoming an activist or the last review."""
    since = max(activist_on, last_review_on) if last_review_on else activist_on
    return add_months(since, review_months)


def candidate_earliest(activist_on: dt.date, activist_months: int) -> dt.date:
    return add_months(activist_on, activist_months)


def candidate_problem(activist_on: dt.date | None, done_on: dt.date, activist_months: int) -> str | None:
    if activist_on is None:
        return f"尚未确定为入党积极分子，不能确定为发展对象{cite('B-5')}"
    earliest = candidate_earliest(activist_on, activist_months)
    if done_on >= earliest:
        return None
    return (
        f"确定为发展对象须在确定为入党积极分子满{activist_months}个月后{cite('B-5')}，"
        f"最早{iso(earliest)}（确定为入党积极分子日期{iso(activist_on)}）"
    )


# --- B-7 training -------------------------------------------------------------------------------


def training_problem(days: Decimal, hours: Decimal, min_days: int, min_hours: int) -> str | None:
    """Concentrated training of at least `min_days` days OR `min_hours` class hours."""
    if days >= min_days or hours >= min_hours:
        return None
    return (
        f"发展对象集中培训应不少于{min_days}天或{min_hours}学时{cite('B-7')}，"
        f"已登记的入党积极分子集中培训共{_plain(days)}天、{_plain(hours)}学时"
    )


def _plain(value: Decimal) -> str:
    value = Decimal(value)
    return str(value.quantize(Decimal(1)) if value == value.to_integral_value() else value.normalize())


# --- B-8 approval ------------------------------------------------------------------------------------


def approval_due(voted_on: dt.date, approval_months: int) -> dt.date:
    return add_months(voted_on, approval_months)


def approval_problem(
    voted_on: dt.date, done_on: dt.date, approval_months: int, special_months: int, late_reason: str
) -> tuple[str, str] | None:
    """(field, message): approval within `approval_months` of the 支部大会 vote; up to
    `special_months` in a special case named in `late_reason`; never beyond."""
    due = approval_due(voted_on, approval_months)
    if done_on <= due:
        return None
    latest = add_months(voted_on, special_months)
    if done_on > latest:
        return (
            "done_on",
            f"上级党委审批应在支部大会讨论后{approval_months}个月内完成，特殊情况最长{special_months}个月"
            f"{cite('B-8')}：支部大会{iso(voted_on)}讨论，最迟{iso(latest)}审批，{iso(done_on)}已超过期限",
        )
    if late_reason.strip():
        return None
    return (
        "late_reason",
        f"上级党委审批应在支部大会讨论后{approval_months}个月内（{iso(due)}前）完成{cite('B-8')}；"
        f"超过{approval_months}个月、不超过{special_months}个月的须写明特殊情况",
    )


# --- B-9 probation -----------------------------------------------------------------------------------


def probation_end(
    admitted_on: dt.date, probation_months: int, extension_months: int | None = None
) -> dt.date:
    """Probation runs from the 支部大会 vote; an extension adds its months (B-9)."""
    return add_months(admitted_on, probation_months + (extension_months or 0))


def conversion_problem(end: dt.date, done_on: dt.date) -> str | None:
    if done_on >= end:
        return None
    return f"预备期满方可讨论转正{cite('B-9')}：预备期至{iso(end)}期满，支部大会讨论转正最早{iso(end)}"


def extension_problem(months: int, minimum: int, maximum: int) -> str | None:
    if minimum <= months <= maximum:
        return None
    return f"延长预备期应为{minimum}至{maximum}个月{cite('B-9')}，不能为{months}个月"


# --- B-10 notices -------------------------------------------------------------------------------------


def working_days(start: dt.date, end: dt.date) -> int:
    """Monday to Friday from `start` to `end`, both included.

    Public holidays and the weekend days made working days (调休) are set by the State Council
    each year and are not known offline: a notice over a holiday may count a day or two more
    than the calendar of that year would. The secretary publishes long enough in those weeks."""
    if end < start:
        return 0
    days = (end - start).days + 1
    full_weeks, rest = divmod(days, 7)
    count = full_weeks * 5
    for offset in range(rest):
        if (start + dt.timedelta(days=full_weeks * 7 + offset)).weekday() < 5:
            count += 1
    return count


def notice_period_problem(start_on: dt.date, end_on: dt.date, min_working_days: int) -> str | None:
    count = working_days(start_on, end_on)
    if count >= min_working_days:
        return None
    return (
        f"公示期应不少于{min_working_days}个工作日{cite('B-10')}，"
        f"所选公示{iso(start_on)}至{iso(end_on)}只有{count}个工作日"
    )


def notice_wait_problem(end_on: dt.date, done_on: dt.date, step_label: str) -> str | None:
    """The step waits for the notice to end: the last day of the notice is still too early."""
    if done_on > end_on:
        return None
    earliest = end_on + dt.timedelta(days=1)
    return f"{step_label}须在公示期满后进行{cite('B-10')}：公示至{iso(end_on)}结束，最早{iso(earliest)}"


def notice_start_problem(start_on: dt.date, previous_on: dt.date, previous_label: str) -> str | None:
    if start_on >= previous_on:
        return None
    return (
        f"所选公示{iso(start_on)}开始，早于上一步骤{previous_label}的日期{iso(previous_on)}，不是本阶段的公示"
    )


# --- B-3, B-6 cultivators and introducers -----------------------------------------------------------


def sponsor_problem(
    person: Member, *, candidate: Member, on: dt.date, under_probation: bool, role_label: str, rule: str
) -> str | None:
    """Why `person` cannot be the 培养联系人 or 入党介绍人 of `candidate` on `on`, or None: a full
    member on that day (converted by then), in the registry, 党籍 normal, not under 留党察看 with
    rights not yet restored (`Discipline.is_probation_on`, gathered by the caller)."""
    name = person.name
    if person.pk == candidate.pk:
        return f"{name}不能担任本人的{role_label}{cite(rule)}"
    if not person.is_active:
        return f"{name}已不在册，不能担任{role_label}{cite(rule)}"
    if person.category != Category.FULL:
        label = Category(person.category).label if person.category in Category.values else person.category
        return f"{name}是{label}，{role_label}应为正式党员{cite(rule)}"
    if person.converted_on is None or person.converted_on > on:
        since = f"于{iso(person.converted_on)}转正，" if person.converted_on else ""
        return f"{name}{since}{iso(on)}时还不是正式党员，不能担任{role_label}{cite(rule)}"
    if person.standing != Standing.NORMAL:
        return f"{name}党籍状态为{Standing(person.standing).label}，不能担任{role_label}{cite(rule)}"
    if under_probation:
        return f"{name}{iso(on)}时正受留党察看处分、尚未恢复党员权利，不能担任{role_label}{cite('B-6')}"
    return None
