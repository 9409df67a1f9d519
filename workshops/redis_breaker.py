"""One circuit breaker for every Redis call a request makes: the rate limits' cache
(workshops/ratelimit.py, access.py) and the live updates (workshops/broadcast.py).

A Redis that is stopped answers at once (connection refused), but a frozen one (SIGSTOP,
a stuck host) accepts the connection and never answers: each call then costs its whole
timeout (about 1 s), and a request that makes several calls, with a few HTTP slots per
process, would queue the room behind it. So the first call that times out opens the breaker:
for ``REDIS_BREAKER_SECONDS`` no request calls Redis at all, in this process. Then one
call is let through to see whether Redis is back (while it is out, the others still skip);
if it answers the breaker closes, if not it stays open as long again. A request therefore
waits on Redis once at most, about one timeout, however many calls it would make.

What is skipped is what a failed call would have lost anyway: a rate limit lets the
request through (logged when the breaker opens), a live update is counted as not sent and
the screens catch up when their sockets reopen.
"""

import logging
import threading
import time
from collections.abc import Callable

from django.conf import settings
from redis.exceptions import TimeoutError as RedisTimeoutError

from workshops import stats

logger = logging.getLogger(__name__)

# asyncio.timeout's and the socket's (TimeoutError), and redis-py's own.
TIMEOUTS = (TimeoutError, RedisTimeoutError)


class RedisBreaker:
    def __init__(self, seconds: Callable[[], float], clock: Callable[[], float] = time.monotonic):
        self._seconds = seconds
        self._clock = clock
        self._lock = threading.Lock()  # called from request threads and the event loop
        self._open_until: float | None = None

    @property
    def is_open(self) -> bool:
        return self._open_until is not None

    def allows_a_call(self) -> bool:
        """True when the call may go to Redis: the breaker is closed, or it is this call's
        turn to find out whether Redis is back (the next one comes a period later)."""
        with self._lock:
            if self._open_until is None:
                return True
            now = self._clock()
            if now < self._open_until:
                stats.count("redis_calls_skipped")
                return False
            self._open_until = now + self._seconds()
            stats.count("redis_probes")
            return True

    def failed(self, what: str, error: BaseException) -> None:
        """A Redis call failed. A timeout opens the breaker: Redis is frozen or too slow,
        and the next call would wait as long. A quick failure (refused: Redis stopped)
        costs nothing to try again, and the first call after a restart works."""
        stats.count("redis_calls_failed")
        if not isinstance(error, TIMEOUTS):
            logger.warning("Redis failed (%s): %r", what, error)
            return
        with self._lock:
            was_open = self._open_until is not None
            self._open_until = self._clock() + self._seconds()
        if not was_open:
            logger.warning(
                "Redis timed out (%s: %r): no request calls it for %s s; rate limits let "
                "requests through, live updates are not sent",
                what,
                error,
                self._seconds(),
            )

    def answered(self) -> None:
        with self._lock:
            was_open = self._open_until is not None
            self._open_until = None
        if was_open:
            logger.warning("Redis answers again: rate limits and live updates are back")

    def reset(self) -> None:
        with self._lock:
            self._open_until = None


breaker = RedisBreaker(lambda: settings.REDIS_BREAKER_SECONDS)
