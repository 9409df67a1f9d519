"""What a screen receives for one post-it does not grow with the board (issue 16).

Through the whole ASGI stack (WebsocketCommunicator): a phone of the table and the
projector receive the post-it's fragment, never its cell, rendered once, so a post-it's
message has the same number of bytes with 1 and with 100 post-its in its cell and table.
"""

import re
from contextlib import contextmanager

import pytest
from channels.db import database_sync_to_async
from channels.testing import WebsocketCommunicator
from django.test.signals import template_rendered

from config.asgi import application
from tests.conftest import close_database_thread, session_key, ws_headers
from workshops import services
from workshops.models import PostIt
from workshops.selectors import CELL_TEMPLATE, POSTIT_TEMPLATE

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.usefixtures("channel_layer")]

TEXT = "Un port en eau profonde pour les filières du territoire"


@contextmanager
def counting_renders():
    counts = {CELL_TEMPLATE: 0, POSTIT_TEMPLATE: 0}

    def on_render(sender, template, **kwargs):
        if template.name in counts:
            counts[template.name] += 1

    template_rendered.connect(on_render)
    try:
        yield counts
    finally:
        template_rendered.disconnect(on_render)


def without_its_id(message: str, pk: int) -> bytes:
    """The message with the post-it's id taken out (it may have more digits later on)."""
    return re.sub(rf"(postit-|/p/){pk}\b", r"\1", message).encode()


def fill(participant, count: int, kind: str = "offer") -> None:
    PostIt.objects.bulk_create(
        PostIt(subgroup=participant.subgroup, author=participant, kind=kind, text=f"{TEXT} {n}")
        for n in range(count)
    )


class Screens:
    """A phone of the table and the projector, their sockets open."""

    def __init__(self, phone: WebsocketCommunicator, projector: WebsocketCommunicator):
        self.phone, self.projector = phone, projector

    async def message(self) -> str:
        """The one message both received, the same for both."""
        message = await self.phone.receive_from()
        assert await self.projector.receive_from() == message
        assert await self.phone.receive_nothing(timeout=0.05)
        return message


@pytest.fixture
async def screens(participant_client, user_client, alice, bruno, owner):
    phone_client = await database_sync_to_async(participant_client)(bruno)
    laptop_client = await database_sync_to_async(user_client)(owner)
    phone = WebsocketCommunicator(
        application, f"/ws/j/{bruno.workshop.code}/", headers=ws_headers(session_key(phone_client))
    )
    projector = WebsocketCommunicator(
        application,
        f"/ws/w/{bruno.workshop_id}/screen/",
        headers=ws_headers(session_key(laptop_client)),
    )
    for communicator in (phone, projector):
        connected, _ = await communicator.connect()
        assert connected
    yield Screens(phone, projector)
    for communicator in (phone, projector):
        await communicator.disconnect(timeout=0.1)
    await close_database_thread()


async def created(participant, text: str = TEXT) -> tuple[PostIt, str, dict]:
    with counting_renders() as renders:
        postit = await database_sync_to_async(services.postit_create)(
            subgroup=participant.subgroup, author=participant, kind="offer", text=text
        )
    return postit, renders


async def test_a_new_postit_s_message_is_as_big_with_100_postits_in_its_cell_as_with_1(
    screens, alice, bruno
):
    await database_sync_to_async(fill)(alice, 1)
    first, renders_first = await created(alice)
    small = await screens.message()
    await database_sync_to_async(fill)(alice, 99)
    await database_sync_to_async(fill)(bruno, 100)  # and the rest of the table full too
    last, renders_last = await created(alice)
    large = await screens.message()

    assert len(without_its_id(small, first.pk)) == len(without_its_id(large, last.pk))
    assert renders_first == renders_last == {CELL_TEMPLATE: 0, POSTIT_TEMPLATE: 1}


async def test_an_edit_s_message_is_the_same_size_with_100_postits_in_its_cell_as_with_1(
    screens, alice
):
    postit, _renders = await created(alice)
    await screens.message()
    edit = database_sync_to_async(services.postit_update)

    with counting_renders() as renders_alone:
        await edit(postit=postit, kind="offer", text="Texte corrigé, première fois", by=None)
    alone = await screens.message()
    await database_sync_to_async(fill)(alice, 100)
    with counting_renders() as renders_crowded:
        await edit(postit=postit, kind="offer", text="Texte corrigé, deuxième fois", by=None)
    crowded = await screens.message()

    assert len(alone.encode()) == len(crowded.encode())  # the same post-it, same-size text
    assert renders_alone == renders_crowded == {CELL_TEMPLATE: 0, POSTIT_TEMPLATE: 1}


async def test_a_deletion_s_message_is_the_same_size_with_100_postits_in_its_cell_as_with_1(
    screens, alice
):
    delete = database_sync_to_async(services.postit_delete)
    first, _renders = await created(alice)
    await screens.message()
    await delete(postit=first, by=None)
    alone = await screens.message()
    await database_sync_to_async(fill)(alice, 100)
    last, _renders = await created(alice)
    await screens.message()
    with counting_renders() as renders:
        await delete(postit=last, by=None)
    crowded = await screens.message()

    assert len(without_its_id(alone, first.pk)) == len(without_its_id(crowded, last.pk))
    assert renders == {CELL_TEMPLATE: 0, POSTIT_TEMPLATE: 0}
