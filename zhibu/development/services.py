"""Writes of member development (DEV-1…6). Every write validates with `zhibu.development.rules`,
changes the registry through `zhibu.members.services` and writes an audit event, in one transaction.

INTERFACE (stubs to be filled in): views, API, imports and the demo call exactly these.
"""

import datetime as dt
from collections.abc import Sequence
from typing import Any

from zhibu.development.models import DevelopmentFile, DevelopmentStep, Review, Sponsor
from zhibu.meetings.models import Meeting, Notice
from zhibu.members.models import Member


def file_open(
    *, actor: Any, member: Member, applied_on: dt.date, basis: str = "", note: str = ""
) -> DevelopmentFile:
    """Open the 入党档案 of `member` (active, 人员类别 not 正式/预备, no file yet) and record step ①
    on `applied_on` (B-1: at least `development.min_age` years old on that day)."""
    raise NotImplementedError


def step_record(
    *,
    actor: Any,
    file: DevelopmentFile,
    number: int,
    done_on: dt.date,
    meeting: Meeting | None = None,
    basis: str = "",
    notice: Notice | None = None,
    people: Sequence[Member] = (),
    late_reason: str = "",
    note: str = "",
) -> DevelopmentStep:
    """Record step `number` (only the next one: last recorded + 1) with its decision. `people` are
    the 培养联系人 for ⑤ (1–2) or the 入党介绍人 for ⑨ (exactly 2). Refused (ValidationError with
    {field: [Chinese message naming the rule]}) when a rule of RULES §B is broken."""
    raise NotImplementedError


def sponsor_replace(*, actor: Any, sponsor: Sponsor, member: Member, on: dt.date, reason: str) -> Sponsor:
    """Replace a 培养联系人 or 入党介绍人 from `on` (the old row gets end_on, a new row starts)."""
    raise NotImplementedError


def review_record(
    *,
    actor: Any,
    file: DevelopmentFile,
    kind: str,
    reviewed_on: dt.date,
    period_start: dt.date,
    period_end: dt.date,
    performance: str,
    cultivator_opinion: str = "",
    branch_opinion: str = "",
) -> Review:
    """A 考察 entry: kind `activist` while 积极分子/发展对象 (steps ③…⑰), `probationary` while 预备党员."""
    raise NotImplementedError


def probation_extend(
    *,
    actor: Any,
    file: DevelopmentFile,
    months: int,
    decided_on: dt.date,
    meeting: Meeting | None,
    basis: str,
) -> DevelopmentFile:
    """延长预备期 once, 6–12 months, by 支部大会 on or after the end of probation (B-9)."""
    raise NotImplementedError


def probation_cancel(
    *,
    actor: Any,
    file: DevelopmentFile,
    decided_on: dt.date,
    meeting: Meeting | None,
    basis: str,
    reason: str,
) -> DevelopmentFile:
    """取消预备党员资格 by 支部大会 (B-9): the person leaves the registry (党籍状态 出党, history kept)."""
    raise NotImplementedError


def file_close(*, actor: Any, file: DevelopmentFile, closed_on: dt.date, reason: str) -> DevelopmentFile:
    """终止培养 of an applicant, activist or 发展对象 (withdrawn, moved away, not suitable)."""
    raise NotImplementedError
