import datetime as dt
import itertools
from typing import Any

from zhibu.lib import idnumber
from zhibu.members import services
from zhibu.members.models import Member
from zhibu.orgs.models import Organisation

_sequence = itertools.count(1)


def make_id_number(birth: dt.date = dt.date(1985, 6, 15), *, gender: str = idnumber.MALE) -> str:
    n = next(_sequence)
    region = f"{110101 + (n // 100) % 800:06d}"
    return idnumber.make(region, birth, n % 100, gender=gender)


def make_member(
    branch: Organisation,
    name: str | None = None,
    *,
    category: str = "full",
    group: Organisation | None = None,
    birth: dt.date = dt.date(1985, 6, 15),
    gender: str = idnumber.MALE,
    joined_on: dt.date | None = dt.date(2010, 7, 1),
    converted_on: dt.date | None = dt.date(2011, 7, 1),
    **extra: Any,
) -> Member:
    if category == "probationary":
        converted_on = None
    elif category not in ("full", "probationary"):
        joined_on = converted_on = None
    return services.member_create(
        actor=None,
        name=name or f"党员{next(_sequence)}",
        id_number=make_id_number(birth, gender=gender),
        category=category,
        branch=branch,
        group=group,
        joined_on=joined_on,
        converted_on=converted_on,
        **extra,
    )
