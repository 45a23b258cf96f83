"""The organisation import and export of SPEC §13 (`import_orgs`).

Rows are matched by 组织代码. A parent must exist or appear earlier in the file; the tree rules are
those of `services.check_parent`; there is one top organisation. A new code is created, a changed
row goes through `organisation_update` / `organisation_move` (history and audit), an unchanged row
writes nothing. Every row is validated before anything is written, from two queries whatever the
size of the file.
"""

from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from zhibu.accounts.scoping import orgs_for, root_paths
from zhibu.lib.dates import today
from zhibu.lib.importing import (
    Column,
    ImportResult,
    Row,
    file_name_of,
    in_sheet_order,
    problems_from_error,
    read_sheet,
    record_import,
)
from zhibu.lib.xlsx import workbook_bytes
from zhibu.members.models import Member
from zhibu.orgs.models import ALLOWED_PARENT_KINDS, Organisation
from zhibu.orgs.services import check_parent, organisation_create, organisation_move, organisation_update

CODE, NAME, KIND, PARENT, FOUNDED = "组织代码", "组织名称", "组织类型", "上级组织代码", "成立日期"
KINDS = {label: value for value, label in Organisation.Kind.choices}
COLUMNS = (
    Column(CODE, required=True, as_text=True, help="每个组织唯一，最多32个字符；已有组织按代码匹配"),
    Column(NAME, required=True, help="组织全称，最多100个字"),
    Column(KIND, required=True, choices=tuple(KINDS)),
    Column(
        PARENT,
        as_text=True,
        help="上级组织的组织代码；只有最高一级党委留空。上级须已在系统中，或在本文件中更早的行出现",
    ),
    Column(FOUNDED, help="Excel 日期或 YYYY-MM-DD，不能晚于今天"),
)
HEADERS = [c.name for c in COLUMNS]
# The service's field names, for a ValidationError raised while writing.
FIELD_COLUMNS = {
    "code": CODE,
    "name": NAME,
    "kind": KIND,
    "parent": PARENT,
    "new_parent": PARENT,
    "founded_on": FOUNDED,
}
MOVE_REASON = "批量导入调整"
TEMPLATE_NOTES = (
    "5. 上下级关系：党委之下可设党委、党总支或党支部；党总支之下设党支部；党支部之下设党小组。",
    "6. 已有组织按组织代码匹配：名称、类型、成立日期有变化的更新；"
    "上级组织代码有变化的调整隶属关系（留有记录）。",
)
_LOOKUP_CHUNK = 900


@dataclass
class _Plan:
    row: int
    code: str
    name: str
    kind: str
    parent_code: str
    founded_on: Any
    existing: Organisation | None = None
    changes: dict[str, Any] = field(default_factory=dict)
    move: bool = False


def _in_chunks(values: list[str]) -> list[list[str]]:
    return [values[i : i + _LOOKUP_CHUNK] for i in range(0, len(values), _LOOKUP_CHUNK)]


def _known_orgs(codes: set[str]) -> dict[str, Organisation]:
    found: dict[str, Organisation] = {}
    for chunk in _in_chunks(sorted(c for c in codes if c)):
        for org in Organisation.objects.filter(code__in=chunk).select_related("parent"):
            found[org.code] = org
    return found


def _parent_rule(kind: str, parent_kind: str) -> str | None:
    """`check_parent`'s message for this pair, or None when the pair is allowed."""
    try:
        check_parent(kind, Organisation(kind=parent_kind))
    except ValidationError as error:
        return "；".join(error.messages)
    return None


def import_orgs(
    source: Any, *, actor: Any, dry_run: bool = False, scope_user: Any = None, file_name: str = ""
) -> ImportResult:
    """Import the organisation sheet. `scope_user` (a web upload): every row must lie inside that
    user's `orgs.structure` subtrees."""
    result = ImportResult(dry_run=dry_run, file_name=file_name or file_name_of(source))
    sheet = read_sheet(source, COLUMNS)
    if sheet.fatal:
        return result.refuse(sheet.problems)
    parsed = [(row, _parse(row)) for row in sheet.rows]
    codes = {p.code for _, p in parsed} | {p.parent_code for _, p in parsed}
    known = _known_orgs(codes)
    tops = list(Organisation.objects.filter(parent__isnull=True).values_list("code", flat=True))
    roots = root_paths(scope_user, "orgs.structure") if scope_user is not None else None
    plans = _validate(parsed, known, tops, roots)
    problems = sheet.all_problems()
    if problems:
        return result.refuse(in_sheet_order(problems, COLUMNS))
    for plan in plans:
        if plan.existing is None:
            result.created += 1
        elif plan.changes or plan.move:
            result.updated += 1
        else:
            result.unchanged += 1
    if dry_run or not (result.created or result.updated):
        return result
    row_number = 0
    try:
        with transaction.atomic():
            for plan in plans:
                row_number = plan.row
                _write(plan, known, actor)
            record_import(actor=actor, result=result, label="党组织导入", object_type="orgs.organisation")
    except ValidationError as error:
        return result.refuse(problems_from_error(row_number, error, FIELD_COLUMNS))
    return result


def _parse(row: Row) -> _Plan:
    return _Plan(
        row=row.number,
        code=row.text(CODE, required=True, max_length=32),
        name=row.text(NAME, required=True, max_length=100),
        kind=row.choice(KIND, KINDS, required=True) or "",
        parent_code=row.text(PARENT, max_length=32),
        founded_on=row.date(FOUNDED),
    )


def _validate(
    parsed: list[tuple[Row, _Plan]], known: dict[str, Organisation], tops: list[str], roots: list[str] | None
) -> list[_Plan]:
    # The kind each code will have once the file is imported (a file may change a parent's kind).
    final_kind = {code: org.kind for code, org in known.items()}
    for _, plan in reversed(parsed):
        if plan.code and plan.kind:
            final_kind[plan.code] = plan.kind
    seen: dict[str, int] = {}
    top_row: int | None = None
    plans: list[_Plan] = []
    for row, plan in parsed:
        if not plan.code:
            continue
        if plan.code in seen:
            row.problem(CODE, f"组织代码“{plan.code}”与第{seen[plan.code]}行重复")
            continue
        seen[plan.code] = row.number
        plan.existing = existing = known.get(plan.code)
        if roots is not None and existing is not None and not _inside(existing.path, roots):
            row.problem(CODE, "该组织不在您的管理范围内")
            continue
        if not plan.parent_code:
            if plan.kind and plan.kind != Organisation.Kind.PARTY_COMMITTEE:
                row.problem(
                    PARENT,
                    f"{Organisation.Kind(plan.kind).label}必须填写上级组织代码（只有最高一级党委可以留空）",
                )
            elif existing is not None and existing.parent_id is None:
                pass  # the top organisation, already so
            elif existing is not None:
                row.problem(PARENT, "已有的下级组织不能改为顶级组织，请填写上级组织代码")
            elif tops or top_row is not None:
                where = f"“{tops[0]}”" if tops else f"第{top_row}行"
                row.problem(PARENT, f"只能有一个顶级组织（已有{where}），请填写上级组织代码")
            elif roots is not None:
                row.problem(PARENT, "您只能在自己管理的组织之下新建组织，请填写上级组织代码")
            else:
                top_row = row.number
        elif plan.parent_code == plan.code:
            row.problem(PARENT, "上级组织不能是本组织")
        elif plan.parent_code not in seen and plan.parent_code not in known:
            row.problem(
                PARENT, f"上级组织“{plan.parent_code}”不存在（须已在系统中，或在本文件中更早的行出现）"
            )
        else:
            _check_parent_row(row, plan, known, seen, final_kind, roots)
        if existing is not None:
            _compare(row, plan, existing)
            _check_kind_and_move(row, plan, existing, final_kind)
        plans.append(plan)
    _check_children_of_changed_kinds(parsed, plans, final_kind)
    return plans


def _inside(path: str, roots: list[str]) -> bool:
    return any(path.startswith(root) for root in roots)


def _check_parent_row(
    row: Row,
    plan: _Plan,
    known: dict[str, Organisation],
    seen: dict[str, int],
    final_kind: dict[str, str],
    roots: list[str] | None,
) -> None:
    parent = known.get(plan.parent_code)
    if plan.kind and final_kind.get(plan.parent_code):
        message = _parent_rule(plan.kind, final_kind[plan.parent_code])
        if message:
            row.problem(PARENT, message)
    if roots is not None and parent is not None and not _inside(parent.path, roots):
        row.problem(PARENT, "上级组织不在您的管理范围内")
    existing = plan.existing
    if parent is not None and not parent.is_active and (existing is None or existing.parent_id != parent.pk):
        row.problem(PARENT, f"上级组织“{plan.parent_code}”已撤销，不能在其下新建或调入组织")
    moved_earlier = plan.parent_code in seen
    if (
        existing is not None
        and parent is not None
        and parent.path.startswith(existing.path)
        and not moved_earlier
    ):
        row.problem(PARENT, "不能把组织调整到它自己的下级组织之下")


def _compare(row: Row, plan: _Plan, existing: Organisation) -> None:
    if plan.name and plan.name != existing.name:
        plan.changes["name"] = plan.name
    if plan.kind and plan.kind != existing.kind:
        plan.changes["kind"] = plan.kind
    if row.has(FOUNDED) and not row.has_problem(FOUNDED) and plan.founded_on != existing.founded_on:
        plan.changes["founded_on"] = plan.founded_on
    current_parent = existing.parent.code if existing.parent else ""
    plan.move = bool(plan.parent_code) and plan.parent_code != current_parent


def _check_kind_and_move(row: Row, plan: _Plan, existing: Organisation, final_kind: dict[str, str]) -> None:
    """The services change the kind and the parent one at a time, each keeping the tree valid: a
    row needing both at once where neither step is valid alone cannot be written."""
    if not (plan.move and "kind" in plan.changes):
        return
    old_parent_kind = existing.parent.kind if existing.parent else None
    new_parent_kind = final_kind.get(plan.parent_code)
    if (
        old_parent_kind in ALLOWED_PARENT_KINDS[plan.kind]
        or new_parent_kind in ALLOWED_PARENT_KINDS[existing.kind]
    ):
        return
    old, new = Organisation.Kind(existing.kind).label, Organisation.Kind(plan.kind).label
    row.problem(
        KIND,
        f"不能同时由{old}改为{new}并调整上级组织（任何一步单独进行都不符合上下级规则），请新建该组织后办理党员转接",
    )


def _check_children_of_changed_kinds(
    parsed: list[tuple[Row, _Plan]], plans: list[_Plan], final_kind: dict[str, str]
) -> None:
    """A kind change must suit the members and the children that stay under it (those not
    re-parented by the file)."""
    changed = {
        p.existing.pk: (p.existing, p) for p in plans if p.existing is not None and "kind" in p.changes
    }
    if not changed:
        return
    rows = {row.number: row for row, _ in parsed}
    with_members = set(
        Member.objects.filter(Q(branch_id__in=list(changed)) | Q(group_id__in=list(changed)), is_active=True)
        .values_list("branch_id", "group_id")
        .distinct()
        .iterator()
    )
    staffed = {org_id for pair in with_members for org_id in pair if org_id in changed}
    for org_id in sorted(staffed):
        org, plan = changed[org_id]
        old, new = Organisation.Kind(org.kind).label, Organisation.Kind(plan.kind).label
        rows[plan.row].problem(KIND, f"该组织还有在册党员，不能由{old}改为{new}（请先办理组织关系转接）")
    in_file = {p.code for p in plans}
    for child in Organisation.objects.filter(parent_id__in=list(changed)).order_by("code"):
        if child.parent_id is None or child.code in in_file:
            continue
        _, plan = changed[child.parent_id]
        message = _parent_rule(child.kind, final_kind[plan.code])
        if message:
            rows[plan.row].problem(KIND, f"下级组织“{child.code}”不能留在其下：{message}")


def _write(plan: _Plan, known: dict[str, Organisation], actor: Any) -> None:
    parent = known.get(plan.parent_code) if plan.parent_code else None
    if parent is not None:
        parent.refresh_from_db(fields=["path", "depth", "kind"])  # an earlier row may have moved it
    if plan.existing is None:
        known[plan.code] = organisation_create(
            actor=actor,
            code=plan.code,
            name=plan.name,
            kind=plan.kind,
            parent=parent,
            founded_on=plan.founded_on,
        )
        return
    org = plan.existing
    new_parent = parent if plan.move else None
    # A kind change and a move together: move first when the current kind may sit under the new
    # parent, else change the kind first, so that each step keeps the tree valid.
    if new_parent is not None and new_parent.kind in ALLOWED_PARENT_KINDS[org.kind]:
        org = organisation_move(
            actor=actor, organisation=org, new_parent=new_parent, moved_on=today(), reason=MOVE_REASON
        )
        new_parent = None
    if plan.changes:
        org = organisation_update(actor=actor, organisation=org, **plan.changes)
    if new_parent is not None:
        org = organisation_move(
            actor=actor, organisation=org, new_parent=new_parent, moved_on=today(), reason=MOVE_REASON
        )
    known[plan.code] = org


def export_rows(user: Any, *, include_inactive: bool = False) -> list[list[Any]]:
    """The organisations the user may see, parents before children (so the file re-imports)."""
    qs = orgs_for(user, "orgs.view").select_related("parent").order_by("path")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return [
        [org.code, org.name, org.get_kind_display(), org.parent.code if org.parent else "", org.founded_on]
        for org in qs
    ]


def export_bytes(user: Any, *, include_inactive: bool = False) -> bytes:
    return workbook_bytes("党组织", HEADERS, export_rows(user, include_inactive=include_inactive))
