"""The one broadcast helper every app announces through (workshops/broadcast.py):
``live_update`` renders a fragment once, in the site's language, and sends it to the
audiences it names, then nudges the consoles; a Redis that just failed is not waited on."""

import pytest
import redis
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.utils import translation

from config.asgi import application
from tests.conftest import close_database_thread, session_key, ws_headers
from workshops import selectors, stats
from workshops.broadcast import (
    CONSOLE_STALE,
    EVERYONE,
    SCREENS,
    LiveUpdate,
    TablePhones,
    console_group,
    live_update,
    screens_group,
    table_group,
    workshop_group,
)
from workshops.redis_breaker import breaker


@pytest.mark.django_db
def test_it_renders_once_in_the_site_s_language_for_the_audiences_it_names_only(
    alice, chloe, dora, alices_postit, listen
):
    workshop = alice.workshop
    own_table = listen(table_group(alice.subgroup.table_id))
    screens = listen(screens_group(workshop.pk))
    consoles = listen(console_group(workshop.pk))
    other_table = listen(table_group(chloe.subgroup.table_id))
    everyone = listen(workshop_group(workshop.pk))
    other_workshop = listen(
        table_group(dora.subgroup.table_id),
        screens_group(dora.workshop_id),
        console_group(dora.workshop_id),
    )

    renders = stats.snapshot().get("postit_renders", 0)

    # As in a request of a facilitator who reads English: the room still reads French.
    with translation.override("en"), live_update(workshop.pk, consoles=True) as update:
        html = selectors.render_postit(alices_postit, live="replace")
        update.send(html, TablePhones(alice.subgroup.table_id), SCREENS)

    assert stats.snapshot().get("postit_renders", 0) - renders == 1
    assert own_table.html() == [html]
    assert screens.html() == [html]
    assert consoles.html() == [CONSOLE_STALE]
    assert ">Modifier<" in html and ">Edit<" not in html
    for listener in (other_table, everyone, other_workshop):
        assert listener.messages() == []


@pytest.mark.django_db
def test_it_sends_each_fragment_to_its_own_audiences_and_no_nudge_unless_asked(
    alice, chloe, listen
):
    workshop = alice.workshop
    tables = [listen(table_group(p.subgroup.table_id)) for p in (alice, chloe)]
    screens = listen(screens_group(workshop.pk))
    everyone = listen(workshop_group(workshop.pk))
    consoles = listen(console_group(workshop.pk))

    with live_update(workshop.pk, consoles=False) as update:
        update.send('<p id="a">A</p>', TablePhones(alice.subgroup.table_id), SCREENS)
        update.send('<p id="c">C</p>', TablePhones(chloe.subgroup.table_id), SCREENS)
        update.send('<p id="all">all</p>', EVERYONE)

    assert [table.html() for table in tables] == [['<p id="a">A</p>'], ['<p id="c">C</p>']]
    assert screens.html() == ['<p id="a">A</p>', '<p id="c">C</p>']
    assert everyone.html() == ['<p id="all">all</p>']
    assert consoles.messages() == []


@pytest.mark.django_db
def test_it_sends_nothing_when_its_block_fails_and_refuses_a_fragment_for_no_one(alice, listen):
    workshop = alice.workshop
    heard = listen(screens_group(workshop.pk), console_group(workshop.pk))

    with pytest.raises(RuntimeError), live_update(workshop.pk, consoles=True) as update:
        update.send('<p id="half">half</p>', SCREENS)
        raise RuntimeError("the render failed halfway")
    with pytest.raises(ValueError):
        LiveUpdate(workshop.pk, consoles=True).send('<p id="lost">lost</p>')

    assert heard.messages() == []


@pytest.mark.django_db
def test_it_does_not_wait_on_a_redis_that_just_timed_out(alice, listen):
    workshop = alice.workshop
    heard = listen(screens_group(workshop.pk), console_group(workshop.pk))
    before = stats.snapshot().get("broadcast_failures", 0)
    breaker.failed("a broadcast before", redis.TimeoutError("Timeout reading from socket"))
    try:
        with live_update(workshop.pk, consoles=True, count="test_updates") as update:
            update.send('<p id="skipped">skipped</p>', SCREENS)
    finally:
        breaker.reset()

    assert heard.messages() == []  # not sent: the screens catch up when they reconnect
    assert stats.snapshot().get("broadcast_failures", 0) - before == 1


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_a_phone_of_the_table_and_the_projector_receive_it_through_their_sockets(
    participant_client, user_client, alice, chloe, owner
):
    phone_client = await database_sync_to_async(participant_client)(alice)
    other_phone_client = await database_sync_to_async(participant_client)(chloe)
    laptop_client = await database_sync_to_async(user_client)(owner)
    code, workshop_id = alice.workshop.code, alice.workshop_id
    phone, other_phone, projector = (
        WebsocketCommunicator(application, path, headers=ws_headers(session_key(client)))
        for path, client in (
            (f"/ws/j/{code}/", phone_client),
            (f"/ws/j/{code}/", other_phone_client),
            (f"/ws/w/{workshop_id}/screen/", laptop_client),
        )
    )
    for communicator in (phone, other_phone, projector):
        connected, _ = await communicator.connect()
        assert connected

    update = LiveUpdate(workshop_id, consoles=True)
    update.send('<p id="live">live</p>', TablePhones(alice.subgroup.table_id), SCREENS)
    await update.adeliver()

    assert await phone.receive_from() == '<p id="live">live</p>'
    assert await projector.receive_from() == '<p id="live">live</p>'
    for communicator in (phone, other_phone, projector):
        assert await communicator.receive_nothing(timeout=0.05)
        await communicator.disconnect(timeout=0.1)
    await close_database_thread()
