"""Authorization-matrix rows for this app's routes (collected by
zhibu/accounts/tests/test_authorization_matrix.py)."""

from typing import Any

from zhibu.accounts.tests.matrix import Row

ROWS: dict[str, Row] = {}


def extra_objects(world: Any) -> dict[str, Any]:
    """Objects the rows' URLs need, created for each matrix test."""
    return {}
