"""发展党员 API (DEV-1…6), mounted at /api/development."""

from ninja import Router

router = Router(tags=["发展党员"])
