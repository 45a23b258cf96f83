"""Dates as people read them (2026年11月25日) and the calendar arithmetic the rules need."""

import datetime as dt

from django.utils import timezone


def today() -> dt.date:
    return timezone.localdate()


def cn_date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
        return f"{value.year}年{value.month}月{value.day}日 {value:%H:%M}"
    return f"{value.year}年{value.month}月{value.day}日"


def add_months(day: dt.date, months: int) -> dt.date:
    """Same day of month `months` later, clamped to the month's end (31 Jan + 1 → 28/29 Feb)."""
    month_index = day.year * 12 + day.month - 1 + months
    year, month = divmod(month_index, 12)
    month += 1
    last = (dt.date(year + month // 12, month % 12 + 1, 1) - dt.timedelta(days=1)).day
    return dt.date(year, month, min(day.day, last))


def add_years(day: dt.date, years: int) -> dt.date:
    return add_months(day, 12 * years)


def full_years_between(start: dt.date, end: dt.date) -> int:
    """Completed years from start to end (age, 党龄)."""
    years = end.year - start.year
    if (end.month, end.day) < (start.month, start.day):
        years -= 1
    return max(years, 0)
