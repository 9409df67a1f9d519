"""A written transaction travels alone with its basket's balance: its message is the same
size with 1 or 30 transactions in the basket and 1 or 30 warnings at the table, each
fragment is rendered once, and the screens get no controls (baskets/broadcast.py)."""

import re

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from baskets import selectors, services
from config.asgi import application
from tests.baskets.test_projector_live import counting_live_renders
from tests.conftest import close_database_thread, session_key, ws_headers

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("channel_layer")]

DISCONNECT_TIMEOUT = 0.1
ONE_OF_EACH = {
    selectors.BASKET_TEMPLATE: 0,
    selectors.TRANSACTION_TEMPLATE: 1,
    selectors.CONTROLS_TEMPLATE: 1,
    selectors.GAUGE_TEMPLATE: 1,
    selectors.ONE_WAY_TEMPLATE: 1,
}


def shape(html: str) -> str:
    """The message with its numbers (ids, scores, totals) made alike: what is left is what
    the board's size could change."""
    return re.sub(r"\d+", "0", html)


async def open_socket(path, headers) -> WebsocketCommunicator:
    communicator = WebsocketCommunicator(application, path, headers=headers)
    connected, _ = await communicator.connect()
    assert connected, path
    return communicator


async def drain(socket) -> list[str]:
    received = []
    while not await socket.receive_nothing(timeout=0.3):
        received.append(await socket.receive_from())
    return received


async def the_basket_message(socket, basket) -> str:
    (message,) = [html for html in await drain(socket) if f'id="gauge-{basket.pk}"' in html]
    return message


async def test_a_transaction_s_message_keeps_its_size_as_the_basket_and_the_table_fill(
    basket,
    alice,
    bruno,
    colette,
    owner,
    user_client,
    participant_client,
    make_postit,
    make_transaction,
    settings,
):
    settings.POSTITS_PER_MINUTE = 100  # the table is filled by a few writers, fast
    code = alice.workshop.code
    laptop = await database_sync_to_async(user_client)(owner)
    alices = await database_sync_to_async(participant_client)(alice)
    brunos = await database_sync_to_async(participant_client)(bruno)
    projector = await open_socket(
        f"/ws/w/{alice.workshop.pk}/screen/", ws_headers(session_key(laptop))
    )
    phone = await open_socket(f"/ws/j/{code}/", ws_headers(session_key(alices)))

    def fill(transactions: int, needs: int):
        for n in range(needs):
            make_postit(colette, text=f"Besoin {n:02d}", kind="need")  # a third territory
        for _ in range(transactions):
            make_transaction(basket, alice, effort=2)
        for unrated in basket.transactions.filter(value=None).exclude(pk=scored.pk):
            services.transaction_score(transaction_=unrated, by=bruno, value=3)

    def score(transaction, value: int):
        path = f"/j/{code}/baskets/t/{transaction.pk}/score/"
        with counting_live_renders() as renders:
            response = brunos.post(path, {"score": value}, HTTP_HX_REQUEST="true")
        assert response.status_code == 200
        return renders

    def create():
        with counting_live_renders() as renders:
            make_transaction(basket, alice, effort=2)
        return renders

    async def messages(write, *args):
        renders = await database_sync_to_async(write)(*args)
        return renders, (
            await the_basket_message(projector, basket),
            await the_basket_message(phone, basket),
        )

    try:
        scored = await database_sync_to_async(make_transaction)(basket, alice, effort=2)
        await database_sync_to_async(fill)(0, 1)  # 1 transaction, 1 need unanswered
        await drain(projector), await drain(phone)
        small_score_renders, small_score = await messages(score, scored, 4)
        small_create_renders, small_create = await messages(create)

        await database_sync_to_async(fill)(28, 29)  # 30 transactions, 30 needs unanswered
        await drain(projector), await drain(phone)
        large_score_renders, large_score = await messages(score, scored, 5)
        large_create_renders, large_create = await messages(create)
    finally:
        for socket in (projector, phone):
            await socket.disconnect(timeout=DISCONNECT_TIMEOUT)
        await close_database_thread()

    # A score: the transaction, its controls for the phones and the balance; never the
    # table's warnings (a score cannot change them), so its size ignores them too.
    for renders in (small_score_renders, large_score_renders):
        assert renders == {**ONE_OF_EACH, selectors.WARNINGS_TEMPLATE: 0}
    for renders in (small_create_renders, large_create_renders):
        assert renders == {**ONE_OF_EACH, selectors.WARNINGS_TEMPLATE: 1}
    assert shape(small_score[0]) == shape(large_score[0])
    assert shape(small_score[1]) == shape(large_score[1])
    assert len(large_score[0]) < 2500
    # A new transaction comes with the table's warnings (they may change): 30 warnings
    # weigh what 30 warnings weigh, but not one byte more for the basket's 30 transactions.
    small_warnings = re.search(r'<section class="table-warnings".*', small_create[0], re.S)
    large_warnings = re.search(r'<section class="table-warnings".*', large_create[0], re.S)
    assert shape(small_create[0].replace(small_warnings[0], "")) == shape(
        large_create[0].replace(large_warnings[0], "")
    )
    assert large_warnings[0].count("<li") == 30 + 1  # the needs and the one-way basket

    # The screens get no controls; the table's phones get them after the transaction.
    for screens, phones in (small_score, large_score, small_create, large_create):
        for control in ("<form", "<button", "/score/", "/edit/", "transaction-controls-"):
            assert control not in screens.replace(
                'class="transaction-controls" id="transaction-controls-', ""
            ), control
        assert "<form" in phones and "/score/" in phones and "/edit/" in phones
        assert not re.search(r'id="basket-\d', screens)  # never the whole basket
