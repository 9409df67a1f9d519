"""The two sides of a basket save its conditions at the same instant: exactly one save
wins, the other is refused with the winner's content; the first save too (no second
row). Real threads with their own connections, on SQLite or PostgreSQL."""

import threading

import pytest

from baskets.conditions import services
from baskets.models import Basket, BasketConditions, ConditionAnswer
from tests.baskets.test_concurrency import WAIT, Run
from tests.conftest import basket_of, goto
from workshops.models import Phase

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def basket(workshop, alice, bruno):
    workshop = goto(workshop, Phase.Kind.CONDITIONS)
    return basket_of(workshop, 1, "BM", "PdB")


def save(basket_id, by, version, verdict, text):
    drawn = Basket.objects.select_related("table__workshop").get(pk=basket_id)
    item = drawn.table.workshop.condition_items.first()
    return services.conditions_save(
        basket=drawn, by=by, version=version, verdict=verdict, answers={item.pk: (True, text)}
    )


@pytest.mark.parametrize("first_save", [True, False], ids=["first-save", "later-save"])
def test_of_two_saves_sent_at_the_same_instant_exactly_one_wins(basket, alice, bruno, first_save):
    version = 0
    if not first_save:
        save(basket.pk, alice, 0, "unbalanced", "Avant")
        version = 1
    start = threading.Barrier(2, timeout=WAIT)

    def sending(by, verdict, text):
        def work():
            start.wait()
            return save(basket.pk, by, version, verdict, text)

        return Run(work)

    runs = [sending(alice, "balanced", "Alice"), sending(bruno, "unbalanced", "Bruno")]
    for run in runs:
        run.start()
    for run in runs:
        run.join(WAIT)

    won = [run for run in runs if run.error is None]
    refused = [run for run in runs if isinstance(run.error, services.StaleConditions)]
    assert len(won) == len(refused) == 1, [run.error for run in runs]
    saved = BasketConditions.objects.get()
    assert saved.version == version + 1
    assert saved.verdict == won[0].result.verdict == refused[0].error.current.verdict
    assert list(ConditionAnswer.objects.values_list("text", flat=True)) == [
        "Alice" if saved.verdict == "balanced" else "Bruno"
    ]
