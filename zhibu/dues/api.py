"""党费 API (DUES-1, DUES-2), mounted at /api/dues."""

from ninja import Router

router = Router(tags=["党费"])
