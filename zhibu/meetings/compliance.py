"""The compliance calendar of organisational life (ACT-3; RULES A-5…A-9; SPEC §8 definitions).

Two layers. The pure part takes the facts of one branch and one year (its meetings with their
attendance counts, its groups, the start dates of its committees) and returns the calendar: for
each required kind and each month, quarter or the year, whether it was met, and the year's
attendance figures. The query part (`load_years`) reads those facts for any number of branches in
a constant number of queries, so the all-branches page costs the same for 3 or 2,000 branches.

Definitions (SPEC §8, exact):
- A month or quarter "without" a kind: no meeting of that kind of that branch *dated* in it (dates
  are Asia/Shanghai calendar dates). Records dated after 31 Dec never count for the year; records
  dated after the day the calendar is computed for (`on`) are not known yet. A month or quarter
  not yet ended is 进行中 (or 未到期 when it has not begun), never 缺.
- 支委会 is required in a month only when the branch has a committee then, and SPEC §8 defines a
  branch without a committee as one of fewer than 7 full members (RULES A-2; the number is the
  setting `committee.required_from_full_members`). So the test is the count of 正式党员 placed in
  the branch on the month's first day (their placement and 人员类别 history), not the committee
  records: a branch of 7 or more full members owes a 支委会 every month even before its committee
  is recorded, and one of fewer owes none even if a committee (a secretary) is recorded. A
  branch that reaches 7 full members mid-month owes 支委会 from the following month.
- 党小组会: one per month of each of the branch's groups that existed on the month's first day
  (`founded_on`/`dissolved_on`; an unknown founding date counts as always).
- Attendance rate: over the year's 党员大会, 党小组会 (of the branch's groups) and 党课 of the
  branch, present / expected — one pooled ratio, never a mean of per-meeting ratios; a percentage
  rounded half-up to 2 places. The expected are the attendance rows, which `meeting_record`
  writes for exactly the members expected on the meeting date.
- An absence without make-up: at those same meetings, an expected member marked 请假 or 缺席 with
  no 补课 dated by the end of the year (a make-up dated after 31 Dec does not count for the year).
- 民主评议 participation: present / expected pooled over the year's 民主评议党员 meetings.
"""

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum
from typing import Any

from django.db.models import Count, Q

from zhibu.meetings.models import ATTENDANCE_RATE_KINDS, Attendance, Kind, Meeting
from zhibu.members.models import Category, Placement, StatusChange
from zhibu.orgs.models import Organisation

MONTHS = range(1, 13)
QUARTERS = range(1, 5)
HUNDRED = Decimal(100)
CENT = Decimal("0.01")


class State(StrEnum):
    MET = "met"
    MISSING = "missing"
    CURRENT = "current"  # the period is running and nothing is recorded yet
    FUTURE = "future"  # the period has not begun
    NOT_APPLICABLE = "not_applicable"


STATE_LABELS = {
    State.MET: "✓",
    State.MISSING: "缺",
    State.CURRENT: "进行中",
    State.FUTURE: "未到期",
    State.NOT_APPLICABLE: "不适用",
}
STATE_CSS = {
    State.MET: "success",
    State.MISSING: "danger",
    State.CURRENT: "secondary",
    State.FUTURE: "light",
    State.NOT_APPLICABLE: "light",
}


# --- the facts --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class MeetingFact:
    """A meeting with its attendance counted (`without_makeup`: 请假/缺席 with no 补课 dated by the
    end of the year)."""

    pk: int
    kind: str
    held_on: dt.date
    organisation_id: int
    topic: str = ""
    expected: int = 0
    present: int = 0
    without_makeup: int = 0

    @property
    def kind_label(self) -> str:
        return Kind(self.kind).label if self.kind in Kind.values else self.kind


@dataclass(frozen=True)
class GroupFact:
    pk: int
    name: str
    founded_on: dt.date | None = None
    dissolved_on: dt.date | None = None


@dataclass(frozen=True)
class BranchFacts:
    pk: int
    name: str
    code: str = ""
    founded_on: dt.date | None = None
    dissolved_on: dt.date | None = None
    groups: tuple[GroupFact, ...] = ()
    # 正式党员 of the branch on the first day of each month (January first); empty: none known.
    full_members: tuple[int, ...] = ()
    meetings: tuple[MeetingFact, ...] = ()

    def full_members_on_first_of(self, month: int) -> int:
        return self.full_members[month - 1] if len(self.full_members) >= month else 0


# --- calendar arithmetic ----------------------------------------------------------------------------


def month_bounds(year: int, month: int) -> tuple[dt.date, dt.date]:
    first = dt.date(year, month, 1)
    following = dt.date(year + month // 12, month % 12 + 1, 1)
    return first, following - dt.timedelta(days=1)


def quarter_bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    first, _ = month_bounds(year, 3 * quarter - 2)
    _, last = month_bounds(year, 3 * quarter)
    return first, last


def quarter_of(day: dt.date) -> int:
    return (day.month - 1) // 3 + 1


def existed_on(day: dt.date, founded_on: dt.date | None, dissolved_on: dt.date | None) -> bool:
    return (founded_on is None or founded_on <= day) and (dissolved_on is None or dissolved_on > day)


def has_committee(full_members: int, required_from: int = 7) -> bool:
    """SPEC §8 / RULES A-2: a branch has a committee when it has at least `required_from` full
    members; below that it has a secretary instead and owes no 支委会."""
    return full_members >= required_from


def period_state(*, first: dt.date, last: dt.date, on: dt.date, count: int, required: int = 1) -> State:
    if count >= required:
        return State.MET
    if on < first:
        return State.FUTURE
    if on <= last:
        return State.CURRENT
    return State.MISSING


def percent(part: int, whole: int) -> Decimal | None:
    """part / whole as a percentage, half-up to 2 places; None when nothing was expected."""
    if whole == 0:
        return None
    return (Decimal(part) * HUNDRED / Decimal(whole)).quantize(CENT, rounding=ROUND_HALF_UP)


# --- the calendar -------------------------------------------------------------------------------------


@dataclass
class Cell:
    state: State
    count: int = 0
    meetings: list[MeetingFact] = field(default_factory=list)
    span: int = 1  # month columns covered on the page (3 for a quarter, 12 for the year)
    period: str = ""  # "1月", "第一季度", "全年"

    @property
    def label(self) -> str:
        if self.state == State.MET and self.count > 1:
            return f"✓{self.count}"
        return STATE_LABELS[self.state]

    @property
    def css(self) -> str:
        return STATE_CSS[self.state]


@dataclass
class CalendarRow:
    kind: str
    title: str  # "支委会", "党小组会（第一党小组）"
    requirement: str  # "每月至少1次"
    cells: list[Cell]
    required: int = 1
    note: str = ""

    @property
    def missing(self) -> int:
        return sum(1 for cell in self.cells if cell.state == State.MISSING)

    @property
    def applicable(self) -> bool:
        return any(cell.state != State.NOT_APPLICABLE for cell in self.cells)

    @property
    def count(self) -> int:
        return sum(cell.count for cell in self.cells)


@dataclass(frozen=True)
class Ratio:
    part: int
    whole: int

    @property
    def percent(self) -> Decimal | None:
        return percent(self.part, self.whole)


@dataclass
class BranchYear:
    branch: BranchFacts
    year: int
    on: dt.date
    monthly: list[CalendarRow]
    quarterly: list[CalendarRow]
    yearly: list[CalendarRow]
    attendance: Ratio
    absences_without_makeup: int
    review_participation: Ratio
    attendance_min_percent: Decimal = Decimal(90)

    @property
    def rows(self) -> list[CalendarRow]:
        return [*self.monthly, *self.quarterly, *self.yearly]

    def row(self, kind: str) -> CalendarRow | None:
        return next((r for r in self.rows if r.kind == kind), None)

    def missing(self, kind: str) -> int:
        return sum(r.missing for r in self.rows if r.kind == kind)

    @property
    def missing_total(self) -> int:
        return sum(r.missing for r in self.rows)

    @property
    def has_committee(self) -> bool:
        row = self.row(Kind.COMMITTEE_MEETING)
        return row is not None and row.applicable

    @property
    def attendance_low(self) -> bool:
        rate = self.attendance.percent
        return rate is not None and rate < self.attendance_min_percent

    @property
    def meetings(self) -> list[MeetingFact]:
        return sorted(self.branch.meetings, key=lambda m: (m.held_on, m.pk))


MONTHLY_KINDS = (Kind.COMMITTEE_MEETING, Kind.GROUP_MEETING, Kind.THEME_DAY)
QUARTERLY_KINDS = (Kind.GENERAL_MEETING, Kind.PARTY_LESSON)
# Kind → (requirement text, how many a year); RULES, SPEC ACT-3, §8 items 8, 13, 14, 15.
YEARLY_KINDS = (
    Kind.ORGANISATIONAL_LIFE_MEETING,
    Kind.MEMBER_REVIEW,
    Kind.DEMOCRATIC_LIFE_MEETING,
    Kind.HEART_TO_HEART_TALK,
    Kind.WARNING_EDUCATION,
    Kind.FEATURED_ACTIVITY,
)
CN_QUARTERS = ("第一季度", "第二季度", "第三季度", "第四季度")


def _in_year(meetings: Iterable[MeetingFact], year: int, on: dt.date) -> list[MeetingFact]:
    return [m for m in meetings if m.held_on.year == year and m.held_on <= on]


def _monthly_row(
    *,
    kind: str,
    title: str,
    year: int,
    on: dt.date,
    meetings: Sequence[MeetingFact],
    applies: Any,
    note: str = "",
) -> CalendarRow:
    cells = []
    for month in MONTHS:
        first, last = month_bounds(year, month)
        found = [m for m in meetings if first <= m.held_on <= last]
        if not applies(first):
            cells.append(Cell(State.NOT_APPLICABLE, len(found), found, period=f"{month}月"))
            continue
        state = period_state(first=first, last=last, on=on, count=len(found))
        cells.append(Cell(state, len(found), found, period=f"{month}月"))
    return CalendarRow(kind, title, "每月至少1次", cells, note=note)


def branch_year(
    facts: BranchFacts,
    *,
    year: int,
    on: dt.date,
    featured_min: int = 2,
    attendance_min_percent: Decimal = Decimal(90),
    committee_from_full_members: int = 7,
) -> BranchYear:
    """The calendar of one branch for one year, as known on `on` (see the module doc)."""
    meetings = _in_year(facts.meetings, year, on)
    by_kind: dict[str, list[MeetingFact]] = defaultdict(list)
    for meeting in meetings:
        by_kind[meeting.kind].append(meeting)

    def branch_exists(day: dt.date) -> bool:
        return existed_on(day, facts.founded_on, facts.dissolved_on)

    def committee_applies(day: dt.date) -> bool:
        full = facts.full_members_on_first_of(day.month)
        return branch_exists(day) and has_committee(full, committee_from_full_members)

    committee_months = [m for m in MONTHS if committee_applies(dt.date(year, m, 1))]
    if not committee_months:
        committee_note = (
            f"正式党员不足{committee_from_full_members}人，不设支委会（规则 A-2），不要求召开支委会"
        )
    elif len(committee_months) < 12:
        committee_note = (
            f"正式党员达到{committee_from_full_members}人的月份要求召开支委会（规则 A-2），其余月份不要求"
        )
    else:
        committee_note = ""

    monthly = [
        _monthly_row(
            kind=Kind.COMMITTEE_MEETING,
            title=Kind.COMMITTEE_MEETING.label,
            year=year,
            on=on,
            meetings=[m for m in by_kind[Kind.COMMITTEE_MEETING] if m.organisation_id == facts.pk],
            applies=committee_applies,
            note=committee_note,
        )
    ]
    for group in facts.groups:

        def group_applies(day: dt.date, group: GroupFact = group) -> bool:
            return branch_exists(day) and existed_on(day, group.founded_on, group.dissolved_on)

        monthly.append(
            _monthly_row(
                kind=Kind.GROUP_MEETING,
                title=f"党小组会（{group.name}）",
                year=year,
                on=on,
                meetings=[m for m in by_kind[Kind.GROUP_MEETING] if m.organisation_id == group.pk],
                applies=group_applies,
            )
        )
    monthly.append(
        _monthly_row(
            kind=Kind.THEME_DAY,
            title=Kind.THEME_DAY.label,
            year=year,
            on=on,
            meetings=by_kind[Kind.THEME_DAY],
            applies=branch_exists,
        )
    )

    quarterly = []
    for kind in QUARTERLY_KINDS:
        cells = []
        for quarter in QUARTERS:
            first, last = quarter_bounds(year, quarter)
            found = [m for m in by_kind[kind] if first <= m.held_on <= last]
            state = (
                period_state(first=first, last=last, on=on, count=len(found))
                if branch_exists(first)
                else State.NOT_APPLICABLE
            )
            cells.append(Cell(state, len(found), found, span=3, period=CN_QUARTERS[quarter - 1]))
        quarterly.append(CalendarRow(kind, Kind(kind).label, "每季度至少1次", cells))

    yearly = []
    year_first, year_last = dt.date(year, 1, 1), dt.date(year, 12, 31)
    exists_in_year = facts.founded_on is None or facts.founded_on <= year_last
    for kind in YEARLY_KINDS:
        required = featured_min if kind == Kind.FEATURED_ACTIVITY else 1
        found = by_kind[kind]
        state = (
            period_state(first=year_first, last=year_last, on=on, count=len(found), required=required)
            if exists_in_year
            else State.NOT_APPLICABLE
        )
        cell = Cell(state, len(found), list(found), span=12, period="全年")
        yearly.append(CalendarRow(kind, Kind(kind).label, f"每年至少{required}次", [cell], required=required))

    counted = [m for m in meetings if m.kind in ATTENDANCE_RATE_KINDS]
    reviews = by_kind[Kind.MEMBER_REVIEW]
    return BranchYear(
        branch=facts,
        year=year,
        on=on,
        monthly=monthly,
        quarterly=quarterly,
        yearly=yearly,
        attendance=Ratio(sum(m.present for m in counted), sum(m.expected for m in counted)),
        absences_without_makeup=sum(m.without_makeup for m in counted),
        review_participation=Ratio(sum(m.present for m in reviews), sum(m.expected for m in reviews)),
        attendance_min_percent=attendance_min_percent,
    )


# --- the queries feeding it ---------------------------------------------------------------------------


def meeting_facts(meetings: Any, *, year: int, on: dt.date) -> list[tuple[int, int | None, MeetingFact]]:
    """(organisation id, its parent id, fact) for a Meeting queryset, in one query: the attendance
    is counted by the database."""
    cutoff = min(dt.date(year, 12, 31), on)
    absent = ~Q(attendances__status=Attendance.Status.PRESENT)
    no_makeup = Q(attendances__makeup_on__isnull=True) | Q(attendances__makeup_on__gt=cutoff)
    rows = (
        meetings.filter(held_on__year=year, held_on__lte=on)
        .annotate(
            n_expected=Count("attendances"),
            n_present=Count("attendances", filter=Q(attendances__status=Attendance.Status.PRESENT)),
            n_without_makeup=Count("attendances", filter=absent & no_makeup),
        )
        .values_list(
            "pk",
            "kind",
            "held_on",
            "organisation_id",
            "organisation__parent_id",
            "topic",
            "n_expected",
            "n_present",
            "n_without_makeup",
        )
        .order_by("held_on", "pk")
    )
    return [
        (org_id, parent_id, MeetingFact(pk, kind, held_on, org_id, topic, expected, present, missing))
        for pk, kind, held_on, org_id, parent_id, topic, expected, present, missing in rows
    ]


def full_member_counts(branch_ids: Sequence[int], *, year: int) -> dict[int, tuple[int, ...]]:
    """For each branch, its number of 正式党员 on the first day of each month of `year` (SPEC §8,
    RULES A-2), in one query: the placements in the branches that overlap the year, each with its
    member's 人员类别 changes (the category on a day is the last change on or before it)."""
    firsts = [dt.date(year, month, 1) for month in MONTHS]
    rows = (
        Placement.objects.filter(branch_id__in=branch_ids, start_on__lte=firsts[-1])
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=firsts[0]))
        .filter(
            member__status_changes__field=StatusChange.Field.CATEGORY,
            member__status_changes__effective_on__lte=firsts[-1],
        )
        .values_list(
            "pk",
            "branch_id",
            "member_id",
            "start_on",
            "end_on",
            "member__status_changes__effective_on",
            "member__status_changes__id",
            "member__status_changes__new_value",
        )
    )
    placements: dict[int, tuple[int, int, dt.date, dt.date | None]] = {}
    changes: dict[int, list[tuple[dt.date, int, str]]] = defaultdict(list)
    for pk, branch_id, member_id, start_on, end_on, effective_on, change_id, value in rows:
        placements[pk] = (branch_id, member_id, start_on, end_on)
        changes[pk].append((effective_on, change_id, value))
    full: dict[int, list[set[int]]] = defaultdict(lambda: [set() for _ in MONTHS])
    for pk, (branch_id, member_id, start_on, end_on) in placements.items():
        history = sorted(changes[pk])
        for index, first in enumerate(firsts):
            if not (start_on <= first and (end_on is None or end_on > first)):
                continue
            latest = [value for effective_on, _, value in history if effective_on <= first]
            if latest and latest[-1] == Category.FULL:
                full[branch_id][index].add(member_id)
    return {branch_id: tuple(len(members) for members in months) for branch_id, months in full.items()}


def load_facts(branches: Sequence[Organisation], *, year: int, on: dt.date) -> list[BranchFacts]:
    """The facts of `branches` for `year` in three queries whatever their number: their groups,
    their committees' term starts, and their meetings (of the branch or of its groups) with the
    attendance counted."""
    ids = [b.pk for b in branches]
    if not ids:
        return []
    groups: dict[int, list[GroupFact]] = defaultdict(list)
    for group in Organisation.objects.filter(kind=Organisation.Kind.GROUP, parent_id__in=ids).order_by(
        "sort_order", "code"
    ):
        assert group.parent_id is not None
        groups[group.parent_id].append(GroupFact(group.pk, group.name, group.founded_on, group.dissolved_on))
    full_members = full_member_counts(ids, year=year)
    wanted = set(ids)
    meetings: dict[int, list[MeetingFact]] = defaultdict(list)
    queryset = Meeting.objects.filter(Q(organisation_id__in=ids) | Q(organisation__parent_id__in=ids))
    for org_id, parent_id, fact in meeting_facts(queryset, year=year, on=on):
        # a 党小组会 is its group's branch's; any other kind counts only when held by the branch itself
        branch_id = parent_id if fact.kind == Kind.GROUP_MEETING else org_id
        if branch_id in wanted:
            meetings[branch_id].append(fact)
    return [
        BranchFacts(
            pk=b.pk,
            name=b.name,
            code=b.code,
            founded_on=b.founded_on,
            dissolved_on=b.dissolved_on,
            groups=tuple(groups[b.pk]),
            full_members=full_members.get(b.pk, ()),
            meetings=tuple(meetings[b.pk]),
        )
        for b in branches
    ]


def load_years(branches: Sequence[Organisation], *, year: int, on: dt.date) -> list[BranchYear]:
    """The calendars of `branches` for `year` (four queries: the rules and the facts)."""
    from zhibu.lib.rules import rules_for

    rules = rules_for(year)
    featured_min = rules.integer("meetings.featured_activities_min")
    attendance_min = rules.decimal("meetings.attendance_min_percent")
    committee_from = rules.integer("committee.required_from_full_members")
    return [
        branch_year(
            facts,
            year=year,
            on=on,
            featured_min=featured_min,
            attendance_min_percent=attendance_min,
            committee_from_full_members=committee_from,
        )
        for facts in load_facts(branches, year=year, on=on)
    ]


# --- one line per branch (the all-branches page and its export) ----------------------------------------


@dataclass(frozen=True)
class Figure:
    text: str
    css: str = ""  # "danger" when short of the requirement


def _yearly_figure(row: CalendarRow | None) -> Figure:
    if row is None or not row.applicable:
        return Figure("不适用")
    cell = row.cells[0]
    count = f"{cell.count}/{row.required}" if row.required > 1 else (f"{cell.count}次" if cell.count else "")
    if cell.state == State.MET:
        return Figure(f"✓ {count}")
    if cell.state == State.MISSING:
        return Figure(f"缺 {count}".strip(), "danger")
    return Figure(f"{STATE_LABELS[cell.state]} {count}".strip())


def _missing_figure(year: BranchYear, kind: str, unit: str) -> Figure:
    rows = [r for r in year.rows if r.kind == kind and r.applicable]
    if not rows:
        return Figure("不适用")
    missing = sum(r.missing for r in rows)
    return Figure(f"缺{missing}{unit}", "danger") if missing else Figure("✓")


def _ratio_figure(ratio: Ratio, minimum: Decimal | None = None) -> Figure:
    rate = ratio.percent
    if rate is None:
        return Figure("—")
    low = minimum is not None and rate < minimum
    return Figure(f"{rate}%（{ratio.part}/{ratio.whole}）", "danger" if low else "")


OVERVIEW_HEADERS = (
    "支委会（每月）",
    "党小组会（每组每月）",
    "主题党日（每月）",
    "党员大会（每季）",
    "党课（每季）",
    "组织生活会",
    "民主评议党员",
    "民主生活会",
    "谈心谈话",
    "警示教育",
    "特色活动",
    "出勤率",
    "缺勤未补课（人次）",
    "民主评议参评率",
)


def overview_figures(year: BranchYear) -> list[Figure]:
    """The branch's line on the all-branches page, in the order of `OVERVIEW_HEADERS`."""
    return [
        _missing_figure(year, Kind.COMMITTEE_MEETING, "个月"),
        _missing_figure(year, Kind.GROUP_MEETING, "个组月"),
        _missing_figure(year, Kind.THEME_DAY, "个月"),
        _missing_figure(year, Kind.GENERAL_MEETING, "个季度"),
        _missing_figure(year, Kind.PARTY_LESSON, "个季度"),
        *(_yearly_figure(year.row(kind)) for kind in YEARLY_KINDS),
        _ratio_figure(year.attendance, year.attendance_min_percent),
        Figure(str(year.absences_without_makeup), "danger" if year.absences_without_makeup else ""),
        _ratio_figure(year.review_participation, HUNDRED),
    ]
