"""Authorization-matrix rows for this app's routes (collected by
zhibu/accounts/tests/test_authorization_matrix.py). The registry's original routes have their rows
in that file; new routes of this app add theirs here."""

from typing import Any

from zhibu.accounts.tests.matrix import Row

ROWS: dict[str, Row] = {}


def extra_objects(world: Any) -> dict[str, Any]:
    """Objects the rows' URLs need, created for each matrix test."""
    return {}
