from typing import Any

from django import template
from django.utils.http import urlencode

from zhibu.lib.dates import cn_date as _cn_date

register = template.Library()


@register.filter
def cn_date(value: Any) -> str:
    """2026年11月25日."""
    return _cn_date(value)


@register.simple_tag(takes_context=True)
def query_replace(context: Any, **changes: Any) -> str:
    """The current query string with some parameters replaced (pagination keeps the filters)."""
    params = context["request"].GET.copy()
    for key, value in changes.items():
        params[key] = value
    return urlencode(sorted(params.lists()), doseq=True)


@register.filter
def yes_no(value: Any) -> str:
    return "是" if value else "否"
