from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhibu.lib.importing import run_import_command
from zhibu.meetings.exchange import import_meetings


class Command(BaseCommand):
    help = (
        "从 .xlsx 导入会议台账（SPEC §13）：工作表“会议”和“出勤”；有任何一行有误则不写入，"
        "逐行列出问题并以非零状态退出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Excel 文件（.xlsx），含“会议”“出勤”两个工作表")
        parser.add_argument("--dry-run", action="store_true", help="仅校验，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import_command(self, import_meetings, options["file"], dry_run=options["dry_run"])
