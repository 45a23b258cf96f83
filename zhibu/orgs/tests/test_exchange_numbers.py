"""import_orgs (SPEC §13): codes typed as numbers and dates with a time (contract review R1)."""

import datetime as dt
from typing import Any

from zhibu.orgs.exchange import import_orgs
from zhibu.orgs.models import Organisation
from zhibu.orgs.tests.test_exchange import lines, xlsx


def test_codes_typed_as_numbers_and_dates_with_a_time(db: Any) -> None:
    rows = [
        [100, "中共某某公司委员会", "党委", None, dt.datetime(2001, 7, 1, 8, 0)],  # noqa: DTZ001
        [101.0, "第一党支部", "党支部", 100, "2005-03-01"],
        ["1011", "第一党小组", "党小组", 101.0, None],
    ]
    result = import_orgs(xlsx(rows), actor=None)
    assert lines(result) == [] and result.created == 3
    tree = {o.code: (o.parent.code if o.parent else None, o.founded_on) for o in Organisation.objects.all()}
    assert tree == {
        "100": (None, dt.date(2001, 7, 1)),
        "101": ("100", dt.date(2005, 3, 1)),
        "1011": ("101", None),
    }
    again = import_orgs(xlsx(rows), actor=None)
    assert lines(again) == [] and (again.created, again.unchanged) == (0, 3)
