"""Redis trouble under a real Daphne: stopped, restarted, frozen. A post-it the server saved
is answered as saved, exactly once; nothing waits on Redis; sockets come back to life.

Each test runs a redis-server of its own, so stopping it disturbs nobody else.
"""

import asyncio
import contextlib
import shutil
import signal
import subprocess
import time

import aiohttp
import pytest
import redis

from tests.conftest import require
from tests.e2e.servers import free_port
from tests.live.clients import cookie, join, new_client
from workshops.models import PostIt

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]


class RedisServer:
    def __init__(self, binary: str, tmp_path):
        self.binary = binary
        self.port = free_port()
        self.log = tmp_path / "redis.log"
        self.process: subprocess.Popen | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        self.process = subprocess.Popen(
            [self.binary, "--port", str(self.port), "--bind", "127.0.0.1"]
            + ["--save", "", "--appendonly", "no", "--logfile", str(self.log)],
            stdin=subprocess.DEVNULL,
        )
        client = redis.Redis(port=self.port, socket_timeout=1)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.ConnectionError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.send_signal(signal.SIGCONT)  # a frozen server cannot stop
            self.process.terminate()
            self.process.wait(10)

    def freeze(self) -> None:
        self.process.send_signal(signal.SIGSTOP)

    def thaw(self) -> None:
        self.process.send_signal(signal.SIGCONT)


@pytest.fixture
def own_redis(tmp_path):
    binary = shutil.which("redis-server")
    require(bool(binary), "redis-server", "apt-get install redis-server")
    server = RedisServer(binary, tmp_path)
    server.start()
    yield server
    server.stop()


async def post_postit(client, server, code: str, text: str) -> int:
    async with client.post(
        f"{server.url}/j/{code}/postits/",
        data={"kind": "offer", "text": text, "theme": ""},
        headers={"X-CSRFToken": cookie(client, "csrftoken"), "HX-Request": "true"},
    ) as response:
        await response.read()
        return response.status


async def open_phone(client, server, code: str):
    return await client.ws_connect(f"{server.ws_url}/ws/j/{code}/", headers={"Origin": server.url})


async def text_with(socket, needle: str) -> str:
    while True:
        message = await socket.receive(timeout=10)
        assert message.type == aiohttp.WSMsgType.TEXT, message
        if needle in message.data:
            return message.data


async def closed(socket) -> bool:
    message = await socket.receive(timeout=15)
    return message.type in (aiohttp.WSMsgType.CLOSE, aiohttp.WSMsgType.CLOSED)


def saved_texts() -> list[str]:
    return list(PostIt.objects.order_by("text").values_list("text", flat=True))


async def test_post_its_written_while_redis_is_stopped_are_answered_as_saved_exactly_once(
    own_redis, daphne_factory, seats
):
    server = daphne_factory(redis_url=own_redis.url)
    code = seats["code"]
    async with new_client() as alice, new_client() as bruno:
        await join(alice, server.url, code, "Alice", seats["alice"])
        await join(bruno, server.url, code, "Bruno", seats["bruno"])
        phone = await open_phone(bruno, server, code)

        own_redis.stop()
        texts = [f"Pendant la panne {n}" for n in range(5)]
        statuses = [await post_postit(alice, server, code, text) for text in texts]

        assert statuses == [200] * 5  # saved, and said so: a retry would duplicate it
        assert await asyncio.to_thread(saved_texts) == texts
        assert await closed(phone)  # its consumer lost the layer: the page reconnects

        own_redis.start()  # same port, empty: the pooled connections are all dead
        # The first handshake and the first post-it after the restart both work.
        phone = await open_phone(bruno, server, code)
        assert await post_postit(alice, server, code, "Après la panne") == 200
        await text_with(phone, "Après la panne")  # live again
        # A post-it travels alone: what the socket missed, the phone's re-sync brings (its
        # page fetches the board whenever its socket opens). Nothing was lost.
        async with bruno.get(f"{server.url}/j/{code}/board/") as response:
            board = await response.text()
        assert all(text in board for text in [*texts, "Après la panne"])
        await phone.close()

    assert await asyncio.to_thread(saved_texts) == sorted([*texts, "Après la panne"])
    assert "live update not sent" in server.log()


async def test_a_frozen_redis_holds_no_request_back(own_redis, daphne_factory, seats):
    """SIGSTOP: Redis accepts connections and never answers. Each request below returns
    while Redis is still frozen, so none of them waited for it."""
    server = daphne_factory(redis_url=own_redis.url, env={"BROADCAST_TIMEOUT_SECONDS": "1"})
    code = seats["code"]
    async with new_client() as alice, new_client() as bruno:
        await join(alice, server.url, code, "Alice", seats["alice"])
        await join(bruno, server.url, code, "Bruno", seats["bruno"])
        phone = await open_phone(bruno, server, code)

        own_redis.freeze()
        try:
            assert await post_postit(alice, server, code, "Redis figé") == 200
            async with bruno.get(f"{server.url}/j/{code}/board/") as response:
                assert response.status == 200
                assert "Redis figé" in await response.text()
            assert await asyncio.to_thread(saved_texts) == ["Redis figé"]
        finally:
            own_redis.thaw()

        assert await post_postit(alice, server, code, "Redis revenu") == 200
        if not phone.closed:
            await phone.close()
        phone = await open_phone(bruno, server, code)
        assert await post_postit(alice, server, code, "Et encore") == 200
        assert "Et encore" in await text_with(phone, "Et encore")
        await phone.close()


PHONES = 8  # twice a process's HTTP slots (HTTP_CONCURRENCY): half of them queue
BREAKER_SECONDS = 2.0
ANSWERED_WITHIN = 2.5  # seconds; before the breaker, half the writes took 4 s or more


async def timed_postit(client, server, code: str, text: str) -> tuple[int, float]:
    started = time.monotonic()
    status = await post_postit(client, server, code, text)
    return status, time.monotonic() - started


async def wave(phones, server, code: str, label: str) -> list[tuple[int, float]]:
    return await asyncio.gather(
        *(timed_postit(phone, server, code, f"{label} {n}") for n, phone in enumerate(phones))
    )


async def counters(client, server) -> dict:
    async with client.get(f"{server.url}/__stats__/") as response:
        return await response.json()


async def test_a_frozen_redis_costs_a_write_one_timeout_at_most(own_redis, daphne_factory, seats):
    """Each write would ask Redis twice (its rate limit, its broadcast), a second each when
    Redis is frozen. The first failure opens the breaker: the writes queued behind it, and
    those that follow, do not call Redis at all, save one call a period to see if it is back."""
    server = daphne_factory(
        redis_url=own_redis.url,
        env={
            "BROADCAST_TIMEOUT_SECONDS": "1",
            "REDIS_BREAKER_SECONDS": str(BREAKER_SECONDS),
            "HTTP_CONCURRENCY": "4",
            "PANIERS_STATS": "1",
        },
    )
    code = seats["code"]
    async with contextlib.AsyncExitStack() as stack:
        phones = [await stack.enter_async_context(new_client()) for _ in range(PHONES)]
        for n, phone in enumerate(phones):
            await join(phone, server.url, code, f"Tel{n}", seats["alice" if n % 2 else "bruno"])
        before = await counters(phones[0], server)

        own_redis.freeze()
        try:
            frozen_at = time.monotonic()
            answers = await wave(phones, server, code, "Figé A")
            answers += await wave(phones, server, code, "Figé B")
            await asyncio.sleep(BREAKER_SECONDS)  # the next write finds out if Redis is back
            answers += await wave(phones, server, code, "Figé C")
            frozen_for = time.monotonic() - frozen_at
            during = await counters(phones[0], server)
        finally:
            own_redis.thaw()
        answers += await wave(phones, server, code, "Réveil A")
        await asyncio.sleep(BREAKER_SECONDS)
        answers += await wave(phones, server, code, "Réveil B")
        after = await counters(phones[0], server)

        assert [status for status, _ in answers] == [200] * len(answers)
        assert max(seconds for _, seconds in answers) < ANSWERED_WITHIN, answers

    def grew(name: str, since: dict, until: dict) -> int:
        return until.get(name, 0) - since.get(name, 0)

    # Redis was called by at most the writes already inside the process when it froze
    # (one call each: the second waited for the breaker), then once a period.
    probes = grew("redis_probes", before, during)
    assert 1 <= probes <= 1 + frozen_for / BREAKER_SECONDS
    assert grew("redis_calls_failed", before, during) <= 4 + probes
    assert grew("redis_calls_skipped", before, during) >= 3 * PHONES
    # Awake: one call found it back, and nothing failed since.
    assert grew("redis_calls_failed", during, after) <= 1
    texts = await asyncio.to_thread(saved_texts)
    assert len(texts) == len(set(texts)) == len(answers)  # each write stored once
