"""The organisation tree (ORG-1), branch committees and terms (ORG-2), leadership contact points
(ORG-3) and the 四个同步 checklist (ORG-4)."""

from django.conf import settings
from django.db import models


class Organisation(models.Model):
    """Any node of the tree. `path` is a materialised path of ids ("/1/4/9/") so that a subtree is
    one indexed prefix query; services keep it true when a node moves."""

    class Kind(models.TextChoices):
        PARTY_COMMITTEE = "party_committee", "党委"
        GENERAL_BRANCH = "general_branch", "党总支"
        BRANCH = "branch", "党支部"
        GROUP = "group", "党小组"

    code = models.CharField("组织代码", max_length=32, unique=True)
    name = models.CharField("组织名称", max_length=100)
    short_name = models.CharField("简称", max_length=50, blank=True)
    kind = models.CharField("组织类型", max_length=20, choices=Kind.choices, db_index=True)
    parent = models.ForeignKey(
        "self",
        verbose_name="上级组织",
        null=True,
        blank=True,
        related_name="children",
        on_delete=models.PROTECT,
    )
    path = models.CharField("路径", max_length=255, db_index=True, editable=False)
    depth = models.PositiveSmallIntegerField("层级", default=0, editable=False)
    founded_on = models.DateField("成立日期", null=True, blank=True)
    unit_name = models.CharField("所在单位", max_length=100, blank=True, help_text="对应的行政单位或部门")
    is_village_or_community = models.BooleanField(
        "村或社区党组织", default=False, help_text="村、社区党组织每届任期5年（规则 A-3）"
    )
    address = models.CharField("地址", max_length=200, blank=True)
    phone = models.CharField("联系电话", max_length=30, blank=True)
    sort_order = models.PositiveIntegerField("排序", default=0)
    is_active = models.BooleanField("有效", default=True)
    dissolved_on = models.DateField("撤销日期", null=True, blank=True)
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    class Meta:
        verbose_name = "党组织"
        verbose_name_plural = "党组织"
        ordering = ["path"]

    def __str__(self) -> str:
        return self.name

    @property
    def is_branch(self) -> bool:
        return self.kind == self.Kind.BRANCH

    @property
    def is_group(self) -> bool:
        return self.kind == self.Kind.GROUP

    def ancestor_ids(self) -> list[int]:
        return [int(part) for part in self.path.strip("/").split("/") if part]


# Which kinds may sit under which: a 党委 may be the top or under another 党委 (an enterprise group).
ALLOWED_PARENT_KINDS: dict[str, tuple[str | None, ...]] = {
    Organisation.Kind.PARTY_COMMITTEE: (None, Organisation.Kind.PARTY_COMMITTEE),
    Organisation.Kind.GENERAL_BRANCH: (Organisation.Kind.PARTY_COMMITTEE,),
    Organisation.Kind.BRANCH: (Organisation.Kind.PARTY_COMMITTEE, Organisation.Kind.GENERAL_BRANCH),
    Organisation.Kind.GROUP: (Organisation.Kind.BRANCH,),
}


class OrganisationMove(models.Model):
    """History of a node's place in the tree (ORG-1: moves keep history)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="党组织", related_name="moves", on_delete=models.PROTECT
    )
    from_parent = models.ForeignKey(
        Organisation, verbose_name="原上级", null=True, related_name="+", on_delete=models.PROTECT
    )
    to_parent = models.ForeignKey(
        Organisation, verbose_name="新上级", null=True, related_name="+", on_delete=models.PROTECT
    )
    moved_on = models.DateField("调整日期")
    reason = models.CharField("原因", max_length=200)
    actor = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "隶属关系调整"
        verbose_name_plural = "隶属关系调整"
        ordering = ["-moved_on", "-id"]

    def __str__(self) -> str:
        return f"{self.organisation_id} 调整隶属 {self.moved_on}"


class BranchCommittee(models.Model):
    """One elected term of a committee (支委会, or the 党委/党总支 委员会)."""

    organisation = models.ForeignKey(
        Organisation, verbose_name="党组织", related_name="committees", on_delete=models.PROTECT
    )
    elected_on = models.DateField("选举日期")
    term_start = models.DateField("任期开始")
    term_end = models.DateField("任期届满")
    approval_ref = models.CharField("上级批复文号", max_length=100, blank=True)
    is_current = models.BooleanField("本届", default=True, db_index=True)
    notes = models.TextField("备注", blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "委员会"
        verbose_name_plural = "委员会"
        ordering = ["organisation", "-term_start"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation"], condition=models.Q(is_current=True), name="one_current_committee"
            ),
            models.CheckConstraint(
                condition=models.Q(term_end__gt=models.F("term_start")), name="term_end_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.organisation.name} {self.term_start:%Y}—{self.term_end:%Y} 届"


class CommitteePost(models.TextChoices):
    SECRETARY = "secretary", "书记"
    DEPUTY_SECRETARY = "deputy_secretary", "副书记"
    ORGANISATION_OFFICER = "organisation_officer", "组织委员"
    PUBLICITY_OFFICER = "publicity_officer", "宣传委员"
    DISCIPLINE_OFFICER = "discipline_officer", "纪检委员"
    OTHER = "other", "委员"


CORE_POSTS = (
    CommitteePost.SECRETARY,
    CommitteePost.ORGANISATION_OFFICER,
    CommitteePost.PUBLICITY_OFFICER,
    CommitteePost.DISCIPLINE_OFFICER,
)


class CommitteeMember(models.Model):
    committee = models.ForeignKey(
        BranchCommittee, verbose_name="委员会", related_name="seats", on_delete=models.PROTECT
    )
    member = models.ForeignKey(
        "members.Member", verbose_name="党员", related_name="committee_seats", on_delete=models.PROTECT
    )
    post = models.CharField("职务", max_length=30, choices=CommitteePost.choices)
    start_on = models.DateField("任职日期")
    end_on = models.DateField("离任日期", null=True, blank=True)
    end_reason = models.CharField("离任原因", max_length=200, blank=True)

    class Meta:
        verbose_name = "委员"
        verbose_name_plural = "委员"
        ordering = ["committee", "post", "start_on"]

    def __str__(self) -> str:
        return f"{self.get_post_display()} {self.member}"


class ContactPoint(models.Model):
    """班子成员联系点 (ORG-3): a committee-level leader linked to a branch."""

    leader = models.ForeignKey(
        "members.Member", verbose_name="联系领导", related_name="contact_points", on_delete=models.PROTECT
    )
    organisation = models.ForeignKey(
        Organisation, verbose_name="联系党组织", related_name="contact_points", on_delete=models.PROTECT
    )
    start_on = models.DateField("开始日期")
    end_on = models.DateField("结束日期", null=True, blank=True)
    focus = models.CharField("联系重点", max_length=200, blank=True)

    class Meta:
        verbose_name = "联系点"
        verbose_name_plural = "联系点"
        ordering = ["organisation", "start_on"]

    def __str__(self) -> str:
        return f"{self.leader} → {self.organisation}"


class ContactVisit(models.Model):
    contact_point = models.ForeignKey(
        ContactPoint, verbose_name="联系点", related_name="visits", on_delete=models.PROTECT
    )
    visited_on = models.DateField("日期")
    kind = models.CharField("方式", max_length=30, default="调研指导")
    summary = models.TextField("内容摘要")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = "联系点活动"
        verbose_name_plural = "联系点活动"
        ordering = ["-visited_on"]

    def __str__(self) -> str:
        return f"{self.visited_on} {self.kind}"


class FourSyncRecord(models.Model):
    """四个同步 (ORG-4): organisation, cadres, rules and assessment in step with the unit."""

    organisation = models.OneToOneField(
        Organisation, verbose_name="党组织", related_name="four_sync", on_delete=models.PROTECT
    )
    org_set_up = models.BooleanField("党组织与行政机构同步设立", default=False)
    cadres_assigned = models.BooleanField("党组织负责人同步配备", default=False)
    rules_made = models.BooleanField("党建工作制度同步制定", default=False)
    work_assessed = models.BooleanField("党建工作同步考核", default=False)
    notes = models.TextField("说明", blank=True)
    checked_on = models.DateField("核查日期", null=True, blank=True)

    class Meta:
        verbose_name = "四个同步"
        verbose_name_plural = "四个同步"

    def __str__(self) -> str:
        return f"{self.organisation.name} 四个同步"

    @property
    def items(self) -> list[tuple[str, bool]]:
        return [
            (str(getattr(self._meta.get_field(name), "verbose_name", name)), getattr(self, name))
            for name in ("org_set_up", "cadres_assigned", "rules_made", "work_assessed")
        ]

    @property
    def complete(self) -> bool:
        return all(done for _, done in self.items)
