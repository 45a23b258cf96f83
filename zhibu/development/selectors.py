"""Reads of member development: each file's checklist of the 25 steps with due dates, and the due
lists of a set of branches (constant queries). INTERFACE: views, API, reminders and the annual
assessment (SPEC §8 item 3) read these.

Which year's rules: a due or earliest date shown is computed with the rules in force in the year of
`on` (the day the list is read), so a step recorded on the day the list shows is judged by the same
numbers; the end of probation is fixed at admission, with the rules of the admission year (B-9).
"""

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Exists, OuterRef, Prefetch, QuerySet

from zhibu.development import rules as dev_rules
from zhibu.development.models import OPEN_STAGES, DevelopmentFile, DevelopmentStep, Review, Sponsor, Stage
from zhibu.development.steps import BY_NUMBER, LAST, STEPS, Step
from zhibu.lib.dates import cn_date, today
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.members.models import Category, Member
from zhibu.orgs.models import Organisation

# Kinds of due items, with their Chinese labels and the rule each comes from.
DUE_KINDS = {
    "talk": ("入党申请谈话", "B-2"),
    "review": ("积极分子半年考察", "B-4"),
    "no_cultivator": ("积极分子未落实培养联系人", "B-3"),
    "candidate_eligible": ("可确定为发展对象", "B-5"),
    "approval": ("上级党委审批", "B-8"),
    "conversion": ("预备党员转正", "B-9"),
}

# A half-yearly review is listed from this many days before it is due.
REVIEW_WARNING_DAYS = 30


@dataclass(frozen=True)
class DueItem:
    kind: str  # a key of DUE_KINDS
    member: Member
    file: DevelopmentFile | None  # None for a registry activist without a file
    due_on: dt.date | None
    overdue: bool
    text: str  # one Chinese sentence: what is due, by when, which rule

    @property
    def label(self) -> str:
        return DUE_KINDS[self.kind][0]

    @property
    def rule(self) -> str:
        return DUE_KINDS[self.kind][1]


@dataclass(frozen=True)
class ChecklistRow:
    step: Step
    record: DevelopmentStep | None
    due_on: dt.date | None  # derived from the time rules when it can be
    earliest_on: dt.date | None  # the first day the rules allow it (e.g. ⑦ a year after ③)
    overdue: bool


class _Rules:
    """rules_for(year), once per year per call (one query per distinct year, not per file)."""

    def __init__(self) -> None:
        self._by_year: dict[int, RuleSet] = {}

    def __call__(self, year: int) -> RuleSet:
        if year not in self._by_year:
            self._by_year[year] = rules_for(year)
        return self._by_year[year]


def probation_end(file: DevelopmentFile, *, rules: RuleSet | None = None) -> dt.date | None:
    """The day the person can be converted: admission + probation months (+ extension).
    None before the 支部大会 vote (⑮). The probation months are those in force in the admission
    year unless `rules` is given."""
    if file.admitted_on is None:
        return None
    rules = rules or rules_for(file.admitted_on.year)
    return dev_rules.probation_end(
        file.admitted_on, rules.integer("development.probation_months"), file.extension_months
    )


def _steps_of(file: DevelopmentFile) -> dict[int, DevelopmentStep]:
    # Uses a prefetch of `steps` when the caller made one.
    return {s.number: s for s in file.steps.all()}


def checklist(file: DevelopmentFile, on: dt.date | None = None) -> list[ChecklistRow]:
    """The 25 rows of one file, in order. Queries: the steps (none when prefetched) and the rules."""
    on = on or today()
    recorded = _steps_of(file)
    rules = rules_for(on.year)
    dates = _rule_dates(file, recorded, rules, probation_end(file))
    is_open = file.stage in OPEN_STAGES
    rows = []
    for step in STEPS:
        record = recorded.get(step.number)
        due_on, earliest_on = dates.get(step.number, (None, None))
        overdue = is_open and record is None and due_on is not None and due_on < on
        rows.append(ChecklistRow(step, record, due_on, earliest_on, overdue))
    return rows


def _rule_dates(
    file: DevelopmentFile, recorded: dict[int, DevelopmentStep], rules: RuleSet, end: dt.date | None
) -> dict[int, tuple[dt.date | None, dt.date | None]]:
    """(due_on, earliest_on) per step where the time rules give them."""
    dates: dict[int, tuple[dt.date | None, dt.date | None]] = {
        2: (dev_rules.talk_due(file.applied_on, rules.integer("development.talk_months")), None)
    }
    if file.activist_on:
        earliest = dev_rules.candidate_earliest(
            file.activist_on, rules.integer("development.activist_months")
        )
        dates[7] = (None, earliest)
    if 15 in recorded:
        dates[17] = (
            dev_rules.approval_due(recorded[15].done_on, rules.integer("development.approval_months")),
            None,
        )
    if end is not None:
        dates[23] = (end, end)
    if 23 in recorded:
        dates[24] = (
            dev_rules.approval_due(recorded[23].done_on, rules.integer("development.approval_months")),
            None,
        )
    return dates


# ---------------------------------------------------------------------------------------------
# Due lists


def _sort_key(item: DueItem) -> tuple[bool, dt.date, str, int]:
    return (not item.overdue, item.due_on or dt.date.max, item.kind, item.member.pk)


def due_items(branches: Iterable[Organisation], on: dt.date | None = None) -> list[DueItem]:
    """Everything due or overdue in these branches on `on`, sorted by due date (overdue first).

    Queries (constant in the number of files): the open files with their members, their steps,
    their latest activist reviews, the activists without an open 培养联系人, the probationary
    members without a file, and the rules (one per distinct admission/joining year)."""
    on = on or today()
    branch_ids = [b.pk for b in branches]
    if not branch_ids:
        return []
    year_rules = _Rules()
    rules = year_rules(on.year)
    items: list[DueItem] = []
    files = list(
        DevelopmentFile.objects.filter(
            member__branch_id__in=branch_ids, member__is_active=True, stage__in=OPEN_STAGES
        )
        .select_related("member")
        .order_by("pk")
    )
    file_ids = [f.pk for f in files]
    steps: dict[int, dict[int, dt.date]] = defaultdict(dict)
    for file_id, number, done_on in DevelopmentStep.objects.filter(file_id__in=file_ids).values_list(
        "file_id", "number", "done_on"
    ):
        steps[file_id][number] = done_on
    last_review: dict[int, dt.date] = {}
    for file_id, reviewed_on in Review.objects.filter(
        file_id__in=file_ids, kind=Review.Kind.ACTIVIST
    ).values_list("file_id", "reviewed_on"):
        last_review[file_id] = max(reviewed_on, last_review.get(file_id, reviewed_on))
    for file in files:
        items.extend(_file_items(file, steps[file.pk], last_review.get(file.pk), on, rules, year_rules))
    items.extend(_activists_without_cultivator(branch_ids, {f.member_id: f for f in files}, on))
    items.extend(_probationary_without_file(branch_ids, on, rules, year_rules))
    return sorted(items, key=_sort_key)


def _file_items(
    file: DevelopmentFile,
    done: dict[int, dt.date],
    last_review_on: dt.date | None,
    on: dt.date,
    rules: RuleSet,
    year_rules: _Rules,
) -> list[DueItem]:
    member = file.member
    name = member.name
    found: list[DueItem] = []
    if set(done) == {1}:
        due = dev_rules.talk_due(file.applied_on, rules.integer("development.talk_months"))
        overdue = on > due
        state = "已逾期" if overdue else "请按时谈话"
        found.append(
            DueItem(
                "talk",
                member,
                file,
                due,
                overdue,
                f"{name}于{cn_date(file.applied_on)}递交入党申请，党组织应于{cn_date(due)}前派人谈话"
                f"（发展党员工作细则 B-2），{state}",
            )
        )
    if file.activist_on is not None and 17 not in done:
        due = dev_rules.review_due(
            file.activist_on, last_review_on, rules.integer("development.review_months")
        )
        if on >= due - dt.timedelta(days=REVIEW_WARNING_DAYS):
            overdue = on > due
            since = (
                f"上次考察为{cn_date(last_review_on)}" if last_review_on else "确定为入党积极分子后尚未考察"
            )
            found.append(
                DueItem(
                    "review",
                    member,
                    file,
                    due,
                    overdue,
                    f"{name}{since}，应于{cn_date(due)}前进行半年考察（发展党员工作细则 B-4）"
                    + ("，已逾期" if overdue else ""),
                )
            )
    if file.stage == Stage.ACTIVIST and file.activist_on is not None:
        earliest = dev_rules.candidate_earliest(
            file.activist_on, rules.integer("development.activist_months")
        )
        if on >= earliest:
            found.append(
                DueItem(
                    "candidate_eligible",
                    member,
                    file,
                    earliest,
                    False,
                    f"{name}自{cn_date(file.activist_on)}起任入党积极分子满"
                    f"{rules.integer('development.activist_months')}个月，{cn_date(earliest)}起可确定为发展对象"
                    "（发展党员工作细则 B-5）",
                )
            )
    approval_months = rules.integer("development.approval_months")
    for voted, approved, what in ((15, 17, "接收预备党员"), (23, 24, "预备党员转正")):
        if voted in done and approved not in done:
            due = dev_rules.approval_due(done[voted], approval_months)
            overdue = on > due
            found.append(
                DueItem(
                    "approval",
                    member,
                    file,
                    due,
                    overdue,
                    f"{name}的{what}已于{cn_date(done[voted])}经支部大会讨论，上级党委应于{cn_date(due)}前审批"
                    f"（发展党员工作细则 B-8）" + ("，已逾期" if overdue else ""),
                )
            )
    if file.stage == Stage.PROBATIONARY and 23 not in done and file.admitted_on is not None:
        end = probation_end(file, rules=year_rules(file.admitted_on.year))
        assert end is not None
        item = _conversion_item(member, file, end, on, rules)
        if item is not None:
            found.append(item)
    return found


def _conversion_item(
    member: Member, file: DevelopmentFile | None, end: dt.date, on: dt.date, rules: RuleSet
) -> DueItem | None:
    """Listed from `conversion_warning_days` before the end of probation; overdue from the day
    after it while the 支部大会 has not discussed the conversion (㉓)."""
    if on < end - dt.timedelta(days=rules.integer("development.conversion_warning_days")):
        return None
    overdue = on > end
    state = "已逾期，请及时召开支部大会讨论转正" if overdue else "请及时召开支部大会讨论转正"
    source = "" if file is not None else "（名册中的预备党员，未建立入党档案）"
    return DueItem(
        "conversion",
        member,
        file,
        end,
        overdue,
        f"{member.name}的预备期于{cn_date(end)}期满{source}，{state}（发展党员工作细则 B-9）",
    )


def _activists_without_cultivator(
    branch_ids: list[int], files_by_member: dict[int, DevelopmentFile], on: dt.date
) -> list[DueItem]:
    """Registry 入党积极分子 (with or without a file) with no current 培养联系人 (B-3). Someone whose
    file was closed (终止培养) is no longer being cultivated and is not listed."""
    open_cultivator = Sponsor.objects.filter(
        file__member=OuterRef("pk"), role=Sponsor.Role.CULTIVATOR, end_on__isnull=True
    )
    closed_file = DevelopmentFile.objects.filter(member=OuterRef("pk")).exclude(stage__in=OPEN_STAGES)
    members = (
        Member.objects.filter(branch_id__in=branch_ids, is_active=True, category=Category.ACTIVIST)
        .exclude(Exists(open_cultivator))
        .exclude(Exists(closed_file))
        .order_by("pk")
    )
    found = []
    for member in members:
        file = files_by_member.get(member.pk)
        since = f"自{cn_date(file.activist_on)}确定为入党积极分子，" if file and file.activist_on else ""
        found.append(
            DueItem(
                "no_cultivator",
                member,
                file,
                file.activist_on if file else None,
                True,
                f"入党积极分子{member.name}{since}尚未指定培养联系人，"
                "应指定1至2名正式党员（发展党员工作细则 B-3）",
            )
        )
    return found


def _probationary_without_file(
    branch_ids: list[int], on: dt.date, rules: RuleSet, year_rules: _Rules
) -> list[DueItem]:
    """Registry 预备党员 with no file (imported): probation ends `probation_months` after joining."""
    members = (
        Member.objects.filter(
            branch_id__in=branch_ids,
            is_active=True,
            category=Category.PROBATIONARY,
            joined_on__isnull=False,
        )
        .exclude(Exists(DevelopmentFile.objects.filter(member=OuterRef("pk"))))
        .order_by("pk")
    )
    found = []
    for member in members:
        assert member.joined_on is not None
        months = year_rules(member.joined_on.year).integer("development.probation_months")
        end = dev_rules.probation_end(member.joined_on, months)
        item = _conversion_item(member, None, end, on, rules)
        if item is not None:
            found.append(item)
    return found


def branch_summary(branches: Iterable[Organisation], on: dt.date | None = None) -> dict[int, Counter[str]]:
    """{branch id: Counter(stage)} of the files opened by `on` (all stages, closed ones too), for
    the index page. One query."""
    on = on or today()
    branch_ids = [b.pk for b in branches]
    summary: dict[int, Counter[str]] = {pk: Counter() for pk in branch_ids}
    rows = DevelopmentFile.objects.filter(member__branch_id__in=branch_ids, applied_on__lte=on).values_list(
        "member__branch_id", "stage"
    )
    for branch_id, stage in rows:
        summary[branch_id][stage] += 1
    return summary


def branch_files(branch: Organisation) -> QuerySet:
    """The branch's files with what the lists show, in a constant number of queries."""
    return (
        DevelopmentFile.objects.filter(member__branch=branch)
        .select_related("member__branch")
        .prefetch_related(
            Prefetch(
                "steps",
                queryset=DevelopmentStep.objects.select_related("meeting", "notice").order_by("number"),
            ),
            Prefetch(
                "sponsors",
                queryset=Sponsor.objects.select_related("member").order_by("role", "start_on", "id"),
            ),
            Prefetch("reviews", queryset=Review.objects.order_by("reviewed_on", "id")),
        )
        .order_by("applied_on", "id")
    )


def next_step(file: DevelopmentFile) -> Step | None:
    """The one step that can be recorded now (last recorded + 1), or None when the file is over.
    ㉕ 材料归档 still follows ㉔, which makes the person a full member (stage 已转正)."""
    number = max((s.number for s in file.steps.all()), default=0) + 1
    if number > LAST:
        return None
    if file.stage in OPEN_STAGES or (file.stage == Stage.FULL and number == LAST):
        return BY_NUMBER[number]
    return None
