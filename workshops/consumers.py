"""Websockets only forward fragments: they never query the database per message.

Access is decided once, at connect, by the same helpers the views use.
"""

import asyncio
import contextlib

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.conf import settings
from django.http import Http404

from workshops import access, presence
from workshops.broadcast import console_group, screens_group, table_group, workshop_group


class FragmentConsumer(AsyncWebsocketConsumer):
    """Joins the groups a viewer may hear, then forwards their HTML as it comes."""

    live_groups: list[str] = []

    def groups_for_viewer(self) -> list[str] | None:
        raise NotImplementedError

    async def connect(self):
        groups = await database_sync_to_async(self.groups_for_viewer)()
        if not groups:
            await self.close()
            return
        self.live_groups = groups
        for group in groups:
            await self.channel_layer.group_add(group, self.channel_name)
        await self.accept()

    async def disconnect(self, code):
        for group in self.live_groups:
            await self.channel_layer.group_discard(group, self.channel_name)

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


class PhoneConsumer(FragmentConsumer):
    """A participant's phone: their table, and workshop-wide state."""

    def groups_for_viewer(self):
        try:
            workshop = access.get_workshop_by_code(self.scope["url_route"]["kwargs"]["code"])
        except Http404:
            return None
        participant = access.participant_in_session(self.scope["session"], workshop)
        if participant is None:
            return None
        self.participant = participant
        return [table_group(participant.subgroup.table_id), workshop_group(workshop.pk)]

    async def connect(self):
        await super().connect()
        if self.live_groups:  # accepted: the console counts this phone as present
            await database_sync_to_async(presence.arrive)(self.participant, self.channel_name)
            self.heartbeat = asyncio.create_task(self._beat())

    async def _beat(self):
        while True:
            await asyncio.sleep(settings.PRESENCE_HEARTBEAT_SECONDS)
            await database_sync_to_async(presence.beat)(self.participant, self.channel_name)

    async def disconnect(self, code):
        await super().disconnect(code)
        heartbeat = getattr(self, "heartbeat", None)
        if heartbeat is not None:
            heartbeat.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await heartbeat
            await database_sync_to_async(presence.leave)(self.participant, self.channel_name)


class FacilitatorConsumer(FragmentConsumer):
    """A laptop screen of a workshop that the logged-in user facilitates."""

    def groups_for_workshop(self, workshop_id: int) -> list[str]:
        raise NotImplementedError

    def groups_for_viewer(self):
        workshop_id = self.scope["url_route"]["kwargs"]["pk"]
        if not access.facilitated_workshops(self.scope["user"]).filter(pk=workshop_id).exists():
            return None
        return self.groups_for_workshop(workshop_id)


class ScreenConsumer(FacilitatorConsumer):
    """The projector: every table's cells, and the phase state."""

    def groups_for_workshop(self, workshop_id):
        return [screens_group(workshop_id), workshop_group(workshop_id)]


class ConsoleConsumer(FacilitatorConsumer):
    """The facilitator's console: the phase state, and a nudge when the tables changed."""

    def groups_for_workshop(self, workshop_id):
        return [workshop_group(workshop_id), console_group(workshop_id)]
