"""The registers of a development file as Word documents (DEV-3, DEV-4; python-docx): the
入党积极分子登记表, the 入党积极分子考察登记表 and the 预备党员考察登记表. They are filled only from the
records (P-1: typed once, printed from there); a register with nothing recorded yet still prints,
saying "（暂无记录）". Every style carries an East Asian font, so Word shows the Chinese as 宋体."""

import io
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.style import WD_STYLE_TYPE
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Pt

from zhibu.development import selectors
from zhibu.development.models import DevelopmentFile, DevelopmentStep, Review, Sponsor, Stage
from zhibu.development.steps import step as step_info
from zhibu.lib.dates import cn_date, today

DOCX_MIME = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
FONT = "宋体"
TITLE_FONT = "黑体"
NOTHING = "（暂无记录）"
FONT_STYLE_TYPES = (WD_STYLE_TYPE.PARAGRAPH, WD_STYLE_TYPE.CHARACTER, WD_STYLE_TYPE.TABLE)


def _font(style_or_run: object, name: str) -> None:
    font = style_or_run.font  # type: ignore[attr-defined]
    font.name = name
    element = style_or_run.element  # type: ignore[attr-defined]
    rpr = element.get_or_add_rPr()
    rfonts = rpr.get_or_add_rFonts()
    rfonts.set(qn("w:eastAsia"), name)


def _new(title: str, file: DevelopmentFile) -> DocumentObject:
    doc = Document()
    for style in doc.styles:
        if style.type in FONT_STYLE_TYPES:
            _font(style, FONT)
    doc.styles["Normal"].font.size = Pt(11)  # type: ignore[union-attr]
    heading = doc.add_paragraph()
    heading.alignment = WD_ALIGN_PARAGRAPH.CENTER
    run = heading.add_run(title)
    run.bold = True
    run.font.size = Pt(18)
    _font(run, TITLE_FONT)
    line = doc.add_paragraph(f"党支部：{file.member.branch.name}　　　　填表日期：{cn_date(today())}")
    line.alignment = WD_ALIGN_PARAGRAPH.CENTER
    return doc


def _pairs(doc: DocumentObject, pairs: Sequence[tuple[str, str]]) -> None:
    """Label–value pairs, two pairs a row, in a bordered table like the paper form."""
    rows = (len(pairs) + 1) // 2
    table = doc.add_table(rows=rows, cols=4)
    table.style = "Table Grid"
    for index, (label, value) in enumerate(pairs):
        cells = table.rows[index // 2].cells
        offset = (index % 2) * 2
        cells[offset].text = label
        cells[offset].paragraphs[0].runs[0].bold = True
        cells[offset + 1].text = value


def _rows(doc: DocumentObject, headers: Sequence[str], rows: Sequence[Sequence[str]]) -> None:
    table = doc.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers, strict=True):
        cell.text = text
        cell.paragraphs[0].runs[0].bold = True
    for row in rows:
        cells = table.add_row().cells
        for cell, text in zip(cells, row, strict=True):
            cell.text = text


def _section(doc: DocumentObject, title: str) -> None:
    paragraph = doc.add_paragraph()
    paragraph.paragraph_format.space_before = Pt(12)
    run = paragraph.add_run(title)
    run.bold = True
    run.font.size = Pt(13)


def _nothing(doc: DocumentObject) -> None:
    doc.add_paragraph(NOTHING)


def decision_text(record: DevelopmentStep) -> str:
    """The decision behind a step as people read it: the meeting (kind, date, topic) or the basis."""
    parts = []
    if record.meeting is not None:
        m = record.meeting
        parts.append(f"{cn_date(m.held_on)}{m.get_kind_display()}“{m.topic}”")
    if record.basis:
        parts.append(record.basis)
    if record.notice is not None:
        n = record.notice
        parts.append(f"公示“{n.title}”（{cn_date(n.start_on)}至{cn_date(n.end_on)}）")
    return "；".join(parts)


def _people(sponsors: Sequence[Sponsor], role: str) -> str:
    """Everyone who held `role`, with the period of those replaced."""
    names = []
    for s in sponsors:
        if s.role != role:
            continue
        if s.end_on is None:
            names.append(s.member.name)
        else:
            names.append(f"{s.member.name}（{cn_date(s.start_on)}至{cn_date(s.end_on)}，{s.end_reason}）")
    return "、".join(names)


@dataclass
class _Records:
    file: DevelopmentFile
    steps: dict[int, DevelopmentStep]
    sponsors: list[Sponsor]
    reviews: list[Review]

    def on(self, number: int) -> str:
        record = self.steps.get(number)
        return cn_date(record.done_on) if record else ""


def _load(file: DevelopmentFile) -> _Records:
    steps = file.steps.select_related("meeting", "notice").order_by("number")
    sponsors = file.sponsors.select_related("member").order_by("role", "start_on", "id")
    reviews = file.reviews.order_by("reviewed_on", "id")
    return _Records(file, {s.number: s for s in steps}, list(sponsors), list(reviews))


def _person(records: _Records) -> list[tuple[str, str]]:
    member = records.file.member
    return [
        ("姓名", member.name),
        ("性别", member.get_gender_display()),
        ("民族", member.ethnicity),
        ("出生日期", cn_date(member.birth_date)),
        ("学历", member.education),
        ("工作岗位", "　".join(p for p in (member.work_unit, member.post) if p)),
    ]


def _review_sections(doc: DocumentObject, reviews: Sequence[Review]) -> None:
    if not reviews:
        _nothing(doc)
        return
    for index, review in enumerate(reviews, start=1):
        _section(doc, f"第{index}次考察")
        _pairs(
            doc,
            [
                ("考察期", f"{cn_date(review.period_start)}至{cn_date(review.period_end)}"),
                ("考察日期", cn_date(review.reviewed_on)),
            ],
        )
        _rows(
            doc,
            ("项目", "内容"),
            [
                ("现实表现", review.performance),
                ("培养联系人意见", review.cultivator_opinion or NOTHING),
                ("党支部意见", review.branch_opinion or NOTHING),
            ],
        )


def activist_register(file: DevelopmentFile) -> DocumentObject:
    """入党积极分子登记表: the personal data and the steps recorded so far."""
    records = _load(file)
    doc = _new("入党积极分子登记表", file)
    _pairs(
        doc,
        [
            *_person(records),
            ("递交申请日期", cn_date(file.applied_on)),
            ("确定积极分子日期", cn_date(file.activist_on) or records.on(3)),
            ("培养联系人", _people(records.sponsors, Sponsor.Role.CULTIVATOR)),
        ],
    )
    _section(doc, "发展过程记录")
    if not records.steps:
        _nothing(doc)
    else:
        _rows(
            doc,
            ("步骤", "日期", "决定或依据", "情况记录"),
            [
                (step_info(n).label, cn_date(r.done_on), decision_text(r), r.note)
                for n, r in sorted(records.steps.items())
            ],
        )
    return doc


def review_register(file: DevelopmentFile) -> DocumentObject:
    """入党积极分子考察登记表: one section per half-yearly review of the activist (RULES B-4)."""
    records = _load(file)
    doc = _new("入党积极分子考察登记表", file)
    member = file.member
    _pairs(
        doc,
        [
            ("姓名", member.name),
            ("性别", member.get_gender_display()),
            ("出生日期", cn_date(member.birth_date)),
            ("确定积极分子日期", cn_date(file.activist_on) or records.on(3)),
            ("培养联系人", _people(records.sponsors, Sponsor.Role.CULTIVATOR)),
            ("确定发展对象日期", cn_date(file.candidate_on) or records.on(7)),
        ],
    )
    _section(doc, "考察记录")
    _review_sections(doc, [r for r in records.reviews if r.kind == Review.Kind.ACTIVIST])
    return doc


def probationary_register(file: DevelopmentFile) -> DocumentObject:
    """预备党员考察登记表: admission, 入党介绍人, the reviews of the probation and the conversion."""
    records = _load(file)
    doc = _new("预备党员考察登记表", file)
    member = file.member
    end = selectors.probation_end(file) if file.admitted_on else None
    _pairs(
        doc,
        [
            ("姓名", member.name),
            ("性别", member.get_gender_display()),
            ("出生日期", cn_date(member.birth_date)),
            ("学历", member.education),
            ("入党日期", cn_date(file.admitted_on) or records.on(15)),
            ("预备期满日期", cn_date(end)),
            ("入党介绍人", _people(records.sponsors, Sponsor.Role.INTRODUCER)),
            ("入党宣誓日期", records.on(20)),
        ],
    )
    _section(doc, "教育考察记录")
    _review_sections(doc, [r for r in records.reviews if r.kind == Review.Kind.PROBATIONARY])
    if file.extension_months:
        _section(doc, "延长预备期")
        doc.add_paragraph(
            f"{cn_date(file.extension_decided_on)}经支部大会讨论，延长预备期{file.extension_months}个月。"
        )
    _section(doc, "转正情况")
    conversion = [n for n in (22, 23, 24) if n in records.steps]
    if not conversion and not file.converted_on:
        _nothing(doc)
    else:
        _rows(
            doc,
            ("事项", "日期", "决定或依据"),
            [
                (step_info(n).name, cn_date(records.steps[n].done_on), decision_text(records.steps[n]))
                for n in conversion
            ]
            + (
                [("转正日期", cn_date(file.converted_on), "自预备期满之日起计算党龄")]
                if file.converted_on
                else []
            ),
        )
    if file.stage == Stage.CANCELLED:
        _section(doc, "取消预备党员资格")
        doc.add_paragraph(f"{cn_date(file.closed_on)}：{file.closed_reason}")
    return doc


REGISTERS: dict[str, tuple[str, Callable[[DevelopmentFile], DocumentObject]]] = {
    "activist": ("入党积极分子登记表", activist_register),
    "review": ("入党积极分子考察登记表", review_register),
    "probationary": ("预备党员考察登记表", probationary_register),
}


def register_bytes(file: DevelopmentFile, kind: str) -> tuple[str, bytes]:
    """The file name and the .docx bytes of register `kind` (a key of REGISTERS)."""
    title, build = REGISTERS[kind]
    buffer = io.BytesIO()
    build(file).save(buffer)
    return f"{file.member.name}{title}.docx", buffer.getvalue()
