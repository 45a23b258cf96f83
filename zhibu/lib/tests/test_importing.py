"""The sheet reader and cell parsers behind every import (SPEC §13)."""

import datetime as dt
import io
from decimal import Decimal
from typing import Any

import pytest
from openpyxl import Workbook, load_workbook

from zhibu.lib import importing
from zhibu.lib.importing import CellError, Column, ImportResult, Problem

COLUMNS = (
    Column("代码", required=True),
    Column("名称", required=True),
    Column("日期"),
    Column("金额"),
)


def excel_datetime(year: int, month: int, day: int) -> dt.datetime:
    """What openpyxl returns for a date cell: a naive datetime (Excel has no time zones)."""
    return dt.datetime(year, month, day)  # noqa: DTZ001


def xlsx(*rows: list[Any], title: str = "Sheet") -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = title
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- cell parsers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        (None, ""),
        ("  第一党支部 ", "第一党支部"),
        (13800138000, "13800138000"),
        (13800138000.0, "13800138000"),
        (110105194912310021, "110105194912310021"),
        (3.5, "3.5"),
        (excel_datetime(2020, 1, 2), "2020-01-02"),
    ],
)
def test_it_reads_text_without_mangling_numbers(value: Any, expected: str) -> None:
    assert importing.parse_text(value) == expected


def test_it_accepts_excel_dates_and_iso_text() -> None:
    on = dt.date(2026, 5, 1)
    assert importing.parse_date(excel_datetime(2021, 7, 1), on=on) == dt.date(2021, 7, 1)
    assert importing.parse_date(dt.date(2021, 7, 1), on=on) == dt.date(2021, 7, 1)
    assert importing.parse_date("2021-07-01", on=on) == dt.date(2021, 7, 1)
    assert importing.parse_date(" 2021-7-1 ", on=on) == dt.date(2021, 7, 1)
    assert importing.parse_date("", on=on) is None
    assert importing.parse_date(None, on=on) is None


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("2021/07/01", "日期格式应为 YYYY-MM-DD 或 Excel 日期，实为“2021/07/01”"),
        ("2021年7月1日", "日期格式应为 YYYY-MM-DD"),
        ("2021-02-30", "“2021-02-30”不是真实的日期"),
        ("2021-13-01", "不是真实的日期"),
        (20210701, "日期格式应为 YYYY-MM-DD 或 Excel 日期，实为“20210701”"),
        ("2026-05-02", "日期 2026-05-02 晚于今天（2026-05-01），日期不能是将来"),
        (excel_datetime(2027, 1, 1), "日期不能是将来"),
    ],
)
def test_it_refuses_bad_and_future_dates_naming_the_rule(value: Any, message: str) -> None:
    with pytest.raises(CellError) as error:
        importing.parse_date(value, on=dt.date(2026, 5, 1))
    assert message in str(error.value)


def test_it_takes_today_from_shanghai_time_by_default() -> None:
    assert importing.parse_date(importing.today()) == importing.today()
    with pytest.raises(CellError):
        importing.parse_date(importing.today() + dt.timedelta(days=1))


def test_it_matches_enumerations_exactly_and_lists_the_allowed_values() -> None:
    choices = {"正式党员": "full", "预备党员": "probationary"}
    assert importing.parse_choice(" 正式党员 ", choices) == "full"
    assert importing.parse_choice("", choices) is None
    with pytest.raises(CellError) as error:
        importing.parse_choice("党员", choices)
    assert str(error.value) == "“党员”不是允许的值，应为：正式党员、预备党员"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("12.5", Decimal("12.50")),
        (1234.56, Decimal("1234.56")),
        (3000, Decimal("3000.00")),
        ("1,234.50", Decimal("1234.50")),
        ("0", Decimal("0.00")),
        (None, None),
    ],
)
def test_it_reads_amounts_as_decimal(value: Any, expected: Decimal | None) -> None:
    parsed = importing.parse_decimal(value)
    assert parsed == expected
    if parsed is not None:
        assert isinstance(parsed, Decimal)
        assert parsed.as_tuple().exponent == -2


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("-1", "不能为负数"),
        (-0.5, "不能为负数"),
        ("1.234", "最多两位小数"),
        (0.125, "最多两位小数"),
        ("三千", "应为数字，实为“三千”"),
        ("NaN", "应为数字"),
        (True, "应为数字"),
    ],
)
def test_it_refuses_negative_and_over_precise_amounts(value: Any, message: str) -> None:
    with pytest.raises(CellError) as error:
        importing.parse_decimal(value)
    assert message in str(error.value)


def test_it_caps_amounts_when_asked() -> None:
    with pytest.raises(CellError, match="不能超过 100"):
        importing.parse_decimal("100.01", max_value=Decimal("100"))


def test_it_reads_yes_no_with_blank_as_no() -> None:
    assert importing.parse_yes_no("是") is True
    assert importing.parse_yes_no(" 否 ") is False
    assert importing.parse_yes_no(None) is False
    assert importing.parse_yes_no(True) is True
    with pytest.raises(CellError, match="应填“是”或“否”"):
        importing.parse_yes_no("Y")


def test_a_problem_reads_row_column_and_reason() -> None:
    assert str(Problem(7, "公民身份号码", "校验码错误")) == "第7行 [公民身份号码] 校验码错误"


def test_the_result_summarises_counts_and_refusal_zeroes_them() -> None:
    result = ImportResult(created=2, updated=1, unchanged=5)
    assert result.summary == "新增 2 条，更新 1 条，未变 5 条"
    assert result.written
    result.refuse([Problem(2, "代码", "必填项不能为空")])
    assert (result.created, result.updated, result.unchanged) == (0, 0, 0)
    assert not result.ok
    assert not result.written
    assert not ImportResult(created=1, dry_run=True).written


# --- the sheet -------------------------------------------------------------------------------------


@pytest.mark.parametrize("header", ["代码*", " 代码 ", "代 码＊", "代码 *"])
def test_it_matches_headers_ignoring_spaces_and_the_required_star(header: str) -> None:
    assert importing.normalize_header(header) == "代码"


def test_it_reads_rows_by_header_name_in_any_order_with_excel_row_numbers() -> None:
    content = xlsx(["金额", "名称*", "代码*"], [12.5, "甲", "A"], [None, None, None], [" ", "乙", "B"])
    sheet = importing.read_sheet(content, COLUMNS)
    assert not sheet.fatal
    assert sheet.all_problems() == []
    assert [row.number for row in sheet.rows] == [2, 4]  # the empty row 3 is skipped
    assert sheet.rows[0].cells == {"代码": "A", "名称": "甲", "金额": 12.5}
    assert sheet.rows[1].has("金额")
    assert not sheet.rows[1].has("日期")


def test_it_names_an_unknown_column_on_row_1_and_still_reads_the_rows() -> None:
    sheet = importing.read_sheet(xlsx(["代码", "名称", "备注"], ["A", "甲", "x"]), COLUMNS)
    assert not sheet.fatal
    assert [str(p) for p in sheet.problems] == [
        "第1行 [备注] 未知的列“备注”，允许的列：代码、名称、日期、金额"
    ]
    assert len(sheet.rows) == 1


def test_it_refuses_a_missing_required_column_by_name() -> None:
    sheet = importing.read_sheet(xlsx(["名称", "日期"], ["甲", "2020-01-01"]), COLUMNS)
    assert sheet.fatal
    assert [str(p) for p in sheet.problems] == ["第1行 [代码] 缺少必填列"]


def test_it_refuses_duplicate_headers_and_data_without_a_header() -> None:
    sheet = importing.read_sheet(xlsx(["代码", "名称", "代码*", None], ["A", "甲", "A", "孤立"]), COLUMNS)
    assert [str(p) for p in sheet.problems] == ["第1行 [代码] 列名重复", "第1行 [第D列] 该列有数据但没有列名"]


def test_it_refuses_an_empty_header_row() -> None:
    sheet = importing.read_sheet(xlsx([None, None], ["A", "甲"]), COLUMNS)
    assert sheet.fatal
    assert [str(p) for p in sheet.problems] == ["第1行 [表头] 第1行应为表头（列名），实为空行"]


@pytest.mark.parametrize(
    "content", [b"not a spreadsheet", "姓名,性别\n张三,男\n".encode(), b"PK\x03\x04broken zip", b""]
)
def test_it_reports_a_file_that_is_not_xlsx_as_one_clear_problem(content: bytes) -> None:
    sheet = importing.read_sheet(content, COLUMNS)
    assert sheet.fatal
    assert len(sheet.problems) == 1
    assert str(sheet.problems[0]).startswith("第1行 [文件] 不是有效的 .xlsx 文件")


def test_it_reads_a_file_by_path_and_a_named_sheet(tmp_path: Any) -> None:
    path = tmp_path / "会议.xlsx"
    path.write_bytes(xlsx(["代码", "名称"], ["A", "甲"], title="会议"))
    assert len(importing.read_sheet(str(path), COLUMNS, sheet_name="会议").rows) == 1
    missing = importing.read_sheet(path, COLUMNS, sheet_name="出勤")
    assert missing.fatal
    assert str(missing.problems[0]) == "第1行 [文件] 找不到工作表“出勤”"
    assert importing.file_name_of(path) == "会议.xlsx"


def test_row_parsers_record_one_problem_per_cell_and_return_empty_values() -> None:
    sheet = importing.read_sheet(
        xlsx(["代码", "名称", "日期", "金额"], ["A", None, "2020-02-30", "-3"]), COLUMNS
    )
    row = sheet.rows[0]
    assert row.text("代码", required=True, max_length=1) == "A"
    assert row.text("名称", required=True) == ""
    assert row.date("日期") is None
    assert row.decimal("金额") is None
    assert row.decimal("金额") is None  # asked twice, reported once
    assert [str(p) for p in row.problems] == [
        "第2行 [名称] 必填项不能为空",
        "第2行 [日期] “2020-02-30”不是真实的日期",
        "第2行 [金额] 不能为负数（实为 -3）",
    ]


def test_row_text_enforces_the_length() -> None:
    row = importing.read_sheet(xlsx(["代码", "名称"], ["ABCDEF", "甲"]), COLUMNS).rows[0]
    row.text("代码", max_length=4)
    assert [str(p) for p in row.problems] == ["第2行 [代码] 最多4个字，实为6个字"]


def test_a_long_number_reads_as_plain_digits_not_an_exponent() -> None:
    # Excel (and openpyxl) keep 15 significant digits: the digits after them are lost, but the
    # text is still the 18 digits a person would see, so the ID check can say what went wrong.
    sheet = importing.read_sheet(xlsx(["代码", "名称"], [110105194912310021, "甲"]), COLUMNS)
    assert sheet.rows[0].text("代码") == "110105194912310000"


def test_the_template_has_marked_headers_and_a_notes_sheet() -> None:
    book = load_workbook(io.BytesIO(importing.template_bytes("测试", COLUMNS)))
    assert book.sheetnames == ["测试", "填写说明"]
    assert [c.value for c in book["测试"][1]] == ["代码*", "名称*", "日期", "金额"]
    notes = [[c.value for c in row] for row in book["填写说明"].iter_rows(min_row=1, max_row=3)]
    assert notes[0] == ["列名", "是否必填", "允许的值", "说明"]
    assert notes[1][:2] == ["代码", "是"]
    # and it reads back as an empty but valid file
    sheet = importing.read_sheet(importing.template_bytes("测试", COLUMNS), COLUMNS)
    assert (sheet.fatal, sheet.rows, sheet.problems) == (False, [], [])


def test_an_id_number_cell_that_is_a_number_is_refused_even_when_it_reads_as_a_valid_number() -> None:
    """RULES F-3 / SPEC §13: Excel keeps 15 significant digits, so a number cell has been changed
    whatever it now reads — a float that happens to be exact is refused like any other."""
    from zhibu.lib import idnumber

    number = idnumber.make("110101", dt.date(1990, 1, 1), 0, gender=idnumber.MALE)
    exact = next(
        n
        for seq in range(100)
        if (n := idnumber.make("110101", dt.date(1990, 1, 1), seq, gender=idnumber.MALE))[-1] != "X"
        and int(float(n)) == int(n)
    )
    for cell in (float(exact), int(exact)):
        row = importing.Row(2, {"公民身份号码": cell}, frozenset({"公民身份号码"}))
        assert row.id_number("公民身份号码") == ""
        assert [str(p) for p in row.problems] == [
            f"第2行 [公民身份号码] 公民身份号码应为文本：{importing.NUMBER_CELL_HINT}"
        ]
    row = importing.Row(3, {"公民身份号码": number.lower()}, frozenset({"公民身份号码"}))
    assert row.id_number("公民身份号码") == number and row.problems == []
    row = importing.Row(
        4, {"公民身份号码": number[:17] + ("1" if number[17] != "1" else "2")}, frozenset({"公民身份号码"})
    )
    assert row.id_number("公民身份号码") == "" and "校验码" in str(row.problems[0])
