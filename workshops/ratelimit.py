"""Fixed-window counters in the cache, for what strangers can hammer.

Windows are aligned on the clock, one cache key each: every worker sharing the
cache counts in the same window, and knows when it ends without asking the cache.
The cache is Redis when there is one (config/settings.py); if it fails, the limits
let requests through rather than turn a Redis hiccup into errors in the room, and the
shared breaker (workshops/redis_breaker.py) stops asking it for a few seconds.
"""

import ipaddress
import math
import time
from functools import lru_cache

from django.conf import settings
from django.core.cache import BaseCache, caches
from django.core.exceptions import ImproperlyConfigured
from django.http import HttpRequest
from django.utils.translation import gettext as _
from redis.exceptions import RedisError

from workshops.redis_breaker import breaker
from workshops.refusals import TooMany

# What a cache that cannot be reached raises (locmem never does).
CACHE_ERRORS = (RedisError, OSError)

Network = ipaddress.IPv4Network | ipaddress.IPv6Network


# Who is asking --------------------------------------------------------------------


@lru_cache(maxsize=8)
def _networks(entries: tuple[str, ...]) -> tuple[Network, ...]:
    try:
        return tuple(ipaddress.ip_network(entry, strict=False) for entry in entries)
    except ValueError as error:
        raise ImproperlyConfigured(f"TRUSTED_PROXIES: {error}") from None


def check_trusted_proxies() -> None:
    """Called when the app starts, so that a typo stops the server rather than every request."""
    _networks(tuple(settings.TRUSTED_PROXIES))


def _is_trusted_proxy(address: str) -> bool:
    try:
        ip = ipaddress.ip_address(address)
    except ValueError:
        return False
    return any(ip in network for network in _networks(tuple(settings.TRUSTED_PROXIES)))


def client_address(request: HttpRequest) -> str:
    """The address rate limits count against.

    ``REMOTE_ADDR``, unless it is one of ``TRUSTED_PROXIES``: then the right-most
    address of ``X-Forwarded-For`` that is not a trusted proxy. Each proxy appends the
    address it was reached from; everything left of that, the client wrote itself.
    """
    remote = request.META.get("REMOTE_ADDR") or "unknown"
    if not _is_trusted_proxy(remote):
        return remote
    hops = request.META.get("HTTP_X_FORWARDED_FOR", "").split(",")
    for hop in reversed(hops):
        hop = hop.strip()
        if hop and not _is_trusted_proxy(hop):
            return hop
    return remote


# Counting -------------------------------------------------------------------------


def clock() -> float:
    """The time windows are counted in (tests pin it: tests/conftest.py)."""
    return time.time()


def window_key(key: str, window_seconds: int, now: float | None) -> str:
    now = clock() if now is None else now
    return f"ratelimit:{key}:{window_seconds}:{int(now // window_seconds)}"


def seconds_left(window_seconds: int, now: float | None = None) -> int:
    """Until the current window ends: when whoever is over a limit may try again."""
    now = clock() if now is None else now
    return max(1, math.ceil(window_seconds - now % window_seconds))


def over_limit(
    key: str,
    limit: int,
    window_seconds: int,
    *,
    cache: BaseCache | None = None,
    now: float | None = None,
    hit: bool = True,
) -> bool:
    """Count one hit on ``key``; True once more than ``limit`` hits fell in the window.
    ``hit=False`` only looks (``is_over``). A cache that cannot answer lets it through."""
    cache = cache or caches["default"]
    cache_key = window_key(key, window_seconds, now)
    if not breaker.allows_a_call():
        return False
    try:
        if hit:
            # add() only starts the count, incr() is atomic on both backends: two workers
            # counting at once both see their own hit. The key outlives its window.
            cache.add(cache_key, 0, window_seconds)
            count = cache.incr(cache_key)
        else:
            count = cache.get(cache_key, 0)
    except ValueError:  # evicted between add() and incr()
        breaker.answered()
        return False
    except CACHE_ERRORS as error:
        breaker.failed(f"rate limit {key}", error)
        return False
    breaker.answered()
    return count > limit


def is_over(key: str, limit: int, window_seconds: int, **window) -> bool:
    """Whether ``key`` is already over ``limit`` in this window, without counting a hit
    (``window``: ``over_limit``'s ``cache`` and ``now``)."""
    return over_limit(key, limit, window_seconds, hit=False, **window)


def _too_many(kind: str) -> str:
    if kind == "postit":
        return _("Too many post-its at once: wait a minute, your text is kept.")
    if kind == "dot":
        return _("Too many taps at once: wait a minute.")
    if kind == "answer":
        return _("Too many answers at once: wait a minute, your text is kept.")
    return _("Too many changes at once: wait a minute, your text is kept.")


WRITE_BUDGET_WINDOW = 60


def write_budget_key(participant_id: int) -> str:
    return f"writes:{participant_id}"


def spend_write_budget(kind: str, participant_id: int) -> None:
    """One of a participant's ``WRITES_PER_MINUTE``, whatever the kind ("postit", "basket",
    "answer", "dot": it only chooses the refusal's words): 30 basket writes and then 30
    post-its do not fit in one minute. Raises ``TooMany`` once it is spent; asked by the
    gate (``gate.require_open``) once it let the write through."""
    key = write_budget_key(participant_id)
    if over_limit(key, settings.WRITES_PER_MINUTE, WRITE_BUDGET_WINDOW):
        raise TooMany(_too_many(kind))
