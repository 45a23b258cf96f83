"""Authorization-matrix rows for the dues-ledger import (SPEC §13 import_dues; see
zhibu/accounts/tests/matrix.py): the upload and the template need `dues.edit` (org officer and branch
secretaries)."""

from typing import Any

from zhibu.accounts.tests.matrix import Row, every

DUES_EDITORS = ("officer", "secretary_a", "secretary_b")

ROWS: dict[str, Row] = {
    "dues:import": Row("get", lambda o: "/dues/import/", every(*DUES_EDITORS)),
    "dues:import_template": Row("get", lambda o: "/dues/import/template.xlsx", every(*DUES_EDITORS)),
}


def extra_objects(world: Any) -> dict[str, Any]:
    return {}
