"""Liveness with the database kind."""

from litestar import get
from litestar.datastructures import State

from server.services import health


@get("/api/health", exclude_from_auth=True, tags=["health"])
async def health_check(state: State) -> dict[str, str]:
    await health.ping()
    return {"status": "ok", "database": state.settings.database_kind}
