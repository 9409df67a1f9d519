"""The breaker every Redis call of a request goes through, at chosen instants."""

import redis

from workshops.redis_breaker import RedisBreaker

PERIOD = 3.0


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def breaker_at(clock: Clock) -> RedisBreaker:
    return RedisBreaker(lambda: PERIOD, clock)


def test_it_lets_every_call_through_while_redis_answers():
    breaker = breaker_at(Clock())
    assert [breaker.allows_a_call() for _ in range(5)] == [True] * 5


def test_it_makes_no_call_for_a_period_once_one_timed_out():
    clock = Clock()
    breaker = breaker_at(clock)
    breaker.failed("rate limit", redis.TimeoutError("Timeout reading from socket"))

    clock.now += PERIOD - 0.1
    assert not breaker.allows_a_call()


def test_it_lets_one_call_find_out_whether_redis_is_back():
    clock = Clock()
    breaker = breaker_at(clock)
    breaker.failed("live update", TimeoutError())

    clock.now += PERIOD
    assert [breaker.allows_a_call() for _ in range(4)] == [True, False, False, False]
    breaker.answered()
    assert [breaker.allows_a_call() for _ in range(2)] == [True, True]


def test_a_probe_that_times_out_keeps_it_open_another_period():
    clock = Clock()
    breaker = breaker_at(clock)
    breaker.failed("live update", TimeoutError())
    clock.now += PERIOD
    assert breaker.allows_a_call()

    clock.now += 1
    breaker.failed("live update", TimeoutError())
    clock.now += PERIOD - 0.1
    assert not breaker.allows_a_call()
    clock.now += 0.1
    assert breaker.allows_a_call()


def test_a_refused_call_leaves_it_closed_trying_again_costs_nothing():
    breaker = breaker_at(Clock())
    breaker.failed("rate limit", redis.ConnectionError("Error 111 connecting"))
    assert breaker.allows_a_call()
    assert not breaker.is_open
