"""Reading uploaded .xlsx sheets for the imports of SPEC §13, and what every import shares.

An import reads the whole sheet, validates every row and collects every problem before it writes
anything (MEM-2: all-or-nothing). A problem reads `第N行 [列名] 说明`, N being the Excel row number
(the header is row 1), so that users and their scripts can find the cell. The importers themselves
live next to their models (`orgs/exchange.py`, `members/exchange.py`); this module has the sheet
reader, the cell parsers, the result, the template workbook, the upload form and page, and the
management-command front end.
"""

import datetime as dt
import io
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from openpyxl import Workbook, load_workbook
from openpyxl.styles import Alignment, Font
from openpyxl.utils import get_column_letter

from zhibu.audit.models import AuditEvent
from zhibu.audit.services import audit_record
from zhibu.lib import idnumber
from zhibu.lib.dates import today
from zhibu.lib.decimals import CENT
from zhibu.lib.xlsx import add_sheet

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
NOTES_SHEET = "填写说明"
# The column a problem about the file or the sheet as a whole is reported on.
FILE_COLUMN = "文件"
WHOLE_ROW = "整行"
_DATE_TEXT = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")
_WHITESPACE = re.compile(r"\s+")


NUMBER_CELL_HINT = (
    "该单元格是数字格式，Excel 只保留15位有效数字，长号码已被改写，请把该列设为文本格式后重新填写号码"
)


@dataclass(frozen=True)
class Problem:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"第{self.row}行 [{self.column}] {self.message}"


@dataclass
class ImportResult:
    problems: list[Problem] = field(default_factory=list)
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    dry_run: bool = False
    file_name: str = ""

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def written(self) -> bool:
        return self.ok and not self.dry_run and bool(self.created or self.updated)

    @property
    def summary(self) -> str:
        return f"新增 {self.created} 条，更新 {self.updated} 条，未变 {self.unchanged} 条"

    def refuse(self, problems: Iterable[Problem]) -> "ImportResult":
        """Nothing is written: the counts go back to zero and the problems are the answer."""
        self.problems = list(problems)
        self.created = self.updated = self.unchanged = 0
        return self


@dataclass(frozen=True)
class Column:
    """One column of an import sheet. `required`: the header must be there and every cell filled
    (marked `*` in the template). `choices` and `help` feed the template's 填写说明 sheet; `as_text`
    formats the template column as text so that Excel keeps long numbers (ID numbers) intact."""

    name: str
    required: bool = False
    choices: tuple[str, ...] = ()
    help: str = ""
    as_text: bool = False

    @property
    def header(self) -> str:
        return f"{self.name}*" if self.required else self.name


# --- cell parsers: pure functions, a CellError carries the Chinese reason ---------------------------


class CellError(ValueError):
    pass


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


def parse_text(value: Any) -> str:
    """Strip text; numbers typed into text columns (phone numbers, codes) come back without a
    trailing `.0` or an exponent."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime):
        return f"{value:%Y-%m-%d}" if value.time() == dt.time() else f"{value:%Y-%m-%d %H:%M}"
    if isinstance(value, dt.date):
        return f"{value:%Y-%m-%d}"
    return str(value).strip()


def parse_date(value: Any, *, on: dt.date | None = None) -> dt.date | None:
    """An Excel date cell or `YYYY-MM-DD` text; a real date, not after `on` (today)."""
    if is_blank(value):
        return None
    if isinstance(value, dt.datetime):
        day = value.date()
    elif isinstance(value, dt.date):
        day = value
    elif isinstance(value, str):
        match = _DATE_TEXT.match(value.strip())
        if not match:
            raise CellError(f"日期格式应为 YYYY-MM-DD 或 Excel 日期，实为“{value.strip()}”")
        try:
            day = dt.date(*(int(part) for part in match.groups()))
        except ValueError:
            raise CellError(f"“{value.strip()}”不是真实的日期") from None
    else:
        raise CellError(f"日期格式应为 YYYY-MM-DD 或 Excel 日期，实为“{parse_text(value)}”")
    limit = on or today()
    if day > limit:
        raise CellError(f"日期 {day:%Y-%m-%d} 晚于今天（{limit:%Y-%m-%d}），日期不能是将来")
    return day


def parse_choice(value: Any, choices: Mapping[str, str]) -> str | None:
    """An exact label of `choices` (label → stored value)."""
    if is_blank(value):
        return None
    label = parse_text(value)
    if label not in choices:
        raise CellError(f"“{label}”不是允许的值，应为：{'、'.join(choices)}")
    return choices[label]


def parse_decimal(value: Any, *, max_value: Decimal | None = None) -> Decimal | None:
    """A non-negative amount with at most 2 decimals, as Decimal (never through float arithmetic:
    a float from Excel is read through its shortest text form)."""
    if is_blank(value):
        return None
    if isinstance(value, bool):
        raise CellError("应为数字")
    text = str(value).strip().replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation:
        raise CellError(f"应为数字，实为“{text}”") from None
    if not number.is_finite():
        raise CellError(f"应为数字，实为“{text}”")
    if number < 0:
        raise CellError(f"不能为负数（实为 {text}）")
    if number != number.quantize(CENT):
        raise CellError(f"最多两位小数（实为 {text}）")
    number = number.quantize(CENT)
    if max_value is not None and number > max_value:
        raise CellError(f"不能超过 {max_value}（实为 {text}）")
    return number


def parse_yes_no(value: Any) -> bool:
    """是 / 否; blank is 否."""
    if is_blank(value):
        return False
    if isinstance(value, bool):
        return value
    text = parse_text(value)
    if text == "是":
        return True
    if text == "否":
        return False
    raise CellError(f"应填“是”或“否”（空白视为否），实为“{text}”")


# --- the sheet -------------------------------------------------------------------------------------


def normalize_header(value: Any) -> str:
    """Headers match by name: spaces anywhere are ignored and a trailing `*` (required mark) too."""
    text = _WHITESPACE.sub("", parse_text(value))
    return text.rstrip("*＊")


class Row:
    """One data row: the raw cells by column name, and the problems found in it. The parsing
    methods record a problem and return an empty value, so a row reports every bad cell at once."""

    def __init__(self, number: int, cells: dict[str, Any], present: frozenset[str]) -> None:
        self.number = number
        self.cells = cells
        self.present = present
        self.problems: list[Problem] = []

    def has(self, column: str) -> bool:
        """Whether the file has this column at all (an absent optional column leaves data alone)."""
        return column in self.present

    def problem(self, column: str, message: str) -> None:
        if not self.has_problem(column):
            self.problems.append(Problem(self.number, column, message))

    def has_problem(self, column: str) -> bool:
        return any(p.column == column for p in self.problems)

    def _cell(self, column: str, parser: Callable[[Any], Any], required: bool) -> Any:
        value = self.cells.get(column)
        if is_blank(value):
            if required and self.has(column):
                self.problem(column, "必填项不能为空")
            return None
        try:
            return parser(value)
        except CellError as error:
            self.problem(column, str(error))
            return None

    def id_number(self, column: str, *, required: bool = True, check: bool = True) -> str:
        """A 公民身份号码 cell (RULES F-3), normalised. A number cell is always refused: Excel keeps
        15 significant digits, so an 18-digit number typed as a number has already been changed —
        even when what is left happens to look like a valid number. With `check`, the number's
        check character, date and length are verified too ("" and a problem when wrong)."""
        raw = self.cells.get(column)
        if isinstance(raw, int | float) and not isinstance(raw, bool):
            self.problem(column, f"{column}应为文本：{NUMBER_CELL_HINT}")
            return ""
        value = idnumber.normalize(self.text(column, required=required))
        if value and check:
            try:
                return idnumber.parse(value).value
            except idnumber.IdNumberError as error:
                self.problem(column, str(error))
                return ""
        return value

    def text(self, column: str, *, required: bool = False, max_length: int | None = None) -> str:
        value = self._cell(column, parse_text, required) or ""
        if max_length is not None and len(value) > max_length:
            self.problem(column, f"最多{max_length}个字，实为{len(value)}个字")
        return value

    def date(self, column: str, *, required: bool = False) -> dt.date | None:
        return self._cell(column, parse_date, required)

    def choice(
        self, column: str, choices: Mapping[str, str], *, required: bool = False, default: str | None = None
    ) -> str | None:
        value = self._cell(column, lambda v: parse_choice(v, choices), required)
        if value is None and default is not None and not self.has_problem(column):
            return default
        return value

    def decimal(
        self, column: str, *, required: bool = False, max_value: Decimal | None = None
    ) -> Decimal | None:
        return self._cell(column, lambda v: parse_decimal(v, max_value=max_value), required)

    def yes_no(self, column: str) -> bool:
        return bool(self._cell(column, parse_yes_no, False))


@dataclass
class Sheet:
    rows: list[Row] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # Set when the rows cannot be read meaningfully (not an .xlsx, a required column missing).
    fatal: bool = False
    present: frozenset[str] = frozenset()

    def all_problems(self) -> list[Problem]:
        return [*self.problems, *(p for row in self.rows for p in row.problems)]


def file_name_of(source: Any) -> str:
    if isinstance(source, str | Path):
        return Path(source).name
    return Path(str(getattr(source, "name", "") or "")).name


def _open(source: Any) -> Any:
    if isinstance(source, bytes):
        return io.BytesIO(source)
    if isinstance(source, str | Path):
        return open(source, "rb")
    if hasattr(source, "seek"):
        source.seek(0)
    return source


def read_sheet(source: Any, columns: Sequence[Column], *, sheet_name: str | None = None) -> Sheet:
    """The data rows of the first sheet (or `sheet_name`) with the header checked against
    `columns`: order free, unknown and duplicate headers are problems on row 1, a missing required
    column is fatal. Fully empty rows are skipped."""
    sheet = Sheet()
    try:
        handle = _open(source)
    except OSError as error:
        sheet.problems.append(Problem(1, FILE_COLUMN, f"无法读取文件：{error.strerror or error}"))
        sheet.fatal = True
        return sheet
    try:
        try:
            book = load_workbook(handle, read_only=True, data_only=True)
        except Exception:  # openpyxl raises many kinds on a damaged or foreign file
            sheet.problems.append(
                Problem(
                    1,
                    FILE_COLUMN,
                    "不是有效的 .xlsx 文件，无法读取"
                    "（旧版 .xls、.csv 等请在 Excel 中另存为“Excel 工作簿 (*.xlsx)”）",
                )
            )
            sheet.fatal = True
            return sheet
        try:
            _read_rows(book, sheet, columns, sheet_name)
        finally:
            book.close()
    finally:
        if isinstance(source, str | Path):
            handle.close()
    return sheet


def _read_rows(book: Any, sheet: Sheet, columns: Sequence[Column], sheet_name: str | None) -> None:
    if sheet_name is None:
        worksheet = book.worksheets[0] if book.worksheets else None
    else:
        worksheet = book[sheet_name] if sheet_name in book.sheetnames else None
    if worksheet is None:
        sheet.problems.append(Problem(1, FILE_COLUMN, f"找不到工作表“{sheet_name or '第一个工作表'}”"))
        sheet.fatal = True
        return
    # Files written by other programs often carry wrong dimensions; read every cell there is.
    worksheet.reset_dimensions()
    rows = worksheet.iter_rows(values_only=True)
    header = next(rows, None)
    if not header or all(is_blank(v) for v in header):
        sheet.problems.append(Problem(1, "表头", "第1行应为表头（列名），实为空行"))
        sheet.fatal = True
        return
    allowed = [c.name for c in columns]
    positions: dict[int, str] = {}
    headed: set[int] = set()
    for index, value in enumerate(header, start=1):
        name = normalize_header(value)
        if not name:
            continue
        headed.add(index)
        if name not in allowed:
            sheet.problems.append(
                Problem(1, name, f"未知的列“{parse_text(value)}”，允许的列：{'、'.join(allowed)}")
            )
        elif name in positions.values():
            sheet.problems.append(Problem(1, name, "列名重复"))
        else:
            positions[index] = name
    sheet.present = frozenset(positions.values())
    missing = [c.name for c in columns if c.required and c.name not in sheet.present]
    for name in missing:
        sheet.problems.append(Problem(1, name, "缺少必填列"))
    if missing:
        sheet.fatal = True
        return
    unnamed_with_data: set[int] = set()
    for number, values in enumerate(rows, start=2):
        if all(is_blank(v) for v in values):
            continue
        cells = {name: None for name in sheet.present}
        for index, value in enumerate(values, start=1):
            if index in positions:
                cells[positions[index]] = value
            elif index not in headed and not is_blank(value):
                unnamed_with_data.add(index)
        sheet.rows.append(Row(number, cells, sheet.present))
    for index in sorted(unnamed_with_data):
        sheet.problems.append(Problem(1, f"第{get_column_letter(index)}列", "该列有数据但没有列名"))


def in_sheet_order(problems: Iterable[Problem], columns: Sequence[Column]) -> list[Problem]:
    """By row, then by the column's place in the contract (the header's problems first)."""
    order = {c.name: index for index, c in enumerate(columns)}
    return sorted(problems, key=lambda p: (p.row, order.get(p.column, len(order))))


def problems_from_error(row: int, error: ValidationError, columns: Mapping[str, str]) -> list[Problem]:
    """A service's ValidationError (raised while writing) as row problems; `columns` maps the
    service's field names to column names."""
    if hasattr(error, "error_dict"):
        return [
            Problem(row, columns.get(name, WHOLE_ROW), "；".join(messages))
            for name, messages in error.message_dict.items()
        ]
    return [Problem(row, WHOLE_ROW, "；".join(error.messages))]


def record_import(*, actor: Any, result: ImportResult, label: str, object_type: str) -> None:
    """The one audit event summarising an import (each row's change has its own event)."""
    audit_record(
        actor=actor,
        action=AuditEvent.Action.IMPORT,
        object_type=object_type,
        object_repr=f"{label} {result.file_name}".strip(),
        after={
            "file": result.file_name,
            "created": result.created,
            "updated": result.updated,
            "unchanged": result.unchanged,
        },
        note=f"{label}：{result.file_name or '（未命名文件）'}，{result.summary}",
    )


# --- the template workbook ---------------------------------------------------------------------------


def template_bytes(title: str, columns: Sequence[Column], notes: Sequence[str] = ()) -> bytes:
    """The import template: the header row (required columns marked `*`, which the reader
    tolerates) and a 填写说明 sheet describing each column and its allowed values."""
    book = Workbook()
    add_sheet(book, title, [c.header for c in columns], [], first=True)
    sheet = book.active
    assert sheet is not None
    for index, column in enumerate(columns, start=1):
        if column.required:
            sheet.cell(row=1, column=index).font = Font(bold=True, color="C00000")
        if column.as_text:
            sheet.column_dimensions[get_column_letter(index)].number_format = "@"
    rows = [(c.name, "是" if c.required else "否", "、".join(c.choices), c.help) for c in columns]
    add_sheet(book, NOTES_SHEET, ["列名", "是否必填", "允许的值", "说明"], rows)
    help_sheet = book[NOTES_SHEET]
    help_sheet.append([])
    for line in (*GENERAL_NOTES, *notes):
        help_sheet.append([line])
    for row in help_sheet.iter_rows(min_row=2, max_col=4):
        for cell in row:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


GENERAL_NOTES = (
    "1. 第一个工作表的第1行为表头，列的顺序可以调整；列名后的 * 表示必填，可保留也可删去；不能有其他列。",
    "2. 日期可以填 Excel 日期，或 YYYY-MM-DD 格式的文字（如 2021-07-01），不能晚于今天。",
    "3. 整个文件要么全部导入，要么一条也不导入：只要有一行有误，"
    "系统会列出所有问题（第N行 [列名] 说明），不写入任何数据。",
    "4. 同一文件重复导入不会产生重复数据：已有的记录按代码或号码匹配，内容未变的不作修改。",
)


# --- front ends: the upload page and the management command ------------------------------------------


class ImportForm(forms.Form):
    file = forms.FileField(
        label="Excel 文件（.xlsx）",
        widget=forms.FileInput(attrs={"accept": ".xlsx", "class": "form-control"}),
    )
    dry_run = forms.BooleanField(
        label="仅校验，不写入",
        required=False,
        widget=forms.CheckboxInput(attrs={"class": "form-check-input"}),
    )

    def clean_file(self) -> Any:
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            size = upload.size / 1024 / 1024
            raise ValidationError(f"文件为 {size:.1f} MB，超过 10 MB 的上限，请拆分后分批导入")
        return upload


Importer = Callable[..., ImportResult]


def import_page(
    request: HttpRequest,
    *,
    importer: Importer,
    title: str,
    template_url: str,
    back_url: str,
    columns: Sequence[Column],
) -> HttpResponse:
    """GET: the upload form; POST: run the import (as the uploader, within their scope) and show
    every problem or the counts."""
    form = ImportForm(request.POST or None, request.FILES or None)
    result = None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        result = importer(
            upload,
            actor=request.user,
            dry_run=form.cleaned_data["dry_run"],
            scope_user=request.user,
            file_name=upload.name,
        )
    context = {
        "title": title,
        "form": form,
        "result": result,
        "template_url": template_url,
        "back_url": back_url,
        "columns": columns,
    }
    return render(request, "includes/import_page.html", context)


def run_import_command(command: BaseCommand, importer: Importer, path: str, *, dry_run: bool) -> None:
    """`manage.py import_* FILE.xlsx [--dry-run]`: problems one per line on stderr and a non-zero
    exit; a summary on stdout otherwise. The actor is the system (no user)."""
    if not Path(path).is_file():
        raise CommandError(f"文件不存在：{path}")
    result = importer(path, actor=None, dry_run=dry_run)
    if result.problems:
        for problem in result.problems:
            command.stderr.write(str(problem))
        raise CommandError(f"导入未执行：共 {len(result.problems)} 个问题，未写入任何数据。")
    prefix = "校验通过（仅校验，未写入）：" if dry_run else "导入完成："
    command.stdout.write(prefix + result.summary)
