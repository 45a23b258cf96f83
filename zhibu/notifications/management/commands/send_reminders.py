import datetime as dt
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from zhibu.lib.dates import today
from zhibu.notifications.services import KINDS, reminders_send


class Command(BaseCommand):
    help = (
        "生成提醒（NOTIFY-1），每天运行一次：支委会、党员大会、党课缺项，委员会任期届满，流动党员汇报逾期，"
        "目标到期和逾期。同一提醒不会重复生成；用户有电子邮箱时同时发送邮件。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--date", help="按哪一天计算（YYYY-MM-DD），默认今天")
        parser.add_argument("--no-email", action="store_true", help="只生成站内提醒，不发送邮件")

    def handle(self, *args: Any, **options: Any) -> None:
        on = today()
        if options["date"]:
            try:
                on = dt.date.fromisoformat(options["date"])
            except ValueError:
                raise CommandError(f"日期格式应为 YYYY-MM-DD，实为“{options['date']}”") from None
        created = reminders_send(on=on, email=not options["no_email"])
        if not created:
            self.stdout.write(f"{on:%Y-%m-%d}：没有新的提醒。")
            return
        parts = [f"{KINDS.get(kind, kind)} {count} 条" for kind, count in sorted(created.items())]
        self.stdout.write(f"{on:%Y-%m-%d}：新建提醒 {sum(created.values())} 条（{'，'.join(parts)}）。")
