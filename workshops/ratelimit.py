"""Fixed-window counters in the cache, for what strangers can hammer."""

from django.core.cache import cache
from django.http import HttpRequest


def client_address(request: HttpRequest) -> str:
    return request.META.get("REMOTE_ADDR", "unknown")


def over_limit(key: str, limit: int, window_seconds: int) -> bool:
    """Count one hit on ``key``; True once more than ``limit`` hits fell in the window."""
    cache_key = f"ratelimit:{key}"
    if cache.add(cache_key, 1, window_seconds):
        return limit < 1
    try:
        return cache.incr(cache_key) > limit
    except ValueError:  # expired between add and incr
        cache.add(cache_key, 1, window_seconds)
        return False
