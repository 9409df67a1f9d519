"""At most ``HTTP_CONCURRENCY`` HTTP requests inside Django at once, per process.

Django runs each request's synchronous code in a thread of its own. When a room of
phones reconnects at once, 600 re-sync GETs meant 600 threads contending for one GIL
and for the database pool (psycopg's ``PoolTimeout``), while the websocket handshakes,
whose database work goes through Channels' one database thread, starved until Daphne
dropped them. The requests past the limit wait their turn on the event loop, which
costs nothing, and are served in order of arrival.
"""

import asyncio

from workshops.loops import PerLoop


class ConcurrencyLimit:
    def __init__(self, app, limit: int):
        self.app = app
        self.limit = limit
        self._slots = PerLoop(lambda: asyncio.Semaphore(limit))

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        async with self._slots.get():
            return await self.app(scope, receive, send)
