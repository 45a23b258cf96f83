"""Reads of member development: each file's checklist of the 25 steps with due dates, and the due
lists of a set of branches (constant queries). INTERFACE (stubs to be filled in)."""

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from zhibu.development.models import DevelopmentFile, DevelopmentStep
from zhibu.development.steps import Step
from zhibu.members.models import Member
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


def checklist(file: DevelopmentFile, on: dt.date | None = None) -> list[ChecklistRow]:
    """The 25 rows of one file, in order."""
    raise NotImplementedError


def due_items(branches: Iterable[Organisation], on: dt.date | None = None) -> list[DueItem]:
    """Everything due or overdue in these branches on `on`, sorted by due date (overdue first)."""
    raise NotImplementedError


def probation_end(file: DevelopmentFile) -> dt.date | None:
    """The day the person can be converted: admission + probation months (+ extension)."""
    raise NotImplementedError
