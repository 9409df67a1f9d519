"""Who is connected: one ``Connection`` row per open phone socket.

Sockets come and go in bursts: when a venue's Wi-Fi blips, 300 phones leave and come
back within seconds. So a consumer never writes its own row. It notes its arrival or
departure in its process's ledger (synchronous, so even a handshake cancelled half-way
forgets what it noted), and one task per process writes what changed in one
transaction, ``PRESENCE_FLUSH_SECONDS`` after the first change of a burst, then nudges
the consoles of each workshop concerned once. The same task refreshes every open row of
the process each ``PRESENCE_HEARTBEAT_SECONDS`` and sweeps the rows that nobody
refreshed for 2.5 beats: those of a process that died.
"""

import asyncio
import datetime
import logging
import time
from dataclasses import dataclass, field
from itertools import islice

from channels.db import database_sync_to_async
from channels.layers import InMemoryChannelLayer, get_channel_layer
from django.conf import settings
from django.db import transaction
from django.utils import timezone

from workshops import broadcast, stats
from workshops.loops import PerLoop
from workshops.models import Connection, Participant
from workshops.selectors import presence_cutoff

logger = logging.getLogger(__name__)

CHUNK = 500  # channel names per IN (...): well under SQLite's bound on parameters


def batched(names, size: int = CHUNK):
    iterator = iter(names)
    while chunk := list(islice(iterator, size)):
        yield chunk


@dataclass(eq=False)
class Ledger:
    """The phone sockets of this process (one event loop), and what is not written yet."""

    open: dict[str, tuple[int, int]] = field(default_factory=dict)  # channel: participant, ws
    arrived: set[str] = field(default_factory=set)
    left: dict[str, int] = field(default_factory=dict)  # channel: workshop
    wake: asyncio.Event = field(default_factory=asyncio.Event)
    task: asyncio.Task | None = None
    stopping: bool = False
    started: datetime.datetime = field(default_factory=timezone.now)
    swept_earlier_runs: bool = False

    def arrive(self, channel_name: str, participant_id: int, workshop_id: int) -> None:
        self.open[channel_name] = (participant_id, workshop_id)
        self.arrived.add(channel_name)
        self.wake.set()

    def leave(self, channel_name: str) -> None:
        known = self.open.pop(channel_name, None)
        if known is None:
            return
        if channel_name in self.arrived:  # came and went within one batch: nothing to write
            self.arrived.discard(channel_name)
        else:
            self.left[channel_name] = known[1]
        self.wake.set()

    def take(self) -> tuple[dict[str, tuple[int, int]], dict[str, int]]:
        arrivals = {name: self.open[name] for name in self.arrived}
        departures = self.left
        self.arrived, self.left = set(), {}
        return arrivals, departures

    def put_back(self, arrivals, departures) -> None:
        """A write that failed is tried again with the next batch."""
        self.arrived |= {name for name in arrivals if name in self.open}
        self.left = {**departures, **self.left}
        self.wake.set()


_ledgers = PerLoop(Ledger)


def ledger() -> Ledger:
    """This event loop's ledger, its writer started on first use."""
    book = _ledgers.get()
    if book.task is None or book.task.done():
        book.stopping = False
        book.task = asyncio.get_running_loop().create_task(_writer(book))
    return book


def arrive(channel_name: str, participant: Participant) -> None:
    ledger().arrive(channel_name, participant.pk, participant.workshop_id)


def leave(channel_name: str) -> None:
    ledger().leave(channel_name)


async def flush() -> None:
    """Write what is pending now (the writer does it by itself after a short delay)."""
    await _flush(ledger(), beat=False)


async def stop() -> None:
    """Write what is pending and stop this event loop's writer: nothing is written after.

    The writer is asked to end rather than cancelled: a cancellation landing inside a
    Redis call can be swallowed by redis-py (redis/redis-py#2028)."""
    book = ledger()
    book.stopping = True
    book.wake.set()
    await book.task


async def _writer(book: Ledger) -> None:
    next_beat = time.monotonic() + settings.PRESENCE_HEARTBEAT_SECONDS
    while True:
        try:
            async with asyncio.timeout(max(0.0, next_beat - time.monotonic())):
                await book.wake.wait()
            if not book.stopping:
                await asyncio.sleep(settings.PRESENCE_FLUSH_SECONDS)  # the rest of the burst
        except TimeoutError:
            pass
        if book.stopping:
            await _flush(book, beat=False)
            return
        book.wake.clear()
        beat = time.monotonic() >= next_beat
        if beat:
            next_beat = time.monotonic() + settings.PRESENCE_HEARTBEAT_SECONDS
        try:
            await _flush(book, beat=beat)
        except Exception:
            # The database may be away for a moment: the changes wait for the next batch.
            logger.exception("presence: could not write the open sockets; will retry")
            await asyncio.sleep(1.0)


async def _flush(book: Ledger, *, beat: bool) -> None:
    arrivals, departures = book.take()
    earlier_run = None
    if not book.swept_earlier_runs and _single_process():
        earlier_run = book.started
    if not (arrivals or departures or beat or earlier_run):
        return
    try:
        workshops = await database_sync_to_async(_write)(
            arrivals, departures, dict(book.open) if beat else {}, earlier_run
        )
    except BaseException:
        book.put_back(arrivals, departures)
        raise
    book.swept_earlier_runs = True
    stats.count("presence_writes")
    for workshop_id in sorted(workshops):
        await broadcast.LiveUpdate(workshop_id, consoles=True).adeliver()


def _single_process() -> bool:
    """With the in-memory layer one process serves every socket (several need Redis):
    rows written before it started were left by an earlier run, a restart say."""
    return isinstance(get_channel_layer(), InMemoryChannelLayer)


def _write(
    arrivals: dict[str, tuple[int, int]],
    departures: dict[str, int],
    beating: dict[str, tuple[int, int]],
    earlier_run: datetime.datetime | None,
) -> set[int]:
    """One transaction for a batch; returns the workshops whose consoles should look again."""
    now = timezone.now()
    touched = set(departures.values()) | {workshop for _p, workshop in arrivals.values()}
    with transaction.atomic():
        for names in batched(departures):
            Connection.objects.filter(channel_name__in=names).delete()
        _create(arrivals, now)
        if beating:
            _refresh(beating, now)
        cutoff = presence_cutoff(now)
        gone = Connection.objects.filter(last_seen__lt=max(cutoff, earlier_run or cutoff))
        touched |= set(gone.values_list("participant__workshop_id", flat=True).distinct())
        gone.delete()
    return touched


def _refresh(beating: dict[str, tuple[int, int]], now) -> None:
    known: set[str] = set()
    for names in batched(beating):
        Connection.objects.filter(channel_name__in=names).update(last_seen=now)
        known.update(
            Connection.objects.filter(channel_name__in=names).values_list("channel_name", flat=True)
        )
    # A row swept while its socket was still open (a late beat elsewhere) is put back.
    _create({name: beating[name] for name in beating.keys() - known}, now)


def _create(arrivals: dict[str, tuple[int, int]], now) -> None:
    if not arrivals:
        return
    # A participant deleted meanwhile (with their workshop) gets no row.
    alive = set(
        Participant.objects.filter(pk__in={p for p, _w in arrivals.values()}).values_list(
            "pk", flat=True
        )
    )
    Connection.objects.bulk_create(
        (
            Connection(channel_name=name, participant_id=participant, last_seen=now)
            for name, (participant, _workshop) in arrivals.items()
            if participant in alive
        ),
        ignore_conflicts=True,
    )
