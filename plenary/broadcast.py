"""Live plenary: each change rendered once, sent to the audiences that show it.

- a new answer: the consoles only (a nudge; they fetch their list), never the screens;
- answers shown or hidden: the wall, which holds the SHOWN answers only, to the screens;
- a dot, or the results shown or hidden: the chart to the screens (hidden results: a
  count of dots, no bar);
- voting opened or closed: the chart, and a signal that makes each phone fetch its dots;
- the presenter's slide: to the screens, and a nudge to the consoles.
"""

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from plenary import selectors
from workshops import stats
from workshops.broadcast import (
    CONSOLE_STALE,
    console_group,
    screens_group,
    send_fragments,
    workshop_group,
)
from workshops.models import Workshop

PHONE_SIGNAL = (
    '<div id="plenary-signal" hx-swap-oob="true" hx-get="{url}" hx-trigger="load" '
    'hx-target="#plenary-phone" hx-swap="outerHTML"></div>'
)


def _workshop(workshop_id: int) -> Workshop | None:
    return Workshop.objects.filter(pk=workshop_id).first()


def broadcast_answer_arrived(workshop_id: int) -> None:
    send_fragments(([console_group(workshop_id)], CONSOLE_STALE))


def broadcast_wall(workshop_id: int) -> None:
    workshop = _workshop(workshop_id)
    if workshop is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        html = selectors.render_wall(workshop, oob=True)
    send_fragments(
        ([screens_group(workshop_id)], html), ([console_group(workshop_id)], CONSOLE_STALE)
    )
    stats.count("plenary_wall_broadcasts")


def broadcast_chart(workshop_id: int) -> None:
    workshop = _workshop(workshop_id)
    if workshop is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        html = selectors.render_chart(workshop, oob=True)
    send_fragments(([screens_group(workshop_id)], html))
    stats.count("plenary_chart_broadcasts")


def broadcast_voting(workshop_id: int) -> None:
    workshop = _workshop(workshop_id)
    if workshop is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        chart = selectors.render_chart(workshop, oob=True)
    signal = PHONE_SIGNAL.format(url=reverse("plenary:phone", args=[workshop.code]))
    send_fragments(
        ([screens_group(workshop_id)], chart),
        ([workshop_group(workshop_id)], signal),
        ([console_group(workshop_id)], CONSOLE_STALE),
    )


def broadcast_slide(workshop_id: int) -> None:
    workshop = _workshop(workshop_id)
    if workshop is None:
        return
    with translation.override(settings.LANGUAGE_CODE):
        html = selectors.render_slide(workshop, oob=True)
    send_fragments(
        ([screens_group(workshop_id)], html), ([console_group(workshop_id)], CONSOLE_STALE)
    )
    stats.count("plenary_slide_broadcasts")


def broadcast_everything(workshop_id: int) -> None:
    """The settings changed: the questions, the budgets, the order may read otherwise."""
    broadcast_wall(workshop_id)
    broadcast_voting(workshop_id)
    broadcast_slide(workshop_id)
