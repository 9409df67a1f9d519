"""Baskets on the phones' sockets: a change reaches the phones of its table, and no other."""

from contextlib import asynccontextmanager

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator

from config.asgi import application
from tests.conftest import close_database_thread, session_key, ws_headers
from workshops import services as room

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("channel_layer")]

DISCONNECT_TIMEOUT = 0.1


@pytest.fixture
def phone_headers(participant_client):
    async def make(participant) -> list:
        client = await database_sync_to_async(participant_client)(participant)
        return ws_headers(session_key(client))

    return make


@pytest.fixture
async def ws():
    opened = []

    @asynccontextmanager
    async def open_socket(participant_headers, code: str):
        communicator = WebsocketCommunicator(
            application, f"/ws/j/{code}/", headers=participant_headers
        )
        opened.append(communicator)
        connected, _ = await communicator.connect()
        assert connected
        yield communicator

    yield open_socket
    for communicator in opened:
        await communicator.disconnect(timeout=DISCONNECT_TIMEOUT)
    await close_database_thread()


async def test_it_sends_the_basket_with_a_post_it_s_new_text_to_its_table_only(
    ws, phone_headers, alice, bruno, chloe, basket, make_transaction, alices_postit
):
    await database_sync_to_async(make_transaction)(basket, alice, offer=alices_postit)
    code = alice.workshop.code
    async with (
        ws(await phone_headers(bruno), code) as brunos_phone,
        ws(await phone_headers(chloe), code) as chloes_phone,
    ):
        await database_sync_to_async(room.postit_update)(
            postit=alices_postit, by=alice, kind="offer", text="Texte nouveau", theme=""
        )

        received = []
        while not await brunos_phone.receive_nothing(timeout=0.2):
            received.append(await brunos_phone.receive_from())
        baskets = [html for html in received if f'id="basket-{basket.pk}"' in html]
        assert len(baskets) == 1
        assert "Texte nouveau" in baskets[0]
        assert await chloes_phone.receive_nothing(timeout=0.1)


async def test_it_sends_a_tapped_number_to_the_whole_table_and_no_other(
    ws, phone_headers, participant_client, alice, bruno, colette, chloe, basket, make_transaction
):
    transaction = await database_sync_to_async(make_transaction)(basket, alice)
    code = alice.workshop.code
    async with (
        ws(await phone_headers(alice), code) as alices_phone,
        ws(await phone_headers(colette), code) as colettes_phone,
        ws(await phone_headers(chloe), code) as chloes_phone,
    ):

        def tap():
            client = participant_client(bruno)
            path = f"/j/{code}/baskets/t/{transaction.pk}/score/"
            return client.post(path, {"score": 4}, HTTP_HX_REQUEST="true").status_code

        assert await database_sync_to_async(tap)() == 200

        sent = await alices_phone.receive_from()
        assert f'id="gauge-{basket.pk}"' in sent and 'data-value="4"' in sent
        assert f'id="transaction-{transaction.pk}"' in sent
        assert await colettes_phone.receive_from() == sent  # the same HTML for everyone
        assert await chloes_phone.receive_nothing(timeout=0.1)
