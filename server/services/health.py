"""A round trip to the database, so health means the app can actually serve."""

from server.tables import Region


async def ping() -> None:
    await Region.raw("SELECT 1")
