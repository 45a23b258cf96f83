"""Reads of organisational life. `expected_members` is the one definition of who is expected at a
meeting (SPEC §8 and §13): every 正式/预备 member of the branch on the meeting date; the branch's
committee for a 支委会; the group's members for a 党小组会."""

import datetime as dt
from typing import Any

from django.db.models import Q, QuerySet

from zhibu.meetings.models import Kind
from zhibu.members.models import Member
from zhibu.members.selectors import members_of_branch_on
from zhibu.orgs.models import BranchCommittee, Organisation


def meeting_branch(organisation: Organisation) -> Organisation:
    """The branch a meeting belongs to: the organisation itself, or the group's branch."""
    return (
        organisation.parent
        if organisation.kind == Organisation.Kind.GROUP and organisation.parent
        else organisation
    )


def expected_members(organisation: Organisation, kind: str, on: dt.date) -> QuerySet[Member]:
    if kind == Kind.GROUP_MEETING:
        if organisation.kind != Organisation.Kind.GROUP or organisation.parent_id is None:
            return Member.objects.none()
        return members_of_branch_on(organisation.parent_id, on, group_id=organisation.pk)
    branch_members = members_of_branch_on(organisation.pk, on)
    if kind == Kind.COMMITTEE_MEETING:
        return branch_members.filter(pk__in=committee_member_ids(organisation, on))
    return branch_members


def committee_member_ids(organisation: Organisation, on: dt.date) -> QuerySet[Any]:
    """Ids of the members holding a seat on the organisation's committee on `on`."""
    committees = BranchCommittee.objects.filter(organisation=organisation, term_start__lte=on)
    from zhibu.orgs.models import CommitteeMember

    return (
        CommitteeMember.objects.filter(committee__in=committees, start_on__lte=on)
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
        .values("member_id")
    )
