"""`python manage.py demo_data`: load the demo enterprise (idempotent: a second run changes nothing)."""

import time
from typing import Any

from django.core.management.base import BaseCommand

from zhibu.demo.base import PASSWORD
from zhibu.demo.loader import load_demo


class Command(BaseCommand):
    help = "载入演示数据（东江石油销售有限公司党委）：党组织、党员、委员会、转接记录和演示账号。可重复运行。"

    def handle(self, *args: Any, **options: Any) -> None:
        started = time.monotonic()
        results = load_demo()
        total = sum(count for _, count in results)
        if total == 0:
            self.stdout.write("演示数据已存在，本次未做任何修改。")
            return
        for name, count in results:
            self.stdout.write(f"  {name}：{'新建 ' + str(count) + ' 条记录' if count else '已存在，跳过'}")
        self.stdout.write(
            self.style.SUCCESS(
                f"演示数据已载入（{time.monotonic() - started:.1f} 秒）。演示账号的密码均为 {PASSWORD}，"
                "运行 python manage.py demo_logins 查看账号列表。"
            )
        )
