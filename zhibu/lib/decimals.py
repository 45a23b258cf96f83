from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def money(value: Decimal | int | str) -> Decimal:
    """Round half-up to 2 places (分; scores use the same rule)."""
    return Decimal(value).quantize(CENT, rounding=ROUND_HALF_UP)
