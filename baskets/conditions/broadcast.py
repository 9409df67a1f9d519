"""Live conditions: a basket's conditions are rendered once, and the same HTML goes to
its table's phones and the workshop's screens (and a nudge to the consoles)."""

from django.conf import settings
from django.utils import translation

from baskets import selectors as basket_selectors
from baskets.conditions import selectors
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


def broadcast_conditions(basket_id: int) -> None:
    basket = Basket.objects.select_related("table__workshop").filter(pk=basket_id).first()
    if basket is None:
        return
    table = basket.table
    view = basket_selectors.table_negotiation(table).basket(basket_id)
    conditions = selectors.conditions_by_basket(table.workshop, [view.basket])[basket_id]
    with translation.override(settings.LANGUAGE_CODE):
        html = selectors.render_conditions(view, conditions, oob=True)
    workshop_id = table.workshop_id
    send_fragments(
        ([table_group(table.pk), screens_group(workshop_id)], html),
        ([console_group(workshop_id)], CONSOLE_STALE),
    )
    stats.count("conditions_broadcasts")


def broadcast_workshop_conditions(workshop_id: int) -> None:
    """Every basket's conditions again, one message per table (the checklist or the
    cards changed)."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        return
    entries = basket_selectors.negotiation(workshop)
    found = selectors.conditions_by_basket(
        workshop, [view.basket for entry in entries for view in entry.baskets]
    )
    deliveries = []
    with translation.override(settings.LANGUAGE_CODE):
        for entry in entries:
            html = "".join(
                selectors.render_conditions(view, found[view.basket.pk], oob=True)
                for view in entry.baskets
            )
            deliveries.append(([table_group(entry.table.pk), screens_group(workshop_id)], html))
    send_fragments(*deliveries, ([console_group(workshop_id)], CONSOLE_STALE))
