"""Presence as the phone consumer records it: arrive, beat, leave (the sockets themselves are
in test_consumers.py). Instants are set on the rows, never waited for."""

import datetime

import pytest
from django.utils import timezone

from workshops import presence
from workshops.broadcast import CONSOLE_STALE, console_group
from workshops.models import Connection
from workshops.selectors import presence_cutoff

pytestmark = pytest.mark.django_db


def long_ago() -> datetime.datetime:
    return presence_cutoff(timezone.now()) - datetime.timedelta(seconds=1)


def rows() -> list[tuple[str, int]]:
    return list(
        Connection.objects.order_by("channel_name").values_list("channel_name", "participant")
    )


def test_it_records_an_arrival_and_tells_the_consoles_of_that_workshop_only(listen, alice, dora):
    console = listen(console_group(alice.workshop_id))
    other_console = listen(console_group(dora.workshop_id))

    presence.arrive(alice, "phone.a")

    assert rows() == [("phone.a", alice.pk)]
    assert console.html() == [CONSOLE_STALE]
    assert other_console.html() == []


def test_it_sweeps_the_rows_of_dead_processes_on_arrival(listen, alice, bruno, dora):
    Connection.objects.create(channel_name="dead.b", participant=bruno, last_seen=long_ago())
    Connection.objects.create(channel_name="dead.d", participant=dora, last_seen=long_ago())
    Connection.objects.create(channel_name="alive.b", participant=bruno, last_seen=timezone.now())

    presence.arrive(alice, "phone.a")

    assert rows() == [("alive.b", bruno.pk), ("phone.a", alice.pk)]


def test_it_keeps_a_row_fresh_on_each_beat(alice):
    Connection.objects.create(channel_name="phone.a", participant=alice, last_seen=long_ago())

    presence.beat(alice, "phone.a")

    assert Connection.objects.get().last_seen >= presence_cutoff(timezone.now())


def test_it_puts_back_a_row_swept_while_its_socket_was_still_open(alice, bruno):
    """A beat came late, another phone's arrival took the row for a dead process's."""
    Connection.objects.create(channel_name="phone.a", participant=alice, last_seen=long_ago())
    presence.arrive(bruno, "phone.b")
    assert rows() == [("phone.b", bruno.pk)]

    presence.beat(alice, "phone.a")

    assert rows() == [("phone.a", alice.pk), ("phone.b", bruno.pk)]


def test_it_forgets_a_socket_that_closes_and_tells_the_consoles(listen, alice):
    presence.arrive(alice, "phone.a")
    presence.arrive(alice, "phone.a2")
    console = listen(console_group(alice.workshop_id))

    presence.leave(alice, "phone.a")

    assert rows() == [("phone.a2", alice.pk)]
    assert console.html() == [CONSOLE_STALE]
