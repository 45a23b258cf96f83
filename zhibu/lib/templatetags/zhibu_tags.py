from decimal import Decimal, InvalidOperation
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


@register.filter
def num(value: Any) -> str:
    """A quantity without trailing zeros: 12.00 → 12, 10.80 → 10.8 (amounts of money keep |floatformat:2)."""
    if value is None or value == "":
        return ""
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return text
