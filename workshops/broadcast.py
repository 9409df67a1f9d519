"""Live updates: render a changed fragment once, push the HTML to the screens that show it.

Every app announces its changes through ``live_update`` (below): what its block renders
is rendered once, in the site's language, and each fragment goes to the audiences named
with it (a table's phones, the screens, everyone), then the consoles get their constant
"stale" nudge. Consumers only forward what arrives here (see ``consumers.py``); every
group name comes from the functions below.

A broadcast never fails the request that caused it: the write is committed, so the
request reports success. A broadcast waits for the channel layer at most
``BROADCAST_TIMEOUT_SECONDS``; one that cannot be sent (Redis stopped or frozen) is
logged, and the screens catch up when their sockets reopen and re-fetch what they show.
Once Redis failed, the broadcasts of the next few seconds are not even tried
(workshops/redis_breaker.py): a request waits on a frozen Redis once at most.
"""

import asyncio
import logging
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from enum import Enum
from functools import partial

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.conf import settings
from django.db import transaction
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.translation import gettext
from redis.exceptions import RedisError

from workshops import selectors, stats
from workshops.models import Participant, PostIt, Workshop
from workshops.redis_breaker import breaker


def table_group(table_id: int) -> str:
    """The phones of one table."""
    return f"paniers.table.{table_id}"


def screens_group(workshop_id: int) -> str:
    """The projectors of one workshop (ScreenConsumer): every table's cells."""
    return f"paniers.screens.{workshop_id}"


def workshop_group(workshop_id: int) -> str:
    """Everyone in a workshop: for workshop-wide state only (phase, timer), sent rarely."""
    return f"paniers.workshop.{workshop_id}"


def console_group(workshop_id: int) -> str:
    """The facilitators' consoles: told when their overview of the tables is stale."""
    return f"paniers.console.{workshop_id}"


def facilitator_group(workshop_id: int, user_id: int) -> str:
    """The laptop screens (projector, console) one facilitator has open on one workshop."""
    return f"paniers.facilitator.{workshop_id}.{user_id}"


logger = logging.getLogger(__name__)


def after_commit(announce, *args, **kwargs) -> None:
    """Run ``announce`` once the transaction commits; if it raises, log it and go on:
    the write it announces is committed, and the request must say so."""
    transaction.on_commit(partial(announce, *args, **kwargs), robust=True)


# The console re-fetches its overview when this arrives (debounced, see console.html): a
# burst of changes costs one constant string per change and one overview fetch (five
# queries) per burst.
CONSOLE_STALE = '<div id="console-stale" hx-swap-oob="true"></div>'
# The projector's marker of what it should show (projector.js compares its version), and
# the number on its join screen.
PROJECTOR_VIEW_TEMPLATE = "workshops/_projector_view.html"
REQUEST_PROBLEM_TEMPLATE = "workshops/_request_problem.html"
# A deleted post-it: htmx removes the element of that id (hx-swap-oob="delete").
POSTIT_GONE = '<div id="postit-{pk}" hx-swap-oob="delete"></div>'
JOIN_COUNT = '<strong id="join-count" hx-swap-oob="true">{count}</strong>'


async def _group_send_all(messages: list[tuple[list[str], dict]]) -> None:
    layer = get_channel_layer()
    for groups, message in messages:
        for group in groups:
            await layer.group_send(group, message)


async def _group_send_bounded(messages: list[tuple[list[str], dict]]) -> None:
    if not breaker.allows_a_call():
        stats.count("broadcast_failures")  # Redis just failed: do not wait on it again
        return
    try:
        async with asyncio.timeout(settings.BROADCAST_TIMEOUT_SECONDS):
            await _group_send_all(messages)
    except (TimeoutError, RedisError, OSError) as error:
        stats.count("broadcast_failures")
        breaker.failed("live update", error)
        logger.warning("live update not sent; screens catch up when they reconnect: %r", error)
    except Exception:
        stats.count("broadcast_failures")
        logger.warning("live update not sent; screens catch up when they reconnect", exc_info=True)
    else:
        breaker.answered()


def _fragments(deliveries) -> list[tuple[list[str], dict]]:
    return [(groups, {"type": "fragment.send", "html": html}) for groups, html in deliveries]


def send_fragments(*deliveries: tuple[list[str], str]) -> None:
    """Raw HTML to named groups, outside any workshop: bench/'s floor (config/urls.py).
    Apps announce their changes through ``live_update``."""
    async_to_sync(_group_send_bounded)(_fragments(deliveries))


# Who hears a live update. The facilitators' consoles are not among them: they only ever
# get the nudge (``LiveUpdate(consoles=True)``), never the changed fragment.
@dataclass(frozen=True)
class TablePhones:
    """The phones of one table."""

    pk: int


class Room(Enum):
    SCREENS = "screens"  # the projectors: every table's cells
    EVERYONE = "everyone"  # every phone and screen: workshop-wide state only, sent rarely


SCREENS = Room.SCREENS
EVERYONE = Room.EVERYONE
Audience = TablePhones | Room


class LiveUpdate:
    """One change announced to the screens that show it, after its write committed.

    ``send(html, *audiences)`` adds a fragment for those audiences; ``deliver()`` (from a
    request's thread) or ``adeliver()`` (from the event loop) sends every fragment in one
    hop to the channel layer, behind the Redis breaker, then the consoles' nudge
    (``consoles``). Render inside ``rendering()``: the site's language, whoever made the
    change, since every screen gets the same HTML. Render a fragment once and name all its
    audiences in one ``send``; a fragment of one change, never a whole board, so that the
    message does not grow with it. ``live_update`` does all this for one block."""

    def __init__(self, workshop_id: int, *, consoles: bool, count: str = ""):
        self.workshop_id = workshop_id
        self.consoles = consoles
        self.count = count  # the stats counter of these updates (bench/ reads them)
        self.messages: list[tuple[list[str], dict]] = []

    @contextmanager
    def rendering(self) -> Iterator["LiveUpdate"]:
        with translation.override(settings.LANGUAGE_CODE):
            yield self

    def send(self, html: str, *audiences: Audience, kind: str = "fragment.send") -> None:
        """``kind`` names the consumers' handler: a fragment is only forwarded;
        ``workshop.deleted`` closes the socket after it (consumers.py)."""
        if not audiences:
            raise ValueError("a live update names its audiences")
        self.messages.append(([self.group(a) for a in audiences], {"type": kind, "html": html}))

    def group(self, audience: Audience) -> str:
        if isinstance(audience, TablePhones):
            return table_group(audience.pk)
        if audience is SCREENS:
            return screens_group(self.workshop_id)
        return workshop_group(self.workshop_id)

    def _outgoing(self) -> list[tuple[list[str], dict]]:
        if not self.consoles:
            return self.messages
        nudge = {"type": "fragment.send", "html": CONSOLE_STALE}
        return [*self.messages, ([console_group(self.workshop_id)], nudge)]

    def deliver(self) -> None:
        outgoing = self._outgoing()
        if outgoing:
            async_to_sync(_group_send_bounded)(outgoing)
            self._counted()

    async def adeliver(self) -> None:
        outgoing = self._outgoing()
        if outgoing:
            await _group_send_bounded(outgoing)
            self._counted()

    def _counted(self) -> None:
        if self.count and self.messages:
            stats.count(self.count)


@contextmanager
def live_update(workshop_id: int, *, consoles: bool, count: str = "") -> Iterator[LiveUpdate]:
    """``with live_update(workshop_id, consoles=True) as update: update.send(html, SCREENS)``:
    what the block renders is in the site's language; leaving it delivers (not when it
    raises)."""
    update = LiveUpdate(workshop_id, consoles=consoles, count=count)
    with update.rendering():
        yield update
    update.deliver()


def broadcast_postit(postit_id: int, *, added: bool) -> None:
    """Push one post-it to its table and the screens: ``added`` (new, or now of the other
    kind) goes to the end of its cell, otherwise it replaces itself. The message is the
    post-it's fragment, never its cell: its size does not grow with the board, and a screen
    lays out only what changed (static/js/board.js)."""
    postit = PostIt.objects.select_related("author", "subgroup__table").filter(pk=postit_id).first()
    if postit is None:
        return  # deleted before this ran: its deletion is announced too
    table = postit.subgroup.table
    with live_update(table.workshop_id, consoles=True, count="broadcasts") as update:
        html = selectors.render_postit(postit, live="append" if added else "replace")
        update.send(html, TablePhones(table.pk), SCREENS)


def broadcast_postit_deleted(postit_id: int, *, table_id: int, workshop_id: int) -> None:
    """Take one post-it off its table's phones and the screens."""
    with live_update(workshop_id, consoles=True, count="broadcasts") as update:
        update.send(POSTIT_GONE.format(pk=postit_id), TablePhones(table_id), SCREENS)


def broadcast_phase_state(workshop_id: int, *, consoles_too: bool = False) -> None:
    """Push the phase, its instructions and the clock to every phone and screen.

    ``consoles_too`` when the phases themselves changed: the consoles re-fetch their list.
    """
    workshop = Workshop.objects.select_related("current_phase").get(pk=workshop_id)
    with live_update(workshop_id, consoles=consoles_too, count="state_broadcasts") as update:
        update.send(selectors.render_phase_state(workshop, oob=True), EVERYONE)


def broadcast_projector_view(workshop_id: int) -> None:
    """Tell the projectors what to show now (workshops/projector.py), and the consoles."""
    workshop = Workshop.objects.only("pk", "projector_view", "projector_view_version").get(
        pk=workshop_id
    )
    with live_update(workshop_id, consoles=True) as update:
        context = {"workshop": workshop, "oob": True}
        update.send(render_to_string(PROJECTOR_VIEW_TEMPLATE, context), SCREENS)


def broadcast_join_count(workshop_id: int) -> None:
    """The join screen's count of participants, as a number only: any language reads it."""
    count = Participant.objects.filter(workshop_id=workshop_id).count()
    with live_update(workshop_id, consoles=False) as update:
        update.send(JOIN_COUNT.format(count=count), SCREENS)


def withdraw_facilitator(workshop_id: int, user_id: int) -> None:
    """Close the screens of a facilitator removed from a workshop, now: no fragment, only
    an order to that facilitator's sockets, so not a live update."""
    async_to_sync(_group_send_bounded)(
        [([facilitator_group(workshop_id, user_id)], {"type": "access.withdrawn"})]
    )


def announce_workshop_deleted(workshop_id: int) -> None:
    """Every open screen of a workshop just deleted (phones, projectors, consoles): says so
    in its problem banner, then its socket closes for good (consumers.WORKSHOP_DELETED)."""
    with live_update(workshop_id, consoles=False) as update:
        message = gettext("This workshop no longer exists: its organiser deleted it.")
        context = {"message": message, "oob": True, "final": True}
        html = render_to_string(REQUEST_PROBLEM_TEMPLATE, context)
        update.send(html, EVERYONE, kind="workshop.deleted")
