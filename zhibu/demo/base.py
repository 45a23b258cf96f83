"""What every demo section shares: the password, the acting label written to the audit log, a
random generator per section, and lookups by 组织代码 and by the tags of the people plan.

A section is a function `load(demo) -> int` that creates what is missing and returns how many
records it created: 0 when its data is already there. Sections find their earlier data by
natural keys (组织代码, 公民身份号码, 用户名), never by database ids, so each one is idempotent on
its own and a new section (goals, meetings, dues…) can be appended without touching the others.
"""

import datetime as dt
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from zhibu.lib.dates import add_months, today

if TYPE_CHECKING:
    from zhibu.members.models import Member
    from zhibu.orgs.models import Organisation

# The one documented password of every demo account (README, `demo_logins`).
PASSWORD = "Zhibu@2026"
# Who the audit log names for the demo's writes.
ACTOR = "演示数据"
SEED = "zhibu-demo-2026"


@dataclass
class Demo:
    """The state shared by the sections of one run."""

    on: dt.date = field(default_factory=today)
    actor: str = ACTOR
    # Whatever a section computes once per run (the people plan…), by name.
    cache: dict[str, Any] = field(default_factory=dict)
    _orgs: dict[str, "Organisation"] = field(default_factory=dict)

    def rng(self, section: str) -> random.Random:
        """A generator of its own per section (string seeds are stable across processes), so adding
        a section never changes the data of the others."""
        return random.Random(f"{SEED}:{section}")

    def months_ago(self, months: int, day: int | None = None) -> dt.date:
        """A date `months` before the run date (on `day` of that month when given, never later
        than the run date): the warnings of the demo (term expired, due in 6 months…) hold
        whenever it is loaded."""
        value = add_months(self.on, -months)
        if day is not None:
            value = value.replace(day=min(day, 28))
        return min(value, self.on)

    def org(self, code: str) -> "Organisation":
        from zhibu.orgs.models import Organisation

        if code not in self._orgs:
            self._orgs[code] = Organisation.objects.get(code=code)
        return self._orgs[code]

    def member(self, tag: str) -> "Member":
        """The person of the people plan carrying `tag` (looked up by 公民身份号码)."""
        from zhibu.demo.people import tagged_id_number
        from zhibu.members.models import Member

        return Member.objects.select_related("branch", "group").get(id_number=tagged_id_number(self, tag))


@dataclass(frozen=True)
class Section:
    name: str
    load: Callable[[Demo], int]
