"""Fixtures for tests against real servers: Daphne subprocesses, a cuttable relay, Chromium.

Tests that use ``daphne`` or ``daphne_factory`` need
``@pytest.mark.django_db(transaction=True)``: the server is another process and
only sees committed rows. ``tests/live/conftest.py`` reuses ``daphne_factory``.
"""

import importlib.util
import os
import uuid

import pytest
from django.conf import settings
from django.db import connection

from tests.conftest import require
from tests.e2e.servers import DaphneServer, Relay, collected_var_dir, daphne_env

# Debian's Chromium: Playwright's own browser download is not used.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SUITE = object()  # "the same Redis as the test suite": REDIS_URL, or none (in-memory layer)


@pytest.fixture
def daphne_factory(transactional_db, request, tmp_path, tmp_path_factory):
    """Start Daphne processes on the test database; stopped, and logs shown on failure.

    ``start(redis_url=..., channel_layer="core"|"pubsub", env={...})``: the
    processes of one test given the same Redis URL form one deployment. Their
    channel-layer prefix is the test's own (``CHANNEL_LAYER_PREFIX``); their static
    files are the session's ``collectstatic`` (hashed, gzipped), as after ``make run``.
    """
    servers: list[DaphneServer] = []
    layer_prefix = f"paniers-e2e-{uuid.uuid4().hex[:12]}"
    failed_before = request.session.testsfailed
    var_dir = collected_var_dir(tmp_path_factory)

    def start(*, redis_url=SUITE, channel_layer=None, env=None) -> DaphneServer:
        if redis_url is SUITE:
            redis_url = settings.REDIS_URL
        name = f"daphne-{len(servers) + 1}"
        server = DaphneServer(
            name,
            daphne_env(
                connection.settings_dict,
                redis_url,
                channel_layer or settings.CHANNEL_LAYER_BACKEND,
                layer_prefix,
                env,
                var_dir,
            ),
            tmp_path / f"{name}.log",
        )
        server.redis_url = redis_url
        servers.append(server)
        return server.start()

    yield start

    for server in servers:
        server.stop()
    for redis_url in {server.redis_url for server in servers if server.redis_url}:
        forget_layer_keys(redis_url, layer_prefix)
    if request.session.testsfailed > failed_before:
        for server in servers:
            print(f"\n===== {server.name} log ({server.log_path}) =====\n{server.log()}")


def forget_layer_keys(redis_url: str, prefix: str) -> None:
    """Deletes what the core layer left under this test's prefix (groups live a day), and
    the rate limits counted in the cache, whose prefix derives from it."""
    import redis

    client = redis.Redis.from_url(redis_url, socket_timeout=5)
    try:
        keys = [
            *client.scan_iter(match=f"{prefix}*", count=1000),
            *client.scan_iter(match=f"cache-{prefix}:*", count=1000),
        ]
        if keys:
            client.delete(*keys)
    finally:
        client.close()


@pytest.fixture
def daphne(daphne_factory) -> DaphneServer:
    return daphne_factory()


@pytest.fixture
def relay_to():
    """``relay_to(server)``: a relay in front of a server, which a test can cut and restore."""
    relays: list[Relay] = []

    def make(server: DaphneServer) -> Relay:
        relays.append(Relay(server.port))
        return relays[-1]

    yield make
    for relay in relays:
        relay.close()


@pytest.fixture
def browser(chromium_path):
    """A headless Debian Chromium driven by Playwright's sync API, one per test.

    Request it after the fixtures that touch the database: while Playwright's
    sync API runs, Django sees an event loop and refuses ORM calls.
    """
    require(
        importlib.util.find_spec("playwright") is not None,
        "Playwright",
        'pip install -e ".[test]"',
    )
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=float(os.environ.get("E2E_TIMEOUT_MS", 10_000)))
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=chromium_path, headless=True, args=CHROMIUM_ARGS
        )
        try:
            yield chromium
        finally:
            chromium.close()
