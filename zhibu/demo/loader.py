"""Runs the demo sections in order, in one transaction. Later issues append their sections (goals,
meetings, dues…) to `SECTIONS`; each must be idempotent on its own (see `base`)."""

import datetime as dt

from django.db import transaction

from zhibu.demo import (
    accounts,
    assessment,
    committees,
    development,
    dues,
    funds,
    goals,
    history,
    meetings,
    orgs,
    people,
    records,
)
from zhibu.demo.base import Demo, Section

SECTIONS: list[Section] = [
    orgs.SECTION,
    people.SECTION,
    committees.SECTION,
    history.SECTION,
    accounts.SECTION,
    goals.SECTION,
    assessment.SECTION,
    records.SECTION,
    meetings.SECTION,
    development.SECTION,  # after records: it adds the 发展对象 trainings the others' records skip
    dues.SECTION,
    funds.SECTION,
]


@transaction.atomic
def load_demo(*, on: dt.date | None = None) -> list[tuple[str, int]]:
    """Create whatever of the demo is missing; returns (section, records created) in order."""
    demo = Demo(on=on) if on is not None else Demo()
    from zhibu.demo import reminders  # after every section: reminds of what the demo left due

    return [(section.name, section.load(demo)) for section in [*SECTIONS, reminders.SECTION]]
