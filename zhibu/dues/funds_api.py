"""党建经费 API (DUES-3), mounted at /api/funds."""

from ninja import Router

router = Router(tags=["党建经费"])
