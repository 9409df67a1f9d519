"""Live baskets: a changed basket is rendered once, and the same HTML goes to its
table's phones and the workshop's screens (and a nudge to the consoles)."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass

from django.conf import settings
from django.utils import translation

from baskets import selectors
from baskets.models import Basket
from workshops import stats
from workshops.broadcast import (
    CONSOLE_STALE,
    console_group,
    screens_group,
    send_fragments,
    table_group,
)
from workshops.models import Workshop


@dataclass
class Sent:
    basket_id: int
    html: str | None = None


_capturing: ContextVar[Sent | None] = ContextVar("basket_capturing", default=None)


@contextmanager
def capturing(basket_id: int):
    """Around a write: the basket's HTML as its broadcast sent it (after the commit, in
    the request's own context), so that the writer's answer sends it rather than render
    it again. ``html`` stays None when no broadcast of that basket ran inside."""
    sent = Sent(basket_id)
    token = _capturing.set(sent)
    try:
        yield sent
    finally:
        _capturing.reset(token)


def broadcast_basket(basket_id: int) -> None:
    basket = Basket.objects.select_related("table__workshop").filter(pk=basket_id).first()
    if basket is None:
        return
    table = basket.table
    entry = selectors.table_negotiation(table)
    view = entry.basket(basket_id)
    with translation.override(settings.LANGUAGE_CODE):
        basket_html = selectors.render_basket(view, oob=True)
        html = basket_html + selectors.render_table_warnings(entry, oob=True)
    sent = _capturing.get()
    if sent is not None and sent.basket_id == basket_id:
        sent.html = basket_html
    workshop_id = table.workshop_id
    send_fragments(
        ([table_group(table.pk), screens_group(workshop_id)], html),
        ([console_group(workshop_id)], CONSOLE_STALE),
    )
    stats.count("basket_broadcasts")


def broadcast_workshop_baskets(workshop_id: int) -> None:
    """Every basket of the workshop again, one message per table (the tolerance changed:
    every gauge may read otherwise); the same four queries as one table's."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        return
    deliveries = []
    with translation.override(settings.LANGUAGE_CODE):
        for entry in selectors.negotiation(workshop):
            html = "".join(selectors.render_basket(view, oob=True) for view in entry.baskets)
            html += selectors.render_table_warnings(entry, oob=True)
            deliveries.append(([table_group(entry.table.pk), screens_group(workshop_id)], html))
    send_fragments(*deliveries, ([console_group(workshop_id)], CONSOLE_STALE))
