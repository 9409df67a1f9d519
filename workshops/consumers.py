"""Websockets only forward fragments: they never query the database per message.

Access is decided once, at connect, by the same helpers the views use, in one trip to
the process's database thread. Whatever ends a socket (a goodbye, a dropped
connection, a handshake that Daphne gave up on and cancelled), it leaves its groups
and its presence row: see ``FragmentConsumer.__call__``.
"""

import asyncio
import logging
from collections import Counter

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import Http404

from workshops import access, presence, stats
from workshops.broadcast import (
    console_group,
    facilitator_group,
    screens_group,
    table_group,
    workshop_group,
)
from workshops.loops import PerLoop
from workshops.redis_breaker import breaker

logger = logging.getLogger(__name__)

# Close code for a facilitator whose access was withdrawn: htmx's ws extension only
# reconnects after 1006, 1012 and 1013, so the screen stays closed.
ACCESS_WITHDRAWN = 4403
# The same for every screen of a workshop that its owner deleted.
WORKSHOP_DELETED = 4404

# Group discards of sockets that ended, kept referenced until done (see _leave).
_leaving: set[asyncio.Task] = set()

# Group adds and discards under way at once, per process. Each takes a connection from
# channels-redis's pool, which refuses past its size (REDIS_MAX_CONNECTIONS, 200): when
# 300 sockets dropped at once, their discards failed with MaxConnectionsError and left
# hundreds of members behind. Past this bound they wait their turn instead.
MEMBERSHIP_CONCURRENCY = 32
_membership = PerLoop(lambda: asyncio.Semaphore(MEMBERSHIP_CONCURRENCY))


# Sockets open in this process per holder (a participant, or a facilitator on one
# workshop): past the holder's cap a handshake is refused (see ``connect``).
_open_sockets: Counter[str] = Counter()


def sockets_open(holder: str) -> int:
    return _open_sockets[holder]


class FragmentConsumer(AsyncWebsocketConsumer):
    """Joins the groups a viewer may hear, then forwards their HTML as it comes."""

    live_groups: list[str] = []
    present = False
    holder = ""  # whose socket this is, set by ``admit``; counted against ``socket_cap``
    counted = False

    def admit(self) -> list[str] | None:
        """The groups this viewer may hear, or None: runs in the database thread."""
        raise NotImplementedError

    def socket_cap(self) -> int:
        raise NotImplementedError

    async def __call__(self, scope, receive, send):
        try:
            await super().__call__(scope, receive, send)
        finally:
            self._leave()

    async def connect(self):
        groups = await database_sync_to_async(self.admit)()
        if not groups:
            await self.close()
            return
        # One tab is one socket: past the cap (a script opening hundreds), the handshake is
        # refused. The browser sees 1006 and htmx's ws extension tries again with
        # paniers.js's back-off (at most every 8 s), so a tab left over the cap gets in
        # once another closes. Checked and counted with no await between: atomic here.
        if _open_sockets[self.holder] >= self.socket_cap():
            stats.count("sockets_over_cap")
            await self.close()
            return
        _open_sockets[self.holder] += 1
        self.counted = True
        self.live_groups = groups  # before adding: a cancelled handshake leaves them too
        try:
            async with _membership.get():
                for group in groups:
                    await self.channel_layer.group_add(group, self.channel_name)
        except Exception:
            # The channel layer is away (Redis restarting): refuse, the page tries again.
            logger.warning("websocket refused: could not join its groups", exc_info=True)
            await self.close()
            return
        # Redis answered: this socket will re-fetch what it shows, so from now on it must
        # hear every update; the broadcasts skipped since a timeout resume at once.
        breaker.answered()
        await self.accept()
        self.arrived()

    def arrived(self) -> None:
        """Accepted: what a socket does once it is open."""

    def _leave(self) -> None:
        """Synchronous, so that a cancellation cannot stop it half-way: the presence row
        is forgotten at once, the groups are left by a task of their own."""
        if self.counted:
            self.counted = False
            _open_sockets[self.holder] -= 1
            if _open_sockets[self.holder] <= 0:
                del _open_sockets[self.holder]
        if self.present:
            self.present = False
            presence.leave(self.channel_name)
        groups, self.live_groups = self.live_groups, []
        if groups:
            task = asyncio.get_running_loop().create_task(self._discard(groups))
            _leaving.add(task)
            task.add_done_callback(_leaving.discard)

    async def _discard(self, groups: list[str]) -> None:
        try:
            async with _membership.get():
                for group in groups:
                    await self.channel_layer.group_discard(group, self.channel_name)
        except Exception:
            # Redis away: channels-redis forgets members after its group expiry.
            logger.warning("could not leave the groups of a closed socket", exc_info=True)

    async def disconnect(self, code):
        self._leave()

    async def receive(self, text_data=None, bytes_data=None):
        """Changes go through HTTP POSTs; whatever a client sends here is ignored."""

    async def dispatch(self, message):
        # Channels closes stale database connections before every handler: a trip through
        # the process's one database thread. Forwarding a fragment never touches the
        # database, and with hundreds of sockets that trip was most of a broadcast's
        # delivery time (bench/clock.py); connect and disconnect keep it.
        if message["type"] == "fragment.send":
            await self.fragment_send(message)
            return
        await super().dispatch(message)

    async def fragment_send(self, event):
        await self.send(text_data=event["html"])

    async def workshop_deleted(self, event):
        """Its workshop is gone: the banner says so, and nothing more will come."""
        await self.send(text_data=event["html"])
        await self.close(code=WORKSHOP_DELETED)


class PhoneConsumer(FragmentConsumer):
    """A participant's phone: their table, and workshop-wide state."""

    def admit(self):
        try:
            workshop = access.get_workshop_by_code(self.scope["url_route"]["kwargs"]["code"])
        except Http404:
            return None
        participant = access.participant_in_session(self.scope["session"], workshop)
        if participant is None:
            return None
        self.participant = participant
        self.holder = f"participant:{participant.pk}"
        return [table_group(participant.subgroup.table_id), workshop_group(workshop.pk)]

    def socket_cap(self) -> int:
        return settings.SOCKETS_PER_PARTICIPANT

    def arrived(self):
        self.present = True  # the console counts this phone as connected
        presence.arrive(self.channel_name, self.participant)


class FacilitatorConsumer(FragmentConsumer):
    """A laptop screen of a workshop that the logged-in user facilitates."""

    def groups_for_workshop(self, workshop_id: int) -> list[str]:
        raise NotImplementedError

    def admit(self):
        workshop_id = self.scope["url_route"]["kwargs"]["pk"]
        user = self.scope["user"]
        if not access.facilitated_workshops(user).filter(pk=workshop_id).exists():
            return None
        self.holder = f"facilitator:{workshop_id}:{user.pk}"
        # Told when this user stops facilitating the workshop: the screen closes at once.
        return [*self.groups_for_workshop(workshop_id), facilitator_group(workshop_id, user.pk)]

    def socket_cap(self) -> int:
        return settings.SOCKETS_PER_FACILITATOR

    async def access_withdrawn(self, event):
        await self.close(code=ACCESS_WITHDRAWN)


class ScreenConsumer(FacilitatorConsumer):
    """The projector: every table's cells, and the phase state."""

    def groups_for_workshop(self, workshop_id):
        return [screens_group(workshop_id), workshop_group(workshop_id)]


class ConsoleConsumer(FacilitatorConsumer):
    """The facilitator's console: the phase state, and a nudge when the tables changed."""

    def groups_for_workshop(self, workshop_id):
        return [workshop_group(workshop_id), console_group(workshop_id)]
