"""The registers of a development file as .docx (DEV-3, DEV-4): filled only from the records, read
back here with python-docx — the names and dates in their cells, a section per review, "（暂无记录）"
where nothing is recorded, the Chinese font on the styles, the title centred, and an audit event
for every download."""

import datetime as dt
import io
from typing import Any
from urllib.parse import quote

from django.test import Client
from docx import Document
from docx.document import Document as DocumentObject
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn

from zhibu.audit.models import AuditEvent
from zhibu.development import services
from zhibu.development.documents import NOTHING
from zhibu.development.models import DevelopmentFile, Review, Sponsor
from zhibu.development.tests.factories import make_file, make_review
from zhibu.lib.dates import cn_date, today
from zhibu.members.models import Member
from zhibu.members.tests.factories import make_member

D = dt.date


def person(world: Any, name: str, **extra: Any) -> Member:
    extra.setdefault("category", "applicant")
    extra.setdefault("birth", D(1995, 6, 15))
    extra.setdefault("start_on", D(2020, 1, 1))
    return make_member(world.branch_a, name, **extra)


def download(world: Any, file: DevelopmentFile, kind: str, user: str = "secretary_a") -> DocumentObject:
    client = Client()
    client.force_login(world.users[user])
    response = client.get(f"/development/{file.pk}/register/{kind}.docx")
    assert response.status_code == 200
    assert response["Content-Type"].startswith(
        "application/vnd.openxmlformats-officedocument.wordprocessingml"
    )
    return Document(io.BytesIO(response.content))


def paragraphs(doc: DocumentObject) -> list[str]:
    return [p.text for p in doc.paragraphs if p.text]


def cells(doc: DocumentObject) -> dict[str, str]:
    """Label → value of the label–value tables (label cells are bold)."""
    found: dict[str, str] = {}
    for table in doc.tables:
        for row in table.rows:
            texts = [c.text for c in row.cells]
            for index in range(0, len(texts) - 1, 2):
                if texts[index]:
                    found.setdefault(texts[index], texts[index + 1])
    return found


def rows(doc: DocumentObject, header: str) -> list[list[str]]:
    """The rows of the tables whose first header cell is `header`."""
    found = []
    for table in doc.tables:
        if table.rows[0].cells[0].text == header:
            found += [[c.text for c in row.cells] for row in table.rows[1:]]
    return found


def test_dev3_the_activist_register_reads_back_the_person_and_the_steps_so_far(world: Any) -> None:
    member = person(world, "丙积极分子", education="大学本科", post="技术员", ethnicity="回族")
    file = make_file(member, through=5)
    cultivator = Sponsor.objects.get(file=file).member.name
    doc = download(world, file, "activist")
    title = doc.paragraphs[0]
    assert title.text == "入党积极分子登记表" and title.alignment == WD_ALIGN_PARAGRAPH.CENTER
    assert "第一党支部" in doc.paragraphs[1].text
    data = cells(doc)
    assert data["姓名"] == "丙积极分子" and data["性别"] == "男" and data["民族"] == "回族"
    assert data["出生日期"] == "1995年6月15日" and data["学历"] == "大学本科" and data["工作岗位"] == "技术员"
    assert data["递交申请日期"] == cn_date(file.applied_on) == "2022年3月1日"
    assert data["确定积极分子日期"] == cn_date(file.activist_on) == "2022年3月29日"
    assert data["培养联系人"] == cultivator
    steps = rows(doc, "步骤")
    assert [r[0] for r in steps] == [
        "①递交入党申请书",
        "②党组织派人谈话",
        "③确定入党积极分子",
        "④报上级党委备案",
        "⑤指定培养联系人",
    ]
    assert [r[1] for r in steps] == [cn_date(s.done_on) for s in file.steps.order_by("number")]
    meeting = file.steps.get(number=3).meeting
    assert meeting is not None and meeting.topic in steps[2][2] and "支委会" in steps[2][2]
    notice = file.steps.get(number=4).notice
    assert notice is not None and f"公示“{notice.title}”" in steps[3][2]
    assert NOTHING not in paragraphs(doc)


def test_the_registers_carry_the_chinese_font_on_their_styles(world: Any) -> None:
    doc = download(world, make_file(person(world, "丙申请人")), "activist")
    for name in ("Normal", "Table Grid", "Heading 1"):
        fonts = doc.styles[name].element.rPr.rFonts
        assert fonts.get(qn("w:eastAsia")) == "宋体", name
    title_fonts = doc.paragraphs[0].runs[0].element.rPr.rFonts
    assert title_fonts.get(qn("w:eastAsia")) == "黑体"


def test_an_empty_register_still_renders_saying_nothing_is_recorded(world: Any) -> None:
    file = make_file(person(world, "丙申请人"), start=today() - dt.timedelta(days=5))
    review = download(world, file, "review")
    assert review.paragraphs[0].text == "入党积极分子考察登记表"
    assert cells(review)["确定积极分子日期"] == "" and NOTHING in paragraphs(review)
    probationary = download(world, file, "probationary")
    assert cells(probationary)["入党日期"] == "" and cells(probationary)["入党介绍人"] == ""
    assert paragraphs(probationary).count(NOTHING) == 2  # no reviews, no conversion
    activist = download(world, file, "activist")
    assert [r[0] for r in rows(activist, "步骤")] == ["①递交入党申请书"]


def test_dev3_the_review_register_has_one_section_per_activist_review(world: Any) -> None:
    file = make_file(person(world, "丙积极分子"), through=5)
    services.review_record(
        actor=None,
        file=file,
        kind=Review.Kind.ACTIVIST,
        reviewed_on=D(2022, 9, 28),
        period_start=D(2022, 3, 29),
        period_end=D(2022, 9, 28),
        performance="认真学习党章，工作中带头攻关",
        cultivator_opinion="表现突出，建议继续培养",
        branch_opinion="同意",
    )
    make_review(file, Review.Kind.ACTIVIST, D(2023, 3, 20), since=D(2022, 9, 29))
    doc = download(world, file, "review")
    texts = paragraphs(doc)
    assert "第1次考察" in texts and "第2次考察" in texts and "第3次考察" not in texts
    assert NOTHING not in texts
    periods = [r for r in (row for t in doc.tables for row in t.rows) if r.cells[0].text == "考察期"]
    assert [r.cells[1].text for r in periods] == [
        "2022年3月29日至2022年9月28日",
        "2022年9月29日至2023年3月20日",
    ]
    contents = rows(doc, "项目")
    assert contents[:3] == [
        ["现实表现", "认真学习党章，工作中带头攻关"],
        ["培养联系人意见", "表现突出，建议继续培养"],
        ["党支部意见", "同意"],
    ]
    assert contents[4] == ["培养联系人意见", NOTHING]


def test_dev4_the_probationary_register_reads_back_admission_introducers_reviews_and_conversion(
    world: Any,
) -> None:
    file = make_file(person(world, "丙党员"), through=25)
    introducers = "、".join(
        file.sponsors.filter(role=Sponsor.Role.INTRODUCER)
        .order_by("start_on", "id")
        .values_list("member__name", flat=True)
    )
    doc = download(world, file, "probationary")
    data = cells(doc)
    assert data["姓名"] == "丙党员"
    assert data["入党日期"] == cn_date(file.admitted_on) == "2023年5月12日"
    assert data["预备期满日期"] == "2024年5月12日"
    assert data["入党介绍人"] == introducers and len(introducers.split("、")) == 2
    assert data["入党宣誓日期"] == cn_date(file.steps.get(number=20).done_on)
    review = file.reviews.get(kind=Review.Kind.PROBATIONARY)
    periods = [r.cells[1].text for t in doc.tables for r in t.rows if r.cells[0].text == "考察期"]
    assert periods == [f"{cn_date(review.period_start)}至{cn_date(review.period_end)}"]
    conversion = rows(doc, "事项")
    assert [r[0] for r in conversion] == ["提出转正申请", "支部大会讨论转正", "上级党委审批转正", "转正日期"]
    assert conversion[1][1] == cn_date(file.steps.get(number=23).done_on) and "党员大会" in conversion[1][2]
    assert conversion[3][1] == cn_date(file.converted_on) == "2024年5月12日"
    assert NOTHING not in paragraphs(doc)
    # Activist reviews stay in the activist register.
    assert review.performance in [r[1] for r in rows(doc, "项目")]
    assert len(rows(doc, "项目")) == 3


def test_b9_an_extension_is_printed_on_the_probationary_register(world: Any) -> None:
    file = make_file(person(world, "丙预备党员"), through=17)
    services.probation_extend(
        actor=None, file=file, months=6, decided_on=D(2024, 5, 20), meeting=None, basis="支部大会决定"
    )
    texts = paragraphs(download(world, file, "probationary"))
    assert "2024年5月20日经支部大会讨论，延长预备期6个月。" in texts
    assert cells(download(world, file, "probationary"))["预备期满日期"] == "2024年11月12日"


def test_a_download_is_audited_and_scoped(world: Any) -> None:
    file = make_file(person(world, "丙积极分子"), through=3)
    client = Client()
    client.force_login(world.inspector)
    response = client.get(f"/development/{file.pk}/register/review.docx")
    assert response.status_code == 200
    assert quote("丙积极分子入党积极分子考察登记表.docx") in response["Content-Disposition"]
    event = AuditEvent.objects.get(action=AuditEvent.Action.EXPORT)
    assert (event.object_type, event.object_id) == ("development.developmentfile", str(file.pk))
    assert event.actor_id == world.inspector.pk and event.organisation_id == world.branch_a.pk
    assert "入党积极分子考察登记表" in event.note
    assert client.get(f"/development/{file.pk}/register/other.docx").status_code == 404
    other = Client()
    other.force_login(world.secretary_b)
    assert other.get(f"/development/{file.pk}/register/review.docx").status_code == 404
    member = Client()
    member.force_login(world.member_a)
    assert member.get(f"/development/{file.pk}/register/review.docx").status_code == 403
    assert AuditEvent.objects.filter(action=AuditEvent.Action.EXPORT).count() == 1
