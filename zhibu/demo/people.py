"""About 200 fictional people for the demo tree (MEM-1): valid 公民身份号码 with real-looking
region codes, Chinese names, posts of a fuel-sales company, categories from 入党申请人 to 正式党员,
dues bases across every bracket, a few 流动党员 and one 失联党员.

The plan is computed first, as plain values, from a seeded generator; then the people missing from
the registry (matched by 公民身份号码) are registered through `member_create`. A person's number
depends only on the seed, never on the run date, so a second run finds everyone."""

import datetime as dt
import random
from dataclasses import dataclass, fields
from decimal import Decimal
from typing import Any

from zhibu.demo.base import Demo, Section
from zhibu.demo.orgs import GROUPS, TREE, group_code
from zhibu.demo.roster import (
    BRANCHES,
    DISTRICTS,
    ETHNIC_MINORITIES,
    FEMALE_CHARS,
    MALE_CHARS,
    MOBILE_DESTINATIONS,
    OFFICE_EDUCATION,
    POSTS,
    REGIONS,
    ROADS,
    SURNAMES,
    BranchPeople,
    Slot,
)
from zhibu.lib import idnumber
from zhibu.lib.dates import add_months, add_years
from zhibu.members import services
from zhibu.members.models import Category, DuesCategory, Member

# Full members joined before this date, whenever the demo is loaded (their numbers and dates must
# not depend on the run date; only recent events — probation, terms, history — are dated from it).
FULL_JOINED_BY = dt.date(2024, 6, 30)
FOUNDED = {plan.code: plan.founded_on for plan in TREE}


@dataclass
class PersonPlan:
    """One person as plain values: what `member_create` receives, plus where and since when."""

    branch: str
    group: str | None
    name: str
    gender: str
    birth_date: dt.date
    id_number: str
    ethnicity: str
    education: str
    category: str
    joined_on: dt.date | None
    converted_on: dt.date | None
    work_unit: str
    post: str
    phone: str
    address: str
    dues_category: str
    dues_base: Decimal | None
    start_on: dt.date
    tag: str = ""
    is_mobile: bool = False
    mobile_destination: str = ""
    is_lost_contact: bool = False
    lost_contact_on: dt.date | None = None

    def member_data(self) -> dict[str, Any]:
        """The keyword arguments of `member_create` (branch and group are looked up by code)."""
        return {f.name: getattr(self, f.name) for f in fields(self) if f.name not in _NOT_MEMBER_FIELDS}


_NOT_MEMBER_FIELDS = ("branch", "group", "start_on", "tag")


class _Planner:
    def __init__(self, demo: Demo) -> None:
        self.demo = demo
        self.rng: random.Random = demo.rng("people")
        self.names: set[str] = set()
        self.numbers: set[str] = set()
        self.destinations = iter(MOBILE_DESTINATIONS)
        # The brackets' edges appear once each (RULES C-3a): 3000.00 is 0.5%, 5000.00 is 1%…
        self.edge_bases = [Decimal("3000.00"), Decimal("5000.00"), Decimal("10000.00"), Decimal("3000.01")]

    def day_between(self, start: dt.date, end: dt.date) -> dt.date:
        span = max((end - start).days, 0)
        return start + dt.timedelta(days=self.rng.randint(0, span))

    def name(self, female: bool) -> str:
        while True:
            chars = FEMALE_CHARS if female else MALE_CHARS
            given = self.rng.choice(chars) + (self.rng.choice(chars) if self.rng.random() < 0.7 else "")
            name = self.rng.choice(SURNAMES) + given
            if name not in self.names:
                self.names.add(name)
                return name

    def id_number(self, birth: dt.date, gender: str) -> str:
        while True:
            number = idnumber.make(self.rng.choice(REGIONS), birth, self.rng.randint(0, 99), gender=gender)
            if number not in self.numbers:
                self.numbers.add(number)
                return number

    def person(self, code: str, spec: BranchPeople, slot: Slot, group_index: int | None) -> PersonPlan:
        rng, on = self.rng, self.demo.on
        female = slot.female if slot.female is not None else rng.random() < spec.female_share
        gender = idnumber.FEMALE if female else idnumber.MALE
        low, high = {"leader": (1966, 1975), "cadre": (1970, 1988), "retired": (1962, 1964)}.get(
            slot.level, spec.born
        )
        birth = self.day_between(dt.date(low, 1, 1), dt.date(high, 12, 31))
        category = slot.category
        joined = converted = None
        if category == Category.FULL:
            earliest = add_years(birth, 18 + rng.randint(3, 9 if slot.level in ("leader", "cadre") else 14))
            if earliest > FULL_JOINED_BY:  # the young: from a month after their 18th birthday
                earliest = add_years(birth, 18) + dt.timedelta(days=31)
            joined = self.day_between(earliest, min(add_years(earliest, 6), FULL_JOINED_BY))
            converted = add_years(joined, 1)
        elif category == Category.PROBATIONARY:
            months = 14 if slot.tag == "to-convert" else rng.randint(2, 11)
            joined = self.demo.months_ago(months, day=rng.randint(1, 28))
        retired = slot.level == "retired"
        party = category in (Category.FULL, Category.PROBATIONARY)
        base: Decimal | None = None
        if party:
            if retired:
                base = Decimal(rng.randrange(3500, 7200, 10))
            elif slot.level == "leader":
                base = Decimal(rng.randrange(12000, 15001, 50))
            elif slot.level == "cadre":
                base = Decimal(rng.randrange(6500, 11500, 50))
            elif self.edge_bases and rng.random() < 0.08:
                base = self.edge_bases.pop(0)
            else:
                base = Decimal(rng.randrange(spec.pay[0], spec.pay[1], 10))
            base = base.quantize(Decimal("0.01"))
        units = GROUPS.get(code)
        group = group_code(code, group_index) if units and group_index is not None and party else None
        unit = (
            units[group_index][1]
            if units and group_index is not None
            else next(p.unit_name for p in TREE if p.code == code)
        )
        work_unit = "东江石油销售有限公司" if slot.level == "leader" else unit
        since = add_months(on, -rng.randint(3, 40))
        start = max(FOUNDED[code], joined or since)
        destination = next(self.destinations) if slot.mobile else ""
        lost_on = self.demo.months_ago(11, day=rng.randint(1, 28)) if slot.lost_contact else None
        return PersonPlan(
            branch=code,
            group=group,
            name=self.name(female),
            gender=gender,
            birth_date=birth,
            id_number=self.id_number(birth, gender),
            ethnicity=rng.choice(ETHNIC_MINORITIES) if rng.random() < 0.06 else "汉族",
            education=rng.choice(OFFICE_EDUCATION if slot.level == "leader" else spec.education),
            category=category,
            joined_on=joined,
            converted_on=converted,
            work_unit=work_unit,
            post=slot.post,
            phone=f"13{rng.randint(0, 9)}{rng.randint(0, 99999999):08d}",
            address=f"东江市{rng.choice(DISTRICTS)}{rng.choice(ROADS)}{rng.randint(1, 399)}号",
            dues_category=DuesCategory.RETIRED if retired else DuesCategory.EMPLOYED,
            dues_base=base,
            start_on=min(start, on),
            tag=slot.tag,
            is_mobile=slot.mobile,
            mobile_destination=destination,
            is_lost_contact=slot.lost_contact,
            lost_contact_on=lost_on,
        )

    def branch(self, code: str, spec: BranchPeople) -> list[PersonPlan]:
        slots = list(spec.slots)
        remaining = dict(spec.counts)
        for slot in slots:
            remaining[slot.category] -= 1
        pool = POSTS[code]
        for category, count in remaining.items():
            slots += [Slot(self.rng.choice(pool), category=category, level="staff") for _ in range(count)]
        groups = len(GROUPS.get(code, ()))
        people = []
        for slot in slots:
            index = slot.group if slot.group is not None else (self.rng.randrange(groups) if groups else None)
            people.append(self.person(code, spec, slot, index))
        return people


def people_plan(demo: Demo) -> list[PersonPlan]:
    """Everyone of the demo, in a stable order (cached per run)."""
    if "people" not in demo.cache:
        planner = _Planner(demo)
        demo.cache["people"] = [
            person for code, spec in BRANCHES.items() for person in planner.branch(code, spec)
        ]
    return demo.cache["people"]


def tagged_id_number(demo: Demo, tag: str) -> str:
    return next(person.id_number for person in people_plan(demo) if person.tag == tag)


def seat_candidates(demo: Demo, code: str) -> list[str]:
    """公民身份号码 of the branch's untagged full members in plan order (heads of department and
    station managers first): the committees take their members from the front."""
    return [
        p.id_number
        for p in people_plan(demo)
        if p.branch == code and p.category == Category.FULL and not p.tag
    ]


def load(demo: Demo) -> int:
    plan = people_plan(demo)
    existing = set(
        Member.objects.filter(id_number__in=[p.id_number for p in plan]).values_list("id_number", flat=True)
    )
    created = 0
    for person in plan:
        if person.id_number in existing:
            continue
        services.member_create(
            actor=demo.actor,
            start_on=person.start_on,
            reason="建册登记",
            branch=demo.org(person.branch),
            group=demo.org(person.group) if person.group else None,
            **person.member_data(),
        )
        created += 1
    return created


SECTION = Section("党员", load)
