"""The member import and export of SPEC §13 (`import_members`, MEM-2, MEM-6, DOC-4).

People are matched by 公民身份号码. The cross-field rules are those of `member_problems` (the form
and the services use the same function); a new person goes through `member_create`, a changed one
through `member_update` with only the fields that differ (so history rows are written for a change
of branch, group or category, and a re-import writes nothing). Validation reads the people and
organisations the file names in a few queries, never one per row.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction

from zhibu.accounts.scoping import has_perm, root_paths
from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
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
from zhibu.members.models import Category, DuesCategory, Gender, Member, Standing
from zhibu.members.selectors import FILTERS, member_search
from zhibu.members.services import EDITABLE_FIELDS, member_create, member_problems, member_update
from zhibu.orgs.models import Organisation


def _labels(choices: Any) -> dict[str, str]:
    return {label: value for value, label in choices.choices}


GENDERS, CATEGORIES = _labels(Gender), _labels(Category)
STANDINGS, DUES_CATEGORIES = _labels(Standing), _labels(DuesCategory)
YES_NO = ("是", "否")
ID_NUMBER = "公民身份号码"

COLUMNS = (
    Column("姓名", required=True, help="最多50个字"),
    Column("性别", required=True, choices=tuple(GENDERS), help="须与公民身份号码第17位一致（奇数为男）"),
    Column("民族", help="如：汉族"),
    Column(
        ID_NUMBER,
        required=True,
        as_text=True,
        help="18位，第18位为数字或X；同一人在文件中只能出现一次。请把本列设为文本格式，以免 Excel 改写长数字",
    ),
    Column("出生日期", help="可留空（取公民身份号码中的日期）；填写时须与号码一致"),
    Column("学历"),
    Column("人员类别", required=True, choices=tuple(CATEGORIES)),
    Column("所在党支部", required=True, as_text=True, help="党支部的组织代码"),
    Column("党小组", as_text=True, help="该党支部下属党小组的组织代码，可留空"),
    Column("入党日期", help="正式党员、预备党员必填；入党时须年满18周岁"),
    Column("转正日期", help="正式党员必填，不能早于入党日期；其他人员不填"),
    Column("工作岗位"),
    Column("联系电话", as_text=True),
    Column("家庭住址"),
    Column("党籍状态", choices=tuple(STANDINGS), help="空白视为正常"),
    Column("是否失联党员", choices=YES_NO, help="空白视为否"),
    Column("失联日期", help="失联党员必填"),
    Column("是否流动党员", choices=YES_NO, help="空白视为否"),
    Column("外出流向", help="流动党员必填"),
    Column("党费类别", choices=tuple(DUES_CATEGORIES), help="空白视为在职"),
    Column("党费基数", help="元/月，非负数，最多两位小数"),
)
HEADERS = [c.name for c in COLUMNS]
# Model field → column, for the messages of `member_problems` and of the services.
FIELD_COLUMNS = {
    "name": "姓名",
    "gender": "性别",
    "ethnicity": "民族",
    "id_number": ID_NUMBER,
    "birth_date": "出生日期",
    "education": "学历",
    "category": "人员类别",
    "branch": "所在党支部",
    "group": "党小组",
    "joined_on": "入党日期",
    "converted_on": "转正日期",
    "post": "工作岗位",
    "phone": "联系电话",
    "address": "家庭住址",
    "standing": "党籍状态",
    "is_lost_contact": "是否失联党员",
    "lost_contact_on": "失联日期",
    "is_mobile": "是否流动党员",
    "mobile_destination": "外出流向",
    "dues_category": "党费类别",
    "dues_base": "党费基数",
}
IMPORT_REASON = "批量导入"
TEMPLATE_NOTES = (
    "5. 已在系统中的人员按公民身份号码匹配：内容有变化的更新，未变的不作修改；"
    "调整党支部、党小组或人员类别会留下历史记录。",
    "6. 表中没有的可选列不会改动已有人员的对应信息；有该列而单元格为空，表示清空该项。",
)
OUT_OF_SCOPE = "该人员不在您的管理范围内"
MAX_DUES_BASE = Decimal("99999999.99")
_LOOKUP_CHUNK = 900


def _max_length(name: str) -> int:
    length = Member._meta.get_field(name).max_length  # type: ignore[union-attr]
    assert isinstance(length, int)
    return length


_TEXT_FIELDS = {
    "民族": "ethnicity",
    "学历": "education",
    "工作岗位": "post",
    "联系电话": "phone",
    "家庭住址": "address",
    "外出流向": "mobile_destination",
}
_DATE_FIELDS = {
    "出生日期": "birth_date",
    "入党日期": "joined_on",
    "转正日期": "converted_on",
    "失联日期": "lost_contact_on",
}
_LENGTHS = {name: _max_length(name) for name in ("name", "id_number", *_TEXT_FIELDS.values())}


@dataclass
class _Plan:
    row: int
    data: dict[str, Any]
    existing: Member | None = None
    changes: dict[str, Any] = field(default_factory=dict)


def _chunks(values: list[str]) -> list[list[str]]:
    return [values[i : i + _LOOKUP_CHUNK] for i in range(0, len(values), _LOOKUP_CHUNK)]


def import_members(
    source: Any, *, actor: Any, dry_run: bool = False, scope_user: Any = None, file_name: str = ""
) -> ImportResult:
    """Import the member sheet. `scope_user` (a web upload): every branch must lie inside that
    user's `members.edit` subtrees, and so must every person already registered."""
    result = ImportResult(dry_run=dry_run, file_name=file_name or file_name_of(source))
    sheet = read_sheet(source, COLUMNS)
    if sheet.fatal:
        return result.refuse(sheet.problems)
    parsed = [(row, _parse(row)) for row in sheet.rows]
    ids = sorted({data["id_number"] for _, data in parsed if data.get("id_number")})
    codes = sorted({code for _, data in parsed for code in (data["branch"], data.get("group")) if code})
    people: dict[str, Member] = {}
    for chunk in _chunks(ids):
        for member in Member.objects.filter(id_number__in=chunk).select_related("branch", "group"):
            people[member.id_number] = member
    orgs: dict[str, Organisation] = {}
    for chunk in _chunks(codes):
        orgs.update((org.code, org) for org in Organisation.objects.filter(code__in=chunk))
    roots = root_paths(scope_user, "members.edit") if scope_user is not None else None
    plans = _validate(parsed, people, orgs, roots)
    problems = sheet.all_problems()
    if problems:
        return result.refuse(in_sheet_order(problems, COLUMNS))
    for plan in plans:
        if plan.existing is None:
            result.created += 1
        elif plan.changes:
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
                if plan.existing is None:
                    member_create(actor=actor, reason=IMPORT_REASON, **plan.data)
                elif plan.changes:
                    member_update(
                        actor=actor,
                        member=plan.existing,
                        effective_on=today(),
                        reason=IMPORT_REASON,
                        **plan.changes,
                    )
            record_import(actor=actor, result=result, label="党员导入", object_type="members.member")
    except ValidationError as error:
        return result.refuse(problems_from_error(row_number, error, FIELD_COLUMNS))
    return result


def _parse(row: Row) -> dict[str, Any]:
    """The row's cells as model values. Only the columns present in the file are included, so a
    file without an optional column leaves that field alone; the codes stay codes for now."""
    data: dict[str, Any] = {
        "name": row.text("姓名", required=True, max_length=_LENGTHS["name"]),
        "gender": row.choice("性别", GENDERS, required=True),
        # Checked with the other fields (member_problems): the number, birth date and gender together.
        "id_number": row.id_number(ID_NUMBER, check=False),
        "category": row.choice("人员类别", CATEGORIES, required=True),
        "branch": row.text("所在党支部", required=True),
    }
    for column, name in _TEXT_FIELDS.items():
        if row.has(column):
            data[name] = row.text(column, max_length=_LENGTHS[name])
    if row.has("党小组"):
        data["group"] = row.text("党小组") or None
    for column, name in _DATE_FIELDS.items():
        if row.has(column):
            data[name] = row.date(column)
    if row.has("党籍状态"):
        data["standing"] = row.choice("党籍状态", STANDINGS, default=Standing.NORMAL)
    if row.has("党费类别"):
        data["dues_category"] = row.choice("党费类别", DUES_CATEGORIES, default=DuesCategory.EMPLOYED)
    for column, name in (("是否失联党员", "is_lost_contact"), ("是否流动党员", "is_mobile")):
        if row.has(column):
            data[name] = row.yes_no(column)
    if row.has("党费基数"):
        data["dues_base"] = row.decimal("党费基数", max_value=MAX_DUES_BASE)
    return data


def _validate(
    parsed: list[tuple[Row, dict[str, Any]]],
    people: dict[str, Member],
    orgs: dict[str, Organisation],
    roots: list[str] | None,
) -> list[_Plan]:
    seen: dict[str, int] = {}
    plans = []
    for row, data in parsed:
        id_value = data["id_number"]
        existing = people.get(id_value) if id_value else None
        if id_value in seen:
            row.problem(ID_NUMBER, f"与第{seen[id_value]}行重复：同一人在一个文件中只能出现一次")
            continue
        if id_value:
            seen[id_value] = row.number
        if existing is not None and roots is not None and not _inside(existing.branch, roots):
            row.problem(ID_NUMBER, OUT_OF_SCOPE)
            continue
        data["branch"] = _org(row, "所在党支部", data["branch"], orgs, roots)
        if "group" in data:
            data["group"] = _org(row, "党小组", data["group"], orgs, roots)
        elif existing is not None and data["branch"] is not None and data["branch"] != existing.branch:
            data["group"] = None  # a new branch without a 党小组 column: the old group cannot follow
        _check_active(row, data, existing)
        if existing is not None:
            merged = {name: getattr(existing, name) for name in EDITABLE_FIELDS} | _without_empty(data)
        else:
            merged = _without_empty(data)
        for name, message in member_problems(merged).items():
            column = FIELD_COLUMNS.get(name, ID_NUMBER)
            row.problem(column, message)
        plan = _Plan(row=row.number, data=data, existing=existing)
        if existing is not None:
            plan.changes = _changes(existing, data)
        plans.append(plan)
    return plans


def _without_empty(data: dict[str, Any]) -> dict[str, Any]:
    """For the rules: an empty 出生日期 is taken from the ID number, as the services do."""
    return {k: v for k, v in data.items() if not (k == "birth_date" and v is None)}


def _inside(org: Organisation, roots: list[str]) -> bool:
    return any(org.path.startswith(root) for root in roots)


def _org(
    row: Row, column: str, code: str | None, orgs: dict[str, Organisation], roots: list[str] | None
) -> Organisation | None:
    if not code:
        return None
    org = orgs.get(code)
    if org is None or (roots is not None and not _inside(org, roots)):
        suffix = "或不在您的管理范围内" if roots is not None else ""
        row.problem(column, f"组织代码“{code}”不存在{suffix}")
        return None
    return org


def _check_active(row: Row, data: dict[str, Any], existing: Member | None) -> None:
    """No one is placed in a dissolved branch or group (someone already there may stay)."""
    for column, name in (("所在党支部", "branch"), ("党小组", "group")):
        org = data.get(name)
        stays = existing is not None and getattr(existing, f"{name}_id") == getattr(org, "pk", None)
        if org is not None and not org.is_active and not stays:
            row.problem(column, f"{org.name}已撤销，不能编入")


def _changes(member: Member, data: dict[str, Any]) -> dict[str, Any]:
    """The fields whose value in the file differs from the record (empty 出生日期: from the ID)."""
    changes = {}
    for name, value in data.items():
        current = getattr(member, name)
        if name == "birth_date" and value is None:
            continue
        if isinstance(current, str):
            same = current.strip() == (value or "")
        elif isinstance(current, Organisation) or name in ("branch", "group"):
            same = (current.pk if current else None) == (value.pk if value else None)
        else:
            same = current == value
        if not same:
            changes[name] = value
    return changes


# --- export ------------------------------------------------------------------------------------------


def export_row(member: Member, *, full_id: bool) -> list[Any]:
    return [
        member.name,
        member.get_gender_display(),
        member.ethnicity,
        member.id_number if full_id else member.masked_id_number,
        member.birth_date,
        member.education,
        member.get_category_display(),
        member.branch.code,
        member.group.code if member.group else "",
        member.joined_on,
        member.converted_on,
        member.post,
        member.phone,
        member.address,
        member.get_standing_display(),
        member.is_lost_contact,
        member.lost_contact_on,
        member.is_mobile,
        member.mobile_destination,
        member.get_dues_category_display(),
        member.dues_base,
    ]


def export_rows(
    user: Any, params: Any, *, full_id: bool = False, ip_address: str | None = None
) -> list[list[Any]]:
    """The member list with the list page's filters, in the import's columns (so it re-imports).
    ID numbers are masked unless `full_id`, which needs `members.id_number` (rows are then limited
    to that permission's scope) and is logged (MEM-6)."""
    if full_id and not has_perm(user, "members.id_number"):
        raise PermissionDenied("您没有导出完整公民身份号码的权限")
    members = member_search(user, params, perm="members.id_number" if full_id else "members.view")
    rows = [export_row(member, full_id=full_id) for member in members]
    # Personal data leaving the system is logged either way; with full numbers as a sensitive view.
    filters = {name: params.get(name) for name in FILTERS if params.get(name)}
    audit_record(
        actor=user,
        action=AuditEvent.Action.VIEW_SENSITIVE if full_id else AuditEvent.Action.EXPORT,
        object_type="members.member",
        object_repr="党员名册导出（完整公民身份号码）" if full_id else "党员名册导出",
        after={"count": len(rows), "filters": filters},
        note=f"导出党员名册{'，含完整公民身份号码' if full_id else ''}（{len(rows)}人）",
        ip_address=ip_address,
    )
    return rows


def export_bytes(user: Any, params: Any, *, full_id: bool = False, ip_address: str | None = None) -> bytes:
    rows = export_rows(user, params, full_id=full_id, ip_address=ip_address)
    return workbook_bytes("党员名册", HEADERS, rows)


def export_file_name(*, full_id: bool) -> str:
    suffix = "_完整号码" if full_id else ""
    return f"党员名册_{today():%Y%m%d}{suffix}.xlsx"
