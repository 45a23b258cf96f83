"""Reads of the organisation tree: the visible tree in one query, and the checks of ORG-2 / RULES
A-1…A-4 for a branch (each warning names its rule)."""

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import Count, Q, QuerySet

from zhibu.accounts.scoping import orgs_for
from zhibu.lib.dates import add_months, cn_date, today
from zhibu.lib.rules import RuleSet, rules_for
from zhibu.members.models import Category, Member
from zhibu.orgs.models import CORE_POSTS, BranchCommittee, CommitteePost, Organisation


@dataclass
class TreeNode:
    org: Organisation
    children: list["TreeNode"] = field(default_factory=list)
    member_count: int = 0
    full_count: int = 0


def annotate_counts(qs: QuerySet) -> QuerySet:
    active = Q(members__is_active=True)
    return qs.annotate(
        member_count=Count("members", filter=active & Q(members__category__in=["full", "probationary"])),
        full_count=Count("members", filter=active & Q(members__category="full")),
    )


def visible_tree(user: Any, *, include_inactive: bool = False) -> list[TreeNode]:
    """The subtrees the user may see, as nested nodes; one query whatever the size."""
    qs = orgs_for(user, "orgs.view")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    orgs = list(annotate_counts(qs).order_by("depth", "sort_order", "code"))
    nodes = {o.pk: TreeNode(o, member_count=o.member_count, full_count=o.full_count) for o in orgs}
    roots: list[TreeNode] = []
    for org in orgs:
        node = nodes[org.pk]
        parent = nodes.get(org.parent_id) if org.parent_id else None
        (parent.children if parent else roots).append(node)

    # Roll branch counts up to 党总支 and 党委.
    def total(node: TreeNode) -> tuple[int, int]:
        for child in node.children:
            m, f = total(child)
            if node.org.kind != Organisation.Kind.BRANCH:
                node.member_count += m
                node.full_count += f
        return node.member_count, node.full_count

    for root in roots:
        total(root)
    return roots


@dataclass(frozen=True)
class Warning:
    level: str  # "danger" | "warning" | "info"
    message: str
    rule: str


def committee_warnings(
    organisation: Organisation,
    committee: BranchCommittee | None,
    seats: list[Any],
    full_count: int,
    member_count: int,
    on: dt.date | None = None,
    rules: RuleSet | None = None,
) -> list[Warning]:
    """ORG-2 with RULES A-1…A-4. Pure but for the rules: takes the records (and the rules in force,
    loaded once by callers that loop), returns the warnings."""
    on = on or today()
    rules = rules or rules_for(on.year)
    rule_int = rules.integer
    out: list[Warning] = []
    if organisation.kind == Organisation.Kind.GROUP:
        return out  # a 党小组 has neither a committee nor the branch size rules
    if organisation.kind == Organisation.Kind.BRANCH:
        minimum = rule_int("branch.min_full_members")
        if full_count < minimum:
            out.append(
                Warning("danger", f"正式党员{full_count}人，少于{minimum}人，不符合成立党支部的条件", "A-1")
            )
        maximum = rule_int("branch.max_members")
        if member_count > maximum:
            out.append(Warning("warning", f"党员{member_count}人，超过{maximum}人，一般应分设党支部", "A-1"))
    body = "支部委员会" if organisation.kind == Organisation.Kind.BRANCH else "委员会"
    needs_committee = full_count >= rule_int("committee.required_from_full_members")
    if committee is None:
        if needs_committee:
            out.append(Warning("danger", f"正式党员{full_count}人（≥7），应选举产生{body}", "A-2"))
        return out
    if committee.term_end < on:
        out.append(Warning("danger", f"委员会任期已于{cn_date(committee.term_end)}届满，应按期换届", "A-3"))
    else:
        months = rule_int("committee.expiry_warning_months")
        # Counted back from the term end, so that a term ending on 31 August warns from 28/29 February.
        if on >= add_months(committee.term_end, -months):
            out.append(
                Warning("warning", f"委员会任期将于{cn_date(committee.term_end)}届满，请做好换届准备", "A-3")
            )
    open_seats = [s for s in seats if s.end_on is None]
    if needs_committee:
        size = len(open_seats)
        low, high = rule_int("committee.min_size"), rule_int("committee.max_size")
        if size < low or size > high:
            out.append(Warning("warning", f"委员会现有委员{size}人，一般应为{low}至5人，最多{high}人", "A-2"))
        filled = {s.post for s in open_seats}
        missing = [CommitteePost(p).label for p in CORE_POSTS if p not in filled]
        if missing:
            out.append(Warning("warning", f"委员会缺少：{'、'.join(missing)}", "ORG-2"))
    secretary = next((s for s in open_seats if s.post == CommitteePost.SECRETARY), None)
    if secretary is None:
        out.append(Warning("danger", "书记空缺", "ORG-2"))
    else:
        years = secretary.member.party_standing(on)
        minimum = rule_int("secretary.min_party_standing_years")
        if years is None or years < minimum:
            out.append(Warning("warning", f"书记{secretary.member.name}党龄不足{minimum}年", "A-4"))
    return out


@dataclass
class BranchOverview:
    organisation: Organisation
    committee: BranchCommittee | None
    seats: list[Any]
    past_committees: list[BranchCommittee]
    groups: list[Organisation]
    full_count: int
    member_count: int
    category_counts: dict[str, int]
    warnings: list[Warning]


def branch_overview(organisation: Organisation, *, on: dt.date | None = None) -> BranchOverview:
    committees = list(BranchCommittee.objects.filter(organisation=organisation).order_by("-term_start"))
    current = next((c for c in committees if c.is_current), None)
    seats = (
        list(current.seats.select_related("member").order_by("end_on", "post", "start_on")) if current else []
    )
    if organisation.kind == Organisation.Kind.GROUP:
        members = Member.objects.filter(group=organisation, is_active=True)
    else:
        members = Member.objects.filter(branch__path__startswith=organisation.path, is_active=True)
    counts = dict(members.values_list("category").annotate(n=Count("id")).values_list("category", "n"))
    full = counts.get(Category.FULL, 0)
    total = full + counts.get(Category.PROBATIONARY, 0)
    groups = list(
        annotate_counts(Organisation.objects.filter(parent=organisation, kind="group", is_active=True))
    )
    group_counts = dict(
        Member.objects.filter(group__in=groups, is_active=True, category__in=["full", "probationary"])
        .values_list("group")
        .annotate(n=Count("id"))
        .values_list("group", "n")
    )
    for group in groups:
        group.group_member_count = group_counts.get(group.pk, 0)
    return BranchOverview(
        organisation=organisation,
        committee=current,
        seats=seats,
        past_committees=[c for c in committees if not c.is_current],
        groups=groups,
        full_count=full,
        member_count=total,
        category_counts={label: counts.get(value, 0) for value, label in Category.choices},
        warnings=committee_warnings(organisation, current, seats, full, total, on),
    )


def branch_warnings_summary(user: Any, *, on: dt.date | None = None) -> dict[str, Any]:
    """For the org officer's home page: every visible branch with its committee warnings, computed
    from three queries whatever the number of branches."""
    from zhibu.orgs.models import CommitteeMember

    branches = list(annotate_counts(orgs_for(user, "orgs.view").filter(kind="branch", is_active=True)))
    committees = {
        c.organisation_id: c
        for c in BranchCommittee.objects.filter(organisation__in=branches, is_current=True)
    }
    seats: dict[int, list[Any]] = {}
    for seat in CommitteeMember.objects.filter(
        committee__in=committees.values(), end_on__isnull=True
    ).select_related("member", "committee"):
        seats.setdefault(seat.committee.organisation_id, []).append(seat)
    rows = []
    rules = rules_for((on or today()).year)
    for branch in branches:
        warnings = committee_warnings(
            branch,
            committees.get(branch.pk),
            seats.get(branch.pk, []),
            branch.full_count,
            branch.member_count,
            on,
            rules,
        )
        rows.append({"branch": branch, "warnings": warnings})
    rows.sort(key=lambda r: (-len(r["warnings"]), r["branch"].path))
    return {
        "branch_count": len(branches),
        "member_count": sum(b.member_count for b in branches),
        "with_warnings": [r for r in rows if r["warnings"]],
    }
