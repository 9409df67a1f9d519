"""The room's clock, as plain values: no database, no wall clock read here.

The server holds the truth as timestamps: when the current phase started, its
deadline, and when it was paused. Every screen computes its countdown from the
deadline and the server's time sent with the state (see ``static/js/clock.js``),
so nothing ticks on the server and a restart changes nothing.

Each transition takes ``now`` and returns a new ``Clock``: tests drive it with
any instant they like.
"""

import datetime
from dataclasses import dataclass, replace

ZERO = datetime.timedelta(0)


@dataclass(frozen=True)
class Clock:
    started_at: datetime.datetime | None = None
    deadline: datetime.datetime | None = None
    paused_at: datetime.datetime | None = None

    @property
    def is_set(self) -> bool:
        return self.deadline is not None

    @property
    def is_paused(self) -> bool:
        return self.paused_at is not None

    def frozen_now(self, now: datetime.datetime) -> datetime.datetime:
        """The instant the clock reads: ``now``, or the moment it was paused."""
        return self.paused_at or now

    def remaining(self, now: datetime.datetime) -> datetime.timedelta | None:
        """Time left (negative once over), or None when no phase runs."""
        if self.deadline is None:
            return None
        return self.deadline - self.frozen_now(now)

    def elapsed(self, now: datetime.datetime) -> datetime.timedelta | None:
        """Time spent in the phase, pauses excluded."""
        if self.started_at is None:
            return None
        return self.frozen_now(now) - self.started_at

    def is_time_up(self, now: datetime.datetime) -> bool:
        remaining = self.remaining(now)
        return remaining is not None and remaining <= ZERO

    def accepts_input(self, now: datetime.datetime, grace: datetime.timedelta) -> bool:
        """True until the grace period after the deadline has run out."""
        remaining = self.remaining(now)
        return remaining is not None and remaining >= -grace

    # Transitions -----------------------------------------------------------

    def start(self, now: datetime.datetime, duration: datetime.timedelta) -> "Clock":
        """A phase starts (or restarts) with its full duration, running."""
        return Clock(started_at=now, deadline=now + duration, paused_at=None)

    def pause(self, now: datetime.datetime) -> "Clock":
        if not self.is_set or self.is_paused:
            return self
        return replace(self, paused_at=now)

    def resume(self, now: datetime.datetime) -> "Clock":
        """The paused time is added back: the countdown goes on where it stopped."""
        if not self.is_paused:
            return self
        paused_for = now - self.paused_at
        return Clock(
            started_at=self.started_at + paused_for,
            deadline=self.deadline + paused_for,
            paused_at=None,
        )

    def shift(self, delta: datetime.timedelta, now: datetime.datetime) -> "Clock":
        """More time (positive) or less (negative), never below zero remaining.

        Less time stops at zero: the deadline lands on ``now`` (or on the pause instant),
        never in the past, so one "+5 min" afterwards gives five minutes back. A deadline
        already passed is not moved by less time: that would give time back.
        """
        if not self.is_set:
            return self
        deadline = self.deadline + delta
        if delta < ZERO:
            deadline = max(deadline, min(self.deadline, self.frozen_now(now)))
        return replace(self, deadline=deadline)

    def set_remaining(self, now: datetime.datetime, remaining: datetime.timedelta) -> "Clock":
        """Exactly ``remaining`` left from ``now`` (kept as is while paused), zero at least."""
        if not self.is_set:
            return self
        return replace(self, deadline=self.frozen_now(now) + max(remaining, ZERO))

    def stop(self) -> "Clock":
        return Clock()
