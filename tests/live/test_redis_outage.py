"""Redis trouble under a real Daphne: stopped, restarted, frozen. A post-it the server saved
is answered as saved, exactly once; nothing waits on Redis; sockets come back to life.

Each test runs a redis-server of its own, so stopping it disturbs nobody else.
"""

import asyncio
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
