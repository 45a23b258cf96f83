"""Authorization-matrix rows for this app's routes (see zhibu/accounts/tests/matrix.py)."""

from typing import Any

from zhibu.accounts.tests.matrix import Row

ROWS: dict[str, Row] = {}


def extra_objects(world: Any) -> dict[str, Any]:
    return {}
