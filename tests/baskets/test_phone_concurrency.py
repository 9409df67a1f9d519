"""Two phones saving the same transaction at the same instant: one edit wins, the
other is refused with what the transaction now says, nothing is lost silently.

At the same instant on PostgreSQL; one after the other on SQLite, which serialises
writes anyway (and whose shared in-memory test database locks under threads)."""

import threading

import pytest
from django.db import connection, connections

from baskets.models import Transaction

pytestmark = pytest.mark.django_db(transaction=True)


def test_it_refuses_one_of_two_simultaneous_edits_with_the_current_content(
    participant_client, alice, bruno, basket, make_transaction
):
    transaction = make_transaction(basket, alice, note="Au départ")
    path = f"/j/{alice.workshop.code}/baskets/t/{transaction.pk}/edit/"
    phones = {"alice": participant_client(alice), "bruno": participant_client(bruno)}
    start = threading.Barrier(len(phones) if connection.vendor == "postgresql" else 1)
    answers: dict[str, object] = {}

    def save(name: str) -> None:
        try:
            start.wait()
            answers[name] = phones[name].post(
                path,
                {"offer": transaction.offer_id, "note": f"Note de {name}", "version": 1},
                HTTP_HX_REQUEST="true",
            )
        finally:
            if threading.current_thread() is not threading.main_thread():
                connections.close_all()

    if connection.vendor == "postgresql":
        threads = [threading.Thread(target=save, args=(name,)) for name in phones]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    else:
        for name in phones:
            save(name)

    statuses = sorted(answer.status_code for answer in answers.values())
    assert statuses == [200, 409]
    winner = next(name for name, answer in answers.items() if answer.status_code == 200)
    loser = next(name for name in answers if name != winner)
    refused = answers[loser].content.decode()
    assert f"Note de {winner}" in refused  # what it says now
    assert f"Note de {loser}" in refused  # what the loser typed, kept
    saved = Transaction.objects.get(pk=transaction.pk)
    assert (saved.note, saved.version) == (f"Note de {winner}", 2)
