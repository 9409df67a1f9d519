"""Presence as the phone consumers record it: a ledger per process, written in batches (the
sockets themselves are in test_consumers.py). Instants are set on the rows, never waited for."""

import datetime

import pytest
from django.utils import timezone

from workshops import presence
from workshops.models import Connection
from workshops.selectors import presence_cutoff

pytestmark = pytest.mark.django_db


def long_ago() -> datetime.datetime:
    return presence_cutoff(timezone.now()) - datetime.timedelta(seconds=1)


def rows() -> list[tuple[str, int]]:
    return list(
        Connection.objects.order_by("channel_name").values_list("channel_name", "participant")
    )


def seat(person) -> tuple[int, int]:
    return (person.pk, person.workshop_id)


def write(arrivals=None, departures=None, beating=None, earlier_run=None) -> set[int]:
    return presence._write(arrivals or {}, departures or {}, beating or {}, earlier_run)


def test_a_batch_records_arrivals_and_names_the_workshops_whose_consoles_to_nudge(
    alice, bruno, dora
):
    touched = write(arrivals={"phone.a": seat(alice), "phone.b": seat(bruno)})

    assert rows() == [("phone.a", alice.pk), ("phone.b", bruno.pk)]
    assert touched == {alice.workshop_id}
    assert dora.workshop_id not in touched


def test_a_batch_forgets_the_sockets_that_closed(alice, bruno):
    write(arrivals={"phone.a": seat(alice), "phone.b": seat(bruno)})

    touched = write(departures={"phone.a": alice.workshop_id})

    assert rows() == [("phone.b", bruno.pk)]
    assert touched == {alice.workshop_id}


def test_a_batch_sweeps_the_rows_of_dead_processes_and_nudges_their_workshops(alice, bruno, dora):
    Connection.objects.create(channel_name="dead.d", participant=dora, last_seen=long_ago())
    Connection.objects.create(channel_name="alive.b", participant=bruno, last_seen=timezone.now())

    touched = write(arrivals={"phone.a": seat(alice)})

    assert rows() == [("alive.b", bruno.pk), ("phone.a", alice.pk)]
    assert touched == {alice.workshop_id, dora.workshop_id}


def test_the_first_batch_of_a_single_process_sweeps_what_an_earlier_run_left(alice, bruno):
    """With the in-memory layer one process serves every socket: a restart leaves rows."""
    Connection.objects.create(channel_name="before.b", participant=bruno, last_seen=timezone.now())
    started = timezone.now()

    write(arrivals={"phone.a": seat(alice)}, earlier_run=started)

    assert rows() == [("phone.a", alice.pk)]


def test_the_heartbeat_keeps_open_rows_fresh_and_puts_back_one_swept_too_early(alice, bruno):
    Connection.objects.create(channel_name="phone.a", participant=alice, last_seen=long_ago())
    # phone.b's row was swept by another process while its socket was still open here.

    write(beating={"phone.a": seat(alice), "phone.b": seat(bruno)})

    assert rows() == [("phone.a", alice.pk), ("phone.b", bruno.pk)]
    cutoff = presence_cutoff(timezone.now())
    assert all(row.last_seen >= cutoff for row in Connection.objects.all())


def test_a_participant_deleted_meanwhile_gets_no_row(alice, bruno):
    bruno_seat = seat(bruno)
    bruno.delete()

    write(arrivals={"phone.a": seat(alice), "phone.b": bruno_seat})

    assert rows() == [("phone.a", alice.pk)]


def test_the_ledger_writes_nothing_for_a_socket_that_came_and_went_within_a_batch(alice):
    ledger = presence.Ledger()
    ledger.arrive("phone.a", *seat(alice))
    ledger.arrive("phone.a2", *seat(alice))
    ledger.leave("phone.a")

    arrivals, departures = ledger.take()

    assert arrivals == {"phone.a2": seat(alice)}
    assert departures == {}
    ledger.leave("phone.a2")
    assert ledger.take() == ({}, {"phone.a2": alice.workshop_id})


def test_the_ledger_keeps_a_batch_that_could_not_be_written(alice, bruno):
    ledger = presence.Ledger()
    ledger.arrive("phone.a", *seat(alice))
    ledger.arrive("phone.b", *seat(bruno))
    ledger.take()
    ledger.leave("phone.b")
    arrivals, departures = ledger.take()

    ledger.put_back({"phone.a": seat(alice)}, departures)

    assert ledger.take() == ({"phone.a": seat(alice)}, {"phone.b": bruno.workshop_id})
