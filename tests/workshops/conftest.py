import copy
import uuid

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.core.cache import caches
from django.core.cache.backends.locmem import LocMemCache


@pytest.fixture(autouse=True)
def _fresh_rate_limits(settings):
    """Rate-limit counters live in the cache: each test counts under a prefix of its own.

    On Redis, clearing the cache would flush the whole database; there the keys of a
    test expire with their window.
    """
    config = copy.deepcopy(settings.CACHES)
    config["default"]["KEY_PREFIX"] = f"test-{uuid.uuid4().hex[:12]}"
    settings.CACHES = config  # Django drops its cache connections on setting_changed
    counters = caches["default"]
    yield
    if isinstance(counters, LocMemCache):
        counters.clear()


@pytest.fixture
def channel_layer(settings):
    """The configured channel layer, fresh for this test.

    On Redis it gets a prefix of its own, so that group names built from
    primary keys (``paniers.table.1``) cannot meet another test run's.
    """
    layers = copy.deepcopy(settings.CHANNEL_LAYERS)
    config = layers["default"].get("CONFIG")
    if config is not None and "prefix" in config:
        config["prefix"] = f"paniers-test-{uuid.uuid4().hex[:12]}"
    settings.CHANNEL_LAYERS = layers  # Channels drops its layer instances on setting_changed
    layer = get_channel_layer()
    yield layer
    if hasattr(layer, "flush") and config is not None and "prefix" in config:
        async_to_sync(layer.flush)()  # the keys under this test's own prefix, nothing else


class Listener:
    """A channel in some groups, read from synchronous tests."""

    def __init__(self, layer, *groups: str):
        self.layer = layer
        self.groups = groups
        self.channel = async_to_sync(layer.new_channel)()
        for group in groups:
            async_to_sync(layer.group_add)(group, self.channel)

    def messages(self) -> list[dict]:
        """Everything received so far (group_send has returned, so it is there).

        A marker sent after it tells where "so far" ends: no receive is ever
        cancelled, which redis-py does not always survive (redis/redis-py#2028).
        """

        async def drain():
            await self.layer.send(self.channel, {"type": "listener.marker"})
            received = []
            while (message := await self.layer.receive(self.channel))["type"] != "listener.marker":
                received.append(message)
            return received

        return async_to_sync(drain)()

    def html(self) -> list[str]:
        return [message["html"] for message in self.messages()]

    def close(self):
        for group in self.groups:
            async_to_sync(self.layer.group_discard)(group, self.channel)


@pytest.fixture
def listen(channel_layer):
    """listen(*groups) -> a Listener; its groups are left at the end of the test."""
    listeners = []

    def make(*groups: str) -> Listener:
        listeners.append(Listener(channel_layer, *groups))
        return listeners[-1]

    yield make
    for listener in listeners:
        listener.close()
