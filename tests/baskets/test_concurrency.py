"""Two people edit one transaction at once, each from the version their phone showed:
one edit wins, the other is refused with the winner's content, nothing is lost.

Real threads, each with its own database connection, on whichever database the suite
runs (SQLite by default, PostgreSQL with DATABASE_URL): the loser's compare-and-set
waits for the winner's row (PostgreSQL) or database (SQLite) lock, then finds the
version moved on.
"""

import threading

import pytest
from django.db import connection, transaction

from baskets import services
from baskets.models import Transaction
from workshops.models import PostIt

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 30  # seconds: a bound for a stuck thread, never an expected duration


@pytest.fixture
def given(basket, alice, bruno, make_postit):
    port = make_postit(alice, text="Port de Brest", kind="offer")
    foncier = make_postit(bruno, text="Préserver le foncier", kind="need")
    voiture = make_postit(bruno, text="Moins de voiture", kind="need")
    created = services.transaction_create(basket=basket, by=alice, giver=alice.subgroup, offer=port)
    return created, port, foncier, voiture


def edit(transaction_id, by, version, offer, needs, note):
    drawn = Transaction.objects.select_related("basket__table__workshop", "giver").get(
        pk=transaction_id
    )
    return services.transaction_update(
        transaction_=drawn, by=by, version=version, offer=offer, needs=needs, note=note
    )


class Run(threading.Thread):
    """A request in a thread of its own, with its own connection; keeps what it raised."""

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


def test_the_second_of_two_overlapping_edits_is_refused_with_the_first_s_content(
    given, alice, bruno
):
    created, port, foncier, voiture = given
    claimed, go_on = threading.Event(), threading.Event()

    def first():
        with transaction.atomic():  # holds the row until the second edit is waiting on it
            edit(created.pk, alice, 1, port, [foncier], "en contrepartie du bois")
            claimed.set()
            go_on.wait(WAIT)

    def second():
        return edit(created.pk, bruno, 1, port, [voiture], "à condition que les trains suivent")

    winner, loser = Run(first), Run(second)
    winner.start()
    assert claimed.wait(WAIT)
    loser.start()
    loser.join(0.2)  # let it reach the lock; it cannot get further before the commit
    go_on.set()
    winner.join(WAIT)
    loser.join(WAIT)

    assert winner.error is None
    assert isinstance(loser.error, services.StaleEdit)
    current = loser.error.current
    assert (current.note, current.version) == ("en contrepartie du bois", 2)
    assert list(current.needs.all()) == [foncier]
    created.refresh_from_db()
    assert (created.note, created.version) == ("en contrepartie du bois", 2)
    assert list(created.needs.all()) == [foncier]
    # The loser's post-its are all still there: refusing an edit deletes nothing.
    assert PostIt.objects.filter(pk__in=[port.pk, foncier.pk, voiture.pk]).count() == 3


@pytest.mark.parametrize("round_", range(3))
def test_of_two_edits_sent_at_the_same_instant_exactly_one_wins(given, alice, bruno, round_):
    created, port, foncier, voiture = given
    start = threading.Barrier(2, timeout=WAIT)

    def sending(by, needs, note):
        def work():
            start.wait()
            return edit(created.pk, by, 1, port, needs, note)

        return Run(work)

    runs = [sending(alice, [foncier], "Alice"), sending(bruno, [voiture], "Bruno")]
    for run in runs:
        run.start()
    for run in runs:
        run.join(WAIT)

    won = [run for run in runs if run.error is None]
    refused = [run for run in runs if isinstance(run.error, services.StaleEdit)]
    assert len(won) == len(refused) == 1, [run.error for run in runs]
    created.refresh_from_db()
    assert created.version == 2
    assert created.note == won[0].result.note == refused[0].error.current.note
    assert list(created.needs.all()) == ([foncier] if created.note == "Alice" else [voiture])
