"""Live baskets. A transaction written (created, changed, scored, deleted) travels alone
with its basket's balance, whatever the basket and the table hold: the transaction's
fragment, the gauge and the one-way note, and the table's warnings when the write may
change them (not a score). Each fragment is rendered once; the table's phones also get the
transaction's controls (score buttons, "Change"), which the screens cannot use. A basket
changed otherwise (a post-it's new text) is sent whole (docs/negotiation.md)."""

from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from enum import StrEnum

from baskets import selectors
from baskets.models import Basket
from workshops.broadcast import SCREENS, TablePhones, live_update
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


class Change(StrEnum):
    CREATED = "created"  # appended to its side's list
    CHANGED = "changed"  # replaced by id
    SCORED = "scored"  # replaced by id; the table's warnings cannot change
    DELETED = "deleted"  # removed by id


def _moved(view, transaction_id: int, change: Change) -> tuple[str, str]:
    """The transaction's fragment for every screen, and its controls for the phones."""
    basket = view.basket
    written = next((t for t in view.transactions if t.pk == transaction_id), None)
    if written is None or change is Change.DELETED:
        return f'<li id="transaction-{transaction_id}" hx-swap-oob="delete"></li>', ""
    controls = selectors.render_controls(basket, written)
    if change is not Change.CREATED:
        return selectors.render_transaction(basket, written, oob=True), controls
    side = "a" if written.giver_id == basket.side_a_id else "b"
    html = selectors.render_transaction(basket, written)
    return f'<ol hx-swap-oob="beforeend:#transactions-{basket.pk}-{side}">{html}</ol>', controls


def _table_entry(basket_id: int):
    """The basket's table, read as its screens show it, and the basket's view in it; None
    when the basket (or its workshop) went meanwhile."""
    basket = Basket.objects.select_related("table__workshop").filter(pk=basket_id).first()
    if basket is None:
        return None
    entry = selectors.table_negotiation(basket.table)
    view = entry.basket(basket_id)
    return None if view is None else (basket.table, entry, view)


def broadcast_transaction(basket_id: int, transaction_id: int, change: Change) -> None:
    found = _table_entry(basket_id)
    if found is None:
        return
    table, entry, view = found
    with live_update(table.workshop_id, consoles=True, count="basket_broadcasts") as update:
        # The gauge first: paniers.js drops a message whose first fragment is not on the page.
        balance = selectors.render_balance(view)
        moved, controls = _moved(view, transaction_id, change)
        warnings = ""
        if change is not Change.SCORED:
            warnings = selectors.render_table_warnings(entry, oob=True)
        phones_html = balance + moved + controls + warnings
        update.send(phones_html, TablePhones(table.pk))
        update.send(balance + moved + warnings, SCREENS)
    sent = _capturing.get()
    if sent is not None and sent.basket_id == basket_id:
        sent.html = phones_html


def broadcast_basket(basket_id: int) -> None:
    """The whole basket (a post-it it shows has a new text): once, without controls, for
    every screen, and each transaction's controls for the table's phones."""
    found = _table_entry(basket_id)
    if found is None:
        return
    table, entry, view = found
    with live_update(table.workshop_id, consoles=True, count="basket_broadcasts") as update:
        html = selectors.render_basket(view, oob=True)
        html += selectors.render_table_warnings(entry, oob=True)
        controls = "".join(selectors.render_controls(view.basket, t) for t in view.transactions)
        update.send(html + controls, TablePhones(table.pk))
        update.send(html, SCREENS)


def broadcast_workshop_baskets(workshop_id: int) -> None:
    """Every basket's balance again, one message per table (the tolerance changed: every
    gauge may read otherwise, its transactions do not); the same four queries as one
    table's."""
    workshop = Workshop.objects.filter(pk=workshop_id).first()
    if workshop is None:
        return
    with live_update(workshop_id, consoles=True) as update:
        for entry in selectors.negotiation(workshop):
            html = "".join(selectors.render_balance(view) for view in entry.baskets)
            update.send(html, TablePhones(entry.table.pk), SCREENS)
