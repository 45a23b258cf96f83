"""公民身份号码 (GB 11643-1999): 18 characters, birth date in positions 7–14, gender in position 17
(odd = male), ISO 7064 MOD 11-2 check character in position 18 (RULES F-3)."""

import datetime as dt
import re
from dataclasses import dataclass

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK = "10X98765432"
_SHAPE = re.compile(r"^\d{17}[\dX]$")

MALE = "male"
FEMALE = "female"


class IdNumberError(ValueError):
    """The reason is a Chinese sentence fit to show a user."""


@dataclass(frozen=True)
class IdNumber:
    value: str
    birth_date: dt.date
    gender: str


def check_character(first17: str) -> str:
    total = sum(int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True))
    return _CHECK[total % 11]


def normalize(raw: object) -> str:
    return str(raw or "").strip().replace(" ", "").upper()


def parse(raw: object, *, today: dt.date | None = None) -> IdNumber:
    value = normalize(raw)
    if len(value) != 18:
        raise IdNumberError(f"公民身份号码应为18位，实为{len(value)}位")
    if not _SHAPE.match(value):
        raise IdNumberError("公民身份号码前17位应为数字，第18位为数字或X")
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdNumberError(f"公民身份号码中的出生日期 {value[6:14]} 不是真实日期") from None
    if birth.year < 1900 or (today is not None and birth > today):
        raise IdNumberError(f"公民身份号码中的出生日期 {value[6:14]} 不可能")
    expected = check_character(value[:17])
    if value[17] != expected:
        raise IdNumberError(f"公民身份号码校验码错误（第18位应为{expected}）")
    gender = MALE if int(value[16]) % 2 == 1 else FEMALE
    return IdNumber(value=value, birth_date=birth, gender=gender)


def make(region: str, birth: dt.date, sequence: int, *, gender: str) -> str:
    """Build a valid number (for demo data and tests): sequence 0–99 and the gender digit."""
    gender_digit = (sequence % 5) * 2 + (1 if gender == MALE else 0)
    first17 = f"{region}{birth:%Y%m%d}{sequence % 100:02d}{gender_digit}"
    return first17 + check_character(first17)


def mask(value: str) -> str:
    """1101**********1234: the first four and last four characters (MEM-6)."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]
