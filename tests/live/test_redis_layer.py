"""The Redis channel layers keep an idle socket alive.

redis-py 8 lowered its default socket timeout to 5 s, no longer than
channels-redis' 5 s blocking pop, so a consumer that heard nothing for 5 s
crashed (channels_redis#422). ``config.environment.redis_channel_layer`` sets a
longer timeout; this test keeps a phone's socket idle past 5 s on a real Redis,
for both layers, then broadcasts to it.
"""

import asyncio
import uuid

import pytest
from channels.db import database_sync_to_async
from channels.layers import channel_layers, get_channel_layer
from channels.testing import WebsocketCommunicator
from django.test import override_settings

from config.asgi import application
from config.environment import redis_channel_layer
from tests.conftest import close_database_thread, session_key, ws_headers
from workshops import services

pytestmark = [pytest.mark.redis, pytest.mark.django_db(transaction=True)]

# Longer than redis-py 8's 5 s default socket timeout and channels-redis' 5 s
# blocking pop. A real idle period: the test measures no time.
IDLE_SECONDS = 7


@pytest.fixture(params=["core", "pubsub"])
def redis_layer(request, redis_url):
    """The app's own Redis layer config, under a prefix of its own so runs don't collide."""
    config = redis_channel_layer(redis_url, request.param)
    config["CONFIG"]["prefix"] = f"paniers-idle-{uuid.uuid4().hex[:12]}"
    channel_layers.backends = {}
    try:
        with override_settings(CHANNEL_LAYERS={"default": config}):
            yield config
    finally:
        channel_layers.backends = {}


@pytest.fixture
def alice_socket(participant_client, alice):
    """Alice's phone socket path and headers, with a session that knows her."""
    headers = ws_headers(session_key(participant_client(alice)))
    return f"/ws/j/{alice.workshop.code}/", headers


async def test_an_idle_phone_socket_still_hears_a_broadcast(redis_layer, alice, alice_socket):
    path, headers = alice_socket
    subgroup_id = alice.subgroup_id
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _subprotocol = await communicator.connect(timeout=5)
    assert connected
    try:
        await asyncio.sleep(IDLE_SECONDS)
        assert not communicator.future.done(), communicator.future.exception()

        await database_sync_to_async(services.postit_create)(
            subgroup=alice.subgroup, author=alice, kind="offer", text="Toujours à l’écoute"
        )
        html = await communicator.receive_from(timeout=5)
        assert f'id="cell-{subgroup_id}-offer"' in html
        assert "Toujours à l’écoute" in html
        assert not communicator.future.done(), "the consumer is still running"
    finally:
        try:
            await communicator.disconnect()  # re-raises a consumer's crash
        finally:
            await get_channel_layer().flush()  # removes the prefix's keys, closes connections
            await close_database_thread()
