"""Live plenary: each change rendered once, sent to the audiences that show it.

- a new answer: the consoles only (a nudge; they fetch their list), never the screens;
- answers shown or hidden: the wall, which holds the SHOWN answers only, to the screens;
- a dot, or the results shown or hidden: the chart to the screens (hidden results: a
  count of dots, no bar);
- voting opened or closed: the chart, and a signal that makes each phone fetch its dots;
- the presenter's slide: to the screens, and a nudge to the consoles.
"""

import asyncio
import contextvars
import logging
import os
from collections.abc import Callable

from asgiref.sync import SyncToAsync, async_to_sync
from channels.db import database_sync_to_async
from django.conf import settings
from django.urls import reverse

from plenary import dot_selectors, selectors
from workshops import stats
from workshops.broadcast import EVERYONE, SCREENS, LiveUpdate, live_update
from workshops.loops import PerLoop
from workshops.models import Workshop

logger = logging.getLogger(__name__)

PHONE_SIGNAL = (
    '<div id="plenary-signal" hx-swap-oob="true" hx-get="{url}" hx-trigger="load" '
    'hx-target="#plenary-phone" hx-swap="outerHTML"></div>'
)


def _workshop(workshop_id: int) -> Workshop | None:
    return Workshop.objects.filter(pk=workshop_id).first()


def broadcast_answer_arrived(workshop_id: int) -> None:
    LiveUpdate(workshop_id, consoles=True).deliver()


def _to_screens(workshop_id: int, render: Callable[..., str], *, count: str) -> None:
    """``render(workshop, oob=True)`` once, to the screens, and the consoles' nudge
    (nothing when the workshop went)."""
    workshop = _workshop(workshop_id)
    if workshop is None:
        return
    with live_update(workshop_id, consoles=True, count=count) as update:
        update.send(render(workshop, oob=True), SCREENS)


def broadcast_wall(workshop_id: int) -> None:
    _to_screens(workshop_id, selectors.render_wall, count="plenary_wall_broadcasts")


def _chart_update(workshop_id: int) -> LiveUpdate:
    """The chart rendered, not yet sent (nothing to send when the workshop went)."""
    update = LiveUpdate(workshop_id, consoles=False, count="plenary_chart_broadcasts")
    workshop = _workshop(workshop_id)
    if workshop is not None:
        with update.rendering():
            update.send(dot_selectors.render_chart(workshop, oob=True), SCREENS)
    return update


def broadcast_chart(workshop_id: int) -> None:
    """Render the chart and send it now: one render, one message."""
    _chart_update(workshop_id).deliver()


def chart_changed(workshop_id: int) -> None:
    """A dot was placed or taken back (after commit, from the request's thread).

    Coalesced (``PLENARY_CHART_COALESCE``): the request only marks the chart stale on the
    process's event loop and returns; one task per workshop renders it and sends it, then
    again if more dots came meanwhile, each render reading every dot committed so far. A
    burst of dots costs one render per render's time, not one per dot, and the last dot
    is always in the last chart."""
    if not settings.PLENARY_CHART_COALESCE or not _in_server_thread():
        broadcast_chart(workshop_id)
        return
    async_to_sync(chart_stale)(workshop_id)


def _in_server_thread() -> bool:
    """A request's thread under Daphne (sync_to_async): its event loop outlives the
    request, so a task made there runs on. Elsewhere (a script, a shell) async_to_sync
    would make a loop for the call only, and the task would die with it."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    pid = getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None)
    return loop is not None and pid == os.getpid() and loop.is_running()


_stale: PerLoop[dict] = PerLoop(dict)  # workshop id -> still to render (a task runs)
_tasks: set[asyncio.Task] = set()


async def chart_stale(workshop_id: int) -> None:
    stale = _stale.get()
    if workshop_id in stale:
        stale[workshop_id] = True  # the running task renders once more
        return
    stale[workshop_id] = True
    # A context of its own: the request that made it ends, and with it the request's
    # thread-sensitive executor, which the task's database calls would otherwise use
    # ("CurrentThreadExecutor already quit").
    task = asyncio.get_running_loop().create_task(
        _render_while_stale(workshop_id, stale), context=contextvars.Context()
    )
    _tasks.add(task)
    task.add_done_callback(_tasks.discard)


async def _render_while_stale(workshop_id: int, stale: dict) -> None:
    loop = asyncio.get_running_loop()
    try:
        while True:
            while stale[workshop_id]:
                stale[workshop_id] = False
                await _send_chart(workshop_id)
            # Once the burst is over, the chart once more: another worker's chart may have
            # reached the screens after this one's last (Redis keeps each sender's order,
            # not theirs between them), or a send may have failed. More dots meanwhile
            # wake it at once.
            settled = loop.time() + settings.PLENARY_CHART_SETTLE_SECONDS
            while not stale[workshop_id] and loop.time() < settled:
                await asyncio.sleep(0.05)
            if stale[workshop_id]:
                continue
            await _send_chart(workshop_id)
            if not stale[workshop_id]:
                return
    finally:
        del stale[workshop_id]


async def _send_chart(workshop_id: int) -> None:
    """One render, one send; a failure is logged and the next render tries again."""
    try:
        update = await database_sync_to_async(_chart_update)(workshop_id)
        await update.adeliver()
    except Exception as error:
        stats.count("plenary_chart_failures")
        stats.count(f"plenary_chart_failures:{type(error).__name__}")
        logger.warning("dots chart not sent; the next one carries it", exc_info=True)


def broadcast_voting(workshop_id: int) -> None:
    workshop = _workshop(workshop_id)
    if workshop is None:
        return
    with live_update(workshop_id, consoles=True) as update:
        update.send(dot_selectors.render_chart(workshop, oob=True), SCREENS)
        signal = PHONE_SIGNAL.format(url=reverse("plenary:phone", args=[workshop.code]))
        update.send(signal, EVERYONE)


def broadcast_slide(workshop_id: int) -> None:
    _to_screens(workshop_id, selectors.render_slide, count="plenary_slide_broadcasts")


def broadcast_position(workshop_id: int) -> None:
    """The presenter's screen counted the parts of its basket: the consoles say so."""
    LiveUpdate(workshop_id, consoles=True).deliver()


def broadcast_everything(workshop_id: int) -> None:
    """The settings changed: the questions, the budgets, the order may read otherwise."""
    broadcast_wall(workshop_id)
    broadcast_voting(workshop_id)
    broadcast_slide(workshop_id)
