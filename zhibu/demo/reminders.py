"""Last of the demo: the reminders the daily `send_reminders` would have created, so that a
newcomer sees the bell and the inbox filled. The meeting gaps of the demo year (a missed 支委会, a
missed 党课…) are reminded as the job would have on the first day of each following month —
only for runs whose month and quarter lie inside the demo's year of meetings (`demo.meetings`:
the twelve months ending with the run date's month), since before it the demo records nothing.
Then everything due on the demo's date (terms, mobile reports, goals). Idempotent like the
command itself; no e-mail is sent."""

from zhibu.demo.base import Demo, Section
from zhibu.lib.dates import add_months


def load(demo: Demo) -> int:
    from zhibu.meetings.compliance import quarter_bounds
    from zhibu.notifications.services import (
        missing_meetings,
        quarter_before,
        reminders_create,
        reminders_send,
    )

    first_recorded = add_months(demo.on.replace(day=1), -11)
    created = 0
    for months_back in range(10, 0, -1):
        run_on = add_months(demo.on.replace(day=1), -months_back)
        if quarter_bounds(*quarter_before(run_on))[0] < first_recorded:
            continue
        created += sum(reminders_create(missing_meetings(run_on), email=False).values())
    return created + sum(reminders_send(on=demo.on, email=False).values())


SECTION = Section("提醒", load)
