"""One voter's dots sent at the same instant from several requests (two tabs, a retry,
a tapping thumb) never spend more than the budget: each write locks the voter's budget
row first, then counts. Real threads with their own connections, on whichever database
the suite runs (SQLite by default, PostgreSQL with DATABASE_URL)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction

from plenary import services
from plenary.models import Dot
from plenary.services import Item
from tests.plenary.conftest import fresh

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30  # seconds: a bound for a stuck thread, never an expected duration


class Run(threading.Thread):
    def __init__(self, work):
        super().__init__(daemon=True)
        self.work, self.error, self.result = work, None, None

    def run(self):
        try:
            self.result = self.work()
        except Exception as error:  # noqa: BLE001 — handed to the test
            self.error = error
        finally:
            connection.close()


def place(participant_id, item):
    from workshops.models import Participant

    return services.dot_place(participant=fresh(Participant(pk=participant_id)), item=item)


@pytest.mark.parametrize("round_", range(3))
def test_parallel_dots_beyond_the_budget_are_refused(voting, built, alice, round_):
    basket, first, second = built
    place(alice.pk, Item("b", basket.pk))
    place(alice.pk, Item("t", first.pk))  # one dot left
    start = threading.Barrier(4, timeout=WAIT)

    def work():
        start.wait()
        return place(alice.pk, Item("t", second.pk))

    runs = [Run(work) for _ in range(4)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(WAIT)

    placed = [run for run in runs if run.error is None]
    refused = [run for run in runs if isinstance(run.error, ValidationError)]
    assert len(placed) == 1 and len(refused) == 3, [run.error for run in runs]
    assert Dot.objects.filter(participant=alice).count() == 3


def test_a_second_request_waits_for_the_first_s_lock_then_sees_its_dot(voting, built, alice):
    basket, first, second = built
    place(alice.pk, Item("b", basket.pk))
    place(alice.pk, Item("t", first.pk))
    holding, go_on = threading.Event(), threading.Event()

    def first_request():
        with transaction.atomic():  # holds the budget row until the second one waits on it
            place(alice.pk, Item("t", second.pk))
            holding.set()
            go_on.wait(WAIT)

    def second_request():
        return place(alice.pk, Item("b", basket.pk))

    winner, loser = Run(first_request), Run(second_request)
    winner.start()
    assert holding.wait(WAIT)
    loser.start()
    loser.join(0.2)  # it reaches the lock, and cannot pass it before the commit
    assert Dot.objects.filter(participant=alice).count() == 2  # the first's is not committed
    go_on.set()
    winner.join(WAIT)
    loser.join(WAIT)
    assert winner.error is None
    assert isinstance(loser.error, ValidationError)
    assert Dot.objects.filter(participant=alice).count() == 3


def test_parallel_dots_on_one_item_stop_at_its_cap(voting, built, alice, bruno):
    basket, _, _ = built
    start = threading.Barrier(3, timeout=WAIT)

    def work():
        start.wait()
        return place(bruno.pk, Item("b", basket.pk))

    runs = [Run(work) for _ in range(3)]
    for run in runs:
        run.start()
    for run in runs:
        run.join(WAIT)
    assert sum(run.error is None for run in runs) == 2, [run.error for run in runs]
    assert Dot.objects.filter(participant=bruno, basket=basket).count() == 2
