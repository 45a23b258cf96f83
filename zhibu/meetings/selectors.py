"""Reads of organisational life. `expected_members` is the one definition of who is expected at a
meeting (SPEC §8 and §13): every 正式/预备 member of the branch on the meeting date; the branch's
committee for a 支委会; the group's members for a 党小组会."""

import datetime as dt
from typing import Any

from django.db.models import Count, Q, QuerySet, Subquery
from django.http import Http404

from zhibu.accounts.scoping import scope_q
from zhibu.meetings.models import Attendance, Kind, Meeting
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


# ---------------------------------------------------------------------------------------------
# The pages, the API and the exports read meetings through these (scoped by the meeting's
# organisation: a 党小组's path starts with its branch's, so one prefix filter covers both).

MEETING_FILTERS = ("branch", "year", "kind", "group")


def meetings_for(user: Any, perm: str = "meetings.view") -> QuerySet:
    return Meeting.objects.filter(scope_q(user, perm, "organisation"))


def get_meeting_or_404(user: Any, perm: str, pk: Any) -> Any:
    try:
        return meetings_for(user, perm).select_related("organisation__parent", "created_by").get(pk=pk)
    except (Meeting.DoesNotExist, ValueError, TypeError):
        raise Http404("未找到该会议") from None


def with_attendance_counts(meetings: QuerySet) -> QuerySet:
    """应到 / 实到 / 请假 / 缺席 / 补课 of each meeting, in the meetings' own query."""
    status = Attendance.Status
    return meetings.annotate(
        expected_count=Count("attendances"),
        present_count=Count("attendances", filter=Q(attendances__status=status.PRESENT)),
        leave_count=Count("attendances", filter=Q(attendances__status=status.ON_LEAVE)),
        absent_count=Count("attendances", filter=Q(attendances__status=status.ABSENT)),
        makeup_count=Count(
            "attendances",
            filter=~Q(attendances__status=status.PRESENT) & Q(attendances__makeup_on__isnull=False),
        ),
    )


def meeting_search(user: Any, params: Any, perm: str = "meetings.view") -> QuerySet:
    """The list page's filters (branch, year, kind, group), shared by its export and the API."""
    qs = meetings_for(user, perm).select_related("organisation__parent")
    branch = str(params.get("branch") or "")
    if branch.isdigit():
        path = Organisation.objects.filter(pk=branch).values("path")[:1]
        qs = qs.filter(organisation__path__startswith=Subquery(path))
    group = str(params.get("group") or "")
    if group.isdigit():
        qs = qs.filter(organisation_id=group)
    year = str(params.get("year") or "")
    if year.isdigit() and 1900 < int(year) < 3000:
        qs = qs.filter(held_on__year=int(year))
    kind = params.get("kind") or ""
    if kind in Kind.values:
        qs = qs.filter(kind=kind)
    return with_attendance_counts(qs).order_by("-held_on", "-id")


def attendance_counts(rows: Any) -> dict[str, int]:
    """The same five counts from a meeting's attendance rows already loaded."""
    status = Attendance.Status
    counts = {"expected": 0, "present": 0, "on_leave": 0, "absent": 0, "makeup": 0}
    for row in rows:
        counts["expected"] += 1
        counts[row.status] += 1
        if row.status != status.PRESENT and row.makeup_on is not None:
            counts["makeup"] += 1
    return counts


def branch_secretary_name(branch: Organisation, on: dt.date) -> str:
    """The name of the branch's 书记 on `on` (the default 主持人 of a meeting), or ""."""
    from zhibu.orgs.models import CommitteeMember, CommitteePost

    seat = (
        CommitteeMember.objects.filter(
            committee__organisation=branch,
            committee__term_start__lte=on,
            post=CommitteePost.SECRETARY,
            start_on__lte=on,
        )
        .filter(Q(end_on__isnull=True) | Q(end_on__gt=on))
        .select_related("member")
        .order_by("-start_on")
        .first()
    )
    return seat.member.name if seat else ""
