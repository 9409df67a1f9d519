"""The presenter's slides: a light list in the presenter's order (one query), and only
the basket on show read whole."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from baskets.conditions.services import ensure_defaults
from baskets.models import AllianceChoice, BasketConditions, ConditionAnswer, ConditionItem
from plenary import selectors, services

pytestmark = pytest.mark.django_db


def test_the_light_list_finds_empty_exactly_the_baskets_the_whole_slide_finds_empty(
    every_basket, built, workshop
):
    """Slide.empty counts transactions, a verdict, a card, a rebalancing and filled
    lines; the one-query list must skip exactly the same baskets."""
    ensure_defaults(workshop)
    item = ConditionItem.objects.filter(workshop=workshop).first()
    card = AllianceChoice.objects.filter(workshop=workshop, family="purpose").first()
    every = selectors.slides(workshop, "tables", include_empty=True)
    others = [entry.basket for entry in every if entry.basket.pk != built[0].pk]
    said = [
        {"verdict": BasketConditions.Verdict.BALANCED},
        {"rebalancing": "Un second aller-retour"},
        {"purpose": card},
        {"condition": "Sans effet seul"},  # not shown on the slide: still empty
        {},
    ]
    for basket, fields in zip(others, said, strict=False):
        BasketConditions.objects.create(basket=basket, **fields)
    checked, written, blank = others[5], others[6], others[7]
    for basket, checked_, text in [
        (checked, True, ""),
        (written, False, "Oui"),
        (blank, False, ""),
    ]:
        record = BasketConditions.objects.create(basket=basket)
        ConditionAnswer.objects.create(conditions=record, item=item, checked=checked_, text=text)

    entries = selectors.slides(workshop, "tables", include_empty=True)
    light = {entry.basket.pk: entry.empty for entry in entries}
    whole = {entry.basket.pk: selectors.slide_of(workshop, entry.basket).empty for entry in entries}
    assert light == whole
    assert {pk for pk, empty in light.items() if empty} == {others[3].pk, others[4].pk, blank.pk}


def test_the_presenter_reads_the_list_once_and_one_basket_whole(every_basket, workshop):
    """A key press, the broadcast and the console's refresh each build the presenter:
    the same queries whatever the number of baskets, and one basket's negotiation."""
    with CaptureQueriesContext(connection) as read:
        presenter = selectors.presenter(workshop)
    assert presenter.count == 9
    transactions = [q["sql"] for q in read if q["sql"].startswith('SELECT "baskets_transaction"')]
    assert len(transactions) == 1  # the basket on show's table, not the workshop's
    assert len(read) == 8  # settings, the list, a table's negotiation, its conditions


def test_a_move_reads_the_slides_once_and_twice_only_when_the_order_changes(every_basket, workshop):
    with CaptureQueriesContext(connection) as one_read:
        selectors.slides(workshop, "tables")
    with CaptureQueriesContext(connection) as plain:
        services.presenter_move(workshop=workshop, to="next")
    with CaptureQueriesContext(connection) as reordered:
        services.presenter_move(workshop=workshop, to="", order="pairs")
    assert len(one_read) == 1
    assert len(reordered) - len(plain) == len(one_read)
