from typing import Any

from django.core.management.base import BaseCommand, CommandParser

from zhibu.dues.exchange import import_dues
from zhibu.lib.importing import run_import_command


class Command(BaseCommand):
    help = (
        "从 .xlsx 导入党费交纳记录（SPEC §13）：第一个工作表，列 公民身份号码*、月份*（YYYY-MM）、应交金额、"
        "实交金额*、交纳日期*；有任何一行有误则不写入，逐行列出问题并以非零状态退出。"
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", help="Excel 文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="仅校验，不写入")

    def handle(self, *args: Any, **options: Any) -> None:
        run_import_command(self, import_dues, options["file"], dry_run=options["dry_run"])
