"""Live conditions: a basket's conditions are rendered once, and the same HTML goes to
its table's phones and the workshop's screens (and a nudge to the consoles)."""

from baskets import selectors as basket_selectors
from baskets.conditions import selectors
from baskets.models import Basket
from workshops.broadcast import SCREENS, TablePhones, live_update
from workshops.models import Workshop


def broadcast_conditions(basket_id: int) -> None:
    basket = Basket.objects.select_related("table__workshop").filter(pk=basket_id).first()
    if basket is None:
        return
    table = basket.table
    view = basket_selectors.table_negotiation(table).basket(basket_id)
    conditions = selectors.conditions_by_basket(table.workshop, [view.basket])[basket_id]
    with live_update(table.workshop_id, consoles=True, count="conditions_broadcasts") as update:
        html = selectors.render_conditions(view, conditions, oob=True)
        update.send(html, TablePhones(table.pk), SCREENS)


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
    with live_update(workshop_id, consoles=True) as update:
        for entry in entries:
            html = "".join(
                selectors.render_conditions(view, found[view.basket.pk], oob=True)
                for view in entry.baskets
            )
            update.send(html, TablePhones(entry.table.pk), SCREENS)
