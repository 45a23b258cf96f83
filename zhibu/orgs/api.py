"""党组织 API (ORG-1, ORG-2): the visible tree as a paged list, and one organisation with its
current committee and the committee warnings. Scoped like the pages (zhibu.accounts.scoping)."""

import datetime as dt

from django.db.models import Case, Count, Func, IntegerField, OuterRef, Q, QuerySet, Subquery, When
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.pagination import PageNumberPagination, paginate
from pydantic import field_validator

from zhibu.accounts.scoping import api_actor as _actor
from zhibu.accounts.scoping import get_org_or_404, orgs_for
from zhibu.members.models import PARTY_MEMBER_CATEGORIES, Member
from zhibu.orgs.models import Organisation
from zhibu.orgs.selectors import branch_overview

MAX_ID = 2**63 - 1  # ids are bigint: a larger number is refused as input, not sent to the database
MAX_PAGE = 1_000_000  # likewise for the OFFSET a page number makes

router = Router(tags=["党组织"])


class OrgOut(Schema):
    id: int = Field(title="编号")
    code: str = Field(title="组织代码")
    name: str = Field(title="组织名称")
    short_name: str = Field(title="简称")
    kind: Organisation.Kind = Field(title="组织类型")
    kind_label: str = Field(title="组织类型名称")
    parent_id: int | None = Field(title="上级组织编号")
    parent_code: str | None = Field(title="上级组织代码")
    depth: int = Field(title="层级", description="最高一级党委为 0")
    founded_on: dt.date | None = Field(title="成立日期")
    is_active: bool = Field(title="有效", description="已撤销的组织为 false")
    member_count: int = Field(
        title="党员人数", description="本组织及下级组织在册的正式党员和预备党员人数；党小组为本小组的人数"
    )

    @staticmethod
    def resolve_kind_label(obj: Organisation) -> str:
        return obj.get_kind_display()

    @staticmethod
    def resolve_parent_code(obj: Organisation) -> str | None:
        return obj.parent.code if obj.parent else None


class SeatOut(Schema):
    post: str = Field(title="职务")
    post_label: str = Field(title="职务名称")
    member_id: int = Field(title="党员编号")
    member_name: str = Field(title="姓名")
    start_on: dt.date = Field(title="任职日期")
    end_on: dt.date | None = Field(title="离任日期")


class CommitteeOut(Schema):
    id: int = Field(title="编号")
    elected_on: dt.date = Field(title="选举日期")
    term_start: dt.date = Field(title="任期开始")
    term_end: dt.date = Field(title="任期届满")
    approval_ref: str = Field(title="上级批复文号")
    seats: list[SeatOut] = Field(title="委员", description="本届委员，含已离任者（离任日期不为空）")


class WarningOut(Schema):
    level: str = Field(title="级别", description="danger 严重，warning 提醒，info 提示")
    message: str = Field(title="说明")
    rule: str = Field(title="依据", description="RULES.md 或 SPEC 的条目编号，如 A-3")


class OrgDetailOut(OrgOut):
    unit_name: str = Field(title="所在单位")
    is_village_or_community: bool = Field(title="村或社区党组织")
    address: str = Field(title="地址")
    phone: str = Field(title="联系电话")
    dissolved_on: dt.date | None = Field(title="撤销日期")
    full_count: int = Field(title="正式党员人数")
    category_counts: dict[str, int] = Field(title="各类人员人数", description="按人员类别名称")
    committee: CommitteeOut | None = Field(title="本届委员会")
    warnings: list[WarningOut] = Field(title="委员会与支部设置提醒", description="每条注明所依据的规则")


class OrgFilters(Schema):
    kind: Organisation.Kind | None = Field(None, title="组织类型")
    parent: int | None = Field(
        None, ge=1, le=MAX_ID, title="上级组织编号", description="只列出此组织的直接下级"
    )
    q: str = Field("", title="关键词", description="组织名称、简称或组织代码包含的文字")
    include_inactive: bool = Field(False, title="含已撤销的组织")

    @field_validator("q", mode="after")
    @classmethod
    def _no_nul(cls, value: str) -> str:
        # PostgreSQL cannot compare with a NUL character: refuse it here (422), not in the database.
        if "\x00" in value:
            raise ValueError("不能包含空字符（\\x00）")
        return value


class OrgPagination(PageNumberPagination):
    """Pages of 50, at most 500."""

    class Input(Schema):
        page: int = Field(1, ge=1, le=MAX_PAGE, title="页码")
        page_size: int | None = Field(None, ge=1, title="每页条数", description="默认50，最多500")


def _count(qs: QuerySet) -> Subquery:
    return Subquery(
        qs.order_by().annotate(n=Func("pk", function="COUNT")).values("n"), output_field=IntegerField()
    )


def with_member_count(qs: QuerySet) -> QuerySet:
    """`member_count` per organisation in the same query: the party members (正式, 预备) in the
    registry whose branch lies in the subtree; for a 党小组, those of the group."""
    party = Member.objects.filter(is_active=True, category__in=PARTY_MEMBER_CATEGORIES)
    return qs.annotate(
        member_count=Case(
            When(kind=Organisation.Kind.GROUP, then=_count(party.filter(group_id=OuterRef("pk")))),
            default=_count(party.filter(branch__path__startswith=OuterRef("path"))),
        )
    )


@router.get(
    "",
    response=list[OrgOut],
    summary="党组织列表",
    description="本人管理范围内的党组织，按组织树的顺序。需要“查看党组织”权限。",
)
@paginate(OrgPagination, page_size=50, max_page_size=500)
def organisation_list(request: HttpRequest, filters: Query[OrgFilters]) -> QuerySet:
    user = _actor(request, "orgs.view")
    qs = orgs_for(user, "orgs.view").select_related("parent")
    if not filters.include_inactive:
        qs = qs.filter(is_active=True)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.parent is not None:
        qs = qs.filter(parent_id=filters.parent)
    q = filters.q.strip()
    if q:
        qs = qs.filter(Q(name__icontains=q) | Q(short_name__icontains=q) | Q(code__icontains=q))
    return with_member_count(qs).order_by("path")


@router.get(
    "/{organisation_id}",
    response=OrgDetailOut,
    summary="党组织详情",
    description="党组织、本届委员会及委员，和按规则 A-1…A-4 检查的提醒。",
)
def organisation_detail(request: HttpRequest, organisation_id: int) -> Organisation:
    user = _actor(request, "orgs.view")
    org = get_org_or_404(user, "orgs.view", organisation_id)
    overview = branch_overview(org)
    org.full_count, org.member_count = overview.full_count, overview.member_count  # type: ignore[attr-defined]
    if org.is_group:
        # The overview counts the members of a subtree of branches; a group's are those placed in it.
        counts = Member.objects.filter(
            group=org, is_active=True, category__in=PARTY_MEMBER_CATEGORIES
        ).aggregate(n=Count("pk"), full=Count("pk", filter=Q(category="full")))
        org.full_count, org.member_count = counts["full"], counts["n"]  # type: ignore[attr-defined]
    org.category_counts = overview.category_counts  # type: ignore[attr-defined]
    org.warnings = overview.warnings  # type: ignore[attr-defined]
    org.committee = None  # type: ignore[attr-defined]
    if overview.committee is not None:
        c = overview.committee
        org.committee = {  # type: ignore[attr-defined]
            "id": c.pk,
            "elected_on": c.elected_on,
            "term_start": c.term_start,
            "term_end": c.term_end,
            "approval_ref": c.approval_ref,
            "seats": [
                {
                    "post": s.post,
                    "post_label": s.get_post_display(),
                    "member_id": s.member_id,
                    "member_name": s.member.name,
                    "start_on": s.start_on,
                    "end_on": s.end_on,
                }
                for s in overview.seats
            ],
        }
    return org
