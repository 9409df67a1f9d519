"""The projector follows the baskets live: one render per change, the same HTML as the
phones', sent to the screens and to that table only."""

from contextlib import contextmanager

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test.signals import template_rendered

from baskets import selectors
from config.asgi import application
from tests.baskets.screen_helpers import give
from tests.conftest import at, basket_of, close_database_thread, goto, session_key, ws_headers
from workshops.broadcast import screens_group, table_group
from workshops.models import Phase

LIVE_TEMPLATES = [
    selectors.BASKET_TEMPLATE,
    selectors.TRANSACTION_TEMPLATE,
    selectors.CONTROLS_TEMPLATE,
    selectors.GAUGE_TEMPLATE,
    selectors.ONE_WAY_TEMPLATE,
    selectors.WARNINGS_TEMPLATE,
]


@contextmanager
def counting_live_renders():
    """Renders of each live partial (included ones too), by Django's signal."""
    counts = dict.fromkeys(LIVE_TEMPLATES, 0)

    def on_render(sender, template, **kwargs):
        if template.name in counts:
            counts[template.name] += 1

    template_rendered.connect(on_render)
    try:
        yield counts
    finally:
        template_rendered.disconnect(on_render)


@pytest.mark.django_db
@pytest.mark.usefixtures("channel_layer")
def test_it_renders_a_changed_basket_once_for_the_table_and_every_screen(
    workshop, django_capture_on_commit_callbacks
):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    basket = basket_of(workshop, 1, "BM", "PdB")
    with django_capture_on_commit_callbacks() as callbacks:
        give(basket, "BM", value=3, effort=2)

    with counting_live_renders() as renders:
        for callback in callbacks:
            callback()

    # The new transaction alone, its controls, the gauge, the one-way note, the warnings.
    assert renders == {
        selectors.BASKET_TEMPLATE: 0,
        selectors.TRANSACTION_TEMPLATE: 1,
        selectors.CONTROLS_TEMPLATE: 1,
        selectors.GAUGE_TEMPLATE: 1,
        selectors.ONE_WAY_TEMPLATE: 1,
        selectors.WARNINGS_TEMPLATE: 1,
    }


@pytest.mark.django_db
def test_it_sends_the_same_html_to_the_table_and_to_the_screens_not_to_other_tables(
    workshop,
    django_capture_on_commit_callbacks,
    listen,
):
    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    basket = basket_of(workshop, 1, "BM", "PdB")
    table = listen(table_group(basket.table_id))
    screens = listen(screens_group(workshop.pk))
    other_table = listen(table_group(workshop.tables.get(number=2).pk))
    with django_capture_on_commit_callbacks(execute=True):
        give(basket, "BM", value=3, effort=2)

    sent = [html for html in screens.html() if f'id="gauge-{basket.pk}" ' in html]
    assert len(sent) == 1
    assert f'id="table-warnings-{basket.table_id}"' in sent[0]
    # The table's phones get the same fragments, and the transaction's controls after it.
    (phones,) = [html for html in table.html() if f'id="gauge-{basket.pk}" ' in html]
    assert phones.startswith(sent[0].split("<section")[0])
    assert phones.endswith(sent[0][sent[0].index("<section") :])
    assert "<form" not in sent[0] and "<form" in phones
    assert other_table.html() == []


# Through the sockets ---------------------------------------------------------------------

DISCONNECT_TIMEOUT = 0.1


async def open_socket(path, headers):
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected, path
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_the_projector_receives_the_basket_and_a_phone_of_another_table_nothing(
    workshop, owner, chloe, user_client, participant_client
):
    workshop = await database_sync_to_async(goto)(workshop, Phase.Kind.NEGOTIATION, at(0))
    basket = await database_sync_to_async(basket_of)(workshop, 1, "BM", "PdB")
    laptop = await database_sync_to_async(user_client)(owner)
    phone = await database_sync_to_async(participant_client)(chloe)  # table 2
    projector = await open_socket(f"/ws/w/{workshop.pk}/screen/", ws_headers(session_key(laptop)))
    other_phone = await open_socket(f"/ws/j/{workshop.code}/", ws_headers(session_key(phone)))
    try:
        await database_sync_to_async(give)(basket, "BM", "Bois-énergie", value=4, effort=2)

        await projector.receive_from()  # the new offer's cell, for the grid
        html = await projector.receive_from()
        assert f'id="gauge-{basket.pk}" ' in html
        assert 'hx-swap-oob="true"' in html
        assert "Bois-énergie" in html
        assert await other_phone.receive_nothing(timeout=0.2)
    finally:
        for socket in (projector, other_phone):
            await socket.disconnect(timeout=DISCONNECT_TIMEOUT)
        await close_database_thread()


@pytest.mark.django_db
def test_a_new_tolerance_sends_every_gauge_again_one_message_per_table(
    workshop,
    django_capture_on_commit_callbacks,
    listen,
):
    from workshops import services

    workshop = goto(workshop, Phase.Kind.NEGOTIATION, at(0))
    basket = basket_of(workshop, 1, "BM", "PdB")
    give(basket, "BM", value=5, effort=2)  # gains -2 and 5: leans to PdB at tolerance 2
    fields = {"territories": list(workshop.territories.all()), "table_count": 3}
    # Each listener is read once: on Redis, a channel read from a finished event loop
    # may not hear the next messages.
    unchanged = listen(screens_group(workshop.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.workshop_update(workshop, **fields, title=workshop.title)
    assert unchanged.html() == []

    screens = listen(screens_group(workshop.pk))
    table_1 = listen(table_group(basket.table_id))
    with counting_live_renders() as renders:
        with django_capture_on_commit_callbacks(execute=True):
            services.workshop_update(workshop, **fields, balance_tolerance=8)

    sent = screens.html()
    assert len(sent) == 3  # one per table
    assert renders[selectors.GAUGE_TEMPLATE] == 9  # each basket's gauge once
    assert renders[selectors.BASKET_TEMPLATE] == 0  # its transactions did not change
    mine = next(html for html in sent if f'id="gauge-{basket.pk}" ' in html)
    assert 'data-gauge="balanced"' in mine.split(f'id="gauge-{basket.pk}"')[1]
    assert table_1.html() == [mine]
