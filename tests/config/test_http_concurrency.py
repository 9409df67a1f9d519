"""At most HTTP_CONCURRENCY requests inside Django at once; the rest wait their turn in order."""

import asyncio

from config.limits import ConcurrencyLimit


class SlowApp:
    """An ASGI app that holds each request until told to let it go, counting them."""

    def __init__(self):
        self.inside = 0
        self.most_inside = 0
        self.order: list[int] = []
        self.release = asyncio.Event()

    async def __call__(self, scope, receive, send):
        self.inside += 1
        self.most_inside = max(self.most_inside, self.inside)
        self.order.append(scope["n"])
        await self.release.wait()
        self.inside -= 1


async def test_requests_past_the_limit_wait_and_are_served_in_order_of_arrival():
    app = SlowApp()
    limited = ConcurrencyLimit(app, limit=3)
    requests = [
        asyncio.create_task(limited({"type": "http", "n": n}, None, None)) for n in range(10)
    ]
    for _tick in range(5):
        await asyncio.sleep(0)

    assert app.inside == 3
    app.release.set()
    await asyncio.gather(*requests)
    assert app.most_inside == 3
    assert app.order == list(range(10))


async def test_websockets_are_not_counted():
    app = SlowApp()
    limited = ConcurrencyLimit(app, limit=1)
    sockets = [
        asyncio.create_task(limited({"type": "websocket", "n": n}, None, None)) for n in range(4)
    ]
    for _tick in range(5):
        await asyncio.sleep(0)

    assert app.inside == 4
    app.release.set()
    await asyncio.gather(*sockets)
