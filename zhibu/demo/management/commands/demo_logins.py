"""`python manage.py demo_logins`: the demo accounts as a table (`make run` prints it first)."""

import unicodedata
from typing import Any

from django.core.management.base import BaseCommand

from zhibu.accounts.models import Role, User
from zhibu.demo.accounts import LOGINS
from zhibu.demo.base import PASSWORD
from zhibu.orgs.models import Organisation


def width(text: str) -> int:
    """Columns a terminal gives `text`: Chinese characters take two."""
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def pad(text: str, columns: int) -> str:
    return text + " " * (columns - width(text))


def table(rows: list[list[str]]) -> str:
    """Every column padded to its widest cell except the last, which is free text."""
    widths = [max(width(row[i]) for row in rows) for i in range(len(rows[0]) - 1)]
    lines = []
    for number, row in enumerate(rows):
        lines.append(
            "  ".join([*(pad(cell, widths[i]) for i, cell in enumerate(row[:-1])), row[-1]]).rstrip()
        )
        if number == 0:
            lines.append("  ".join(["-" * w for w in widths] + ["-" * 10]))
    return "\n".join(lines)


class Command(BaseCommand):
    help = "列出演示账号（用户名、密码、角色、所在组织、可以试试的功能）。"

    def handle(self, *args: Any, **options: Any) -> None:
        users = {u.username: u for u in User.objects.filter(username__in=[x.username for x in LOGINS])}
        orgs = dict(
            Organisation.objects.filter(code__in={x.org_code for x in LOGINS}).values_list("code", "name")
        )
        rows = [["用户名", "密码", "角色", "所在组织", "姓名", "可以试试"]]
        for login in LOGINS:
            user = users.get(login.username)
            rows.append(
                [
                    login.username,
                    PASSWORD,
                    Role(login.role).label,
                    orgs.get(login.org_code, login.org_code),
                    user.display_name if user else "（未创建）",
                    login.try_this,
                ]
            )
        self.stdout.write(f"演示账号（密码均为 {PASSWORD}，登录后请勿用于真实数据）：\n")
        self.stdout.write(table(rows))
        if len(users) < len(LOGINS):
            self.stdout.write(
                self.style.WARNING("\n部分演示账号尚未创建，请先运行 python manage.py demo_data。")
            )
