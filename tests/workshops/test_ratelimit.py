"""The counters themselves, on the local-memory cache and on a real Redis."""

import logging
import threading
import uuid

import pytest
import redis
from django.core.cache.backends.redis import RedisCache
from django.test import RequestFactory

from config.environment import cache_config
from tests.e2e.servers import free_port
from workshops.ratelimit import (
    client_address,
    is_over,
    over_limit,
    seconds_left,
    spend_write_budget,
)
from workshops.refusals import TooMany

WINDOW = 600
NOW = 1_800_000_000.0  # a chosen instant, at the start of a 600 s window


def redis_cache(url: str, prefix: str, **options) -> RedisCache:
    """A cache client of its own, as each worker process has."""
    return RedisCache(url, {"KEY_PREFIX": prefix, "OPTIONS": options})


def hits(key: str, count: int, limit: int, **kwargs) -> list[bool]:
    return [over_limit(key, limit, WINDOW, **kwargs) for _ in range(count)]


# Counting ---------------------------------------------------------------------------


def test_it_lets_limit_hits_through_then_refuses():
    assert hits("a", 5, limit=3, now=NOW) == [False, False, False, True, True]


def test_it_counts_each_key_apart():
    hits("a", 4, limit=3, now=NOW)
    assert hits("b", 1, limit=3, now=NOW) == [False]


def test_it_reads_without_counting():
    hits("a", 3, limit=3, now=NOW)
    assert [is_over("a", 3, WINDOW, now=NOW) for _ in range(5)] == [False] * 5
    hits("a", 1, limit=3, now=NOW)
    assert is_over("a", 3, WINDOW, now=NOW)


def test_it_starts_afresh_when_the_window_ends():
    hits("a", 4, limit=3, now=NOW + WINDOW - 1)
    assert is_over("a", 3, WINDOW, now=NOW + WINDOW - 1)
    assert not is_over("a", 3, WINDOW, now=NOW + WINDOW)
    assert hits("a", 1, limit=3, now=NOW + WINDOW) == [False]


@pytest.mark.parametrize(("offset", "left"), [(0, 600), (0.5, 600), (1, 599), (599.2, 1)])
def test_it_says_when_the_window_ends(offset, left):
    assert seconds_left(WINDOW, now=NOW + offset) == left


def test_it_counts_every_hit_of_threads_at_once():
    def hammer(results):
        results.extend(hits("a", 50, limit=150, now=NOW))

    results: list[bool] = []
    threads = [threading.Thread(target=hammer, args=(results,)) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(True) == 50


def test_a_participant_has_one_write_budget_whatever_the_kind(settings):
    settings.WRITES_PER_MINUTE = 30
    for _write in range(30):
        spend_write_budget("basket", participant_id=7)
    for kind in ("postit", "answer", "dot"):
        with pytest.raises(TooMany):
            spend_write_budget(kind, participant_id=7)
    spend_write_budget("postit", participant_id=8)  # another participant's is their own


def test_it_lets_everything_through_when_the_cache_is_down(caplog):
    """A Redis that does not answer must not turn a join into a 500 or stall it."""
    down = redis_cache(f"redis://127.0.0.1:{free_port()}/0", "down", socket_connect_timeout=1)

    with caplog.at_level(logging.WARNING, logger="workshops.redis_breaker"):
        assert hits("a", 3, limit=1, cache=down) == [False] * 3
        assert not is_over("a", 0, WINDOW, cache=down)

    assert "Redis failed (rate limit a" in caplog.text


@pytest.mark.django_db
def test_the_join_page_works_when_the_cache_is_down(client, workshop, settings):
    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": f"redis://127.0.0.1:{free_port()}/0",
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
        }
    }
    settings.JOIN_ATTEMPTS_PER_WINDOW = 1

    for _attempt in range(3):
        assert client.get("/j/QQQQQQ/").status_code == 404
    assert client.get(f"/j/{workshop.code}/").status_code == 200


# On Redis, shared by every worker --------------------------------------------------------


@pytest.fixture
def two_workers(redis_url):
    """Two cache clients of one deployment, as two Daphne processes have."""
    prefix = f"test-ratelimit-{uuid.uuid4().hex[:12]}"
    workers = [redis_cache(redis_url, prefix), redis_cache(redis_url, prefix)]
    yield workers
    workers[0].delete_many([f"ratelimit:a:{WINDOW}:{int(NOW // WINDOW)}"])
    for worker in workers:
        worker.close()


def test_two_workers_share_the_count_on_redis(two_workers):
    first, second = two_workers

    assert hits("a", 2, limit=3, cache=first, now=NOW) == [False, False]
    assert hits("a", 1, limit=3, cache=second, now=NOW) == [False]
    assert hits("a", 1, limit=3, cache=first, now=NOW) == [True]
    assert is_over("a", 3, WINDOW, cache=second, now=NOW)


def test_two_workers_hammering_redis_at_once_lose_no_hit(two_workers):
    results: list[bool] = []

    def hammer(worker):
        results.extend(hits("a", 50, limit=150, cache=worker, now=NOW))

    threads = [threading.Thread(target=hammer, args=(two_workers[n % 2],)) for n in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert results.count(True) == 50


def test_the_counters_expire_with_their_window_on_redis(two_workers, redis_url):
    first, _second = two_workers
    hits("a", 1, limit=3, cache=first, now=NOW)

    key = first.make_and_validate_key(f"ratelimit:a:{WINDOW}:{int(NOW // WINDOW)}")
    raw = redis.Redis.from_url(redis_url)
    try:
        assert 0 < raw.ttl(key) <= WINDOW
    finally:
        raw.close()


# The settings ----------------------------------------------------------------------------


def test_it_counts_in_local_memory_without_redis():
    assert cache_config("", "paniers")["default"]["BACKEND"].endswith("LocMemCache")


def test_it_counts_in_redis_apart_from_the_channel_layer_and_never_waits_long():
    cache = cache_config("redis://redis.internal:6379/0", "paniers")["default"]

    assert cache["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert cache["LOCATION"] == "redis://redis.internal:6379/0"
    assert not cache["KEY_PREFIX"].startswith("paniers")  # channels flushes "paniers*"
    assert cache["OPTIONS"] == {"socket_connect_timeout": 1, "socket_timeout": 1}


# Who is asking ------------------------------------------------------------------------


def request_from(remote: str, forwarded: str | None = None):
    extra = {"HTTP_X_FORWARDED_FOR": forwarded} if forwarded is not None else {}
    return RequestFactory().get("/", REMOTE_ADDR=remote, **extra)


def test_it_ignores_the_forwarded_header_from_an_untrusted_address(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_address(request_from("198.51.100.4", "203.0.113.9")) == "198.51.100.4"


def test_it_ignores_the_forwarded_header_when_no_proxy_is_trusted(settings):
    settings.TRUSTED_PROXIES = []
    assert client_address(request_from("10.0.0.1", "203.0.113.9")) == "10.0.0.1"


def test_it_takes_the_address_the_trusted_proxy_saw(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_address(request_from("10.0.0.1", "203.0.113.9")) == "203.0.113.9"


def test_it_ignores_what_the_client_wrote_left_of_it(settings):
    """The client chooses the left-most address: taking it would let it spoof any."""
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    spoofed = request_from("10.0.0.1", "1.2.3.4, 5.6.7.8,203.0.113.9")
    assert client_address(spoofed) == "203.0.113.9"


def test_it_walks_back_through_a_chain_of_trusted_proxies(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.0/8", "2001:db8::/32"]
    chain = request_from("10.0.0.1", "1.2.3.4, 203.0.113.9, 2001:db8::7, 10.1.2.3")
    assert client_address(chain) == "203.0.113.9"


def test_it_keeps_the_proxy_address_when_there_is_no_header(settings):
    settings.TRUSTED_PROXIES = ["10.0.0.1"]
    assert client_address(request_from("10.0.0.1")) == "10.0.0.1"
    assert client_address(request_from("10.0.0.1", " , ")) == "10.0.0.1"
