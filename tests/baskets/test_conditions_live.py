"""Conditions live: a save is rendered once, and the same HTML reaches the basket's table
and the screens, not another table; the consoles are nudged."""

from contextlib import contextmanager

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test.signals import template_rendered

from baskets.conditions import services
from config.asgi import application
from tests.conftest import basket_of, close_database_thread, goto, session_key, ws_headers
from workshops import stats
from workshops.broadcast import CONSOLE_STALE, console_group, screens_group, table_group
from workshops.models import Phase

TEMPLATE = "baskets/_conditions.html"
DISCONNECT_TIMEOUT = 0.1


@contextmanager
def counting_renders():
    counts = {"signal": 0, "stats": 0}

    def on_render(sender, template, **kwargs):
        if template.name == TEMPLATE:
            counts["signal"] += 1

    before = stats.snapshot().get("conditions_broadcasts", 0)
    template_rendered.connect(on_render)
    try:
        yield counts
    finally:
        template_rendered.disconnect(on_render)
        counts["stats"] = stats.snapshot().get("conditions_broadcasts", 0) - before


@pytest.mark.django_db
@pytest.mark.usefixtures("channel_layer")
def test_a_save_is_rendered_once_for_the_table_and_every_screen(
    workshop, alice, bruno, django_capture_on_commit_callbacks
):
    basket = basket_of(goto(workshop, Phase.Kind.CONDITIONS), 1, "BM", "PdB")
    with django_capture_on_commit_callbacks() as callbacks:
        services.conditions_save(basket=basket, by=alice, version=0, verdict="balanced")

    with counting_renders() as renders:
        for callback in callbacks:
            callback()

    assert renders == {"signal": 1, "stats": 1}


@pytest.mark.django_db
@pytest.mark.usefixtures("channel_layer")
def test_a_broadcast_costs_the_same_queries_however_full_the_basket(
    workshop, alice, bruno, django_capture_on_commit_callbacks, django_assert_num_queries
):
    from baskets.conditions.broadcast import broadcast_conditions

    basket = basket_of(goto(workshop, Phase.Kind.CONDITIONS), 1, "BM", "PdB")
    items = {item.pk: (True, "Oui") for item in workshop.condition_items.all()}
    with django_capture_on_commit_callbacks():
        services.conditions_save(
            basket=basket, by=alice, version=0, verdict="balanced", answers=items
        )
    # The basket, the table's baskets and transactions, the checklist, the verdict and
    # its answers: a fixed number, whatever is written.
    with django_assert_num_queries(7):
        broadcast_conditions(basket.pk)


@pytest.mark.django_db
def test_the_same_html_goes_to_the_table_and_the_screens_not_another_table(
    workshop,
    alice,
    bruno,
    django_capture_on_commit_callbacks,
    listen,
):
    workshop = goto(workshop, Phase.Kind.CONDITIONS)
    basket = basket_of(workshop, 1, "BM", "PdB")
    table = listen(table_group(basket.table_id))
    screens = listen(screens_group(workshop.pk))
    consoles = listen(console_group(workshop.pk))
    other_table = listen(table_group(workshop.tables.get(number=2).pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.conditions_save(
            basket=basket, by=alice, version=0, verdict="conditional", condition="Le port"
        )

    sent = screens.html()
    assert len(sent) == 1 and f'id="conditions-{basket.pk}"' in sent[0]
    assert 'hx-swap-oob="true"' in sent[0] and "Le port" in sent[0]
    assert table.html() == sent
    assert other_table.html() == []
    assert consoles.html() == [CONSOLE_STALE]


@pytest.mark.django_db
def test_a_new_checklist_sends_every_basket_again_one_message_per_table(
    workshop,
    alice,
    django_capture_on_commit_callbacks,
    listen,
):
    workshop = goto(workshop, Phase.Kind.CONDITIONS)
    screens = listen(screens_group(workshop.pk))
    with django_capture_on_commit_callbacks(execute=True):
        services.condition_items_set(workshop=workshop, items=[("Distance", "")])
    sent = screens.html()
    assert len(sent) == 3
    assert all(
        html.count('class="condition-line') == html.count('id="conditions-') for html in sent
    )


async def open_socket(path, headers):
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected, path
    return communicator


@pytest.mark.django_db(transaction=True)
@pytest.mark.usefixtures("channel_layer")
async def test_the_table_and_the_projector_receive_it_and_another_table_nothing(
    workshop, owner, alice, bruno, chloe, user_client, participant_client
):
    workshop = await database_sync_to_async(goto)(workshop, Phase.Kind.CONDITIONS)
    basket = await database_sync_to_async(basket_of)(workshop, 1, "BM", "PdB")
    laptop = await database_sync_to_async(user_client)(owner)
    brunos = await database_sync_to_async(participant_client)(bruno)
    chloes = await database_sync_to_async(participant_client)(chloe)  # table 2
    projector = await open_socket(f"/ws/w/{workshop.pk}/screen/", ws_headers(session_key(laptop)))
    table_phone = await open_socket(f"/ws/j/{workshop.code}/", ws_headers(session_key(brunos)))
    other_phone = await open_socket(f"/ws/j/{workshop.code}/", ws_headers(session_key(chloes)))
    try:
        await database_sync_to_async(services.conditions_save)(
            basket=basket, by=alice, version=0, verdict="unbalanced", rebalancing="Ajouter le port"
        )
        on_projector = await projector.receive_from()
        assert f'id="conditions-{basket.pk}"' in on_projector
        assert "Ajouter le port" in on_projector
        assert await table_phone.receive_from() == on_projector
        assert await other_phone.receive_nothing(timeout=0.2)
    finally:
        for socket in (projector, table_phone, other_phone):
            await socket.disconnect(timeout=DISCONNECT_TIMEOUT)
        await close_database_thread()
