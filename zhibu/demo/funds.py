"""党建经费 of the demo (DUES-3): this year's budget of the party committee and of three branches,
and spending through the year with a receipt (a small PDF) for every expense — one line nearly
used up, so the page shows the remaining amount doing its work. Idempotent per organisation and year."""

import datetime as dt
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from zhibu.demo.base import Demo, Section
from zhibu.dues import funds
from zhibu.dues.models import FundBudget, FundLine
from zhibu.orgs.models import Organisation

D = Decimal
# organisation code → (line, budget, [(month, amount, purpose, payee)])
PLANS: dict[str, list[tuple[str, D, list[tuple[int, D, str, str]]]]] = {
    "DJ": [
        (
            FundLine.EDUCATION,
            D("60000.00"),
            [
                (3, D("18600.00"), "党支部书记轮训班培训费", "东江市委党校"),
                (6, D("12400.00"), "入党积极分子、发展对象集中培训班", "东江市委党校"),
            ],
        ),
        (
            FundLine.COMMENDATION,
            D("30000.00"),
            [(7, D("21500.00"), "“两优一先”表彰奖励（七一）", "东江石油销售有限公司工会")],
        ),
        (
            FundLine.MATERIALS,
            D("8000.00"),
            [(1, D("6240.00"), "订阅《求是》《党建》等学习刊物", "东江市邮政局")],
        ),
    ],
    "DJ-LS-CQ": [
        (
            FundLine.ACTIVITIES,
            D("12000.00"),
            [
                (4, D("3860.00"), "清明节革命传统教育主题党日（烈士陵园）", "东江市旅游客运公司"),
                (9, D("7900.00"), "“加油站党员先锋岗”特色活动物料", "东江市红星广告有限公司"),
            ],
        ),
        (FundLine.CARE, D("6000.00"), [(1, D("4000.00"), "春节走访慰问困难党员和老党员", "困难党员（4人）")]),
    ],
    "DJ-CY-YK": [
        (
            FundLine.FACILITIES,
            D("15000.00"),
            [(5, D("11800.00"), "油库党员活动室改造（展板、桌椅）", "东江市宏达装饰工程有限公司")],
        ),
        (
            FundLine.ACTIVITIES,
            D("5000.00"),
            [(10, D("2150.00"), "安全生产主题党日活动", "东江市应急救援培训中心")],
        ),
    ],
    "DJ-CW": [
        (
            FundLine.MATERIALS,
            D("3000.00"),
            [(2, D("1280.00"), "党员学习书籍（党的二十届四中全会辅导读本）", "新华书店东江分店")],
        ),
    ],
}


def _receipt(name: str) -> SimpleUploadedFile:
    """A tiny but real PDF standing for a scanned invoice."""
    body = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n"
        b"2 0 obj<</Type/Pages/Count 1/Kids[3 0 R]>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 100]>>endobj\n"
        b"trailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile(name, body, content_type="application/pdf")


def load(demo: Demo) -> int:
    year = demo.on.year
    created = 0
    for code, lines in PLANS.items():
        organisation = Organisation.objects.filter(code=code).first()
        if organisation is None or FundBudget.objects.filter(organisation=organisation, year=year).exists():
            continue
        for line, amount, expenses in lines:
            budget = funds.budget_set(
                actor=demo.actor,
                organisation=organisation,
                year=year,
                line=line,
                amount=amount,
                note="年初预算",
            )
            created += 1
            for number, (month, spent, purpose, payee) in enumerate(expenses, start=1):
                spent_on = dt.date(year, month, 15)
                if spent_on >= demo.on:
                    continue
                funds.expense_record(
                    actor=demo.actor,
                    budget=budget,
                    spent_on=spent_on,
                    amount=spent,
                    purpose=purpose,
                    payee=payee,
                    voucher_number=f"DJ{year}{month:02d}-{number:03d}",
                    approver="党委副书记",
                    receipts=[_receipt(f"发票-{year}{month:02d}-{number}.pdf")],
                )
                created += 1
    return created


SECTION = Section("党建经费", load)
