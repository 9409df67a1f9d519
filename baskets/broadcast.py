"""Live baskets: a changed basket is rendered once, and the same HTML goes to its
table's phones and the workshop's screens (and a nudge to the consoles)."""

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


def broadcast_basket(basket_id: int) -> None:
    basket = Basket.objects.select_related("table__workshop").filter(pk=basket_id).first()
    if basket is None:
        return
    table = basket.table
    entry = selectors.table_negotiation(table)
    view = entry.basket(basket_id)
    with translation.override(settings.LANGUAGE_CODE):
        html = selectors.render_basket(view, oob=True) + selectors.render_table_warnings(
            entry, oob=True
        )
    workshop_id = table.workshop_id
    send_fragments(
        ([table_group(table.pk), screens_group(workshop_id)], html),
        ([console_group(workshop_id)], CONSOLE_STALE),
    )
    stats.count("basket_broadcasts")
