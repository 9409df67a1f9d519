"""Reads stay a fixed number of queries; a basket broadcast renders once, for its table."""

import pytest

from baskets import broadcast, selectors, services
from baskets.balance import Gauge
from tests.conftest import basket_of
from workshops import stats
from workshops.broadcast import CONSOLE_STALE, console_group, screens_group, table_group

pytestmark = pytest.mark.django_db


def fill(basket, alice, bruno, make_postit, count: int) -> None:
    offers = [make_postit(p, text=f"Offre {p.first_name}", kind="offer") for p in (alice, bruno)]
    needs = [make_postit(p, text=f"Besoin {p.first_name}", kind="need") for p in (bruno, alice)]
    for i in range(count):
        side = i % 2
        services.transaction_create(
            basket=basket,
            by=None,
            giver=(alice, bruno)[side].subgroup,
            offer=offers[side],
            needs=[needs[side]],
            note=f"n°{i}",
            value=3,
            effort=2,
        )


@pytest.mark.parametrize("count", [0, 1, 12])
def test_a_table_s_negotiation_is_four_queries_whatever_its_size(
    negotiating, basket, alice, bruno, make_postit, django_assert_max_num_queries, count
):
    fill(basket, alice, bruno, make_postit, count)
    table = basket.table

    # Four: baskets, transactions, their answered needs (skipped when there are no
    # transactions), the table's needs.
    with django_assert_max_num_queries(4):
        (entry,) = selectors.negotiation(negotiating, table=table)
        for view in entry.baskets:
            _ = (
                [t.offer.text for t in view.transactions],
                [n.text for t in view.transactions for n in t.answered],
            )
        _ = entry.unanswered_needs, entry.shared_offers, entry.one_way_baskets

    assert len(entry.baskets) == 3
    assert len(entry.basket(basket.pk).transactions) == count


def test_the_whole_room_is_four_queries_too(negotiating, basket, alice, bruno, make_postit):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    fill(basket, alice, bruno, make_postit, 3)

    with CaptureQueriesContext(connection) as queries:
        tables = selectors.negotiation(negotiating)

    assert len(queries) == 4
    assert [entry.table.number for entry in tables] == [1, 2, 3]


def test_the_pair_view_finds_the_pair_at_every_table(negotiating, basket):
    bm, pdb = basket.side_a.territory, basket.side_b.territory

    views = selectors.pair_across_tables(negotiating, pdb.pk, bm.pk)

    assert [view.basket.table.number for view in views] == [1, 2, 3]
    assert views[0].basket == basket
    assert all(view.balance.gauge == Gauge.EMPTY for view in views)


def test_a_broadcast_renders_the_basket_once_for_its_table_and_the_screens(
    basket,
    alice,
    bruno,
    make_postit,
    listen,  # noqa: F811
):
    fill(basket, alice, bruno, make_postit, 2)
    workshop_id = basket.table.workshop_id
    table = listen(table_group(basket.table_id))
    screens = listen(screens_group(workshop_id))
    consoles = listen(console_group(workshop_id))
    other_table = listen(table_group(basket_of(basket.table.workshop, 2, "BM", "COB").table_id))
    before = stats.snapshot().get("basket_renders", 0)

    broadcast.broadcast_basket(basket.pk)

    assert stats.snapshot().get("basket_renders", 0) - before == 1
    [phones] = table.html()
    [on_screen] = screens.html()
    # The same basket for both; the table's phones also get each transaction's controls.
    assert phones.startswith(on_screen)
    assert f'id="basket-{basket.pk}"' in on_screen and "<form" not in on_screen
    assert phones.count('class="score-set"') == 2
    assert f'id="table-warnings-{basket.table_id}"' in on_screen
    assert consoles.html() == [CONSOLE_STALE]
    assert other_table.messages() == []


def test_a_broadcast_of_a_removed_basket_sends_nothing(negotiating, listen):  # noqa: F811
    gone = basket_of(negotiating, 2, "BM", "COB")
    pk = gone.pk
    heard = listen(
        table_group(gone.table_id), screens_group(negotiating.pk), console_group(negotiating.pk)
    )
    gone.delete()

    broadcast.broadcast_basket(pk)

    assert heard.messages() == []
